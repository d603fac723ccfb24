use predicates::prelude::*;
use serde_json::Value;

use crate::common::*;

#[test]
fn list_names_every_event() {
    let out = wl()
        .args(["fixtures", "list"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    for e in EVENTS {
        assert!(text.contains(e), "{e} missing from list");
    }
    assert!(
        text.contains("Staff Profile")
            && text.contains("text_purchase_id")
            && text.contains("order_id")
    );
    let out = wl()
        .args(["fixtures", "list", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let rows = ndjson(&out);
    assert_eq!(rows.len(), 13);
    assert_eq!(rows[0]["event"], "business.updated");
    assert_eq!(rows[12]["record_id"], "order_id");
    assert_eq!(rows[5]["seed_name"], "Schedule");
    assert_eq!(
        rows[7]["aliases"],
        serde_json::json!(["appointment", "service"])
    );
}

#[test]
fn show_renders_and_raw_prints_the_stored_file() {
    let out = wl()
        .args(["fixtures", "show", "client.created", "--raw"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(out, std::fs::read("fixtures/client.created.json").unwrap());
    let out = wl()
        .args([
            "fixtures",
            "show",
            "purchases",
            "--now",
            "2026-01-01T00:00:00Z",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["meta_data"]["topic"], "purchase.created");
    assert_eq!(v["meta_data"]["date"], "2026-01-01T00:00:00.000Z");
    assert!(
        String::from_utf8(out)
            .unwrap()
            .contains("\n  \"text_purchase_id\""),
        "pretty-printed"
    );
    wl().args(["fixtures", "show", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown topic"));
}

#[test]
fn export_writes_every_fixture_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out");
    wl().args(["fixtures", "export"])
        .arg(&target)
        .assert()
        .success()
        .stdout(predicate::str::contains("Wrote 13"));
    for e in EVENTS {
        let path = target.join(format!("{e}.json"));
        assert_eq!(
            std::fs::read(&path).unwrap(),
            std::fs::read(format!("fixtures/{e}.json")).unwrap()
        );
    }
    // Exporting again over identical files is no conflict.
    wl().args(["fixtures", "export"])
        .arg(&target)
        .assert()
        .success();
    std::fs::write(target.join("client.created.json"), "{\"uid\":\"edited\"}").unwrap();
    wl().args(["fixtures", "export"])
        .arg(&target)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("1 file(s) in"))
        .stderr(predicate::str::contains(
            "client.created.json): edited or imported fixtures that --force would replace",
        ));
    // With the folder's own fixtures in effect, the edit is what export writes: nothing is lost.
    wl().args(["fixtures", "export"])
        .arg(&target)
        .arg("--fixtures")
        .arg(&target)
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(target.join("client.created.json")).unwrap(),
        "{\"uid\":\"edited\"}"
    );
    // The edited folder replaces the bundled fixture.
    let out = wl()
        .args([
            "sign",
            "--topic",
            "client",
            "--secret",
            "k",
            "--format",
            "json",
            "--fixtures",
        ])
        .arg(&target)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(ndjson(&out)[0]["body"], "{\"uid\":\"edited\"}");
    let list = wl()
        .args(["fixtures", "list"])
        .env("WL_HOOK_FIXTURES", &target)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8(list).unwrap().contains("(from "));
    wl().args(["fixtures", "export", "--force"])
        .arg(&target)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "--force: replacing 1 file(s) that differed from the fixtures in effect",
        ));
    assert_ne!(
        std::fs::read_to_string(target.join("client.created.json")).unwrap(),
        "{\"uid\":\"edited\"}"
    );
}

/// The key paths and JSON types of a value, to compare structure.
fn shape(v: &Value, path: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                shape(x, format!("{path}.{k}"), out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                shape(x, format!("{path}[{i}]"), out);
            }
        }
        Value::String(_) => out.push(format!("{path}:s")),
        Value::Number(_) => out.push(format!("{path}:n")),
        Value::Bool(_) => out.push(format!("{path}:b")),
        Value::Null => out.push(format!("{path}:null")),
    }
}

#[test]
fn import_redacts_a_real_capture_into_a_fixture_send_can_deliver() {
    let dir = tempfile::tempdir().unwrap();
    let captures = dir.path().join("captures");
    let l = Listener::start(&[
        "--secret",
        "k",
        "--save",
        captures.to_str().unwrap(),
        "--count",
        "2",
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
        "client.created",
        "--topic",
        "purchase.created",
    ])
    .assert()
    .success();
    assert_eq!(l.finish().0, Some(0));
    let mut files: Vec<_> = std::fs::read_dir(&captures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let fixtures = dir.path().join("mine");
    for (file, name, secrets) in [
        (
            &files[0],
            "client.created",
            vec![
                "Client Name",
                "Client Last Name",
                "client@email.com",
                "+12015557898",
            ],
        ),
        (
            &files[1],
            "purchase.created",
            vec!["Maya Okonkwo-Hale", "maya.okonkwo-hale@example.com", "4417"],
        ),
    ] {
        let out = wl()
            .args(["fixtures", "import"])
            .arg(file)
            .args(["--name", name, "--dir", fixtures.to_str().unwrap()])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let report = String::from_utf8(out).unwrap();
        assert!(
            report.contains("Replaced") && report.contains("email"),
            "{report}"
        );
        let written = std::fs::read_to_string(fixtures.join(format!("{name}.json"))).unwrap();
        for s in secrets {
            assert!(!written.contains(s), "{name}: '{s}' survived redaction");
        }
        let original: Value = serde_json::from_str(
            &std::fs::read_to_string(format!("fixtures/{name}.json")).unwrap(),
        )
        .unwrap();
        let redacted: Value = serde_json::from_str(&written).unwrap();
        let (mut a, mut b) = (Vec::new(), Vec::new());
        shape(&original, String::new(), &mut a);
        shape(&redacted, String::new(), &mut b);
        assert_eq!(a, b, "{name}: the JSON structure is kept");
        let id = if name.starts_with("client") {
            "uid"
        } else {
            "text_purchase_id"
        };
        assert_eq!(redacted[id], original[id], "ids are kept");
    }
    // Reproducible with the same seed.
    let again = dir.path().join("again");
    wl().args(["fixtures", "import"])
        .arg(&files[0])
        .args(["--name", "client.created", "--dir", again.to_str().unwrap()])
        .assert()
        .success();
    assert_eq!(
        std::fs::read(again.join("client.created.json")).unwrap(),
        std::fs::read(fixtures.join("client.created.json")).unwrap()
    );
    // The result is a fixture send can deliver.
    let srv = crate::server::TestServer::status(200);
    wl().args([
        "send",
        "--secret",
        "k",
        "--url",
        &srv.url(),
        "--topic",
        "client.created",
        "--topic",
        "purchase.created",
        "--fixtures",
    ])
    .arg(&fixtures)
    .assert()
    .success();
    let hits = srv.hits();
    assert_eq!(hits.len(), 2);
    crate::server::check_wl_request(&hits[0], b"k", "client.created");
    assert!(!String::from_utf8_lossy(&hits[0].body).contains("Client Last Name"));
    // Refuses to overwrite; --no-redact keeps everything with a warning.
    wl().args(["fixtures", "import"])
        .arg(&files[0])
        .args([
            "--name",
            "client.created",
            "--dir",
            fixtures.to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    wl().args(["fixtures", "import"])
        .arg(&files[0])
        .args([
            "--name",
            "client.created",
            "--dir",
            fixtures.to_str().unwrap(),
            "--force",
            "--no-redact",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning"));
    assert!(
        std::fs::read_to_string(fixtures.join("client.created.json"))
            .unwrap()
            .contains("Client Last Name")
    );
    wl().args(["fixtures", "import"])
        .arg(&files[0])
        .args(["--name", "Not A Name"])
        .assert()
        .code(2);
    let not_json = dir.path().join("raw.json");
    std::fs::write(
        &not_json,
        r#"{"headers": {"x-topic": "a.b"}, "body": "plain text"}"#,
    )
    .unwrap();
    wl().args(["fixtures", "import"])
        .arg(&not_json)
        .args(["--name", "a.b", "--dir", dir.path().to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not JSON"));
}

/// WL's three published example bodies, verbatim: every field of each is in the bundled
/// fixture with the same value.
#[test]
fn the_bundled_fixtures_keep_wls_published_examples_verbatim() {
    let examples = [
        (
            "client.created",
            r#"{"uid": "2976050", "s_first_name": "Client Name", "s_last_name": "Client Last Name",
                "s_mail": "client@email.com", "s_phone": "+12015557898",
                "gender": {"id": 2, "name": "Female"}, "is_active": "1"}"#,
        ),
        (
            "purchase.refunded",
            r#"{"order_id": "100013412008", "dtl_purchase": "2024-11-22 10:38:41",
                "a_price": {"m_total": "24.00", "text_currency": "usd"}}"#,
        ),
        (
            "appointment.updated",
            r#"{"k_service": "5000001533", "s_service": "Advanced Personal Training", "is_bookable": true,
                "meta_data": {"topic": "appointment.updated", "operation": "updated", "source": "appointment",
                              "date": "2025-01-20T20:10:00Z", "version": 1}}"#,
        ),
    ];
    fn contains(fixture: &Value, example: &Value, path: &str) {
        match example {
            Value::Object(fields) => {
                for (k, v) in fields {
                    contains(&fixture[k], v, &format!("{path}.{k}"));
                }
            }
            leaf => assert_eq!(fixture, leaf, "{path}"),
        }
    }
    for (event, example) in examples {
        let out = wl()
            .args(["fixtures", "show", "--raw", event])
            .output()
            .unwrap();
        assert!(out.status.success());
        let fixture: Value = serde_json::from_slice(&out.stdout).unwrap();
        contains(&fixture, &serde_json::from_str(example).unwrap(), event);
    }
}
