use std::io::{Read, Write};
use std::time::Duration;

use base64::Engine;
use serde_json::Value;

use crate::common::*;
use crate::server::TestServer;

const GEN: &str = "2026-01-10T10:00:00.000Z";

fn body(uid: &str, extra: &str) -> Vec<u8> {
    format!(
        r#"{{"uid":"{uid}","s_first_name":"Ada"{extra},"meta_data":{{"topic":"client.updated"}}}}"#
    )
    .into_bytes()
}

fn deliver(l: &Listener, key: &[u8], topic: &str, body: &[u8], generated_at: &str) -> u16 {
    post(
        &l.hook_url(),
        &refs(&wl_headers(key, topic, body, generated_at)),
        body,
    )
    .0
}

fn requests(stdout: &str) -> Vec<Value> {
    ndjson(stdout.as_bytes())
        .into_iter()
        .filter(|v| v["type"] == "request")
        .collect()
}

/// A request head of 2,000 headers (about 150 KB), over listen's 64 KiB limit; no blank line yet.
fn header_flood() -> String {
    let mut req = String::from("POST /webhooks HTTP/1.1\r\nhost: x\r\n");
    for i in 0..2000 {
        req.push_str(&format!("x-filler-{i}: {}\r\n", "a".repeat(60)));
    }
    req
}

