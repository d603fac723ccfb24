//! Helpers shared by the integration tests: running the binary, and signing independently of
//! wl-hook's own code (so a bug there cannot hide in both places).

#![allow(dead_code)]

use assert_cmd::Command;

/// Variables that would change what the binary does; every test runs without them.
pub const ENV_VARS: [&str; 13] = [
    "WL_HOOK_PROFILE",
    "WL_HOOK_SECRET",
    "WL_HOOK_URL",
    "WL_HOOK_FIXTURES",
    "WL_HOOK_COLOR",
    "WL_HOOK_TIMEOUT",
    "WL_HOOK_HOST",
    "WL_HOOK_PORT",
    "WL_HOOK_SCHEDULE",
    "NO_COLOR",
    "CLICOLOR_FORCE",
    "HTTP_PROXY",
    "http_proxy",
];

/// The wl-hook binary with a clean, deterministic environment.
pub fn wl() -> Command {
    let mut cmd = Command::cargo_bin("wl-hook").expect("the wl-hook binary is built");
    for var in ENV_VARS {
        cmd.env_remove(var);
    }
    // No user config file of the machine running the tests.
    cmd.env("XDG_CONFIG_HOME", NO_USER_CONFIG);
    cmd
}

/// A folder that does not exist, as `XDG_CONFIG_HOME`.
pub const NO_USER_CONFIG: &str = "/nonexistent/wl-hook-tests";

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

/// POST with an independent client (reqwest, no wl-hook code): returns status and body.
pub fn post(url: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String) {
    request("POST", url, headers, body)
}

/// Any request with an independent client.
pub fn request(method: &str, url: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let client = reqwest::Client::builder()
            .tls_certs_only(Vec::<reqwest::Certificate>::new())
            .no_proxy()
            .build()
            .unwrap();
        let mut req = client
            .request(method.parse().unwrap(), url)
            .body(body.to_vec());
        for (n, v) in headers {
            req = req.header(*n, *v);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        (status, resp.text().await.unwrap_or_default())
    })
}

/// Headers of a correctly signed WL delivery, computed independently of wl-hook.
pub fn wl_headers(
    key: &[u8],
    topic: &str,
    body: &[u8],
    generated_at: &str,
) -> Vec<(String, String)> {
    use hmac::{Hmac, Mac};
    use sha2::Digest;
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
    mac.update(body);
    vec![
        ("content-type".into(), "application/json".into()),
        ("x-topic".into(), topic.into()),
        ("x-signature-256".into(), hex(&mac.finalize().into_bytes())),
        ("x-generated-at".into(), generated_at.into()),
        ("x-sent-at".into(), generated_at.into()),
        ("x-payload-key".into(), hex(&sha2::Sha256::digest(body))),
    ]
}

/// Borrowed view of owned header pairs, for [`post`].
pub fn refs(h: &[(String, String)]) -> Vec<(&str, &str)> {
    h.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect()
}

/// A spawned `wl-hook listen`, its URL read from the first stdout line.
pub struct Listener {
    pub child: std::process::Child,
    pub url: String,
    /// The inspector's line (the second), unless `--no-ui`.
    pub inspector: Option<String>,
    lines: std::sync::mpsc::Receiver<String>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Listener {
    /// Start `wl-hook listen --port 0 ARGS...` and wait for its first line. The inspector
    /// gets a free port too (`--ui-port 0`) unless ARGS say otherwise: the default port is the
    /// inspector tests' to hold.
    pub fn start(args: &[&str]) -> Listener {
        let bin = assert_cmd::cargo::cargo_bin("wl-hook");
        let mut cmd = std::process::Command::new(bin);
        for var in ENV_VARS {
            cmd.env_remove(var);
        }
        cmd.args(["listen", "--port", "0"]);
        let ui = !args.contains(&"--no-ui");
        if !args.iter().any(|a| *a == "--no-ui" || *a == "--ui-port") {
            cmd.args(["--ui-port", "0"]);
        }
        let mut child = cmd
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let first = rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("listen printed its first line");
        let url = if let Some(u) = first.strip_prefix("Listening on ") {
            u.to_string()
        } else {
            let v: serde_json::Value = serde_json::from_str(&first).expect("first line");
            assert_eq!(v["type"], "listening");
            v["url"].as_str().unwrap().to_string()
        };
        let inspector = ui.then(|| {
            rx.recv_timeout(std::time::Duration::from_secs(20))
                .expect("listen printed the inspector's line")
        });
        Listener {
            child,
            url,
            inspector,
            lines: rx,
            reader: Some(reader),
        }
    }

    pub fn hook_url(&self) -> String {
        format!("{}/webhooks", self.url)
    }

    /// The next line printed, waiting at most `within`.
    pub fn next_line(&self, within: std::time::Duration) -> Option<String> {
        self.lines.recv_timeout(within).ok()
    }

    /// Send SIGTERM.
    pub fn terminate(&self) {
        std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
    }

    /// Wait for the process to exit (at most 30 s) and return its code and the rest of stdout.
    pub fn finish(mut self) -> (Option<i32>, String) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let status = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s;
            }
            if std::time::Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("listen did not exit in time");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        if let Some(r) = self.reader.take() {
            r.join().unwrap();
        }
        let rest: Vec<String> = self.lines.try_iter().collect();
        (status.code(), rest.join("\n"))
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A capture document of a fresh, signed `client.created` (development key), written by
/// `wl-hook sign --format json` into `dir`.
pub fn signed_capture(dir: &std::path::Path) -> std::path::PathBuf {
    let cap = dir.join("c.json");
    let signed = wl()
        .args(["sign", "--topic", "client.created", "--format", "json"])
        .output()
        .unwrap();
    assert!(signed.status.success(), "{signed:?}");
    std::fs::write(&cap, &signed.stdout).unwrap();
    cap
}

/// Wait for `child` to exit within `within`; else kill it and fail the test with `what`.
pub fn exit_within(
    child: &mut std::process::Child,
    within: std::time::Duration,
    what: &str,
) -> std::process::ExitStatus {
    let deadline = std::time::Instant::now() + within;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("{what}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
