//! Header values that are not UTF-8 (obs-text, bytes 0x80-0xFF, which HTTP allows and hyper
//! accepts) are kept exactly: saved by `listen --save`, relayed by `--forward-to`, sent again by
//! `replay` and the inspector's resend, read from raw HTTP dumps, and shown escaped.

use std::io::{Read, Write};
use std::time::Duration;

use base64::Engine;
use serde_json::{json, Value};

use crate::common::*;
use crate::server::TestServer;

const GEN: &str = "2026-01-10T10:00:00.000Z";
const BODY: &[u8] = br#"{"uid":"5","s_first_name":"Ann"}"#;
const NOTE: &[u8] = b"caf\xe9";
const MIXED: &[u8] = b"\xff ok \x80";

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A request head and body with the WL headers (signed with `k`) and two values that are not
/// UTF-8; HTTP/1.1, `connection: close`.
fn raw_request(path: &str) -> Vec<u8> {
    let mut raw = format!("POST {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n").into_bytes();
    for (n, v) in wl_headers(b"k", "client.created", BODY, GEN) {
        raw.extend_from_slice(format!("{n}: {v}\r\n").as_bytes());
    }
    for (n, v) in [("x-note", NOTE), ("x-mixed", MIXED)] {
        raw.extend_from_slice(format!("{n}: ").as_bytes());
        raw.extend_from_slice(v);
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(format!("content-length: {}\r\n\r\n", BODY.len()).as_bytes());
    raw.extend_from_slice(BODY);
    raw
}

/// Send `raw` over a plain TCP socket (clients refuse such values) and return the answer.
fn send_raw(url: &str, raw: &[u8]) -> String {
    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(raw).unwrap();
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

/// The server received both values exactly.
fn assert_exact(app: &TestServer, which: usize, what: &str) {
    let hits = app.hits();
    let hit = &hits[which];
    assert_eq!(hit.header_bytes("x-note"), Some(NOTE), "{what}: x-note");
    assert_eq!(hit.header_bytes("x-mixed"), Some(MIXED), "{what}: x-mixed");
    assert_eq!(hit.body, BODY, "{what}: body");
}

#[test]
fn listen_saves_forwards_and_resends_the_exact_bytes_and_replay_sends_them_again() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestServer::status(200);
    let l = Listener::start(&[
        "--secret",
        "k",
        "--json",
        "--save",
        dir.path().to_str().unwrap(),
        "--forward-to",
        &app.url(),
    ]);
    let answer = send_raw(&l.url, &raw_request("/webhooks"));
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert_exact(&app, 0, "--forward-to");

    // The inspector's resend.
    let ui: Value = serde_json::from_str(l.inspector.as_deref().unwrap()).unwrap();
    let resent_to = TestServer::status(200).expect(1);
    let (status, said) = request(
        "POST",
        &format!("{}api/requests/1/resend", ui["url"].as_str().unwrap()),
        &[("x-wl-hook-inspector", "1")],
        json!({ "url": resent_to.url() }).to_string().as_bytes(),
    );
    assert_eq!(status, 200, "{said}");
    assert_exact(&resent_to, 0, "the inspector's resend");
    // Its curl command carries the bytes through printf's octal escapes.
    let (status, curl) = request(
        "GET",
        &format!("{}api/requests/1/curl", ui["url"].as_str().unwrap()),
        &[],
        b"",
    );
    assert_eq!(status, 200, "{curl}");
    assert!(
        curl.contains(r#"-H "$(printf 'x-note: caf\351')""#),
        "{curl}"
    );
    assert!(
        curl.contains(r#"-H "$(printf 'x-mixed: \377 ok \200')""#),
        "{curl}"
    );

    l.terminate();
    let (code, out) = l.finish();
    assert_eq!(code, Some(0));
    let line = ndjson(out.as_bytes())
        .into_iter()
        .find(|v| v["type"] == "request")
        .unwrap();
    assert_eq!(line["valid"], true, "{line}");
    assert_eq!(
        line["non_utf8_headers"],
        json!([
            {"name": "x-note", "value_base64": b64(NOTE)},
            {"name": "x-mixed", "value_base64": b64(MIXED)},
        ])
    );

    // The capture: readable text in `headers`, the exact bytes by index beside it.
    let files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let cap = files[0].to_str().unwrap().to_string();
    let doc: Value = serde_json::from_slice(&std::fs::read(&cap).unwrap()).unwrap();
    let headers: Vec<(String, String)> = serde_json::from_value(doc["headers"].clone()).unwrap();
    let at = |name: &str| headers.iter().position(|(n, _)| n == name).unwrap();
    assert_eq!(headers[at("x-note")].1, "caf\u{fffd}");
    let exact = doc["header_values_base64"].as_object().unwrap();
    assert_eq!(exact.len(), 2, "{doc}");
    for (name, want) in [("x-note", NOTE), ("x-mixed", MIXED)] {
        let stored = exact[&at(name).to_string()].as_str().unwrap();
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(stored)
            .unwrap();
        assert_eq!(decoded, want, "{name}");
    }

    // verify shows the values escaped, and exactly in --json.
    let out = wl()
        .args(["verify", &cap, "--secret", "k", "--color", "never"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).expect("no raw bytes reach the terminal");
    assert!(out.status.success(), "{text}");
    assert!(text.contains("x-note: caf\\xe9 (not UTF-8"), "{text}");
    assert!(text.contains("x-mixed: \\xff ok \\x80"), "{text}");
    let out = wl()
        .args(["verify", &cap, "--secret", "k", "--json"])
        .output()
        .unwrap();
    let v = &ndjson(&out.stdout)[0];
    assert_eq!(v["non_utf8_headers"], line["non_utf8_headers"]);

    // replay sends the exact bytes again, on every attempt.
    let target =
        TestServer::start(|_, n| crate::server::Reply::status(if n == 0 { 500 } else { 200 }))
            .expect(2);
    wl().args(["replay", &cap, "--url", &target.url()])
        .assert()
        .success();
    assert_exact(&target, 0, "replay, attempt 1");
    assert_exact(&target, 1, "replay, attempt 2");
}

#[test]
fn raw_http_dumps_keep_the_bytes_for_verify_and_replay() {
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("r.http");
    std::fs::write(&dump, raw_request("/webhooks")).unwrap();
    let dump = dump.to_str().unwrap();
    let out = wl()
        .args(["verify", dump, "--secret", "k", "--color", "never"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).expect("no raw bytes reach the terminal");
    assert!(out.status.success(), "{text}");
    assert!(text.contains("x-note: caf\\xe9"), "{text}");
    let out = wl()
        .args(["verify", dump, "--secret", "k", "--json"])
        .output()
        .unwrap();
    assert_eq!(
        ndjson(&out.stdout)[0]["non_utf8_headers"],
        json!([
            {"name": "x-note", "value_base64": b64(NOTE)},
            {"name": "x-mixed", "value_base64": b64(MIXED)},
        ])
    );
    let target = TestServer::status(200).expect(1);
    wl().args(["replay", dump, "--url", &target.url()])
        .assert()
        .success();
    assert_exact(&target, 0, "replay of a raw dump");
}

/// The human view of listen escapes the bytes; a capture of UTF-8 headers has no new field.
#[test]
fn listen_shows_the_value_escaped_and_leaves_utf8_captures_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let l = Listener::start(&[
        "--secret",
        "k",
        "--color",
        "never",
        "--save",
        dir.path().to_str().unwrap(),
    ]);
    let answer = send_raw(&l.url, &raw_request("/webhooks"));
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let headers = wl_headers(b"k", "client.created", BODY, GEN);
    assert_eq!(post(&l.hook_url(), &refs(&headers), BODY).0, 200);
    l.terminate();
    let (_, out) = l.finish();
    assert!(out.contains("x-note: caf\\xe9 (not UTF-8"), "{out}");
    assert!(out.contains("x-mixed: \\xff ok \\x80"), "{out}");
    let mut files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let second = std::fs::read_to_string(&files[1]).unwrap();
    assert!(!second.contains("header_values_base64"), "{second}");
}

/// A capture whose `header_values_base64` is wrong is refused by `verify` and `replay` with one
/// line naming what is wrong (exit 2), and the other inputs are still checked.
#[test]
fn a_wrong_header_values_base64_is_named_and_the_rest_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let good = wl()
        .args(["sign", "--topic", "client.created", "--format", "json"])
        .output()
        .unwrap();
    assert!(good.status.success(), "{good:?}");
    std::fs::write(dir.path().join("a-good.json"), &good.stdout).unwrap();
    let mut bad: Value = serde_json::from_slice(&good.stdout).unwrap();
    bad["header_values_base64"] = json!({ "99": b64(NOTE) });
    std::fs::write(dir.path().join("b-index.json"), bad.to_string()).unwrap();
    bad["header_values_base64"] = json!({ "0": "not base64!" });
    std::fs::write(dir.path().join("c-base64.json"), bad.to_string()).unwrap();

    let out = wl().arg("verify").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("a-good.json"), "{text}");
    let line = |name: &str| {
        text.lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name} not named: {text}"))
            .to_string()
    };
    assert!(
        line("b-index.json").contains("\"99\" is not the index of a header"),
        "{text}"
    );
    assert!(line("c-base64.json").contains("invalid base64"), "{text}");

    let out = wl()
        .args(["replay", "--url", "http://127.0.0.1:9/none"])
        .arg(dir.path().join("b-index.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("header_values_base64"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}
