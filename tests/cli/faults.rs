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

/// `SCRIPT` run by sh with `$WL` the binary, under an address-space limit of `limit_mb` MB:
/// a read that is not bounded dies of it.
fn under_memory_limit(limit_mb: u64, script: &str) -> std::process::Output {
    limited("-v", limit_mb, script)
}

/// `SCRIPT` run by sh with `$WL` the binary, under `ulimit FLAG` of `limit_mb` MB: `-v` limits
/// the address space, `-d` the memory a process writes to (heap and anonymous maps; unlike the
/// address space, not the room threads reserve and never use).
fn limited(flag: &str, limit_mb: u64, script: &str) -> std::process::Output {
    let bin = assert_cmd::cargo::cargo_bin("wl-hook");
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit {flag} {}; {script}", limit_mb * 1024))
        .env("WL", bin)
        .env_remove("WL_HOOK_SECRET")
        .output()
        .unwrap()
}

#[test]
fn endless_inputs_are_refused_with_a_bound() {
    // Not an input from its first bytes: refused after them.
    let out = under_memory_limit(2000, r#"exec "$WL" verify /dev/zero"#);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("not a capture, raw HTTP request or loose JSON form (starts with bytes 0x00 0x00 0x00 0x00...)"), "{text}");

    // Endless JSON-looking text: read up to the bound, then refused.
    let out = under_memory_limit(2000, r#"yes '[' | "$WL" verify -"#);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("over 512 MiB"), "{text}");

    let out = under_memory_limit(
        2000,
        r#"exec "$WL" sign --topic client.created --secret-file /dev/zero"#,
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("key file /dev/zero is over 64 KiB"), "{err}");

    // A body read from an endless source is refused at the bound, not read until memory runs out.
    let out = under_memory_limit(
        2000,
        r#"exec "$WL" sign --topic client.created --raw --data /dev/zero"#,
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--data file /dev/zero is over 512 MiB"),
        "{err}"
    );
}

/// A folder of 64 captures, `c-00.json` to `c-63.json`, six of them (two in each half, where
/// verify's two workers begin) a capture whose body is `mb` MiB of JSON, the others small; all
/// signed with the development key.
fn big_captures(dir: &std::path::Path, mb: usize) {
    let item =
        r#"{"k_purchase_item":88412,"text_title":"10-Class Pass","m_price_total":"160.00"},"#;
    let mut body = String::from(r#"{"purchase_items":["#);
    while body.len() < mb << 20 {
        body.push_str(item);
    }
    body.pop();
    body.push_str("]}");
    let data = dir.join("body.data");
    std::fs::write(&data, &body).unwrap();
    let signed = wl()
        .args([
            "sign",
            "--topic",
            "purchase.created",
            "--format",
            "json",
            "--data",
        ])
        .arg(&data)
        .output()
        .unwrap();
    assert!(signed.status.success(), "{signed:?}");
    let small = std::fs::read(crate::common::signed_capture(dir)).unwrap();
    std::fs::remove_file(dir.join("c.json")).unwrap();
    for i in 0..64 {
        let big = [0, 10, 20, 32, 42, 52].contains(&i);
        let bytes = if big { &signed.stdout } else { &small };
        std::fs::write(dir.join(format!("c-{i:02}.json")), bytes).unwrap();
    }
}

/// verify and replay hold one input at a time: six captures of 40 MiB each pass under a limit
/// that one of them fits in with room to spare, but not two (verify's workers take large
/// inputs in turn) nor all of them (the old replay, which read every capture before sending
/// the first, needed 300 MB here).
#[test]
fn a_folder_of_large_captures_needs_memory_for_one() {
    let dir = tempfile::tempdir().unwrap();
    big_captures(dir.path(), 40);
    let folder = dir.path().display().to_string();
    let limit = 250;
    let out = limited("-d", limit, &format!(r#"exec "$WL" verify -q '{folder}'"#));
    assert_eq!(out.status.code(), Some(0), "{out:?}");

    let server = crate::server::TestServer::status(200).expect(64);
    let out = limited(
        "-d",
        limit,
        &format!(
            r#"exec "$WL" replay --json --max-attempts 1 --url '{}' '{folder}'"#,
            server.url()
        ),
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let hits = server.hits();
    let big = hits.iter().filter(|h| h.body.len() > 40 << 20).count();
    assert_eq!(big, 6, "bodies were cut");
}

/// A large file that is plainly not an input is refused from its first bytes, whatever its size
/// (sparse here: nothing is on disk, and reading it whole would pass the memory limit).
#[test]
fn a_large_binary_file_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let zeros = dir.path().join("zeros.json");
    std::fs::File::create(&zeros)
        .unwrap()
        .set_len(500 << 20)
        .unwrap();
    let out = under_memory_limit(200, &format!(r#"exec "$WL" verify '{}'"#, zeros.display()));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("starts with bytes 0x00"), "{text}");
}
