//! Personal values recognised by their shape rather than their key: e-mail addresses, whole
//! international phone numbers, URLs, and payment card digits inside free text.

use std::collections::BTreeSet;

use super::text::digit_run;

fn is_local_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "._%+-'".contains(c)
}

fn is_domain_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '.' || c == '-'
}

/// Byte spans of e-mail addresses in `s`.
pub(super) fn find_emails(s: &str) -> Vec<(usize, usize)> {
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

/// Whether the whole value (spaces aside) is one e-mail address.
pub(super) fn is_email(s: &str) -> bool {
    let t = s.trim();
    find_emails(t) == vec![(0, t.len())]
}

/// A whole value shaped like an international phone number: `+`, then 8-15 digits with
/// spaces, dashes, dots or parentheses.
pub(super) fn looks_like_phone(s: &str) -> bool {
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

pub(super) fn is_url(s: &str) -> bool {
    let l = s.trim_start().to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CardForm {
    /// The last few digits (`4417`).
    Tail,
    /// A whole number, possibly grouped (`4111 1111 1111 4417`).
    Full,
}

/// A card digit span: byte range and form.
pub(super) type CardSpan = (usize, usize, CardForm);

/// Card digits in `s`, as byte spans sorted by start (longest first): after "ending in", after
/// a mask (`****`), after a card brand, or a 12-19 digit number that is not one of `ids`.
pub(super) fn card_spans(s: &str, ids: &BTreeSet<String>) -> Vec<CardSpan> {
    let mut out = tails_after_words(s);
    out.extend(tails_after_masks(s));
    out.extend(whole_numbers(s, ids));
    out.sort_by_key(|&(start, end, _)| (start, std::cmp::Reverse(end)));
    out
}

/// A run of 2-6 digits starting at `i` and not continuing a number.
fn tail_at(b: &[u8], i: usize) -> Option<(usize, usize)> {
    let end = digit_run(b, i);
    let len = end - i;
    ((2..=6).contains(&len) && (i == 0 || !b[i - 1].is_ascii_digit())).then_some((i, end))
}

/// Words that announce the last digits of a card.
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

/// "ending in 4417" (2-6 digits), "Visa 4417" (after a brand, exactly 4).
fn tails_after_words(s: &str) -> Vec<CardSpan> {
    let b = s.as_bytes();
    let lower = s.to_ascii_lowercase();
    let mut out = Vec::new();
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
            while i < b.len() && matches!(b[i], b'x' | b'X') {
                i += 1;
            }
            if let Some((start, end)) = tail_at(b, i) {
                let brand = !lead.starts_with("end");
                if !brand || end - start == 4 {
                    out.push((start, end, CardForm::Tail));
                }
            }
        }
    }
    out
}

/// Masks: "**** 4417", "xxxx-xxxx-4417", "•••• 4417" (at least 2 mask marks, or 4 x's).
fn tails_after_masks(s: &str) -> Vec<CardSpan> {
    let b = s.as_bytes();
    let is_mask = |c: char| matches!(c, '*' | '•' | '●' | '·' | 'x' | 'X');
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut out = Vec::new();
    let mut k = 0;
    while k < chars.len() {
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
            if let Some((start, end)) = tail_at(b, chars[d].0) {
                out.push((start, end, CardForm::Tail));
            }
        }
        k = j.max(k + 1);
    }
    out
}

/// Whole numbers of 12-19 digits, plain or in groups of 4-6 with one kind of separator, that
/// are not an id of the document.
fn whole_numbers(s: &str, ids: &BTreeSet<String>) -> Vec<CardSpan> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() || (i > 0 && (b[i - 1].is_ascii_digit())) {
            i += 1;
            continue;
        }
        let before_ok = i == 0 || !((b[i - 1] as char).is_ascii_alphanumeric() || b[i - 1] == b'+');
        let end = grouped_end(b, i);
        let digits: String = s[i..end].chars().filter(char::is_ascii_digit).collect();
        let after_ok = end >= b.len() || !(b[end] as char).is_ascii_alphanumeric();
        if before_ok && after_ok && (12..=19).contains(&digits.len()) && !ids.contains(&digits) {
            out.push((i, end, CardForm::Full));
        }
        i = end.max(i + 1);
    }
    out
}

/// The end of the number starting at `i`: past its groups when it is grouped (two or more
/// groups of 4-6 digits with one kind of separator), else its first run of digits.
fn grouped_end(b: &[u8], i: usize) -> usize {
    let first_end = digit_run(b, i);
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
    let grouped = groups.len() > 1 && groups.iter().all(|g| (4..=6).contains(g));
    if grouped {
        end
    } else {
        first_end
    }
}
