//! Helpers shared by the integration tests: running the binary, and signing independently of
//! wl-hook's own code (so a bug there cannot hide in both places).

#![allow(dead_code)]

use assert_cmd::Command;

/// The wl-hook binary with a clean, deterministic environment.
pub fn wl() -> Command {
    let mut cmd = Command::cargo_bin("wl-hook").expect("the wl-hook binary is built");
    for var in [
        "WL_HOOK_SECRET",
        "WL_HOOK_URL",
        "WL_HOOK_FIXTURES",
        "WL_HOOK_COLOR",
        "NO_COLOR",
        "CLICOLOR_FORCE",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// HMAC-SHA256 hex computed by `openssl dgst`, independent of wl-hook.
pub fn openssl_hmac(key: &[u8], body: &[u8]) -> String {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("openssl")
        .args(["dgst", "-sha256", "-mac", "HMAC", "-macopt"])
        .arg(format!("hexkey:{}", hex(key)))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("openssl is installed");
    child.stdin.take().unwrap().write_all(body).unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    text.trim().rsplit(' ').next().unwrap().to_string()
}

/// SHA-256 hex computed by `openssl dgst`, independent of wl-hook.
pub fn openssl_sha256(body: &[u8]) -> String {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("openssl")
        .args(["dgst", "-sha256"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("openssl is installed");
    child.stdin.take().unwrap().write_all(body).unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    text.trim().rsplit(' ').next().unwrap().to_string()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The development key wl-hook uses when none is given.
pub const DEV_KEY: &str = "wl-hook-development-key";

/// The 13 event names in catalogue order.
pub const EVENTS: [&str; 13] = [
    "business.updated",
    "location.created",
    "location.updated",
    "staff.created",
    "staff.updated",
    "class.created",
    "class.updated",
    "appointment.created",
    "appointment.updated",
    "client.created",
    "client.updated",
    "purchase.created",
    "purchase.refunded",
];

/// Parse NDJSON output into values.
pub fn ndjson(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect()
}

/// Find a header value (case-insensitive) in a list of pairs.
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}