#[test]
fn first_line_ready_file_and_every_answer_code() {
    let dir = tempfile::tempdir().unwrap();
    let ready = dir.path().join("url");
    let l = Listener::start(&[
        "--secret",
        "k",
        "--json",
        "--max-body",
        "16KiB",
        "--ready-file",
        ready.to_str().unwrap(),
    ]);
    assert!(l.url.starts_with("http://127.0.0.1:"), "{}", l.url);
    assert_eq!(std::fs::read_to_string(&ready).unwrap().trim(), l.url);
    let b = body("1", "");
    assert_eq!(deliver(&l, b"k", "client.updated", &b, GEN), 200);
    assert_eq!(
        deliver(&l, b"wrong", "client.updated", &b, GEN),
        401,
        "invalid signature"
    );
    let mut unsigned = wl_headers(b"k", "client.updated", &b, GEN);
    unsigned.retain(|(n, _)| n != "x-signature-256");
    assert_eq!(
        post(&l.hook_url(), &refs(&unsigned), &b).0,
        401,
        "missing signature"
    );
    assert_eq!(deliver(&l, b"k", "client.updated", b"not json", GEN), 400);
    assert_eq!(
        deliver(&l, b"k", "client.updated", b"\xff\xfe{}", GEN),
        400,
        "non-UTF-8"
    );
    let big = vec![b' '; 20_000];
    assert_eq!(deliver(&l, b"k", "client.updated", &big, GEN), 413);
    assert_eq!(request("GET", &l.hook_url(), &[], b"").0, 405);
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    assert_eq!(
        deliver(&l, b"k", "client.updated", deep.as_bytes(), GEN),
        400,
        "deeply nested JSON"
    );
    l.terminate();
    let (code, out) = l.finish();
    assert_eq!(code, Some(0));
    let reqs = requests(&out);
    let statuses: Vec<_> = reqs.iter().map(|r| r["status"].as_u64().unwrap()).collect();
    assert_eq!(
        statuses,
        [200, 401, 401, 400, 400, 413, 405, 400],
        "every request is shown"
    );
    let sigs: Vec<_> = reqs
        .iter()
        .map(|r| r["signature"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(&sigs[..3], ["valid", "invalid", "missing"]);
    for field in [
        "seq",
        "method",
        "path",
        "event",
        "signature",
        "payload_key",
        "payload_key_ok",
        "generated_at",
        "sent_at",
        "duplicate_of",
        "stale",
        "status",
        "saved_to",
        "body",
    ] {
        assert!(reqs[0].get(field).is_some(), "request lacks {field}");
    }
    assert_eq!(reqs[0]["body"]["uid"], "1");
    assert_eq!(reqs[0]["payload_key_ok"], true);
    let summary = ndjson(out.as_bytes()).pop().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["requests"], 8);
}

#[test]
fn status_flag_and_no_verify() {
    let l = Listener::start(&["--no-verify", "--status", "201", "--json"]);
    assert_eq!(
        post(
            &l.hook_url(),
            &[("content-type", "application/json")],
            b"{}"
        )
        .0,
        201
    );
    l.terminate();
    let (_, out) = l.finish();
    assert_eq!(requests(&out)[0]["signature"], "unchecked");
}

/// The JSON line keeps one shape whichever way the body is written: as received (one line),
/// re-serialised compactly (over several lines), or as text (not JSON, or JSON strict readers
/// refuse).
#[test]
fn json_lines_have_one_shape_for_every_kind_of_body() {
    let l = Listener::start(&["--no-verify", "--json"]);
    let bodies: [&[u8]; 8] = [
        br#"{"uid":"1","a":[1,{"b":null}],"s":"x\"y"}"#,
        b"{\n  \"uid\": \"2\"\n}",
        br#"{"uid":"\u0033"}"#,
        b"not json \x1b[2J",
        br#"{"uid":"5","bad":"\ud800"}"#,
        b"{\"uid\":\"6\",\n\"big\":1e400}",
        br#"{"uid":"7","big":1e400}"#,
        br#"{"uid":"8","hex":"4e123","n":12345678901234567890123,"d":{"a":1,"a":2}}"#,
    ];
    for body in bodies {
        post(&l.hook_url(), &[("content-type", "application/json")], body);
    }
    l.terminate();
    let (_, out) = l.finish();
    let reqs = requests(&out);
    assert_eq!(reqs.len(), 8);
    let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    for r in &reqs[1..] {
        assert_eq!(keys(r), keys(&reqs[0]), "same fields, same order");
    }
    assert_eq!(keys(&reqs[0]).last().map(String::as_str), Some("body_text"));
    assert_eq!(
        reqs[0]["body"],
        serde_json::json!({"uid": "1", "a": [1, {"b": null}], "s": "x\"y"})
    );
    assert!(reqs[0]["body_text"].is_null());
    assert_eq!(reqs[1]["body"]["uid"], "2");
    assert_eq!(reqs[2]["body"]["uid"], "3");
    assert!(reqs[3]["body"].is_null());
    assert_eq!(reqs[3]["body_text"], "not json \u{1b}[2J");
    assert_eq!(reqs[3]["status"], 400);
    // Grammatical JSON that no tree holds (a lone surrogate) still shows up, as text.
    assert_eq!(reqs[4]["status"], 200);
    assert!(reqs[4]["body"].is_null());
    assert_eq!(reqs[4]["body_text"], r#"{"uid":"5","bad":"\ud800"}"#);
    // A number out of range: as text, so that strict readers can read every line.
    assert!(reqs[5]["body"].is_null());
    assert_eq!(reqs[5]["body_text"], "{\"uid\":\"6\",\n\"big\":1e400}");
    assert!(reqs[6]["body"].is_null());
    assert_eq!(reqs[6]["body_text"], r#"{"uid":"7","big":1e400}"#);
    // Something that merely looks like a big number is checked, then written as it came:
    // no rounding, duplicate keys kept.
    let line8 = out.lines().find(|l| l.contains(r#""seq":8,"#)).unwrap();
    assert!(
        line8.ends_with(
            r#","body":{"uid":"8","hex":"4e123","n":12345678901234567890123,"d":{"a":1,"a":2}},"body_text":null}"#
        ),
        "{line8}"
    );
    // The line holds the body byte for byte.
    let line = out.lines().find(|l| l.contains(r#""seq":1,"#)).unwrap();
    assert!(
        line.ends_with(r#","body":{"uid":"1","a":[1,{"b":null}],"s":"x\"y"},"body_text":null}"#),
        "{line}"
    );
}

/// A watcher never waits: each request is printed once nothing else is waiting to be shown.
#[test]
fn each_request_is_printed_while_listen_runs() {
    let l = Listener::start(&["--no-verify", "--json"]);
    for uid in ["1", "2", "3"] {
        let body = format!(r#"{{"uid":"{uid}"}}"#);
        assert_eq!(post(&l.hook_url(), &[], body.as_bytes()).0, 200);
        let line = l
            .next_line(std::time::Duration::from_secs(2))
            .expect("the request is printed before listen stops");
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["body"]["uid"], uid);
    }
    l.terminate();
    l.finish();
}

/// Nobody reads the output any more (`listen | head -1`): listen stops on the first line it
/// cannot write, exit 1, instead of answering deliveries it can no longer show.
#[test]
fn a_closed_stdout_stops_listen_at_once() {
    use std::io::BufRead;
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("wl-hook"));
    for var in ENV_VARS {
        cmd.env_remove(var);
    }
    let mut child = cmd
        .args([
            "listen",
            "--port",
            "0",
            "--ui-port",
            "0",
            "--no-verify",
            "--json",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader is gone with its BufReader: the pipe is closed.
    let v: Value = serde_json::from_str(&first).unwrap();
    let url = format!("{}/webhooks", v["url"].as_str().unwrap());
    post(&url, &[], br#"{"uid":"1"}"#);
    let status = exit_within(
        &mut child,
        Duration::from_secs(10),
        "listen still runs with nobody reading its output",
    );
    assert_eq!(status.code(), Some(1));
    // And the port is closed: the sender's next try fails, to be retried later.
    let addr = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_string();
    assert!(std::net::TcpStream::connect(addr).is_err());
}

#[test]
fn oversized_declared_length_is_refused_at_once() {
    let l = Listener::start(&[
        "--secret",
        "k",
        "--max-body",
        "1KiB",
        "--read-timeout",
        "20s",
    ]);
    let addr = l.url.trim_start_matches("http://").to_string();
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(b"POST /webhooks HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 10000000\r\n\r\n").unwrap();
    let mut buf = [0u8; 64];
    let n = s
        .read(&mut buf)
        .expect("answered without waiting for the body");
    assert!(
        String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 413"),
        "{}",
        String::from_utf8_lossy(&buf[..n])
    );
}

#[test]
fn captures_are_byte_exact_including_non_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let l = Listener::start(&[
        "--secret",
        "k",
        "--save",
        dir.path().to_str().unwrap(),
        "--json",
    ]);
    let pretty = b"{\n  \"uid\": \"7\",\n  \"s_first_name\": \"Z\\u00e9\"\n}\n";
    assert_eq!(deliver(&l, b"k", "client.created", pretty, GEN), 200);
    let binary = b"\x00\xff\xfebinary\x1b[2J";
    assert_eq!(deliver(&l, b"k", "client.created", binary, GEN), 400);
    l.terminate();
    let (code, out) = l.finish();
    assert_eq!(code, Some(0));
    let reqs = requests(&out);
    let mut files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 2, "{files:?}");
    let first: Value = serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    assert_eq!(first["wl_hook_capture"], 1);
    assert_eq!(first["method"], "POST");
    assert_eq!(first["path"], "/webhooks");
    assert_eq!(first["body"].as_str().unwrap().as_bytes(), pretty);
    let headers: Vec<(String, String)> = serde_json::from_value(first["headers"].clone()).unwrap();
    let sent = wl_headers(b"k", "client.created", pretty, GEN);
    let wl_names: Vec<_> = headers
        .iter()
        .filter(|(n, _)| n.starts_with("x-"))
        .cloned()
        .collect();
    let want: Vec<_> = sent
        .iter()
        .filter(|(n, _)| n.starts_with("x-"))
        .cloned()
        .collect();
    assert_eq!(wl_names, want, "headers in arrival order, values intact");
    assert_eq!(
        reqs[0]["saved_to"].as_str().unwrap(),
        files[0].to_str().unwrap()
    );
    let name = files[0].file_name().unwrap().to_str().unwrap().to_string();
    assert!(
        name.starts_with("000001-client.created-") && name.ends_with(".json"),
        "{name}"
    );
    let second: Value = serde_json::from_slice(&std::fs::read(&files[1]).unwrap()).unwrap();
    assert!(second.get("body").is_none());
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(second["body_base64"].as_str().unwrap())
        .unwrap();
    assert_eq!(decoded, binary);
}

#[test]
fn duplicates_and_stale_events_are_reported() {
    let l = Listener::start(&["--secret", "k", "--json"]);
    let newer = body("42", r#","v":2"#);
    let older = body("42", r#","v":1"#);
    let updated =
        |b: &[u8], generated_at: &str| deliver(&l, b"k", "client.updated", b, generated_at);
    assert_eq!(updated(&newer, "2026-01-10T10:05:00.000Z"), 200);
    assert_eq!(updated(&newer, "2026-01-10T10:05:00.000Z"), 200);
    assert_eq!(
        updated(&older, "2026-01-10T10:00:00.000Z"),
        200,
        "stale events are still acknowledged"
    );
    assert_eq!(updated(&body("43", ""), "2026-01-10T09:00:00.000Z"), 200);
    l.terminate();
    let (_, out) = l.finish();
    let reqs = requests(&out);
    assert_eq!(reqs[0]["duplicate_of"], Value::Null);
    assert_eq!(reqs[1]["duplicate_of"], 1);
    assert_eq!(reqs[2]["stale"], true);
    assert_eq!(reqs[2]["stale_detail"]["newer_seq"], 1);
    assert_eq!(reqs[3]["stale"], false, "another record is not stale");
}

#[test]
fn human_output_is_readable_and_escapes_terminal_sequences() {
    let l = Listener::start(&["--secret", "k", "--color", "never"]);
    let b = br#"{"uid":"9","s_first_name":"\u001b[31mred","note":"evil\u001b]0;title\u0007"}"#;
    let mut h = wl_headers(b"k", "client.created", b, GEN);
    h.push(("x-extra".into(), "fine".into()));
    assert_eq!(
        post(
            &format!("{}/hooks/\x1b[2J", l.url).replace('\x1b', "%1B"),
            &refs(&h),
            b
        )
        .0,
        200
    );
    // HTTP itself refuses control bytes in headers; bidi overrides get through and are escaped.
    let evil = body("10", "");
    let mut h = wl_headers(b"k", "client.created", &evil, GEN);
    h[1].1 = "client.created\u{202e}evil".into();
    let raw =
        format!(
        "POST /webhooks HTTP/1.1\r\nhost: x\r\nconnection: close\r\n{}content-length: {}\r\n\r\n",
        h.iter().map(|(n, v)| format!("{n}: {v}\r\n")).collect::<String>(),
        evil.len()
    );
    let mut s = std::net::TcpStream::connect(l.url.trim_start_matches("http://")).unwrap();
    s.write_all(raw.as_bytes()).unwrap();
    s.write_all(&evil).unwrap();
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    l.terminate();
    let (code, out) = l.finish();
    assert_eq!(code, Some(0));
    assert!(
        !out.contains('\x1b'),
        "no raw escape reaches the terminal:\n{out}"
    );
    assert!(!out.contains('\x07'));
    assert!(
        out.contains("#1 ") && out.contains("client.created") && out.contains("✓ valid"),
        "{out}"
    );
    assert!(
        out.contains("\\u001b[31mred") || out.contains("\\e[31mred"),
        "{out}"
    );
    assert!(out.contains("client.created\\u{202e}evil"), "{out}");
    assert!(!out.contains('\u{202e}'));
    assert!(
        out.contains("\"s_first_name\""),
        "the body is pretty-printed:\n{out}"
    );
    assert!(out.contains("Summary: 2 requests"), "{out}");
}

#[test]
fn fail_first_is_observed_by_a_retrying_client() {
    let l = Listener::start(&["--secret", "k", "--fail-first", "3", "--json"]);
    let b = body("5", "");
    let mut attempts = 0;
    loop {
        attempts += 1;
        let status = deliver(&l, b"k", "client.updated", &b, GEN);
        if status == 200 {
            break;
        }
        assert_eq!(status, 500);
        assert!(attempts < 10);
    }
    assert_eq!(attempts, 4, "three failures, then the normal answer");
    // Another payload key starts its own count.
    assert_eq!(
        deliver(&l, b"k", "client.updated", &body("6", ""), GEN),
        500
    );
    l.terminate();
    let (_, out) = l.finish();
    let reqs = requests(&out);
    assert_eq!(
        reqs[1]["duplicate_of"], 1,
        "a retry is the same payload key"
    );
    assert!(reqs[0]["note"].as_str().unwrap().contains("--fail-first"));
}

#[test]
fn fail_rate_is_seeded() {
    let run = || {
        let l = Listener::start(&[
            "--secret",
            "k",
            "--fail-rate",
            "0.5",
            "--seed",
            "7",
            "--json",
        ]);
        let codes: Vec<u16> = (0..20)
            .map(|i| deliver(&l, b"k", "client.updated", &body(&i.to_string(), ""), GEN))
            .collect();
        l.terminate();
        let _ = l.finish();
        codes
    };
    let a = run();
    assert_eq!(a, run(), "the same seed gives the same answers");
    assert!(a.contains(&500) && a.contains(&200), "{a:?}");
}

#[test]
fn delay_holds_the_answer() {
    let l = Listener::start(&["--secret", "k", "--delay", "300ms", "--json"]);
    let start = std::time::Instant::now();
    assert_eq!(
        deliver(&l, b"k", "client.updated", &body("1", ""), GEN),
        200
    );
    assert!(start.elapsed() >= Duration::from_millis(300));
}

#[test]
fn forward_to_relays_unchanged_and_answers_with_the_apps_status() {
    let app = TestServer::status(201);
    let l = Listener::start(&["--secret", "k", "--forward-to", &app.url(), "--json"]);
    let b = body("8", "");
    let mut h = wl_headers(b"k", "client.updated", &b, GEN);
    h.push(("x-custom".into(), "kept".into()));
    assert_eq!(post(&l.hook_url(), &refs(&h), &b).0, 201);
    let hits = app.hits();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].body, b);
    for (n, v) in &h {
        assert_eq!(hits[0].header(n), Some(v.as_str()), "{n} relayed");
    }
    // An invalid delivery is not relayed.
    assert_eq!(deliver(&l, b"bad", "client.updated", &b, GEN), 401);
    assert_eq!(app.hits().len(), 1);
    l.terminate();
    let (_, out) = l.finish();
    assert_eq!(requests(&out)[0]["forwarded"]["status"], 201);

    let port = crate::server::closed_port();
    let l = Listener::start(&[
        "--secret",
        "k",
        "--forward-to",
        &format!("http://127.0.0.1:{port}/x"),
    ]);
    assert_eq!(deliver(&l, b"k", "client.updated", &b, GEN), 502);
}

/// An app that begins a 200 and breaks off: the sender must hear that the delivery failed, as
/// it would from the app itself, not get the 200 (WL would not retry it).
#[test]
fn forward_to_an_app_whose_answer_breaks_off_answers_502() {
    fn breaks_off(s: &mut std::net::TcpStream) {
        use std::io::Write;
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nhello");
    }
    let (app, _t) = crate::server::raw_peer(1, breaks_off);
    let l = Listener::start(&[
        "--secret",
        "k",
        "--forward-to",
        &format!("http://{app}/x"),
        "--json",
    ]);
    assert_eq!(
        deliver(&l, b"k", "client.updated", &body("8", ""), GEN),
        502
    );
    l.terminate();
    let (_, out) = l.finish();
    let line = &requests(&out)[0];
    assert_eq!(line["status"], 502);
    assert_eq!(line["forwarded"]["status"], 200);
    let note = line["note"].as_str().unwrap();
    assert!(note.contains("did not finish its answer"), "{note}");
}

#[test]
fn ci_exit_paths() {
    // --count reached.
    let l = Listener::start(&["--secret", "k", "--count", "2", "--json"]);
    deliver(&l, b"k", "client.updated", &body("1", ""), GEN);
    deliver(&l, b"k", "client.updated", &body("2", ""), GEN);
    let (code, out) = l.finish();
    assert_eq!(code, Some(0));
    assert_eq!(ndjson(out.as_bytes()).pop().unwrap()["ok"], true);

    // --timeout before --count.
    let l = Listener::start(&["--secret", "k", "--count", "5", "--timeout", "400ms"]);
    deliver(&l, b"k", "client.updated", &body("1", ""), GEN);
    let (code, out) = l.finish();
    assert_eq!(code, Some(1));
    assert!(out.contains("--timeout"), "{out}");

    // --expect-topic met (aliases allowed): exits as soon as they arrived.
    let l = Listener::start(&[
        "--secret",
        "k",
        "--expect-topic",
        "purchases",
        "--expect-topic",
        "client.updated",
        "--timeout",
        "20s",
    ]);
    deliver(&l, b"k", "client.updated", &body("1", ""), GEN);
    deliver(
        &l,
        b"k",
        "purchase.created",
        b"{\"text_purchase_id\":\"1\"}",
        GEN,
    );
    let (code, out) = l.finish();
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("purchase.created arrived with a valid signature"),
        "{out}"
    );

    // An expected event with a bad signature does not count.
    let l = Listener::start(&[
        "--secret",
        "k",
        "--expect-topic",
        "purchase.created",
        "--timeout",
        "500ms",
        "--json",
    ]);
    deliver(&l, b"wrong", "purchase.created", b"{}", GEN);
    let (code, out) = l.finish();
    assert_eq!(code, Some(1));
    let summary = ndjson(out.as_bytes()).pop().unwrap();
    assert_eq!(summary["expected"]["purchase.created"], false);

    // A plain --timeout with nothing expected is just a run length.
    let l = Listener::start(&["--secret", "k", "--timeout", "200ms"]);
    assert_eq!(l.finish().0, Some(0));

    // Bad input.
    wl().args(["listen", "--expect-topic", "nope"])
        .assert()
        .code(2);
    wl().args(["listen", "--status", "42"]).assert().code(2);
    wl().args(["listen", "--max-body", "lots"]).assert().code(2);
    wl().args(["listen", "--fail-rate", "2"]).assert().code(2);
}

#[test]
fn a_busy_port_is_exit_3() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    wl().args(["listen", "--port", &port, "--secret", "k"])
        .assert()
        .code(3)
        .stderr(predicates::str::contains("cannot listen on 127.0.0.1"));
}

#[test]
fn sigterm_finishes_in_flight_requests_and_flushes_every_capture() {
    let dir = tempfile::tempdir().unwrap();
    let l = Listener::start(&[
        "--secret",
        "k",
        "--delay",
        "500ms",
        "--save",
        dir.path().to_str().unwrap(),
        "--json",
    ]);
    let url = l.hook_url();
    let senders: Vec<_> = (0..5)
        .map(|i| {
            let url = url.clone();
            std::thread::spawn(move || {
                let b = body(&i.to_string(), "");
                post(
                    &url,
                    &refs(&wl_headers(b"k", "client.updated", &b, GEN)),
                    &b,
                )
                .0
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    l.terminate();
    let codes: Vec<u16> = senders.into_iter().map(|t| t.join().unwrap()).collect();
    assert_eq!(codes, [200; 5], "in-flight requests are answered");
    let (code, out) = l.finish();
    assert_eq!(code, Some(0));
    assert_eq!(requests(&out).len(), 5);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        5,
        "every capture written"
    );
    assert!(out.contains("SIGTERM"));
}

#[test]
fn a_capture_that_cannot_be_saved_is_answered_500_so_the_sender_retries() {
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().join("captures");
    let l = Listener::start(&["--secret", "k", "--json", "--save", save.to_str().unwrap()]);
    assert_eq!(
        deliver(&l, b"k", "client.updated", &body("1", ""), GEN),
        200
    );
    std::fs::remove_dir_all(&save).unwrap();
    assert_eq!(
        deliver(&l, b"k", "client.updated", &body("2", ""), GEN),
        500
    );
    std::fs::create_dir(&save).unwrap();
    assert_eq!(
        deliver(&l, b"k", "client.updated", &body("2", ""), GEN),
        200,
        "the retry is saved"
    );
    l.terminate();
    let (code, out) = l.finish();
    assert_eq!(code, Some(0));
    let reqs = requests(&out);
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[1]["status"], 500);
    assert!(reqs[1]["saved_to"].is_null());
    assert!(reqs[1]["save_error"].is_string(), "{}", reqs[1]);
    assert!(reqs[2]["saved_to"].is_string());
    let summary = ndjson(out.as_bytes()).pop().unwrap();
    assert_eq!(
        (summary["saved"].clone(), summary["save_errors"].clone()),
        (2.into(), 1.into())
    );
    assert_eq!(std::fs::read_dir(&save).unwrap().count(), 1);
}

/// While listen stops, each request still in flight is shown when it finishes, not when the
/// last one does.
#[test]
fn requests_finishing_during_the_stop_are_shown_as_they_finish() {
    let l = Listener::start(&["--secret", "k", "--json", "--delay", "1500ms"]);
    let send = |uid: &'static str| {
        let url = l.hook_url();
        std::thread::spawn(move || {
            let b = body(uid, "");
            post(
                &url,
                &refs(&wl_headers(b"k", "client.updated", &b, GEN)),
                &b,
            )
            .0
        })
    };
    let first = send("1");
    std::thread::sleep(Duration::from_millis(1000));
    let second = send("2");
    std::thread::sleep(Duration::from_millis(200));
    l.terminate();
    // The first finishes about 1.5 s in, the second about 2.5 s in.
    let line = l
        .next_line(Duration::from_secs(10))
        .expect("the first request is shown");
    assert!(
        !second.is_finished(),
        "the first request's line waited for the second to finish"
    );
    assert!(line.contains(r#""uid":"1""#), "{line}");
    assert_eq!(first.join().unwrap(), 200);
    assert_eq!(second.join().unwrap(), 200);
    let (code, out) = l.finish();
    assert_eq!(code, Some(0));
    assert_eq!(
        requests(&out).len(),
        1,
        "the second request's line follows: {out}"
    );
}

#[test]
fn two_thousand_deliveries_give_two_thousand_captures() {
    let dir = tempfile::tempdir().unwrap();
    let l = Listener::start(&[
        "--secret",
        "k",
        "--save",
        dir.path().to_str().unwrap(),
        "--count",
        "2000",
        "--body",
        "none",
    ]);
    wl().args([
        "send",
        "--secret",
        "k",
        "--url",
        &l.hook_url(),
        "--topic",
        "client.*",
        "--count",
        "1000",
        "--concurrency",
        "50",
    ])
    .assert()
    .success();
    let (code, out) = l.finish();
    assert_eq!(code, Some(0), "{}", out.lines().last().unwrap_or(""));
    let files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(files.len(), 2000);
    assert!(
        files
            .iter()
            .all(|f| f.ends_with(".json") && !f.starts_with('.')),
        "no temporary files left"
    );
}

#[test]
fn slow_clients_and_header_floods() {
    let l = Listener::start(&["--secret", "k", "--read-timeout", "500ms"]);
    let addr = l.url.trim_start_matches("http://").to_string();
    // A client that never finishes its headers is dropped.
    let mut slow = std::net::TcpStream::connect(&addr).unwrap();
    slow.write_all(b"POST /webhooks HTTP/1.1\r\nhost: x\r\n")
        .unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut buf = [0u8; 256];
    let n = slow.read(&mut buf).unwrap_or(0);
    let text = String::from_utf8_lossy(&buf[..n]);
    assert!(
        n == 0 || text.starts_with("HTTP/1.1 408"),
        "slow client dropped: {text}"
    );
    // A header flood gets 431.
    let mut flood = std::net::TcpStream::connect(&addr).unwrap();
    let mut req = header_flood();
    req.push_str("\r\n");
    let _ = flood.write_all(req.as_bytes());
    flood
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut answer = Vec::new();
    let _ = flood.read_to_end(&mut answer);
    assert!(
        String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 431"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    // The server still serves.
    assert_eq!(
        deliver(&l, b"k", "client.updated", &body("1", ""), GEN),
        200
    );
}

#[test]
fn refusals_are_shown_and_oversized_requests_are_recorded_without_their_body() {
    let dir = tempfile::tempdir().unwrap();
    let l = Listener::start(&[
        "--secret",
        "k",
        "--json",
        "--max-body",
        "1KiB",
        "--save",
        dir.path().to_str().unwrap(),
    ]);
    let addr = l.url.trim_start_matches("http://").to_string();
    // A head too large: hyper answers 431 itself; listen must still report it.
    let mut flood = std::net::TcpStream::connect(&addr).unwrap();
    let req = header_flood();
    let _ = flood.write_all(format!("{req}\r\n").as_bytes());
    let mut answer = Vec::new();
    flood
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let _ = flood.read_to_end(&mut answer);
    // Over --max-body: answered 413, recorded without its body.
    assert_eq!(
        deliver(&l, b"k", "client.updated", &vec![b' '; 4096], GEN),
        413
    );
    l.terminate();
    let (code, out) = l.finish();
    assert_eq!(code, Some(0));
    let lines = ndjson(out.as_bytes());
    let rejected: Vec<_> = lines.iter().filter(|l| l["type"] == "rejected").collect();
    assert_eq!(rejected.len(), 1, "{out}");
    assert_eq!(rejected[0]["status"], 431);
    assert_eq!(lines.last().unwrap()["rejected"], 1);
    let files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    let capture: Value = serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    assert!(
        capture["body_omitted"]
            .as_str()
            .unwrap()
            .contains("--max-body"),
        "{capture}"
    );
    // Judged invalid with the reason, as listen judged it (exit 1, not an unreadable input).
    wl().args(["verify", "--secret", "k"])
        .arg(&files[0])
        .assert()
        .code(1)
        .stdout(predicates::str::contains(
            "the receiver did not read the body (body of 4096 bytes is over --max-body",
        ));
}

#[test]
fn idle_keep_alive_connections_are_not_refusals_and_string_contents_are_checked() {
    let l = Listener::start(&["--secret", "k", "--json", "--read-timeout", "1s"]);
    let b = body("3", "");
    let h = wl_headers(b"k", "client.updated", &b, GEN);
    let raw = format!(
        "POST /webhooks HTTP/1.1\r\nhost: x\r\n{}content-length: {}\r\n\r\n",
        h.iter()
            .map(|(n, v)| format!("{n}: {v}\r\n"))
            .collect::<String>(),
        b.len()
    );
    let mut s = std::net::TcpStream::connect(l.url.trim_start_matches("http://")).unwrap();
    s.write_all(raw.as_bytes()).unwrap();
    s.write_all(&b).unwrap();
    let mut buf = [0u8; 512];
    let n = s.read(&mut buf).unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    // Idle past the read timeout: the server may close it, but that is no refusal.
    std::thread::sleep(Duration::from_millis(1500));
    // Invalid UTF-8 inside a string value is not JSON.
    assert_eq!(
        deliver(&l, b"k", "client.updated", b"{\"a\":\"\xff\xfe\"}", GEN),
        400
    );
    // A lone surrogate escape is grammatical JSON: accepted, and still a readable JSON line.
    assert_eq!(
        deliver(&l, b"k", "client.updated", br#"{"a":"\ud800"}"#, GEN),
        200
    );
    l.terminate();
    let (code, out) = l.finish();
    assert_eq!(code, Some(0));
    let lines = ndjson(out.as_bytes());
    assert!(lines.iter().all(|l| l["type"] != "rejected"), "{out}");
    assert_eq!(lines.last().unwrap()["rejected"], 0);
}
