//! Tests of the checks and the diagnosis on requests built here, with every HMAC computed by
//! the hmac and sha2 crates directly rather than by wl-hook's signing code.

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::*;
use crate::capture::parse_input;
use crate::protocol::{remove_header, set_header, Secret};

const KEY: &[u8] = b"whsec_test_key";
const OTHER_KEY: &[u8] = b"another-key-entirely";
const DEV: &[u8] = b"wl-hook-development-key";
const GEN: &str = "2025-01-20T20:10:00.000Z";
const SENT: &str = "2025-01-20T20:10:02.000Z";
const NOW: &str = "2025-01-20T20:11:00Z";
const BODY: &str = r#"{"uid":"2976050","s_first_name":"Zoë","url":"https://x.test/a","gender":{"name":"Female","id":2}}"#;

fn hmac_raw(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(msg);
    mac.finalize().into_bytes().to_vec()
}

fn hmac_hex(key: &[u8], msg: &[u8]) -> String {
    hex::encode(hmac_raw(key, msg))
}

fn sha_hex(msg: &[u8]) -> String {
    hex::encode(Sha256::digest(msg))
}

fn named(label: &str, key: &[u8]) -> NamedKey {
    NamedKey {
        label: label.into(),
        key: Secret::new(key.to_vec()).unwrap(),
    }
}

fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

/// A request as WL would send `body`, with `signature` in x-signature-256.
fn request(body: &[u8], signature: &str) -> Request {
    Request {
        method: "POST".into(),
        path: "/webhooks".into(),
        headers: vec![
            ("content-type".into(), "application/json".into()),
            ("x-topic".into(), "client.created".into()),
            ("x-signature-256".into(), signature.into()),
            ("x-generated-at".into(), GEN.into()),
            ("x-sent-at".into(), SENT.into()),
            ("x-payload-key".into(), sha_hex(body)),
        ],
        header_bytes: Default::default(),
        body: body.to_vec().into(),
        body_form: BodyForm::Exact,
        body_omitted: None,
        received_at: None,
    }
}

fn good() -> Request {
    request(BODY.as_bytes(), &hmac_hex(KEY, BODY.as_bytes()))
}

fn with_header(mut req: Request, name: &str, value: Option<&str>) -> Request {
    match value {
        Some(v) => set_header(&mut req.headers, name, v),
        None => remove_header(&mut req.headers, name),
    }
    req
}

fn run(req: &Request, keys: &[NamedKey]) -> Report {
    run_at(
        req,
        keys,
        CheckOptions {
            show_expected: true,
            ..CheckOptions::at(at(NOW))
        },
    )
}

fn run_at(req: &Request, keys: &[NamedKey], opts: CheckOptions) -> Report {
    let report = check(req, keys, &opts);
    assert_eq!(report.checks.len(), CHECK_NAMES.len());
    for (c, name) in report.checks.iter().zip(CHECK_NAMES) {
        assert_eq!(c.name, name);
        assert!(!c.detail.contains('\n'), "{}: {}", c.name, c.detail);
    }
    let warn_fails = |s: Status| opts.strict && s == Status::Warn;
    assert_eq!(
        report.valid,
        report
            .checks
            .iter()
            .all(|c| c.status != Status::Fail && !warn_fails(c.status))
    );
    // No key value ever reaches a report line.
    let text = format!("{report:?}");
    for secret in [KEY, OTHER_KEY, DEV, b"whsec_test_key\n".as_slice()] {
        let secret = String::from_utf8_lossy(secret).trim().to_string();
        assert!(!text.contains(&secret), "key value in {text}");
    }
    report
}

fn one(report: &Report, name: &str) -> (Status, String) {
    let c = report.check(name).unwrap();
    (c.status, c.detail.clone())
}

fn key1() -> Vec<NamedKey> {
    vec![named("--secret #1", KEY)]
}

// ---- checks ----

#[test]
fn a_well_formed_request_passes_every_check() {
    let report = run(&good(), &key1());
    for c in &report.checks {
        assert_eq!(c.status, Status::Pass, "{c:?}");
    }
    assert!(report.valid);
    assert!(report.diagnosis.is_empty());
    assert_eq!(report.matched_key.as_deref(), Some("--secret #1"));
    assert_eq!(
        report.expected_signature,
        Some(hmac_hex(KEY, BODY.as_bytes()))
    );
    assert_eq!(
        one(&report, "signature").1,
        "HMAC-SHA256 of the body matches with --secret #1"
    );
    assert_eq!(one(&report, "event").1, "client.created (Client Profile)");
    assert_eq!(
        one(&report, "generated-at").1,
        "2025-01-20T20:10:00.000Z (RFC 3339 with fraction)"
    );
    assert_eq!(
        one(&report, "sent-at-order").1,
        "x-sent-at 2025-01-20T20:10:02.000Z (RFC 3339 with fraction) is 2 s after x-generated-at"
    );
    assert_eq!(
        one(&report, "age").1,
        "generated 1 min ago, inside WL's 72-hour retry window"
    );
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["checks"][0]["status"], "pass");
}

