//! Reading one `verify` input into a [`Request`]: a wl-hook capture document, a raw HTTP/1.1
//! request dump (parsed with httparse), or the loose `{"headers": ..., "body": ...}` JSON form.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;

use base64::Engine;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::{BodyForm, HeaderBytes, Request};
use crate::capture::{Capture, CAPTURE_VERSION};

/// What an input is, judged from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A JSON object with a top-level `wl_hook_capture`.
    Capture,
    /// Starts with an HTTP/1.x request line such as `POST /webhooks HTTP/1.1`.
    RawHttp,
    /// Any other JSON object (the loose `{"headers": ..., "body": ...}` form, or a mistake).
    LooseForm,
    /// Nothing wl-hook reads (including JSON that does not parse).
    Unknown,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Capture => "wl-hook capture",
            Kind::RawHttp => "raw HTTP request",
            Kind::LooseForm => "loose JSON form",
            Kind::Unknown => "unrecognised input",
        })
    }
}

/// Why an input cannot be read. Each message is one line and names what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("empty file")]
    Empty,
    #[error("the file holds only whitespace")]
    Blank,
    #[error("not a capture, raw HTTP request or loose JSON form (starts with {start})")]
    Unrecognised { start: String },
    #[error("truncated JSON at line {line} column {column}")]
    TruncatedJson { line: usize, column: usize },
    #[error("invalid JSON at line {line} column {column}: {reason}")]
    InvalidJson {
        line: usize,
        column: usize,
        reason: String,
    },
    #[error("the JSON document is {found}, not an object (a capture, or {{\"headers\": ..., \"body\": ...}})")]
    NotAnObject { found: &'static str },
    #[error("a JSON object with no \"headers\" or \"body\": not a capture or loose form (a bare body? wrap it as {{\"headers\": {{...}}, \"body\": ...}})")]
    BareJson,
    #[error("missing \"headers\" ({expected})")]
    MissingHeaders { expected: &'static str },
    #[error("missing \"body\" (or \"body_base64\" for bytes that are not UTF-8)")]
    MissingBody,
    #[error("the capture has no body: the receiver did not read it ({reason})")]
    BodyOmitted { reason: String },
    #[error("headers must be a list of [name, value] pairs ({detail})")]
    HeaderPairs { detail: String },
    #[error("headers must be an object of name: value strings, or a list of [name, value] pairs ({detail})")]
    HeaderObject { detail: String },
    #[error("\"body\" and \"body_base64\" are both given; keep one")]
    BothBodies,
    #[error("\"{field}\" is given twice; keep one (readers differ on which counts)")]
    DuplicateField { field: String },
    #[error("\"{field}\" must be a string, not {found}")]
    NotAString {
        field: &'static str,
        found: &'static str,
    },
    #[error("header_values_base64 must be an object of \"index\": \"base64\" strings ({detail})")]
    HeaderBytes { detail: String },
    #[error("invalid base64 in body_base64: {reason}")]
    Base64 { reason: String },
    #[error("capture format version {found} is newer than this wl-hook reads ({CAPTURE_VERSION})")]
    CaptureVersion { found: u64 },
    #[error("not a valid capture: {reason}")]
    Capture { reason: String },
    #[error("invalid raw HTTP request: {reason}")]
    Http { reason: String },
    #[error("the raw HTTP request has no blank line after its headers (truncated?)")]
    HttpIncomplete,
    #[error("Content-Length says {declared} but {present} bytes follow")]
    ContentLength { declared: u64, present: usize },
    #[error("Content-Length '{value}' is not a number of bytes")]
    BadContentLength { value: String },
    #[error("conflicting Content-Length headers ({first} and {second})")]
    ConflictingContentLength { first: String, second: String },
    #[error("invalid chunked body: {reason}")]
    Chunked { reason: String },
    #[error("Transfer-Encoding '{value}' is not supported (only chunked)")]
    TransferEncoding { value: String },
}

/// How far into a file the request line is looked for; a real one is far shorter.
const REQUEST_LINE_SCAN: usize = 8192;
/// Header slots for httparse; a webhook has a dozen, a proxy may add a few dozen more.
const MAX_HEADERS: usize = 256;
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// What the bytes would be read as. JSON is parsed in full to find the top-level key.
pub fn detect_kind(bytes: &[u8]) -> Kind {
    match sniff(bytes) {
        Sniff::Json(text) => match serde_json::from_slice::<Value>(text) {
            Ok(Value::Object(map)) if map.contains_key("wl_hook_capture") => Kind::Capture,
            Ok(Value::Object(_)) => Kind::LooseForm,
            _ => Kind::Unknown,
        },
        Sniff::Http(_) => Kind::RawHttp,
        Sniff::Empty | Sniff::Blank | Sniff::Other(_) => Kind::Unknown,
    }
}

/// Read one input. `name` (a file name, or `-`) only steers the error message for files that
/// are neither: a `.json` file gets the JSON parser's complaint.
pub fn parse_input(name: &str, bytes: &[u8]) -> Result<Request, InputError> {
    parse_with(name, bytes, None)
}

/// The documents of an input that holds one JSON object per line, as `sign --format json`
/// prints for several events: each line's number (1-based) and text. `None` unless there are
/// two or more and every line but blank ones is one whole JSON object; a reader tries this
/// only when the input did not read as one document.
pub fn json_lines(bytes: &[u8]) -> Option<Vec<(usize, &[u8])>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut docs = Vec::new();
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = line.trim_ascii();
        if line.is_empty() {
            continue;
        }
        if !line.starts_with(b"{") || serde_json::from_slice::<serde::de::IgnoredAny>(line).is_err()
        {
            return None;
        }
        docs.push((i + 1, line));
    }
    (docs.len() >= 2).then_some(docs)
}

/// [`parse_input`] on bytes already owned: the body of a raw dump is then a view into them,
/// not a copy (a 64 MiB dump is not copied again).
pub fn parse_bytes(name: &str, input: &Bytes) -> Result<Request, InputError> {
    parse_with(name, input, Some(input))
}

fn parse_with(name: &str, bytes: &[u8], owner: Option<&Bytes>) -> Result<Request, InputError> {
    match sniff(bytes) {
        Sniff::Empty => Err(InputError::Empty),
        Sniff::Blank => Err(InputError::Blank),
        Sniff::Json(text) => parse_json(text),
        Sniff::Http(text) => parse_http(text, owner),
        Sniff::Other(text) => match unrecognised(name, text) {
            Some(e) => Err(e),
            None => parse_json(text),
        },
    }
}

/// The error [`parse_input`] would give for an input that starts with `head`, when `head`
/// alone settles that the input is not one (binary data, an image, `/dev/zero`): a large file
/// or an endless stream is then refused without being read further. `None` when the rest could
/// matter.
pub fn refuse_early(name: &str, head: &[u8]) -> Option<InputError> {
    let text = head.strip_prefix(UTF8_BOM).unwrap_or(head);
    let start = text.iter().position(|b| !b.is_ascii_whitespace())?;
    // Every test below looks at fewer bytes than this, so the head decides as the whole would.
    if text.len() - start <= REQUEST_LINE_SCAN {
        return None;
    }
    match sniff(head) {
        Sniff::Other(text) => unrecognised(name, text),
        _ => None,
    }
}

/// The error for an input that starts with neither JSON nor a request line, unless it may be
/// JSON all the same (a `.json` file of text gets the JSON parser's complaint instead).
fn unrecognised(name: &str, text: &[u8]) -> Option<InputError> {
    if name.to_ascii_lowercase().ends_with(".json") && looks_like_text(text) {
        None
    } else {
        Some(InputError::Unrecognised {
            start: describe_start(text),
        })
    }
}

enum Sniff<'a> {
    Empty,
    Blank,
    Json(&'a [u8]),
    Http(&'a [u8]),
    Other(&'a [u8]),
}

/// Classify by the first bytes only, so a large binary file is refused without being read.
fn sniff(bytes: &[u8]) -> Sniff<'_> {
    if bytes.is_empty() {
        return Sniff::Empty;
    }
    // Editors on Windows save a BOM, and hand-written files often start with a blank line.
    let text = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    let text = &text[text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len())..];
    match text.first() {
        None => Sniff::Blank,
        Some(b'{' | b'[') => Sniff::Json(text),
        Some(_) if is_request_line(text) => Sniff::Http(text),
        Some(_) => Sniff::Other(text),
    }
}

