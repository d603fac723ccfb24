//! Fakes made of digits: phone numbers (fictional 555-01xx lines), birth dates (an adult's
//! date in the original's format) and card digits (same length, shared tails).

use rand::Rng;

use super::pools::AREA_CODES;
use super::{Fakes, Tag};
use crate::redact::find::CardForm;
use crate::redact::kind::Kind;
use crate::redact::text::{digit_run, digits_of, fill_digits};

impl Fakes {
    // --- phone

    /// A fake for the digits of a phone number (same count; 555-01xx line).
    pub fn phone_digits(&mut self, digits: &str) -> String {
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

    /// A fake phone number written like `s`; `None` under 3 digits.
    pub fn phone(&mut self, s: &str) -> Option<String> {
        let digits = digits_of(s);
        if digits.len() < 3 {
            return None;
        }
        let fake = self.phone_digits(&digits);
        let out = fill_digits(s, &fake);
        self.seen
            .push((s.trim().to_string(), out.trim().to_string(), Kind::Phone));
        Some(out)
    }

    // --- birth dates

    /// A fake birth date in the format of `s`; `None` for an empty date (no digits or all 0).
    pub fn birth(&mut self, s: &str) -> Option<String> {
        let digits = digits_of(s);
        if digits.is_empty() || digits.chars().all(|c| c == '0') {
            return None;
        }
        let src = s.to_string();
        Some(self.mapped(Tag::Birth, src.clone(), &mut |r: &mut Self| {
            let year = r.rng.random_range(1960..=2002u32);
            let month = r.rng.random_range(1..=12u32);
            let day = r.rng.random_range(1..=28u32);
            if is_iso_date(&src) {
                format!("{year:04}-{month:02}-{day:02}{}", &src[10..])
            } else {
                r.other_date(&src, year, digits.len())
            }
        }))
    }

    /// A date in another format: the first runs of digits are the date (4 digits a year, 1-2
    /// digits a month or day, both at most 12 so that either order is valid); without such
    /// runs, random digits in the digit positions.
    fn other_date(&mut self, src: &str, year: u32, digit_count: usize) -> String {
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
            let fake = match end - i {
                4 => format!("{year:04}"),
                1 => format!("{}", self.rng.random_range(1..=9u32)),
                2 => format!("{:02}", self.rng.random_range(1..=12u32)),
                _ => break,
            };
            out.push_str(&src[pos..i]);
            out.push_str(&fake);
            pos = end;
            i = end;
            replaced += 1;
        }
        if replaced == 0 {
            let mut d = self.digits(digit_count);
            if src.trim_start().starts_with(|c: char| c.is_ascii_digit()) && d.starts_with('0') {
                d.replace_range(0..1, "1");
            }
            return fill_digits(src, &d);
        }
        out.push_str(&src[pos..]);
        out
    }

    // --- card digits

    fn card_tail(&mut self, digits: &str) -> String {
        let n = digits.len();
        self.mapped(Tag::CardTail, digits.to_string(), &mut |r: &mut Self| {
            r.digits(n)
        })
    }

    /// A full card number keeps its first digit and ends with the fake of its last four.
    fn card_full(&mut self, digits: &str) -> String {
        let n = digits.len();
        let (head, tail) = digits.split_at(n.saturating_sub(4));
        let tail = self.card_tail(tail);
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

    /// Fake card digits of the same length.
    pub fn card_digits(&mut self, digits: &str, form: CardForm) -> String {
        if form == CardForm::Full && digits.len() >= 8 {
            self.card_full(digits)
        } else {
            self.card_tail(digits)
        }
    }

    /// A card field written like `s`; `None` under 2 digits.
    pub fn card_field(&mut self, s: &str) -> Option<String> {
        let digits = digits_of(s);
        if digits.len() < 2 {
            return None;
        }
        let fake = self.card_digits(&digits, card_form(&digits));
        Some(fill_digits(s, &fake))
    }

    /// The card tails faked so far, (original, fake), in order of the original.
    pub fn card_tails(&self) -> Vec<(String, String)> {
        self.maps
            .iter()
            .filter(|((tag, _), _)| *tag == Tag::CardTail)
            .map(|((_, o), f)| (o.clone(), f.clone()))
            .collect()
    }
}

/// A whole card field: 12 digits or more is a full number, fewer its last digits.
pub(in crate::redact) fn card_form(digits: &str) -> CardForm {
    if digits.len() >= 12 {
        CardForm::Full
    } else {
        CardForm::Tail
    }
}

/// `YYYY-MM-DD` at the start.
fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10
        && b[..10].iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}