#[test]
fn signature_missing_fails() {
    let report = run(&with_header(good(), "x-signature-256", None), &key1());
    assert_eq!(
        one(&report, "signature"),
        (Status::Fail, "no x-signature-256 header".into())
    );
    assert!(!report.valid);
    assert!(report.diagnosis[0].contains("no x-signature-256 header"));
}

#[test]
fn signature_deviations_verify_with_a_warning() {
    let sig = hmac_hex(KEY, BODY.as_bytes());
    let req = with_header(good(), "x-signature-256", Some(&format!("sha256={sig}")));
    let report = run(&req, &key1());
    let (status, detail) = one(&report, "signature");
    assert_eq!(status, Status::Warn);
    assert!(detail.contains("'sha256=' prefix"), "{detail}");
    assert!(report.valid);
    assert!(report.diagnosis.is_empty());
    let req = with_header(good(), "x-signature-256", Some(&sig.to_uppercase()));
    let (status, detail) = one(&run(&req, &key1()), "signature");
    assert_eq!(status, Status::Warn);
    assert!(detail.contains("upper-case hex"), "{detail}");
}

#[test]
fn signature_names_the_key_that_matched() {
    let keys = [
        named("--secret #1", OTHER_KEY),
        named("WL_HOOK_SECRET", KEY),
    ];
    let report = run(&good(), &keys);
    assert_eq!(report.matched_key.as_deref(), Some("WL_HOOK_SECRET"));
    assert_eq!(
        report.expected_signature,
        Some(hmac_hex(OTHER_KEY, BODY.as_bytes()))
    );
    let report = run(&good(), &keys[..1]);
    assert_eq!(
        one(&report, "signature"),
        (
            Status::Fail,
            "does not match the body with --secret #1".into()
        )
    );
    assert_eq!(report.matched_key, None);
}

#[test]
fn no_keys_means_the_development_key() {
    let req = request(BODY.as_bytes(), &hmac_hex(DEV, BODY.as_bytes()));
    let report = run(&req, &[]);
    assert_eq!(
        report.matched_key.as_deref(),
        Some("wl-hook's development key")
    );
}

#[test]
fn malformed_signature_fails_with_its_reason() {
    let req = with_header(good(), "x-signature-256", Some("abc"));
    let (status, detail) = one(&run(&req, &key1()), "signature");
    assert_eq!(status, Status::Fail);
    assert_eq!(detail, "the signature has an odd number of hex digits (3)");
}

#[test]
fn payload_key_check() {
    let report = run(&with_header(good(), "x-payload-key", None), &key1());
    assert_eq!(one(&report, "payload-key").0, Status::Warn);
    assert!(report.valid);
    let upper = sha_hex(BODY.as_bytes()).to_uppercase();
    let report = run(&with_header(good(), "x-payload-key", Some(&upper)), &key1());
    assert_eq!(one(&report, "payload-key").0, Status::Warn);
    let other = sha_hex(b"{}");
    let report = run(&with_header(good(), "x-payload-key", Some(&other)), &key1());
    let (status, detail) = one(&report, "payload-key");
    assert_eq!(
        status,
        Status::Warn,
        "WL documents no payload-key rule: a finding"
    );
    assert_eq!(
        detail,
        format!(
            "is {other}, but the SHA-256 of the body is {} (the rule is modelled: WL documents none)",
            sha_hex(BODY.as_bytes())
        )
    );
    assert!(report.valid);
    let strict = CheckOptions {
        strict: true,
        ..CheckOptions::at(at(NOW))
    };
    let wrong = with_header(good(), "x-payload-key", Some(&other));
    assert!(
        !check(&wrong, &key1(), &strict).valid,
        "--strict fails on a warning"
    );
    assert!(check(&good(), &key1(), &strict).valid);
}

#[test]
fn event_check() {
    let status = |topic: Option<&str>| {
        one(
            &run(&with_header(good(), "x-topic", topic), &key1()),
            "event",
        )
    };
    assert_eq!(status(Some("purchase.refunded")).0, Status::Pass);
    assert_eq!(
        status(Some("membership.created")),
        (
            Status::Warn,
            "unknown event 'membership.created' (not one of WL's 13)".into()
        )
    );
    assert_eq!(status(Some("Client.Created")).0, Status::Warn);
    assert_eq!(
        status(Some("a\x1b[2Jb")).1,
        "unknown event 'a\x1b[2Jb' (not one of WL's 13)",
        "details keep the raw text: the human view escapes it, JSON must not"
    );
    assert_eq!(status(None), (Status::Fail, "no x-topic header".into()));
}

