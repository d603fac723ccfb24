//! Which fields are personal, decided from key names: the [`RULES`] table classifies a key, and
//! [`object_ctx`] says whether an object stands for a person, a business or neither.

use serde_json::{Map, Value};

/// What kind of object a field sits in; it decides bare `name` fields and business addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ctx {
    Person,
    Business,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NamePart {
    First,
    Last,
    Full,
    /// A bare `name` in a person object: full when it has several words, else first.
    Auto,
}

/// How a field's value is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
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

pub(super) const PERSON_WORDS: &[&str] = &[
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

/// WL's type prefixes (`s_`, `text_`, `k_`...): split off so that the rest is the stem.
const WL_PREFIXES: &[&str] = &[
    "s", "text", "html", "xml", "dt", "dtl", "dl", "k", "m", "i", "is", "has", "can", "url", "a",
    "f", "id", "b",
];

/// `camelCase`, `kebab-case` and `snake_case` all become lower-case snake words.
pub(super) fn key_words(key: &str) -> Vec<String> {
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

/// A key cut into its WL prefix (when it has one and more words follow) and its stem.
struct KeyWords<'a> {
    prefix: Option<&'a str>,
    stem: &'a [String],
}

impl KeyWords<'_> {
    fn last(&self) -> &str {
        self.stem.last().map_or("", String::as_str)
    }

    fn has_any(&self, set: &[&str]) -> bool {
        self.stem.iter().any(|w| set.contains(&w.as_str()))
    }
}

