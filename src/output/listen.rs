//! How `listen` shows what arrives: a readable block per request (coloured by family, network
//! text sanitised), or one JSON object per request; plus the listening line and the summary.

use std::io::{self, Write};

use colored::{ColoredString, Colorize};
use serde::ser::Serializer;
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::output::sanitize::{sanitize, sanitize_bytes, sanitize_with};
use crate::output::{bad, dim, ok, short_key, strong, warn};
use crate::protocol::{timestamp, Family};
use crate::server::receiver::{Event, Received, Rejected, SigVerdict, Tally};

/// How much of each body the human view shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// How much of a JSON body's readable (indented) view is shown: indenting a deeply nested
/// body multiplies its size (a 0.9 MB body 127 levels deep would print 117 MB).
const MAX_PRETTY_BODY: usize = 64 * 1024;

/// A writer that keeps at most `limit` bytes and then refuses more.
struct Capped {
    kept: Vec<u8>,
    limit: usize,
}

impl Write for Capped {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let room = self.limit - self.kept.len();
        if data.len() > room {
            self.kept.extend_from_slice(&data[..room]);
            return Err(io::Error::other("over the cap"));
        }
        self.kept.extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// `v` indented, cut to whole lines within `limit` bytes; and whether it is all there.
fn pretty_capped(v: &Value, limit: usize) -> (String, bool) {
    let mut capped = Capped {
        kept: Vec::new(),
        limit,
    };
    let complete = serde_json::to_writer_pretty(&mut capped, v).is_ok();
    let mut kept = capped.kept;
    if !complete {
        let end = memchr::memrchr(b'\n', &kept).unwrap_or(0);
        kept.truncate(end);
    }
    (String::from_utf8_lossy(&kept).into_owned(), complete)
}

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
    /// The first line, and the inspector's after it (when it runs), written at once.
    pub fn write_listening(
        &self,
        out: &mut impl Write,
        url: &str,
        inspector: Option<&str>,
    ) -> io::Result<()> {
        let mut lines = Vec::new();
        if self.json {
            write_line(&mut lines, &Line::Listening { url })?;
            if let Some(url) = inspector {
                write_line(&mut lines, &Line::Inspector { url })?;
            }
        } else {
            writeln!(lines, "Listening on {url}")?;
            if let Some(url) = inspector {
                writeln!(lines, "Inspector on {url}")?;
            }
        }
        out.write_all(&lines)?;
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
            write_line(out, &Line::Request(&RequestLine::of(r)))
        } else {
            self.write_block(out, r)
        }
    }

    fn write_rejected(&self, out: &mut impl Write, r: &Rejected) -> io::Result<()> {
        if self.json {
            return write_line(
                out,
                &Line::Rejected(&RejectedLine {
                    time: timestamp::format(r.time),
                    remote_addr: r.remote.to_string(),
                    status: r.status,
                    reason: &r.reason,
                }),
            );
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
            SigVerdict::Valid { warning: None } => ok("✓ valid"),
            SigVerdict::Valid { .. } => warn("✓ valid (with a warning)"),
            SigVerdict::Invalid(_) => bad("✗ invalid signature"),
            SigVerdict::Missing => bad("✗ no signature"),
            SigVerdict::Unchecked => dim("· unchecked"),
        };
        let key = r
            .payload_key
            .as_deref()
            .map(|k| sanitize(short_key(k)).into_owned())
            .unwrap_or("-".into());
        let status_text = match r.withheld {
            Some(_) => "→ no answer".to_string(),
            None => format!("→ {}", r.status),
        };
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
                crate::duration::human_signed(r.time - g)
            ));
        }
        if let (Some(g), Some(s)) = (r.generated_at, r.sent_at) {
            line.push_str(&format!(
                "  retry lag {}",
                crate::duration::human_signed(s - g)
            ));
        }
        writeln!(out, "{}", dim(&line))?;
        for (n, v) in r.headers.iter() {
            if std::str::from_utf8(v.as_bytes()).is_err() {
                let line = super::non_utf8_line(n.as_str(), v.as_bytes());
                writeln!(out, "    {}", warn(&line))?;
            }
        }
        for f in findings(r) {
            writeln!(out, "    {f}")?;
        }
        self.write_body(out, r)?;
        writeln!(out)
    }

    /// The body under the block, as `--body` asks.
    fn write_body(&self, out: &mut impl Write, r: &Received) -> io::Result<()> {
        match self.body {
            BodyMode::None => {}
            BodyMode::Summary => {
                if let Some(s) = summary_line(r) {
                    writeln!(out, "    {}", sanitize(&s))?;
                }
            }
            BodyMode::Full => match (parse_body(r), &r.body) {
                (Some(v), body) => {
                    let (pretty, complete) = pretty_capped(&v, MAX_PRETTY_BODY);
                    for line in sanitize_with(&pretty, true).lines() {
                        writeln!(out, "    {line}")?;
                    }
                    if !complete {
                        let len = body.as_ref().map_or(0, |b| b.len());
                        writeln!(
                            out,
                            "    {}",
                            dim(&format!(
                                "… more not shown: the first {} KiB of the readable view of a {len}-byte body (--json has it whole)",
                                MAX_PRETTY_BODY / 1024
                            ))
                        )?;
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
        Ok(())
    }

    /// The note that `n` events were not shown: the output was not read fast enough.
    pub fn write_dropped(&self, out: &mut impl Write, n: u64) -> io::Result<()> {
        if self.json {
            return write_line(out, &Line::Dropped { events: n });
        }
        writeln!(
            out,
            "{}\n",
            warn(&format!(
                "… {n} requests not shown: the output was not read fast enough (each was still answered)"
            ))
        )
    }

    pub fn write_summary(
        &self,
        out: &mut impl Write,
        t: &Tally,
        stop_reason: &str,
        met: bool,
    ) -> io::Result<()> {
        if self.json {
            write_line(out, &Line::Summary(&SummaryLine::of(t, stop_reason, met)))?;
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
        if t.unanswered > 0 {
            writeln!(
                out,
                "  {} requests left without an answer on purpose (--hang, --reset)",
                t.unanswered
            )?;
        }
        if t.filtered > 0 {
            writeln!(
                out,
                "  {} requests for other events answered but not shown nor forwarded (--events)",
                t.filtered
            )?;
        }
        if t.dropped > 0 {
            writeln!(
                out,
                "  {} requests not shown: the output was not read fast enough",
                t.dropped
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

/// What the receiver noticed about a request, one styled line each.
fn findings(r: &Received) -> Vec<String> {
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
    // The judgement's warnings and failures, but the one the note already gives.
    for c in r.findings.iter().filter(|c| !r.note.contains(&c.detail)) {
        let line = format!("{} {}", c.name, sanitize(&c.detail));
        findings.push(match c.status {
            crate::judge::Status::Fail => bad(&format!("✗ {line}")).to_string(),
            _ => warn(&format!("! {line}")).to_string(),
        });
    }
    if !r.note.is_empty() {
        let note = sanitize(&r.note).into_owned();
        findings.push(if crate::protocol::is_accepted_status(r.status) {
            dim(&note).to_string()
        } else {
            bad(&note).to_string()
        });
    }
    for d in &r.diagnosis {
        findings.push(format!("→ {}", sanitize(d)));
    }
    if let Some(f) = &r.forwarded {
        if let Some(e) = &f.error {
            findings.push(bad(&format!("forward failed: {}", sanitize(e))).to_string());
        }
        if let Some(status) = f.status {
            let answer = format!(
                "app answered {status} in {}{}",
                crate::duration::human(f.latency),
                app_body(&f.response_body)
            );
            findings.push(if crate::protocol::is_accepted_status(status) {
                dim(&answer).to_string()
            } else {
                bad(&answer).to_string()
            });
        }
    }
    if let Some(p) = &r.saved_to {
        findings.push(dim(&format!("saved {}", p.display())).to_string());
    }
    if let Some(e) = &r.save_error {
        findings.push(bad(&format!("NOT SAVED: {}", sanitize(e))).to_string());
    }
    findings
}

/// The start of the forwarded app's answer, on one line: `: text` (sanitised), or nothing.
fn app_body(body: &[u8]) -> String {
    const SHOWN: usize = 200;
    let text = String::from_utf8_lossy(&body[..body.len().min(SHOWN * 4)]);
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.is_empty() {
        return String::new();
    }
    let mut shown: String = one_line.chars().take(SHOWN).collect();
    if shown.len() < one_line.len() || body.len() > SHOWN * 4 {
        shown.push_str(&format!(" … ({} bytes)", body.len()));
    }
    format!(": {}", sanitize(&shown))
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

/// The body of a JSON line: the received JSON as it came when it is on one line, otherwise
/// re-serialised compactly (a line holds one object).
#[derive(Serialize)]
#[serde(untagged)]
enum BodyField<'a> {
    Raw(&'a RawValue),
    Tree(Value),
}

impl<'a> BodyField<'a> {
    /// The body field of `r`, or `None` when the body is not JSON that strict readers accept
    /// (`body_text` then holds it). `body_is_json`: the receiver validated the whole document.
    fn of(r: &'a Received) -> Option<BodyField<'a>> {
        let bytes = r.body.as_deref().filter(|_| r.body_is_json)?;
        // A body on one line is written as it came, once strict readers are known to accept
        // it: at once when nothing in it could upset them, otherwise after a strict parse.
        let one_line = memchr::memchr2(b'\n', b'\r', bytes).is_none();
        if !(one_line && surely_strict(bytes)) {
            let tree = serde_json::from_slice::<Value>(bytes).ok()?;
            if !one_line {
                return Some(BodyField::Tree(tree));
            }
        }
        serde_json::from_slice(bytes).ok().map(BodyField::Raw)
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

#[derive(Serialize)]
struct StaleLine<'a> {
    record_id: &'a str,
    newer_seq: u64,
}

#[derive(Serialize)]
struct ForwardLine<'a> {
    url: &'a str,
    status: Option<u16>,
    error: Option<&'a str>,
    latency_ms: f64,
    /// The start of the app's answer, as text.
    response_body: std::borrow::Cow<'a, str>,
}

/// Every line `listen --json` writes: one object, its kind in `"type"`.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Line<'a> {
    Listening {
        url: &'a str,
    },
    Inspector {
        url: &'a str,
    },
    Request(&'a RequestLine<'a>),
    Rejected(&'a RejectedLine<'a>),
    Summary(&'a SummaryLine<'a>),
    /// Events whose lines were dropped because the output was not read fast enough.
    Dropped {
        events: u64,
    },
}

/// One line of JSON and its newline.
fn write_line(out: &mut impl Write, line: &Line<'_>) -> io::Result<()> {
    serde_json::to_writer(&mut *out, line)?;
    out.write_all(b"\n")
}

/// A connection the HTTP layer refused before a request was read.
#[derive(Serialize)]
pub struct RejectedLine<'a> {
    time: String,
    remote_addr: String,
    status: Option<u16>,
    reason: &'a str,
}

/// The counts at the end of a run.
#[derive(Serialize)]
pub struct SummaryLine<'a> {
    requests: u64,
    deliveries: u64,
    valid: u64,
    invalid: u64,
    missing: u64,
    unchecked: u64,
    duplicates: u64,
    stale: u64,
    saved: u64,
    save_errors: u64,
    rejected: u64,
    filtered: u64,
    unanswered: u64,
    dropped: u64,
    /// Status -> how many answers (the keys become strings in JSON).
    by_status: &'a std::collections::BTreeMap<u16, u64>,
    #[serde(serialize_with = "expected_map")]
    expected: &'a [(String, bool)],
    stopped: &'a str,
    ok: bool,
}

impl<'a> SummaryLine<'a> {
    fn of(t: &'a Tally, stopped: &'a str, ok: bool) -> SummaryLine<'a> {
        SummaryLine {
            requests: t.requests,
            deliveries: t.deliveries,
            valid: t.valid,
            invalid: t.invalid,
            missing: t.missing,
            unchecked: t.unchecked,
            duplicates: t.duplicates,
            stale: t.stale,
            saved: t.saved,
            save_errors: t.save_errors,
            rejected: t.rejected,
            filtered: t.filtered,
            unanswered: t.unanswered,
            dropped: t.dropped,
            by_status: &t.by_status,
            expected: &t.expected,
            stopped,
            ok,
        }
    }
}

/// Expected events as `{"event": arrived, ...}`, in the order they were asked for.
fn expected_map<S: Serializer>(expected: &&[(String, bool)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(expected.iter().map(|(e, arrived)| (e, arrived)))
}

/// One request and what the receiver concluded, borrowing from it.
#[derive(Serialize)]
pub struct RequestLine<'a> {
    seq: u64,
    time: String,
    remote_addr: String,
    method: &'a str,
    path: &'a str,
    event: Option<&'a str>,
    signature: &'static str,
    signature_detail: Option<&'a str>,
    /// What `verify` says of the request's capture.
    valid: bool,
    matched_key: Option<&'a str>,
    findings: &'a [crate::judge::Check],
    diagnosis: &'a [String],
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
    /// `null` when no answer was given on purpose (`--hang`, `--reset`).
    status: Option<u16>,
    note: &'a str,
    saved_to: Option<String>,
    save_error: Option<&'a str>,
    forwarded: Option<ForwardLine<'a>>,
    /// The header values that are not UTF-8, exactly (usually none).
    non_utf8_headers: Vec<super::NonUtf8Header<'a>>,
    body: Option<BodyField<'a>>,
    /// The body as text when `body` cannot hold it.
    body_text: Option<std::borrow::Cow<'a, str>>,
}

impl<'a> RequestLine<'a> {
    pub fn of(r: &'a Received) -> RequestLine<'a> {
        let signature_detail = match &r.signature {
            SigVerdict::Invalid(e) => Some(e.as_str()),
            SigVerdict::Valid { warning } => warning.as_deref(),
            _ => None,
        };
        let body = BodyField::of(r);
        RequestLine {
            seq: r.seq,
            time: timestamp::format(r.time),
            remote_addr: r.remote.to_string(),
            method: r.method.as_str(),
            path: &r.path,
            event: r.event.as_deref(),
            signature: r.signature.as_str(),
            signature_detail,
            valid: r.valid,
            matched_key: r.matched_key.as_deref(),
            findings: &r.findings,
            diagnosis: &r.diagnosis,
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
            status: r.withheld.is_none().then_some(r.status),
            note: &r.note,
            saved_to: r.saved_to.as_ref().map(|p| p.display().to_string()),
            save_error: r.save_error.as_deref(),
            forwarded: r.forwarded.as_ref().map(|f| ForwardLine {
                url: f.url.as_str(),
                status: f.status,
                error: f.error.as_deref(),
                latency_ms: crate::delivery::ms(f.latency),
                response_body: String::from_utf8_lossy(&f.response_body),
            }),
            non_utf8_headers: super::NonUtf8Header::of(
                r.headers.iter().map(|(n, v)| (n.as_str(), v.as_bytes())),
            ),
            // The text when the body is not JSON, or is JSON that cannot be re-serialised (a
            // lone surrogate escape, a number out of range) and does not fit on one line as it
            // came: a body that arrived is never left out of the line.
            body_text: match (&r.body, &body) {
                (Some(b), None) => Some(String::from_utf8_lossy(b)),
                _ => None,
            },
            body,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::receiver::Stale;
    use std::borrow::Cow;

    const JSON: ListenView = ListenView {
        json: true,
        body: BodyMode::Full,
    };
    const HUMAN: ListenView = ListenView {
        json: false,
        body: BodyMode::Full,
    };

    fn received(body: &[u8], is_json: bool) -> Received {
        Received {
            seq: 3,
            time: "2026-01-02T03:04:05.500Z".parse().unwrap(),
            remote: "127.0.0.1:5000".parse().unwrap(),
            method: hyper::Method::POST,
            path: "/hook".into(),
            headers: hyper::HeaderMap::new().into(),
            body: Some(bytes::Bytes::copy_from_slice(body)),
            body_digest: None,
            body_is_json: is_json,
            event: Some("client.created".into()),
            family: Some(Family::Client),
            signature: SigVerdict::Unchecked,
            valid: true,
            findings: Vec::new(),
            matched_key: None,
            diagnosis: Vec::new(),
            payload_key: None,
            payload_key_ok: None,
            generated_at: Some("2026-01-02T03:04:05.000Z".parse().unwrap()),
            sent_at: None,
            duplicate_of: None,
            stale: None,
            record_id: None,
            status: 200,
            note: Cow::Borrowed("valid delivery"),
            saved_to: None,
            save_error: None,
            forwarded: None,
            withheld: None,
            filtered: false,
            handled_in: std::time::Duration::ZERO,
        }
    }

    fn line(view: ListenView, r: &Received) -> String {
        let mut out = Vec::new();
        view.write_request(&mut out, r).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn parse(text: &str) -> Value {
        assert_eq!(text.matches('\n').count(), 1, "one line: {text}");
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn a_request_line_has_every_field_in_order() {
        let mut r = received(br#"{"uid":"1"}"#, true);
        r.duplicate_of = Some(1);
        r.stale = Some(Stale {
            record_id: "1".into(),
            newer_seq: 2,
            newer_generated_at: "2026-01-02T03:04:06Z".parse().unwrap(),
        });
        let v = parse(&line(JSON, &r));
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "type",
                "seq",
                "time",
                "remote_addr",
                "method",
                "path",
                "event",
                "signature",
                "signature_detail",
                "valid",
                "matched_key",
                "findings",
                "diagnosis",
                "payload_key",
                "payload_key_ok",
                "generated_at",
                "sent_at",
                "age_ms",
                "retry_lag_ms",
                "duplicate_of",
                "stale",
                "stale_detail",
                "record_id",
                "status",
                "note",
                "saved_to",
                "save_error",
                "forwarded",
                "non_utf8_headers",
                "body",
                "body_text"
            ]
        );
        assert_eq!(v["type"], "request");
        assert_eq!(v["time"], "2026-01-02T03:04:05.500Z");
        assert_eq!(v["age_ms"], 500);
        assert_eq!(v["duplicate_of"], 1);
        assert_eq!(v["stale"], true);
        assert_eq!(
            v["stale_detail"],
            serde_json::json!({"record_id": "1", "newer_seq": 2})
        );
    }

    /// JSON holds the text as it came; only the human view escapes it for a terminal.
    #[test]
    fn text_is_raw_in_json_and_escaped_for_the_terminal() {
        let mut r = received(b"not json \x1b[2J", false);
        r.event = Some("evil\x1b[2J\u{202e}".into());
        r.path = "/p\x07".into();
        r.note = Cow::Borrowed("body is not JSON: \x1b]0;x");
        let v = parse(&line(JSON, &r));
        assert_eq!(v["event"], "evil\x1b[2J\u{202e}");
        assert_eq!(v["path"], "/p\x07");
        assert_eq!(v["note"], "body is not JSON: \x1b]0;x");
        assert_eq!(v["body_text"], "not json \x1b[2J");
        let human = line(HUMAN, &r);
        assert!(
            !human.contains('\x1b') && !human.contains('\x07') && !human.contains('\u{202e}'),
            "{human:?}"
        );
        assert!(human.contains("evil"), "{human}");
    }

    /// A header value that is not UTF-8: exact (base64) in JSON, escaped for the terminal.
    #[test]
    fn header_values_that_are_not_utf8_are_exact_in_json_and_escaped_for_people() {
        let mut r = received(br#"{"uid":"1"}"#, true);
        let v = parse(&line(JSON, &r));
        assert_eq!(v["non_utf8_headers"], serde_json::json!([]));
        for (n, v) in [("x-a", &b"fine"[..]), ("x-note", b"caf\xe9\tx")] {
            std::sync::Arc::make_mut(&mut r.headers).append(
                hyper::header::HeaderName::from_static(n),
                hyper::header::HeaderValue::from_bytes(v).unwrap(),
            );
        }
        let v = parse(&line(JSON, &r));
        assert_eq!(
            v["non_utf8_headers"],
            serde_json::json!([{"name": "x-note", "value_base64": "Y2Fm6Ql4"}])
        );
        let human = line(HUMAN, &r);
        assert!(human.contains("x-note: caf\\xe9\\tx (not UTF-8"), "{human}");
        assert!(!human.contains("x-a"), "{human}");
    }

    #[test]
    fn one_line_bodies_are_written_byte_for_byte() {
        // Duplicate keys, a big integer, spacing: all kept, nothing re-encoded.
        let body = br#"{"uid":"8", "n":12345678901234567890123,"d":{"a":1,"a":2},"s":"\/"}"#;
        let text = line(JSON, &received(body, true));
        let want = format!(
            r#","body":{},"body_text":null}}"#,
            String::from_utf8_lossy(body)
        );
        assert!(text.trim_end().ends_with(&want), "{text}");
    }

    #[test]
    fn other_bodies_become_compact_json_or_text() {
        let v = parse(&line(JSON, &received(b"{\n  \"uid\": \"2\"\n}", true)));
        assert_eq!(v["body"], serde_json::json!({"uid": "2"}));
        assert!(v["body_text"].is_null());
        // What strict readers refuse is text, so that every line parses.
        for body in [
            &br#"{"a":"\ud800"}"#[..],
            br#"{"a":1e400}"#,
            b"{\"a\":\n1e400}",
        ] {
            let v = parse(&line(JSON, &received(body, true)));
            assert!(v["body"].is_null(), "{v}");
            assert_eq!(v["body_text"].as_str().unwrap().as_bytes(), body);
        }
        // An escape that strict readers accept is checked, then written as it came.
        let text = line(JSON, &received(br#"{"a":"\u0041"}"#, true));
        assert!(text.contains(r#""body":{"a":"\u0041"}"#), "{text}");
        // No body (a 413): both null.
        let mut r = received(b"", false);
        r.body = None;
        let v = parse(&line(JSON, &r));
        assert!(v["body"].is_null() && v["body_text"].is_null());
    }

    #[test]
    fn listening_rejected_and_summary_lines_are_typed() {
        let mut out = Vec::new();
        JSON.write_listening(&mut out, "http://127.0.0.1:1", Some("http://127.0.0.1:2/"))
            .unwrap();
        let rejected = Event::Rejected(Rejected {
            time: "2026-01-02T03:04:05Z".parse().unwrap(),
            remote: "127.0.0.1:9".parse().unwrap(),
            status: Some(431),
            reason: "too \x1b large".into(),
        });
        JSON.write_event(&mut out, &rejected).unwrap();
        let mut t = Tally::expecting(&["z.last".into(), "a.first".into()]);
        t.expected[0].1 = true;
        t.by_status.insert(200, 4);
        t.by_status.insert(401, 1);
        t.save_errors = 2;
        JSON.write_summary(&mut out, &t, "stopped \x1b", false)
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        let mut lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(
            lines[0],
            serde_json::json!({"type": "listening", "url": "http://127.0.0.1:1"})
        );
        assert_eq!(
            lines.remove(1),
            serde_json::json!({"type": "inspector", "url": "http://127.0.0.1:2/"})
        );
        assert_eq!(
            lines[1],
            serde_json::json!({"type": "rejected", "time": "2026-01-02T03:04:05.000Z",
                "remote_addr": "127.0.0.1:9", "status": 431, "reason": "too \x1b large"})
        );
        let s = &lines[2];
        let keys: Vec<&str> = s.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "type",
                "requests",
                "deliveries",
                "valid",
                "invalid",
                "missing",
                "unchecked",
                "duplicates",
                "stale",
                "saved",
                "save_errors",
                "rejected",
                "filtered",
                "unanswered",
                "dropped",
                "by_status",
                "expected",
                "stopped",
                "ok"
            ]
        );
        assert_eq!(s["by_status"], serde_json::json!({"200": 4, "401": 1}));
        assert_eq!(s["save_errors"], 2);
        assert_eq!(s["stopped"], "stopped \x1b");
        // The expected events in the order they were asked for.
        let expected: Vec<(&String, &Value)> = s["expected"].as_object().unwrap().iter().collect();
        assert_eq!(
            format!("{expected:?}"),
            r#"[("z.last", Bool(true)), ("a.first", Bool(false))]"#
        );
    }

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
    }
}
