//! `check`'s views of a conformance [`Report`]: the human table, and JSON lines (one per
//! scenario and a summary) whose text is raw.

use std::io::{self, Write};

use serde::Serialize;

use crate::conformance::{Report, Verdict};
use crate::delivery;
use crate::output::{bad, dim, ok, sanitize, strong, warn};

/// One `--json` line.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Line<'a> {
    Scenario {
        name: &'static str,
        verdict: Verdict,
        reason: &'a str,
        blocked_by: Option<&'static str>,
        max_latency_ms: Option<f64>,
        deliveries: usize,
    },
    Summary {
        url: &'a str,
        passed: usize,
        failed: usize,
        warnings: usize,
        ok: bool,
        elapsed_ms: f64,
    },
}

/// The report's JSON lines: each scenario in order, then the summary.
pub fn lines(report: &Report) -> Vec<Line<'_>> {
    let counts = report.counts();
    report
        .results
        .iter()
        .map(|r| Line::Scenario {
            name: r.scenario.name(),
            verdict: r.verdict,
            reason: &r.reason,
            blocked_by: r.blocked_by.map(|s| s.name()),
            max_latency_ms: r.max_latency.map(delivery::ms),
            deliveries: r.deliveries,
        })
        .chain(std::iter::once(Line::Summary {
            url: report.url.as_str(),
            passed: counts.passed,
            failed: counts.failed,
            warnings: counts.warned,
            ok: counts.failed == 0,
            elapsed_ms: delivery::ms(report.elapsed),
        }))
        .collect()
}

/// Progress lines on stderr, once a run has lasted more than [`Progress::MOMENT`]: each
/// scenario as it finishes, and every few seconds the one still running. Quick runs print
/// nothing.
pub struct Progress {
    started: std::time::Instant,
    /// The scenario running, its number, the total, and when it started.
    running: Option<(
        crate::conformance::Scenario,
        usize,
        usize,
        std::time::Instant,
    )>,
    done: usize,
    /// Lines held back until the moment has passed.
    held: Vec<String>,
    last_line: Option<std::time::Instant>,
}

impl Progress {
    /// How long a run goes before progress is shown.
    pub const MOMENT: std::time::Duration = std::time::Duration::from_secs(2);
    /// How often a scenario still running is mentioned again.
    const EVERY: std::time::Duration = std::time::Duration::from_secs(5);

    pub fn new(started: std::time::Instant) -> Progress {
        Progress {
            started,
            running: None,
            done: 0,
            held: Vec::new(),
            last_line: None,
        }
    }

    fn late(&self) -> bool {
        self.started.elapsed() >= Self::MOMENT
    }

    fn say(&mut self, line: String) {
        self.held.push(line);
        if self.late() {
            for line in self.held.drain(..) {
                let _ = writeln!(io::stderr().lock(), "wl-hook check: {}", sanitize(&line));
            }
            self.last_line = Some(std::time::Instant::now());
        }
    }

    pub fn step(&mut self, step: crate::conformance::Step<'_>) {
        use crate::conformance::Step;
        match step {
            Step::Started {
                scenario,
                index,
                total,
            } => self.running = Some((scenario, index, total, std::time::Instant::now())),
            Step::Finished {
                result,
                index,
                total,
            } => {
                self.running = None;
                self.done = index;
                self.say(format!(
                    "{index}/{total} {} {} in {}",
                    result.scenario.name(),
                    result.verdict.as_str(),
                    crate::duration::human(result.elapsed)
                ));
            }
        }
    }

    /// Called every second or so: mention the scenario still running, now and then.
    pub fn tick(&mut self) {
        let Some((scenario, index, total, since)) = self.running else {
            return;
        };
        let quiet = self.last_line.is_none_or(|t| t.elapsed() >= Self::EVERY);
        if self.late() && quiet && since.elapsed() >= std::time::Duration::from_secs(1) {
            self.say(format!(
                "{index}/{total} {} running for {}",
                scenario.name(),
                crate::duration::human(std::time::Duration::from_secs(since.elapsed().as_secs()))
            ));
        }
    }
}

