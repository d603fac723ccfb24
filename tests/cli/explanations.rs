//! A refusal explains itself once, with the likely cause.

use crate::common::{ndjson, wl};
use crate::server::TestServer;

#[test]
fn a_refused_correctly_signed_delivery_points_at_the_receiver() {
    let server = TestServer::status(401);
    let out = wl()
        .args([
            "send",
            "--topic",
            "client.created",
            "--json",
            "--url",
            &server.url(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let why = ndjson(&out.stdout)[0]["explanation"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        why.contains("verifies with another key, or over re-serialised JSON"),
        "{why}"
    );

    // A delivery forged on purpose is refused as it should be: no blame on the receiver.
    for forged in [
        &["--tamper"][..],
        &["--sign-with", "other"],
        &["--no-signature"],
    ] {
        let out = wl()
            .args([
                "send",
                "--topic",
                "client.created",
                "--json",
                "--url",
                &server.url(),
            ])
            .args(forged)
            .output()
            .unwrap();
        let why = ndjson(&out.stdout)[0]["explanation"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(!why.contains("another key"), "{forged:?}: {why}");
    }
}

#[test]
fn replay_refused_every_time_suggests_resigning() {
    let dir = tempfile::tempdir().unwrap();
    let cap = crate::common::signed_capture(dir.path());
    let server = TestServer::status(401);
    let run = |extra: &[&str]| {
        let out = wl()
            .args(["replay", "--max-attempts", "3", "--url", &server.url()])
            .args(extra)
            .arg(&cap)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        out
    };
    let lines = ndjson(&run(&["--json"]).stdout);
    let capture = lines.iter().find(|l| l["type"] == "capture").unwrap();
    let why = capture["explanation"].as_str().unwrap();
    assert!(
        why.contains("re-sign it with --resign --secret KEY"),
        "{why}"
    );
    let text = String::from_utf8(run(&["--color", "never"]).stdout).unwrap();
    assert!(
        text.contains("every attempt was refused with 401/403"),
        "{text}"
    );
    let lines = ndjson(&run(&["--json", "--resign", "--secret", "k"]).stdout);
    let capture = lines.iter().find(|l| l["type"] == "capture").unwrap();
    let why = capture["explanation"].as_str().unwrap();
    assert!(why.contains("although re-signed"), "{why}");
}

fn check_lines(url: &str, extra: &[&str]) -> (Option<i32>, Vec<serde_json::Value>) {
    let out = wl()
        .args(["check", url, "--json", "--burst", "3", "--timeout", "5s"])
        .args(extra)
        .output()
        .unwrap();
    (out.status.code(), ndjson(&out.stdout))
}

/// check against a receiver that refuses everything with 401: accepts says what is likely, once,
/// and the scenarios that fail the same way are blocked by it.
#[test]
fn check_explains_a_401_once_and_marks_the_rest_blocked() {
    let server = TestServer::status(401);
    let (code, lines) = check_lines(&server.url(), &["--topic", "client.created"]);
    assert_eq!(code, Some(1));
    let scenario = |name: &str| lines.iter().find(|l| l["name"] == name).unwrap().clone();
    let accepts = scenario("accepts");
    assert!(
        accepts["reason"]
            .as_str()
            .unwrap()
            .contains("verifies with another key, or over re-serialised JSON"),
        "{accepts}"
    );
    assert_eq!(accepts["blocked_by"], serde_json::Value::Null);
    for name in [
        "idempotent-duplicate",
        "late-retry",
        "large-payload",
        "burst",
        "out-of-order",
    ] {
        let s = scenario(name);
        assert_eq!(s["blocked_by"], "accepts", "{s}");
        let reason = s["reason"].as_str().unwrap();
        assert!(reason.starts_with("blocked by accepts:"), "{reason}");
        assert!(!reason.contains("body size limit"), "{reason}");
        assert!(!reason.contains("a duplicate was refused"), "{reason}");
    }
    // The refusals are what a 401 is for.
    assert_eq!(scenario("rejects-forged")["verdict"], "PASS");
}

/// Across a key change check signs with each key and names the ones the receiver accepts; the
/// receiver here is wl-hook's own listen.
#[test]
fn check_across_a_key_change_names_the_keys_the_receiver_accepts() {
    let only_new = crate::common::Listener::start(&["--secret", "new", "--body", "none"]);
    let (code, lines) = check_lines(
        &only_new.hook_url(),
        &[
            "--only",
            "accepts",
            "--topic",
            "client.created",
            "--secret",
            "old",
            "--secret",
            "new",
        ],
    );
    assert_eq!(code, Some(1));
    let reason = lines[0]["reason"].as_str().unwrap();
    assert!(
        reason.starts_with(
            "the receiver accepts deliveries signed with --secret #2 but not with --secret #1"
        ),
        "{reason}"
    );
    let both =
        crate::common::Listener::start(&["--secret", "old", "--secret", "new", "--body", "none"]);
    let (code, lines) = check_lines(
        &both.hook_url(),
        &[
            "--only",
            "accepts",
            "--topic",
            "client.created",
            "--secret",
            "old",
            "--secret",
            "new",
        ],
    );
    assert_eq!(code, Some(0), "{lines:?}");
    assert_eq!(
        lines[0]["reason"],
        "1 events answered 200/201, signed with each key (--secret #1, --secret #2)"
    );
}

/// listen verified the delivery it relays: an app that refuses it is told what is likely.
#[test]
fn listen_forwarding_to_an_app_that_refuses_a_valid_delivery_says_why() {
    let app = TestServer::status(403);
    let l =
        crate::common::Listener::start(&["--json", "--body", "none", "--forward-to", &app.url()]);
    let out = wl()
        .args(["send", "client.created", "--url", &l.hook_url()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "the app's 403 is relayed");
    l.terminate();
    let (_, text) = l.finish();
    let line = ndjson(text.as_bytes())
        .into_iter()
        .find(|v| v["type"] == "request")
        .unwrap();
    let note = line["note"].as_str().unwrap();
    assert!(note.contains("the app answered 403"), "{note}");
    assert!(
        note.contains("verifies with another key, or over re-serialised JSON"),
        "{note}"
    );
}

/// A run that lasts more than a moment says where it is on stderr (a CI log has no terminal).
#[test]
fn a_long_check_prints_progress_on_stderr() {
    let slow = crate::common::Listener::start(&["--delay", "1200ms", "--body", "none"]);
    let out = wl()
        .args([
            "check",
            &slow.hook_url(),
            "--only",
            "accepts",
            "--only",
            "idempotent-duplicate",
            "--topic",
            "client.created",
            "--timeout",
            "5s",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let err = String::from_utf8(out.stderr).unwrap();
    // Both scenarios, the one that finished before the moment too.
    assert!(err.contains("wl-hook check: 1/2 accepts PASS in"), "{err}");
    assert!(
        err.contains("wl-hook check: 2/2 idempotent-duplicate PASS in"),
        "{err}"
    );
    assert!(
        !String::from_utf8(out.stdout)
            .unwrap()
            .contains("wl-hook check:"),
        "progress stays off stdout"
    );
}

/// CI reads the JUnit file whatever happened: an endpoint nobody answers is a failed testcase.
#[test]
fn check_writes_its_junit_file_when_the_endpoint_is_unreachable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/webhooks", listener.local_addr().unwrap());
    drop(listener);
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("report.xml");
    let out = wl()
        .args(["check", &url, "--junit", junit.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 1, "{xml}");
    assert_eq!(cases[0].attribute("name"), Some("accepts"));
    let failure = cases[0]
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert!(
        failure
            .attribute("message")
            .unwrap()
            .starts_with("cannot reach"),
        "{xml}"
    );
}
