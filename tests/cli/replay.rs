use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use predicates::prelude::*;

use crate::common::*;
use crate::server::*;

const START: &str = "2026-03-01T12:00:00Z";

/// Write capture documents for `topics` (via `sign --format json`) into `dir`.
fn make_captures(dir: &Path, key: &str, topics: &[&str]) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    for (i, t) in topics.iter().enumerate() {
        let gen = format!("2026-02-0{}T10:00:00Z", 9 - i);
        let out = wl()
            .args([
                "sign",
                "--format",
                "json",
                "--secret",
                key,
                "--topic",
                t,
                "--generated-at",
                &gen,
                "--seed",
                &i.to_string(),
            ])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let p = dir.join(format!("{i:02}-{t}.json"));
        std::fs::write(&p, out).unwrap();
        paths.push(p);
    }
    paths
}

fn sent_at(h: &Hit) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(h.header("x-sent-at").unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

fn replay(url: &str) -> assert_cmd::Command {
    let mut c = wl();
    c.args(["replay", "--url", url, "--start", START]);
    c
}

#[test]
fn retries_until_accepted_changing_only_x_sent_at() {
    let dir = tempfile::tempdir().unwrap();
    let caps = make_captures(dir.path(), "k", &["purchase.created"]);
    for k in [0usize, 3] {
        let srv = TestServer::start(move |_, n| Reply::status(if n < k { 500 } else { 200 }));
        let out = replay(&srv.url())
            .arg(&caps[0])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let hits = srv.hits();
        assert_eq!(hits.len(), k + 1);
        for h in &hits {
            check_wl_request(h, b"k", "purchase.created");
            assert_eq!(h.body, hits[0].body);
            for name in [
                "x-signature-256",
                "x-generated-at",
                "x-payload-key",
                "x-topic",
                "content-type",
            ] {
                assert_eq!(h.header(name), hits[0].header(name), "{name} unchanged");
            }
        }
        assert_eq!(
            hits[0].header("x-sent-at"),
            Some("2026-03-01T12:00:00.000Z")
        );
        let gaps: Vec<i64> = hits
            .windows(2)
            .map(|w| (sent_at(&w[1]) - sent_at(&w[0])).num_seconds())
            .collect();
        assert_eq!(
            gaps,
            [60, 120, 240][..k].to_vec(),
            "gaps follow the wellnessliving schedule"
        );
        let text = String::from_utf8(out).unwrap();
        if k == 3 {
            assert!(
                text.contains("delivered on attempt 4, 7 min after the first"),
                "{text}"
            );
        } else {
            assert!(text.contains("delivered on attempt 1"), "{text}");
        }
    }
}

#[test]
fn gives_up_after_the_whole_schedule() {
    let dir = tempfile::tempdir().unwrap();
    let caps = make_captures(dir.path(), "k", &["client.created"]);
    let srv = TestServer::status(503);
    replay(&srv.url())
        .arg(&caps[0])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "gave up after 15 attempts over 65 h 3 min",
        ));
    let hits = srv.hits();
    assert_eq!(hits.len(), 15);
    let gaps: Vec<i64> = hits
        .windows(2)
        .map(|w| (sent_at(&w[1]) - sent_at(&w[0])).num_minutes())
        .collect();
    assert_eq!(
        gaps,
        [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 720, 720, 720, 720]
    );
    assert_eq!(
        hits[14].header("x-sent-at"),
        Some("2026-03-04T05:03:00.000Z")
    );
    replay(&srv.url())
        .arg(&caps[0])
        .args(["--max-attempts", "1"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("gave up after 1 attempt over"));
}

#[test]
fn named_and_custom_schedules() {
    let dir = tempfile::tempdir().unwrap();
    let caps = make_captures(dir.path(), "k", &["client.created"]);
    for (schedule, attempts, first_gaps) in [
        ("svix", 8, vec![5, 300, 1800]),
        ("standard-webhooks", 10, vec![5, 300, 1800]),
        (
            "exponential:base=10s,factor=3,cap=1h,horizon=2h",
            0,
            vec![10, 30, 90],
        ),
        ("list:5s,1m", 3, vec![5, 60]),
    ] {
        let srv = TestServer::status(500);
        replay(&srv.url())
            .arg(&caps[0])
            .args(["--schedule", schedule])
            .assert()
            .code(1);
        let hits = srv.hits();
        if attempts > 0 {
            assert_eq!(hits.len(), attempts, "{schedule}");
        }
        let gaps: Vec<i64> = hits
            .windows(2)
            .map(|w| (sent_at(&w[1]) - sent_at(&w[0])).num_seconds())
            .collect();
        assert_eq!(gaps[..first_gaps.len()], first_gaps[..], "{schedule}");
        if schedule.starts_with("exponential") {
            assert!(gaps.iter().all(|g| *g <= 3600), "capped at 1 h: {gaps:?}");
            let total: i64 = gaps.iter().sum();
            assert!(total <= 7200, "within the horizon: {total}");
        }
    }
    let srv = TestServer::status(500);
    replay(&srv.url())
        .arg(&caps[0])
        .args(["--max-attempts", "3"])
        .assert()
        .code(1);
    assert_eq!(srv.hits().len(), 3);
}