/// Write the report as JSON lines.
pub fn json(out: &mut impl Write, report: &Report) -> io::Result<()> {
    for line in lines(report) {
        serde_json::to_writer(&mut *out, &line)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Write the report as a table, with a verdict line and, after a FAIL, a pointer to the reasons.
pub fn human(out: &mut impl Write, report: &Report) -> io::Result<()> {
    writeln!(out, "{} {}", strong("wl-hook check"), report.url)?;
    writeln!(
        out,
        "{}",
        strong(&format!(
            "{:<22} {:<7} {:>10}  {}",
            "SCENARIO", "VERDICT", "LATENCY", "REASON"
        ))
    )?;
    for r in &report.results {
        let verdict = match r.verdict {
            Verdict::Pass => ok("PASS"),
            Verdict::Warn => warn("WARN"),
            Verdict::Fail => bad("FAIL"),
        };
        let latency = r
            .max_latency
            .map(|d| format!("{:.1} ms", delivery::ms(d)))
            .unwrap_or_else(|| "-".into());
        // A reason quotes what the receiver answered (error causes, redirect targets).
        writeln!(
            out,
            "{:<22} {:<7} {:>10}  {}",
            r.scenario.name(),
            verdict,
            latency,
            sanitize(&r.reason)
        )?;
    }
    let counts = report.counts();
    let line = format!(
        "{} passed, {} failed, {} warnings in {}",
        counts.passed,
        counts.failed,
        counts.warned,
        crate::duration::human(report.elapsed)
    );
    writeln!(
        out,
        "{}",
        if counts.failed > 0 {
            bad(&line)
        } else {
            ok(&line)
        }
    )?;
    if counts.failed > 0 {
        writeln!(
            out,
            "{}",
            dim("Each FAIL says what WL would do and what to change.")
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use chrono::{DateTime, Utc};

    use super::*;
    use crate::conformance::{Scenario, ScenarioResult};

    fn report() -> Report {
        let result = |scenario, verdict, reason: &str, ms: Option<u64>| ScenarioResult {
            scenario,
            verdict,
            reason: reason.into(),
            blocked_by: None,
            max_latency: ms.map(Duration::from_micros),
            deliveries: 1,
            elapsed: Duration::from_millis(2),
        };
        Report {
            url: reqwest::Url::parse("http://127.0.0.1:3000/webhooks").expect("URL"),
            results: vec![
                result(
                    Scenario::Accepts,
                    Verdict::Pass,
                    "2 events answered 200/201",
                    Some(2_300),
                ),
                // A cause quoted from the network, with a terminal escape in it.
                result(
                    Scenario::LateRetry,
                    Verdict::Fail,
                    "refused a late retry: reset (\u{1b}[2Jgone)",
                    Some(750),
                ),
                result(
                    Scenario::UnknownTopic,
                    Verdict::Warn,
                    "answered 404 Not Found",
                    None,
                ),
            ],
            started_at: DateTime::<Utc>::UNIX_EPOCH,
            elapsed: Duration::from_millis(125),
        }
    }

    fn text(f: impl Fn(&mut Vec<u8>) -> io::Result<()>) -> String {
        let mut out = Vec::new();
        f(&mut out).expect("written");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn json_lines_are_typed_and_keep_network_text_raw() {
        colored::control::set_override(false);
        let out = text(|o| json(o, &report()));
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines,
            [
                r#"{"type":"scenario","name":"accepts","verdict":"PASS","reason":"2 events answered 200/201","blocked_by":null,"max_latency_ms":2.3,"deliveries":1}"#,
                r#"{"type":"scenario","name":"late-retry","verdict":"FAIL","reason":"refused a late retry: reset (\u001b[2Jgone)","blocked_by":null,"max_latency_ms":0.75,"deliveries":1}"#,
                r#"{"type":"scenario","name":"unknown-topic","verdict":"WARN","reason":"answered 404 Not Found","blocked_by":null,"max_latency_ms":null,"deliveries":1}"#,
                r#"{"type":"summary","url":"http://127.0.0.1:3000/webhooks","passed":1,"failed":1,"warnings":1,"ok":false,"elapsed_ms":125.0}"#,
            ]
        );
    }

    #[test]
    fn the_table_escapes_network_text_and_points_at_the_reasons() {
        colored::control::set_override(false);
        let out = text(|o| human(o, &report()));
        assert_eq!(
            out,
            "\
wl-hook check http://127.0.0.1:3000/webhooks
SCENARIO               VERDICT    LATENCY  REASON
accepts                PASS        2.3 ms  2 events answered 200/201
late-retry             FAIL        0.8 ms  refused a late retry: reset (\\e[2Jgone)
unknown-topic          WARN             -  answered 404 Not Found
1 passed, 1 failed, 1 warnings in 125 ms
Each FAIL says what WL would do and what to change.
"
        );
    }
}
