//! Scrubbing free strings: text and markup stay, but personal values inside are replaced by the
//! same fakes as elsewhere in the document: e-mail addresses and card digits by shape, and the
//! names, phone numbers and street lines met in named fields through a [`Dictionary`].

use std::collections::{BTreeMap, BTreeSet};

use super::fake::Fakes;
use super::find::{card_spans, find_emails};
use super::kind::Kind;
use super::rules::Ctx;
use super::text::{bounded, digits_of, fill_digits, html_escape, is_digit, is_word_char};

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

/// The known personal substrings and their fakes, longest first.
pub(super) struct Dictionary {
    entries: Vec<Entry>,
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

/// The dictionary under construction: the first fake given for an original wins.
#[derive(Default)]
struct Builder {
    by_original: BTreeMap<String, Entry>,
}

impl Builder {
    fn add(&mut self, original: String, fake: String, kind: Kind, joins: fn(char) -> bool) {
        self.add_entry(original, fake, kind, joins, false);
    }

    fn add_entry(
        &mut self,
        original: String,
        fake: String,
        kind: Kind,
        joins: fn(char) -> bool,
        in_urls: bool,
    ) {
        if original.chars().count() < 2 || original == fake {
            return;
        }
        self.by_original.entry(original.clone()).or_insert(Entry {
            original,
            fake,
            kind,
            joins,
            in_urls,
        });
    }

    /// A name as written, in upper case, HTML-escaped, and (several words) as a slug.
    fn name(&mut self, original: &str, fake: &str) {
        let kind = Kind::Name;
        self.add(original.to_string(), fake.to_string(), kind, is_word_char);
        self.add(
            original.to_uppercase(),
            fake.to_uppercase(),
            kind,
            is_word_char,
        );
        self.add(html_escape(original), html_escape(fake), kind, is_word_char);
        let words = |s: &str| -> Vec<String> {
            s.split(|c: char| c.is_whitespace() || c == ',')
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect()
        };
        let (words, fake_words) = (words(original), words(fake));
        if words.len() > 1 && words.len() == fake_words.len() {
            for sep in ["-", "_", "."] {
                self.add_entry(
                    words.join(sep),
                    fake_words.join(sep),
                    kind,
                    is_word_char,
                    true,
                );
            }
        }
    }

    /// A phone as written and, for a North American number, in its common forms.
    fn phone(&mut self, original: &str, fake: &str) {
        let kind = Kind::Phone;
        self.add(original.to_string(), fake.to_string(), kind, is_digit);
        let core = |d: &str| -> Option<String> {
            match d.len() {
                10 => Some(d.to_string()),
                11 if d.starts_with('1') => Some(d[1..].to_string()),
                _ => None,
            }
        };
        if let (Some(o), Some(f)) = (core(&digits_of(original)), core(&digits_of(fake))) {
            for fmt_fn in PHONE_FORMATS {
                self.add(fmt_fn(&o), fmt_fn(&f), kind, is_digit);
            }
        }
    }

    fn address(&mut self, original: &str, fake: &str) {
        let kind = Kind::Address;
        self.add(original.to_string(), fake.to_string(), kind, is_word_char);
        self.add(html_escape(original), html_escape(fake), kind, is_word_char);
    }
}

impl Dictionary {
    /// Build from the (original, fake, kind) values faked in named fields.
    pub fn build(seen: &[(String, String, Kind)]) -> Self {
        let mut b = Builder::default();
        for (original, fake, kind) in seen {
            match kind {
                Kind::Name => b.name(original, fake),
                Kind::Phone => b.phone(original, fake),
                Kind::Address => b.address(original, fake),
                _ => {}
            }
        }
        let mut entries: Vec<Entry> = b.by_original.into_values().collect();
        entries.sort_by(|a, b| {
            b.original
                .len()
                .cmp(&a.original.len())
                .then_with(|| a.original.cmp(&b.original))
        });
        Dictionary { entries }
    }
}

/// A replacement inside a string: byte range, fake, and what it replaced.
type Span = (usize, usize, String, Kind);

/// Scrub a free string (`url`: a URL, where only e-mails and name slugs are replaced); the new
/// string and the kind of its first replaced part, `None` when nothing is found.
pub(super) fn scrub(
    s: &str,
    url: bool,
    dict: &Dictionary,
    fakes: &mut Fakes,
    ids: &BTreeSet<String>,
) -> Option<(String, Kind)> {
    let mut spans: Vec<Span> = Vec::new();
    for (start, end) in find_emails(s) {
        let fake = fakes.email(&s[start..end], Ctx::Other);
        spans.push((start, end, fake, Kind::Email));
    }
    for e in &dict.entries {
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
        for (start, end, form) in card_spans(s, ids) {
            let d = digits_of(&s[start..end]);
            let fake = fill_digits(&s[start..end], &fakes.card_digits(&d, form));
            spans.push((start, end, fake, Kind::CardDigits));
        }
        spans.extend(known_card_tails(s, fakes));
    }
    splice(s, spans)
}

/// Card tails already faked, standing alone ("Card: 4417"), but not amounts, dates or times.
fn known_card_tails(s: &str, fakes: &Fakes) -> Vec<Span> {
    let mut out = Vec::new();
    for (orig, fake) in fakes.card_tails() {
        for (pos, _) in s.match_indices(orig.as_str()) {
            let end = pos + orig.len();
            let before = s[..pos].chars().next_back();
            let after: Vec<char> = s[end..].chars().take(2).collect();
            let bad_before = before.is_some_and(|c| c.is_alphanumeric() || "$#.,-/:".contains(c));
            let bad_after = after.first().is_some_and(|&c| {
                c.is_alphanumeric()
                    || "-/:%".contains(c)
                    || (".,".contains(c) && after.get(1).is_some_and(char::is_ascii_digit))
            });
            if !bad_before && !bad_after {
                out.push((pos, end, fake.clone(), Kind::CardDigits));
            }
        }
    }
    out
}

/// Apply the spans, earliest and then longest first, skipping any that overlap one applied.
fn splice(s: &str, mut spans: Vec<Span>) -> Option<(String, Kind)> {
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