#[test]
fn content_type_check() {
    let status = |ct: Option<&str>| {
        one(
            &run(&with_header(good(), "content-type", ct), &key1()),
            "content-type",
        )
    };
    assert_eq!(status(Some("application/json")).0, Status::Pass);
    assert_eq!(
        status(Some("Application/JSON; charset=utf-8")),
        (Status::Pass, "Application/JSON; charset=utf-8".into())
    );
    assert_eq!(status(Some("application/vnd.wl+json")).0, Status::Warn);
    assert_eq!(
        status(Some("text/plain")),
        (Status::Warn, "text/plain is not application/json".into())
    );
    assert_eq!(status(None).0, Status::Warn);
}

#[test]
fn body_json_check() {
    let status = |body: &[u8]| {
        let req = request(body, &hmac_hex(KEY, body));
        one(&run(&req, &key1()), "body-json")
    };
    assert_eq!(
        status(BODY.as_bytes()),
        (Status::Pass, "a JSON object with 4 top-level fields".into())
    );
    assert_eq!(status(b"[1, 2]").0, Status::Warn);
    assert_eq!(status(b"").0, Status::Fail);
    let (s, detail) = status(b"{\"a\":");
    assert_eq!(s, Status::Fail);
    assert!(detail.starts_with("not JSON: EOF"), "{detail}");
    assert_eq!(status(b"\xff\xfe").0, Status::Fail);
}

#[test]
fn generated_at_check_names_the_form() {
    let detail = |v: Option<&str>| {
        one(
            &run(&with_header(good(), "x-generated-at", v), &key1()),
            "generated-at",
        )
    };
    assert_eq!(
        detail(Some("2025-01-20T20:10:00Z")),
        (
            Status::Pass,
            "2025-01-20T20:10:00Z (RFC 3339 without fraction) = 2025-01-20T20:10:00.000Z".into()
        )
    );
    assert_eq!(
        detail(Some("1737403800")),
        (
            Status::Warn,
            "1737403800 (Unix seconds) = 2025-01-20T20:10:00.000Z, not the modelled format (rfc3339; --timestamp-format says which is)".into()
        )
    );
    assert_eq!(
        detail(Some("1737403800000")).1,
        "1737403800000 (Unix milliseconds) = 2025-01-20T20:10:00.000Z, not the modelled format (rfc3339; --timestamp-format says which is)"
    );
    // Modelled otherwise, that form passes and the default one warns.
    let unix = |v: &str| {
        let opts = CheckOptions {
            fidelity: crate::protocol::Fidelity {
                timestamp: crate::protocol::TimestampFormat::Unix,
                ..Default::default()
            },
            ..CheckOptions::at(at(NOW))
        };
        one(
            &run_at(
                &with_header(good(), "x-generated-at", Some(v)),
                &key1(),
                opts,
            ),
            "generated-at",
        )
        .0
    };
    assert_eq!(unix("1737403800"), Status::Pass);
    assert_eq!(unix("2025-01-20T20:10:00.000Z"), Status::Warn);
    assert_eq!(
        detail(Some("2025-01-20 20:10:00")).1,
        "2025-01-20 20:10:00 (YYYY-MM-DD HH:MM:SS (taken as UTC)) = 2025-01-20T20:10:00.000Z, not the modelled format (rfc3339; --timestamp-format says which is)"
    );
    let (status, text) = detail(Some("yesterday"));
    assert_eq!(status, Status::Fail);
    assert!(
        text.starts_with("x-generated-at 'yesterday' is not a timestamp"),
        "{text}"
    );
    let report = run(&with_header(good(), "x-generated-at", None), &key1());
    assert_eq!(
        one(&report, "generated-at"),
        (Status::Fail, "no x-generated-at header".into())
    );
    for name in ["sent-at-order", "age", "future"] {
        assert_eq!(one(&report, name).0, Status::Skip, "{name}");
    }
}

#[test]
fn sent_at_order_check() {
    let status = |v: Option<&str>| {
        one(
            &run(&with_header(good(), "x-sent-at", v), &key1()),
            "sent-at-order",
        )
    };
    assert_eq!(
        status(Some("2025-01-20T20:09:57.000Z")),
        (
            Status::Fail,
            "x-sent-at 2025-01-20T20:09:57.000Z (RFC 3339 with fraction) is 3 s before x-generated-at".into()
        )
    );
    assert_eq!(status(Some(GEN)).0, Status::Pass);
    assert!(status(Some(GEN)).1.contains("same time"));
    assert_eq!(status(Some("1737403860")).0, Status::Pass);
    assert_eq!(status(Some("soon")).0, Status::Fail);
    assert_eq!(status(None).0, Status::Warn);
}

#[test]
fn age_check() {
    let req = good();
    let opts = |now: &str, max_age: Option<chrono::Duration>| CheckOptions {
        max_age,
        ..CheckOptions::at(at(now))
    };
    let age = |o| one(&run_at(&req, &key1(), o), "age");
    assert_eq!(age(opts(NOW, None)).0, Status::Pass);
    let old = age(opts("2025-01-24T21:10:00Z", None));
    assert_eq!(old.0, Status::Warn);
    assert!(
        old.1
            .starts_with("generated 4 d 1 h ago, older than WL's 72-hour retry window"),
        "{}",
        old.1
    );
    let hour = Some(chrono::Duration::hours(1));
    assert_eq!(
        age(opts("2025-01-20T22:10:00Z", hour)),
        (
            Status::Fail,
            "generated 2 h ago, older than the maximum age of 1 h".into()
        )
    );
    assert_eq!(age(opts("2025-01-20T20:40:00Z", hour)).0, Status::Pass);
    let report = run_at(&req, &key1(), opts("2025-01-24T21:10:00Z", None));
    assert!(report.valid, "age alone never fails without a maximum");
}