#[test]
fn print_schedule_and_bad_schedules() {
    let out = wl()
        .args(["replay", "--print-schedule"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("modelled"), "{text}");
    assert!(text.contains("15 attempts over 65 h 3 min"), "{text}");
    let out = wl()
        .args(["replay", "--print-schedule", "--schedule", "svix", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(ndjson(&out).len(), 8);
    wl().args(["replay", "--print-schedule", "--schedule", "weekly"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("wellnessliving").and(predicate::str::contains("list:")));
    wl().args([
        "replay",
        "--print-schedule",
        "--schedule",
        "exponential:base=1m,horizon=none",
    ])
    .assert()
    .code(2);
    wl().args(["replay", "--print-schedule", "--schedule", "list:5s,soon"])
        .assert()
        .code(2);
}

#[test]
fn duplicates_must_be_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let caps = make_captures(dir.path(), "k", &["client.created"]);
    let srv = TestServer::status(200);
    replay(&srv.url())
        .arg(&caps[0])
        .args(["--duplicates", "2"])
        .assert()
        .success()
        .stdout(predicate::str::contains("2 of 2 acknowledged"));
    let hits = srv.hits();
    assert_eq!(hits.len(), 3);
    assert!(hits
        .iter()
        .all(|h| h.body == hits[0].body && h.headers == hits[0].headers));
    // A receiver that refuses a duplicate makes WL retry it: a failure.
    let srv = TestServer::start(|_, n| Reply::status(if n == 0 { 200 } else { 409 }));
    replay(&srv.url())
        .arg(&caps[0])
        .args(["--duplicates", "1", "--json"])
        .assert()
        .code(1);
}

#[test]
fn order_given_generated_and_seeded_shuffle() {
    let dir = tempfile::tempdir().unwrap();
    let topics = [
        "business", "location", "staff", "class", "client", "purchase",
    ];
    make_captures(dir.path(), "k", &topics);
    let run = |extra: &[&str]| {
        let srv = TestServer::status(200);
        replay(&srv.url())
            .arg(dir.path())
            .args(extra)
            .assert()
            .success();
        srv.hits()
            .iter()
            .map(|h| h.header("x-topic").unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let given = run(&[]);
    assert_eq!(given[0], "business.updated");
    let generated = run(&["--order", "generated"]);
    assert_eq!(
        generated,
        given.iter().rev().cloned().collect::<Vec<_>>(),
        "oldest x-generated-at first"
    );
    let a = run(&["--order", "shuffle", "--seed", "3"]);
    let b = run(&["--order", "shuffle", "--seed", "3"]);
    assert_eq!(a, b, "the same seed gives the same order");
    let mut sorted = a.clone();
    sorted.sort();
    let mut all = given.clone();
    all.sort();
    assert_eq!(sorted, all);
}

#[test]
fn resign_and_only_the_named_url() {
    let dir = tempfile::tempdir().unwrap();
    let caps = make_captures(dir.path(), "old-key", &["client.created"]);
    let srv = TestServer::status(200);
    replay(&srv.url())
        .arg(&caps[0])
        .args(["--resign", "--secret", "new-key"])
        .assert()
        .success();
    let h = &srv.hits()[0];
    assert_eq!(
        h.header("x-signature-256").unwrap(),
        openssl_hmac(b"new-key", &h.body)
    );
    // A raw dump naming another host is still delivered only to --url.
    let body = b"{\"uid\":\"1\"}";
    let dump = format!(
        "POST /elsewhere HTTP/1.1\r\nHost: example.invalid:8080\r\ncontent-type: application/json\r\nx-topic: client.created\r\nx-signature-256: {}\r\nx-generated-at: 2026-01-01T00:00:00.000Z\r\nx-sent-at: 2026-01-01T00:00:00.000Z\r\nx-payload-key: {}\r\ncontent-length: {}\r\n\r\n{}",
        hmac_hex(b"k", body),
        sha256_hex(body),
        body.len(),
        std::str::from_utf8(body).unwrap()
    );
    let dump_path = dir.path().join("req.http");
    std::fs::write(&dump_path, dump).unwrap();
    let srv = TestServer::status(200);
    replay(&srv.url()).arg(&dump_path).assert().success();
    let h = &srv.hits()[0];
    assert_eq!(h.path, "/webhooks");
    assert_eq!(h.body, body);
    assert_ne!(h.header("host"), Some("example.invalid:8080"));
    assert_eq!(h.header("x-signature-256").unwrap(), hmac_hex(b"k", body));
}

#[test]
fn bad_input_and_unreachable() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"wl_hook_capture\": 1, \"headers\": [").unwrap();
    let srv = TestServer::status(200).expect(0);
    replay(&srv.url())
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.json"));
    replay(&srv.url())
        .arg(dir.path().join("missing.json"))
        .assert()
        .code(2);
    drop(srv);
    let caps = make_captures(dir.path(), "k", &["client.created"]);
    let url = format!("http://127.0.0.1:{}/webhooks", closed_port());
    replay(&url)
        .arg(&caps[0])
        .args(["--max-attempts", "2"])
        .assert()
        .code(3);
}

/// `--speed 10` waits a tenth of each delay in real time. The wait begins after the answer to the
/// previous attempt, which the server sends after that attempt arrived, so the gap between two
/// arrivals is at least delay/speed however loaded the machine: an exact lower bound.
#[test]
fn speed_waits_a_fraction_of_the_real_delays() {
    let dir = tempfile::tempdir().unwrap();
    let caps = make_captures(dir.path(), "k", &["client.created"]);
    let srv = TestServer::start(|_, n| Reply::status(if n < 2 { 500 } else { 200 })).expect(3);
    replay(&srv.url())
        .arg(&caps[0])
        .args(["--schedule", "list:2s,3s", "--speed", "10"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "delivered on attempt 3, 5 s after the first",
        ));
    let hits = srv.hits();
    let real: Vec<_> = hits.windows(2).map(|w| w[1].at - w[0].at).collect();
    for (gap, delay_ms) in real.iter().zip([200, 300]) {
        assert!(
            *gap >= std::time::Duration::from_millis(delay_ms),
            "waited {gap:?}, less than {delay_ms} ms: {real:?}"
        );
    }
    // The simulated clock still advances by the whole schedule.
    let simulated: Vec<_> = hits
        .windows(2)
        .map(|w| (sent_at(&w[1]) - sent_at(&w[0])).num_seconds())
        .collect();
    assert_eq!(simulated, [2, 3]);
    replay(&srv.url())
        .arg(&caps[0])
        .args(["--speed", "0"])
        .assert()
        .code(2);
}

/// Each capture is read again when its turn comes; one whose body changed since the replay
/// checked it is not sent (exit 2), and the ones before it were delivered as checked.
#[test]
fn a_capture_changed_during_the_replay_is_not_sent() {
    let dir = tempfile::tempdir().unwrap();
    let paths = make_captures(dir.path(), "k", &["client.created", "class.created"]);
    let second = paths[1].clone();
    let first_body = std::fs::read_to_string(&paths[0]).unwrap();
    // The first delivery rewrites the second capture with another body.
    let server = TestServer::start(move |_, n| {
        if n == 0 {
            let text = std::fs::read_to_string(&second).unwrap();
            std::fs::write(&second, text.replace("class.created", "class.updated")).unwrap();
        }
        Reply::status(200)
    })
    .expect(1);
    let out = wl()
        .args(["replay", "--json", "--url", &server.url()])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "01-class.created.json: its body changed since the replay began; run it again"
        ),
        "{err}"
    );
    let sent = String::from_utf8_lossy(&server.hits()[0].body).into_owned();
    let doc: serde_json::Value = serde_json::from_str(&first_body).unwrap();
    assert_eq!(sent, doc["body"].as_str().unwrap());
    // The summary still comes last, counting what was done before the replay stopped.
    let lines = ndjson(&out.stdout);
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "summary", "{lines:?}");
    assert_eq!(
        (summary["captures"].as_u64(), summary["delivered"].as_u64()),
        (Some(2), Some(1))
    );
}

/// `sign --format json` of several events prints one capture per line: replay takes each line
/// as a capture of its own, named FILE:LINE.
#[test]
fn a_file_of_captures_one_per_line_replays_each() {
    let dir = tempfile::tempdir().unwrap();
    let signed = wl()
        .args([
            "sign", "--topic", "client.*", "--format", "json", "--secret", "k",
        ])
        .output()
        .unwrap();
    let path = dir.path().join("captures.ndjson");
    std::fs::write(&path, &signed.stdout).unwrap();
    let srv = TestServer::status(200);
    let out = replay(&srv.url())
        .arg(&path)
        .arg("--json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let lines = ndjson(&out.stdout);
    let inputs: Vec<&str> = lines
        .iter()
        .filter(|l| l["type"] == "capture")
        .map(|l| l["input"].as_str().unwrap())
        .collect();
    let name = path.display().to_string();
    assert_eq!(inputs, [format!("{name}:1"), format!("{name}:2")]);
    let topics: Vec<String> = srv
        .hits()
        .iter()
        .map(|h| h.header("x-topic").unwrap().to_string())
        .collect();
    assert_eq!(topics, ["client.created", "client.updated"]);
}
