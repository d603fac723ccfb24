use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use predicates::prelude::*;
use serde_json::Value;

use crate::common::*;
use crate::server::*;

const KEY: &[u8] = b"receiver-key";

fn signed_ok(h: &Hit) -> bool {
    h.header("x-signature-256") == Some(hmac_hex(KEY, &h.body).as_str())
}

/// A receiver that does everything right.
fn correct() -> TestServer {
    TestServer::start(|h, _| Reply::status(if signed_ok(h) { 200 } else { 401 }))
}

fn check(url: &str, extra: &[&str]) -> (i32, HashMap<String, Value>, Value) {
    let out = wl()
        .args(["check", url, "--secret", "receiver-key", "--json"])
        .args(extra)
        .output()
        .unwrap();
    let mut lines = ndjson(&out.stdout);
    let summary = lines.pop().expect("summary");
    assert_eq!(summary["type"], "summary");
    let by_name = lines
        .into_iter()
        .map(|l| (l["name"].as_str().unwrap().to_string(), l))
        .collect();
    (out.status.code().unwrap(), by_name, summary)
}

fn verdict(m: &HashMap<String, Value>, name: &str) -> String {
    m[name]["verdict"].as_str().unwrap().to_string()
}

#[test]
fn a_correct_receiver_passes_everything_and_the_junit_file_says_so() {
    let srv = correct();
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("report.xml");
    let (code, m, summary) = check(&srv.url(), &["--junit", junit.to_str().unwrap()]);
    assert_eq!(code, 0, "{m:?}");
    assert_eq!(m.len(), 12);
    for (name, v) in &m {
        assert_eq!(v["verdict"], "PASS", "{name}: {v}");
    }
    assert_eq!(summary["passed"], 12);
    // What the receiver saw: 13 events, 3 rejections, 50 in the burst, a big purchase...
    let hits = srv.hits();
    let topics: Vec<_> = hits
        .iter()
        .map(|h| h.header("x-topic").unwrap().to_string())
        .collect();
    for e in EVENTS {
        assert!(topics.contains(&e.to_string()), "{e}");
    }
    assert!(topics.contains(&"membership.created".to_string()));
    assert!(
        hits.iter().any(|h| h.body.len() > 100_000),
        "a large payload was sent"
    );
    assert_eq!(
        hits.iter().filter(|h| !signed_ok(h)).count(),
        7,
        "forged (another key, the development key, 3 malformed), tampered, unsigned"
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 12);
    assert!(doc.descendants().all(|n| !n.has_tag_name("failure")));
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    assert_eq!(suite.attribute("tests"), Some("12"));
    assert_eq!(suite.attribute("failures"), Some("0"));
}

#[test]
fn a_receiver_that_skips_signature_checks_fails_the_rejection_scenarios() {
    let srv = TestServer::status(200);
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("report.xml");
    let (code, m, _) = check(&srv.url(), &["--junit", junit.to_str().unwrap()]);
    assert_eq!(code, 1);
    for name in ["rejects-forged", "rejects-tampered", "rejects-unsigned"] {
        assert_eq!(verdict(&m, name), "FAIL", "{name}");
        assert!(
            m[name]["reason"].as_str().unwrap().contains("accepts"),
            "{}",
            m[name]
        );
    }
    assert_eq!(verdict(&m, "accepts"), "PASS");
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let failed: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase") && n.children().any(|c| c.has_tag_name("failure")))
        .map(|n| n.attribute("name").unwrap().to_string())
        .collect();
    assert_eq!(
        failed,
        ["rejects-forged", "rejects-tampered", "rejects-unsigned"]
    );
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert!(failure.attribute("message").unwrap().contains("forged"));
}

#[test]
fn a_receiver_answering_204_fails_accepts_with_wls_reason() {
    let srv = TestServer::start(|h, _| Reply::status(if signed_ok(h) { 204 } else { 401 }));
    let (code, m, _) = check(&srv.url(), &[]);
    assert_eq!(code, 1);
    assert_eq!(verdict(&m, "accepts"), "FAIL");
    assert!(
        m["accepts"]["reason"]
            .as_str()
            .unwrap()
            .contains("WL only accepts 200 or 201"),
        "{}",
        m["accepts"]
    );
    assert_eq!(verdict(&m, "rejects-forged"), "PASS");
}