/// `METHOD target HTTP/x`: an upper-case token, a space, and an HTTP version on the first line.
fn is_request_line(text: &[u8]) -> bool {
    let scan = &text[..text.len().min(REQUEST_LINE_SCAN)];
    let line = scan.split(|&b| b == b'\n').next().unwrap_or(scan);
    let method_len = line.iter().take_while(|b| b.is_ascii_uppercase()).count();
    (1..=16).contains(&method_len)
        && line.get(method_len) == Some(&b' ')
        && line.windows(6).any(|w| w == b" HTTP/")
}

fn looks_like_text(text: &[u8]) -> bool {
    let head = &text[..text.len().min(512)];
    // A character cut at the end of the sample is not a sign of binary.
    let utf8 = std::str::from_utf8(head).map_or_else(|e| e.error_len().is_none(), |_| true);
    utf8 && !head.contains(&0)
}

/// The first bytes, as text when they are printable ASCII and as hex otherwise.
fn describe_start(text: &[u8]) -> String {
    let head = &text[..text.len().min(16)];
    let more = if text.len() > head.len() { "..." } else { "" };
    if head.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
        format!("\"{}{more}\"", String::from_utf8_lossy(head))
    } else {
        let bytes: Vec<String> = head[..head.len().min(4)]
            .iter()
            .map(|b| format!("0x{b:02x}"))
            .collect();
        let more = if text.len() > 4 { "..." } else { "" };
        format!("bytes {}{more}", bytes.join(" "))
    }
}

// ---- JSON: capture and loose form ----

fn parse_json(text: &[u8]) -> Result<Request, InputError> {
    match fast_capture(text) {
        Some(req) => Ok(req),
        None => parse_json_general(text),
    }
}

/// Any JSON input: a capture, or the loose form, or why it is neither.
fn parse_json_general(text: &[u8]) -> Result<Request, InputError> {
    let map = match serde_json::from_slice::<Value>(text).map_err(json_error)? {
        Value::Object(map) => map,
        other => {
            return Err(InputError::NotAnObject {
                found: crate::json::kind_of(&other),
            })
        }
    };
    // serde_json keeps the last of a field given twice without a word; which one a reader
    // takes would then decide the verdict.
    if let Some(field) = duplicate_field(text) {
        return Err(InputError::DuplicateField {
            field: shown(&field),
        });
    }
    if map.contains_key("wl_hook_capture") {
        parse_capture(map)
    } else {
        parse_loose(map)
    }
}

/// A capture document exactly as wl-hook writes it, deserialised in one pass straight into its
/// fields, without building a tree first: the common case of `verify DIR`. Any field it does
/// not know, any duplicate, wrong type or version, or anything [`parse_capture`] would refuse
/// gives `None`, and the input is then read by the general path, which names what is wrong.
/// What this accepts, the general path reads into the same [`Request`] (tested below).
fn fast_capture(text: &[u8]) -> Option<Request> {
    if let Some(req) = body_set_aside(text) {
        return Some(req);
    }
    let doc: Doc = serde_json::from_slice(text).ok()?;
    doc.into_request(None)
}

/// A capture document's fields, as [`fast_capture`] reads them.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Doc<'a> {
    wl_hook_capture: u32,
    #[serde(default)]
    received_at: Option<String>,
    #[serde(default)]
    remote_addr: Option<String>,
    #[serde(default)]
    url: Option<String>,
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    #[serde(default)]
    header_values_base64: HeaderBytes,
    /// Taken as written and decoded by [`unescape_string`]: serde_json would decode it into a
    /// buffer that grows by doubling, then copy it.
    #[serde(default, borrow)]
    body: Present<&'a RawValue>,
    #[serde(default)]
    body_base64: Present<Option<String>>,
    #[serde(default)]
    body_omitted: Present<serde::de::IgnoredAny>,
}

impl Doc<'_> {
    /// The request, with the body's literal taken from `body` when given (see
    /// [`body_set_aside`]).
    fn into_request(mut self, body: Option<&[u8]>) -> Option<Request> {
        if self.wl_hook_capture > CAPTURE_VERSION || self.body_omitted.0.is_some() {
            return None;
        }
        let header_bytes = self.header_values_base64.settle(&mut self.headers).ok()?;
        let literal = body.or(self.body.0.map(|raw| raw.get().as_bytes()));
        let body = match (literal, self.body_base64.0) {
            // Anything but a string (null, a number, an object) is for the general path.
            (Some(literal), None) => unescape_string(literal)?,
            (None, Some(Some(b64))) => decode_base64(&b64).ok()?,
            _ => return None,
        };
        // Read only to be refused or kept alike by the general path.
        let _ = (self.remote_addr, self.url);
        Some(Request {
            method: self.method,
            path: self.path,
            headers: self.headers,
            header_bytes,
            body: body.into(),
            body_form: BodyForm::Exact,
            body_omitted: None,
            received_at: super::received_at(self.received_at.as_deref()),
        })
    }
}

/// [`fast_capture`] for a document whose last field is a string `body`, as wl-hook writes them,
/// without serde_json reading the body at all: the document is read with `null` in the body
/// string's place, and the string is decoded (and checked) by [`unescape_string`], on every
/// core for a long one. `None` when the document is not of that shape, or anything is amiss.
///
/// Why it reads what the whole document would: the text before the body's value is the same,
/// so serde_json is at the same place in both when it reaches it, and checked here that it
/// reads the `body` field's value there; that value is one whole string (checked by its
/// decoding), and the text after it is the same again.
fn body_set_aside(text: &[u8]) -> Option<Request> {
    let (start, end) = last_body_string(text)?;
    let mut rest = Vec::with_capacity(text.len() - (end - start) + 4);
    rest.extend_from_slice(&text[..start]);
    rest.extend_from_slice(b"null");
    rest.extend_from_slice(&text[end..]);
    let doc: Doc = serde_json::from_slice(&rest).ok()?;
    let value = doc.body.0?;
    if !std::ptr::eq(value.get().as_ptr(), rest[start..].as_ptr()) {
        return None;
    }
    doc.into_request(Some(&text[start..end]))
}

/// Where the string the first `"body":` in a document opens would run, when the document ends
/// with a string: from that string's opening quote to the document's last quote, both
/// included. Only a guess, checked by [`body_set_aside`].
fn last_body_string(text: &[u8]) -> Option<(usize, usize)> {
    let last = |to: usize| text[..to].iter().rposition(|b| !b.is_ascii_whitespace());
    let brace = last(text.len())?;
    let quote = last(brace)?;
    if text[brace] != b'}' || text[quote] != b'"' {
        return None;
    }
    let skip = |from: usize| {
        from + text[from..]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count()
    };
    memchr::memmem::find_iter(&text[..quote], b"\"body\"").find_map(|key| {
        let colon = skip(key + 6);
        let start = skip(colon + 1);
        (text.get(colon) == Some(&b':') && text.get(start) == Some(&b'"') && start < quote)
            .then_some((start, quote + 1))
    })
}

/// The bytes a JSON string literal (quotes included) stands for, decoded into a buffer of the
/// literal's length (decoding only shortens), and for a long one on every core, a part each.
/// `None` for anything that is not a string literal or that the general path refuses or reads
/// otherwise: an unknown escape, a `\u` escape without four hex digits, a lone surrogate escape
/// (serde_json refuses it in a string), a control character or quote left unescaped; the caller
/// then leaves the input to the general path, whose error messages name what is wrong. What it
/// decodes, serde_json decodes alike (tested below).
fn unescape_string(literal: &[u8]) -> Option<Vec<u8>> {
    let inner = literal.strip_prefix(b"\"")?.strip_suffix(b"\"")?;
    let parts = if inner.len() >= PARALLEL_UNESCAPE_FROM {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
    } else {
        1
    };
    unescape_in_parts(inner, parts)
}

/// String literals at least this long are decoded on several threads.
const PARALLEL_UNESCAPE_FROM: usize = 1 << 20;

/// How far past the even split a part may end, looking for the start of an escape.
const SPLIT_SEARCH: usize = 64 * 1024;

