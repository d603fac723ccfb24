//! The view of `wl-hook verify`: a block per input for people, one typed JSON line per input
//! for machines. The report is the judgement core's; this only shows it.

use std::io::{self, Write};

use serde::Serialize;

use super::{bad, dim, ok, sanitize, strong, warn};
use crate::capture::Request;
use crate::judge::{Check, Report, Status};

/// `{"type":"verify",...}`: one checked input.
#[derive(Serialize)]
#[serde(tag = "type", rename = "verify")]
struct VerifyLine<'a> {
    input: &'a str,
    valid: bool,
    checks: &'a [Check],
    diagnosis: &'a [String],
    matched_key: Option<&'a str>,
    body_form: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected_signature: Option<&'a str>,
    /// The header values that are not UTF-8, exactly (usually none).
    non_utf8_headers: Vec<super::NonUtf8Header<'a>>,
    /// The clock the time checks read: `--now`, else a capture's `received_at`, else now.
    judged_at: String,
}

/// `{"type":"unreadable",...}`: an input that could not be read as a request.
#[derive(Serialize)]
#[serde(tag = "type", rename = "unreadable")]
struct UnreadableLine<'a> {
    input: &'a str,
    valid: bool,
    error: &'a str,
}

/// How verify's results are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Human,
    /// Nothing on stdout: the exit code says it all (`-q`).
    Quiet,
    Json,
}

pub struct VerifyView<W: Write> {
    out: W,
    mode: Mode,
}

impl<W: Write> VerifyView<W> {
    pub fn new(out: W, mode: Mode) -> Self {
        VerifyView { out, mode }
    }

    /// One input that was read and checked.
    pub fn report(&mut self, input: &str, req: &Request, report: &Report) -> io::Result<()> {
        match self.mode {
            Mode::Quiet => Ok(()),
            Mode::Json => {
                let line = VerifyLine {
                    input,
                    valid: report.valid,
                    checks: &report.checks,
                    diagnosis: &report.diagnosis,
                    matched_key: report.matched_key.as_deref(),
                    body_form: req.body_form.to_string(),
                    expected_signature: report.expected_signature.as_deref(),
                    non_utf8_headers: super::NonUtf8Header::of(
                        req.header_bytes
                            .iter()
                            .map(|(i, b)| (req.headers[i].0.as_str(), b)),
                    ),
                    judged_at: crate::protocol::timestamp::format(report.judged_at),
                };
                super::json_line(&mut self.out, &line)
            }
            Mode::Human => self.block(input, report, req),
        }
    }

    /// One input that could not be read as a request.
    pub fn unreadable(&mut self, input: &str, error: &str) -> io::Result<()> {
        match self.mode {
            Mode::Quiet => Ok(()),
            Mode::Json => super::json_line(
                &mut self.out,
                &UnreadableLine {
                    input,
                    valid: false,
                    error,
                },
            ),
            Mode::Human => {
                writeln!(
                    self.out,
                    "{} {}  {}",
                    bad("✗"),
                    strong(&sanitize(input)),
                    bad(&format!("unreadable: {}", sanitize(error)))
                )?;
                writeln!(self.out)
            }
        }
    }

    pub fn finish(mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn block(&mut self, name: &str, report: &Report, req: &Request) -> io::Result<()> {
        let out = &mut self.out;
        let verdict = if report.valid {
            ok("✓ valid")
        } else {
            bad("✗ invalid")
        };
        let key = report
            .matched_key
            .as_deref()
            .map(|k| format!(" (key {})", sanitize(k)))
            .unwrap_or_default();
        writeln!(out, "{} {}{}", verdict, strong(&sanitize(name)), dim(&key))?;
        if req.received_at == Some(report.judged_at) {
            let note = format!(
                "judged as at its reception, {} (received_at; --now judges at another time)",
                crate::protocol::timestamp::format(report.judged_at)
            );
            writeln!(out, "  {}", dim(&note))?;
        }
        if !req.body_form.is_exact() {
            let note = format!("the exact bytes are unknown: checked {}", req.body_form);
            writeln!(out, "  {}", warn(&note))?;
        }
        for (i, bytes) in req.header_bytes.iter() {
            let line = super::non_utf8_line(&req.headers[i].0, bytes);
            writeln!(out, "  {}", warn(&line))?;
        }
        for c in &report.checks {
            writeln!(out, "  {} {:<14} {}", mark(c), c.name, sanitize(&c.detail))?;
        }
        if !report.diagnosis.is_empty() {
            writeln!(out, "  {}", strong("diagnosis:"))?;
            for d in &report.diagnosis {
                writeln!(out, "    → {}", sanitize(d))?;
            }
        }
        if let Some(sig) = &report.expected_signature {
            writeln!(out, "  {} {sig}", dim("expected x-signature-256:"))?;
        }
        writeln!(out)
    }
}

fn mark(c: &Check) -> colored::ColoredString {
    match c.status {
        Status::Pass => ok("✓"),
        Status::Fail => bad("✗"),
        Status::Warn => warn("!"),
        Status::Skip => dim("-"),
    }
}