/// One condition on a key (and the object it sits in).
enum When {
    /// The WL prefix is one of these.
    Prefix(&'static [&'static str]),
    /// The last word is one of these.
    Last(&'static [&'static str]),
    /// A stem word is one of these.
    Word(&'static [&'static str]),
    /// A stem word starts with this.
    WordStarts(&'static str),
    /// A stem word contains this.
    WordContains(&'static str),
    /// The stem has more than this many words.
    StemOver(usize),
    /// The stem is exactly one word.
    StemOne,
    /// The field sits in an object of this kind.
    In(Ctx),
    All(&'static [When]),
    Any(&'static [When]),
    Not(&'static When),
}

impl When {
    fn holds(&self, k: &KeyWords<'_>, ctx: Ctx) -> bool {
        match self {
            When::Prefix(set) => k.prefix.is_some_and(|p| set.contains(&p)),
            When::Last(set) => set.contains(&k.last()),
            When::Word(set) => k.has_any(set),
            When::WordStarts(s) => k.stem.iter().any(|w| w.starts_with(s)),
            When::WordContains(s) => k.stem.iter().any(|w| w.contains(s)),
            When::StemOver(n) => k.stem.len() > *n,
            When::StemOne => k.stem.len() == 1,
            When::In(c) => ctx == *c,
            When::All(all) => all.iter().all(|w| w.holds(k, ctx)),
            When::Any(any) => any.iter().any(|w| w.holds(k, ctx)),
            When::Not(w) => !w.holds(k, ctx),
        }
    }
}

use When::{All, Any, In, Last, Not, Prefix, StemOne, StemOver, Word, WordContains, WordStarts};

const NAME: When = Word(&["name"]);
const IN_BUSINESS: When = In(Ctx::Business);
const POSTAL: When = Any(&[
    Word(&["postal", "zip", "zipcode", "postcode", "postalcode"]),
    All(&[Word(&["post"]), Word(&["code"])]),
]);
const CITY: When = Word(&["city", "town"]);
const ADDRESS: When = All(&[
    Word(&[
        "address",
        "addr",
        "street",
        "address1",
        "address2",
        "addresses",
    ]),
    Not(&Word(&["ip", "mac", "web"])),
]);

/// The classification rules, tried in order; the first that holds decides, and a key no rule
/// matches is [`Class::Plain`]. Order matters: ids before everything (`k_city` is an id), birth
/// dates before other dates, URLs before names (`url_photo`), and a business's place fields are
/// kept (`Plain`) before a person's are replaced.
#[rustfmt::skip]
const RULES: &[(When, Class)] = &[
    (Any(&[Prefix(&["k", "id"]), Last(&["id", "uid", "uuid", "guid", "key", "ids"])]), Class::Id),
    (Any(&[WordContains("birth"), Word(&["dob", "bday"])]), Class::Birth),
    (Any(&[
        Prefix(&["url"]),
        Word(&["url", "uri", "href", "link", "links", "website", "image", "photo", "logo",
               "thumbnail", "avatar", "src"]),
    ]), Class::Url),
    (Any(&[
        Prefix(&["dt", "dtl", "dl"]),
        Word(&["date", "time", "datetime", "timestamp"]),
        All(&[StemOver(1), Last(&["at", "on"])]),
    ]), Class::Keep),
    (Word(&["mail", "email", "emails", "mails", "mailbox", "e_mail"]), Class::Email),
    (Any(&[
        WordStarts("phone"),
        Word(&["mobile", "cell", "cellphone", "tel", "telephone", "fax", "sms", "whatsapp"]),
    ]), Class::Phone),
    (Any(&[
        Word(&["last4", "lastfour", "pan"]),
        All(&[Word(&["card", "cc"]),
              Word(&["number", "num", "no", "last", "digits", "four", "masked"])]),
    ]), Class::Card),
    (Prefix(&["m", "f", "i", "is", "has", "can", "b"]), Class::Keep),
    (All(&[POSTAL, IN_BUSINESS]), Class::Plain),
    (POSTAL, Class::Postal),
    (All(&[CITY, IN_BUSINESS]), Class::Plain),
    (CITY, Class::City),
    (All(&[ADDRESS, IN_BUSINESS]), Class::Plain),
    (ADDRESS, Class::Address),
    (Word(&["note", "notes", "comment", "comments", "memo", "memos", "remark", "remarks",
            "message", "info", "answer", "answers", "medical", "allergy", "allergies", "injury",
            "injuries", "emergency", "feedback"]), Class::FreeText),
    (Any(&[
        Word(&["firstname", "givenname", "fname", "forename", "middlename"]),
        All(&[NAME, Word(&["first", "given", "middle"])]),
    ]), Class::Name(NamePart::First)),
    (Any(&[
        Word(&["lastname", "surname", "family", "familyname", "lname"]),
        All(&[NAME, Word(&["last", "family", "sur"])]),
    ]), Class::Name(NamePart::Last)),
    (Any(&[
        Word(&["fullname", "displayname"]),
        All(&[NAME, Any(&[
            Word(&["full", "display"]),
            All(&[Word(PERSON_WORDS), Not(&Word(&["user", "users"]))]),
        ])]),
    ]), Class::Name(NamePart::Full)),
    (All(&[NAME, StemOne, In(Ctx::Person)]), Class::Name(NamePart::Auto)),
];

/// How the value of field `key` in an object of context `ctx` is treated.
pub(super) fn classify(key: &str, ctx: Ctx) -> Class {
    let all = key_words(key);
    if all.is_empty() {
        return Class::Plain;
    }
    let words = match all.split_first() {
        Some((first, rest)) if !rest.is_empty() && WL_PREFIXES.contains(&first.as_str()) => {
            KeyWords {
                prefix: Some(first),
                stem: rest,
            }
        }
        _ => KeyWords {
            prefix: None,
            stem: &all,
        },
    };
    RULES
        .iter()
        .find(|(when, _)| when.holds(&words, ctx))
        .map_or(Class::Plain, |&(_, class)| class)
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

/// The context of an object reached through `key` (for an array element, the array's key):
/// from the key, else inherited from a business, else from the fields it carries (person-name
/// fields or `k_staff` make a person; `k_business`/`k_location` with a title a business).
pub(super) fn object_ctx(key: Option<&str>, parent: Ctx, map: &Map<String, Value>) -> Ctx {
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