#[test]
fn future_check() {
    let future = |now: &str, skew| {
        let o = CheckOptions {
            skew,
            ..CheckOptions::at(at(now))
        };
        one(&run_at(&good(), &key1(), o), "future")
    };
    let five = CheckOptions::DEFAULT_SKEW;
    assert_eq!(
        future("2025-01-20T18:10:00Z", five),
        (
            Status::Fail,
            "generated 2 h in the future, beyond the allowed clock skew of 5 min".into()
        )
    );
    assert_eq!(
        future("2025-01-20T20:09:00Z", five),
        (
            Status::Pass,
            "generated 1 min in the future, within the allowed clock skew of 5 min".into()
        )
    );
    assert_eq!(
        future("2025-01-20T20:09:00Z", chrono::Duration::seconds(30)).0,
        Status::Fail
    );
    assert_eq!(
        future(NOW, five),
        (Status::Pass, "not in the future".into())
    );
}

// ---- diagnosis ----

/// The diagnosis for `body` received with `signature`, checked with `keys`.
fn diagnose_with(body: &[u8], signature: &str, keys: &[NamedKey]) -> Vec<String> {
    let report = run(&request(body, signature), keys);
    assert_eq!(one(&report, "signature").0, Status::Fail, "{report:?}");
    assert!(!report.valid);
    assert!(!report.diagnosis.is_empty());
    report.diagnosis
}

fn diagnosis(body: &[u8], signature: &str) -> String {
    diagnose_with(body, signature, &key1()).join(" | ")
}

#[test]
fn diagnoses_a_pretty_body_signed_compact() {
    let pretty = "{\n  \"uid\": \"2976050\",\n  \"s_first_name\": \"Zoë\",\n  \"url\": \"https://x.test/a\",\n  \"gender\": {\n    \"name\": \"Female\",\n    \"id\": 2\n  }\n}";
    let d = diagnosis(pretty.as_bytes(), &hmac_hex(KEY, BODY.as_bytes()));
    assert!(d.starts_with("the signature matches the body re-serialised as compact JSON (no spaces) with --secret #1 | the body was re-formatted after signing"), "{d}");
}

#[test]
fn diagnoses_a_compact_body_signed_pretty() {
    let pretty = "{\n  \"uid\": \"2976050\",\n  \"s_first_name\": \"Zoë\",\n  \"url\": \"https://x.test/a\",\n  \"gender\": {\n    \"name\": \"Female\",\n    \"id\": 2\n  }\n}";
    let d = diagnosis(BODY.as_bytes(), &hmac_hex(KEY, pretty.as_bytes()));
    assert!(
        d.contains("re-serialised as pretty-printed JSON (2-space indent) with --secret #1"),
        "{d}"
    );
    assert!(d.contains("re-formatted after signing"), "{d}");
    let d = diagnosis(
        BODY.as_bytes(),
        &hmac_hex(KEY, format!("{pretty}\n").as_bytes()),
    );
    assert!(
        d.contains("pretty-printed JSON (2-space indent) plus a trailing newline"),
        "{d}"
    );
}

#[test]
fn diagnoses_sorted_keys() {
    let sorted = r#"{"gender":{"id":2,"name":"Female"},"s_first_name":"Zoë","uid":"2976050","url":"https://x.test/a"}"#;
    let d = diagnosis(BODY.as_bytes(), &hmac_hex(KEY, sorted.as_bytes()));
    assert!(d.contains("compact JSON with keys sorted"), "{d}");
}

#[test]
fn diagnoses_python_and_php_serialisations() {
    let python = r#"{"uid": "2976050", "s_first_name": "Zo\u00eb", "url": "https://x.test/a", "gender": {"name": "Female", "id": 2}}"#;
    let d = diagnosis(BODY.as_bytes(), &hmac_hex(KEY, python.as_bytes()));
    assert!(d.contains("Python's json.dumps default"), "{d}");
    let php = r#"{"uid":"2976050","s_first_name":"Zo\u00eb","url":"https:\/\/x.test\/a","gender":{"name":"Female","id":2}}"#;
    let d = diagnosis(BODY.as_bytes(), &hmac_hex(KEY, php.as_bytes()));
    assert!(d.contains("PHP's json_encode default"), "{d}");
    // And the other way round: the escaped body arrived, the plain one was signed.
    let d = diagnosis(php.as_bytes(), &hmac_hex(KEY, BODY.as_bytes()));
    assert!(d.contains("compact JSON (no spaces)"), "{d}");
}

