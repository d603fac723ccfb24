//! The capture document: one captured (or printed) request as JSON. `listen --save` writes it,
//! `sign --format json` prints it, `verify` and `replay` read it ([`parse_input`], which also
//! reads raw HTTP dumps and a loose hand-written form) as a [`Request`].
//!
//! Header values that are not UTF-8. hyper accepts obs-text (bytes 0x80-0xFF) in a header
//! value, and JSON strings hold only Unicode text, so `headers` (`[[name, value], ...]`) keeps
//! such a value in a readable form (its lossy text: U+FFFD for each invalid sequence) and the
//! optional `header_values_base64` (`{"INDEX": "BASE64", ...}`, INDEX the value's place in
//! `headers` from 0, in decimal) holds its exact bytes. The field is written only when some
//! value is not UTF-8, so a capture of UTF-8 headers is the same document as before it existed,
//! and a reader that predates it still reads the readable form. Header names are always ASCII
//! tokens (hyper and httparse refuse anything else), so only values need it. Readers take the
//! exact bytes over the text at that index ([`HeaderBytes`]); everything that sends a captured
//! request again (`replay`, the inspector's resend, `listen --forward-to`) sends those bytes.

mod input;
pub mod source;

use std::fmt;

pub use input::{
    detect_kind, json_lines, parse_bytes, parse_input, refuse_early, InputError, Kind,
};

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
    /// Header pairs in arrival order, duplicates kept; a value that is not UTF-8 as its lossy
    /// text, its exact bytes in `header_bytes`.
    pub headers: Vec<(String, String)>,
    /// `header_values_base64`: the exact bytes of the values that are not UTF-8, by index.
    #[serde(default, rename = "header_values_base64")]
    pub header_bytes: HeaderBytes,
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
    /// Written only when a header value is not UTF-8: a capture of UTF-8 headers is the
    /// document it was before the field existed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header_values_base64: Option<&'a HeaderBytes>,
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
            header_values_base64: self.header_bytes.or_none(),
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
            header_bytes: HeaderBytes::default(),
            body: body.map(str::to_string),
            body_base64,
            body_omitted: None,
        }
    }

    /// A capture of headers given as exact bytes: a value that is not UTF-8 is kept in
    /// `header_values_base64` (and readable in `headers`).
    pub fn from_exact<'a>(
        method: &str,
        path: &str,
        headers: impl IntoIterator<Item = (&'a str, &'a [u8])>,
        body: &[u8],
    ) -> Capture {
        let (pairs, header_bytes) = HeaderBytes::split(headers);
        Capture {
            header_bytes,
            ..Capture::new(method, path, pairs, body)
        }
    }
}

/// The exact bytes of the header values that are not UTF-8, each with its index in a list of
/// header pairs, whose value at that index is the bytes' lossy text. Empty for nearly every
/// request. In a capture document it is `header_values_base64`: `{"INDEX": "BASE64", ...}`,
/// in index order; a reader refuses an index that is not a canonical decimal (`"03"`), is given
/// twice or names no header, and base64 that does not decode.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeaderBytes(Vec<(usize, Vec<u8>)>);

