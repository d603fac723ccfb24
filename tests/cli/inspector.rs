//! listen's browser inspector as a program sees it: its port flags, its announcement, its API
//! (the same lines as `--json`), and its refusal of requests from other sites. The page itself
//! is tested in a real browser by tests/browser/inspector.py.

use std::io::{Read, Write};
use std::time::Duration;

use predicates::prelude::*;
use serde_json::Value;

use crate::common::*;

const GEN: &str = "2026-01-10T10:00:00.000Z";

/// The inspector's URL from the line after the listening line.
fn inspector_url(l: &Listener) -> String {
    let line = l.inspector.clone().expect("the inspector line");
    let v: Value = serde_json::from_str(&line).expect("JSON");
    assert_eq!(v["type"], "inspector", "{line}");
    let url = v["url"].as_str().unwrap().to_string();
    assert_eq!(v.as_object().unwrap().len(), 2, "{line}");
    url
}

/// A request written by hand, so that Host and Origin are exactly what a hostile page or a
/// rebinding DNS name would send; returns the status code from the answer's first line.
fn raw_status(url: &str, head: &str) -> u16 {
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(head.as_bytes()).unwrap();
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    answer
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status in {answer:?}"))
}

#[test]
fn the_json_line_and_the_api_give_the_same_lines_as_json() {
    let l = Listener::start(&["--secret", "k", "--json", "--ui-port", "0"]);
    let ui = inspector_url(&l);
    assert!(
        ui.starts_with("http://127.0.0.1:") && ui.ends_with('/'),
        "{ui}"
    );
    let ada = br#"{"uid":"1","s_first_name":"Ada"}"#;
    let ann = br#"{"uid":"1","s_first_name":"Ann"}"#;
    for (key, body, status) in [
        (&b"k"[..], ada, 200),
        (b"k", ann, 200),
        (b"forged", ann, 401),
    ] {
        let headers = wl_headers(key, "client.updated", body, GEN);
        assert_eq!(post(&l.hook_url(), &refs(&headers), body).0, status);
    }
    let printed: Vec<String> = (0..3)
        .map(|_| l.next_line(Duration::from_secs(20)).unwrap())
        .collect();
    let (status, served) = request("GET", &format!("{ui}api/requests"), &[], b"");
    assert_eq!(status, 200);
    let served: Vec<&str> = served.lines().collect();
    assert_eq!(served, printed, "the API serves the lines --json prints");
    // The detail adds what the line leaves out, around the same line.
    let detail = |seq: u32| {
        let (status, detail) = request("GET", &format!("{ui}api/requests/{seq}"), &[], b"");
        assert_eq!(status, 200, "{detail}");
        serde_json::from_str::<Value>(&detail).unwrap()
    };
    let d = detail(2);
    assert_eq!(
        d["request"],
        serde_json::from_str::<Value>(&printed[1]).unwrap()
    );
    assert!(d["headers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h[0] == "x-signature-256"));
    assert_eq!(d["body"]["form"], "json");
    assert_eq!(
        d["body"]["text"],
        "{\n  \"uid\": \"1\",\n  \"s_first_name\": \"Ann\"\n}"
    );
    assert_eq!(d["verify"]["valid"], true);
    // The same record as #1: what changed.
    assert_eq!(
        d["previous"],
        serde_json::json!({"seq": 1, "changes": [{"path": "/s_first_name", "before": "Ada", "after": "Ann"}]})
    );
    let d = detail(3);
    assert_eq!(d["verify"]["valid"], false);
    assert_eq!(d["verify"]["checks"][0]["status"], "fail");
    assert!(!d["verify"]["diagnosis"].as_array().unwrap().is_empty());
    assert!(
        d["previous"].is_null(),
        "a forged body is no delivery of the record"
    );
    let (status, _) = request("GET", &format!("{ui}api/requests/99"), &[], b"");
    assert_eq!(status, 404);
    l.terminate();
    let (code, _) = l.finish();
    assert_eq!(code, Some(0));
}

#[test]
fn the_api_refuses_other_hosts_and_cross_site_actions() {
    let l = Listener::start(&["--secret", "k", "--ui-port", "0"]);
    let line = l.inspector.clone().unwrap();
    let ui = line
        .strip_prefix("Inspector on ")
        .expect("the inspector line")
        .to_string();
    let b = br#"{"uid":"1"}"#;
    post(
        &l.hook_url(),
        &refs(&wl_headers(b"k", "client.updated", b, GEN)),
        b,
    );
    let host = ui.trim_start_matches("http://").trim_end_matches('/');
    let port = host.rsplit(':').next().unwrap();
    let get = |host: &str, extra: &str| {
        raw_status(
            &ui,
            &format!(
                "GET /api/requests HTTP/1.1\r\nhost: {host}\r\n{extra}connection: close\r\n\r\n"
            ),
        )
    };
    assert_eq!(get(host, ""), 200);
    assert_eq!(get(&format!("localhost:{port}"), ""), 200);
    // DNS rebinding: a name that resolves to 127.0.0.1 but is not ours.
    assert_eq!(get(&format!("evil.example:{port}"), ""), 403);
    assert_eq!(get("127.0.0.1", ""), 403, "another port is another origin");
    assert_eq!(get(host, "origin: http://evil.example\r\n"), 403);

    let resend = |extra: &str| {
        raw_status(
            &ui,
            &format!(
                "POST /api/requests/1/resend HTTP/1.1\r\nhost: {host}\r\n{extra}content-type: text/plain\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{{}}"
            ),
        )
    };
    // A cross-site form post, or a script from another origin.
    assert_eq!(resend("origin: http://evil.example\r\n"), 403);
    assert_eq!(resend("origin: null\r\n"), 403);
    // Neither an Origin nor the page's header: not from the page.
    assert_eq!(resend(""), 403);
    // From the page: it gets as far as the action (no --forward-to, no URL: 400 says so).
    assert_eq!(resend(&format!("origin: http://{host}\r\n")), 400);
    assert_eq!(resend("x-wl-hook-inspector: 1\r\n"), 400);
    l.terminate();
    l.finish();
}

#[test]
fn a_busy_default_port_falls_back_and_says_so() {
    // Hold the default port (every other test asks for --ui-port 0). Something outside the
    // tests may hold it already: busy either way.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let _held = loop {
        match std::net::TcpListener::bind("127.0.0.1:9001") {
            Ok(l) => break Some(l),
            Err(_) if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(50))
            }
            Err(_) => break None,
        }
    };
    let out = wl()
        .args(["listen", "--port", "0", "--timeout", "200ms"])
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stdout.lines().nth(1).unwrap_or_default();
    assert!(
        line.starts_with("Inspector on http://127.0.0.1:"),
        "{stdout}"
    );
    assert!(!line.contains(":9001/"), "{stdout}");
    assert!(
        stderr.contains("default port 9001 cannot be used") && stderr.contains("--ui-port"),
        "{stderr}"
    );
}