#[test]
fn diagnoses_a_trailing_newline_added_or_removed() {
    let with_nl = format!("{BODY}\n");
    let d = diagnosis(with_nl.as_bytes(), &hmac_hex(KEY, BODY.as_bytes()));
    assert!(d.contains("the body without its trailing newline"), "{d}");
    assert!(
        d.contains("a trailing newline was added to the body after signing"),
        "{d}"
    );
    let d = diagnosis(BODY.as_bytes(), &hmac_hex(KEY, with_nl.as_bytes()));
    assert!(d.contains("the body with a trailing newline added"), "{d}");
    assert!(d.contains("removed after signing"), "{d}");
    let crlf = format!("{BODY}\r\n");
    let d = diagnosis(crlf.as_bytes(), &hmac_hex(KEY, BODY.as_bytes()));
    assert!(d.contains("without its trailing newline"), "{d}");
}

#[test]
fn diagnoses_stray_whitespace_in_the_key() {
    let keys = [named("--secret-file key.txt", b" whsec_test_key\n\n")];
    let d = diagnose_with(BODY.as_bytes(), &hmac_hex(KEY, BODY.as_bytes()), &keys).join(" | ");
    assert!(
        d.contains("with --secret-file key.txt with its surrounding whitespace removed"),
        "{d}"
    );
    assert!(d.contains("has stray whitespace or a newline"), "{d}");
    let signed_with_newline = hmac_hex(b"whsec_test_key\n", BODY.as_bytes());
    let d = diagnosis(BODY.as_bytes(), &signed_with_newline);
    assert!(d.contains("--secret #1 plus a newline at the end"), "{d}");
    assert!(d.contains("without trimming it"), "{d}");
}

#[test]
fn diagnoses_each_kind_of_whitespace_after_the_signers_key() {
    for (suffix, words) in [
        ("\r\n", "a CR LF"),
        ("\n\n", "two newlines"),
        (" ", "a space"),
        ("\t", "a tab"),
    ] {
        let signer = [KEY, suffix.as_bytes()].concat();
        let d = diagnosis(BODY.as_bytes(), &hmac_hex(&signer, BODY.as_bytes()));
        assert!(
            d.contains(&format!("--secret #1 plus {words}")),
            "{suffix:?}: {d}"
        );
        assert!(
            d.contains(&format!("key ends with {words}")),
            "{suffix:?}: {d}"
        );
        assert!(
            d.contains("trim the key where it is stored"),
            "{suffix:?}: {d}"
        );
    }
}

#[test]
fn diagnoses_a_plain_hash_of_key_and_body() {
    let plain = hex::encode(
        Sha256::new()
            .chain_update(KEY)
            .chain_update(BODY)
            .finalize(),
    );
    let d = diagnosis(BODY.as_bytes(), &plain);
    assert!(
        d.starts_with("the signature matches SHA-256 of --secret #1 followed by the body: a plain hash, not an HMAC"),
        "{d}"
    );
    // The body's own hash (the payload key) is not taken for that.
    let d = diagnosis(BODY.as_bytes(), &hex::encode(Sha256::digest(BODY)));
    assert!(!d.contains("plain hash"), "{d}");
}

#[test]
fn diagnoses_a_base64_signature() {
    let raw = hmac_raw(KEY, BODY.as_bytes());
    for b64 in [
        base64::engine::general_purpose::STANDARD.encode(&raw),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&raw),
    ] {
        let d = diagnosis(BODY.as_bytes(), &b64);
        assert!(d.starts_with("the signature matches the body as received with --secret #1, read as base64 rather than hex | the signature is base64, not hex"), "{d}");
    }
}

#[test]
fn diagnoses_a_prefix() {
    let hex = hmac_hex(KEY, BODY.as_bytes());
    let d = diagnosis(BODY.as_bytes(), &format!("v1={hex}"));
    assert!(d.contains("once the 'v1=' prefix is removed"), "{d}");
    assert!(d.contains("carries a 'v1=' prefix"), "{d}");
    let b64 = base64::engine::general_purpose::STANDARD.encode(hmac_raw(KEY, BODY.as_bytes()));
    let d = diagnosis(BODY.as_bytes(), &format!("v1,{b64}"));
    assert!(
        d.contains("read as base64 rather than hex, once the 'v1,' prefix is removed"),
        "{d}"
    );
    // `sha256=` is tolerated, so only the other cause is named.
    let pretty_sig = hmac_hex(KEY, b"{}\n");
    let d = diagnosis(b"{}", &format!("sha256={pretty_sig}"));
    assert!(!d.contains("prefix"), "{d}");
    assert!(d.contains("trailing newline"), "{d}");
}

#[test]
fn diagnoses_whitespace_around_the_signature() {
    let hex = hmac_hex(KEY, BODY.as_bytes());
    let d = diagnosis(BODY.as_bytes(), &format!(" {hex} "));
    assert!(d.contains("whitespace around it"), "{d}");
}