/// The text between a string literal's quotes decoded in up to `parts` parts side by side,
/// each ending where no escape is cut, then joined.
fn unescape_in_parts(inner: &[u8], parts: usize) -> Option<Vec<u8>> {
    let mut bounds = vec![0];
    for k in 1..parts {
        let from = (inner.len() * k / parts).max(bounds[bounds.len() - 1] + 1);
        if let Some(p) = split_point(inner, from) {
            bounds.push(p);
        }
    }
    bounds.push(inner.len());
    // Each part is decoded into the room its text takes in one buffer, then the parts are
    // moved down to follow each other.
    let mut out = vec![0; inner.len()];
    let mut room: Vec<&mut [u8]> = Vec::with_capacity(bounds.len() - 1);
    let mut free = &mut out[..];
    for w in bounds.windows(2) {
        let (this, next) = free.split_at_mut(w[1] - w[0]);
        room.push(this);
        free = next;
    }
    let pieces = bounds.windows(2).map(|w| &inner[w[0]..w[1]]);
    let mut parts = pieces.zip(room);
    let (first, into) = parts.next()?;
    let lens = std::thread::scope(|s| {
        let others: Vec<_> = parts
            .map(|(piece, into)| s.spawn(move || unescape_into(piece, into)))
            .collect();
        let first = unescape_into(first, into);
        std::iter::once(first)
            .chain(others.into_iter().map(|h| h.join().ok().flatten()))
            .collect::<Option<Vec<usize>>>()
    })?;
    let mut len = 0;
    for (w, n) in bounds.windows(2).zip(lens) {
        out.copy_within(w[0]..w[0] + n, len);
        len += n;
    }
    out.truncate(len);
    Some(out)
}

/// The first place from `from` on (within [`SPLIT_SEARCH`]) where `inner` can be cut without
/// cutting an escape, a surrogate pair or a UTF-8 character: a backslash that starts an escape
/// other than `\u` (an even number of backslashes before it), or the first byte of a character
/// with no backslash in the six bytes before it (the longest escape).
fn split_point(inner: &[u8], from: usize) -> Option<usize> {
    let end = inner.len().min(from.saturating_add(SPLIT_SEARCH));
    (from..end).find(|&p| {
        if inner[p] == b'\\' {
            let before = inner[..p].iter().rev().take_while(|&&b| b == b'\\').count();
            before % 2 == 0 && inner.get(p + 1) != Some(&b'u')
        } else {
            inner[p] & 0xC0 != 0x80 && !inner[p.saturating_sub(6)..p].contains(&b'\\')
        }
    })
}

/// Decode `inner`, the text of a string literal without its quotes, into the start of `out`
/// (at least as long: decoding only shortens), giving the decoded length; `None` where
/// [`unescape_string`] says.
fn unescape_into(inner: &[u8], out: &mut [u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    // The high bit of each byte that is zero (the classic bit trick; exact for the lowest one,
    // which is the only one used).
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    // serde_json reads only UTF-8 (checked apart: many bytes at a time).
    std::str::from_utf8(inner).ok()?;
    let out = out.get_mut(..inner.len())?;
    // Read from `i`, written up to `o`; never `o > i`.
    let (mut i, mut o) = (0, 0);
    loop {
        // Eight bytes at a time while none is a backslash, a quote or a control character:
        // the eight are copied, and the written length kept up to the first such byte.
        while let Some(chunk) = inner.get(i..i + 8) {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            let w = u64::from_le_bytes(word);
            let special = zero(w ^ (ONES * u64::from(b'\\')))
                | zero(w ^ (ONES * u64::from(b'"')))
                | (w.wrapping_sub(ONES * 0x20) & !w & HIGH);
            out[o..o + 8].copy_from_slice(chunk);
            if special != 0 {
                let k = (special.trailing_zeros() / 8) as usize;
                i += k;
                o += k;
                break;
            }
            i += 8;
            o += 8;
        }
        let Some(&b) = inner.get(i) else {
            return Some(o);
        };
        if b != b'\\' {
            if b < 0x20 || b == b'"' {
                return None;
            }
            out[o] = b;
            i += 1;
            o += 1;
            continue;
        }
        out[o] = match *inner.get(i + 1)? {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => {
                let (c, used) = unicode_escape(&inner[i..])?;
                let n = c.encode_utf8(&mut out[o..]).len();
                i += used;
                o += n;
                continue;
            }
            _ => return None,
        };
        i += 2;
        o += 1;
    }
}

/// The character a `\uXXXX` escape at the start of `text` stands for, a surrogate pair
/// (`\uD83D\uDE00`) taken together, and how many bytes it took; `None` for a lone surrogate.
fn unicode_escape(text: &[u8]) -> Option<(char, usize)> {
    let hex = |at: usize| -> Option<u32> {
        let digits = text.get(at..at + 4)?;
        digits
            .iter()
            .try_fold(0, |n, &d| Some(n << 4 | char::from(d).to_digit(16)?))
    };
    let first = hex(2)?;
    match first {
        0xD800..=0xDBFF => {
            if text.get(6..8)? != b"\\u" {
                return None;
            }
            let second = hex(8)?;
            if !(0xDC00..=0xDFFF).contains(&second) {
                return None;
            }
            let c = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
            Some((char::from_u32(c)?, 12))
        }
        _ => Some((char::from_u32(first)?, 6)),
    }
}

/// A field that may be absent (`Present(None)`) or given, `null` included (`Present(Some(..))`),
/// as the general path tells `"body": null` from no `body` at all.
struct Present<T>(Option<T>);

impl<T> Default for Present<T> {
    fn default() -> Self {
        Present(None)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Present<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(|v| Present(Some(v)))
    }
}

fn json_error(e: serde_json::Error) -> InputError {
    let (line, column) = (e.line(), e.column());
    if e.is_eof() {
        return InputError::TruncatedJson { line, column };
    }
    // serde_json appends the position to its message; it is reported separately.
    let full = e.to_string();
    let suffix = format!(" at line {line} column {column}");
    let reason = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
    InputError::InvalidJson {
        line,
        column,
        reason,
    }
}

fn parse_capture(map: Map<String, Value>) -> Result<Request, InputError> {
    // Shape checks first: serde's own messages name Rust types, not what to fix in the file.
    if let Some(found) = map.get("wl_hook_capture").and_then(Value::as_u64) {
        if found > u64::from(CAPTURE_VERSION) {
            return Err(InputError::CaptureVersion { found });
        }
    }
    // A request refused before its body was read: judged (invalid, with the reason), never
    // replayed ([`Request::with_body`]).
    // `null` is no reason: a writer that emits every field, nulls included, read its body.
    let omitted = map
        .get("body_omitted")
        .filter(|reason| !reason.is_null())
        .map(|reason| shown(reason.as_str().unwrap_or("no reason given")));
    match map.get("headers") {
        None => {
            return Err(InputError::MissingHeaders {
                expected: "a list of [name, value] pairs",
            })
        }
        Some(h) => {
            header_pairs(h)?;
        }
    }
    if let Some(v) = map.get("header_values_base64") {
        header_bytes_shape(v)?;
    }
    match body_source(&map) {
        Ok(BodySource::Value(v)) => {
            return Err(InputError::NotAString {
                field: "body",
                found: crate::json::kind_of(v),
            })
        }
        Err(InputError::MissingBody) if omitted.is_some() => {}
        Err(e) => return Err(e),
        Ok(_) => {}
    }
    let mut capture: Capture =
        serde_json::from_value(Value::Object(map)).map_err(|e| InputError::Capture {
            reason: e.to_string(),
        })?;
    let header_bytes = std::mem::take(&mut capture.header_bytes)
        .settle(&mut capture.headers)
        .map_err(|detail| InputError::HeaderBytes { detail })?;
    let body = match (capture.body, capture.body_base64) {
        (Some(text), _) => text.into_bytes(),
        (None, Some(b64)) => decode_base64(&b64)?,
        (None, None) if omitted.is_some() => Vec::new(),
        (None, None) => return Err(InputError::MissingBody),
    };
    Ok(Request {
        method: capture.method,
        path: capture.path,
        headers: capture.headers,
        header_bytes,
        body: body.into(),
        body_form: BodyForm::Exact,
        body_omitted: omitted,
        received_at: super::received_at(capture.received_at.as_deref()),
    })
}

fn parse_loose(map: Map<String, Value>) -> Result<Request, InputError> {
    let has_body = map.contains_key("body") || map.contains_key("body_base64");
    let headers = match map.get("headers") {
        None if !has_body => return Err(InputError::BareJson),
        None => {
            return Err(InputError::MissingHeaders {
                expected: "an object of name: value strings",
            })
        }
        Some(pairs @ Value::Array(_)) => header_pairs(pairs)?,
        Some(Value::Object(obj)) => header_object(obj)?,
        Some(other) => {
            return Err(InputError::HeaderObject {
                detail: format!("found {}", crate::json::kind_of(other)),
            })
        }
    };
    let (body, body_form) = match body_source(&map)? {
        BodySource::Text(text) => (text.as_bytes().to_vec(), BodyForm::Exact),
        BodySource::Base64(b64) => (decode_base64(b64)?, BodyForm::Exact),
        // The exact bytes are unknown; checks run over this serialisation and say so.
        BodySource::Value(v) => (v.to_string().into_bytes(), BodyForm::CompactJson),
    };
    Ok(Request {
        method: optional_string(&map, "method")?
            .unwrap_or("POST")
            .to_string(),
        path: optional_string(&map, "path")?.unwrap_or("/").to_string(),
        headers,
        header_bytes: HeaderBytes::default(),
        body: body.into(),
        body_form,
        body_omitted: None,
        received_at: None,
    })
}

enum BodySource<'a> {
    Text(&'a str),
    Base64(&'a str),
    Value(&'a Value),
}

fn body_source(map: &Map<String, Value>) -> Result<BodySource<'_>, InputError> {
    match (map.get("body"), map.get("body_base64")) {
        (Some(_), Some(_)) => Err(InputError::BothBodies),
        (None, None) => Err(InputError::MissingBody),
        (Some(Value::String(s)), None) => Ok(BodySource::Text(s)),
        (Some(v), None) => Ok(BodySource::Value(v)),
        (None, Some(Value::String(s))) => Ok(BodySource::Base64(s)),
        (None, Some(v)) => Err(InputError::NotAString {
            field: "body_base64",
            found: crate::json::kind_of(v),
        }),
    }
}

fn optional_string<'a>(
    map: &'a Map<String, Value>,
    field: &'static str,
) -> Result<Option<&'a str>, InputError> {
    match map.get(field) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(v) => Err(InputError::NotAString {
            field,
            found: crate::json::kind_of(v),
        }),
    }
}

