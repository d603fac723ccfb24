//! listen's controls for webhook developers: how failures are answered (--fail-status,
//! --retry-after, --hang, --reset), --events, topic routing for --forward-to, the app's answer in
//! the terminal, no idle connection held to the app, and --exit-with-parent.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::*;
use crate::server::{Reply, TestServer};

/// `wl-hook send` of `topics` to `url`, signed with `k`: its JSON delivery lines.
fn send(url: &str, topics: &str, extra: &[&str]) -> Vec<Value> {
    let out = wl()
        .args(["send", topics, "--secret", "k", "--json", "--url", url])
        .args(extra)
        .output()
        .unwrap();
    ndjson(&out.stdout)
        .into_iter()
        .filter(|l| l["type"] == "delivery")
        .collect()
}

/// The request lines listen printed, after it stopped.
fn requests_of(l: Listener) -> (Vec<Value>, Value) {
    l.terminate();
    let (_, out) = l.finish();
    let mut lines = ndjson(out.as_bytes());
    let summary = lines.pop().unwrap();
    assert_eq!(summary["type"], "summary", "{out}");
    (
        lines
            .into_iter()
            .filter(|l| l["type"] == "request")
            .collect(),
        summary,
    )
}

/// Status and headers of a signed delivery, seen by an independent client (reqwest).
fn answer_of(url: &str) -> (u16, reqwest::header::HeaderMap) {
    let body = br#"{"uid":"1","meta_data":{"topic":"client.updated"}}"#;
    let headers = wl_headers(b"k", "client.updated", body, "2026-01-10T10:00:00.000Z");
    let _ = rustls::crypto::ring::default_provider().install_default();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut req = reqwest::Client::builder()
            .tls_certs_only(Vec::<reqwest::Certificate>::new())
            .no_proxy()
            .build()
            .unwrap()
            .post(url)
            .body(body.to_vec());
        for (n, v) in &headers {
            req = req.header(n, v);
        }
        let resp = req.send().await.unwrap();
        (resp.status().as_u16(), resp.headers().clone())
    })
}

#[test]
fn failures_are_answered_as_asked() {
    // --fail-status and --retry-after on the first attempt of each payload key.
    let l = Listener::start(&[
        "--secret",
        "k",
        "--fail-first",
        "1",
        "--fail-status",
        "503",
        "--retry-after",
        "7",
        "--json",
    ]);
    let (status, headers) = answer_of(&l.hook_url());
    assert_eq!(status, 503);
    assert_eq!(headers.get("retry-after").unwrap(), "7");
    assert_eq!(
        answer_of(&l.hook_url()).0,
        200,
        "the retry is answered normally"
    );
    let (reqs, _) = requests_of(l);
    assert_eq!(reqs[0]["status"], 503);
    assert!(
        reqs[0]["note"].as_str().unwrap().contains("Retry-After: 7"),
        "{reqs:?}"
    );

    // Without --fail-first or --fail-rate, every delivery fails that way.
    let l = Listener::start(&["--secret", "k", "--fail-status", "429", "--json"]);
    assert_eq!(answer_of(&l.hook_url()).0, 429);
    assert_eq!(answer_of(&l.hook_url()).0, 429);
    drop(l);

    // --reset: the sender sees the connection closed without an answer.
    let l = Listener::start(&["--secret", "k", "--reset", "--json"]);
    let lines = send(&l.hook_url(), "client.created", &["--timeout", "5s"]);
    assert_eq!(lines[0]["status"], Value::Null, "{lines:?}");
    assert_ne!(lines[0]["error"]["class"], "timeout", "{lines:?}");
    let (reqs, summary) = requests_of(l);
    assert_eq!(reqs[0]["status"], Value::Null);
    assert!(reqs[0]["note"].as_str().unwrap().contains("--reset"));
    assert_eq!(summary["unanswered"], 1);
    assert_eq!(summary["rejected"], 0, "closed on purpose is not a refusal");
}

#[test]
fn hang_holds_the_answer_until_the_sender_gives_up_and_listen_still_stops() {
    let l = Listener::start(&["--secret", "k", "--hang", "--json"]);
    let started = Instant::now();
    let lines = send(&l.hook_url(), "client.created", &["--timeout", "1s"]);
    assert_eq!(lines[0]["error"]["class"], "timeout", "{lines:?}");
    assert!(started.elapsed() >= Duration::from_secs(1));
    // A second one, still held when listen is told to stop: it stops without waiting for it.
    let url = l.hook_url();
    let held = std::thread::spawn(move || send(&url, "client.created", &["--timeout", "60s"]));
    std::thread::sleep(Duration::from_millis(500));
    let stopping = Instant::now();
    let (reqs, summary) = requests_of(l);
    assert!(
        stopping.elapsed() < Duration::from_secs(5),
        "listen waited for the hung request"
    );
    assert_eq!(summary["unanswered"], 2, "{summary}");
    assert!(reqs.iter().all(|r| r["status"].is_null()), "{reqs:?}");
    let lines = held.join().unwrap();
    assert_eq!(lines[0]["status"], Value::Null, "{lines:?}");
}

