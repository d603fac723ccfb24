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
//!
//! # Layout
//!
//! This file runs the three passes over the document (`walk`): remember ids and
//! make the fake names, make the other fakes, then write. `rules` classifies keys (a table);
//! `fake` makes and remembers the fakes; `find` recognises values by shape; `scrub` replaces
//! known values inside free strings; `text` holds the format-keeping string helpers; `kind`
//! names the kinds of value.

mod fake;
mod find;
mod kind;
mod rules;
mod scrub;
mod text;
mod walk;

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;

use std::collections::BTreeSet;

use serde_json::Value;

pub use kind::Kind;

use fake::{neutral_text, Fakes};
use find::{card_spans, is_email, looks_like_phone};
use rules::Class;
use scrub::{scrub, Dictionary};
use text::digits_of;
use walk::{walk, Site};

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
    let dict = Dictionary::build(&r.fakes.seen);
    let mut out = Vec::new();
    walk(value, &mut |site, v| {
        if let Some(kind) = r.apply(site, v, &dict) {
            out.push(Replacement {
                path: site.path.to_string(),
                kind,
            });
        }
    });
    out
}

/// The state of one redaction: the fakes made so far and the document's ids.
struct Redactor {
    fakes: Fakes,
    /// Id values of the document (as text), never taken for card numbers.
    ids: BTreeSet<String>,
}

impl Redactor {
    fn new(seed: u64) -> Self {
        Redactor {
            fakes: Fakes::new(seed),
            ids: BTreeSet::new(),
        }
    }

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
                let _ = self.fakes.name(part, s);
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
                    let _ = self.fakes.card_digits(&digits_of(&s[start..end]), form);
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
            let fake = self.fakes.email(t, site.ctx);
            return Some((s.replacen(t, &fake, 1), Kind::Email));
        }
        let f = &mut self.fakes;
        match site.class {
            Class::Name(part) => f.name(part, s).map(|x| (x, Kind::Name)),
            Class::Phone => f.phone(s).map(|x| (x, Kind::Phone)),
            Class::Plain if looks_like_phone(s) => f.phone(s).map(|x| (x, Kind::Phone)),
            Class::Address => f.address(s).map(|x| (x, Kind::Address)),
            Class::City => f.city(s).map(|x| (x, Kind::City)),
            Class::Postal => f.postal(s).map(|x| (x, Kind::PostalCode)),
            Class::Birth => f.birth(s).map(|x| (x, Kind::BirthDate)),
            Class::FreeText => neutral_text(s).map(|x| (x, Kind::FreeText)),
            Class::Card => f.card_field(s).map(|x| (x, Kind::CardDigits)),
            Class::Email => None, // not an address: scrubbed like free text
            Class::Id | Class::Keep | Class::Url | Class::Plain => None,
        }
    }

    /// Replace in place; the kind when the value changed.
    fn apply(&mut self, site: &Site<'_>, v: &mut Value, dict: &Dictionary) -> Option<Kind> {
        match v {
            Value::String(s) => {
                let (new, kind) = match self.whole(site, s) {
                    Some(done) => done,
                    None => match site.class {
                        Class::Id | Class::Keep => return None,
                        class => scrub(s, class == Class::Url, dict, &mut self.fakes, &self.ids)?,
                    },
                };
                if new == *s {
                    return None;
                }
                *s = new;
                Some(kind)
            }
            Value::Number(n) => self.apply_number(site.class, n),
            _ => None,
        }
    }

    /// An integer phone, postal or card field gets a fake integer with as many digits.
    fn apply_number(&mut self, class: Class, n: &mut serde_json::Number) -> Option<Kind> {
        let digits = n.as_u64()?.to_string();
        let (fake, kind) = match class {
            Class::Phone if digits.len() >= 3 => (self.fakes.phone_digits(&digits), Kind::Phone),
            Class::Postal => (self.fakes.postal(&digits)?, Kind::PostalCode),
            Class::Card if digits.len() >= 2 => {
                let form = fake::card_form(&digits);
                (self.fakes.card_digits(&digits, form), Kind::CardDigits)
            }
            _ => return None,
        };
        // A leading zero would be lost in a number.
        let fake = match fake.strip_prefix('0') {
            Some(rest) => format!("1{rest}"),
            None => fake,
        };
        let new: u64 = fake.parse().ok()?;
        if new.to_string() == digits {
            return None;
        }
        *n = new.into();
        Some(kind)
    }
}
