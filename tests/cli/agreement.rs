//! listen and verify give the same verdict: odd but signed requests sent to `listen --save`,
//! then `verify` on each capture it saved.

use serde_json::Value;

use crate::common::*;

const KEY: &[u8] = b"k";

fn body() -> Vec<u8> {
    br#"{"uid":"7","s_first_name":"Ada","meta_data":{"topic":"client.updated"}}"#.to_vec()
}

fn at(offset: chrono::Duration) -> String {
    (chrono::Utc::now() + offset)
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

/// One odd request: its headers and body.
struct Row {
    name: &'static str,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// listen's answer and the verdict both must give.
    status: u16,
    valid: bool,
}

fn signed(body: &[u8], generated_at: &str) -> Vec<(String, String)> {
    wl_headers(KEY, "client.updated", body, generated_at)
}

fn set(mut h: Vec<(String, String)>, name: &str, value: Option<&str>) -> Vec<(String, String)> {
    h.retain(|(n, _)| n != name);
    if let Some(v) = value {
        h.push((name.into(), v.into()));
    }
    h
}

fn rows() -> Vec<Row> {
    let now = at(chrono::Duration::zero());
    let b = body();
    let ok = |name, headers, status, valid| Row {
        name,
        headers,
        body: b.clone(),
        status,
        valid,
    };
    let sig = signed(&b, &now)
        .into_iter()
        .find(|(n, _)| n == "x-signature-256")
        .unwrap()
        .1;
    let mut two = set(signed(&b, &now), "x-signature-256", None);
    two.push(("x-signature-256".into(), "0".repeat(64)));
    two.push(("x-signature-256".into(), sig));
    let text = b"plain words, not JSON".to_vec();
    vec![
        ok("well-formed", signed(&b, &now), 200, true),
        ok(
            "text/plain",
            set(signed(&b, &now), "content-type", Some("text/plain")),
            200,
            true,
        ),
        ok(
            "wrong payload key",
            set(signed(&b, &now), "x-payload-key", Some(&"ab".repeat(32))),
            200,
            true,
        ),
        ok(
            "no payload key",
            set(signed(&b, &now), "x-payload-key", None),
            200,
            true,
        ),
        ok("two signature headers", two, 200, true),
        ok(
            "unknown event",
            set(signed(&b, &now), "x-topic", Some("client.merged")),
            200,
            true,
        ),
        ok(
            "stale (4 days old)",
            signed(&b, &at(-chrono::Duration::days(4))),
            200,
            true,
        ),
        ok(
            "no x-sent-at",
            set(signed(&b, &now), "x-sent-at", None),
            200,
            true,
        ),
        ok(
            "no timestamps",
            set(
                set(signed(&b, &now), "x-generated-at", None),
                "x-sent-at",
                None,
            ),
            400,
            false,
        ),
        ok(
            "from the future",
            signed(&b, &at(chrono::Duration::hours(2))),
            400,
            false,
        ),
        ok(
            "no x-topic",
            set(signed(&b, &now), "x-topic", None),
            400,
            false,
        ),
        ok(
            "another key",
            wl_headers(b"other", "client.updated", &b, &now),
            401,
            false,
        ),
        Row {
            name: "non-JSON body",
            headers: signed(&text, &now),
            body: text.clone(),
            status: 400,
            valid: false,
        },
        Row {
            name: "body over --max-body",
            headers: signed(&vec![b' '; 4096], &now),
            body: vec![b' '; 4096],
            status: 413,
            valid: false,
        },
    ]
}

/// Send every row to a `listen --save` with `flags`, then verify each capture with the same
/// flags; both must give each row's verdict, and the same findings.
fn agree(flags: &[&str], strict: bool) {
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().join("caps");
    let mut args = vec![
        "--secret",
        "k",
        "--json",
        "--max-body",
        "1KiB",
        "--save",
        save.to_str().unwrap(),
    ];
    args.extend(flags);
    let l = Listener::start(&args);
    let rows = rows();
    for row in &rows {
        let (status, _) = post(&l.hook_url(), &refs(&row.headers), &row.body);
        let want = match (strict, row.status) {
            // Under --strict every warning refuses: a signature's with 401.
            (true, 200) if row.name == "two signature headers" => 401,
            (true, 200) if row.name != "well-formed" => 400,
            (_, s) => s,
        };
        assert_eq!(status, want, "{}: listen's answer", row.name);
    }
    l.terminate();
    let (code, out) = l.finish();
    assert_eq!(code, Some(0));
    let lines: Vec<Value> = ndjson(out.as_bytes())
        .into_iter()
        .filter(|v| v["type"] == "request")
        .collect();
    assert_eq!(lines.len(), rows.len());
    for (row, line) in rows.iter().zip(&lines) {
        let path = line["saved_to"].as_str().unwrap();
        // The capture is named by the request's x-payload-key.
        let key = row
            .headers
            .iter()
            .find(|(n, _)| n == "x-payload-key")
            .map_or("nokey", |(_, v)| &v[..8]);
        assert!(path.ends_with(&format!("-{key}.json")), "{path}");
        let mut verify = wl();
        verify.args(["verify", "--secret", "k", "--json", path]);
        if strict {
            verify.arg("--strict");
        }
        let out = verify.output().unwrap();
        let v = &ndjson(&out.stdout)[0];
        let valid = row.valid && !(strict && row.name != "well-formed");
        assert_eq!(
            line["valid"], valid,
            "{}: listen's verdict {line}",
            row.name
        );
        assert_eq!(v["valid"], valid, "{}: verify's verdict {v}", row.name);
        assert_eq!(
            out.status.code(),
            Some(if valid { 0 } else { 1 }),
            "{}: verify's exit",
            row.name
        );
        // The same findings, by name, severity and words.
        let verify_findings: Vec<&Value> = v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["status"] == "warn" || c["status"] == "fail")
            .collect();
        let listen_findings: Vec<&Value> = line["findings"].as_array().unwrap().iter().collect();
        let names = |f: &[&Value]| -> Vec<(String, String)> {
            f.iter()
                .map(|c| (c["name"].to_string(), c["status"].to_string()))
                .collect()
        };
        assert_eq!(
            names(&listen_findings),
            names(&verify_findings),
            "{}: findings",
            row.name
        );
        if row.name != "well-formed" {
            assert!(!listen_findings.is_empty(), "{}: nothing found", row.name);
        }
        assert_eq!(line["matched_key"], v["matched_key"], "{}", row.name);
        if row.status == 413 {
            let why = v["checks"][4]["detail"].as_str().unwrap();
            assert!(
                why.starts_with("the receiver did not read the body (body of 4096 bytes"),
                "{why}"
            );
            // Judged, but never replayed: there is no body to send.
            wl().args(["replay", "--url", "http://127.0.0.1:9/x", path])
                .assert()
                .code(2)
                .stderr(predicates::str::contains("did not read it"));
        }
        assert_eq!(line["diagnosis"], v["diagnosis"], "{}", row.name);
    }
}

