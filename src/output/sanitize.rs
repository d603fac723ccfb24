//! Text from the network (headers, bodies, paths) is escaped before it reaches a terminal, so a
//! sender cannot move the cursor, change colours, hide text or reorder it.

use std::borrow::Cow;
use std::fmt::Write;

/// Characters that reorder or hide text: bidi controls, zero-width characters, BOM.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{061C}'
        | '\u{FEFF}'
        | '\u{00AD}')
}

/// Escape control, bidi and zero-width characters; newlines and tabs are kept when
/// `keep_newlines` (pretty-printed bodies), escaped otherwise (one-line fields).
pub fn sanitize_with(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    let needs = |c: char| {
        (c.is_control() && !(keep_newlines && (c == '\n' || c == '\t'))) || is_invisible(c)
    };
    if !s.chars().any(needs) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if !needs(c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{1b}' => out.push_str("\\e"),
            c if (c as u32) < 0x100 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        }
    }
    Cow::Owned(out)
}

/// Sanitise a one-line field (header value, path, event name).
pub fn sanitize(s: &str) -> Cow<'_, str> {
    sanitize_with(s, false)
}

/// Sanitise bytes that may not be UTF-8: invalid sequences become `\xNN`.
pub fn sanitize_bytes(b: &[u8], keep_newlines: bool) -> String {
    let mut out = String::with_capacity(b.len());
    for chunk in b.utf8_chunks() {
        out.push_str(&sanitize_with(chunk.valid(), keep_newlines));
        for byte in chunk.invalid() {
            let _ = write!(out, "\\x{byte:02x}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_a_terminal_would_interpret() {
        assert_eq!(sanitize("plain text"), "plain text");
        assert!(matches!(sanitize("plain"), Cow::Borrowed(_)));
        assert_eq!(sanitize("\x1b[31mred\x1b[0m"), "\\e[31mred\\e[0m");
        assert_eq!(sanitize("a\rb\nc\td\x07"), "a\\rb\\nc\\td\\x07");
        assert_eq!(sanitize("abc\u{202E}cba"), "abc\\u{202e}cba");
        assert_eq!(sanitize("zero\u{200B}width"), "zero\\u{200b}width");
        assert_eq!(sanitize("\u{9b}31m"), "\\x9b31m");
        assert_eq!(sanitize_with("a\n\tb\x1b", true), "a\n\tb\\e");
        assert_eq!(sanitize("é ok 日本"), "é ok 日本");
    }

    #[test]
    fn invalid_utf8_is_shown_as_bytes() {
        assert_eq!(sanitize_bytes(b"ok\xff\xfe\x1b", false), "ok\\xff\\xfe\\e");
    }
}
