//! How `listen` shows what arrives: a readable block per request (coloured by family, network
//! text sanitised), or one JSON object per request; plus the listening line and the summary.

use std::io::{self, Write};

use colored::{ColoredString, Colorize};
use serde::Serialize;
use serde_json::{json, Value};

use crate::output::sanitize::{sanitize, sanitize_bytes, sanitize_with};
use crate::output::{bad, dim, ok, short_key, strong, warn};
use crate::protocol::{timestamp, Family};
use crate::server::receiver::{Event, Received, Rejected, SigVerdict, Tally};

/// `--body` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BodyMode {
    /// The whole body, pretty-printed when it is JSON
    Full,
    /// One line: the record id and a few top-level fields
    Summary,
    /// No body
    None,
}

/// How much of a non-JSON body is shown.
const MAX_TEXT_BODY: usize = 2048;

/// Renders requests as text or NDJSON.
#[derive(Debug, Clone, Copy)]
pub struct ListenView {
    pub json: bool,
    pub body: BodyMode,
}

fn family_color(family: Option<Family>, s: &str) -> ColoredString {
    let s = s.bold();
    match family {
        Some(Family::Business) => s.blue(),
        Some(Family::Location) => s.cyan(),
        Some(Family::Staff) => s.magenta(),
        Some(Family::Class) => s.yellow(),
        Some(Family::Appointment) => s.green(),
        Some(Family::Client) => s.bright_blue(),
        Some(Family::Purchase) => s.bright_magenta(),
        None => s,
    }
}

fn ms(d: chrono::Duration) -> i64 {
    d.num_milliseconds()
}

impl ListenView {
    pub fn write_listening(&self, out: &mut impl Write, url: &str) -> io::Result<()> {
        if self.json {
            writeln!(out, "{}", json!({"type": "listening", "url": url}))?;
        } else {
            writeln!(out, "Listening on {url}")?;
        }
        out.flush()
    }

    /// Write one event. It does not flush: the caller decides when (listen gathers the lines
    /// of a busy stretch into few writes).
    pub fn write_event(&self, out: &mut impl Write, e: &Event) -> io::Result<()> {
        match e {
            Event::Request(r) => self.write_request(out, r),
            Event::Rejected(r) => self.write_rejected(out, r),
        }
    }

    pub fn write_request(&self, out: &mut impl Write, r: &Received) -> io::Result<()> {
        if self.json {
            let line = RequestLine::of(r);
            match line.body {
                BodyField::Raw(raw) => {
                    // The body was validated as one-line JSON on arrival: splice it in as it
                    // came instead of parsing it again. The other fields are serialised first,
                    // then their closing brace gives way to the body.
                    let mut head = Vec::with_capacity(768 + raw.len());
                    serde_json::to_writer(&mut head, &line)?;
                    head.pop();
                    head.extend_from_slice(b",\"body\":");
                    head.extend_from_slice(raw);
                    head.extend_from_slice(b",\"body_text\":null}\n");
                    out.write_all(&head)
                }
                _ => {
                    serde_json::to_writer(&mut *out, &line)?;
                    writeln!(out)
                }
            }
        } else {
            self.write_block(out, r)
        }
    }

    fn write_rejected(&self, out: &mut impl Write, r: &Rejected) -> io::Result<()> {
        if self.json {
            let line = json!({
                "type": "rejected",
                "time": timestamp::format(r.time),
                "remote_addr": r.remote.to_string(),
                "status": r.status,
                "reason": r.reason,
            });
            return writeln!(out, "{line}");
        }
        let answer = r.status.map(|s| format!("  → {s}")).unwrap_or_default();
        writeln!(
            out,
            "{} {} {} {}{}\n",
            strong("#-"),
            dim(&r.time.format("%H:%M:%S%.3f").to_string()),
            bad(&format!(
                "refused before the request was read ({})",
                r.remote
            )),
            sanitize(&r.reason),
            bad(&answer)
        )
    }