fn decode_base64(b64: &str) -> Result<Vec<u8>, InputError> {
    base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .map_err(|e| InputError::Base64 {
            reason: e.to_string(),
        })
}

/// `[["name", "value"], ...]`, the capture's shape (duplicates and order kept).
fn header_pairs(v: &Value) -> Result<Vec<(String, String)>, InputError> {
    let err = |detail: String| InputError::HeaderPairs { detail };
    let Value::Array(items) = v else {
        return Err(err(format!("found {}", crate::json::kind_of(v))));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| match item.as_array().map(Vec::as_slice) {
            Some([Value::String(n), Value::String(v)]) => Ok((n.clone(), v.clone())),
            Some([_, _]) => Err(err(format!("item {} is not a pair of strings", i + 1))),
            Some(other) => Err(err(format!(
                "item {} has {} elements, not 2",
                i + 1,
                other.len()
            ))),
            None => Err(err(format!(
                "item {} is {}",
                i + 1,
                crate::json::kind_of(item)
            ))),
        })
        .collect()
}

/// `header_values_base64`'s shape, named in words (the index range is checked against the
/// headers after).
fn header_bytes_shape(v: &Value) -> Result<(), InputError> {
    let err = |detail: String| InputError::HeaderBytes { detail };
    let Value::Object(entries) = v else {
        return Err(err(format!("found {}", crate::json::kind_of(v))));
    };
    for (key, b64) in entries {
        let Value::String(b64) = b64 else {
            return Err(err(format!(
                "\"{}\" is {}",
                shown(key),
                crate::json::kind_of(b64)
            )));
        };
        super::header_entry(key, b64).map_err(err)?;
    }
    Ok(())
}

/// `{"name": "value", ...}`, the loose form's shape. Numbers and booleans are taken as their
/// JSON text, since hand-written files put Unix timestamps in unquoted.
fn header_object(obj: &Map<String, Value>) -> Result<Vec<(String, String)>, InputError> {
    obj.iter()
        .map(|(name, value)| match value {
            Value::String(s) => Ok((name.clone(), s.clone())),
            Value::Number(_) | Value::Bool(_) => Ok((name.clone(), value.to_string())),
            other => Err(InputError::HeaderObject {
                detail: format!(
                    "header \"{}\" is {}",
                    shown(name),
                    crate::json::kind_of(other)
                ),
            }),
        })
        .collect()
}

// ---- raw HTTP/1.x ----

/// `owner`, when given, holds `text`: the body is then a view into it rather than a copy.
fn parse_http(text: &[u8], owner: Option<&Bytes>) -> Result<Request, InputError> {
    let http_err = |reason: String| InputError::Http { reason };
    // httparse reads bare-LF line ends as well as CRLF, so hand-saved files parse as they are
    // and the body after the head is never touched.
    let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut slots);
    let head_len = match parsed.parse(text) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Err(InputError::HttpIncomplete),
        Err(httparse::Error::TooManyHeaders) => {
            return Err(http_err(format!("more than {MAX_HEADERS} headers")))
        }
        Err(e) => return Err(http_err(e.to_string())),
    };
    if parsed.version != Some(1) && parsed.version != Some(0) {
        return Err(http_err("only HTTP/1.0 and HTTP/1.1 dumps are read".into()));
    }
    // A value with bytes that are not UTF-8 (obs-text) is kept exactly, beside its text.
    let (headers, header_bytes) =
        HeaderBytes::split(parsed.headers.iter().map(|h| (h.name, h.value)));
    let rest = &text[head_len..];
    let body = match (http_body(&headers, rest)?, owner) {
        (Cow::Borrowed(b), Some(owner)) => owner.slice_ref(b),
        (Cow::Borrowed(b), None) => Bytes::copy_from_slice(b),
        (Cow::Owned(b), _) => Bytes::from(b),
    };
    Ok(Request {
        method: parsed.method.unwrap_or("POST").to_string(),
        path: parsed.path.unwrap_or("/").to_string(),
        headers,
        header_bytes,
        body,
        body_form: BodyForm::Exact,
        body_omitted: None,
        received_at: None,
    })
}

/// The body as framed by the head: chunked, Content-Length, or (hand-written dumps often have
/// neither) everything after the blank line.
fn http_body<'a>(
    headers: &[(String, String)],
    rest: &'a [u8],
) -> Result<Cow<'a, [u8]>, InputError> {
    fn values<'a>(headers: &'a [(String, String)], name: &'a str) -> impl Iterator<Item = &'a str> {
        headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    }
    if let Some(te) = values(headers, "transfer-encoding").last() {
        // Transfer-Encoding overrides Content-Length (RFC 9112 §6.3).
        return if te.eq_ignore_ascii_case("chunked") {
            decode_chunked(rest).map(Cow::Owned)
        } else {
            Err(InputError::TransferEncoding { value: shown(te) })
        };
    }
    let mut lengths = values(headers, "content-length");
    let Some(first) = lengths.next() else {
        return Ok(Cow::Borrowed(rest));
    };
    if let Some(second) = lengths.find(|v| *v != first) {
        return Err(InputError::ConflictingContentLength {
            first: shown(first),
            second: shown(second),
        });
    }
    // Digits only (RFC 9110 §8.6): Rust's parse would take a leading `+` too.
    let bad_length = || InputError::BadContentLength {
        value: shown(first),
    };
    if first.is_empty() || !first.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad_length());
    }
    let declared: u64 = first.parse().map_err(|_| bad_length())?;
    let mismatch = || InputError::ContentLength {
        declared,
        present: rest.len(),
    };
    let len = usize::try_from(declared).map_err(|_| mismatch())?;
    // A final newline after the body is the editor's or `echo`'s, outside the framing.
    let tail = rest.get(len..).ok_or_else(mismatch)?;
    if tail.is_empty() || tail == b"\n" || tail == b"\r\n" {
        Ok(Cow::Borrowed(&rest[..len]))
    } else {
        Err(mismatch())
    }
}

/// A chunked body decoded. Line ends may be bare LF, as in a dump saved by hand (httparse
/// reads the chunk-size line once given CRLF); after the last chunk and its trailers nothing
/// but a final newline may follow, as after a Content-Length body.
fn decode_chunked(mut rest: &[u8]) -> Result<Vec<u8>, InputError> {
    let err = |reason: String| InputError::Chunked { reason };
    // The line at the start of `rest` without its end, and what follows it.
    let line = |rest: &[u8]| -> Option<(usize, usize)> {
        let nl = memchr::memchr(b'\n', rest)?;
        let end = if nl > 0 && rest[nl - 1] == b'\r' {
            nl - 1
        } else {
            nl
        };
        Some((end, nl + 1))
    };
    let mut body = Vec::new();
    loop {
        let Some((end, next)) = line(rest) else {
            return Err(err("the body ends inside a chunk-size line".into()));
        };
        let mut size_line = rest[..end].to_vec();
        size_line.extend_from_slice(b"\r\n");
        let size = match httparse::parse_chunk_size(&size_line) {
            Ok(httparse::Status::Complete((_, size))) => size,
            _ => return Err(err("a chunk-size line is not a hex size".into())),
        };
        rest = &rest[next..];
        if size == 0 {
            // Trailers, if any, carry nothing the checks use; a blank line ends them.
            while let Some((end, next)) = line(rest) {
                rest = &rest[next..];
                if end == 0 {
                    break;
                }
            }
            if !rest.trim_ascii().is_empty() {
                return Err(err(format!("{} bytes follow the last chunk", rest.len())));
            }
            return Ok(body);
        }
        let chunk = usize::try_from(size)
            .ok()
            .and_then(|n| rest.get(..n))
            .ok_or_else(|| {
                err(format!(
                    "a chunk says {size} bytes but {} follow",
                    rest.len()
                ))
            })?;
        body.extend_from_slice(chunk);
        rest = &rest[chunk.len()..];
        rest = rest
            .strip_prefix(b"\r\n")
            .or_else(|| rest.strip_prefix(b"\n"))
            .ok_or_else(|| err("a chunk is not followed by a line end".into()))?;
    }
}

