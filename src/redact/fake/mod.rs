//! Seeded fake values that keep the original's format, remembered so that the same original
//! always gets the same fake within one document and two originals never share one.
//!
//! Names and e-mail addresses live here; places, phone numbers, birth dates and card digits in
//! the submodules. Every named value faked is also noted in [`Fakes::seen`], the raw material of
//! the dictionary that scrubs free text.

mod numbers;
mod places;
pub(in crate::redact) mod pools;

pub(super) use numbers::card_form;

use std::collections::{BTreeMap, BTreeSet};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::kind::Kind;
use super::rules::{Ctx, NamePart};
use super::text::{apply_case, split_markup, word_spans};
use pools::{FIRST_NAMES, LAST_NAMES, NEUTRAL_SENTENCES, ROLE_MAILBOXES};

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

pub(super) struct Fakes {
    rng: StdRng,
    /// Lower-case original name word → fake name word (title case).
    first: BTreeMap<String, String>,
    last: BTreeMap<String, String>,
    used_first: BTreeSet<String>,
    used_last: BTreeSet<String>,
    maps: BTreeMap<(Tag, String), String>,
    used: BTreeSet<(Tag, String)>,
    /// (original, fake, kind) of names, phones and street addresses faked in named fields, in
    /// order, for scrubbing free text.
    pub seen: Vec<(String, String, Kind)>,
}

impl Fakes {
    pub fn new(seed: u64) -> Self {
        Fakes {
            rng: StdRng::seed_from_u64(seed),
            first: BTreeMap::new(),
            last: BTreeMap::new(),
            used_first: BTreeSet::new(),
            used_last: BTreeSet::new(),
            maps: BTreeMap::new(),
            used: BTreeSet::new(),
            seen: Vec::new(),
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
            self.double_barrelled(last)
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

    /// A new name for when there are more distinct names than the list holds.
    fn double_barrelled(&mut self, last: bool) -> String {
        let list = if last { LAST_NAMES } else { FIRST_NAMES };
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

    /// A fake for a name field; `None` when it holds no letters.
    pub fn name(&mut self, part: NamePart, s: &str) -> Option<String> {
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
                    // "Family, Given".
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

    /// The fake name's local part when the address's local part spells a known person,
    /// "first.last" or "first".
    fn email_local_from_name(&self, local: &str) -> Option<String> {
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
        derived
    }

    /// A fake `@example.com` address: the fake name when the original spells a known person,
    /// a role mailbox for a business, else a random `first.last`.
    pub fn email(&mut self, s: &str, ctx: Ctx) -> String {
        let key = s.trim().to_lowercase();
        let local = key.split('@').next().unwrap_or("");
        let mut derived = self.email_local_from_name(local);
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

/// Free text replaced by neutral sentences of similar length, leading and trailing markup
/// kept; `None` when there is no text inside the markup.
pub(super) fn neutral_text(s: &str) -> Option<String> {
    let (lead, inner, trail) = split_markup(s);
    if inner.trim().is_empty() {
        return None;
    }
    Some(format!(
        "{lead}{}{trail}",
        neutral_sentence(inner.chars().count())
    ))
}