    fn write_block(&self, out: &mut impl Write, r: &Received) -> io::Result<()> {
        let event = r
            .event
            .as_deref()
            .map(sanitize)
            .unwrap_or("(no x-topic)".into());
        let sig = match &r.signature {
            SigVerdict::Valid { deviations } if deviations.is_empty() => ok("✓ valid"),
            SigVerdict::Valid { .. } => warn("✓ valid (non-canonical)"),
            SigVerdict::Invalid(_) => bad("✗ invalid signature"),
            SigVerdict::Missing => bad("✗ no signature"),
            SigVerdict::Unchecked => dim("· unchecked"),
        };
        let key = r
            .payload_key
            .as_deref()
            .map(|k| sanitize(short_key(k)).into_owned())
            .unwrap_or("-".into());
        let status_text = format!("→ {}", r.status);
        let status = if crate::protocol::is_accepted_status(r.status) {
            ok(&status_text)
        } else {
            bad(&status_text)
        };
        writeln!(
            out,
            "{} {} {} {}  key {}  {}",
            strong(&format!("#{}", r.seq)),
            dim(&r.time.format("%H:%M:%S%.3f").to_string()),
            family_color(r.family, &event),
            sig,
            key,
            status
        )?;
        let mut line = format!("    {} {}", sanitize(r.method.as_str()), sanitize(&r.path));
        if let Some(g) = r.generated_at {
            line.push_str(&format!(
                "  generated {} ({} ago)",
                timestamp::format(g),
                timestamp::human_duration(r.time - g)
            ));
        }
        if let (Some(g), Some(s)) = (r.generated_at, r.sent_at) {
            line.push_str(&format!("  retry lag {}", timestamp::human_duration(s - g)));
        }
        writeln!(out, "{}", dim(&line))?;
        let mut findings: Vec<String> = Vec::new();
        if let Some(d) = r.duplicate_of {
            findings.push(warn(&format!("duplicate of #{d}")).to_string());
        }
        if let Some(s) = &r.stale {
            findings.push(
                warn(&format!(
                    "stale: record {} already has a newer event (#{}, generated {})",
                    sanitize(&s.record_id),
                    s.newer_seq,
                    timestamp::format(s.newer_generated_at)
                ))
                .to_string(),
            );
        }
        if r.payload_key_ok == Some(false) {
            findings.push(bad("x-payload-key is not the SHA-256 of the body").to_string());
        }
        if !r.note.is_empty() {
            let note = sanitize(&r.note).into_owned();
            findings.push(if crate::protocol::is_accepted_status(r.status) {
                dim(&note).to_string()
            } else {
                bad(&note).to_string()
            });
        }
        if let Some(f) = &r.forwarded {
            if let Some(e) = &f.error {
                findings.push(bad(&format!("forward failed: {}", sanitize(e))).to_string());
            }
        }
        if let Some(p) = &r.saved_to {
            findings.push(dim(&format!("saved {}", p.display())).to_string());
        }
        if let Some(e) = &r.save_error {
            findings.push(bad(&format!("NOT SAVED: {}", sanitize(e))).to_string());
        }
        for f in findings {
            writeln!(out, "    {f}")?;
        }
        match self.body {
            BodyMode::None => {}
            BodyMode::Summary => {
                if let Some(s) = summary_line(r) {
                    writeln!(out, "    {}", sanitize(&s))?;
                }
            }
            BodyMode::Full => match (parse_body(r), &r.body) {
                (Some(v), _) => {
                    let pretty = serde_json::to_string_pretty(&v).unwrap_or_default();
                    for line in sanitize_with(&pretty, true).lines() {
                        writeln!(out, "    {line}")?;
                    }
                }
                (None, Some(b)) if !b.is_empty() => {
                    let shown = &b[..b.len().min(MAX_TEXT_BODY)];
                    for line in sanitize_bytes(shown, true).lines() {
                        writeln!(out, "    {line}")?;
                    }
                    if b.len() > MAX_TEXT_BODY {
                        writeln!(
                            out,
                            "    {}",
                            dim(&format!("... ({} bytes in all)", b.len()))
                        )?;
                    }
                }
                _ => {}
            },
        }
        writeln!(out)
    }

