//! The engine of `wl-hook verify`: read a captured request ([`parse_input`]), run the checks on
//! it ([`check`]) and, when the signature fails, say which known cause fits. No I/O, no printing.

mod checks;
mod diagnose;
mod input;

use std::fmt;

pub use checks::{check, Check, CheckOptions, NamedKey, Report, Status, CHECK_NAMES};
pub use input::{detect_kind, parse_bytes, parse_input, InputError, Kind};

/// One request as read from an input, ready to be checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Header pairs in the order given, duplicates kept.
    pub headers: Vec<(String, String)>,
    /// The body: for a raw dump, a view into the bytes read (no copy).
    pub body: bytes::Bytes,
    /// Whether `body` holds the exact bytes or a serialisation wl-hook chose.
    pub body_form: BodyForm,
}

/// Where the bytes of [`Request::body`] come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyForm {
    /// The exact bytes: a capture, a raw dump, or a loose form whose body is a string.
    Exact,
    /// The loose form gave the body as a JSON value, so the bytes that were signed are unknown;
    /// `body` is its compact serialisation (serde_json: keys in the order written, no spaces).
    CompactJson,
}

impl BodyForm {
    /// True when `body` holds the bytes exactly as they were sent.
    pub fn is_exact(self) -> bool {
        self == BodyForm::Exact
    }
}

impl fmt::Display for BodyForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BodyForm::Exact => "exact bytes",
            BodyForm::CompactJson => "compact JSON (keys in the order written, no spaces)",
        })
    }
}

/// Network or file text made safe for a one-line message: control characters escaped and
/// anything long cut, so one odd header cannot flood or hijack a report line.
fn shown(s: &str) -> String {
    const MAX_CHARS: usize = 80;
    let safe = crate::output::sanitize::sanitize(s);
    match safe.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => format!("{}…", &safe[..cut]),
        None => safe.into_owned(),
    }
}

#[cfg(test)]
mod tests;