/// The first top-level field of a JSON object given twice, if any.
fn duplicate_field(text: &[u8]) -> Option<String> {
    struct Fields;
    impl<'de> serde::de::Visitor<'de> for Fields {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut a: A,
        ) -> Result<Self::Value, A::Error> {
            let mut seen = std::collections::HashSet::new();
            while let Some(key) = a.next_key::<String>()? {
                a.next_value::<serde::de::IgnoredAny>()?;
                if !seen.insert(key.clone()) {
                    return Ok(Some(key));
                }
            }
            Ok(None)
        }
    }
    let mut de = serde_json::Deserializer::from_slice(text);
    serde::Deserializer::deserialize_map(&mut de, Fields)
        .ok()
        .flatten()
}

/// Input text quoted in an error, cut when long.
fn shown(s: &str) -> String {
    super::clip(s, 80)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    const BODY: &str = r#"{"uid":"2976050","s_first_name":"Ann"}"#;

    fn capture_json() -> String {
        let c = Capture::new(
            "POST",
            "/webhooks",
            vec![
                ("content-type".into(), "application/json".into()),
                ("x-topic".into(), "client.created".into()),
            ],
            BODY.as_bytes(),
        );
        serde_json::to_string_pretty(&c).unwrap()
    }

    fn raw(line_end: &str, body: &str) -> String {
        [
            "POST /webhooks?x=1 HTTP/1.1",
            "Host: 127.0.0.1:9000",
            "content-type: application/json",
            "x-topic: client.created",
            &format!("content-length: {}", body.len()),
            "",
            "",
        ]
        .join(line_end)
            + body
    }

    fn err(name: &str, input: &[u8]) -> String {
        parse_input(name, input).unwrap_err().to_string()
    }

    #[test]
    fn reads_a_capture_document() {
        let json = capture_json();
        assert_eq!(detect_kind(json.as_bytes()), Kind::Capture);
        let r = parse_input("c.json", json.as_bytes()).unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(r.path, "/webhooks");
        assert_eq!(r.headers[1], ("x-topic".into(), "client.created".into()));
        assert_eq!(r.body, BODY.as_bytes());
        assert_eq!(r.body_form, BodyForm::Exact);
    }

    /// `"body_omitted": null` (a writer that emits every field) is no reason: the body is read.
    #[test]
    fn a_null_body_omitted_keeps_the_body() {
        let json = capture_json();
        let with_null =
            json.trim_end().strip_suffix('}').unwrap().to_string() + r#","body_omitted": null}"#;
        let r = parse_input("c.json", with_null.as_bytes()).unwrap();
        assert_eq!(r.body, BODY.as_bytes());
        assert_eq!(r.body_omitted, None);
        let with_reason = with_null.replace("null", r#""too big""#);
        let r = parse_input("c.json", with_reason.as_bytes()).unwrap();
        assert_eq!(r.body_omitted.as_deref(), Some("too big"));
    }

    /// A field given twice is refused: which of the two a reader takes would decide the
    /// verdict (serde_json takes the last, others the first).
    #[test]
    fn a_field_given_twice_is_refused() {
        let json = capture_json();
        let tail = |extra: &str| json.trim_end().strip_suffix('}').unwrap().to_string() + extra;
        for (doc, field) in [
            (tail(r#","body": "{}"}"#), "body"),
            (tail(r#","headers": []}"#), "headers"),
            (tail(r#","bo\u0064y": "{}"}"#), "body"),
        ] {
            assert_eq!(
                err("c.json", doc.as_bytes()),
                format!("\"{field}\" is given twice; keep one (readers differ on which counts)")
            );
        }
        // The loose form too.
        let loose = r#"{"headers": {}, "body": "{}", "body": "[]"}"#;
        assert!(err("l.json", loose.as_bytes()).contains("given twice"));
    }

    #[test]
    fn reads_a_binary_capture_body_from_base64() {
        let c = Capture::new("POST", "/", vec![], b"\xff\x00{}");
        let json = serde_json::to_vec(&c).unwrap();
        assert_eq!(&parse_input("x", &json).unwrap().body[..], b"\xff\x00{}");
    }

    #[test]
    fn reads_a_capture_with_bom_and_leading_blank_lines() {
        let mut bytes = b"\xEF\xBB\xBF\n\n".to_vec();
        bytes.extend_from_slice(capture_json().as_bytes());
        assert_eq!(parse_input("c", &bytes).unwrap().body, BODY.as_bytes());
    }

    #[test]
    fn reads_raw_http_with_crlf_and_bare_lf() {
        for end in ["\r\n", "\n"] {
            let text = raw(end, BODY);
            assert_eq!(detect_kind(text.as_bytes()), Kind::RawHttp);
            let r = parse_input("r.http", text.as_bytes()).unwrap();
            assert_eq!(r.method, "POST");
            assert_eq!(r.path, "/webhooks?x=1");
            assert_eq!(r.headers.len(), 4);
            assert_eq!(r.headers[2], ("x-topic".into(), "client.created".into()));
            assert_eq!(r.body, BODY.as_bytes(), "{end:?}");
        }
    }

    /// A value with bytes that are not UTF-8 is read as its lossy text, its bytes kept exactly.
    #[test]
    fn raw_http_keeps_header_bytes_that_are_not_utf8() {
        let text = raw("\r\n", BODY).replacen(
            "x-topic: client.created",
            "x-topic: client.created\r\nx-note: caf\u{e9}",
            1,
        );
        // 'é' as one Latin-1 byte (0xE9), as an old client or a proxy sends it.
        let bytes: Vec<u8> = text
            .chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap())
            .collect();
        let r = parse_input("r.http", &bytes).unwrap();
        assert_eq!(r.headers[3], ("x-note".into(), "caf\u{fffd}".into()));
        assert_eq!(r.header_bytes.get(3), Some(&b"caf\xe9"[..]));
        assert_eq!(r.header_bytes.iter().count(), 1);
        let exact: Vec<(&str, &[u8])> = r.exact_headers().collect();
        assert_eq!(exact[3], ("x-note", &b"caf\xe9"[..]));
        assert_eq!(exact[2], ("x-topic", &b"client.created"[..]));
    }

    #[test]
    fn raw_http_body_is_never_normalised() {
        let body = "{\"a\":\"x\"}\r\n\n  \r\n";
        for end in ["\r\n", "\n"] {
            let r = parse_input("r", raw(end, body).as_bytes()).unwrap();
            assert_eq!(r.body, body.as_bytes());
        }
    }

    #[test]
    fn raw_http_tolerates_one_final_newline_outside_the_framing() {
        for tail in ["\n", "\r\n"] {
            let text = raw("\r\n", BODY) + tail;
            assert_eq!(
                parse_input("r", text.as_bytes()).unwrap().body,
                BODY.as_bytes()
            );
        }
        let text = raw("\r\n", BODY) + "\n\n";
        assert!(err("r", text.as_bytes()).contains("Content-Length says"));
    }

    #[test]
    fn raw_http_without_content_length_takes_the_rest() {
        let text = format!("POST / HTTP/1.1\r\nx-topic: a.b\r\n\r\n{BODY}");
        assert_eq!(
            parse_input("r", text.as_bytes()).unwrap().body,
            BODY.as_bytes()
        );
    }

    #[test]
    fn raw_http_chunked_is_decoded() {
        let text = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n\
                    5\r\n{\"a\":\r\n3;ext=1\r\n1}\n\r\n0\r\nx-trailer: 1\r\n\r\n";
        assert_eq!(
            &parse_input("r", text.as_bytes()).unwrap().body[..],
            b"{\"a\":1}\n"
        );
        let bad = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nshort";
        assert_eq!(
            err("r", bad.as_bytes()),
            "invalid chunked body: a chunk says 16 bytes but 5 follow"
        );
        let bad = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n";
        assert!(err("r", bad.as_bytes()).starts_with("invalid chunked body"));
        let bad = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc";
        assert!(err("r", bad.as_bytes()).contains("not followed by a line end"));
        // Line ends of bare LF, as in a dump saved by hand; a final newline after the end.
        let lf = "POST / HTTP/1.1\nTransfer-Encoding: chunked\n\n5\n{\"a\":\n2\n1}\n0\n\n\n";
        assert_eq!(
            &parse_input("r", lf.as_bytes()).unwrap().body[..],
            b"{\"a\":1}"
        );
        // Anything else after the last chunk is not part of this request.
        let extra =
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\nGARBAGE";
        assert_eq!(
            err("r", extra.as_bytes()),
            "invalid chunked body: 7 bytes follow the last chunk"
        );
        let gz = "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n";
        assert_eq!(
            err("r", gz.as_bytes()),
            "Transfer-Encoding 'gzip' is not supported (only chunked)"
        );
    }

    #[test]
    fn raw_http_content_length_errors() {
        let text = raw("\r\n", BODY).replace("content-length: 38", "content-length: 120");
        assert_eq!(
            err("r", text.as_bytes()),
            "Content-Length says 120 but 38 bytes follow"
        );
        let short = raw("\r\n", BODY).replace("content-length: 38", "content-length: 10");
        assert_eq!(
            err("r", short.as_bytes()),
            "Content-Length says 10 but 38 bytes follow"
        );
        for value in ["ten", "+38", "0x26", "3 8"] {
            let bad = raw("\r\n", BODY)
                .replace("content-length: 38", &format!("content-length: {value}"));
            assert_eq!(
                err("r", bad.as_bytes()),
                format!("Content-Length '{value}' is not a number of bytes")
            );
        }
        let two = raw("\r\n", BODY).replace(
            "content-length: 38",
            "content-length: 38\r\nContent-Length: 40",
        );
        assert!(err("r", two.as_bytes()).starts_with("conflicting Content-Length"));
        let huge =
            raw("\r\n", BODY).replace("content-length: 38", "content-length: 99999999999999999999");
        assert!(err("r", huge.as_bytes()).contains("not a number"));
    }

    #[test]
    fn raw_http_head_errors() {
        assert_eq!(
            err("r", b"POST / HTTP/1.1\r\nx-topic: a"),
            "the raw HTTP request has no blank line after its headers (truncated?)"
        );
        assert!(err("r", b"POST / HTTP/1.1\r\nbad header\r\n\r\n")
            .starts_with("invalid raw HTTP request"));
        assert!(err("r", b"POST / HTTP/2.0\r\n\r\n").starts_with("invalid raw HTTP request"));
        let many: String = (0..300).map(|i| format!("x-{i}: v\r\n")).collect();
        let text = format!("POST / HTTP/1.1\r\n{many}\r\n");
        assert!(err("r", text.as_bytes()).contains("more than 256 headers"));
    }

    #[test]
    fn reads_the_loose_form_with_a_string_body() {
        let text = r#"{"headers": {"X-Topic": "client.created", "x-generated-at": 1737403800},
                       "body": "{\"a\": 1}\n"}"#;
        assert_eq!(detect_kind(text.as_bytes()), Kind::LooseForm);
        let r = parse_input("l.json", text.as_bytes()).unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(r.path, "/");
        assert_eq!(
            r.headers,
            [
                ("X-Topic".to_string(), "client.created".to_string()),
                ("x-generated-at".to_string(), "1737403800".to_string())
            ]
        );
        assert_eq!(&r.body[..], b"{\"a\": 1}\n");
        assert_eq!(r.body_form, BodyForm::Exact);
    }

    #[test]
    fn loose_json_value_body_is_serialised_compactly_in_written_order() {
        let text = r#"{"method": "PUT", "path": "/in", "headers": [["x-topic", "a.b"]],
                       "body": {"z": 1, "a": [true, null, "é/"], "m": {"y": 2.5}}}"#;
        let r = parse_input("l", text.as_bytes()).unwrap();
        assert_eq!((r.method.as_str(), r.path.as_str()), ("PUT", "/in"));
        assert_eq!(
            r.body,
            r#"{"z":1,"a":[true,null,"é/"],"m":{"y":2.5}}"#.as_bytes()
        );
        assert_eq!(r.body_form, BodyForm::CompactJson);
        let b64 = r#"{"headers": {}, "body_base64": "/wA="}"#;
        assert_eq!(
            &parse_input("l", b64.as_bytes()).unwrap().body[..],
            b"\xff\x00"
        );
    }

    #[test]
    fn json_errors_name_what_is_wrong() {
        let json = capture_json();
        let cut = &json.as_bytes()[..json.find("\"path\"").unwrap()];
        let e = err("c.json", cut);
        assert!(e.starts_with("truncated JSON at line "), "{e}");
        assert_eq!(
            err("c", b"{\n  \"a\": 1,\n  \"b\" 2\n}"),
            "invalid JSON at line 3 column 7: expected `:`"
        );
        assert_eq!(
            err("c", b"[1, 2]"),
            "the JSON document is an array, not an object (a capture, or {\"headers\": ..., \"body\": ...})"
        );
        assert!(err("c", br#"{"uid": "1"}"#).contains("a bare body?"));
    }

    #[test]
    fn capture_shape_errors() {
        let base = serde_json::from_str::<Value>(&capture_json()).unwrap();
        let with = |f: &dyn Fn(&mut Map<String, Value>)| {
            let mut v = base.clone();
            f(v.as_object_mut().unwrap());
            err("c", v.to_string().as_bytes())
        };
        assert_eq!(
            with(&|m| {
                m.remove("body");
            }),
            "missing \"body\" (or \"body_base64\" for bytes that are not UTF-8)"
        );
        assert_eq!(
            with(&|m| {
                m.remove("headers");
            }),
            "missing \"headers\" (a list of [name, value] pairs)"
        );
        let shape = |h: Value| {
            with(&|m| {
                m.insert("headers".into(), h.clone());
            })
        };
        assert_eq!(
            shape(serde_json::json!({"x-topic": "a.b"})),
            "headers must be a list of [name, value] pairs (found an object)"
        );
        assert_eq!(
            shape(serde_json::json!([["a", "b"], "x-topic: a.b"])),
            "headers must be a list of [name, value] pairs (item 2 is a string)"
        );
        assert_eq!(
            shape(serde_json::json!([["a", "b", "c"]])),
            "headers must be a list of [name, value] pairs (item 1 has 3 elements, not 2)"
        );
        assert_eq!(
            shape(serde_json::json!([["a", 1]])),
            "headers must be a list of [name, value] pairs (item 1 is not a pair of strings)"
        );
        assert_eq!(
            with(&|m| {
                m.remove("body");
                m.insert("body_base64".into(), "not base64!".into());
            }),
            "invalid base64 in body_base64: Invalid symbol 32, offset 3."
        );
        assert_eq!(
            with(&|m| {
                m.insert("body_base64".into(), "AA==".into());
            }),
            "\"body\" and \"body_base64\" are both given; keep one"
        );
        assert_eq!(
            with(&|m| {
                m.insert("body".into(), serde_json::json!({"a": 1}));
            }),
            "\"body\" must be a string, not an object"
        );
        assert_eq!(
            with(&|m| {
                m.insert("wl_hook_capture".into(), 2.into());
            }),
            "capture format version 2 is newer than this wl-hook reads (1)"
        );
        assert_eq!(
            with(&|m| {
                m.remove("method");
            }),
            "not a valid capture: missing field `method`"
        );
        let exact = |v: Value| {
            with(&|m| {
                m.insert("header_values_base64".into(), v.clone());
            })
        };
        let shape = "header_values_base64 must be an object of \"index\": \"base64\" strings";
        assert_eq!(
            exact(serde_json::json!(null)),
            format!("{shape} (found null)")
        );
        assert_eq!(
            exact(serde_json::json!({"1": 3})),
            format!("{shape} (\"1\" is a number)")
        );
        assert_eq!(
            exact(serde_json::json!({"01": "AA=="})),
            format!("{shape} (\"01\" is not an index (0, 1, 2, ...))")
        );
        assert_eq!(
            exact(serde_json::json!({"x-topic": "AA=="})),
            format!("{shape} (\"x-topic\" is not an index (0, 1, 2, ...))")
        );
        assert_eq!(
            exact(serde_json::json!({"1": "%%"})),
            format!("{shape} (invalid base64 at \"1\": Invalid symbol 37, offset 0.)")
        );
        assert_eq!(
            exact(serde_json::json!({"2": "6Q=="})),
            format!("{shape} (\"2\" is not the index of a header (there are 2))")
        );
    }

    /// The exact bytes win over the text at their index; bytes that are UTF-8 after all are
    /// that text.
    #[test]
    fn a_capture_reads_its_header_bytes() {
        let mut v = serde_json::from_str::<Value>(&capture_json()).unwrap();
        v["header_values_base64"] = serde_json::json!({"1": "Y2Fm6Q==", "0": "dGV4dA=="});
        let r = parse_input("c", v.to_string().as_bytes()).unwrap();
        assert_eq!(r.headers[0].1, "text");
        assert_eq!(r.headers[1].1, "caf\u{fffd}");
        assert_eq!(
            r.header_bytes.iter().collect::<Vec<_>>(),
            [(1, &b"caf\xe9"[..])]
        );
        assert_eq!(
            fast_capture(v.to_string().as_bytes()),
            Some(r),
            "the fast reading reads it too"
        );
    }

    #[test]
    fn loose_form_shape_errors() {
        assert_eq!(
            err("l", br#"{"body": "{}"}"#),
            "missing \"headers\" (an object of name: value strings)"
        );
        assert_eq!(
            err("l", br#"{"headers": {}}"#),
            "missing \"body\" (or \"body_base64\" for bytes that are not UTF-8)"
        );
        assert_eq!(
            err("l", br#"{"headers": {"x-topic": ["a"]}, "body": ""}"#),
            "headers must be an object of name: value strings, or a list of [name, value] pairs (header \"x-topic\" is an array)"
        );
        assert!(err("l", br#"{"headers": "x", "body": ""}"#).ends_with("(found a string)"));
        assert_eq!(
            err("l", br#"{"headers": {}, "body": "", "path": 3}"#),
            "\"path\" must be a string, not a number"
        );
    }

    #[test]
    fn unreadable_files_are_refused_fast() {
        assert_eq!(err("e", b""), "empty file");
        assert_eq!(err("e", b" \r\n\t"), "the file holds only whitespace");
        assert_eq!(
            err("p.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            "not a capture, raw HTTP request or loose JSON form (starts with bytes 0x89 0x50 0x4e 0x47...)"
        );
        assert_eq!(
            err("t.txt", b"hello there, this is text"),
            "not a capture, raw HTTP request or loose JSON form (starts with \"hello there, thi...\")"
        );
        assert!(err("t.json", b"hello").starts_with("invalid JSON at line 1 column 1"));
        assert_eq!(detect_kind(b"\x00\x01"), Kind::Unknown);
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let mut blob = vec![0u8; 4 << 20];
        rng.fill(&mut blob[..]);
        for first in [b'{', b'P', 0x89] {
            blob[0] = first;
            assert!(parse_input("blob", &blob).is_err());
        }
        blob[..16].copy_from_slice(b"POST / HTTP/1.1\n");
        assert!(parse_input("blob", &blob).is_err());
    }

    /// The one-pass reading of capture documents accepts nothing the general path refuses,
    /// and reads what it accepts into the same request.
    #[test]
    fn the_fast_capture_reading_agrees_with_the_general_one() {
        let agree = |text: &[u8]| match fast_capture(text) {
            Some(fast) => {
                assert_eq!(
                    Ok(fast),
                    parse_json_general(text),
                    "{}",
                    String::from_utf8_lossy(text)
                );
                true
            }
            None => false,
        };
        let doc = capture_json();
        assert!(agree(doc.as_bytes()));
        let b64 = serde_json::to_string(&Capture::new("POST", "/", vec![], b"\xff")).unwrap();
        assert!(agree(b64.as_bytes()));
        let headers: [(&str, &[u8]); 3] = [("a", b"1"), ("b", b"\xe9"), ("c", b"\xff\xfe")];
        let exact =
            serde_json::to_string(&Capture::from_exact("POST", "/", headers, b"{}")).unwrap();
        assert!(exact.contains("header_values_base64"), "{exact}");
        assert!(agree(exact.as_bytes()));
        let tail =
            |extra: &str| doc.trim_end().strip_suffix('}').unwrap().to_string() + extra + "}";
        for refused in [
            tail(r#","body_base64": "AA==""#),
            tail(r#","body_omitted": null"#),
            tail(r#","unknown": 1e400"#),
            tail(r#","path": "/again""#),
            doc.replace(r#""wl_hook_capture": 1"#, r#""wl_hook_capture": 2"#),
            doc.replace(r#""body": "#, r#""body": null, "x": "#),
            b64.replace("body_base64", "body\\u005fbase64")
                .replace(r#""/w==""#, "null"),
            exact.replace(r#""1":"#, r#""01":"#),
            exact.replace(r#""1":"#, r#""3":"#),
            exact.replace(r#""1":"#, r#""2":"#),
            exact.replace(r#""6Q==""#, r#""6Q=""#),
            exact.replace(r#"{"1":"#, r#"null, "x": {"1":"#),
        ] {
            assert!(!agree(refused.as_bytes()), "{refused}");
        }
        // Seeded mutations of documents: whatever the fast reading accepts, the general agrees.
        let mut rng = rand::rngs::StdRng::seed_from_u64(0xfa57);
        let escapes = r#"{"wl_hook_capture": 1, "method": "POST", "path": "/", "headers": [],
            "body": "{\"a\":\"\u00e9\/\ud83d\ude00\\\b\f\n\r\t\"}"}"#;
        assert!(agree(escapes.as_bytes()));
        let seeds = [
            doc.into_bytes(),
            b64.into_bytes(),
            exact.into_bytes(),
            escapes.as_bytes().to_vec(),
        ];
        const SPECIAL: &[u8] = b"{}[]\\\":,0n";
        let mut accepted = 0;
        for i in 0..6000 {
            let mut bytes = seeds[i % seeds.len()].clone();
            for _ in 0..rng.random_range(1..3) {
                let at = rng.random_range(0..bytes.len());
                match rng.random_range(0..3) {
                    0 => bytes[at] = rng.random_range(b' '..=b'~'),
                    1 => bytes.insert(at, SPECIAL[rng.random_range(0..SPECIAL.len())]),
                    _ => {
                        bytes.remove(at);
                    }
                }
            }
            accepted += usize::from(agree(&bytes));
        }
        assert!(accepted > 100, "{accepted}");
    }

    #[test]
    fn body_strings_are_unescaped_as_serde_json_reads_them() {
        let un = |lit: &str| unescape_string(lit.as_bytes()).map(|b| String::from_utf8(b).unwrap());
        let known = [
            (r#""""#, ""),
            (r#""plain text""#, "plain text"),
            (r#""{\"a\":1}""#, r#"{"a":1}"#),
            (r#""\\\"\/\b\f\n\r\t""#, "\\\"/\u{8}\u{c}\n\r\t"),
            (r#""\\\\""#, r"\\"),
            (r#""a\\nb""#, r"a\nb"),
            (r#""\u00e9\u00E9 \u20ac \u0000""#, "éé € \0"),
            (r#""\ud83d\ude00!""#, "😀!"),
            (r#""\uD83D\uDE00""#, "😀"),
            ("\"é 😀 raw\"", "é 😀 raw"),
        ];
        for (lit, want) in known {
            assert_eq!(un(lit).as_deref(), Some(want), "{lit}");
            assert_eq!(serde_json::from_str::<String>(lit).unwrap(), want, "{lit}");
        }
        assert_eq!(unescape_string(b"\"a\xff\""), None);
        assert_eq!(unescape_string(b"\"\xc3\""), None);
        assert_eq!(
            unescape_string("\"\u{e9}\"".as_bytes()),
            Some("\u{e9}".into())
        );
        for refused in [
            r#""\ud800""#,
            r#""\ud800x""#,
            r#""\ud800\u0041""#,
            r#""\udc00\ud800""#,
            r#""\ude00""#,
            r#""\u12""#,
            r#""\u12g4""#,
            r#""\x41""#,
            r#""\'""#,
            r#""ends in \""#,
            r#""a"b""#,
            "\"tab\tinside\"",
            "\"nl\ninside\"",
            "no quotes",
            "\"",
            "null",
        ] {
            assert_eq!(un(refused), None, "{refused}");
        }
        // Seeded strings of escapes and their pieces: decoded alike, refused alike.
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x5c);
        const PIECES: &[&str] = &[
            "\\", "\"", "u", "ud83d", "ude00", "ud800", "00e9", "0041", "n", "t", "/", "b", "f",
            "r", "x", "a", "é", "😀", "\t", "AB", "\\u", "\\\\",
        ];
        let mut decoded = 0;
        for _ in 0..20_000 {
            let n = rng.random_range(0..24);
            let inner: String = (0..n)
                .map(|_| PIECES[rng.random_range(0..PIECES.len())])
                .collect();
            let lit = format!("\"{inner}\"");
            let serde = serde_json::from_str::<String>(&lit).ok();
            assert_eq!(un(&lit), serde, "{lit}");
            for parts in 2..6 {
                let split = unescape_in_parts(inner.as_bytes(), parts);
                let split = split.map(|b| String::from_utf8(b).unwrap());
                assert_eq!(split, serde, "{lit} in {parts} parts");
            }
            decoded += usize::from(serde.is_some());
        }
        assert!(decoded > 1000, "{decoded}");
        // Long enough to be decoded on every core, cut between escapes of every kind.
        const VALID: &[&str] = &[
            r#"\"k\":"#,
            r"\ud83d\ude00",
            r"\\",
            "é",
            r"\u00e9",
            r"\n",
            "plain text",
            r"\/",
        ];
        let long: String = (0..300_000)
            .map(|i| VALID[i * 5 % 7 % VALID.len()])
            .collect();
        let lit = format!("\"{long}\"");
        assert!(lit.len() > PARALLEL_UNESCAPE_FROM);
        let want = serde_json::from_str::<String>(&lit).unwrap();
        assert_eq!(un(&lit).unwrap(), want);
        for parts in [2, 3, 8] {
            let split = unescape_in_parts(long.as_bytes(), parts).unwrap();
            assert!(split == want.as_bytes(), "{parts} parts");
        }
    }

    /// A capture whose body holds every escape is read by the one-pass reading, and a body
    /// with a lone surrogate or a bad escape still gets the general path's error.
    #[test]
    fn capture_bodies_with_escapes() {
        let body = "{\"s\":\"\\\\ / \\b \\f \\n \\r \\t \\\" \\ud83d\\ude00 \u{e9} \u{1}\"}\n\t";
        let doc =
            serde_json::to_string(&Capture::new("POST", "/", vec![], body.as_bytes())).unwrap();
        let fast = fast_capture(doc.as_bytes()).expect("read in one pass");
        assert_eq!(&fast.body[..], body.as_bytes());
        assert_eq!(Ok(fast), parse_json_general(doc.as_bytes()));
        let hand = r#"{"wl_hook_capture": 1, "method": "POST", "path": "/", "headers": [],
                       "body": "\u00e9\/\ud83d\ude00\b\f"}"#;
        assert_eq!(
            &fast_capture(hand.as_bytes()).unwrap().body[..],
            "é/😀\u{8}\u{c}".as_bytes()
        );
        for (bad, error) in [
            (
                r#""\ud800""#,
                "invalid JSON at line 1 column 85: unexpected end of hex escape",
            ),
            (
                r#""\x""#,
                "invalid JSON at line 1 column 80: invalid escape",
            ),
            (
                r#""\u12""#,
                "invalid JSON at line 1 column 84: invalid escape",
            ),
            (
                r#""\udc00""#,
                "invalid JSON at line 1 column 84: lone leading surrogate in hex escape",
            ),
        ] {
            let doc = format!(
                r#"{{"wl_hook_capture": 1, "method": "POST", "path": "/", "headers": [], "body": {bad}}}"#
            );
            assert!(fast_capture(doc.as_bytes()).is_none(), "{doc}");
            assert_eq!(err("c.json", doc.as_bytes()), error, "{doc}");
        }
    }

    /// A document that ends with its string body is read without serde_json reading the body,
    /// into the same request; any other shape, or a guess that does not hold, is read whole.
    #[test]
    fn the_body_set_aside_reads_what_the_whole_document_says() {
        let doc = capture_json();
        let compact = serde_json::to_string(&Capture::new(
            "POST",
            "/",
            vec![("body".into(), "\"body\": \"x\"".into())],
            br#"{"body": "\"}"}"#,
        ))
        .unwrap();
        for text in [doc, compact.clone(), format!("{compact} \n")] {
            let set_aside = body_set_aside(text.as_bytes()).expect(&text);
            assert_eq!(Ok(set_aside), parse_json_general(text.as_bytes()), "{text}");
        }
        let head = r#"{"wl_hook_capture": 1, "method": "POST", "path": "/", "headers": []"#;
        for (text, fast) in [
            // The body is not last: the guess runs to the last string, and is refused.
            (format!(r#"{head}, "body": "a", "url": "u"}}"#), true),
            (
                format!(r#"{head}, "body": "a", "url": "\"body\": \"u"}}"#),
                true,
            ),
            // Another "body" first: serde_json reads no body where it was guessed.
            (
                format!(r#"{head}, "body": 1, "body_omitted": {{"body": "s"}}}}"#),
                false,
            ),
            // A body that is no string, two bodies, a string cut short.
            (format!(r#"{head}, "body": 1, "x": "a"}}"#), false),
            (format!(r#"{head}, "body": "a", "body": "b"}}"#), false),
            (format!(r#"{head}, "body": "a\"}}"#), false),
        ] {
            assert!(body_set_aside(text.as_bytes()).is_none(), "{text}");
            assert_eq!(fast_capture(text.as_bytes()).is_some(), fast, "{text}");
            if let Some(req) = fast_capture(text.as_bytes()) {
                assert_eq!(Ok(req), parse_json_general(text.as_bytes()), "{text}");
            }
        }
        let quoted = format!(r#"{{"url": "\"body\": \"", {}, "body": "b"}}"#, &head[1..]);
        assert!(body_set_aside(quoted.as_bytes()).is_some());
        let backslash = format!(r#"{head}, "body": "a\\"}}"#);
        let req = body_set_aside(backslash.as_bytes()).unwrap();
        assert_eq!(&req.body[..], b"a\\");
        // Not UTF-8 inside the body: refused by both.
        let mut bad = format!(r#"{head}, "body": "a_b"}}"#).into_bytes();
        let at = bad.len() - 4;
        bad[at] = 0xff;
        assert!(fast_capture(&bad).is_none());
        assert!(parse_json_general(&bad).is_err());
    }

    /// Seeded mutations and truncations of valid inputs never panic, in the parser or in the
    /// checks run on whatever still parses.
    #[test]
    fn no_input_panics() {
        const SPECIAL: &[u8] = b"{}[]\":,\r\n 0\\";
        let keys = [crate::judge::NamedKey {
            label: "k".into(),
            key: crate::protocol::dev_secret(),
        }];
        let opts = crate::judge::CheckOptions::default();
        let seeds: Vec<Vec<u8>> = vec![
            capture_json().into_bytes(),
            serde_json::to_vec(&Capture::new("POST", "/", vec![], b"\xff\xfe")).unwrap(),
            serde_json::to_vec(&Capture::from_exact(
                "POST",
                "/",
                [("x-topic", &b"a.b"[..]), ("x-note", b"\xe9")],
                b"{}",
            ))
            .unwrap(),
            raw("\r\n", BODY).into_bytes(),
            raw("\n", BODY).into_bytes(),
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n".to_vec(),
            br#"{"headers": {"x-topic": "a.b"}, "body": {"a": [1, {"b": null}]}}"#.to_vec(),
            br#"{"headers": [["x-signature-256", "v1=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="],
                ["x-generated-at", "1737403800"], ["x-payload-key", "00"]],
                "body": "{\"a\": \"\u00e9/\"}\n"}"#.to_vec(),
        ];
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x5eed);
        for i in 0..2000 {
            let mut bytes = seeds[i % seeds.len()].clone();
            for _ in 0..rng.random_range(1..4) {
                if bytes.is_empty() {
                    break;
                }
                let at = rng.random_range(0..bytes.len());
                match rng.random_range(0..4) {
                    0 => bytes.truncate(at),
                    1 => bytes[at] = rng.random(),
                    2 => bytes.insert(at, SPECIAL[rng.random_range(0..SPECIAL.len())]),
                    _ => {
                        bytes.remove(at);
                    }
                }
            }
            if let Ok(r) = parse_input("fuzz", &bytes) {
                let report = crate::judge::check(&r, &keys, &opts);
                // Nine checks, and `method` for a request that is not a POST.
                let post = r.method.eq_ignore_ascii_case("POST");
                assert_eq!(report.checks.len(), if post { 9 } else { 10 });
            }
            let _ = detect_kind(&bytes);
        }
    }
}
