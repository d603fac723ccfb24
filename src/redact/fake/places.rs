//! Fakes for where a person lives: street addresses (part by part), cities and postal codes.

use rand::Rng;

use super::pools::{CITIES, STREET_NAMES, STREET_SUFFIXES};
use super::{Fakes, Tag};
use crate::redact::find::is_url;
use crate::redact::kind::Kind;

/// Country names kept as they are in an address.
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

/// Words that start a unit part of an address (`Apt 4B`, `Suite 2`, `PO Box 12`).
const UNIT_WORDS: &[&str] = &[
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
];

/// A state code: 2-3 capital letters (`NJ`).
fn is_state(s: &str) -> bool {
    (2..=3).contains(&s.len()) && s.chars().all(|c| c.is_ascii_uppercase())
}

fn is_unit(lower: &str) -> bool {
    UNIT_WORDS.iter().any(|w| {
        lower.starts_with(w)
            && lower[w.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphabetic())
    })
}

fn postal_shape(x: &str) -> bool {
    x.len() <= 10
        && x.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
}

impl Fakes {
    /// Random letters and digits in the pattern of `s` (`K1A 0B1` → `A9A 9A9`).
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

    /// A postal code in the pattern of `s`; `None` when it has no letter or digit.
    pub fn postal(&mut self, s: &str) -> Option<String> {
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

    pub fn city(&mut self, s: &str) -> Option<String> {
        let t = s.trim();
        if t.is_empty() {
            return None;
        }
        let fake = self.mapped(Tag::City, t.to_lowercase(), &mut |r: &mut Self| {
            r.pick(CITIES).to_string()
        });
        Some(s.replacen(t, &fake, 1))
    }

    fn street(&mut self, t: &str) -> String {
        let fake = self.mapped(Tag::Street, t.to_lowercase(), &mut |r: &mut Self| {
            let n = r.rng.random_range(1..1000u32);
            let name = r.pick(STREET_NAMES);
            let suffix = r.pick(STREET_SUFFIXES);
            format!("{n} {name} {suffix}")
        });
        // A street line long enough to find again in free text.
        if t.len() >= 6 && t.chars().any(|c| c.is_ascii_digit()) {
            self.seen.push((t.to_string(), fake.clone(), Kind::Address));
        }
        fake
    }

    /// `Apt 4B` → `Apt` and a fake in the pattern of `4B`.
    fn unit(&mut self, t: &str) -> String {
        let word_end = t.find(char::is_whitespace).unwrap_or(t.len());
        let (word, rest) = t.split_at(word_end);
        let rest = rest.to_string();
        let key = t.to_lowercase();
        let word = word.to_string();
        self.mapped(Tag::Unit, key, &mut |r: &mut Self| {
            format!("{word}{}", r.shape_fake(&rest))
        })
    }

    /// A part with digits after the first: `NJ 07030` (the state stays), a postal code, or
    /// another street line.
    fn numbered_part(&mut self, t: &str) -> String {
        match t.split_once(char::is_whitespace) {
            Some((state, zip)) if is_state(state) && postal_shape(zip.trim()) => {
                let zip = self.postal(zip.trim()).unwrap_or_else(|| zip.to_string());
                format!("{state} {zip}")
            }
            _ if postal_shape(t) => self.postal(t).unwrap_or_else(|| t.to_string()),
            _ => self.street(t),
        }
    }

    /// One comma-separated part of an address; the first is the street line.
    fn address_part(&mut self, part: &str, first: bool) -> String {
        let t = part.trim();
        if t.is_empty() {
            return part.to_string();
        }
        let lower = t.to_lowercase();
        let fake = if first {
            self.street(t)
        } else if is_unit(&lower) {
            self.unit(t)
        } else if t.chars().any(|c| c.is_ascii_digit()) {
            self.numbered_part(t)
        } else if is_state(t) || COUNTRIES.contains(&lower.as_str()) {
            t.to_string()
        } else {
            self.city(t).unwrap_or_else(|| t.to_string())
        };
        part.replacen(t, &fake, 1)
    }

    /// A fake address keeping the comma-separated parts; `None` for an empty value or a URL.
    pub fn address(&mut self, s: &str) -> Option<String> {
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
                .map(|(i, p)| self.address_part(p, i == 0))
                .collect();
            let f = parts.join(",");
            self.used.insert((Tag::Address, f.clone()));
            self.maps.insert((Tag::Address, key), f.clone());
            f
        };
        self.seen.push((t.to_string(), fake.clone(), Kind::Address));
        Some(s.replacen(t, &fake, 1))
    }
}