#[test]
fn diagnoses_a_timestamp_signed_with_the_body() {
    let cases = [
        (format!("{GEN}.{BODY}"), "'{x-generated-at}.{body}'"),
        (format!("{GEN}{BODY}"), "'{x-generated-at}{body}'"),
        (format!("{SENT}.{BODY}"), "'{x-sent-at}.{body}'"),
    ];
    for (signed, template) in cases {
        let d = diagnosis(BODY.as_bytes(), &hmac_hex(KEY, signed.as_bytes()));
        assert!(
            d.contains(&format!("matches {template} (a timestamp and the body)")),
            "{d}"
        );
        assert!(
            d.contains("wl-hook models WL's signature as covering the exact body bytes alone"),
            "{d}"
        );
    }
}

#[test]
fn diagnoses_the_development_key() {
    let d = diagnosis(BODY.as_bytes(), &hmac_hex(DEV, BODY.as_bytes()));
    assert!(
        d.contains("matches the body as received with wl-hook's development key"),
        "{d}"
    );
    assert!(
        d.contains("not with --secret #1: the sender ran wl-hook without --secret"),
        "{d}"
    );
}

#[test]
fn diagnoses_another_given_key_with_another_cause() {
    let keys = [named("--secret #1", KEY), named("--secret #2", OTHER_KEY)];
    let b64 =
        base64::engine::general_purpose::STANDARD.encode(hmac_raw(OTHER_KEY, BODY.as_bytes()));
    let d = diagnose_with(BODY.as_bytes(), &b64, &keys).join(" | ");
    assert!(d.contains("with --secret #2, read as base64"), "{d}");
    let pretty_other = hmac_hex(OTHER_KEY, format!("{BODY}\n").as_bytes());
    let d = diagnose_with(BODY.as_bytes(), &pretty_other, &keys).join(" | ");
    assert!(d.contains("trailing newline added with --secret #2"), "{d}");
}

#[test]
fn diagnoses_nothing_fitting() {
    let d = diagnose_with(
        BODY.as_bytes(),
        &hmac_hex(b"unknown", BODY.as_bytes()),
        &key1(),
    );
    assert_eq!(
        d,
        ["none of the known causes fits: the key is wrong, or the body was changed after signing"]
    );
    let tampered = BODY.replace("2976050", "2976051");
    let d = diagnose_with(
        tampered.as_bytes(),
        &hmac_hex(KEY, BODY.as_bytes()),
        &key1(),
    );
    assert_eq!(d.len(), 1);
    assert!(d[0].starts_with("none of the known causes fits"));
}

#[test]
fn the_payload_key_points_at_the_signed_form() {
    let pretty = "{\n  \"a\": 1\n}";
    let mut req = request(pretty.as_bytes(), &hmac_hex(b"unknown", b"{\"a\":1}"));
    set_header(&mut req.headers, "x-payload-key", &sha_hex(b"{\"a\":1}"));
    let report = run(&req, &key1());
    assert_eq!(
        report.diagnosis,
        [
            "x-payload-key matches the body re-serialised as compact JSON (no spaces): the body was changed after the sender hashed it",
            "none of the known causes fits: the key is wrong, or the body was changed after signing"
        ]
    );
}

#[test]
fn diagnoses_a_signature_of_the_wrong_length() {
    let d = diagnosis(BODY.as_bytes(), &"ab".repeat(20));
    assert!(d.contains("SHA-1"), "{d}");
    let d = diagnosis(BODY.as_bytes(), "0123abcd");
    assert!(d.contains("8 hex digits: truncated?"), "{d}");
    let d = diagnosis(BODY.as_bytes(), "not a signature");
    assert!(
        d.starts_with("the signature is neither 64 hex digits nor base64 of 32 bytes"),
        "{d}"
    );
}

#[test]
fn loose_form_json_value_body_says_which_serialisation_was_checked() {
    let loose = r#"{"headers": {"x-topic": "client.created", "content-type": "application/json",
        "x-signature-256": "SIG", "x-generated-at": "2025-01-20T20:10:00.000Z"},
        "body": {"a": 1, "b": [1, 2]}}"#;
    let compact = br#"{"a":1,"b":[1,2]}"#;
    let pretty = "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    2\n  ]\n}";
    let with_sig = |sig: &str| parse_input("l.json", loose.replace("SIG", sig).as_bytes()).unwrap();

    let req = with_sig(&hmac_hex(KEY, compact));
    assert_eq!(req.body_form, BodyForm::CompactJson);
    let report = run(&req, &key1());
    let (status, detail) = one(&report, "signature");
    assert_eq!(status, Status::Pass);
    assert!(
        detail.ends_with("; the loose form's JSON-value body was checked as compact JSON (keys in the order written, no spaces)"),
        "{detail}"
    );

    let report = run(&with_sig(&hmac_hex(KEY, pretty.as_bytes())), &key1());
    let d = report.diagnosis.join(" | ");
    assert!(d.contains("pretty-printed JSON (2-space indent)"), "{d}");
    assert!(d.contains("the loose form gives the body as a JSON value, so its exact bytes are unknown and wl-hook checked it as compact JSON (keys in the order written, no spaces) first"), "{d}");

    let report = run(&with_sig(&hmac_hex(b"unknown", compact)), &key1());
    assert_eq!(report.diagnosis.len(), 2);
    assert!(
        report.diagnosis[0].contains("exact bytes are unknown"),
        "{report:?}"
    );
    assert!(report.diagnosis[1].starts_with("none of the known causes fits"));
}