#[test]
fn listen_and_verify_agree_on_odd_but_signed_requests() {
    agree(&[], false);
}

#[test]
fn strict_listen_refuses_what_strict_verify_fails() {
    agree(&["--strict"], true);
}

/// Across a key change listen takes both keys and names the one each delivery matched.
#[test]
fn listen_takes_several_keys_and_names_the_one_that_matched() {
    let l = Listener::start(&["--secret", "old", "--secret", "new", "--json"]);
    let b = body();
    let now = at(chrono::Duration::zero());
    for (key, status) in [(&b"new"[..], 200), (b"old", 200), (b"other", 401)] {
        let h = wl_headers(key, "client.updated", &b, &now);
        assert_eq!(post(&l.hook_url(), &refs(&h), &b).0, status);
    }
    l.terminate();
    let (_, out) = l.finish();
    let lines: Vec<Value> = ndjson(out.as_bytes())
        .into_iter()
        .filter(|v| v["type"] == "request")
        .collect();
    let matched: Vec<&Value> = lines.iter().map(|l| &l["matched_key"]).collect();
    assert_eq!(
        matched,
        [
            &Value::from("--secret #2"),
            &"--secret #1".into(),
            &Value::Null
        ]
    );
    assert_eq!(lines[0]["note"], "valid delivery (signed with --secret #2)");
    let why = lines[2]["signature_detail"].as_str().unwrap();
    assert!(why.contains("--secret #1, --secret #2"), "{why}");
    assert!(
        !out.contains("\"old\"") && !out.contains("\"new\""),
        "{out}"
    );
}

/// --strict means the same in check: a scenario that only warns fails, and the run exits 1.
#[test]
fn check_strict_fails_a_scenario_that_only_warns() {
    use crate::server::{Reply, TestServer};
    let srv = TestServer::start(|h, _| {
        if h.header("x-topic") == Some("membership.created") {
            Reply::status(404)
        } else {
            Reply::status(200)
        }
    });
    let run = |strict: bool| {
        let mut cmd = wl();
        cmd.args(["check", &srv.url(), "--json", "--only", "unknown-topic"]);
        if strict {
            cmd.arg("--strict");
        }
        let out = cmd.output().unwrap();
        (out.status.code(), ndjson(&out.stdout))
    };
    let (code, lines) = run(false);
    assert_eq!(
        (code, lines[0]["verdict"].as_str()),
        (Some(0), Some("WARN"))
    );
    let (code, lines) = run(true);
    assert_eq!(
        (code, lines[0]["verdict"].as_str()),
        (Some(1), Some("FAIL"))
    );
    let reason = lines[0]["reason"].as_str().unwrap();
    assert!(
        reason.ends_with("(a warning, failed under --strict)"),
        "{reason}"
    );
    assert_eq!(lines[1]["ok"], false);
}
