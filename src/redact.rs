//! Replace personal data in a WellnessLiving webhook body with realistic fake values, so that a
//! captured delivery can become a fixture (`wl-hook fixtures import`).
//!
//! [`redact`] walks a JSON value, changes string values in place and returns one
//! [`Replacement`] per changed location, in document order. The structure never changes: same
//! keys in the same order, same JSON types (a string stays a string, a number stays a number),
//! and only string values (plus integer phone, postal and card fields) are ever touched.
//!
//! # What is personal
//!
//! Fields are recognised by their **name**, following WL's SDK naming (`s_`, `text_`, `html_`,
//! `dt_`, `k_` ... prefixes; camelCase keys are read as snake_case):
//!
//! | kind | field names (examples) |
//! |---|---|
//! | [`Kind::Name`] | `s_first_name`, `s_last_name`, `s_family`, `text_full_name`, `first_name`, `surname`, `customer_name`...; a bare `name` / `s_name` / `text_name` only inside a *person* object (see below) |
//! | [`Kind::Email`] | any key with a `mail` / `email` word: `s_mail`, `text_mail`, `s_reply_mail`, `email` |
//! | [`Kind::Phone`] | `phone*`, `mobile`, `cell`, `tel`, `fax`, `sms`: `s_phone`, `s_phone_home`, `s_phone_work`, `text_phone` |
//! | [`Kind::Address`] | `address`, `addr`, `street`: `text_address`, `s_address` (not `ip_address`) |
//! | [`Kind::City`] | `city`, `town`: `text_city` (`k_city` is an id and is kept) |
//! | [`Kind::PostalCode`] | `postal`, `zip`, `postcode`: `text_postal` |
//! | [`Kind::BirthDate`] | `birth`, `dob`, `bday`: `dt_birth` |
//! | [`Kind::FreeText`] | notes and other typed-in text: `text_note`, `s_note`, `html_note`, `text_comment`, `notes`, `memo`, `message`, `answer`, `medical`, `allergy`, `injury`, `emergency`, and `text_info` (WL fills a purchase item's `text_info` with booking details such as the session time and the staff member's name, or a gift card's recipient) |
//! | [`Kind::CardDigits`] | card fields (`card_number`, `last4`...) and, in every free string, card digits: `ending in 4417`, `**** 4417`, `Visa 4417`, and 12-19 digit card-like numbers (grouped or not) that are not an id of the same document |
//!
//! A *person* object is one reached through a key naming a person (`a_customer`, `client`,
//! `staff`, `member`, `user`, `recipient`, `instructor`...) or one carrying person-name fields
//! or `k_staff` (the client and staff payloads themselves). So `a_customer.text_name` and
//! `staff[0].text_name` are names; `gender.name`, `i_price.name`, a class's or product's
//! `text_title` are not.
//!
//! Safety nets by **value shape**: any string whose whole value is an e-mail address is replaced
//! wherever it is (even under an id-like key); e-mail addresses inside free strings are
//! replaced; a whole value shaped like an international phone number (`+` and 8-15 digits) is
//! replaced in any free string field.
//!
//! # What is kept
//!
//! - ids: `k_*`, `id_*`, `id`, `uid`, `*_id` (`order_id`, `text_purchase_id`, `business_id`),
//!   `*_key`, keep their exact values; their values are also never mistaken for card numbers.
//! - money (`m_*`), numbers (`f_*`, `i_*`), flags (`is_*`, `has_*`), dates and times (`dt_*`,
//!   `dtl_*`, `dl_*`, `*date*`, `*time*`) other than birth dates.
//! - URLs (`url_*`, `*link*`, image fields), except that a person's name written as a slug
//!   (`priya-ramanathan`) inside them is replaced by the fake name's slug.
//! - business-facing data: inside a *business* object (`a_business`, a key naming a business
//!   or location, or a payload with `k_business` / `k_location` and a title: the business and
//!   location payloads), the name, street address, city and postal code are kept. Contact
//!   points are still replaced everywhere: a business's e-mail gets a role address
//!   (`frontdesk@example.com`) and its phone a 555 number, because small studios often give a
//!   person's own mailbox or mobile.
//! - region, state and country, gender, titles, descriptions and other text; these are only
//!   scrubbed (below).
//!
//! # Scrubbing free strings
//!
//! Every other string (`html_receipt`, `text_description`, `html_biography`, a business title
//! ...) keeps its text and markup, but personal values found elsewhere in the document are
//! replaced inside it by the same fakes: full names, first and last names (whole words,
//! case-sensitive, also upper-case and HTML-escaped), phone numbers (also in common US
//! formats), street addresses, e-mail addresses and card digits.
//!
//! # Fake values
//!
//! Fakes keep the original's format: e-mails `first.last@example.com` (built from the fake name
//! when the address spells the person's name), phones keep the `+`, punctuation, country code
//! and digit count and use fictional `555-01xx` numbers, postal codes keep their letter/digit
//! pattern, birth dates keep their format with an adult date, addresses keep their
//! comma-separated parts (`123 Example Street, Apt 7K, Springfield, NJ 28411`), free text
//! becomes a neutral sentence of similar length (leading and trailing markup kept), card digits
//! keep their length (a full number keeps its first digit and ends with the fake last four).
//!
//! The same original value always gets the same fake within one document (a first name in
//! `s_first_name` and inside `text_full_name`, an e-mail in two places, `4417` in two strings);
//! two different originals get different fakes. The output depends only on the input and the
//! seed: same seed, same output (for a given build of `rand`); another seed, other fakes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;

/// What kind of personal value a [`Replacement`] replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A first, last or full person name.
    Name,
    /// An e-mail address.
    Email,
    /// A phone number.
    Phone,
    /// A street address.
    Address,
    /// A person's city.
    City,
    /// A postal or ZIP code.
    PostalCode,
    /// A birth date.
    BirthDate,
    /// A typed-in note or comment.
    FreeText,
    /// Payment card digits.
    CardDigits,
}

