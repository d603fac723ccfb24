use std::collections::HashSet;
use std::time::Duration;

use predicates::prelude::*;
use serde_json::Value;

use crate::common::*;
use crate::server::*;

fn send(url: &str) -> assert_cmd::Command {
    let mut cmd = wl();
    cmd.args(["send", "--secret", "k", "--url", url]);
    cmd
}

#[test]
fn sends_every_topic_signed_in_catalogue_order() {
    let srv = TestServer::status(200);
    let out = send(&srv.url())
        .args(["--topic", "all"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let hits = srv.hits();
    assert_eq!(hits.len(), 13);
    for (hit, event) in hits.iter().zip(EVENTS) {
        check_wl_request(hit, b"k", event);
        assert_eq!(hit.path, "/webhooks");
    }
    // The independent check once more with openssl for one of them.
    assert_eq!(
        hits[0].header("x-signature-256").unwrap(),
        openssl_hmac(b"k", &hits[0].body)
    );
    let text = String::from_utf8(out).unwrap();
    for e in EVENTS {
        assert!(text.contains(e), "{e} not reported");
    }
    assert!(
        text.contains("200 OK") && text.contains("13 sent, 13 accepted"),
        "{text}"
    );
    let keys: HashSet<_> = hits
        .iter()
        .map(|h| h.header("x-payload-key").unwrap().to_string())
        .collect();
    assert_eq!(keys.len(), 13);
}

#[test]
fn aliases_and_the_development_key() {
    let srv = TestServer::status(201);
    wl().args([
        "send",
        "--url",
        &srv.url(),
        "--topic",
        "purchases",
        "--topic",
        "service",
        "--topic",
        "Client-Profile.*",
    ])
    .assert()
    .success()
    .stderr(predicate::str::contains("development key"));
    let events: Vec<_> = srv
        .hits()
        .iter()
        .map(|h| h.header("x-topic").unwrap().to_string())
        .collect();
    assert_eq!(
        events,
        [
            "purchase.created",
            "appointment.created",
            "client.created",
            "client.updated"
        ]
    );
    for h in srv.hits() {
        let topic = h.header("x-topic").unwrap().to_string();
        check_wl_request(&h, DEV_KEY.as_bytes(), &topic);
    }
}

#[test]
fn only_200_and_201_are_accepted() {
    for (status, code, text) in [
        (200, 0, "200 OK"),
        (201, 0, "201 Created"),
        (
            202,
            1,
            "WL only accepts 200 or 201; this delivery would be retried",
        ),
        (
            204,
            1,
            "WL only accepts 200 or 201; this delivery would be retried",
        ),
        (500, 1, "500 Internal Server Error"),
        (401, 1, "401 Unauthorized"),
    ] {
        let srv = TestServer::status(status);
        send(&srv.url())
            .args(["--topic", "client"])
            .assert()
            .code(code)
            .stdout(predicate::str::contains(text));
        assert_eq!(srv.hits().len(), 1, "{status}");
    }
}

#[test]
fn a_timeout_is_a_failed_delivery() {
    let srv = TestServer::start(|_, _| Reply::status(200).delay(Duration::from_secs(3)));
    send(&srv.url())
        .args(["--topic", "client", "--timeout", "300ms"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("timeout")
                .and(predicate::str::contains("no answer within 300 ms")),
        );
}

#[test]
fn a_refused_connection_is_exit_3() {
    let url = format!("http://127.0.0.1:{}/webhooks", closed_port());
    send(&url)
        .args(["--topic", "all"])
        .assert()
        .code(3)
        .stdout(predicate::str::contains("connection refused"))
        .stdout(predicate::str::contains(
            "13 failed (13× connection refused)",
        ));
    // In JSON, failures count by the error class's JSON name, as each delivery's error.class.
    let out = send(&url)
        .args(["--topic", "client.created", "--json"])
        .output()
        .unwrap();
    let lines = ndjson(&out.stdout);
    assert_eq!(lines[0]["error"]["class"], "refused");
    let summary = lines.last().unwrap();
    assert_eq!(summary["failed_by"], serde_json::json!({"refused": 1}));
}

#[test]
fn redirects_are_not_followed() {
    let elsewhere = TestServer::status(200).expect(0);
    let target = elsewhere.url();
    let srv = TestServer::start(move |_, _| Reply::status(302).header("location", &target));
    send(&srv.url())
        .args(["--topic", "client"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("not followed").and(predicate::str::contains(elsewhere.url())),
        );
    assert_eq!(srv.hits().len(), 1);
    assert_eq!(
        elsewhere.hits().len(),
        0,
        "the signature must never reach a host the user did not name"
    );
}

#[test]
fn negative_deliveries() {
    // A different key.
    let srv = TestServer::status(401);
    send(&srv.url())
        .args(["--topic", "client", "--sign-with", "forged"])
        .assert()
        .code(1);
    let h = &srv.hits()[0];
    assert_eq!(
        h.header("x-signature-256").unwrap(),
        hmac_hex(b"forged", &h.body)
    );
    assert_ne!(
        h.header("x-signature-256").unwrap(),
        hmac_hex(b"k", &h.body)
    );

    // No signature at all, the other headers intact.
    let srv = TestServer::status(401);
    send(&srv.url())
        .args(["--topic", "client", "--no-signature"])
        .assert()
        .code(1);
    let h = &srv.hits()[0];
    assert!(h.header("x-signature-256").is_none());
    assert_eq!(h.header("x-payload-key").unwrap(), sha256_hex(&h.body));

    // Tampered: valid JSON, one byte different from what was signed.
    let srv = TestServer::status(401);
    send(&srv.url())
        .args(["--topic", "client", "--tamper"])
        .assert()
        .code(1);
    let h = &srv.hits()[0];
    assert!(serde_json::from_slice::<Value>(&h.body).is_ok());
    assert_ne!(
        h.header("x-signature-256").unwrap(),
        hmac_hex(b"k", &h.body)
    );
    assert_ne!(h.header("x-payload-key").unwrap(), sha256_hex(&h.body));

    // Back-dated.
    let srv = TestServer::status(200);
    send(&srv.url())
        .args([
            "--topic",
            "client",
            "--generated-at",
            "2025-01-18T09:00:00Z",
        ])
        .assert()
        .success();
    let h = &srv.hits()[0];
    assert_eq!(h.header("x-generated-at"), Some("2025-01-18T09:00:00.000Z"));
    assert_ne!(h.header("x-sent-at"), h.header("x-generated-at"));
    check_wl_request(h, b"k", "client.created");

    // Repeated exactly: same bytes and headers.
    let srv = TestServer::status(200);
    send(&srv.url())
        .args(["--topic", "client", "--repeat-exact", "2"])
        .assert()
        .success()
        .stdout(predicate::str::contains("repeat 2/2"));
    let hits = srv.hits();
    assert_eq!(hits.len(), 3);
    for h in &hits[1..] {
        assert_eq!(h.body, hits[0].body);
        assert_eq!(h.headers, hits[0].headers);
    }
}

#[test]
fn headers_are_added_and_replaced() {
    let srv = TestServer::status(200);
    send(&srv.url())
        .args([
            "--topic",
            "client",
            "-H",
            "X-Trace: t1",
            "-H",
            "x-topic: client.updated",
        ])
        .assert()
        .success();
    let h = &srv.hits()[0];
    assert_eq!(h.header("x-trace"), Some("t1"));
    assert_eq!(h.header("x-topic"), Some("client.updated"));
}

#[test]
fn input_errors_are_found_before_anything_is_sent() {
    let srv = TestServer::status(200).expect(0);
    for args in [
        vec!["--topic", "nope"],
        vec!["--topic", "client", "--set", "missing.path=1"],
        vec!["--topic", "client", "-H", "bad header"],
        vec!["--topic", "client", "--timeout", "soon"],
        vec!["--topic", "client", "--count", "0"],
        vec!["--topic", "client", "--concurrency", "0"],
        vec!["--topic", "client", "--rate", "0"],
        vec!["--topic", "client", "--sign-with", ""],
        vec!["--data", "/nonexistent/body.json", "--topic", "client"],
    ] {
        send(&srv.url())
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicate::str::starts_with("wl-hook: error:"));
    }
    wl().args(["send", "--topic", "client", "--url", "not a url"])
        .assert()
        .code(2);
}

#[test]
fn data_is_sent_byte_exact() {
    let srv = TestServer::status(200);
    let body = b"{\"uid\": \"1\",   \"pretty\": true}\n";
    send(&srv.url())
        .args(["--data", "-", "--topic", "client.updated"])
        .write_stdin(&body[..])
        .assert()
        .success();
    let h = &srv.hits()[0];
    assert_eq!(h.body, body);
    check_wl_request_raw(h, b"k", "client.updated");
}

/// Run a Python script that prints the port it listens on; returns the process and its URL.
fn python_peer(script: &str) -> (std::process::Child, String) {
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 is installed");
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.as_mut().unwrap()),
        &mut line,
    )
    .unwrap();
    let url = format!("http://127.0.0.1:{}/webhooks", line.trim());
    (child, url)
}

fn check_wl_request_raw(hit: &Hit, key: &[u8], topic: &str) {
    assert_eq!(hit.header("x-topic"), Some(topic));
    assert_eq!(
        hit.header("x-signature-256").unwrap(),
        openssl_hmac(key, &hit.body)
    );
    assert_eq!(
        hit.header("x-payload-key").unwrap(),
        openssl_sha256(&hit.body)
    );
}

#[test]
fn a_burst_loses_and_duplicates_nothing() {
    let srv = TestServer::status(200);
    let out = send(&srv.url())
        .args([
            "--topic",
            "all",
            "--count",
            "77",
            "--concurrency",
            "50",
            "--json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let hits = srv.hits();
    assert_eq!(hits.len(), 1001);
    let keys: HashSet<_> = hits
        .iter()
        .map(|h| h.header("x-payload-key").unwrap().to_string())
        .collect();
    assert_eq!(keys.len(), 1001, "every delivery is a distinct event");
    for h in &hits {
        let topic = h.header("x-topic").unwrap().to_string();
        check_wl_request(h, b"k", &topic);
    }
    let lines = ndjson(&out);
    let deliveries: Vec<_> = lines.iter().filter(|l| l["type"] == "delivery").collect();
    assert_eq!(deliveries.len(), 1001);
    let seqs: HashSet<_> = deliveries
        .iter()
        .map(|d| d["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs.len(), 1001);
    let reported: HashSet<_> = deliveries
        .iter()
        .map(|d| d["payload_key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        reported, keys,
        "the report names exactly what the server received"
    );
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["sent"], 1001);
    assert_eq!(summary["accepted"], 1001);
    assert_eq!(summary["failed"], 0);
    for p in ["p50", "p90", "p99", "max"] {
        assert!(summary["latency_ms"][p].as_f64().unwrap() > 0.0, "{p}");
    }
}

#[test]
fn json_schema_and_failure_classes() {
    let srv = TestServer::start(|_, n| Reply::status(if n % 2 == 0 { 200 } else { 500 }));
    let out = send(&srv.url())
        .args(["--topic", "client.*", "--count", "2", "--json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let lines = ndjson(&out);
    assert_eq!(lines.len(), 5);
    let d = &lines[0];
    for field in [
        "event",
        "url",
        "status",
        "accepted",
        "latency_ms",
        "payload_key",
        "error",
    ] {
        assert!(d.get(field).is_some(), "delivery lacks {field}: {d}");
    }
    assert_eq!(d["type"], "delivery");
    assert_eq!(d["url"], srv.url());
    let summary = &lines[4];
    assert_eq!(
        (
            summary["sent"].as_u64(),
            summary["accepted"].as_u64(),
            summary["failed"].as_u64()
        ),
        (Some(4), Some(2), Some(2))
    );
    assert_eq!(summary["failed_by"]["500"], 2);
    let failed = lines.iter().find(|l| l["status"] == 500).unwrap();
    assert_eq!(failed["accepted"], false);
}

#[test]
fn garbage_and_resets_are_failed_deliveries_and_the_run_goes_on() {
    use std::io::Write;
    let (addr, t) = raw_peer(3, |s| {
        let _ = s.write_all(b"this is not http\r\n\r\n");
    });
    let out = wl()
        .args([
            "send",
            "--secret",
            "k",
            "--url",
            &format!("http://{addr}/webhooks"),
            "--topic",
            "client",
            "--count",
            "3",
            "--timeout",
            "2s",
            "--json",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    t.join().unwrap();
    let lines = ndjson(&out);
    let deliveries: Vec<_> = lines.iter().filter(|l| l["type"] == "delivery").collect();
    assert_eq!(deliveries.len(), 3, "every delivery reported");
    for d in deliveries {
        assert_eq!(d["accepted"], false);
        assert!(d["error"]["class"].is_string(), "{d}");
    }
    let (addr, t) = raw_peer(2, |s| {
        let _ = s.shutdown(std::net::Shutdown::Both);
    });
    wl().args([
        "send",
        "--secret",
        "k",
        "--url",
        &format!("http://{addr}/webhooks"),
        "--topic",
        "client",
        "--count",
        "2",
        "--timeout",
        "2s",
    ])
    .assert()
    .code(1)
    .stdout(predicate::str::contains("✗"));
    t.join().unwrap();
}

#[test]
fn verbose_shows_the_exchange_sanitised() {
    let srv = TestServer::start(|_, _| {
        Reply::status(400)
            .header("x-why", "bad")
            .body("nope \x1b[2J\x1b[31mred")
    });
    send(&srv.url())
        .args(["--topic", "client", "-v"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("> x-signature-256: ")
                .and(predicate::str::contains("< x-why: bad"))
                .and(predicate::str::contains("nope \\e[2J\\e[31mred"))
                .and(predicate::str::contains("\x1b[2J").not()),
        );
}

#[test]
fn sequential_sends_do_not_stall_a_single_threaded_receiver() {
    // Python's HTTPServer serves one connection at a time; with HTTP/1.1 keep-alive a pool that
    // opened a second connection would wait for the whole timeout.
    let script = r#"
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
"#;
    let (mut child, url) = python_peer(script);
    let out = send(&url)
        .args([
            "--topic",
            "all",
            "--count",
            "16",
            "--timeout",
            "3s",
            "--json",
        ])
        .output()
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let summary = ndjson(&out.stdout).pop().unwrap();
    assert_eq!(summary["accepted"], 208);
}

#[test]
fn proxy_variables_are_ignored_for_loopback() {
    let srv = TestServer::status(200);
    let dead_proxy = format!("http://127.0.0.1:{}", closed_port());
    send(&srv.url())
        .args(["--topic", "client"])
        .env("HTTP_PROXY", &dead_proxy)
        .env("http_proxy", &dead_proxy)
        .env("ALL_PROXY", &dead_proxy)
        .assert()
        .success();
    assert_eq!(srv.hits().len(), 1);
}

/// `--rate R` starts at most R deliveries a second, the first at once. Measured where it shows, at
/// the receiver: the k-th request (from 0) to arrive cannot have been started, so cannot arrive,
/// before k/R after the process was spawned. Only a lower bound is asserted, and its origin is the
/// spawn, not the first arrival, whose own latency a loaded machine does not bound: the check is
/// exact, without slack. Unpaced, all eleven arrive within the start-up time, far below 1 s.
#[test]
fn rate_limits_the_start_of_deliveries() {
    const COUNT: usize = 11;
    const RATE: f64 = 10.0;
    let srv = TestServer::status(200).expect(COUNT);
    let spawned = std::time::Instant::now();
    send(&srv.url())
        .args([
            "--topic",
            "client",
            "--count",
            &COUNT.to_string(),
            "--rate",
            &RATE.to_string(),
            "--concurrency",
            &COUNT.to_string(),
        ])
        .assert()
        .success();
    let mut arrivals: Vec<Duration> = srv.hits().iter().map(|h| h.at - spawned).collect();
    arrivals.sort();
    for (k, at) in arrivals.iter().enumerate() {
        let earliest = Duration::from_secs_f64(k as f64 / RATE);
        assert!(
            *at >= earliest,
            "request {k} arrived {at:?} after the spawn, before the {earliest:?} that --rate {RATE} \
             allows; all arrivals: {arrivals:?}"
        );
    }
}

/// https works without the system's OpenSSL: the rustls client is set up and a peer that does not
/// speak TLS is reported as a TLS failure, never a panic.
#[test]
fn https_targets_use_rustls() {
    use std::io::Write;
    let (addr, t) = raw_peer(1, |s| {
        let _ = s.write_all(b"this is not tls");
    });
    wl().args([
        "send",
        "--secret",
        "k",
        "--url",
        &format!("https://{addr}/webhooks"),
        "--topic",
        "client",
        "--json",
    ])
    .assert()
    .code(3)
    .stdout(
        predicate::str::contains("\"class\":\"tls\"")
            .and(predicate::str::contains("TLS handshake failed")),
    );
    t.join().unwrap();
}

/// A host that never accepts the connection was never reached: exit 3, not a timeout.
#[test]
fn a_connection_that_never_completes_is_not_reached() {
    let script = r#"
import socket, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(0)
fill = []
for _ in range(8):
    c = socket.socket()
    c.setblocking(False)
    try:
        c.connect(s.getsockname())
    except BlockingIOError:
        pass
    fill.append(c)
time.sleep(0.3)
print(s.getsockname()[1], flush=True)
time.sleep(30)
"#;
    let (mut child, url) = python_peer(script);
    let out = wl()
        .args([
            "send",
            "--secret",
            "k",
            "--url",
            &url,
            "--topic",
            "client",
            "--timeout",
            "500ms",
            "--json",
        ])
        .output()
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{text}");
    assert!(
        text.contains("\"class\":\"refused\"") && text.contains("no connection within 450 ms"),
        "{text}"
    );
}

/// `send --json` to `url` with `args`, started with its stdout and stderr piped.
fn spawn_send(url: &str, args: &[&str]) -> std::process::Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("wl-hook"))
        .args(["send", "--secret", "k", "--url", url, "--json"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// A reader of stdout that does not keep up (a paused pager, a pipe nobody reads) holds up the
/// lines, never the deliveries: every delivery arrives while nobody reads, and every line comes
/// once somebody does.
#[test]
fn a_stdout_nobody_reads_holds_up_no_delivery() {
    let srv = TestServer::status(200);
    let mut child = spawn_send(
        &srv.url(),
        &["--topic", "all", "--count", "40", "--concurrency", "4"],
    );
    // 520 lines of over 200 bytes: far more than a pipe holds (64 KiB).
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while srv.hits().len() < 520 {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!(
                "{} of 520 deliveries arrived while stdout was not read",
                srv.hits().len()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(out.stdout.len() > 200 * 520, "{} bytes", out.stdout.len());
    let lines = ndjson(&out.stdout);
    assert_eq!(lines.len(), 521);
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["accepted"], 520);
}

/// Each delivery's line comes as it finishes, not at the end of the run.
#[test]
fn lines_come_as_the_deliveries_finish() {
    use std::io::BufRead;
    let srv = TestServer::status(200);
    // Four deliveries at 1 a second: the run lasts about 3 s.
    let mut child = spawn_send(
        &srv.url(),
        &["--topic", "client.created", "--count", "4", "--rate", "1"],
    );
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(first["type"], "delivery");
    // The first line came while the last deliveries were still to be made.
    assert!(srv.hits().len() < 4, "{} deliveries made", srv.hits().len());
    assert_eq!(child.try_wait().unwrap(), None);
    assert_eq!(lines.count(), 4);
    assert!(child.wait().unwrap().success());
}

/// `send | head -1`: once nobody reads the lines, send stops delivering at once, says nothing,
/// and does not exit 0 (the run did not finish).
#[test]
fn a_closed_stdout_stops_send_quietly_and_not_as_success() {
    use std::io::BufRead;
    let srv = TestServer::status(200);
    // 26,000 deliveries at 5 a second, 8 workers waiting for their turn.
    let mut child = spawn_send(
        &srv.url(),
        &[
            "--topic",
            "all",
            "--count",
            "2000",
            "--rate",
            "5",
            "--concurrency",
            "8",
        ],
    );
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader is gone: the pipe is closed.
    assert!(first.contains("\"type\":\"delivery\""), "{first}");
    let status = exit_within(
        &mut child,
        Duration::from_secs(20),
        "send went on after its stdout was closed",
    );
    assert_eq!(status.code(), Some(1));
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(stderr, "");
    // The first line's delivery, the one whose line finds the pipe closed, and the one whose
    // line is refused: then the run stops. Were the workers left to finish, each would still
    // wait its turn and deliver once more (8 more).
    assert!(srv.hits().len() <= 5, "{} deliveries", srv.hits().len());
}