    pub fn write_summary(
        &self,
        out: &mut impl Write,
        t: &Tally,
        stop_reason: &str,
        met: bool,
    ) -> io::Result<()> {
        if self.json {
            let expected: serde_json::Map<String, Value> = t
                .expected
                .iter()
                .map(|(e, a)| (e.clone(), Value::Bool(*a)))
                .collect();
            let line = json!({
                "type": "summary",
                "requests": t.requests,
                "deliveries": t.deliveries,
                "valid": t.valid,
                "invalid": t.invalid,
                "missing": t.missing,
                "unchecked": t.unchecked,
                "duplicates": t.duplicates,
                "stale": t.stale,
                "saved": t.saved,
                "save_errors": t.save_errors,
                "rejected": t.rejected,
                "by_status": t.by_status.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
                "expected": expected,
                "stopped": stop_reason,
                "ok": met,
            });
            writeln!(out, "{line}")?;
            return out.flush();
        }
        let by = t
            .by_status
            .iter()
            .map(|(s, n)| format!("{s}×{n}"))
            .collect::<Vec<_>>()
            .join(", ");
        writeln!(
            out,
            "{} {} requests ({} valid, {} invalid, {} without signature, {} unchecked); answered {}; {} duplicates, {} stale{}",
            strong("Summary:"),
            t.requests,
            t.valid,
            t.invalid,
            t.missing,
            t.unchecked,
            if by.is_empty() { "nothing".into() } else { by },
            t.duplicates,
            t.stale,
            if t.saved > 0 || t.save_errors > 0 { format!("; {} saved, {} not saved", t.saved, t.save_errors) } else { String::new() }
        )?;
        if t.rejected > 0 {
            writeln!(
                out,
                "  {} connections refused before a request was read",
                t.rejected
            )?;
        }
        for (e, arrived) in &t.expected {
            if *arrived {
                writeln!(out, "  {} {e} arrived with a valid signature", ok("✓"))?;
            } else {
                writeln!(
                    out,
                    "  {} {e} did not arrive with a valid signature",
                    bad("✗")
                )?;
            }
        }
        writeln!(out, "Stopped: {stop_reason}")?;
        out.flush()
    }
}

/// One line about the body: the record id and a few scalar top-level fields.
fn summary_line(r: &Received) -> Option<String> {
    let value = parse_body(r)?;
    let Value::Object(map) = value else {
        return Some(value.to_string().chars().take(120).collect());
    };
    let mut parts: Vec<String> = Vec::new();
    for (k, v) in map.iter() {
        let text = match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => continue,
        };
        parts.push(format!("{k}={}", text.chars().take(40).collect::<String>()));
        if parts.len() == 4 {
            break;
        }
    }
    Some(parts.join("  "))
}

/// The body as a JSON tree, for the human renderings (the receiver only checked it).
fn parse_body(r: &Received) -> Option<Value> {
    if !r.body_is_json {
        return None;
    }
    serde_json::from_slice(r.body.as_ref()?).ok()
}

/// The body field of a JSON line: the received JSON as it is when it fits on one line,
/// otherwise re-serialised compactly.
#[derive(Serialize)]
#[serde(untagged)]
enum BodyField<'a> {
    /// Written by [`ListenView::write_request`] after the other fields, byte for byte.
    #[serde(skip)]
    Raw(&'a [u8]),
    Tree(Value),
    Null(Option<()>),
}

