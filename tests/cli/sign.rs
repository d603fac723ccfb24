use predicates::prelude::*;
use serde_json::Value;

use crate::common::*;

const NOW: &str = "2025-01-20T20:10:00Z";

/// Split the default `headers` output into (request line, header pairs, body).
fn parse_headers_output(out: &str) -> (String, Vec<(String, String)>, String) {
    let (head, body) = out
        .split_once("\n\n")
        .expect("blank line between headers and body");
    let mut lines = head.lines();
    let first = lines.next().unwrap().to_string();
    let headers = lines
        .map(|l| {
            let (n, v) = l.split_once(": ").unwrap();
            (n.to_string(), v.to_string())
        })
        .collect();
    (first, headers, body.trim_end_matches('\n').to_string())
}

#[test]
fn signs_a_fixture_with_the_full_header_set() {
    let out = wl()
        .args([
            "sign",
            "--topic",
            "purchases",
            "--secret",
            "s3cret",
            "--now",
            NOW,
            "--seed",
            "1",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("development key").not())
        .get_output()
        .stdout
        .clone();
    let (first, headers, body) = parse_headers_output(&String::from_utf8(out).unwrap());
    assert_eq!(first, "POST http://127.0.0.1:9000/webhooks");
    let names: Vec<_> = headers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "content-type",
            "x-topic",
            "x-signature-256",
            "x-generated-at",
            "x-sent-at",
            "x-payload-key"
        ]
    );
    assert_eq!(header(&headers, "x-topic"), Some("purchase.created"));
    assert_eq!(header(&headers, "content-type"), Some("application/json"));
    assert_eq!(
        header(&headers, "x-signature-256").unwrap(),
        openssl_hmac(b"s3cret", body.as_bytes())
    );
    assert_eq!(
        header(&headers, "x-payload-key").unwrap(),
        openssl_sha256(body.as_bytes())
    );
    assert_eq!(
        header(&headers, "x-generated-at"),
        Some("2025-01-20T20:10:00.000Z")
    );
    assert_eq!(
        header(&headers, "x-sent-at"),
        Some("2025-01-20T20:10:00.000Z")
    );
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["meta_data"]["topic"], "purchase.created");
    assert_eq!(v["meta_data"]["date"], "2025-01-20T20:10:00.000Z");
}