impl HeaderBytes {
    /// Header pairs of exact values split into the pairs of text (lossy where not UTF-8) and
    /// the exact bytes of those that are not UTF-8.
    pub fn split<'a>(
        headers: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    ) -> (Vec<(String, String)>, HeaderBytes) {
        let mut exact = Vec::new();
        let pairs = headers
            .into_iter()
            .enumerate()
            .map(|(i, (name, value))| {
                let text = match std::str::from_utf8(value) {
                    Ok(text) => text.to_string(),
                    Err(_) => {
                        exact.push((i, value.to_vec()));
                        String::from_utf8_lossy(value).into_owned()
                    }
                };
                (name.to_string(), text)
            })
            .collect();
        (pairs, HeaderBytes(exact))
    }

    /// Exact bytes by index (put in index order; of one index given twice, the first).
    pub fn from_indexed(mut exact: Vec<(usize, Vec<u8>)>) -> HeaderBytes {
        exact.sort_by_key(|(i, _)| *i);
        exact.dedup_by_key(|(i, _)| *i);
        HeaderBytes(exact)
    }

    /// No exact bytes: every value is its text.
    pub const fn none() -> HeaderBytes {
        HeaderBytes(Vec::new())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Some(self)` unless empty: what a capture document writes.
    pub fn or_none(&self) -> Option<&HeaderBytes> {
        (!self.is_empty()).then_some(self)
    }

    /// The exact bytes of the value at index `i`, when they are not its text.
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        self.0
            .binary_search_by_key(&i, |(at, _)| *at)
            .ok()
            .map(|k| self.0[k].1.as_slice())
    }

    /// `(index, exact bytes)`, by index.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &[u8])> {
        self.0.iter().map(|(i, b)| (*i, b.as_slice()))
    }

    /// The pairs of `headers` (the pairs these bytes belong to) with their values as sent:
    /// these bytes where given, else the text's.
    pub fn pairs<'a>(
        &'a self,
        headers: &'a [(String, String)],
    ) -> impl Iterator<Item = (&'a str, &'a [u8])> + 'a {
        headers
            .iter()
            .enumerate()
            .map(move |(i, (n, v))| (n.as_str(), self.get(i).unwrap_or(v.as_bytes())))
    }

    /// Check these against the pairs they belong to, and make both agree: each index names a
    /// header, whose text becomes the bytes' lossy text; bytes that are UTF-8 after all become
    /// that text and leave the list. Why not, when an index names no header.
    pub fn settle(self, headers: &mut [(String, String)]) -> Result<HeaderBytes, String> {
        let mut exact = Vec::with_capacity(self.0.len());
        for (i, bytes) in self.0 {
            let Some((_, text)) = headers.get_mut(i) else {
                return Err(format!(
                    "\"{i}\" is not the index of a header (there are {})",
                    headers.len()
                ));
            };
            match String::from_utf8(bytes) {
                Ok(utf8) => *text = utf8,
                Err(e) => {
                    let bytes = e.into_bytes();
                    *text = String::from_utf8_lossy(&bytes).into_owned();
                    exact.push((i, bytes));
                }
            }
        }
        Ok(HeaderBytes(exact))
    }
}

impl Serialize for HeaderBytes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let b64 = &base64::engine::general_purpose::STANDARD;
        s.collect_map(self.0.iter().map(|(i, b)| (i.to_string(), b64.encode(b))))
    }
}

impl<'de> Deserialize<'de> for HeaderBytes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = HeaderBytes;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of \"index\": \"base64\" strings")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<HeaderBytes, A::Error> {
                let mut exact = Vec::new();
                while let Some((key, b64)) = map.next_entry::<String, String>()? {
                    let (i, bytes) = header_entry(&key, &b64).map_err(serde::de::Error::custom)?;
                    exact.push((i, bytes));
                }
                exact.sort_by_key(|(i, _)| *i);
                if let Some(w) = exact.windows(2).find(|w| w[0].0 == w[1].0) {
                    return Err(serde::de::Error::custom(format!(
                        "index \"{}\" is given twice",
                        w[0].0
                    )));
                }
                Ok(HeaderBytes(exact))
            }
        }
        d.deserialize_map(Visit)
    }
}

/// One `"INDEX": "BASE64"` entry of `header_values_base64`, or why it is not one.
fn header_entry(key: &str, b64: &str) -> Result<(usize, Vec<u8>), String> {
    let i = key
        .parse::<usize>()
        .ok()
        .filter(|i| i.to_string() == key)
        .ok_or_else(|| format!("\"{}\" is not an index (0, 1, 2, ...)", clip(key, 20)))?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .map_err(|e| format!("invalid base64 at \"{key}\": {e}"))?;
    Ok((i, bytes))
}

/// One request as read from an input, ready to be checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Header pairs in the order given, duplicates kept; a value that is not UTF-8 as its
    /// lossy text (what the checks read), its exact bytes in `header_bytes`.
    pub headers: Vec<(String, String)>,
    /// The exact bytes of the header values that are not UTF-8, by index in `headers`: what
    /// is sent again.
    pub header_bytes: HeaderBytes,
    /// The body: for a raw dump, a view into the bytes read (no copy).
    pub body: bytes::Bytes,
    /// Whether `body` holds the exact bytes or a serialisation wl-hook chose.
    pub body_form: BodyForm,
    /// Why the receiver did not read the body (a capture of a 413 or 408): `body` is empty,
    /// and the request is judged invalid for that reason.
    pub body_omitted: Option<String>,
    /// When a capture says it was received (`received_at`): verify judges its time checks as
    /// at that moment, as listen did. `None` for raw dumps, loose forms and live requests.
    pub received_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A capture's `received_at`, when it is an RFC 3339 time.
pub fn received_at(text: Option<&str>) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(text?.trim())
        .ok()
        .map(|t| t.to_utc())
}

impl Request {
    /// The header pairs with their exact values, as they arrived and are sent again.
    pub fn exact_headers(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.header_bytes.pairs(&self.headers)
    }

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

    /// A capture of UTF-8 headers is the document it was before `header_values_base64`
    /// existed, byte for byte.
    #[test]
    fn utf8_headers_are_written_as_before() {
        let headers: [(&str, &[u8]); 2] = [("x-topic", b"a.b"), ("x-name", "Zoë".as_bytes())];
        let c = Capture::from_exact("POST", "/w", headers, b"{}");
        assert!(c.header_bytes.is_empty());
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"{"wl_hook_capture":1,"method":"POST","path":"/w","headers":[["x-topic","a.b"],["x-name","Zoë"]],"body":"{}"}"#
        );
    }

    /// Write, read back: the same bytes, by index, beside their readable text.
    #[test]
    fn header_bytes_round_trip() {
        let headers: [(&str, &[u8]); 4] = [
            ("x-topic", b"a.b"),
            ("x-note", b"caf\xe9"),
            ("x-ok", b"plain"),
            ("x-raw", b"\xff\xfe \x80"),
        ];
        let c = Capture::from_exact("POST", "/w", headers, b"{}");
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(
            json,
            r#"{"wl_hook_capture":1,"method":"POST","path":"/w","headers":[["x-topic","a.b"],["x-note","caf�"],["x-ok","plain"],["x-raw","�� �"]],"header_values_base64":{"1":"Y2Fm6Q==","3":"//4ggA=="},"body":"{}"}"#
        );
        let back: Capture = serde_json::from_str(&json).unwrap();
        assert_eq!(back, c);
        let req = parse_input("c.json", json.as_bytes()).unwrap();
        let exact: Vec<(&str, &[u8])> = req.exact_headers().collect();
        assert_eq!(exact, headers);
        assert_eq!(req.headers[1].1, "caf\u{fffd}");
        // Written again from what was read: the same document.
        let again = Capture::from_exact("POST", "/w", req.exact_headers(), &req.body);
        assert_eq!(serde_json::to_string(&again).unwrap(), json);
    }
}
