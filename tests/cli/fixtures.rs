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
    std::fs::write(target.join("client.created.json"), "{\"uid\":\"edited\"}").unwrap();
    wl().args(["fixtures", "export"])
        .arg(&target)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
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
        .success();
    assert_ne!(
        std::fs::read_to_string(target.join("client.created.json")).unwrap(),
        "{\"uid\":\"edited\"}"
    );
}
