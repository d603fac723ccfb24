//! The judgement core: whether a request is a valid WL delivery. [`check`] runs every check on
//! one request (signature, payload key, event, content type, body, timestamps) with one severity
//! each and, when the signature fails, says which known cause fits. No I/O, no printing.

mod checks;
mod diagnose;
pub mod diff;
pub mod history;

pub use checks::{check, Check, CheckOptions, NamedKey, Report, Status, CHECK_NAMES};

use crate::capture::{BodyForm, Request};
use crate::protocol::header;

/// The only headers the judgement reads (case-insensitively): a request holding just these,
/// in their order, gets the same report as the whole request. listen judges such a copy, so
/// that it does not copy every header of every delivery into text first.
pub const HEADERS_READ: [&str; 6] = [
    header::SIGNATURE,
    header::PAYLOAD_KEY,
    header::TOPIC,
    header::CONTENT_TYPE,
    header::GENERATED_AT,
    header::SENT_AT,
];

/// Network or file text quoted in a one-line finding, cut when long so one odd header cannot
/// flood a report. Raw: the human view sanitises for the terminal, JSON keeps the text as is.
fn shown(s: &str) -> String {
    crate::capture::clip(s, 80)
}

#[cfg(test)]
mod tests;
