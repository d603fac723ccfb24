//! What `listen`'s browser inspector shows, as JSON for its page: each request is the line
//! `listen --json` prints (one model, two views); a request's details wrap that line with what it
//! leaves out (headers, the body for reading, verify's report, the app's answer, the change since
//! the record's previous delivery); an action answers with what the app said.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::Value;

use crate::delivery::{self, DeliveryError, Outcome};
use crate::judge::diff::Change;
use crate::judge::Report;
use crate::output::listen::{BodyMode, ListenView};
use crate::server::receiver::{Event, Received};

/// Write the event's `listen --json` line, with its newline.
pub fn write_line(out: &mut Vec<u8>, e: &Event) {
    let view = ListenView {
        json: true,
        body: BodyMode::Full,
    };
    // Writing to memory cannot fail.
    let _ = view.write_event(out, e);
}

/// The event's `listen --json` line as a value.
fn line_value(e: &Event) -> Value {
    let mut line = Vec::new();
    write_line(&mut line, e);
    serde_json::from_slice(&line).unwrap_or(Value::Null)
}

/// At most this much of a body is shown in hex.
const MAX_HEX: usize = 64 * 1024;

/// The body as the page shows it.
#[derive(Serialize)]
struct BodyView {
    /// `json` (pretty-printed), `text`, `hex` (not UTF-8) or `none` (not read).
    form: &'static str,
    text: String,
    /// Bytes in all; the hex view shows at most 64 KiB of them.
    bytes: usize,
}

fn body_view(r: &Received) -> BodyView {
    let Some(b) = &r.body else {
        return BodyView {
            form: "none",
            text: r.note.to_string(),
            bytes: 0,
        };
    };
    let pretty = r
        .body_is_json
        .then(|| serde_json::from_slice::<Value>(b).ok())
        .flatten()
        .and_then(|v| serde_json::to_string_pretty(&v).ok());
    let (form, text) = match (pretty, std::str::from_utf8(b)) {
        (Some(p), _) => ("json", p),
        (None, Ok(t)) => ("text", t.to_string()),
        (None, Err(_)) => ("hex", hex_dump(&b[..b.len().min(MAX_HEX)])),
    };
    BodyView {
        form,
        text,
        bytes: b.len(),
    }
}

/// Sixteen bytes a line: offset, hex, and the printable ASCII.
fn hex_dump(bytes: &[u8]) -> String {
    let mut out = String::new();
    for (i, chunk) in bytes.chunks(16).enumerate() {
        let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
        let ascii: String = chunk
            .iter()
            .map(|&b| {
                if b.is_ascii_graphic() || b == b' ' {
                    b as char
                } else {
                    '.'
                }
            })
            .collect();
        out.push_str(&format!("{:08x}  {:<47}  {ascii}\n", i * 16, hex.join(" ")));
    }
    out
}

#[derive(Serialize)]
struct ForwardedView<'a> {
    url: String,
    status: Option<u16>,
    error: Option<&'a str>,
    latency_ms: f64,
    headers: &'a [(String, String)],
    /// The start of the app's body, as text.
    body: Cow<'a, str>,
}

/// The delivery of the same record before this one.
#[derive(Serialize)]
pub struct Previous {
    pub seq: u64,
    /// What changed in the body; `None` when that delivery is no longer held.
    pub changes: Option<Vec<Change>>,
}

/// `GET /api/requests/SEQ`.
#[derive(Serialize)]
struct Detail<'a> {
    /// The `request` line of `listen --json`, as it printed it.
    request: Value,
    headers: Vec<(&'a str, Cow<'a, str>)>,
    body: BodyView,
    /// `verify`'s checks and diagnosis with listen's key; `null` under `--no-verify`.
    verify: Option<Report>,
    forwarded: Option<ForwardedView<'a>>,
    previous: Option<Previous>,
}

/// A request's details; for a refused connection, its line.
pub fn detail(e: &Event, verify: Option<Report>, previous: Option<Previous>) -> Value {
    let Event::Request(r) = e else {
        return line_value(e);
    };
    let d = Detail {
        request: line_value(e),
        headers: r
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), String::from_utf8_lossy(v.as_bytes())))
            .collect(),
        body: body_view(r),
        verify,
        forwarded: r.forwarded.as_ref().map(|f| ForwardedView {
            url: f.url.to_string(),
            status: f.status,
            error: f.error.as_deref(),
            latency_ms: delivery::ms(f.latency),
            headers: &f.response_headers,
            body: String::from_utf8_lossy(&f.response_body),
        }),
        previous,
    };
    serde_json::to_value(&d).unwrap_or(Value::Null)
}

/// `POST /api/requests/SEQ/resend`: what the app answered.
#[derive(Serialize)]
#[serde(tag = "type", rename = "resend")]
pub struct Resent<'a> {
    seq: u64,
    url: String,
    resigned: bool,
    status: Option<u16>,
    accepted: bool,
    latency_ms: f64,
    error: Option<&'a DeliveryError>,
    response_headers: &'a [(String, String)],
    response_body: Cow<'a, str>,
}

impl<'a> Resent<'a> {
    pub fn of(seq: u64, url: &reqwest::Url, resigned: bool, outcome: &'a Outcome) -> Resent<'a> {
        Resent {
            seq,
            url: url.to_string(),
            resigned,
            status: outcome.status,
            accepted: outcome.accepted(),
            latency_ms: delivery::ms(outcome.latency),
            error: outcome.error.as_ref(),
            response_headers: &outcome.response_headers,
            response_body: String::from_utf8_lossy(&outcome.response_body),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_dump_lines_have_offset_hex_and_ascii() {
        let bytes: Vec<u8> = (0x3e..0x52).collect();
        let want = format!(
            "00000000  3e 3f 40 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d  >?@ABCDEFGHIJKLM\n\
             00000010  4e 4f 50 51{}  NOPQ\n",
            " ".repeat(36)
        );
        assert_eq!(super::hex_dump(&bytes), want);
    }
}