impl<'a> BodyField<'a> {
    fn of(r: &'a Received) -> BodyField<'a> {
        let Some(bytes) = r.body.as_deref().filter(|_| r.body_is_json) else {
            return BodyField::Null(None);
        };
        // A body on one line is written as it came, once strict readers are known to accept
        // it: at once when nothing in it could upset them, otherwise after a strict parse.
        // Over several lines it is re-serialised compactly. What a strict reader refuses
        // becomes `body_text`. (`body_is_json`: the receiver validated the whole document.)
        let one_line = memchr::memchr2(b'\n', b'\r', bytes).is_none();
        if one_line && surely_strict(bytes) {
            return BodyField::Raw(bytes);
        }
        match serde_json::from_slice::<Value>(bytes) {
            Ok(_) if one_line => BodyField::Raw(bytes),
            Ok(tree) => BodyField::Tree(tree),
            Err(_) => BodyField::Null(None),
        }
    }

    fn is_raw(&self) -> bool {
        matches!(self, BodyField::Raw(_))
    }
}

/// Whether strict JSON readers (serde_json, Go's encoding/json), which refuse two things the
/// grammar allows, surely read this valid JSON: a lone surrogate escape such as `"\ud800"`, and
/// a number beyond the range of a double such as `1e400`. A double overflows only with an
/// exponent of three or more digits, or with 210 or more digits before the point (at least
/// 10^209, times at most 10^99). "Surely": such an exponent after a digit, such a run of
/// digits, or any `\u` escape, anywhere (strings included), sends the body the exact way.
fn surely_strict(bytes: &[u8]) -> bool {
    if memchr::memmem::find(bytes, b"\\u").is_some() {
        return false;
    }
    let big_exponent = memchr::memchr2_iter(b'e', b'E', bytes).any(|i| {
        let after_digit = i > 0 && bytes[i - 1].is_ascii_digit();
        let rest = &bytes[i + 1..];
        let digits = rest.strip_prefix(b"+").unwrap_or(rest);
        after_digit && digits.len() >= 3 && digits[..3].iter().all(u8::is_ascii_digit)
    });
    !big_exponent && !has_digit_run(bytes, 210)
}

/// Whether `bytes` holds `len` or more ASCII digits in a row. Such a run covers two of the
/// bytes taken every `len / 2`, so only a few bytes per KiB are looked at unless digits are
/// found at two of them.
fn has_digit_run(bytes: &[u8], len: usize) -> bool {
    if len < 2 {
        return len == 0 || bytes.iter().any(u8::is_ascii_digit);
    }
    let stride = len / 2;
    let mut i = 0;
    while i + stride < bytes.len() {
        if bytes[i].is_ascii_digit() && bytes[i + stride].is_ascii_digit() {
            let start = bytes[..i]
                .iter()
                .rposition(|b| !b.is_ascii_digit())
                .map_or(0, |p| p + 1);
            let end = bytes[i..]
                .iter()
                .position(|b| !b.is_ascii_digit())
                .map_or(bytes.len(), |p| i + p);
            if end - start >= len {
                return true;
            }
            // `end` is past the run (a non-digit, or the end): no run is skipped.
            i = end;
        } else {
            i += stride;
        }
    }
    false
}

/// `body_text`: the body as text when it is not JSON.
#[derive(Serialize)]
#[serde(untagged)]
enum BodyText<'a> {
    Text(std::borrow::Cow<'a, str>),
    Null(Option<()>),
    /// Written as null after a raw body by [`ListenView::write_request`].
    #[serde(skip)]
    AfterRaw,
}

impl BodyText<'_> {
    fn is_after_raw(&self) -> bool {
        matches!(self, BodyText::AfterRaw)
    }
}

#[derive(Serialize)]
struct StaleLine<'a> {
    record_id: &'a str,
    newer_seq: u64,
}

#[derive(Serialize)]
struct ForwardLine<'a> {
    status: Option<u16>,
    error: Option<&'a str>,
    latency_ms: f64,
}

/// The `{"type":"request", ...}` object of one request, borrowing from it.
#[derive(Serialize)]
pub struct RequestLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    seq: u64,
    time: String,
    remote_addr: String,
    method: &'a str,
    path: &'a str,
    event: Option<&'a str>,
    signature: &'static str,
    signature_detail: Option<String>,
    payload_key: Option<&'a str>,
    payload_key_ok: Option<bool>,
    generated_at: Option<String>,
    sent_at: Option<String>,
    age_ms: Option<i64>,
    retry_lag_ms: Option<i64>,
    duplicate_of: Option<u64>,
    stale: bool,
    stale_detail: Option<StaleLine<'a>>,
    record_id: Option<&'a str>,
    status: u16,
    note: &'a str,
    saved_to: Option<String>,
    save_error: Option<&'a str>,
    forwarded: Option<ForwardLine<'a>>,
    #[serde(skip_serializing_if = "BodyField::is_raw")]
    body: BodyField<'a>,
    #[serde(skip_serializing_if = "BodyText::is_after_raw")]
    body_text: BodyText<'a>,
}

