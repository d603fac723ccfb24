//! The view of `wl-hook send`: a line per delivery (in a large run, only the ones not accepted)
//! and a summary, for people; `delivery` and `summary` JSON lines for machines.

use std::collections::BTreeMap;
use std::io::{self, Write};

use reqwest::header::HeaderMap;
use serde::Serialize;

use super::{bad, dim, ok, sanitize, short_key, strong, warn};
use crate::delivery::{self, DeliveryError, Outcome, Percentiles};

/// Above this many deliveries, the human view lists only the ones not accepted.
const LIST_ALL_UP_TO: u64 = 50;
/// How many not-accepted deliveries a large run lists before summarising the rest.
const LIST_FAILURES_UP_TO: u64 = 20;
/// Response body shown by `-v`, in characters.
const VERBOSE_BODY_CHARS: usize = 1024;

/// One finished attempt.
pub struct Delivery<'a> {
    pub seq: u64,
    /// 0 for the original, then 1..=N for `--repeat-exact` copies.
    pub repeat: u32,
    pub event: &'a str,
    pub payload_key: &'a str,
    /// The request headers as sent, kept only for `-v`.
    pub request_headers: Option<&'a HeaderMap>,
    /// Signed correctly with the key in use (not `--tamper`, `--sign-with`, `--no-signature`):
    /// a refusal then points at the receiver.
    pub signed: bool,
    pub outcome: &'a Outcome,
}

/// The tallies of a whole run.
#[derive(Serialize)]
#[serde(tag = "type", rename = "summary")]
pub struct Summary<'a> {
    pub url: &'a str,
    pub sent: u64,
    pub accepted: u64,
    pub failed: u64,
    /// Failures by status code or error class.
    pub failed_by: &'a BTreeMap<String, u64>,
    #[serde(rename = "latency_ms")]
    pub latency: Percentiles,
    pub per_second: f64,
    pub elapsed_ms: f64,
}

/// `{"type":"delivery",...}`.
#[derive(Serialize)]
#[serde(tag = "type", rename = "delivery")]
struct DeliveryLine<'a> {
    seq: u64,
    repeat: u32,
    event: &'a str,
    url: &'a str,
    status: Option<u16>,
    accepted: bool,
    latency_ms: f64,
    payload_key: &'a str,
    error: Option<&'a DeliveryError>,
    explanation: Option<String>,
    location: Option<&'a str>,
}

impl Delivery<'_> {
    fn explanation(&self) -> Option<String> {
        if self.signed {
            self.outcome.explanation_signed()
        } else {
            self.outcome.explanation()
        }
    }
}

pub struct SendView<W: Write> {
    out: W,
    json: bool,
    verbose: bool,
    url: String,
    total: u64,
    repeats: u32,
    listed_failures: u64,
}

impl<W: Write> SendView<W> {
    /// A view of `total` deliveries to `url`, each sent `1 + repeats` times.
    pub fn new(out: W, json: bool, verbose: bool, url: &str, total: u64, repeats: u32) -> Self {
        SendView {
            out,
            json,
            verbose,
            url: url.to_string(),
            total,
            repeats,
            listed_failures: 0,
        }
    }

    /// Where the lines go.
    pub fn out(&mut self) -> &mut W {
        &mut self.out
    }

    pub fn delivery(&mut self, d: &Delivery) -> io::Result<()> {
        let o = d.outcome;
        if self.json {
            let line = DeliveryLine {
                seq: d.seq,
                repeat: d.repeat,
                event: d.event,
                url: &self.url,
                status: o.status,
                accepted: o.accepted(),
                latency_ms: delivery::ms(o.latency),
                payload_key: d.payload_key,
                error: o.error.as_ref(),
                explanation: d.explanation(),
                location: o.location(),
            };
            // When the lines are written is the writer's business (send hands them to its
            // output thread every few milliseconds).
            return super::json_line(&mut self.out, &line);
        }
        let everything = self.verbose || self.total <= LIST_ALL_UP_TO;
        if !everything && !o.accepted() {
            self.listed_failures += 1;
        }
        if !(everything || (!o.accepted() && self.listed_failures <= LIST_FAILURES_UP_TO)) {
            return Ok(());
        }
        self.line(d)?;
        if self.verbose {
            self.exchange(d)?;
        }
        Ok(())
    }

    fn line(&mut self, d: &Delivery) -> io::Result<()> {
        let o = d.outcome;
        let (mark, status) = if o.accepted() {
            (ok("✓"), ok(&o.status_text()))
        } else {
            (bad("✗"), bad(&o.status_text()))
        };
        let repeat = match (self.repeats, d.repeat) {
            (0, _) => String::new(),
            (_, 0) => "  original".to_string(),
            (n, r) => format!("  repeat {r}/{n}"),
        };
        write!(
            self.out,
            "{mark} {:<20} {:<18} {:>9}  key {}{}",
            strong(&sanitize(d.event)),
            status,
            format!("{:.1} ms", delivery::ms(o.latency)),
            short_key(&sanitize(d.payload_key)),
            dim(&repeat)
        )?;
        if let Some(why) = d.explanation() {
            write!(self.out, "  {}", warn(&sanitize(&why)))?;
        }
        writeln!(self.out)
    }