#[test]
fn an_explicit_busy_port_is_exit_3_and_no_ui_serves_nothing() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    wl().args(["listen", "--port", "0", "--ui-port", &port])
        .timeout(Duration::from_secs(20))
        .assert()
        .code(3)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(format!(
            "cannot serve the inspector on 127.0.0.1:{port}"
        )));
    wl().args(["listen", "--no-ui", "--ui-port", "0"])
        .assert()
        .code(2);
    let out = wl()
        .args([
            "listen",
            "--port",
            "0",
            "--no-ui",
            "--json",
            "--timeout",
            "100ms",
        ])
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let types: Vec<String> = ndjson(&out.stdout)
        .iter()
        .map(|v| v["type"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(types, ["listening", "summary"]);
}

/// A body that is not UTF-8 is shown as a hex dump; with --no-verify there is no verify
/// report; a body refused for its size is no capture to resend.
#[test]
fn bodies_that_are_not_text_are_shown_in_hex() {
    let l = Listener::start(&["--no-verify", "--max-body", "1KiB"]);
    let ui = l
        .inspector
        .clone()
        .unwrap()
        .trim_start_matches("Inspector on ")
        .to_string();
    post(&l.hook_url(), &[], b"\xff\xfe{}");
    post(&l.hook_url(), &[], &[b' '; 2000]);
    let (status, detail) = request("GET", &format!("{ui}api/requests/1"), &[], b"");
    assert_eq!(status, 200, "{detail}");
    let d: Value = serde_json::from_str(&detail).unwrap();
    assert_eq!(d["body"]["form"], "hex");
    assert_eq!(d["body"]["bytes"], 4);
    assert_eq!(
        d["body"]["text"],
        format!("00000000  ff fe 7b 7d{}  ..{{}}\n", " ".repeat(47 - 11))
    );
    assert!(d["verify"].is_null());
    let (status, why) = request(
        "POST",
        &format!("{ui}api/requests/2/resend"),
        &[("x-wl-hook-inspector", "1")],
        format!(r#"{{"url":"{}"}}"#, l.hook_url()).as_bytes(),
    );
    assert_eq!(status, 409, "{why}");
    assert!(why.contains("was not read"), "{why}");
    l.terminate();
    l.finish();
}

/// Bound to loopback even when the receiver is exposed.
#[test]
fn the_inspector_stays_on_loopback_when_the_receiver_is_exposed() {
    let out = wl()
        .args([
            "listen",
            "--host",
            "0.0.0.0",
            "--port",
            "0",
            "--ui-port",
            "0",
            "--timeout",
            "100ms",
        ])
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Listening on http://0.0.0.0:"), "{stdout}");
    assert!(
        stdout.contains("Inspector on http://127.0.0.1:"),
        "{stdout}"
    );
}