#[test]
fn a_receiver_rate_limiting_at_ten_concurrent_fails_burst() {
    let in_flight = Arc::new(AtomicUsize::new(0));
    let seen = in_flight.clone();
    // Every request holds its slot for 100 ms; the 11th at once is refused.
    let srv = TestServer::start(move |h, _| {
        if !signed_ok(h) {
            return Reply::status(401);
        }
        let n = seen.fetch_add(1, Ordering::SeqCst);
        let seen2 = seen.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            seen2.fetch_sub(1, Ordering::SeqCst);
        });
        Reply::status(if n >= 10 { 429 } else { 200 }).delay(Duration::from_millis(100))
    });
    let (code, m, _) = check(&srv.url(), &["--only", "burst", "--burst", "40"]);
    assert_eq!(code, 1);
    assert_eq!(verdict(&m, "burst"), "FAIL");
    let reason = m["burst"]["reason"].as_str().unwrap();
    assert!(
        reason.contains("429") && reason.contains("rate limits"),
        "{reason}"
    );
    drop(in_flight);
}

#[test]
fn a_slow_receiver_fails_responds_in_time() {
    let srv = TestServer::start(|_, _| Reply::status(200).delay(Duration::from_millis(1500)));
    let (code, m, _) = check(
        &srv.url(),
        &[
            "--only",
            "accepts",
            "--only",
            "responds-in-time",
            "--topic",
            "client",
            "--timeout",
            "300ms",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(verdict(&m, "responds-in-time"), "FAIL");
    assert!(m["responds-in-time"]["reason"]
        .as_str()
        .unwrap()
        .contains("no answer within 300 ms"));
    assert_eq!(verdict(&m, "accepts"), "FAIL");
    // Alone, it sends a delivery of its own.
    let fast = correct();
    let (code, m, _) = check(&fast.url(), &["--only", "responds-in-time"]);
    assert_eq!(
        (code, verdict(&m, "responds-in-time")),
        (0, "PASS".to_string())
    );
    assert!(m["responds-in-time"]["reason"]
        .as_str()
        .unwrap()
        .contains("p99"));
}

#[test]
fn a_receiver_rejecting_old_events_fails_late_retry() {
    let srv = TestServer::start(|h, _| {
        if !signed_ok(h) {
            return Reply::status(401);
        }
        let gen =
            chrono::DateTime::parse_from_rfc3339(h.header("x-generated-at").unwrap()).unwrap();
        let age = chrono::Utc::now().signed_duration_since(gen);
        Reply::status(if age > chrono::Duration::days(1) {
            400
        } else {
            200
        })
    });
    let (code, m, _) = check(
        &srv.url(),
        &["--only", "late-retry", "--only", "out-of-order"],
    );
    assert_eq!(code, 1);
    assert_eq!(m.len(), 2);
    assert_eq!(verdict(&m, "late-retry"), "FAIL");
    assert!(m["late-retry"]["reason"]
        .as_str()
        .unwrap()
        .contains("72 hours"));
    assert_eq!(verdict(&m, "out-of-order"), "PASS");
}

#[test]
fn unknown_topics_only_warn() {
    let srv = TestServer::start(|h, _| {
        if !signed_ok(h) {
            Reply::status(401)
        } else if h.header("x-topic") == Some("membership.created") {
            Reply::status(400)
        } else {
            Reply::status(200)
        }
    });
    let (code, m, summary) = check(
        &srv.url(),
        &["--only", "unknown-topic", "--only", "accepts"],
    );
    assert_eq!(code, 0);
    assert_eq!(verdict(&m, "unknown-topic"), "WARN");
    assert_eq!(summary["warnings"], 1);
}

#[test]
fn the_table_and_input_errors() {
    let srv = correct();
    wl().args([
        "check",
        &srv.url(),
        "--secret",
        "receiver-key",
        "--topic",
        "purchases",
    ])
    .assert()
    .success()
    .stdout(
        predicate::str::contains("SCENARIO")
            .and(predicate::str::contains("12 passed, 0 failed, 0 warnings")),
    );
    wl().args(["check", &srv.url(), "--only", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("rejects-forged"));
    wl().args(["check", &srv.url(), "--topic", "nope"])
        .assert()
        .code(2);
    wl().args(["check", "not-a-url"]).assert().code(2);
    let url = format!("http://127.0.0.1:{}/webhooks", closed_port());
    wl().args(["check", &url])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("cannot reach"));
}

/// `check --fixtures DIR` sends the user's fixture, not the bundled one.
#[test]
fn fixtures_folder_supplies_the_bodies() {
    let dir = tempfile::tempdir().unwrap();
    wl().args(["fixtures", "export"])
        .arg(dir.path())
        .assert()
        .success();
    let file = dir.path().join("client.created.json");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("Client Name", "Fixture-From-Folder")).unwrap();
    let server = correct();
    let (code, _, _) = check(
        &server.url(),
        &[
            "--topic",
            "client.created",
            "--fixtures",
            dir.path().to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0);
    let hits = server.hits();
    assert!(!hits.is_empty());
    assert!(
        hits.iter()
            .any(|h| String::from_utf8_lossy(&h.body).contains("Fixture-From-Folder")),
        "no delivery carried the folder's fixture"
    );
}

/// `check ... --junit FILE | head -0`: the report nobody reads does not cost CI its JUnit file.
#[test]
fn the_junit_file_is_written_when_stdout_is_closed() {
    let srv = correct();
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("report.xml");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("wl-hook"))
        .args([
            "check",
            &srv.url(),
            "--secret",
            "receiver-key",
            "--only",
            "accepts",
        ])
        .args([
            "--topic",
            "client.created",
            "--junit",
            junit.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Nobody reads: the pipe is closed before anything is written.
    drop(child.stdout.take());
    let status = exit_within(&mut child, Duration::from_secs(20), "check did not end");
    assert_eq!(status.code(), Some(1));
    let xml = std::fs::read_to_string(&junit).expect("the JUnit file");
    assert!(xml.contains("testcase") && xml.contains("accepts"), "{xml}");
}

/// Receivers with the signature bugs a forgery by another key alone does not show: an
/// exception from a malformed signature caught and let through, and wl-hook's development
/// key left in from local testing.
#[test]
fn rejects_forged_catches_malformed_signatures_and_the_development_key() {
    let lets_malformed_through = TestServer::start(|h, _| {
        let sig = h.header("x-signature-256").unwrap_or_default();
        let well_formed = sig.len() == 64 && sig.bytes().all(|b| b.is_ascii_hexdigit());
        Reply::status(if signed_ok(h) || !well_formed {
            200
        } else {
            401
        })
    });
    let (code, m, _) = check(&lets_malformed_through.url(), &["--only", "rejects-forged"]);
    assert_eq!(code, 1);
    assert_eq!(verdict(&m, "rejects-forged"), "FAIL");
    let reason = m["rejects-forged"]["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("accepts forged webhooks (the right signature cut to half its length)"),
        "{reason}"
    );

    let dev = b"wl-hook-development-key";
    let takes_the_dev_key = TestServer::start(move |h, _| {
        let sig = h.header("x-signature-256").unwrap_or_default();
        Reply::status(if signed_ok(h) || sig == hmac_hex(dev, &h.body) {
            200
        } else {
            401
        })
    });
    let (code, m, _) = check(&takes_the_dev_key.url(), &["--only", "rejects-forged"]);
    assert_eq!(code, 1);
    let reason = m["rejects-forged"]["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("accepts forged webhooks (signed with wl-hook's development key)"),
        "{reason}"
    );
    // A correct receiver refuses all five.
    let srv = correct();
    let (code, m, _) = check(&srv.url(), &["--only", "rejects-forged"]);
    assert_eq!(code, 0);
    assert_eq!(
        m["rejects-forged"]["reason"],
        "all 5 rejected, the first with 401 Unauthorized"
    );
    assert_eq!(srv.hits().len(), 5);
}