    /// `-v`: the request as sent and the answer as received.
    fn exchange(&mut self, d: &Delivery) -> io::Result<()> {
        let (o, out) = (d.outcome, &mut self.out);
        writeln!(out, "  {} POST {}", dim(">"), self.url)?;
        for (n, v) in d.request_headers.iter().flat_map(|m| m.iter()) {
            let v = String::from_utf8_lossy(v.as_bytes());
            writeln!(out, "  {} {n}: {}", dim(">"), sanitize(&v))?;
        }
        let Some(status) = o.status else {
            if let Some(e) = &o.error {
                writeln!(out, "  {} {}", dim("!"), sanitize(&e.detail))?;
            }
            return Ok(());
        };
        writeln!(out, "  {} {status} {}", dim("<"), o.reason.unwrap_or(""))?;
        for (n, v) in &o.response_headers {
            writeln!(out, "  {} {}: {}", dim("<"), sanitize(n), sanitize(v))?;
        }
        if o.response_body.is_empty() {
            return Ok(());
        }
        let text = super::sanitize::sanitize_bytes(&o.response_body, true);
        let (shown, cut) = match text.char_indices().nth(VERBOSE_BODY_CHARS) {
            Some((i, _)) => (&text[..i], true),
            None => (text.as_str(), false),
        };
        for line in shown.lines() {
            writeln!(out, "  {} {line}", dim("<"))?;
        }
        if cut || o.response_body.len() >= delivery::MAX_RESPONSE_BODY {
            writeln!(out, "  {} {}", dim("<"), dim("(response body truncated)"))?;
        }
        Ok(())
    }

    pub fn summary(mut self, s: &Summary) -> io::Result<()> {
        if self.json {
            super::json_line(&mut self.out, s)?;
            return self.out.flush();
        }
        if self.listed_failures > LIST_FAILURES_UP_TO {
            let more = self.listed_failures - LIST_FAILURES_UP_TO;
            let note =
                format!("... and {more} more not accepted (use --json to see every delivery)");
            writeln!(self.out, "{}", dim(&note))?;
        }
        if s.sent > 1 {
            writeln!(self.out, "{}", summary_line(s))?;
        }
        self.out.flush()
    }
}

/// "13 sent, 13 accepted  latency p50 … /s", or the failures by cause.
fn summary_line(s: &Summary) -> String {
    let verdict = if s.failed == 0 {
        ok(&format!("{} accepted", s.accepted)).to_string()
    } else {
        let by = s
            .failed_by
            .iter()
            .map(|(k, v)| format!("{v}× {}", crate::delivery::ErrorClass::words_for(k)))
            .collect::<Vec<_>>()
            .join(", ");
        let also = if s.accepted > 0 {
            format!(", {} accepted", s.accepted)
        } else {
            String::new()
        };
        format!("{} ({by}){also}", bad(&format!("{} failed", s.failed)))
    };
    let p = &s.latency;
    format!(
        "{} sent, {verdict}  latency p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms  {:.0}/s",
        s.sent, p.p50, p.p90, p.p99, p.max, s.per_second
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redirect() -> Outcome {
        Outcome {
            status: Some(302),
            reason: Some("Found"),
            latency: std::time::Duration::from_millis(3),
            error: None,
            response_headers: vec![("location".into(), "http://x/\x1b[2J".into())],
            response_body: bytes::Bytes::new(),
        }
    }

    fn shown(json: bool) -> String {
        let outcome = redirect();
        let mut out = Vec::new();
        let mut view = SendView::new(&mut out, json, false, "http://127.0.0.1:9/h", 1, 0);
        let d = Delivery {
            seq: 1,
            repeat: 0,
            event: "client.created",
            payload_key: "abcdef0123456789",
            request_headers: None,
            signed: true,
            outcome: &outcome,
        };
        view.delivery(&d).expect("writes to a Vec");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn the_terminal_gets_escaped_text_and_json_the_raw_text() {
        let human = shown(false);
        assert!(!human.contains("\x1b[2J"), "{human:?}");
        assert!(human.contains("http://x/\\e[2J"), "{human:?}");
        let line: serde_json::Value = serde_json::from_str(&shown(true)).expect("one JSON line");
        assert_eq!(line["type"], "delivery");
        assert_eq!(line["location"], "http://x/\x1b[2J");
        assert!(line["explanation"]
            .as_str()
            .is_some_and(|e| e.contains("http://x/\x1b[2J")));
    }
}