#[test]
fn seed_and_now_make_output_reproducible_and_every_render_is_new() {
    let run = |extra: &[&str]| {
        let mut args = vec![
            "sign", "--topic", "client.*", "--format", "json", "--secret", "k",
        ];
        args.extend_from_slice(extra);
        wl().args(&args)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    let a = run(&["--seed", "42", "--now", NOW]);
    let b = run(&["--seed", "42", "--now", NOW]);
    assert_eq!(a, b, "same seed and clock give the same bytes");
    let c = run(&["--seed", "43", "--now", NOW]);
    assert_ne!(a, c);
    let docs = ndjson(&a);
    assert_eq!(docs.len(), 2, "client.* is two events");
    let ids: Vec<_> = docs
        .iter()
        .map(|d| {
            serde_json::from_str::<Value>(d["body"].as_str().unwrap()).unwrap()["meta_data"]["id"]
                .clone()
        })
        .collect();
    assert_ne!(ids[0], ids[1]);
    // Without a seed two runs are two different events.
    assert_ne!(run(&["--now", NOW]), run(&["--now", NOW]));
    // --exact keeps the stored meta_data.
    let exact = ndjson(&run(&["--exact"]));
    let body: Value = serde_json::from_str(exact[0]["body"].as_str().unwrap()).unwrap();
    let stored: Value =
        serde_json::from_str(&std::fs::read_to_string("fixtures/client.created.json").unwrap())
            .unwrap();
    assert_eq!(body, stored);
}

#[test]
fn json_format_is_a_verifiable_capture() {
    let out = wl()
        .args(["sign", "--topic", "all", "--format", "json", "--now", NOW])
        .assert()
        .success()
        .stderr(predicate::str::contains("using the development key"))
        .get_output()
        .stdout
        .clone();
    let docs = ndjson(&out);
    assert_eq!(docs.len(), 13);
    for (doc, event) in docs.iter().zip(EVENTS) {
        assert_eq!(doc["wl_hook_capture"], 1);
        assert_eq!(doc["method"], "POST");
        assert_eq!(doc["path"], "/webhooks");
        let headers: Vec<(String, String)> =
            serde_json::from_value(doc["headers"].clone()).unwrap();
        let body = doc["body"].as_str().unwrap();
        assert_eq!(header(&headers, "x-topic"), Some(event));
        assert_eq!(
            header(&headers, "x-signature-256").unwrap(),
            openssl_hmac(DEV_KEY.as_bytes(), body.as_bytes())
        );
    }
}

#[test]
fn http_format_is_a_raw_request_with_exact_length() {
    let out = wl()
        .args([
            "sign",
            "--topic",
            "business",
            "--format",
            "http",
            "--url",
            "http://127.0.0.1:3000/hooks?a=1",
            "--secret",
            "k",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    assert!(
        head.starts_with("POST /hooks?a=1 HTTP/1.1\r\nhost: 127.0.0.1:3000\r\n"),
        "{head}"
    );
    assert!(head.contains(&format!("content-length: {}", body.len())));
    assert!(head.contains(&format!(
        "x-signature-256: {}",
        openssl_hmac(b"k", body.as_bytes())
    )));
}

#[test]
fn curl_format_quotes_the_body_for_a_shell() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("body.json");
    std::fs::write(&data, "{\"note\": \"it's \\\"quoted\\\"\"}\n").unwrap();
    let out = wl()
        .args(["sign", "--data"])
        .arg(&data)
        .args([
            "--topic",
            "client.updated",
            "--format",
            "curl",
            "--secret",
            "k",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let cmd = String::from_utf8(out).unwrap();
    assert!(
        cmd.starts_with("curl -sS 'http://127.0.0.1:9000/webhooks'"),
        "{cmd}"
    );
    assert!(cmd.contains("-H 'Expect:'"));
    // Replace curl by a shell function that prints its --data-binary argument: the shell must
    // hand over exactly the signed bytes.
    let script = format!(
        "curl() {{ while [ $# -gt 0 ]; do if [ \"$1\" = --data-binary ]; then printf '%s' \"$2\"; fi; shift; done; }}\n{cmd}"
    );
    let shell = std::process::Command::new("sh")
        .arg("-c")
        .arg(script)
        .output()
        .unwrap();
    assert_eq!(shell.stdout, std::fs::read(&data).unwrap());
}

/// A body too long for one command-line argument (Linux: 128 KiB) goes to curl's stdin from
/// printf: the command runs as printed, in bash and zsh, and the receiver gets the exact bytes.
#[test]
fn curl_format_sends_a_large_body_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("big.json");
    let items: Vec<String> = (0..4000)
        .map(|i| format!("{{\"k_purchase_item\":{i},\"text_title\":\"Kid's 10-Class Pass\"}}"))
        .collect();
    let body = format!("{{\"purchase_items\":[{}]}}", items.join(","));
    assert!(body.len() > 200 * 1024);
    std::fs::write(&data, &body).unwrap();
    let srv = crate::server::TestServer::status(200);
    let out = wl()
        .args([
            "sign",
            "--topic",
            "purchase.created",
            "--secret",
            "k",
            "--format",
            "curl",
        ])
        .args(["--url", &srv.url(), "--data"])
        .arg(&data)
        .output()
        .unwrap();
    let cmd = String::from_utf8(out.stdout).unwrap();
    assert!(cmd.starts_with("printf '%s' '"), "{}", &cmd[..80]);
    // From a file: the script itself is too long for one argument (`sh -c`).
    let script = dir.path().join("send.sh");
    std::fs::write(&script, &cmd).unwrap();
    for shell in ["bash", "zsh"] {
        let run = std::process::Command::new(shell)
            .arg(&script)
            .output()
            .unwrap();
        assert!(run.status.success(), "{shell}: {run:?}");
    }
    let hits = srv.hits();
    assert_eq!(hits.len(), 2);
    for h in &hits {
        assert_eq!(h.body, body.as_bytes());
        assert_eq!(
            h.header("x-signature-256"),
            Some(crate::server::hmac_hex(b"k", body.as_bytes()).as_str())
        );
    }
}

/// `--exact` keeps the stored `meta_data.date`, and `x-generated-at` says the same time; a
/// `--generated-at` cannot apply then, and is refused.
#[test]
fn exact_sends_its_stored_date_as_x_generated_at() {
    let out = wl()
        .args(["sign", "client.created", "--exact", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let body: Value = serde_json::from_str(doc["body"].as_str().unwrap()).unwrap();
    let generated = doc["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h[0] == "x-generated-at")
        .unwrap()[1]
        .clone();
    assert_eq!(generated, body["meta_data"]["date"]);
    assert_eq!(generated, "2024-11-22T15:21:10.000Z");
    wl().args(["sign", "client.created", "--exact", "--generated-at", "-1h"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--generated-at does not apply with --exact",
        ));
}

#[test]
fn data_is_sent_byte_exact_and_takes_its_topic_from_meta_data() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("body.json");
    let bytes = b"{ \"uid\": \"1\",\n  \"meta_data\": {\"topic\": \"client.updated\"} }\n";
    std::fs::write(&data, bytes).unwrap();
    let out = wl()
        .args(["sign", "--format", "json", "--secret", "k", "--data"])
        .arg(&data)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let doc = &ndjson(&out)[0];
    assert_eq!(doc["body"].as_str().unwrap().as_bytes(), bytes);
    let headers: Vec<(String, String)> = serde_json::from_value(doc["headers"].clone()).unwrap();
    assert_eq!(header(&headers, "x-topic"), Some("client.updated"));
    // From stdin too.
    let out = wl()
        .args([
            "sign",
            "--format",
            "json",
            "--secret",
            "k",
            "--data",
            "-",
            "--topic",
            "purchase.refunded",
        ])
        .write_stdin(&bytes[..])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(ndjson(&out)[0]["body"].as_str().unwrap().as_bytes(), bytes);
}

#[test]
fn data_that_is_not_json_needs_raw() {
    wl().args([
        "sign",
        "--data",
        "-",
        "--topic",
        "client.created",
        "--secret",
        "k",
    ])
    .write_stdin("not json")
    .assert()
    .code(2)
    .stderr(predicate::str::contains("is not JSON").and(predicate::str::contains("--raw")));
    let out = wl()
        .args([
            "sign",
            "--data",
            "-",
            "--topic",
            "client.created",
            "--secret",
            "k",
            "--raw",
            "--format",
            "json",
        ])
        .write_stdin(&b"\xff\xfebinary"[..])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(ndjson(&out)[0]["body_base64"], "//5iaW5hcnk=");
    wl().args(["sign", "--data", "-", "--secret", "k"])
        .write_stdin("{}")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--topic"));
    wl().args(["sign", "--data", "-", "--topic", "all", "--secret", "k"])
        .write_stdin("{}")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("exactly one event"));
}

#[test]
fn overrides_change_existing_fields_and_fail_loudly_on_missing_ones() {
    let out = wl()
        .args([
            "sign",
            "--topic",
            "purchase.created",
            "--format",
            "json",
            "--secret",
            "k",
        ])
        .args([
            "--set",
            "a_price.m_total=99.00",
            "--set-json",
            "purchase_items[0].i_count=3",
            "--add",
            "a_price.m_fee=\"1.50\"",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let body: Value = serde_json::from_str(ndjson(&out)[0]["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["a_price"]["m_total"], "99.00");
    assert_eq!(body["purchase_items"][0]["i_count"], 3);
    assert_eq!(body["a_price"]["m_fee"], "1.50");

    wl().args([
        "sign",
        "--topic",
        "purchases",
        "--secret",
        "k",
        "--set",
        "a_price.m_totl=1",
    ])
    .assert()
    .code(2)
    .stdout("")
    .stderr(
        predicate::str::contains("no key 'm_totl' in a_price")
            .and(predicate::str::contains("m_total")),
    );
    wl().args([
        "sign",
        "--topic",
        "purchases",
        "--secret",
        "k",
        "--set-json",
        "a_price.m_total=oops",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("not JSON"));
    wl().args([
        "sign",
        "--topic",
        "purchases",
        "--secret",
        "k",
        "--set",
        "purchase_items[9].i_count=1",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("out of range"));
}

#[test]
fn unknown_topics_are_input_errors_with_a_suggestion() {
    wl().args(["sign", "--topic", "purchse.created"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            predicate::str::contains("did you mean 'purchase.created'")
                .and(predicate::str::contains("valid topics")),
        );
    wl().args(["sign"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--topic"));
}

#[test]
fn aliases_resolve() {
    for (alias, event) in [
        ("Purchases", "purchase.created"),
        ("schedule", "class.created"),
        ("service.updated", "appointment.updated"),
        ("staff-profile", "staff.created"),
        ("CLIENT-PROFILES", "client.created"),
        ("businesses", "business.updated"),
    ] {
        let out = wl()
            .args([
                "sign", "--format", "json", "--secret", "k", "--topic", alias,
            ])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let headers: Vec<(String, String)> =
            serde_json::from_value(ndjson(&out)[0]["headers"].clone()).unwrap();
        assert_eq!(header(&headers, "x-topic"), Some(event), "{alias}");
    }
}

#[test]
fn key_sources() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("key");
    std::fs::write(&key_file, "from-file\n").unwrap();
    let sig_of = |extra: &[&std::ffi::OsStr], env: Option<&str>| {
        let mut cmd = wl();
        cmd.args(["sign", "--topic", "business", "--format", "json"])
            .args(extra);
        if let Some(v) = env {
            cmd.env("WL_HOOK_SECRET", v);
        }
        let out = cmd.assert().success().get_output().stdout.clone();
        let doc = ndjson(&out).remove(0);
        let headers: Vec<(String, String)> =
            serde_json::from_value(doc["headers"].clone()).unwrap();
        (
            header(&headers, "x-signature-256").unwrap().to_string(),
            doc["body"].as_str().unwrap().to_string(),
        )
    };
    let (sig, body) = sig_of(&["--secret-file".as_ref(), key_file.as_os_str()], None);
    assert_eq!(
        sig,
        openssl_hmac(b"from-file", body.as_bytes()),
        "one trailing newline trimmed"
    );
    let (sig, body) = sig_of(&[], Some("from-env"));
    assert_eq!(sig, openssl_hmac(b"from-env", body.as_bytes()));
    let (sig, body) = sig_of(
        &["--secret".as_ref(), "from-flag".as_ref()],
        Some("from-env"),
    );
    assert_eq!(sig, openssl_hmac(b"from-flag", body.as_bytes()));

    wl().args(["sign", "--topic", "business", "--secret-file"])
        .arg(dir.path().join("missing"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read key file"));
    std::fs::write(&key_file, "\n").unwrap();
    wl().args(["sign", "--topic", "business", "--secret-file"])
        .arg(&key_file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("empty"));
    wl().args(["sign", "--topic", "business", "--secret", ""])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("empty"));
    wl().args(["sign", "--topic", "business"])
        .env("WL_HOOK_SECRET", "")
        .assert()
        .code(2);
}

#[test]
fn headers_can_be_added_but_not_broken() {
    let out = wl()
        .args([
            "sign",
            "--topic",
            "business",
            "--secret",
            "k",
            "--format",
            "json",
            "-H",
            "X-Trace: abc",
            "-H",
            "x-topic: custom.event",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let headers: Vec<(String, String)> =
        serde_json::from_value(ndjson(&out)[0]["headers"].clone()).unwrap();
    assert_eq!(header(&headers, "x-trace"), Some("abc"));
    assert_eq!(header(&headers, "x-topic"), Some("custom.event"));
    wl().args([
        "sign",
        "--topic",
        "business",
        "--secret",
        "k",
        "-H",
        "x-a: 1\r\nx-b: 2",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("CR, LF"));
    wl().args([
        "sign", "--topic", "business", "--secret", "k", "-H", "novalue",
    ])
    .assert()
    .code(2);
    wl().args([
        "sign", "--topic", "business", "--secret", "k", "--url", "ftp://x",
    ])
    .assert()
    .code(2);
    wl().args([
        "sign",
        "--topic",
        "business",
        "--secret",
        "k",
        "--now",
        "yesterday",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("--now"));
}

#[test]
fn bad_fixture_files_name_the_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("mine.json");
    std::fs::write(&f, "{\n  \"uid\": \"1\",\n  oops\n}").unwrap();
    wl().args([
        "sign",
        "--topic",
        "client.created",
        "--secret",
        "k",
        "--fixture",
    ])
    .arg(&f)
    .assert()
    .code(2)
    .stderr(
        predicate::str::contains("mine.json")
            .and(predicate::str::contains("line 3"))
            .and(predicate::str::contains("column")),
    );
    wl().args([
        "sign",
        "--topic",
        "client.created",
        "--secret",
        "k",
        "--fixture",
    ])
    .arg(dir.path().join("nope.json"))
    .assert()
    .code(2)
    .stderr(predicate::str::contains("nope.json"));
    std::fs::write(dir.path().join("client.created.json"), "[1,").unwrap();
    wl().args(["sign", "--topic", "client", "--secret", "k", "--fixtures"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("client.created.json").and(predicate::str::contains("line 1")),
        );
}

#[test]
fn a_fixture_file_is_rendered_as_a_new_event() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("mine.json");
    std::fs::write(&f, r#"{"uid":"7","meta_data":{"id":"x","date":"2020-01-01T00:00:00.000Z","topic":"client.updated"}}"#).unwrap();
    let out = wl()
        .args([
            "sign",
            "--secret",
            "k",
            "--format",
            "json",
            "--now",
            NOW,
            "--fixture",
        ])
        .arg(&f)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let doc = &ndjson(&out)[0];
    let body: Value = serde_json::from_str(doc["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["uid"], "7");
    assert_ne!(body["meta_data"]["id"], "x");
    assert_eq!(body["meta_data"]["date"], "2025-01-20T20:10:00.000Z");
    let headers: Vec<(String, String)> = serde_json::from_value(doc["headers"].clone()).unwrap();
    assert_eq!(header(&headers, "x-topic"), Some("client.updated"));
}

#[test]
fn generated_at_back_dates_the_event() {
    let out = wl()
        .args([
            "sign",
            "--topic",
            "client",
            "--secret",
            "k",
            "--format",
            "json",
            "--now",
            NOW,
            "--generated-at",
            "1737190800",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let doc = &ndjson(&out)[0];
    let headers: Vec<(String, String)> = serde_json::from_value(doc["headers"].clone()).unwrap();
    assert_eq!(
        header(&headers, "x-generated-at"),
        Some("2025-01-18T09:00:00.000Z")
    );
    assert_eq!(
        header(&headers, "x-sent-at"),
        Some("2025-01-20T20:10:00.000Z")
    );
    let body: Value = serde_json::from_str(doc["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["meta_data"]["date"], "2025-01-18T09:00:00.000Z");
}

/// `--json-style` spells the rendered fixture and the signature covers those bytes; `--data` is
/// byte-exact, so the two do not combine.
#[test]
fn json_style_spells_the_signed_body_and_does_not_apply_to_data() {
    let signed = |style: &str| {
        let out = wl()
            .args([
                "sign",
                "--topic",
                "client.created",
                "--secret",
                "k",
                "--now",
                NOW,
            ])
            .args(["--seed", "1", "--json-style", style, "--format", "json"])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        // The capture document carries the exact body, trailing newline included.
        let capture: Value = serde_json::from_slice(&out).unwrap();
        let body = capture["body"].as_str().unwrap().to_string();
        let signature = capture["headers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h[0] == "x-signature-256")
            .map(|h| h[1].as_str().unwrap().to_string());
        assert_eq!(signature.unwrap(), openssl_hmac(b"k", body.as_bytes()));
        body
    };
    let compact = signed("compact");
    let php = signed("php");
    assert!(
        php.contains(r#""url_photo":"https:\/\/harborlight.example.com\/img"#),
        "{php}"
    );
    assert_eq!(php.replace("\\/", "/"), compact);
    let pretty = signed("pretty");
    assert!(
        pretty.starts_with("{\n    \"uid\": \"2976050\",\n"),
        "{pretty}"
    );
    assert!(pretty.ends_with("\n}\n"), "{pretty}");
    let same = |b: &str| serde_json::from_str::<Value>(b).unwrap();
    assert_eq!(same(&pretty), same(&compact));

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("body.json");
    std::fs::write(&data, "{}").unwrap();
    wl().args([
        "sign",
        "--data",
        data.to_str().unwrap(),
        "--topic",
        "client.created",
    ])
    .args(["--json-style", "php"])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("'--json-style <STYLE>'"));
}

/// `sign purchase.created` (as `stripe trigger` takes it) and `--topic a,b` name the same events
/// as repeated `--topic` flags, in the order given.
#[test]
fn positional_and_comma_separated_topics_are_topics() {
    let topics_of = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["sign", "--format", "json", "--seed", "1"];
        all.extend_from_slice(args);
        let out = wl().args(&all).output().expect("ran");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        ndjson(&out.stdout)
            .iter()
            .map(|v| {
                let headers: Vec<(String, String)> =
                    serde_json::from_value(v["headers"].clone()).expect("header pairs");
                header(&headers, "x-topic").unwrap_or("?").to_string()
            })
            .collect()
    };
    let expected = ["client.created", "staff.created"];
    assert_eq!(
        topics_of(&["--topic", "client.created,staff.created"]),
        expected
    );
    assert_eq!(
        topics_of(&["client.created", "--topic", "staff.created"]),
        expected
    );
    assert_eq!(topics_of(&["client.created,staff.created"]), expected);
    assert_eq!(topics_of(&["purchase.created"]), ["purchase.created"]);
    wl().args(["sign", "purchse.created"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean"));
}

#[test]
fn relative_times_count_from_the_clock() {
    let out = wl()
        .args(["sign", "--topic", "client.created", "--secret", "k"])
        .args(["--now", NOW, "--generated-at", "-2h", "--seed", "1"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let (_, headers, _) = parse_headers_output(&String::from_utf8(out).unwrap());
    let get = |n: &str| headers.iter().find(|(k, _)| k == n).unwrap().1.clone();
    assert_eq!(get("x-generated-at"), "2025-01-20T18:10:00.000Z");
    assert_eq!(get("x-sent-at"), "2025-01-20T20:10:00.000Z");
    wl().args(["sign", "--topic", "client.created", "--now", "-2x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--now: ").and(predicate::str::contains("-2h, +1d")));
}

#[test]
fn overrides_that_would_lose_data_are_refused_and_replace_does_it_on_purpose() {
    wl().args(["sign", "purchase.created", "--set", "a_price=5"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "--set a_price: it is an object; replacing it with a string would drop its",
        ));
    wl().args(["sign", "purchase.created", "--add", "a_price.m_total=\"1\""])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("it exists already (a string)"));
    let out = wl()
        .args([
            "sign",
            "purchase.created",
            "--format",
            "json",
            "--secret",
            "k",
        ])
        .args(["--replace", "purchase_items=[]"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let body: serde_json::Value = serde_json::from_str(doc["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["purchase_items"], serde_json::json!([]));
}