impl Kind {
    /// The short word used in listings.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Name => "name",
            Kind::Email => "email",
            Kind::Phone => "phone",
            Kind::Address => "address",
            Kind::City => "city",
            Kind::PostalCode => "postal",
            Kind::BirthDate => "birthdate",
            Kind::FreeText => "note",
            Kind::CardDigits => "card",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One changed location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replacement {
    /// Where: keys joined by `.`, array indexes in brackets, e.g. `a_customer.text_mail` or
    /// `purchase_items[0].text_info`.
    pub path: String,
    /// What was replaced there; for a free string with several replaced parts, the kind of the
    /// first one.
    pub kind: Kind,
}

/// Replace the personal data in `value` with fake values drawn from `seed`; return the changed
/// locations in document order. See the module documentation for the rules.
pub fn redact(value: &mut Value, seed: u64) -> Vec<Replacement> {
    let mut r = Redactor::new(seed);
    // Ids and names first: ids are never card numbers, and e-mail addresses spelling a name
    // reuse the fake name.
    walk(value, &mut |site, v| r.register_first(site, v));
    walk(value, &mut |site, v| r.register_other(site, v));
    r.build_dictionary();
    let mut out = Vec::new();
    walk(value, &mut |site, v| {
        if let Some(kind) = r.apply(site, v) {
            out.push(Replacement {
                path: site.path.to_string(),
                kind,
            });
        }
    });
    out
}

// ---------------------------------------------------------------------------------------------
// Built-in lists

const FIRST_NAMES: &[&str] = &[
    "Alex",
    "Jordan",
    "Taylor",
    "Morgan",
    "Casey",
    "Riley",
    "Jamie",
    "Avery",
    "Quinn",
    "Parker",
    "Emma",
    "Olivia",
    "Sophia",
    "Isabella",
    "Charlotte",
    "Amelia",
    "Harper",
    "Evelyn",
    "Abigail",
    "Emily",
    "Liam",
    "Noah",
    "Oliver",
    "Elijah",
    "James",
    "William",
    "Benjamin",
    "Lucas",
    "Henry",
    "Daniel",
    "Grace",
    "Chloe",
    "Nora",
    "Hannah",
    "Claire",
    "Samuel",
    "David",
    "Joseph",
    "Owen",
    "Ethan",
];

const LAST_NAMES: &[&str] = &[
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
    "Thomas", "Moore", "Jackson", "Martin", "Thompson", "White", "Harris", "Clark", "Lewis",
    "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Green", "Baker", "Adams",
    "Nelson", "Hill", "Campbell", "Mitchell", "Roberts", "Carter", "Phillips", "Evans", "Turner",
    "Parker", "Collins", "Edwards",
];

const ROLE_MAILBOXES: &[&str] = &[
    "frontdesk",
    "info",
    "hello",
    "studio",
    "contact",
    "office",
    "bookings",
    "team",
];

const CITIES: &[&str] = &[
    "Springfield",
    "Riverside",
    "Fairview",
    "Greenville",
    "Franklin",
    "Madison",
    "Georgetown",
    "Salem",
    "Clinton",
    "Arlington",
    "Ashland",
    "Milford",
];

const STREET_NAMES: &[&str] = &[
    "Example", "Maple", "Oak", "Cedar", "Elm", "Pine", "Willow", "Birch", "Chestnut", "Walnut",
    "Spruce", "Sample", "Hillside", "Lakeview", "Meadow", "Orchard",
];

const STREET_SUFFIXES: &[&str] = &[
    "Street", "Avenue", "Road", "Lane", "Drive", "Court", "Place", "Way",
];

/// Area codes for fake North American numbers (the 555-01xx lines are fictional in all).
const AREA_CODES: &[&str] = &[
    "201", "202", "212", "305", "312", "415", "503", "617", "646", "702", "718", "773", "818",
    "917", "973",
];

const COUNTRIES: &[&str] = &[
    "us",
    "usa",
    "united states",
    "united states of america",
    "canada",
    "uk",
    "united kingdom",
    "australia",
    "new zealand",
    "ireland",
];

/// Neutral sentences for free text, longest first; whole sentences are combined to come close
/// to the original's length.
const NEUTRAL_SENTENCES: &[&str] = &[
    "Note redacted by wl-hook.",
    "Personal details were removed.",
    "This text stands in for the original.",
    "Nothing here refers to a real person.",
    "Details removed.",
    "Text removed.",
    "Redacted.",
];

const PERSON_WORDS: &[&str] = &[
    "customer",
    "customers",
    "client",
    "clients",
    "staff",
    "member",
    "members",
    "user",
    "users",
    "person",
    "people",
    "contact",
    "contacts",
    "recipient",
    "payer",
    "purchaser",
    "buyer",
    "instructor",
    "instructors",
    "teacher",
    "trainer",
    "employee",
    "attendee",
    "attendees",
    "guest",
    "guests",
    "visitor",
    "owner",
    "holder",
    "cardholder",
    "guardian",
    "parent",
    "child",
    "spouse",
    "relative",
];

const BUSINESS_WORDS: &[&str] = &[
    "business",
    "location",
    "locations",
    "studio",
    "franchise",
    "company",
    "venue",
    "office",
    "branch",
];

/// Words that make a key name a thing rather than a person or business, when they come last
/// (`a_member_group`, `a_staff_key`, `a_photo`).
const NEUTRAL_WORDS: &[&str] = &[
    "group",
    "groups",
    "type",
    "types",
    "category",
    "categories",
    "tab",
    "tabs",
    "level",
    "config",
    "settings",
    "photo",
    "image",
    "logo",
    "tag",
    "tags",
    "key",
    "keys",
    "id",
    "ids",
    "price",
    "schedule",
    "service",
    "services",
    "class",
    "classes",
    "item",
    "items",
];

const WL_PREFIXES: &[&str] = &[
    "s", "text", "html", "xml", "dt", "dtl", "dl", "k", "m", "i", "is", "has", "can", "url", "a",
    "f", "id", "b",
];

// ---------------------------------------------------------------------------------------------
// Walking the document

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Person,
    Business,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NamePart {
    First,
    Last,
    Full,
    /// A bare `name` in a person object: full when it has several words, else first.
    Auto,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Ids: kept exactly (whole-value e-mail net only); values remembered.
    Id,
    /// Money, numbers, flags, dates: kept (whole-value e-mail net only).
    Keep,
    /// URLs: kept, but e-mails and name slugs inside are replaced.
    Url,
    /// Free strings: scrubbed.
    Plain,
    Name(NamePart),
    Email,
    Phone,
    Address,
    City,
    Postal,
    Birth,
    FreeText,
    Card,
}

struct Site<'a> {
    path: &'a str,
    class: Class,
    ctx: Ctx,
}

