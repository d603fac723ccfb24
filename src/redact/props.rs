//! Property tests: redaction of arbitrary JSON never panics, keeps the document's structure,
//! changes only what it reports, and gives the same output for the same seed.

use proptest::prelude::*;
use serde_json::{Map, Number, Value};

use super::redact;
use super::tests::{assert_only_reported_changes, shape};

/// Keys WL uses (so that every rule fires), odd keys, and arbitrary text.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "s_first_name",
            "s_last_name",
            "text_name",
            "name",
            "text_full_name",
            "s_mail",
            "email",
            "s_phone",
            "mobileNumber",
            "text_address",
            "text_city",
            "text_postal",
            "zip",
            "dt_birth",
            "text_note",
            "html_receipt",
            "s_card_last4",
            "text_pay_method",
            "k_id",
            "uid",
            "order_id",
            "url_photo",
            "m_total",
            "a_customer",
            "staff",
            "a_business",
            "k_business",
            "text_title",
            "k_staff",
            "a_member_group",
            "",
            "_",
            "__",
            "-",
            "k_",
            "K_Staff",
            "ÉMAIL",
            "名前_name",
            "😀_phone",
            "a.b",
            "s name",
        ])
        .prop_map(str::to_string),
        any::<String>(),
    ]
}

/// Personal-looking pieces, glued with arbitrary text, so that the finders see near misses.
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        prop::sample::select(vec![
            "Maya",
            "Okonkwo-Hale",
            "maya.okonkwo@gmail.com",
            "a@b",
            "@",
            "+12015557898",
            "(201) 555-7898",
            "4111 1111 1111 4417",
            "ending in 4417",
            "**** 4417",
            "xxxx-",
            "Visa 4417",
            "77 Park Avenue, Apt 4B, Hoboken, NJ 07030, USA",
            "1991-04-17",
            "<p>",
            "</p>",
            "&amp;",
            ",",
            " ",
            "•",
            "ß",
            "İ",
            "\u{202e}",
            "\u{0}",
            "0000-00-00",
        ])
        .prop_map(str::to_string),
        any::<String>(),
        "[0-9 +()-]{0,24}",
    ];
    prop::collection::vec(piece, 0..6).prop_map(|v| v.concat())
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
        text().prop_map(Value::String),
    ]
}

fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(8, 96, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// `leaf` under `depth` levels of objects and arrays (serde_json reads at most 128).
fn nested(depth: usize, leaf: Value, key: &str) -> Value {
    (0..depth).fold(leaf, |v, i| {
        if i % 2 == 0 {
            Value::Object(Map::from_iter([(key.to_string(), v)]))
        } else {
            Value::Array(vec![v.clone(), v])
        }
    })
}

proptest! {
    #[test]
    fn arbitrary_json_redacts_to_the_same_structure(doc in json(), seed in any::<u64>()) {
        let mut v = doc.clone();
        let reps = redact(&mut v, seed);
        assert_only_reported_changes(&doc, &v, &reps);
        // Valid JSON that reads back with the same structure (floats may differ in their
        // last digit: serde_json's default float parsing does not round-trip exactly).
        let text = serde_json::to_string(&v).unwrap();
        let back: Value = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(shape(&back), shape(&v));
    }

    #[test]
    fn same_seed_same_output(doc in json(), seed in any::<u64>()) {
        let (mut a, mut b) = (doc.clone(), doc);
        let (ra, rb) = (redact(&mut a, seed), redact(&mut b, seed));
        prop_assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
        prop_assert_eq!(ra, rb);
    }

    #[test]
    fn deep_nesting_is_fine(depth in 0usize..12, key in key(), s in text(), seed in any::<u64>()) {
        let doc = nested(depth, Value::String(s), &key);
        let mut v = doc.clone();
        let reps = redact(&mut v, seed);
        assert_only_reported_changes(&doc, &v, &reps);
    }
}

proptest! {
    /// Values known from named fields, met again in free text right next to arbitrary (often
    /// multi-byte) characters: the scrubber's boundary checks must not slice inside one.
    #[test]
    fn known_values_next_to_arbitrary_text(
        first in "[A-Z][a-z]{1,8}",
        last in "[A-Z][a-z]{1,8}(-[A-Z][a-z]{1,8})?",
        phone in "\\+1[0-9]{10}",
        glue in prop::collection::vec(any::<String>(), 5),
        seed in any::<u64>(),
    ) {
        let text = format!(
            "{}{first}{}{last}{}{phone}{}{}{}",
            glue[0], glue[1], glue[2], glue[3], "4111 1111 1111 4417", glue[4]
        );
        let doc = serde_json::json!({
            "s_first_name": first, "s_last_name": last, "s_phone": phone,
            "text_full_name": format!("{first} {last}"), "text_description": text,
            "url_photo": format!("https://x.example/{}{}", glue[0], first.to_lowercase()),
        });
        let mut v = doc.clone();
        let reps = redact(&mut v, seed);
        assert_only_reported_changes(&doc, &v, &reps);
    }
}

#[test]
fn the_deepest_document_serde_json_reads_is_fine() {
    let mut doc = Value::String("maya@example.org".to_string());
    for i in 0..127 {
        doc = if i % 2 == 0 {
            Value::Object(Map::from_iter([("a_customer".to_string(), doc)]))
        } else {
            Value::Array(vec![doc])
        };
    }
    let text = serde_json::to_string(&doc).unwrap();
    let mut v: Value = serde_json::from_str(&text).unwrap();
    let reps = redact(&mut v, 1);
    assert_eq!(reps.len(), 1);
    assert!(serde_json::to_string(&v).unwrap().contains("@example.com"));
}
