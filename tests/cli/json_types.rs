//! Every `--json` line of every command is one object with a `"type"`, and every type and field
//! it carries is documented in the README.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::common::{ndjson, wl};
use crate::server::TestServer;

fn lines_of(args: &[&str]) -> Vec<Value> {
    let out = wl().args(args).output().unwrap();
    assert!(
        out.status.code().is_some_and(|c| c <= 2),
        "{args:?}: {out:?}"
    );
    let lines = ndjson(&out.stdout);
    assert!(!lines.is_empty(), "{args:?} printed no JSON");
    lines
}

/// Every key of `v`, nested objects' keys included (arrays of objects too).
fn keys(v: &Value, into: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                into.insert(k.clone());
                // Maps whose keys are data (a status code or error class, a webhook body), not
                // field names.
                if k != "failed_by" && k != "body" {
                    keys(v, into);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| keys(v, into)),
        _ => {}
    }
}

#[test]
fn every_json_line_has_a_documented_type_and_fields() {
    let dir = tempfile::tempdir().unwrap();
    let cap = crate::common::signed_capture(dir.path());
    let cap = cap.to_str().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "not a capture").unwrap();
    let bad = bad.to_str().unwrap();

    let server =
        TestServer::start(|_, n| crate::server::Reply::status(if n == 0 { 500 } else { 200 }));
    let url = server.url();
    let mut all = Vec::new();
    all.extend(lines_of(&[
        "send",
        "--topic",
        "client.created",
        "--json",
        "--url",
        &url,
    ]));
    all.extend(lines_of(&[
        "replay",
        cap,
        "--json",
        "--duplicates",
        "1",
        "--url",
        &url,
    ]));
    all.extend(lines_of(&["replay", "--print-schedule", "--json"]));
    all.extend(lines_of(&["verify", cap, "--json"]));
    all.extend(
        lines_of(&["verify", cap, bad, "--json"])
            .into_iter()
            .skip(1),
    );
    all.extend(lines_of(&["fixtures", "list", "--json"]));
    all.extend(lines_of(&["check", &url, "--json", "--only", "accepts"]));
    all.extend(lines_of(&["demo", "--json"]));
    all.extend(lines_of(&["config", "show", "--json"]));
    // listen's own lines, the inspector's included.
    let l = crate::common::Listener::start(&["--json", "--count", "1", "--ui-port", "0"]);
    let body = br#"{"uid":"1"}"#;
    let headers = crate::common::wl_headers(
        crate::common::DEV_KEY.as_bytes(),
        "client.created",
        body,
        "2026-01-10T10:00:00.000Z",
    );
    crate::common::post(&l.hook_url(), &crate::common::refs(&headers), body);
    all.push(serde_json::json!({"type": "listening", "url": l.url}));
    all.push(serde_json::from_str(l.inspector.as_deref().unwrap()).unwrap());
    let (_, rest) = l.finish();
    all.extend(crate::common::ndjson(rest.as_bytes()));

    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let documented = |word: &str| {
        readme.contains(&format!("`{word}`")) || readme.contains(&format!("\"{word}\""))
    };
    let mut types = BTreeSet::new();
    for line in &all {
        let t = line["type"]
            .as_str()
            .unwrap_or_else(|| panic!("no type: {line}"));
        types.insert(t.to_string());
        assert!(documented(t), "type {t} is not in the README");
        let mut fields = BTreeSet::new();
        keys(line, &mut fields);
        for f in fields {
            assert!(documented(&f), "field {f} of {t} is not in the README");
        }
    }
    for t in [
        "delivery",
        "summary",
        "attempt",
        "duplicate",
        "capture",
        "planned_attempt",
        "verify",
        "unreadable",
        "fixture",
        "scenario",
        "config",
        "setting",
        "listening",
        "inspector",
        "request",
    ] {
        assert!(types.contains(t), "no {t} line seen: {types:?}");
    }
}
