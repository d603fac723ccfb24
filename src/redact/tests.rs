//! Unit tests of redaction: the real fixtures, each kind of value, determinism.

use std::collections::BTreeSet;

use serde_json::Value;

use super::fake::pools::{CITIES, FIRST_NAMES, ROLE_MAILBOXES};
use super::text::digits_of;
use super::*;
use serde_json::json;

const CLIENT: &str = include_str!("../../fixtures/client.created.json");
const PURCHASE: &str = include_str!("../../fixtures/purchase.created.json");

fn redacted(src: &str, seed: u64) -> (Value, Value, Vec<Replacement>) {
    let original: Value = serde_json::from_str(src).unwrap();
    let mut v = original.clone();
    let reps = redact(&mut v, seed);
    (original, v, reps)
}

/// Every key path with its JSON type, in document order.
fn shape(v: &Value) -> Vec<(String, &'static str)> {
    fn go(v: &Value, path: String, out: &mut Vec<(String, &'static str)>) {
        let t = match v {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(n) if n.is_u64() || n.is_i64() => "int",
            Value::Number(_) => "float",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        out.push((path.clone(), t));
        match v {
            Value::Object(m) => m
                .iter()
                .for_each(|(k, x)| go(x, format!("{path}.{k}"), out)),
            Value::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(i, x)| go(x, format!("{path}[{i}]"), out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    go(v, String::new(), &mut out);
    out
}

fn at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap()
}

fn paths(reps: &[Replacement]) -> Vec<String> {
    reps.iter()
        .map(|r| format!("{} {}", r.kind, r.path))
        .collect()
}

fn one(key: &str, value: &str) -> (String, Vec<Replacement>) {
    let mut v = json!({ key: value });
    let reps = redact(&mut v, 1);
    (v[key].as_str().unwrap().to_string(), reps)
}

fn assert_phone_like(orig: &str, fake: &str) {
    assert_ne!(orig, fake);
    assert_eq!(fake.len(), orig.len(), "{fake}");
    assert_eq!(fake.starts_with('+'), orig.starts_with('+'), "{fake}");
    assert_eq!(digits_of(fake).len(), digits_of(orig).len(), "{fake}");
    assert!(digits_of(fake).contains("55501"), "{fake}");
}

// --- the real fixtures

#[test]
fn client_fixture_keeps_structure_and_ids() {
    let (orig, red, _) = redacted(CLIENT, 42);
    assert_eq!(shape(&orig), shape(&red));
    for p in [
        "/uid",
        "/k_city",
        "/k_login_type",
        "/s_member",
        "/dt_add",
        "/text_login_type",
        "/a_photo/url_photo",
        "/gender/name",
        "/is_active",
        "/meta_data/id",
        "/meta_data/business_id",
        "/meta_data/date",
    ] {
        assert_eq!(orig.pointer(p), red.pointer(p), "{p}");
    }
    assert_eq!(orig["gender"], red["gender"]);
    assert_eq!(orig["a_photo"], red["a_photo"]);
}

#[test]
fn client_fixture_loses_every_personal_value() {
    let (_, red, _) = redacted(CLIENT, 42);
    let text = serde_json::to_string(&red).unwrap();
    for gone in [
        "Maya",
        "maya",
        "Okonkwo",
        "okonkwo",
        "Hale",
        "maya.okonkwo-hale@example.com",
        "2015557898",
        "2015550163",
        "2015550119",
        "77 Park Avenue",
        "07030",
        "1991-04-17",
        "Hoboken",
    ] {
        assert!(!text.contains(gone), "{gone} still in {text}");
    }
    assert!(at(&red, "/s_mail").ends_with("@example.com"));
    for p in ["/s_phone", "/s_phone_home", "/s_phone_work"] {
        let orig: Value = serde_json::from_str(CLIENT).unwrap();
        assert_phone_like(at(&orig, p), at(&red, p));
    }
    // Formats kept.
    let birth = at(&red, "/dt_birth");
    assert_eq!(birth.len(), "1991-04-17 00:00:00".len());
    assert!(birth.ends_with(" 00:00:00"));
    let year: u32 = birth[..4].parse().unwrap();
    assert!((1940..=2007).contains(&year), "{birth}");
    let postal = at(&red, "/text_postal");
    assert!(postal.len() == 5 && postal.chars().all(|c| c.is_ascii_digit()));
    assert!(at(&red, "/text_address").contains(", Apt "));
}

#[test]
fn client_fixture_is_consistent_between_fields() {
    let (_, red, _) = redacted(CLIENT, 42);
    let first = at(&red, "/s_first_name").to_lowercase();
    let last = at(&red, "/s_last_name").to_lowercase();
    assert_eq!(at(&red, "/s_mail"), format!("{first}.{last}@example.com"));
    let phones: BTreeSet<&str> = ["/s_phone", "/s_phone_home", "/s_phone_work"]
        .iter()
        .map(|p| at(&red, p))
        .collect();
    assert_eq!(phones.len(), 3, "different numbers keep different fakes");
}

#[test]
fn client_fixture_lists_the_replaced_paths() {
    let (_, _, reps) = redacted(CLIENT, 42);
    assert_eq!(
        paths(&reps),
        [
            "name s_first_name",
            "name s_last_name",
            "email s_mail",
            "phone s_phone",
            "phone s_phone_home",
            "phone s_phone_work",
            "birthdate dt_birth",
            "address text_address",
            "city text_city",
            "postal text_postal",
        ]
    );
}

#[test]
fn purchase_fixture_keeps_structure_ids_and_business() {
    let (orig, red, _) = redacted(PURCHASE, 42);
    assert_eq!(shape(&orig), shape(&red));
    for p in [
        "/text_purchase_id",
        "/dtl_purchase",
        "/a_business/text_title",
        "/a_business/text_address",
        "/a_price",
        "/url_print",
        "/url_print_receipt",
        "/purchase_items/0/k_purchase_item",
        "/purchase_items/0/text_title",
        "/purchase_items/0/text_description",
        "/purchase_items/0/a_logo",
        "/purchase_items/1/k_purchase_item",
        "/purchase_items/1/purchase_item",
        "/meta_data",
    ] {
        assert_eq!(orig.pointer(p), red.pointer(p), "{p}");
    }
    let receipt = at(&red, "/html_receipt");
    assert!(receipt.starts_with("<div class=\"receipt\"><h2>Harbor Light Yoga &amp; Fitness"));
    assert!(receipt.contains("Receipt #100013412008, 2024-11-22 10:38 AM"));
    assert!(receipt.contains("<th>$196.19</th>"));
    assert_eq!(receipt.len(), at(&orig, "/html_receipt").len());
}

#[test]
fn purchase_fixture_loses_every_personal_value() {
    let (orig, red, _) = redacted(PURCHASE, 42);
    let text = serde_json::to_string(&red).unwrap();
    for gone in [
        "Maya",
        "maya",
        "Okonkwo",
        "maya.okonkwo-hale@example.com",
        "frontdesk@example.com",
        "2015557898",
        "2015550142",
        "77 Park Avenue",
        "4417",
        "Priya",
        "Ramanathan",
    ] {
        assert!(!text.contains(gone), "{gone} still in {text}");
    }
    for p in ["/a_business/text_mail", "/a_customer/text_mail"] {
        assert!(at(&red, p).ends_with("@example.com"), "{p}");
    }
    for p in ["/a_business/text_phone", "/a_customer/text_phone"] {
        assert_phone_like(at(&orig, p), at(&red, p));
    }
    let name = at(&red, "/a_customer/text_name");
    let (first, last) = name.split_once(' ').unwrap();
    assert_eq!(
        at(&red, "/a_customer/text_mail"),
        format!(
            "{}.{}@example.com",
            first.to_lowercase(),
            last.to_lowercase()
        )
    );
    assert!(at(&red, "/a_customer/text_address").contains(", NJ "));
}

#[test]
fn purchase_fixture_card_digits_are_consistent() {
    let (_, red, _) = redacted(PURCHASE, 42);
    let tail = |s: &str| {
        let i = s.find("ending in ").unwrap() + "ending in ".len();
        s[i..i + 4].to_string()
    };
    let method = at(&red, "/a_pay_method/0/text_pay_method");
    let fake = tail(method);
    assert!(fake.chars().all(|c| c.is_ascii_digit()));
    assert_eq!(method, format!("Visa ending in {fake}"));
    assert_eq!(tail(at(&red, "/html_receipt")), fake);
}

#[test]
fn purchase_fixture_lists_the_replaced_paths() {
    let (_, _, reps) = redacted(PURCHASE, 42);
    assert_eq!(
        paths(&reps),
        [
            "email a_business.text_mail",
            "phone a_business.text_phone",
            "name a_customer.text_name",
            "address a_customer.text_address",
            "email a_customer.text_mail",
            "phone a_customer.text_phone",
            "card a_pay_method[0].text_pay_method",
            "card html_receipt",
            "note purchase_items[0].text_info",
            "note purchase_items[1].text_info",
        ]
    );
}

#[test]
fn staff_fixture_names_follow_into_text_and_urls() {
    let (orig, red, reps) = redacted(include_str!("../../fixtures/staff.created.json"), 42);
    assert_eq!(shape(&orig), shape(&red));
    let text = serde_json::to_string(&red).unwrap();
    assert!(!text.contains("Priya") && !text.contains("Ramanathan") && !text.contains("priya"));
    let (first, last) = (at(&red, "/s_name"), at(&red, "/s_family"));
    assert_eq!(at(&red, "/text_full_name"), format!("{first} {last}"));
    assert!(at(&red, "/html_biography").starts_with(&format!("<p>{first} has taught vinyasa")));
    assert_eq!(
        at(&red, "/a_photo/url_photo"),
        format!(
            "https://harborlight.example.com/img/staff/{}-{}-400.jpg",
            first.to_lowercase(),
            last.to_lowercase()
        )
    );
    assert_eq!(red["s_position"], orig["s_position"]);
    assert_eq!(red["k_staff"], orig["k_staff"]);
    assert_eq!(
        paths(&reps),
        [
            "name s_name",
            "name s_family",
            "name text_full_name",
            "name html_biography",
            "name a_photo.url_photo",
        ]
    );
}

#[test]
fn same_seed_same_output_other_seed_other_fakes() {
    for src in [CLIENT, PURCHASE] {
        let (_, a, ra) = redacted(src, 7);
        let (_, b, rb) = redacted(src, 7);
        let (_, c, rc) = redacted(src, 8);
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&b).unwrap()
        );
        assert_eq!(ra, rb);
        assert_eq!(ra, rc, "the same locations whatever the seed");
        assert_ne!(a, c);
    }
    let (_, a, _) = redacted(CLIENT, 1);
    let (_, b, _) = redacted(CLIENT, 2);
    assert_ne!(a["s_phone"], b["s_phone"]);
}

#[test]
fn names_map_consistently_across_fields_and_free_text() {
    let mut v = json!({
        "s_first_name": "Maya",
        "s_last_name": "Okonkwo-Hale",
        "s_mail": "Maya.Okonkwo-Hale@gmail.com",
        "a_customer": {"text_name": "Maya Okonkwo-Hale", "text_mail": "maya.okonkwo-hale@gmail.com"},
        "text_customer_name": "OKONKWO-HALE, MAYA",
        "html_message_body": "<p>Hi Maya, welcome!</p>",
        "text_description": "Booked by Maya Okonkwo-Hale (maya.okonkwo-hale@gmail.com).",
        "url_profile": "https://example.com/u/maya-okonkwo-hale",
    });
    let reps = redact(&mut v, 3);
    let first = v["s_first_name"].as_str().unwrap().to_string();
    let last = v["s_last_name"].as_str().unwrap().to_string();
    let full = format!("{first} {last}");
    let mail = format!(
        "{}.{}@example.com",
        first.to_lowercase(),
        last.to_lowercase()
    );
    assert_eq!(v["a_customer"]["text_name"], json!(full));
    assert_eq!(v["s_mail"], json!(mail));
    assert_eq!(v["a_customer"]["text_mail"], json!(mail));
    assert_eq!(
        v["text_customer_name"],
        json!(format!("{}, {}", last.to_uppercase(), first.to_uppercase()))
    );
    assert_eq!(
        v["text_description"],
        json!(format!("Booked by {full} ({mail})."))
    );
    assert_eq!(
        v["url_profile"],
        json!(format!(
            "https://example.com/u/{}-{}",
            first.to_lowercase(),
            last.to_lowercase()
        ))
    );
    // A message is free text: replaced whole, markup kept.
    let msg = v["html_message_body"].as_str().unwrap();
    assert!(msg.starts_with("<p>") && msg.ends_with("</p>") && !msg.contains("Maya"));
    assert_eq!(reps.len(), 9);
    assert_eq!(reps[7].path, "text_description");
    assert_eq!(reps[7].kind, Kind::Name);
}

// --- each kind

#[test]
fn kind_name() {
    let (f, r) = one("s_first_name", "Maya");
    assert!(FIRST_NAMES.contains(&f.as_str()), "{f}");
    assert_eq!(paths(&r), ["name s_first_name"]);
    let (f, _) = one("s_last_name", "okonkwo");
    assert!(f.chars().all(|c| c.is_lowercase()), "case kept: {f}");
    let (f, _) = one("text_full_name", "Maya  Rose Okonkwo");
    let words: Vec<&str> = f.split("  ").collect();
    assert_eq!(words.len(), 2, "spacing kept: {f}");
    assert_eq!(f.split_whitespace().count(), 3);
    // Bare "name" only in a person object.
    let mut v = json!({
        "gender": {"id": 2, "name": "Female"},
        "i_price": {"value": 1, "name": "Fixed"},
        "text_title": "Vinyasa Flow 60",
        "staff": [{"k_staff": "5120044", "text_name": "Priya Ramanathan"}],
        "a_member_group": [{"name": "VIP"}],
        "a_business": {"text_name": "Harbor Light"},
    });
    let orig = v.clone();
    let reps = redact(&mut v, 1);
    assert_eq!(paths(&reps), ["name staff[0].text_name"]);
    assert_eq!(v["gender"], orig["gender"]);
    assert_eq!(v["a_business"], orig["a_business"]);
    assert_ne!(v["staff"][0]["text_name"], orig["staff"][0]["text_name"]);
    assert_eq!(v["staff"][0]["k_staff"], orig["staff"][0]["k_staff"]);
}

#[test]
fn kind_email_by_name_and_by_shape() {
    let (f, r) = one("s_mail", "someone@gmail.com");
    assert!(f.ends_with("@example.com") && f.contains('.'), "{f}");
    assert_eq!(r[0].kind, Kind::Email);
    // Safety net: any key, also an id-like one and inside text.
    let (f, _) = one("x_whatever", "  Someone.Else@Mail.Example.org ");
    assert!(f.starts_with("  ") && f.ends_with("@example.com "), "{f:?}");
    let (f, r) = one("login", "a.b@c.io");
    assert!(f.ends_with("@example.com"));
    assert_eq!(r[0].kind, Kind::Email);
    let (f, _) = one(
        "text_description",
        "Write to 'jane_doe+yoga@studio.co.uk' today.",
    );
    assert!(
        f.starts_with("Write to '") && f.ends_with("@example.com' today."),
        "{f}"
    );
    // Not e-mail addresses.
    for keep in ["@handle", "a@b", "user@localhost", "x @ y.com"] {
        assert_eq!(one("text_description", keep).0, keep);
    }
    // Business addresses get a role mailbox.
    let mut v = json!({"a_business": {"text_mail": "owner.name@gmail.com"}});
    redact(&mut v, 1);
    let m = v["a_business"]["text_mail"].as_str().unwrap();
    let local = m.strip_suffix("@example.com").unwrap();
    assert!(ROLE_MAILBOXES.iter().any(|r| local.starts_with(r)), "{m}");
}

#[test]
fn kind_phone() {
    for orig in [
        "+12015557898",
        "+1 (201) 555-7898",
        "(201) 555-7898",
        "+447700900123",
        "5557898",
    ] {
        let (f, r) = one("s_phone_work", orig);
        assert_phone_like(orig, &f);
        assert_eq!(r[0].kind, Kind::Phone);
        let same = |a: char, b: char| a.is_ascii_digit() == b.is_ascii_digit();
        assert!(orig
            .chars()
            .zip(f.chars())
            .all(|(a, b)| same(a, b) && (a.is_ascii_digit() || a == b)));
    }
    assert_eq!(
        one("s_phone", "+447700900123").0[..3],
        *"+44",
        "country code kept"
    );
    assert!(one("text_phone", "").1.is_empty(), "empty stays empty");
    // Shape net in a free field; formatted copies in text follow the same fake.
    let mut v = json!({"mobileNumber": "+12015557898", "contact": "+12015557898",
                       "text_description": "Call (201) 555-7898 or 201.555.7898"});
    let reps = redact(&mut v, 1);
    assert_eq!(reps.len(), 3);
    let fake = digits_of(v["mobileNumber"].as_str().unwrap());
    assert_eq!(v["contact"], v["mobileNumber"]);
    let d = &fake[1..];
    assert_eq!(
        v["text_description"],
        json!(format!(
            "Call ({}) {}-{} or {}.{}.{}",
            &d[..3],
            &d[3..6],
            &d[6..],
            &d[..3],
            &d[3..6],
            &d[6..]
        ))
    );
    // An integer phone stays an integer with as many digits.
    let mut v = json!({"phone": 12015557898u64});
    redact(&mut v, 1);
    assert_eq!(v["phone"].as_u64().unwrap().to_string().len(), 11);
    assert_ne!(v["phone"], json!(12015557898u64));
}

#[test]
fn kind_address_and_city() {
    let (f, r) = one(
        "s_address",
        "77 Park Avenue, Apt 4B, Hoboken, NJ 07030, USA",
    );
    let parts: Vec<&str> = f.split(", ").collect();
    assert_eq!(parts.len(), 5, "{f}");
    assert!(
        parts[0].split(' ').next().unwrap().parse::<u32>().is_ok(),
        "{f}"
    );
    assert!(parts[1].starts_with("Apt ") && parts[1].len() == 6, "{f}");
    assert!(CITIES.contains(&parts[2]), "{f}");
    assert!(
        parts[3].starts_with("NJ ") && parts[3].len() == 8 && parts[3] != "NJ 07030",
        "{f}"
    );
    assert_eq!(parts[4], "USA");
    assert_eq!(r[0].kind, Kind::Address);
    let (f, r) = one("text_city", "Hoboken");
    assert!(CITIES.contains(&f.as_str()));
    assert_eq!(r[0].kind, Kind::City);
    assert!(one("s_ip_address", "10.0.0.1").1.is_empty());
    assert!(one("k_city", "2618").1.is_empty());
    // The street line in other text follows the address.
    let mut v =
        json!({"text_address": "77 Park Avenue", "text_description": "Deliver to 77 Park Avenue."});
    redact(&mut v, 1);
    let street = v["text_address"].as_str().unwrap();
    assert_eq!(
        v["text_description"],
        json!(format!("Deliver to {street}."))
    );
}

#[test]
fn business_and_location_addresses_are_kept() {
    let src = json!({
        "k_location": "4182", "k_business": "3001", "s_title": "Harbor Light - Hoboken",
        "s_phone": "+12015550142", "text_mail": "hoboken@example.com",
        "s_address": "412 Washington Street", "text_city": "Hoboken", "text_postal": "07030",
    });
    let mut v = src.clone();
    let reps = redact(&mut v, 1);
    assert_eq!(paths(&reps), ["phone s_phone", "email text_mail"]);
    for k in [
        "k_location",
        "s_title",
        "s_address",
        "text_city",
        "text_postal",
    ] {
        assert_eq!(v[k], src[k], "{k}");
    }
}

#[test]
fn kind_postal_code() {
    let (f, r) = one("text_postal", "07030");
    assert!(f.len() == 5 && f.chars().all(|c| c.is_ascii_digit()) && f != "07030");
    assert_eq!(r[0].kind, Kind::PostalCode);
    let (f, _) = one("zip", "K1A 0B1");
    let pattern = |s: &str| {
        s.chars()
            .map(|c| {
                if c.is_ascii_digit() {
                    '9'
                } else if c.is_ascii_alphabetic() {
                    'A'
                } else {
                    c
                }
            })
            .collect::<String>()
    };
    assert_eq!(pattern(&f), "A9A 9A9", "{f}");
    assert_ne!(f, "K1A 0B1");
    let (f, _) = one("postalCode", "07030-1234");
    assert_eq!(pattern(&f), "99999-9999");
}

#[test]
fn kind_birth_date() {
    let (f, r) = one("dt_birth", "1991-04-17");
    assert_eq!(f.len(), 10);
    assert_eq!(r[0].kind, Kind::BirthDate);
    let (f, _) = one("dl_birth", "1991-04-17 00:00:00");
    assert!(f.ends_with(" 00:00:00") && !f.starts_with("1991-04-17"));
    let (f, _) = one("date_of_birth", "04/17/1991");
    let b = f.as_bytes();
    assert!(f.len() == 10 && b[2] == b'/' && b[5] == b'/', "{f}");
    let year: u32 = f[6..].parse().unwrap();
    assert!((1960..=2002).contains(&year));
    assert!(
        one("dt_birth", "0000-00-00").1.is_empty(),
        "an empty WL date stays"
    );
    assert!(
        one("dt_add", "1991-04-17 00:00:00").1.is_empty(),
        "other dates stay"
    );
}

#[test]
fn kind_free_text() {
    let orig = "Knee injury in 2023; prefers no inversions. Call Maya's mum if late.";
    let (f, r) = one("text_note", orig);
    assert_eq!(r[0].kind, Kind::FreeText);
    assert!(f.len() <= orig.len() && f.len() + 20 >= orig.len(), "{f}");
    assert!(f.starts_with("Note redacted by wl-hook."));
    let (f, _) = one("html_note", "<div><p>Allergic to latex</p></div>");
    assert!(
        f.starts_with("<div><p>") && f.ends_with("</p></div>"),
        "{f}"
    );
    assert!(!f.contains("latex"));
    assert_eq!(one("s_comment", "ok").0, "Redacted.");
    assert!(one("text_note", "").1.is_empty());
    assert!(one("html_note", "<br/>").1.is_empty());
}

#[test]
fn kind_card_digits() {
    let (f, r) = one("text_pay_method", "Mastercard **** 4417 (exp 04/27)");
    assert!(
        f.starts_with("Mastercard **** ") && f.ends_with(" (exp 04/27)") && !f.contains("4417"),
        "{f}"
    );
    assert_eq!(r[0].kind, Kind::CardDigits);
    let (f, _) = one("text_pay_method", "Visa 4417");
    assert!(f.starts_with("Visa ") && f.len() == 9 && !f.contains("4417"));
    let (f, _) = one("text_description", "Card 4111 1111 1111 4417 declined");
    assert!(f.starts_with("Card 4") && f.ends_with(" declined"), "{f}");
    assert_eq!(f.len(), "Card 4111 1111 1111 4417 declined".len());
    assert!(!f.contains("4417") && !f.contains("4111 1111 1111"));
    let (f, _) = one("text_description", "ref 4111111111114417.");
    assert_eq!(digits_of(&f).len(), 16);
    assert!(!f.contains("4417"));
    let (f, _) = one("s_card_last4", "4417");
    assert!(f.len() == 4 && f != "4417");
    // Full number and its tail map together; the tail alone elsewhere too.
    let mut v = json!({"a": "xxxx-xxxx-xxxx-4417", "b": "4000123412344417", "c": "Card: 4417", "d": "$4417.00 on 2024-04-17"});
    redact(&mut v, 9);
    let tail = v["a"].as_str().unwrap()[15..].to_string();
    assert!(v["b"].as_str().unwrap().ends_with(&tail));
    assert!(v["b"].as_str().unwrap().starts_with('4'));
    assert_eq!(v["c"], json!(format!("Card: {tail}")));
    assert_eq!(
        v["d"],
        json!("$4417.00 on 2024-04-17"),
        "amounts and dates stay"
    );
}

#[test]
fn ids_and_non_card_numbers_are_kept() {
    let src = json!({
        "order_id": "100013412008", "text_purchase_id": "100013412008", "uid": "someone@example.com",
        "k_purchase_item": 88412,
        "html_receipt": "<p>Receipt #100013412008, 2024-11-22 10:38 AM, call +1 201 555 0142 x 12</p>",
        "a_staff_key": ["5120044"], "url_print": "https://x.example.com/?id=100013412008",
        "f_latitude": "40.739820", "m_total": "196.19", "is_active": "1", "dt_add": "2024-11-22 15:21:09",
    });
    let mut v = src.clone();
    let reps = redact(&mut v, 1);
    // Only the e-mail net fires, even on an id.
    assert_eq!(paths(&reps), ["email uid"]);
    for (k, x) in src.as_object().unwrap() {
        if k != "uid" {
            assert_eq!(&v[k], x, "{k}");
        }
    }
}

#[test]
fn non_personal_payload_is_untouched() {
    let src: Value =
        serde_json::from_str(include_str!("../../fixtures/appointment.updated.json")).unwrap();
    let mut v = src.clone();
    assert!(redact(&mut v, 1).is_empty());
    assert_eq!(v, src);
    let mut scalar = json!("someone@gmail.com");
    assert_eq!(paths(&redact(&mut scalar, 1)), ["email "]);
    let mut arr = json!([{"s_mail": "a@b.co"}, ["c@d.co"]]);
    assert_eq!(
        paths(&redact(&mut arr, 1)),
        ["email [0].s_mail", "email [1][0]"]
    );
}

#[test]
fn kind_display_words() {
    let words: Vec<String> = [
        Kind::Name,
        Kind::Email,
        Kind::Phone,
        Kind::Address,
        Kind::City,
        Kind::PostalCode,
        Kind::BirthDate,
        Kind::FreeText,
        Kind::CardDigits,
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    assert_eq!(
        words,
        [
            "name",
            "email",
            "phone",
            "address",
            "city",
            "postal",
            "birthdate",
            "note",
            "card"
        ]
    );
}

#[test]
fn many_distinct_names_get_distinct_fakes() {
    let people: Vec<Value> = (0..120)
        .map(|i| json!({"s_first_name": format!("First{i}"), "s_last_name": format!("Last{i}")}))
        .collect();
    let mut v = Value::Array(people);
    redact(&mut v, 5);
    let firsts: BTreeSet<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["s_first_name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(firsts.len(), 120);
}
