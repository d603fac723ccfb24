//! WL's unknowns as switches: every command that signs or judges takes the same ones, and a
//! request signed under one reading is judged by it.

use serde_json::Value;

use crate::common::*;

const OTHER: [&str; 8] = [
    "--signature-encoding",
    "base64",
    "--signature-prefix",
    "sha256=",
    "--payload-key",
    "none",
    "--timestamp-format",
    "unix",
];

#[test]
fn sign_and_verify_share_the_switches() {
    let dir = tempfile::tempdir().unwrap();
    let cap = dir.path().join("c.json");
    let out = wl()
        .args([
            "sign",
            "client.created",
            "--secret",
            "k",
            "--format",
            "json",
        ])
        .args(OTHER)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    std::fs::write(&cap, &out.stdout).unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let headers: Vec<(String, String)> = doc["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_str().unwrap().into(), p[1].as_str().unwrap().into()))
        .collect();
    let body = doc["body"].as_str().unwrap().as_bytes();
    // The signature, independently: openssl's HMAC, base64, after the prefix.
    let raw = hex_decode(&openssl_hmac(b"k", body));
    let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, raw);
    assert_eq!(
        header(&headers, "x-signature-256"),
        Some(format!("sha256={b64}").as_str())
    );
    assert_eq!(header(&headers, "x-payload-key"), None);
    let generated = header(&headers, "x-generated-at").unwrap();
    assert!(generated.bytes().all(|b| b.is_ascii_digit()), "{generated}");

    let verify = |extra: &[&str]| {
        let out = wl()
            .args(["verify", "--json", "--secret", "k"])
            .args(extra)
            .arg(&cap)
            .output()
            .unwrap();
        (out.status.code(), ndjson(&out.stdout)[0].clone())
    };
    let (code, v) = verify(&OTHER);
    assert_eq!(code, Some(0), "{v}");
    let statuses: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert!(!statuses.contains(&"warn"), "{v}");
    // Read under the default model: base64 is not read as hex, and the diagnosis says so.
    let (code, v) = verify(&[]);
    assert_eq!(code, Some(1));
    let why = v["diagnosis"].to_string();
    assert!(why.contains("base64"), "{why}");
}

fn hex_decode(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

/// send, check and replay --resign sign as the switches say, and listen judges so: a receiver
/// modelled the same way accepts them, one modelled the default way does not.
#[test]
fn senders_and_listen_agree_under_the_same_switches() {
    let mut args = vec!["--secret", "k", "--json", "--body", "none"];
    args.extend(OTHER);
    let l = Listener::start(&args);
    let send = wl()
        .args([
            "send",
            "client.created",
            "--secret",
            "k",
            "--url",
            &l.hook_url(),
        ])
        .args(OTHER)
        .output()
        .unwrap();
    assert_eq!(send.status.code(), Some(0), "{send:?}");
    let check = wl()
        .args([
            "check",
            &l.hook_url(),
            "--secret",
            "k",
            "--only",
            "accepts",
            "--topic",
            "client.created",
        ])
        .args(OTHER)
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(0), "{check:?}");
    // A capture signed another way, re-signed for this receiver by replay.
    let dir = tempfile::tempdir().unwrap();
    let cap = signed_capture(dir.path());
    let replay = wl()
        .args([
            "replay",
            "--resign",
            "--secret",
            "k",
            "--max-attempts",
            "1",
            "--url",
            &l.hook_url(),
        ])
        .args(OTHER)
        .arg(&cap)
        .output()
        .unwrap();
    assert_eq!(replay.status.code(), Some(0), "{replay:?}");
    // Under the default model, the same receiver refuses the default spelling.
    let default = wl()
        .args([
            "send",
            "client.created",
            "--secret",
            "k",
            "--url",
            &l.hook_url(),
        ])
        .output()
        .unwrap();
    assert_eq!(default.status.code(), Some(1));
    l.terminate();
    let (_, out) = l.finish();
    let statuses: Vec<u64> = ndjson(out.as_bytes())
        .iter()
        .filter(|v| v["type"] == "request")
        .map(|v| v["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [200, 200, 200, 401]);
}

#[test]
fn a_prefix_that_cannot_be_a_header_is_an_input_error() {
    wl().args(["sign", "client.created", "--signature-prefix", " sha256= "])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--signature-prefix"));
}