#[test]
fn a_large_body_is_tried_only_as_it_is() {
    let big = format!("{{\"pad\":\"{}\"}}", "x".repeat(1 << 20));
    let d = diagnosis(
        big.as_bytes(),
        &hmac_hex(KEY, format!("{big}\n").as_bytes()),
    );
    assert!(d.starts_with("the body is over 1 MiB"), "{d}");
    let b64 = base64::engine::general_purpose::STANDARD.encode(hmac_raw(DEV, big.as_bytes()));
    let d = diagnosis(big.as_bytes(), &b64);
    assert!(
        d.contains("with wl-hook's development key, read as base64"),
        "{d}"
    );
}

#[test]
fn network_text_is_kept_raw_and_cut_in_details() {
    assert_eq!(shown("a\x1b[31mb"), "a\x1b[31mb");
    let long = "x".repeat(200);
    assert_eq!(shown(&long).chars().count(), 81);
    assert!(shown(&long).ends_with('…'));
    let report = run(&with_header(good(), "content-type", Some(&long)), &key1());
    assert!(one(&report, "content-type").1.len() < 120);
}

#[test]
fn each_of_several_signature_headers_is_checked() {
    let good = good();
    let sig = crate::protocol::header_value(&good.headers, "x-signature-256")
        .unwrap()
        .to_string();
    let forged = "0".repeat(64);
    // The forged one first, the real one second.
    let mut req = with_header(good.clone(), "x-signature-256", Some(&forged));
    req.headers.push(("X-Signature-256".into(), sig));
    let report = run(&req, &key1());
    let (status, detail) = one(&report, "signature");
    assert_eq!(status, Status::Warn, "{detail}");
    assert!(
        detail.starts_with("2 x-signature-256 headers; #2 HMAC-SHA256 of the body matches"),
        "{detail}"
    );
    assert!(report.valid);
    assert_eq!(report.matched_key.as_deref(), Some("--secret #1"));

    let mut req = with_header(good, "x-signature-256", Some(&forged));
    req.headers.push(("x-signature-256".into(), "f".repeat(64)));
    let (status, detail) = one(&run(&req, &key1()), "signature");
    assert_eq!(status, Status::Fail);
    assert!(
        detail.starts_with("2 x-signature-256 headers, none matches: #1 does not match"),
        "{detail}"
    );
}

#[test]
fn a_body_the_receiver_did_not_read_is_invalid_with_the_reason() {
    let mut req = good();
    req.body = bytes::Bytes::new();
    req.body_omitted = Some("body is over --max-body (1024 bytes)".into());
    let report = run(&req, &key1());
    assert!(!report.valid);
    assert_eq!(
        one(&report, "body-json"),
        (
            Status::Fail,
            "the receiver did not read the body (body is over --max-body (1024 bytes))".into()
        )
    );
    assert_eq!(one(&report, "signature").0, Status::Skip);
    assert_eq!(one(&report, "payload-key").0, Status::Skip);
    assert!(report.diagnosis.is_empty());
}

/// The signature's spelling follows the modelled encoding and prefix; a spelling the model does
/// not expect verifies with a warning that names the switch, or fails with the diagnosis.
#[test]
fn the_signature_is_read_as_the_fidelity_models_it() {
    use crate::protocol::{Fidelity, PayloadKeyRule, SignatureEncoding};
    let raw = hmac_raw(KEY, BODY.as_bytes());
    let b64 = base64::engine::general_purpose::STANDARD.encode(raw);
    let modelled = Fidelity {
        encoding: SignatureEncoding::Base64,
        prefix: "sha256=".into(),
        payload_key: PayloadKeyRule::None,
        ..Fidelity::default()
    };
    let opts = CheckOptions {
        fidelity: modelled,
        ..CheckOptions::at(at(NOW))
    };
    let sig = |v: &str| {
        let req = with_header(good(), "x-signature-256", Some(v));
        let report = check(&req, &key1(), &opts);
        (one(&report, "signature"), one(&report, "payload-key").0)
    };
    let ((status, _), payload) = sig(&format!("sha256={b64}"));
    assert_eq!((status, payload), (Status::Pass, Status::Skip));
    let ((status, detail), _) = sig(&b64);
    assert_eq!(status, Status::Warn);
    assert!(
        detail.contains("lacks the 'sha256=' prefix (modelled: base64 after 'sha256=')"),
        "{detail}"
    );
    // Hex where base64 is modelled does not verify.
    let ((status, _), _) = sig(&format!("sha256={}", hmac_hex(KEY, BODY.as_bytes())));
    assert_eq!(status, Status::Fail);
    // The default model: hex, and base64 fails with the diagnosis naming it.
    let req = with_header(good(), "x-signature-256", Some(&b64));
    let report = run(&req, &key1());
    assert_eq!(one(&report, "signature").0, Status::Fail);
    assert!(
        report.diagnosis[0].contains("read as base64"),
        "{:?}",
        report.diagnosis
    );
}

