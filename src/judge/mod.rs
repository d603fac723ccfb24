//! The judgement core: whether a request is a valid WL delivery. [`check`] runs every check on
//! one request (signature, payload key, event, content type, body, timestamps) with one severity
//! each and, when the signature fails, says which known cause fits. No I/O, no printing.

mod checks;
mod diagnose;
pub mod diff;
pub mod history;

pub use checks::{check, Check, CheckOptions, NamedKey, Report, Status, CHECK_NAMES};

use crate::capture::{BodyForm, Request};

/// Network or file text quoted in a one-line finding, cut when long so one odd header cannot
/// flood a report. Raw: the human view sanitises for the terminal, JSON keeps the text as is.
fn shown(s: &str) -> String {
    crate::capture::clip(s, 80)
}

#[cfg(test)]
mod tests;
