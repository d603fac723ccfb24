//! The capture document: one captured (or printed) request as JSON. `listen --save` writes it,
//! `sign --format json` prints it, `verify` and `replay` read it ([`parse_input`], which also
//! reads raw HTTP dumps and a loose hand-written form) as a [`Request`].

mod input;
pub mod source;

use std::fmt;

pub use input::{detect_kind, parse_bytes, parse_input, refuse_early, InputError, Kind};

use base64::Engine;
use serde::{Deserialize, Serialize};

/// Version of the capture format written in `wl_hook_capture`.
pub const CAPTURE_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Capture {
    pub wl_hook_capture: u32,
    #[serde(default)]
    pub received_at: Option<String>,
    #[serde(default)]
    pub remote_addr: Option<String>,
    /// The full URL, for requests wl-hook printed rather than received.
    #[serde(default)]
    pub url: Option<String>,
    pub method: String,
    pub path: String,
    /// Header pairs in arrival order, duplicates kept.
    pub headers: Vec<(String, String)>,
    /// The exact body when it is UTF-8.
    #[serde(default)]
    pub body: Option<String>,
    /// The exact body in base64 when it is not UTF-8.
    #[serde(default)]
    pub body_base64: Option<String>,
    /// Why the body was not recorded (a request refused before its body was read).
    #[serde(default)]
    pub body_omitted: Option<String>,
}

/// How every capture document is written: the fields in their order, borrowed, with the
/// header pairs as anything that serialises as `[[name, value], ...]`. A [`Capture`] is
/// written through it, and so is a request `listen --save` writes straight from hyper's types.
#[derive(Serialize)]
pub struct Document<'a, H> {
    pub wl_hook_capture: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received_at: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_addr: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<&'a str>,
    pub method: &'a str,
    pub path: &'a str,
    pub headers: H,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_omitted: Option<&'a str>,
}

impl Serialize for Capture {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Document {
            wl_hook_capture: self.wl_hook_capture,
            received_at: self.received_at.as_deref(),
            remote_addr: self.remote_addr.as_deref(),
            url: self.url.as_deref(),
            method: &self.method,
            path: &self.path,
            headers: &self.headers,
            body: self.body.as_deref(),
            body_base64: self.body_base64.as_deref(),
            body_omitted: self.body_omitted.as_deref(),
        }
        .serialize(s)
    }
}

/// A body as a capture holds it: `(body, body_base64)`, the text when it is UTF-8 and base64
/// otherwise.
pub fn body_fields(body: &[u8]) -> (Option<&str>, Option<String>) {
    match std::str::from_utf8(body) {
        Ok(text) => (Some(text), None),
        Err(_) => (
            None,
            Some(base64::engine::general_purpose::STANDARD.encode(body)),
        ),
    }
}

impl Capture {
    /// A capture of `body`, stored as text when it is UTF-8 and as base64 otherwise.
    pub fn new(method: &str, path: &str, headers: Vec<(String, String)>, body: &[u8]) -> Capture {
        let (body, body_base64) = body_fields(body);
        Capture {
            wl_hook_capture: CAPTURE_VERSION,
            received_at: None,
            remote_addr: None,
            url: None,
            method: method.to_string(),
            path: path.to_string(),
            headers,
            body: body.map(str::to_string),
            body_base64,
            body_omitted: None,
        }
    }
}

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
    /// Why the receiver did not read the body (a capture of a 413 or 408): `body` is empty,
    /// and the request is judged invalid for that reason.
    pub body_omitted: Option<String>,
}

impl Request {
    /// The request, when it has a body to send again; a capture whose body was not read
    /// cannot be replayed or imported.
    pub fn with_body(self) -> Result<Request, InputError> {
        match self.body_omitted {
            Some(reason) => Err(InputError::BodyOmitted { reason }),
            None => Ok(self),
        }
    }
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

/// `s` cut to at most `max` characters (with `…` when cut), for quoting input in a message.
pub fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_binary_bodies_round_trip() {
        let c = Capture::new(
            "POST",
            "/webhooks",
            vec![("x-topic".into(), "a.b".into())],
            b"{\"a\":1}",
        );
        let json = serde_json::to_string(&c).unwrap();
        assert!(json.contains(r#""body":"{\"a\":1}""#), "{json}");
        assert!(!json.contains("body_base64"));
        let back: Capture = serde_json::from_str(&json).unwrap();
        assert_eq!(back, c);
        let b = Capture::new("POST", "/", vec![], b"\xff\x00ok");
        assert_eq!(b.body, None);
        assert_eq!(b.body_base64.as_deref(), Some("/wBvaw=="));
    }
}