impl<'a> RequestLine<'a> {
    pub fn of(r: &'a Received) -> RequestLine<'a> {
        let signature_detail = match &r.signature {
            SigVerdict::Invalid(e) => Some(e.to_string()),
            SigVerdict::Valid { deviations } if !deviations.is_empty() => Some(
                deviations
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            _ => None,
        };
        let body = BodyField::of(r);
        RequestLine {
            kind: "request",
            seq: r.seq,
            time: timestamp::format(r.time),
            remote_addr: r.remote.to_string(),
            method: r.method.as_str(),
            path: &r.path,
            event: r.event.as_deref(),
            signature: r.signature.as_str(),
            signature_detail,
            payload_key: r.payload_key.as_deref(),
            payload_key_ok: r.payload_key_ok,
            generated_at: r.generated_at.map(timestamp::format),
            sent_at: r.sent_at.map(timestamp::format),
            age_ms: r.generated_at.map(|g| ms(r.time - g)),
            retry_lag_ms: r.generated_at.zip(r.sent_at).map(|(g, s)| ms(s - g)),
            duplicate_of: r.duplicate_of,
            stale: r.stale.is_some(),
            stale_detail: r.stale.as_ref().map(|s| StaleLine {
                record_id: &s.record_id,
                newer_seq: s.newer_seq,
            }),
            record_id: r.record_id.as_deref(),
            status: r.status,
            note: &r.note,
            saved_to: r.saved_to.as_ref().map(|p| p.display().to_string()),
            save_error: r.save_error.as_deref(),
            forwarded: r.forwarded.as_ref().map(|f| ForwardLine {
                status: f.status,
                error: f.error.as_deref(),
                latency_ms: crate::delivery::ms(f.latency),
            }),
            // The text when the body is not JSON, or is JSON that cannot be re-serialised (a
            // lone surrogate escape, a number out of range) and does not fit on one line as it
            // came: a body that arrived is never left out of the line.
            body_text: match (&r.body, &body) {
                (_, BodyField::Raw(_)) => BodyText::AfterRaw,
                (Some(b), BodyField::Null(_)) => BodyText::Text(String::from_utf8_lossy(b)),
                _ => BodyText::Null(None),
            },
            body,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::surely_strict;

    #[test]
    fn digit_runs_are_found_wherever_they_are() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for _ in 0..3000 {
            let n = rng.random_range(0..200);
            let bytes: Vec<u8> = (0..n)
                .map(|_| if rng.random_bool(0.85) { b'7' } else { b'x' })
                .collect();
            let len = rng.random_range(0..12);
            let naive = bytes.split(|b| !b.is_ascii_digit()).any(|r| r.len() >= len);
            assert_eq!(
                super::has_digit_run(&bytes, len),
                naive,
                "{len} in {}",
                String::from_utf8_lossy(&bytes)
            );
        }
    }

    #[test]
    fn only_bodies_strict_readers_accept_are_written_as_they_came() {
        for ok in [
            &br#"{"a":1e30,"b":"2e-5","c":1E+99,"d":-1.5e-400}"#[..],
            br#"{"id":"61644a25-da5a-4317-94e2-3bc1eca8c766","code":"code123"}"#,
            b"[]",
        ] {
            assert!(surely_strict(ok), "{}", String::from_utf8_lossy(ok));
        }
        let long = format!("[{}]", "9".repeat(309));
        for not in [
            &br#"{"a":"\ud800"}"#[..],
            br#"{"a":"\u0041"}"#,
            br#"{"a":1e400}"#,
            br#"{"a":1E+309}"#,
            long.as_bytes(),
            format!("[1{}e10]", "0".repeat(300)).as_bytes(),
            br#"{"id":"4e123"}"#,
        ] {
            assert!(!surely_strict(not), "{}", String::from_utf8_lossy(not));
        }
        // Every body refused here either holds such a number or escape, or looks like one.
        let v: serde_json::Value =
            serde_json::from_str(&long[1..long.len() - 1]).unwrap_or_default();
        assert!(
            v.is_null(),
            "a 309-digit integer is out of a double's range"
        );
        assert!(
            serde_json::from_str::<serde_json::Value>("-1.5e-400").is_ok(),
            "a tiny number becomes 0, it is not refused"
        );
    }
}