fn walk(value: &mut Value, f: &mut dyn FnMut(&Site<'_>, &mut Value)) {
    visit(value, &mut String::new(), None, Ctx::Other, f);
}

/// Walk a container reached through `key` (for an array element, the array's key).
fn walk_in(
    value: &mut Value,
    path: &mut String,
    key: Option<&str>,
    parent: Ctx,
    f: &mut dyn FnMut(&Site<'_>, &mut Value),
) {
    match value {
        Value::Object(map) => {
            let ctx = object_ctx(key, parent, map);
            for (k, v) in map.iter_mut() {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                visit(v, path, Some(k), ctx, f);
                path.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter_mut().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                visit(v, path, key, parent, f);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// Visit the value of field `key` in an object of context `ctx`.
fn visit(
    v: &mut Value,
    path: &mut String,
    key: Option<&str>,
    ctx: Ctx,
    f: &mut dyn FnMut(&Site<'_>, &mut Value),
) {
    match v {
        Value::Object(_) | Value::Array(_) => walk_in(v, path, key, ctx, f),
        _ => {
            let site = Site {
                path: path.as_str(),
                class: key.map_or(Class::Plain, |k| classify(k, ctx)),
                ctx,
            };
            f(&site, v);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Classifying keys

/// `camelCase`, `kebab-case` and `snake_case` all become lower-case snake words.
fn key_words(key: &str) -> Vec<String> {
    let mut norm = String::with_capacity(key.len() + 4);
    let mut prev_lower = false;
    for c in key.chars() {
        if c.is_uppercase() && prev_lower {
            norm.push('_');
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        if c == '-' || c == ' ' || c == '.' {
            norm.push('_');
        } else {
            norm.extend(c.to_lowercase());
        }
    }
    norm.split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn has_any(words: &[String], set: &[&str]) -> bool {
    words.iter().any(|w| set.contains(&w.as_str()))
}

fn has(words: &[String], w: &str) -> bool {
    words.iter().any(|x| x == w)
}

/// The context a key gives to the object below it, from its last telling word.
fn ctx_from_key(key: &str) -> Option<Ctx> {
    for w in key_words(key).iter().rev() {
        let w = w.as_str();
        if NEUTRAL_WORDS.contains(&w) {
            return None;
        }
        if PERSON_WORDS.contains(&w) {
            return Some(Ctx::Person);
        }
        if BUSINESS_WORDS.contains(&w) {
            return Some(Ctx::Business);
        }
    }
    None
}

fn object_ctx(key: Option<&str>, parent: Ctx, map: &serde_json::Map<String, Value>) -> Ctx {
    if let Some(ctx) = key.and_then(ctx_from_key) {
        return ctx;
    }
    if parent == Ctx::Business {
        return Ctx::Business;
    }
    let person = map.keys().any(|k| {
        k == "k_staff"
            || matches!(
                classify(k, Ctx::Other),
                Class::Name(NamePart::First | NamePart::Last | NamePart::Full)
            )
    });
    if person {
        return Ctx::Person;
    }
    let has_key = |k: &str| map.contains_key(k);
    if (has_key("k_business") || has_key("k_location"))
        && (has_key("text_title") || has_key("s_title") || has_key("title"))
    {
        return Ctx::Business;
    }
    Ctx::Other
}

fn classify(key: &str, ctx: Ctx) -> Class {
    let all = key_words(key);
    if all.is_empty() {
        return Class::Plain;
    }
    let (prefix, stem): (Option<&str>, &[String]) =
        if all.len() > 1 && WL_PREFIXES.contains(&all[0].as_str()) {
            (Some(all[0].as_str()), &all[1..])
        } else {
            (None, &all[..])
        };
    let last = all[all.len() - 1].as_str();

    // Ids.
    if matches!(prefix, Some("k" | "id"))
        || matches!(last, "id" | "uid" | "uuid" | "guid" | "key" | "ids")
    {
        return Class::Id;
    }
    // Birth dates, before other dates.
    if stem
        .iter()
        .any(|w| w.contains("birth") || w == "dob" || w == "bday")
    {
        return Class::Birth;
    }
    if prefix == Some("url")
        || has_any(
            stem,
            &[
                "url",
                "uri",
                "href",
                "link",
                "links",
                "website",
                "image",
                "photo",
                "logo",
                "thumbnail",
                "avatar",
                "src",
            ],
        )
    {
        return Class::Url;
    }
    if matches!(prefix, Some("dt" | "dtl" | "dl"))
        || has_any(stem, &["date", "time", "datetime", "timestamp"])
        || (stem.len() > 1 && matches!(last, "at" | "on"))
    {
        return Class::Keep;
    }
    if has_any(
        stem,
        &["mail", "email", "emails", "mails", "mailbox", "e_mail"],
    ) {
        return Class::Email;
    }
    if stem.iter().any(|w| {
        w.starts_with("phone")
            || matches!(
                w.as_str(),
                "mobile" | "cell" | "cellphone" | "tel" | "telephone" | "fax" | "sms" | "whatsapp"
            )
    }) {
        return Class::Phone;
    }
    if has_any(stem, &["last4", "lastfour", "pan"])
        || (has_any(stem, &["card", "cc"])
            && has_any(
                stem,
                &["number", "num", "no", "last", "digits", "four", "masked"],
            ))
    {
        return Class::Card;
    }
    if matches!(prefix, Some("m" | "f" | "i" | "is" | "has" | "can" | "b")) {
        return Class::Keep;
    }
    let business = ctx == Ctx::Business;
    if has_any(
        stem,
        &["postal", "zip", "zipcode", "postcode", "postalcode"],
    ) || (has(stem, "post") && has(stem, "code"))
    {
        return if business {
            Class::Plain
        } else {
            Class::Postal
        };
    }
    if has_any(stem, &["city", "town"]) {
        return if business { Class::Plain } else { Class::City };
    }
    if has_any(
        stem,
        &[
            "address",
            "addr",
            "street",
            "address1",
            "address2",
            "addresses",
        ],
    ) && !has_any(stem, &["ip", "mac", "web"])
    {
        return if business {
            Class::Plain
        } else {
            Class::Address
        };
    }
    if has_any(
        stem,
        &[
            "note",
            "notes",
            "comment",
            "comments",
            "memo",
            "memos",
            "remark",
            "remarks",
            "message",
            "info",
            "answer",
            "answers",
            "medical",
            "allergy",
            "allergies",
            "injury",
            "injuries",
            "emergency",
            "feedback",
        ],
    ) {
        return Class::FreeText;
    }
    // Names.
    let name = has(stem, "name");
    if has_any(
        stem,
        &["firstname", "givenname", "fname", "forename", "middlename"],
    ) || (name && has_any(stem, &["first", "given", "middle"]))
    {
        return Class::Name(NamePart::First);
    }
    if has_any(
        stem,
        &["lastname", "surname", "family", "familyname", "lname"],
    ) || (name && has_any(stem, &["last", "family", "sur"]))
    {
        return Class::Name(NamePart::Last);
    }
    if has_any(stem, &["fullname", "displayname"])
        || (name
            && (has_any(stem, &["full", "display"])
                || (has_any(stem, PERSON_WORDS) && !has_any(stem, &["user", "users"]))))
    {
        return Class::Name(NamePart::Full);
    }
    if name && stem.len() == 1 && ctx == Ctx::Person {
        return Class::Name(NamePart::Auto);
    }
    Class::Plain
}

// ---------------------------------------------------------------------------------------------
// Value shapes

fn is_local_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "._%+-'".contains(c)
}

fn is_domain_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '.' || c == '-'
}

/// Byte spans of e-mail addresses in `s`.
fn find_emails(s: &str) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(rel) = s[from..].find('@') {
        let at = from + rel;
        from = at + 1;
        let mut start = at;
        while start > 0 && is_local_char(b[start - 1] as char) {
            start -= 1;
        }
        while start < at && matches!(b[start], b'.' | b'\'' | b'-' | b'+') {
            start += 1;
        }
        let mut end = at + 1;
        while end < b.len() && is_domain_char(b[end] as char) {
            end += 1;
        }
        while end > at + 1 && matches!(b[end - 1], b'.' | b'-') {
            end -= 1;
        }
        if start == at || end == at + 1 {
            continue;
        }
        if let Some((_, prev_end)) = out.last() {
            if start < *prev_end {
                continue;
            }
        }
        let domain = &s[at + 1..end];
        let tld_ok = domain.rsplit_once('.').is_some_and(|(host, tld)| {
            !host.is_empty() && tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic())
        });
        if tld_ok {
            out.push((start, end));
            from = end;
        }
    }
    out
}

fn is_email(s: &str) -> bool {
    let t = s.trim();
    find_emails(t) == vec![(0, t.len())]
}

/// A whole value shaped like an international phone number: `+`, then 8-15 digits with
/// spaces, dashes, dots or parentheses.
fn looks_like_phone(s: &str) -> bool {
    let t = s.trim();
    let Some(rest) = t.strip_prefix('+') else {
        return false;
    };
    let digits = rest.chars().filter(char::is_ascii_digit).count();
    (8..=15).contains(&digits)
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || " -.()".contains(c))
}

fn digits_of(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// Put `digits` into the digit positions of `template`, keeping every other character.
fn fill_digits(template: &str, digits: &str) -> String {
    let mut it = digits.chars();
    template
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                it.next().unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

fn apply_case(original: &str, fake: &str) -> String {
    let letters = || original.chars().filter(|c| c.is_alphabetic());
    if letters().count() > 1 && letters().all(char::is_uppercase) {
        fake.to_uppercase()
    } else if letters().count() > 0 && letters().all(char::is_lowercase) {
        fake.to_lowercase()
    } else {
        fake.to_string()
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Split leading and trailing markup (`<p>`, `</p>`) off a string.
fn split_markup(s: &str) -> (&str, &str, &str) {
    let mut lead = 0;
    loop {
        let rest = &s[lead..];
        let trimmed = rest.trim_start();
        if trimmed.starts_with('<') {
            if let Some(close) = trimmed.find('>') {
                lead += rest.len() - trimmed.len() + close + 1;
                continue;
            }
        }
        break;
    }
    let mut trail = s.len();
    loop {
        let rest = &s[lead..trail];
        let trimmed = rest.trim_end();
        if trimmed.ends_with('>') {
            if let Some(open) = trimmed.rfind('<') {
                trail = lead + open;
                continue;
            }
        }
        break;
    }
    (&s[..lead], &s[lead..trail], &s[trail..])
}

/// Neutral text of about `n` characters: whole sentences, at most `n` characters when `n` allows
/// one sentence, never empty.
fn neutral_sentence(n: usize) -> String {
    let mut out = String::new();
    let mut used = [false; NEUTRAL_SENTENCES.len()];
    loop {
        let sep = usize::from(!out.is_empty());
        let fits = |i: usize| out.len() + sep + NEUTRAL_SENTENCES[i].len() <= n;
        let pick = (0..NEUTRAL_SENTENCES.len())
            .find(|&i| !used[i] && fits(i))
            .or_else(|| (0..NEUTRAL_SENTENCES.len()).find(|&i| fits(i)));
        let Some(i) = pick else { break };
        used[i] = true;
        if sep == 1 {
            out.push(' ');
        }
        out.push_str(NEUTRAL_SENTENCES[i]);
    }
    if out.is_empty() {
        out.push_str("Redacted.");
    }
    out
}

fn neutral_text(s: &str) -> Option<String> {
    let (lead, inner, trail) = split_markup(s);
    if inner.trim().is_empty() {
        return None;
    }
    Some(format!(
        "{lead}{}{trail}",
        neutral_sentence(inner.chars().count())
    ))
}

/// Whether the characters around `s[start..end]` are not of the kind `joins`.
fn bounded(s: &str, start: usize, end: usize, joins: fn(char) -> bool) -> bool {
    let before = s[..start].chars().next_back();
    let after = s[end..].chars().next();
    !before.is_some_and(joins) && !after.is_some_and(joins)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit()
}

// ---------------------------------------------------------------------------------------------
// Card digits in text

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CardForm {
    /// The last few digits (`4417`).
    Tail,
    /// A whole number, possibly grouped (`4111 1111 1111 4417`).
    Full,
}

/// The end of the run of ASCII digits starting at `i`.
fn digit_run(b: &[u8], i: usize) -> usize {
    let mut j = i;
    while j < b.len() && b[j].is_ascii_digit() {
        j += 1;
    }
    j
}

/// Card digits in `s`, as byte spans: after "ending in", after a mask (`****`), after a card
/// brand, or a 12-19 digit number that is not one of `ids`.
fn card_spans(s: &str, ids: &BTreeSet<String>) -> Vec<(usize, usize, CardForm)> {
    let b = s.as_bytes();
    let lower = s.to_ascii_lowercase();
    let mut out = Vec::new();
    let tail_at = |i: usize| -> Option<(usize, usize)> {
        let end = digit_run(b, i);
        let len = end - i;
        ((2..=6).contains(&len) && (i == 0 || !b[i - 1].is_ascii_digit())).then_some((i, end))
    };

    // "ending in 4417", "Visa 4417".
    const LEADS: &[&str] = &[
        "ending in",
        "ending with",
        "ends in",
        "ends with",
        "ending",
        "visa",
        "mastercard",
        "master card",
        "amex",
        "american express",
        "jcb",
        "maestro",
        "diners club",
    ];
    for lead in LEADS {
        for (pos, _) in lower.match_indices(lead) {
            if pos > 0 && (b[pos - 1] as char).is_ascii_alphanumeric() {
                continue;
            }
            let mut i = pos + lead.len();
            if i < b.len() && (b[i] as char).is_ascii_alphanumeric() {
                continue;
            }
            while i < b.len() && matches!(b[i], b' ' | b':' | b'#' | b'*' | b'-') {
                i += 1;
            }
            if i < b.len() && matches!(b[i], b'x' | b'X') {
                while i < b.len() && matches!(b[i], b'x' | b'X') {
                    i += 1;
                }
            }
            if let Some((start, end)) = tail_at(i) {
                let brand = !lead.starts_with("end");
                if !brand || end - start == 4 {
                    out.push((start, end, CardForm::Tail));
                }
            }
        }
    }

    // Masks: "**** 4417", "xxxx-xxxx-4417", "•••• 4417".
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut k = 0;
    while k < chars.len() {
        let is_mask = |c: char| matches!(c, '*' | '•' | '●' | '·' | 'x' | 'X');
        if !is_mask(chars[k].1) || (k > 0 && chars[k - 1].1.is_alphanumeric()) {
            k += 1;
            continue;
        }
        let mut j = k;
        let mut masks = 0;
        let mut xs_only = true;
        while j < chars.len() {
            let c = chars[j].1;
            if is_mask(c) {
                masks += 1;
                xs_only &= matches!(c, 'x' | 'X');
                j += 1;
            } else if matches!(c, ' ' | '-') && j + 1 < chars.len() && is_mask(chars[j + 1].1) {
                j += 1;
            } else {
                break;
            }
        }
        let enough = if xs_only { masks >= 4 } else { masks >= 2 };
        let mut d = j;
        if d < chars.len() && matches!(chars[d].1, ' ' | '-') {
            d += 1;
        }
        if enough && d < chars.len() {
            if let Some((start, end)) = tail_at(chars[d].0) {
                out.push((start, end, CardForm::Tail));
            }
        }
        k = j.max(k + 1);
    }

    // Whole numbers of 12-19 digits, plain or in groups of 4-6 with one kind of separator.
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() || (i > 0 && (b[i - 1].is_ascii_digit())) {
            i += 1;
            continue;
        }
        let before_ok = i == 0 || !((b[i - 1] as char).is_ascii_alphanumeric() || b[i - 1] == b'+');
        let first_end = digit_run(b, i);
        // Grouped form.
        let mut end = first_end;
        let mut groups = vec![first_end - i];
        let mut sep: Option<u8> = None;
        while end + 1 < b.len()
            && matches!(b[end], b' ' | b'-')
            && sep.is_none_or(|s| s == b[end])
            && b[end + 1].is_ascii_digit()
        {
            let next_end = digit_run(b, end + 1);
            sep = Some(b[end]);
            groups.push(next_end - end - 1);
            end = next_end;
        }
        let grouped_ok = groups.len() > 1 && groups.iter().all(|g| (4..=6).contains(g));
        let end = if grouped_ok { end } else { first_end };
        let digits: String = s[i..end].chars().filter(char::is_ascii_digit).collect();
        let after_ok = end >= b.len() || !(b[end] as char).is_ascii_alphanumeric();
        if before_ok && after_ok && (12..=19).contains(&digits.len()) && !ids.contains(&digits) {
            out.push((i, end, CardForm::Full));
        }
        i = end.max(i + 1);
    }
    out.sort_by_key(|&(start, end, _)| (start, std::cmp::Reverse(end)));
    out
}

// ---------------------------------------------------------------------------------------------
// The redactor

/// What a fake value stands for, as the key of the consistency maps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Tag {
    Email,
    Phone,
    Address,
    Street,
    Unit,
    City,
    Postal,
    Birth,
    CardTail,
    CardFull,
}

/// A substring to replace in free strings.
struct Entry {
    original: String,
    fake: String,
    kind: Kind,
    /// Characters that must not touch the match on either side.
    joins: fn(char) -> bool,
    /// Also replaced inside URLs (name slugs).
    in_urls: bool,
}

struct Redactor {
    rng: StdRng,
    /// Lower-case original name word → fake name word (title case).
    first: BTreeMap<String, String>,
    last: BTreeMap<String, String>,
    used_first: BTreeSet<String>,
    used_last: BTreeSet<String>,
    maps: BTreeMap<(Tag, String), String>,
    used: BTreeSet<(Tag, String)>,
    ids: BTreeSet<String>,
    /// (original, fake, kind) seen in named fields, for scrubbing.
    seen: Vec<(String, String, Kind)>,
    dict: Vec<Entry>,
}

impl Redactor {
    fn new(seed: u64) -> Self {
        Redactor {
            rng: StdRng::seed_from_u64(seed),
            first: BTreeMap::new(),
            last: BTreeMap::new(),
            used_first: BTreeSet::new(),
            used_last: BTreeSet::new(),
            maps: BTreeMap::new(),
            used: BTreeSet::new(),
            ids: BTreeSet::new(),
            seen: Vec::new(),
            dict: Vec::new(),
        }
    }

    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.rng.random_range(0..list.len())]
    }

    fn digit(&mut self) -> char {
        char::from(b'0' + self.rng.random_range(0..10u8))
    }

    fn digits(&mut self, n: usize) -> String {
        (0..n).map(|_| self.digit()).collect()
    }

    /// The fake for `original` under `tag`, made by `make` once and remembered; a new fake is
    /// never the original nor another original's fake (a few tries, then a counter).
    fn mapped(
        &mut self,
        tag: Tag,
        key: String,
        make: &mut dyn FnMut(&mut Self) -> String,
    ) -> String {
        if let Some(f) = self.maps.get(&(tag, key.clone())) {
            return f.clone();
        }
        let mut fake = make(self);
        for _ in 0..50 {
            if fake.to_lowercase() != key.to_lowercase()
                && !self.used.contains(&(tag, fake.clone()))
            {
                break;
            }
            fake = make(self);
        }
        self.used.insert((tag, fake.clone()));
        self.maps.insert((tag, key), fake.clone());
        fake
    }

    // --- names

    fn name_word(&mut self, word: &str, last: bool) -> String {
        let key = word.to_lowercase();
        let (map, used, list) = if last {
            (&self.last, &self.used_last, LAST_NAMES)
        } else {
            (&self.first, &self.used_first, FIRST_NAMES)
        };
        if let Some(f) = map.get(&key) {
            return apply_case(word, f);
        }
        let free: Vec<&str> = list
            .iter()
            .copied()
            .filter(|n| !used.contains(*n) && n.to_lowercase() != key)
            .collect();
        let fake = if free.is_empty() {
            // More distinct names than the list holds: double-barrelled names.
            loop {
                let a = self.pick(list);
                let b = self.pick(list);
                let f = format!("{a}-{b}");
                let used = if last {
                    &self.used_last
                } else {
                    &self.used_first
                };
                if a != b && !used.contains(&f) {
                    break f;
                }
            }
        } else {
            free[self.rng.random_range(0..free.len())].to_string()
        };
        if last {
            self.used_last.insert(fake.clone());
            self.last.insert(key, fake.clone());
        } else {
            self.used_first.insert(fake.clone());
            self.first.insert(key, fake.clone());
        }
        let out = apply_case(word, &fake);
        self.seen.push((word.to_string(), out.clone(), Kind::Name));
        out
    }

    /// Replace each word of `s` (first-name words, or the last word as a last name).
    fn name_words(&mut self, s: &str, last_word_is_last: bool) -> String {
        let spans: Vec<(usize, usize)> = word_spans(s);
        let mut out = String::with_capacity(s.len());
        let mut pos = 0;
        let n = spans.len();
        for (i, &(start, end)) in spans.iter().enumerate() {
            out.push_str(&s[pos..start]);
            let last = last_word_is_last && n > 1 && i == n - 1;
            out.push_str(&self.name_word(&s[start..end], last));
            pos = end;
        }
        out.push_str(&s[pos..]);
        out
    }

    fn fake_name(&mut self, part: NamePart, s: &str) -> Option<String> {
        let t = s.trim();
        if t.is_empty() || !t.chars().any(char::is_alphabetic) {
            return None;
        }
        let words = word_spans(t).len();
        let part = match part {
            NamePart::Auto if words > 1 || t.contains(',') => NamePart::Full,
            NamePart::Auto => NamePart::First,
            p => p,
        };
        let (lead, rest) = s.split_at(s.len() - s.trim_start().len());
        let (core, trail) = rest.split_at(rest.trim_end().len());
        let fake = match part {
            NamePart::First => self.name_words(core, false),
            NamePart::Last => self.name_word(core, true),
            NamePart::Full | NamePart::Auto => {
                if let Some((family, given)) = core.split_once(',') {
                    let g_lead = &given[..given.len() - given.trim_start().len()];
                    let family = self.name_word(family.trim(), true);
                    let given = self.name_words(given.trim_start(), false);
                    format!("{family},{g_lead}{given}")
                } else {
                    self.name_words(core, true)
                }
            }
        };
        if core.contains(char::is_whitespace) || core.contains(',') {
            self.seen.push((core.to_string(), fake.clone(), Kind::Name));
        }
        Some(format!("{lead}{fake}{trail}"))
    }

    // --- e-mail

    fn fake_email(&mut self, s: &str, ctx: Ctx) -> String {
        let key = s.trim().to_lowercase();
        let local = key.split('@').next().unwrap_or("").to_string();
        // Does the local part spell a known person, "first.last" or "first"?
        let mut derived: Option<String> = None;
        let mut best = 0;
        for (orig, fake) in &self.first {
            if orig.len() <= best || !local.starts_with(orig.as_str()) {
                continue;
            }
            let rest = &local[orig.len()..];
            let f = fake.to_lowercase();
            if rest.is_empty() {
                derived = Some(f);
                best = orig.len();
                continue;
            }
            let mut chars = rest.chars();
            if let Some(sep) = chars.next().filter(|c| ".-_".contains(*c)) {
                if let Some(l) = self.last.get(chars.as_str()) {
                    derived = Some(format!("{f}{sep}{}", l.to_lowercase()));
                    best = orig.len();
                }
            }
        }
        let business = ctx == Ctx::Business;
        self.mapped(Tag::Email, key, &mut |r: &mut Self| {
            let local = if business {
                r.pick(ROLE_MAILBOXES).to_string()
            } else if let Some(d) = derived.take() {
                d
            } else {
                let f = r.pick(FIRST_NAMES).to_lowercase();
                let l = r.pick(LAST_NAMES).to_lowercase();
                format!("{f}.{l}")
            };
            if r.used
                .contains(&(Tag::Email, format!("{local}@example.com")))
            {
                let n = r.rng.random_range(2..100u32);
                format!("{local}{n}@example.com")
            } else {
                format!("{local}@example.com")
            }
        })
    }

    // --- phone

    /// A fake for the digits of a phone number (same count; 555-01xx line).
    fn fake_phone_digits(&mut self, digits: &str) -> String {
        let n = digits.len();
        let (prefix, core) = if n >= 10 {
            digits.split_at(n - 10)
        } else {
            ("", digits)
        };
        let core_len = core.len();
        let fake = self.mapped(Tag::Phone, core.to_string(), &mut |r: &mut Self| {
            if core_len == 10 {
                let area = r.pick(AREA_CODES);
                format!("{area}55501{}", r.digits(2))
            } else if core_len >= 7 {
                let mut lead: String = r.digits(core_len - 7);
                if lead.starts_with('0') {
                    lead.replace_range(0..1, "2");
                }
                format!("{lead}55501{}", r.digits(2))
            } else {
                r.digits(core_len)
            }
        });
        format!("{prefix}{fake}")
    }

    fn fake_phone(&mut self, s: &str) -> Option<String> {
        let digits = digits_of(s);
        if digits.len() < 3 {
            return None;
        }
        let fake = self.fake_phone_digits(&digits);
        let out = fill_digits(s, &fake);
        self.seen
            .push((s.trim().to_string(), out.trim().to_string(), Kind::Phone));
        Some(out)
    }

    // --- places

    fn shape_fake(&mut self, s: &str) -> String {
        const LETTERS: &[u8] = b"ABCEGHJKLMNPRSTVXY";
        s.chars()
            .map(|c| {
                if c.is_ascii_digit() {
                    self.digit()
                } else if c.is_ascii_alphabetic() {
                    let l = char::from(LETTERS[self.rng.random_range(0..LETTERS.len())]);
                    if c.is_ascii_lowercase() {
                        l.to_ascii_lowercase()
                    } else {
                        l
                    }
                } else {
                    c
                }
            })
            .collect()
    }

    fn fake_postal(&mut self, s: &str) -> Option<String> {
        let t = s.trim();
        if !t.chars().any(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        let t = t.to_string();
        let fake = self.mapped(Tag::Postal, t.to_uppercase(), &mut |r: &mut Self| {
            r.shape_fake(&t)
        });
        Some(s.replacen(&t, &fake, 1))
    }

    fn fake_city(&mut self, s: &str) -> Option<String> {
        let t = s.trim();
        if t.is_empty() {
            return None;
        }
        let fake = self.mapped(Tag::City, t.to_lowercase(), &mut |r: &mut Self| {
            r.pick(CITIES).to_string()
        });
        Some(s.replacen(t, &fake, 1))
    }

    fn fake_street(&mut self, t: &str) -> String {
        let fake = self.mapped(Tag::Street, t.to_lowercase(), &mut |r: &mut Self| {
            let n = r.rng.random_range(1..1000u32);
            let name = r.pick(STREET_NAMES);
            let suffix = r.pick(STREET_SUFFIXES);
            format!("{n} {name} {suffix}")
        });
        if t.len() >= 6 && t.chars().any(|c| c.is_ascii_digit()) {
            self.seen.push((t.to_string(), fake.clone(), Kind::Address));
        }
        fake
    }

    fn fake_address_part(&mut self, part: &str, first: bool) -> String {
        let t = part.trim();
        if t.is_empty() {
            return part.to_string();
        }
        let lower = t.to_lowercase();
        let fake = if first {
            self.fake_street(t)
        } else if [
            "apt",
            "apartment",
            "suite",
            "ste",
            "unit",
            "#",
            "floor",
            "fl",
            "room",
            "rm",
            "bldg",
            "building",
            "po box",
            "p.o. box",
            "box",
        ]
        .iter()
        .any(|w| {
            lower.starts_with(w)
                && lower[w.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphabetic())
        }) {
            let word_end = t.find(char::is_whitespace).unwrap_or(t.len());
            let (word, rest) = t.split_at(word_end);
            let rest = rest.to_string();
            let key = t.to_lowercase();
            let word = word.to_string();
            self.mapped(Tag::Unit, key, &mut |r: &mut Self| {
                format!("{word}{}", r.shape_fake(&rest))
            })
        } else if t.chars().any(|c| c.is_ascii_digit()) {
            let postal_shape = |x: &str| {
                x.len() <= 10
                    && x.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
            };
            match t.split_once(char::is_whitespace) {
                // "NJ 07030": the state stays.
                Some((state, zip))
                    if (2..=3).contains(&state.len())
                        && state.chars().all(|c| c.is_ascii_uppercase())
                        && postal_shape(zip.trim()) =>
                {
                    let zip = self
                        .fake_postal(zip.trim())
                        .unwrap_or_else(|| zip.to_string());
                    format!("{state} {zip}")
                }
                _ if postal_shape(t) => self.fake_postal(t).unwrap_or_else(|| t.to_string()),
                _ => self.fake_street(t),
            }
        } else if ((2..=3).contains(&t.len()) && t.chars().all(|c| c.is_ascii_uppercase()))
            || COUNTRIES.contains(&lower.as_str())
        {
            t.to_string()
        } else {
            self.fake_city(t).unwrap_or_else(|| t.to_string())
        };
        part.replacen(t, &fake, 1)
    }

    fn fake_address(&mut self, s: &str) -> Option<String> {
        let t = s.trim();
        if t.is_empty() || is_url(t) {
            return None;
        }
        let key = t.to_lowercase();
        let fake = if let Some(f) = self.maps.get(&(Tag::Address, key.clone())) {
            f.clone()
        } else {
            let parts: Vec<String> = t
                .split(',')
                .enumerate()
                .map(|(i, p)| self.fake_address_part(p, i == 0))
                .collect();
            let f = parts.join(",");
            self.used.insert((Tag::Address, f.clone()));
            self.maps.insert((Tag::Address, key), f.clone());
            f
        };
        self.seen.push((t.to_string(), fake.clone(), Kind::Address));
        Some(s.replacen(t, &fake, 1))
    }

    // --- birth dates

    fn fake_birth(&mut self, s: &str) -> Option<String> {
        let digits = digits_of(s);
        if digits.is_empty() || digits.chars().all(|c| c == '0') {
            return None;
        }
        let src = s.to_string();
        Some(self.mapped(Tag::Birth, src.clone(), &mut |r: &mut Self| {
            let year = r.rng.random_range(1960..=2002u32);
            let month = r.rng.random_range(1..=12u32);
            let day = r.rng.random_range(1..=28u32);
            let b = src.as_bytes();
            let iso = b.len() >= 10
                && b[..10].iter().enumerate().all(|(i, c)| {
                    if i == 4 || i == 7 {
                        *c == b'-'
                    } else {
                        c.is_ascii_digit()
                    }
                });
            if iso {
                return format!("{year:04}-{month:02}-{day:02}{}", &src[10..]);
            }
            // Other formats: the first runs of digits are the date (4 digits a year, 1-2
            // digits a month or day, both at most 12 so that either order is valid).
            let mut out = String::new();
            let mut pos = 0;
            let mut replaced = 0;
            let bytes = src.as_bytes();
            let mut i = 0;
            while i < bytes.len() && replaced < 3 {
                if !bytes[i].is_ascii_digit() {
                    i += 1;
                    continue;
                }
                let end = digit_run(bytes, i);
                let len = end - i;
                let fake = match len {
                    4 => format!("{year:04}"),
                    1 => format!("{}", r.rng.random_range(1..=9u32)),
                    2 => format!("{:02}", r.rng.random_range(1..=12u32)),
                    _ => break,
                };
                out.push_str(&src[pos..i]);
                out.push_str(&fake);
                pos = end;
                i = end;
                replaced += 1;
            }
            if replaced == 0 {
                let mut d = r.digits(digits.len());
                if src.trim_start().starts_with(|c: char| c.is_ascii_digit()) && d.starts_with('0')
                {
                    d.replace_range(0..1, "1");
                }
                return fill_digits(&src, &d);
            }
            out.push_str(&src[pos..]);
            out
        }))
    }

    // --- card digits

    fn fake_card_tail(&mut self, digits: &str) -> String {
        let n = digits.len();
        self.mapped(Tag::CardTail, digits.to_string(), &mut |r: &mut Self| {
            r.digits(n)
        })
    }

    fn fake_card_full(&mut self, digits: &str) -> String {
        let n = digits.len();
        let (head, tail) = digits.split_at(n.saturating_sub(4));
        let tail = self.fake_card_tail(tail);
        let first = head.chars().next();
        self.mapped(Tag::CardFull, digits.to_string(), &mut |r: &mut Self| {
            let mut out = String::with_capacity(n);
            if let Some(c) = first {
                out.push(c);
                out.push_str(&r.digits(n - 5));
            }
            out.push_str(&tail);
            out
        })
    }

    fn fake_card_digits(&mut self, digits: &str, form: CardForm) -> String {
        if form == CardForm::Full && digits.len() >= 8 {
            self.fake_card_full(digits)
        } else {
            self.fake_card_tail(digits)
        }
    }

    fn fake_card_field(&mut self, s: &str) -> Option<String> {
        let digits = digits_of(s);
        if digits.len() < 2 {
            return None;
        }
        let form = if digits.len() >= 12 {
            CardForm::Full
        } else {
            CardForm::Tail
        };
        let fake = self.fake_card_digits(&digits, form);
        Some(fill_digits(s, &fake))
    }

    // --- passes

    /// First pass: remember ids, make the fake names.
    fn register_first(&mut self, site: &Site<'_>, v: &mut Value) {
        match (site.class, &*v) {
            (Class::Id, Value::String(s)) => {
                self.ids.insert(s.trim().to_string());
            }
            (Class::Id, Value::Number(n)) => {
                self.ids.insert(n.to_string());
            }
            (Class::Name(part), Value::String(s)) if !is_email(s) => {
                let _ = self.fake_name(part, s);
            }
            _ => {}
        }
    }

    /// Second pass: make the other fakes, so that the scrubbing dictionary and the known card
    /// tails are complete before anything is written.
    fn register_other(&mut self, site: &Site<'_>, v: &mut Value) {
        if let Value::String(s) = &*v {
            if self.whole(site, s).is_none() && site.class == Class::Plain {
                for (start, end, form) in card_spans(s, &self.ids) {
                    let _ = self.fake_card_digits(&digits_of(&s[start..end]), form);
                }
            }
        }
    }

    /// Replace a whole field value; `None` when this field is not replaced as a whole.
    fn whole(&mut self, site: &Site<'_>, s: &str) -> Option<(String, Kind)> {
        if s.trim().is_empty() {
            return None;
        }
        if is_email(s) {
            let t = s.trim();
            let fake = self.fake_email(t, site.ctx);
            return Some((s.replacen(t, &fake, 1), Kind::Email));
        }
        match site.class {
            Class::Name(part) => self.fake_name(part, s).map(|f| (f, Kind::Name)),
            Class::Phone => self.fake_phone(s).map(|f| (f, Kind::Phone)),
            Class::Plain if looks_like_phone(s) => self.fake_phone(s).map(|f| (f, Kind::Phone)),
            Class::Address => self.fake_address(s).map(|f| (f, Kind::Address)),
            Class::City => self.fake_city(s).map(|f| (f, Kind::City)),
            Class::Postal => self.fake_postal(s).map(|f| (f, Kind::PostalCode)),
            Class::Birth => self.fake_birth(s).map(|f| (f, Kind::BirthDate)),
            Class::FreeText => neutral_text(s).map(|f| (f, Kind::FreeText)),
            Class::Card => self.fake_card_field(s).map(|f| (f, Kind::CardDigits)),
            Class::Email => None, // not an address: scrubbed like free text
            Class::Id | Class::Keep | Class::Url | Class::Plain => None,
        }
    }

    /// Build the substring dictionary from the named fields seen so far.
    fn build_dictionary(&mut self) {
        fn name_joins(c: char) -> bool {
            is_word_char(c)
        }
        let mut by_original: BTreeMap<String, Entry> = BTreeMap::new();
        let mut add =
            |original: String, fake: String, kind: Kind, joins: fn(char) -> bool, in_urls| {
                if original.chars().count() < 2 || original == fake {
                    return;
                }
                by_original.entry(original.clone()).or_insert(Entry {
                    original,
                    fake,
                    kind,
                    joins,
                    in_urls,
                });
            };
        for (original, fake, kind) in self.seen.clone() {
            match kind {
                Kind::Name => {
                    add(original.clone(), fake.clone(), kind, name_joins, false);
                    add(
                        original.to_uppercase(),
                        fake.to_uppercase(),
                        kind,
                        name_joins,
                        false,
                    );
                    add(
                        html_escape(&original),
                        html_escape(&fake),
                        kind,
                        name_joins,
                        false,
                    );
                    let words: Vec<String> = original
                        .split(|c: char| c.is_whitespace() || c == ',')
                        .filter(|w| !w.is_empty())
                        .map(str::to_lowercase)
                        .collect();
                    let fake_words: Vec<String> = fake
                        .split(|c: char| c.is_whitespace() || c == ',')
                        .filter(|w| !w.is_empty())
                        .map(str::to_lowercase)
                        .collect();
                    if words.len() > 1 && words.len() == fake_words.len() {
                        for sep in ["-", "_", "."] {
                            add(
                                words.join(sep),
                                fake_words.join(sep),
                                kind,
                                name_joins,
                                true,
                            );
                        }
                    }
                }
                Kind::Phone => {
                    add(original.clone(), fake.clone(), kind, is_digit, false);
                    let (o, f) = (digits_of(&original), digits_of(&fake));
                    let core = |d: &str| -> Option<String> {
                        match d.len() {
                            10 => Some(d.to_string()),
                            11 if d.starts_with('1') => Some(d[1..].to_string()),
                            _ => None,
                        }
                    };
                    if let (Some(o), Some(f)) = (core(&o), core(&f)) {
                        for fmt_fn in PHONE_FORMATS {
                            add(fmt_fn(&o), fmt_fn(&f), kind, is_digit, false);
                        }
                    }
                }
                Kind::Address => {
                    add(original.clone(), fake.clone(), kind, name_joins, false);
                    add(
                        html_escape(&original),
                        html_escape(&fake),
                        kind,
                        name_joins,
                        false,
                    );
                }
                _ => {}
            }
        }
        let mut dict: Vec<Entry> = by_original.into_values().collect();
        dict.sort_by(|a, b| {
            b.original
                .len()
                .cmp(&a.original.len())
                .then_with(|| a.original.cmp(&b.original))
        });
        self.dict = dict;
    }

    /// Scrub a free string: e-mails, card digits and known personal values inside it.
    fn scan(&mut self, site: &Site<'_>, s: &str) -> Option<(String, Kind)> {
        let url = site.class == Class::Url;
        let mut spans: Vec<(usize, usize, String, Kind)> = Vec::new();
        for (start, end) in find_emails(s) {
            let fake = self.fake_email(&s[start..end], Ctx::Other);
            spans.push((start, end, fake, Kind::Email));
        }
        for e in &self.dict {
            if url && !e.in_urls {
                continue;
            }
            for (pos, _) in s.match_indices(e.original.as_str()) {
                let end = pos + e.original.len();
                if bounded(s, pos, end, e.joins) {
                    spans.push((pos, end, e.fake.clone(), e.kind));
                }
            }
        }
        if !url {
            for (start, end, form) in card_spans(s, &self.ids) {
                let d = digits_of(&s[start..end]);
                let fake = fill_digits(&s[start..end], &self.fake_card_digits(&d, form));
                spans.push((start, end, fake, Kind::CardDigits));
            }
            // Known card tails standing alone ("Card: 4417"), but not amounts, dates or times.
            let tails: Vec<(String, String)> = self
                .maps
                .iter()
                .filter(|((tag, _), _)| *tag == Tag::CardTail)
                .map(|((_, o), f)| (o.clone(), f.clone()))
                .collect();
            for (orig, fake) in tails {
                for (pos, _) in s.match_indices(orig.as_str()) {
                    let end = pos + orig.len();
                    let before = s[..pos].chars().next_back();
                    let after: Vec<char> = s[end..].chars().take(2).collect();
                    let bad_before =
                        before.is_some_and(|c| c.is_alphanumeric() || "$#.,-/:".contains(c));
                    let bad_after = after.first().is_some_and(|&c| {
                        c.is_alphanumeric()
                            || "-/:%".contains(c)
                            || (".,".contains(c) && after.get(1).is_some_and(char::is_ascii_digit))
                    });
                    if !bad_before && !bad_after {
                        spans.push((pos, end, fake.clone(), Kind::CardDigits));
                    }
                }
            }
        }
        if spans.is_empty() {
            return None;
        }
        spans.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut out = String::with_capacity(s.len());
        let mut pos = 0;
        let mut kind = None;
        for (start, end, fake, k) in spans {
            if start < pos {
                continue;
            }
            out.push_str(&s[pos..start]);
            out.push_str(&fake);
            pos = end;
            kind.get_or_insert(k);
        }
        out.push_str(&s[pos..]);
        kind.map(|k| (out, k))
    }

    /// Replace in place; the kind when the value changed.
    fn apply(&mut self, site: &Site<'_>, v: &mut Value) -> Option<Kind> {
        match v {
            Value::String(s) => {
                let (new, kind) = match self.whole(site, s) {
                    Some(done) => done,
                    None => match site.class {
                        Class::Id | Class::Keep => return None,
                        _ => self.scan(site, s)?,
                    },
                };
                if new == *s {
                    return None;
                }
                *s = new;
                Some(kind)
            }
            Value::Number(n) => {
                let digits = n.as_u64()?.to_string();
                let (fake, kind) = match site.class {
                    Class::Phone if digits.len() >= 3 => {
                        (self.fake_phone_digits(&digits), Kind::Phone)
                    }
                    Class::Postal => (self.fake_postal(&digits)?, Kind::PostalCode),
                    Class::Card if digits.len() >= 2 => {
                        let form = if digits.len() >= 12 {
                            CardForm::Full
                        } else {
                            CardForm::Tail
                        };
                        (self.fake_card_digits(&digits, form), Kind::CardDigits)
                    }
                    _ => return None,
                };
                let fake = match fake.strip_prefix('0') {
                    Some(rest) => format!("1{rest}"),
                    None => fake,
                };
                let new: u64 = fake.parse().ok()?;
                if new.to_string() == digits {
                    return None;
                }
                *v = Value::Number(new.into());
                Some(kind)
            }
            _ => None,
        }
    }
}

/// Common written forms of a 10-digit North American number.
const PHONE_FORMATS: &[fn(&str) -> String] = &[
    |d| d.to_string(),
    |d| format!("+1{d}"),
    |d| format!("({}) {}-{}", &d[..3], &d[3..6], &d[6..]),
    |d| format!("{}-{}-{}", &d[..3], &d[3..6], &d[6..]),
    |d| format!("{}.{}.{}", &d[..3], &d[3..6], &d[6..]),
    |d| format!("{} {} {}", &d[..3], &d[3..6], &d[6..]),
    |d| format!("+1 {} {} {}", &d[..3], &d[3..6], &d[6..]),
    |d| format!("+1 ({}) {}-{}", &d[..3], &d[3..6], &d[6..]),
    |d| format!("+1-{}-{}-{}", &d[..3], &d[3..6], &d[6..]),
    |d| format!("1-{}-{}-{}", &d[..3], &d[3..6], &d[6..]),
];

fn is_url(s: &str) -> bool {
    let l = s.trim_start().to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://")
}

/// Byte spans of the words of a name (split on whitespace; hyphens and apostrophes stay).
fn word_spans(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() {
            if let Some(st) = start.take() {
                out.push((st, i));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(st) = start {
        out.push((st, s.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const CLIENT: &str = include_str!("../fixtures/client.created.json");
    const PURCHASE: &str = include_str!("../fixtures/purchase.created.json");

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
        let (orig, red, reps) = redacted(include_str!("../fixtures/staff.created.json"), 42);
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
        let mut v = json!({"text_address": "77 Park Avenue", "text_description": "Deliver to 77 Park Avenue."});
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
            serde_json::from_str(include_str!("../fixtures/appointment.updated.json")).unwrap();
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
            .map(
                |i| json!({"s_first_name": format!("First{i}"), "s_last_name": format!("Last{i}")}),
            )
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
}