#[test]
fn events_filter_what_is_shown_and_forwarded() {
    let app = TestServer::status(200);
    let l = Listener::start(&[
        "--secret",
        "k",
        "--events",
        "purchases",
        "--forward-to",
        &app.url(),
        "--json",
    ]);
    let lines = send(&l.hook_url(), "client.created,purchase.created", &[]);
    assert!(lines.iter().all(|d| d["status"] == 200), "{lines:?}");
    let (reqs, summary) = requests_of(l);
    assert_eq!(reqs.len(), 1, "{reqs:?}");
    assert_eq!(reqs[0]["event"], "purchase.created");
    assert_eq!(summary["filtered"], 1);
    assert_eq!(summary["requests"], 1);
    let hits = app.hits();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].header("x-topic"), Some("purchase.created"));
}

#[test]
fn forward_to_routes_by_topic_and_shows_the_apps_answer() {
    let purchases = TestServer::start(|_, _| Reply::status(201).body("purchase noted"));
    let rest = TestServer::start(|_, _| Reply::status(200).body("{\"ok\":\n true}"));
    let route = format!("purchase.*={}", purchases.url());
    let l = Listener::start(&[
        "--secret",
        "k",
        "--forward-to",
        &route,
        "--forward-to",
        &rest.url(),
    ]);
    let lines = send(
        &l.hook_url(),
        "purchase.created,client.created,purchase.refunded",
        &[],
    );
    assert_eq!(lines.len(), 3);
    let topics = |s: &TestServer| -> Vec<String> {
        s.hits()
            .iter()
            .map(|h| h.header("x-topic").unwrap().to_string())
            .collect()
    };
    assert_eq!(
        topics(&purchases),
        ["purchase.created", "purchase.refunded"]
    );
    assert_eq!(topics(&rest), ["client.created"]);
    l.terminate();
    let (_, out) = l.finish();
    // The terminal shows each app's answer on one line.
    assert!(out.contains("app answered 201 in"), "{out}");
    assert!(out.contains(": purchase noted"), "{out}");
    assert!(out.contains(": {\"ok\": true}"), "{out}");

    // The same in JSON, raw.
    let app = TestServer::start(|_, _| Reply::status(200).body("thanks\n"));
    let l = Listener::start(&["--secret", "k", "--forward-to", &app.url(), "--json"]);
    send(&l.hook_url(), "client.created", &[]);
    let (reqs, _) = requests_of(l);
    assert_eq!(reqs[0]["forwarded"]["response_body"], "thanks\n");
    assert_eq!(reqs[0]["forwarded"]["url"], app.url());

    // A route needs a known topic, and only one bare URL is allowed.
    wl().args(["listen", "--forward-to", "purchse.*=http://127.0.0.1:9/"])
        .assert()
        .code(2);
    wl().args([
        "listen",
        "--forward-to",
        "http://127.0.0.1:9/a",
        "--forward-to",
        "http://127.0.0.1:9/b",
    ])
    .assert()
    .code(2)
    .stderr(predicates::str::contains("only one bare URL"));
}

/// A single-threaded app with keep-alive serves one connection at a time: a forwarder that kept
/// its connection open would block every other sender.
#[test]
fn forwarding_holds_no_idle_connection_to_a_single_threaded_app() {
    let dir = tempfile::tempdir().unwrap();
    let app = crate::receivers::python("raw", "single", &dir.path().join("log"));
    let key = crate::receivers::KEY;
    let first = Listener::start(&["--secret", key, "--forward-to", &app.url, "--json"]);
    let second = Listener::start(&["--secret", key, "--forward-to", &app.url, "--json"]);
    for l in [&first, &second, &first] {
        let out = wl()
            .args([
                "send",
                "client.created",
                "--secret",
                key,
                "--timeout",
                "5s",
                "--json",
            ])
            .args(["--url", &l.hook_url()])
            .output()
            .unwrap();
        let lines = ndjson(&out.stdout);
        assert_eq!(lines[0]["status"], 200, "{lines:?}");
    }
}

#[test]
fn exit_with_parent_stops_listen_when_the_script_that_started_it_dies() {
    let dir = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("wl-hook");
    let script = format!(
        "'{}' listen --port 0 --no-ui --exit-with-parent > out.txt 2>&1 & echo $! > pid; sleep 0.5",
        bin.display()
    );
    let status = std::process::Command::new("bash")
        .args(["-c", &script])
        .current_dir(dir.path())
        .env("XDG_CONFIG_HOME", NO_USER_CONFIG)
        .status()
        .unwrap();
    assert!(status.success());
    let pid = std::fs::read_to_string(dir.path().join("pid")).unwrap();
    let alive = || {
        std::process::Command::new("kill")
            .args(["-0", pid.trim()])
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap()
            .success()
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while alive() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let still = alive();
    if still {
        let _ = std::process::Command::new("kill").arg(pid.trim()).status();
    }
    assert!(!still, "listen outlived the script that started it");
    let out = std::fs::read_to_string(dir.path().join("out.txt")).unwrap();
    assert!(
        out.contains("the parent process exited (--exit-with-parent)"),
        "{out}"
    );
}
