//! Answers that are not whole: a status line whose body never finishes, or breaks off, is not
//! a delivery for any command that delivers.

use std::io::Write;
use std::time::Duration;

use crate::common::{ndjson, wl};
use crate::server::raw_peer;

/// A 200 head promising 100 bytes of body, 5 of them, then silence.
fn hangs_after_head(s: &mut std::net::TcpStream) {
    let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nhello");
    let _ = s.flush();
    std::thread::sleep(Duration::from_millis(2500));
}

/// The same head, then the connection closes.
fn breaks_after_head(s: &mut std::net::TcpStream) {
    let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nhello");
    let _ = s.flush();
}

#[test]
fn send_does_not_count_a_200_whose_body_never_finishes() {
    let (addr, _t) = raw_peer(1, hangs_after_head);
    let out = wl()
        .args([
            "send",
            "--topic",
            "client.created",
            "--json",
            "--timeout",
            "1s",
        ])
        .args(["--url", &format!("http://{addr}/h")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let lines = ndjson(&out.stdout);
    assert_eq!(lines[0]["type"], "delivery");
    assert_eq!(lines[0]["status"], 200);
    assert_eq!(lines[0]["accepted"], false, "{}", lines[0]);
    assert_eq!(lines[0]["error"]["class"], "timeout");
    let why = lines[0]["explanation"].as_str().unwrap();
    assert!(why.contains("did not finish within 1 s"), "{why}");
}

#[test]
fn send_does_not_count_a_200_that_breaks_off() {
    let (addr, _t) = raw_peer(1, breaks_after_head);
    let out = wl()
        .args(["send", "--topic", "client.created", "--color", "never"])
        .args(["--url", &format!("http://{addr}/h")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("✗"), "{text}");
    assert!(text.contains("broke off before its body ended"), "{text}");
}

#[test]
fn replay_does_not_count_a_200_whose_body_never_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let cap = crate::common::signed_capture(dir.path());
    let (addr, _t) = raw_peer(2, hangs_after_head);
    let out = wl()
        .args(["replay", "--json", "--timeout", "1s", "--max-attempts", "2"])
        .args(["--url", &format!("http://{addr}/h")])
        .arg(&cap)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let lines = ndjson(&out.stdout);
    let attempts: Vec<_> = lines.iter().filter(|l| l["type"] == "attempt").collect();
    assert_eq!(attempts.len(), 2, "{lines:?}");
    assert_eq!(attempts[0]["status"], 200, "{lines:?}");
    assert!(attempts.iter().all(|a| a["accepted"] == false), "{lines:?}");
    let capture = lines.iter().find(|l| l["type"] == "capture").unwrap();
    assert_eq!(capture["delivered"], false);
}

/// `wl-hook ARGS` under a 2 GB address-space limit: an unbounded read of /dev/zero dies of it.
fn under_memory_limit(args: &str) -> std::process::Output {
    let bin = assert_cmd::cargo::cargo_bin("wl-hook");
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v 2000000; exec '{}' {args}",
            bin.display()
        ))
        .env_remove("WL_HOOK_SECRET")
        .output()
        .unwrap()
}

#[test]
fn endless_inputs_are_refused_with_a_bound() {
    let out = under_memory_limit("verify /dev/zero");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("over 512 MiB"), "{text}");

    let out = under_memory_limit("sign --topic client.created --secret-file /dev/zero");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("key file /dev/zero is over 64 KiB"), "{err}");
}
