//! String helpers that let a fake keep the format of the value it replaces: digit positions,
//! letter case, surrounding markup, word and digit boundaries.

pub(super) fn digits_of(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// The end of the run of ASCII digits starting at `i`.
pub(super) fn digit_run(b: &[u8], i: usize) -> usize {
    let mut j = i;
    while j < b.len() && b[j].is_ascii_digit() {
        j += 1;
    }
    j
}

/// Put `digits` into the digit positions of `template`, keeping every other character.
pub(super) fn fill_digits(template: &str, digits: &str) -> String {
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

/// `fake` in the case of `original` when that is all upper or all lower case.
pub(super) fn apply_case(original: &str, fake: &str) -> String {
    let letters = || original.chars().filter(|c| c.is_alphabetic());
    if letters().count() > 1 && letters().all(char::is_uppercase) {
        fake.to_uppercase()
    } else if letters().count() > 0 && letters().all(char::is_lowercase) {
        fake.to_lowercase()
    } else {
        fake.to_string()
    }
}

pub(super) fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Split leading and trailing markup (`<p>`, `</p>`) off a string.
pub(super) fn split_markup(s: &str) -> (&str, &str, &str) {
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

/// Whether the characters around `s[start..end]` are not of the kind `joins`.
pub(super) fn bounded(s: &str, start: usize, end: usize, joins: fn(char) -> bool) -> bool {
    let before = s[..start].chars().next_back();
    let after = s[end..].chars().next();
    !before.is_some_and(joins) && !after.is_some_and(joins)
}

pub(super) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

pub(super) fn is_digit(c: char) -> bool {
    c.is_ascii_digit()
}

/// Byte spans of the words of a name (split on whitespace; hyphens and apostrophes stay).
pub(super) fn word_spans(s: &str) -> Vec<(usize, usize)> {
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