/// x-sent-at in whole seconds stands for a whole second: not before a finer x-generated-at in it.
#[test]
fn a_sent_at_in_whole_seconds_is_not_out_of_order_within_its_second() {
    let req = with_header(good(), "x-generated-at", Some("2025-01-20T20:10:00.600Z"));
    let order = |sent: &str| {
        one(
            &run(&with_header(req.clone(), "x-sent-at", Some(sent)), &key1()),
            "sent-at-order",
        )
    };
    assert_eq!(order("1737403800").0, Status::Pass);
    assert_eq!(order("2025-01-20T20:10:00.100Z").0, Status::Fail);
    assert_eq!(order("1737403799").0, Status::Fail);
}

/// Without pass reasons (listen, `verify -q`) every verdict and finding is the same, and only
/// the passing checks' reasons are left out.
#[test]
fn pass_reasons_are_only_left_out() {
    let odd = with_header(good(), "content-type", Some("text/plain"));
    let stale = with_header(odd.clone(), "x-payload-key", Some(&"AB".repeat(32)));
    for req in [good(), odd, stale] {
        let full = run(&req, &[named("k", KEY)]);
        let bare = run_at(
            &req,
            &[named("k", KEY)],
            CheckOptions {
                show_expected: true,
                pass_reasons: false,
                ..CheckOptions::at(at(NOW))
            },
        );
        assert_eq!(full.valid, bare.valid);
        for (f, b) in full.checks.iter().zip(&bare.checks) {
            assert_eq!((f.name, f.status), (b.name, b.status));
            if f.status == Status::Pass {
                assert!(!f.detail.is_empty(), "{}", f.name);
                assert_eq!(b.detail, "", "{}", b.name);
            } else {
                assert_eq!(f.detail, b.detail);
            }
        }
    }
}

/// The judgement hands back the body's SHA-256 and record id from its own passes, so a caller
/// (listen) does not hash or scan the body again.
#[test]
fn digest_and_record_id_come_from_the_judgement() {
    let report = run_at(
        &good(),
        &[named("k", KEY)],
        CheckOptions {
            record_id_fields: &["uid"],
            ..CheckOptions::at(at(NOW))
        },
    );
    let want: [u8; 32] = Sha256::digest(BODY.as_bytes()).into();
    assert_eq!(report.body_sha256, Some(want));
    let top = report.body_top.expect("the body is JSON");
    assert_eq!(top.id.as_deref(), Some("2976050"));
    assert_eq!(top.object_fields, Some(4));
    // Not JSON: no top level; no payload key header: no digest computed.
    let bad = request(b"{nope", &hmac_hex(KEY, b"{nope"));
    let bad = with_header(bad, "x-payload-key", None);
    let report = run(&bad, &[named("k", KEY)]);
    assert_eq!((report.body_sha256, report.body_top), (None, None));
}

/// The judgement reads only [`HEADERS_READ`]: a request cut down to them gets the same report,
/// whatever else it carries, for valid requests, findings and failed signatures (diagnosis).
#[test]
fn only_the_headers_read_matter() {
    let extra = |req: Request| {
        let mut req = req;
        for (n, v) in [
            ("user-agent", "WellnessLiving-Webhooks/1.0"),
            ("X-Signature-256", "sha256=00"),
            ("content-encoding", "gzip"),
            ("x-wl-delivery", "7"),
            ("X-Topic", "client.updated"),
        ] {
            req.headers.push((n.into(), v.into()));
        }
        req
    };
    let wrong = request(BODY.as_bytes(), &hmac_hex(OTHER_KEY, BODY.as_bytes()));
    let stamped = format!("{GEN}.{BODY}");
    let timestamped = request(BODY.as_bytes(), &hmac_hex(KEY, stamped.as_bytes()));
    let cases = [
        good(),
        extra(good()),
        extra(wrong.clone()),
        wrong,
        timestamped,
        with_header(good(), "content-type", Some("text/plain")),
        with_header(good(), "x-sent-at", None),
    ];
    for req in cases {
        let mut cut = req.clone();
        cut.headers
            .retain(|(n, _)| HEADERS_READ.iter().any(|h| n.eq_ignore_ascii_case(h)));
        assert!(cut.headers.len() < req.headers.len() || req.headers.len() <= 6);
        let keys = [named("k", KEY), named("old", OTHER_KEY)];
        assert_eq!(run(&req, &keys), run(&cut, &keys), "{:?}", req.headers);
    }
}
