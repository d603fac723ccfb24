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
