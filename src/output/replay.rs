//! The view of `wl-hook replay`: a table of attempts per capture and a summary for people; typed
//! JSON lines (`attempt`, `duplicate`, `capture`, `summary`, `planned_attempt`) for machines.
//! It also shows a progress bar while a real-time replay waits.

use std::io::{self, IsTerminal, Write};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::{bad, dim, ok, sanitize, strong, warn};
use crate::delivery::{self, DeliveryError, Outcome};
use crate::duration;
use crate::replay::{Event, Observer, Totals};
use crate::schedule::{PlannedAttempt, Schedule};

#[derive(Serialize)]
#[serde(tag = "type", rename = "attempt")]
struct AttemptLine<'a> {
    input: &'a str,
    event: &'a str,
    attempt: u32,
    offset_ms: u64,
    sent_at: &'a str,
    status: Option<u16>,
    accepted: bool,
    latency_ms: f64,
    error: Option<&'a DeliveryError>,
}

#[derive(Serialize)]
#[serde(tag = "type", rename = "duplicate")]
struct DuplicateLine<'a> {
    input: &'a str,
    copy: u32,
    status: Option<u16>,
    accepted: bool,
    latency_ms: f64,
    error: Option<&'a DeliveryError>,
}

#[derive(Serialize)]
#[serde(tag = "type", rename = "capture")]
struct CaptureLine<'a> {
    input: &'a str,
    event: &'a str,
    delivered: bool,
    attempts: u32,
    delivered_at_offset_ms: Option<u64>,
    duplicates: u32,
    duplicates_not_acknowledged: u32,
    explanation: Option<String>,
}

#[derive(Serialize)]
#[serde(tag = "type", rename = "summary")]
struct SummaryLine {
    captures: usize,
    delivered: u32,
    gave_up: u32,
    duplicates_not_acknowledged: u32,
    schedule: String,
    elapsed_ms: f64,
}

#[derive(Serialize)]
#[serde(tag = "type", rename = "planned_attempt")]
struct PlannedLine {
    attempt: u32,
    delay_ms: u64,
    offset_ms: u64,
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// "200 OK", or the error class alone when there was no answer.
fn outcome_text(o: &Outcome) -> String {
    match &o.error {
        Some(e) if o.status.is_none() => e.class.as_str().to_string(),
        _ => o.status_text(),
    }
}

pub struct ReplayView<'w, W: Write> {
    out: &'w mut W,
    json: bool,
    url: String,
    schedule: &'w Schedule,
    attempts: &'w [PlannedAttempt],
    duplicates: u32,
    resigned: bool,
}

impl<'w, W: Write> ReplayView<'w, W> {
    pub fn new(out: &'w mut W, json: bool, plan: &'w crate::replay::Plan) -> ReplayView<'w, W> {
        ReplayView {
            out,
            json,
            url: plan.url.to_string(),
            schedule: &plan.schedule,
            attempts: &plan.attempts,
            duplicates: plan.duplicates,
            resigned: plan.resigned,
        }
    }

    pub fn summary(&mut self, t: &Totals) -> io::Result<()> {
        if self.json {
            let line = SummaryLine {
                captures: t.captures,
                delivered: t.delivered,
                gave_up: t.gave_up,
                duplicates_not_acknowledged: t.duplicates_not_acknowledged,
                schedule: self.schedule.describe(),
                elapsed_ms: delivery::ms(t.elapsed),
            };
            super::json_line(self.out, &line)?;
        } else if t.captures > 1 {
            let dups = if self.duplicates > 0 {
                format!(
                    ", {} duplicates not acknowledged",
                    t.duplicates_not_acknowledged
                )
            } else {
                String::new()
            };
            writeln!(
                self.out,
                "{} {} captures: {} delivered, {} gave up{dups}",
                strong("Summary:"),
                t.captures,
                t.delivered,
                t.gave_up
            )?;
        }
        self.out.flush()
    }

    fn human(&mut self, e: &Event) -> io::Result<()> {
        let out = &mut *self.out;
        match e {
            Event::Capture { item } => {
                let (name, event) = (sanitize(&item.name), sanitize(&item.event));
                writeln!(out, "{} {event} → {}", strong(&name), self.url)?;
                writeln!(out, "  {}", dim(&self.schedule.describe()))?;
                writeln!(
                    out,
                    "  {:>3}  {:>14}  {:<24}  {:<26}  {:>9}",
                    "#", "OFFSET", "X-SENT-AT", "RESULT", "LATENCY"
                )
            }
            Event::Attempt {
                planned,
                sent_at,
                outcome: o,
                ..
            } => {
                let text = outcome_text(o);
                writeln!(
                    out,
                    "  {:>3}  {:>14}  {:<24}  {:<26}  {:>9}",
                    planned.number,
                    duration::human(planned.offset),
                    sent_at,
                    if o.accepted() { ok(&text) } else { bad(&text) },
                    format!("{:.1} ms", delivery::ms(o.latency))
                )
            }
            Event::Duplicate { .. } => Ok(()),
            Event::Done { result, .. } => {
                match result.delivered_on {
                    Some((1, _)) => writeln!(out, "  {} delivered on attempt 1", ok("✓"))?,
                    Some((n, off)) => writeln!(
                        out,
                        "  {} delivered on attempt {n}, {} after the first",
                        ok("✓"),
                        duration::human(off)
                    )?,
                    None => {
                        let over = self
                            .attempts
                            .get(result.attempts.saturating_sub(1) as usize)
                            .map(|a| a.offset)
                            .unwrap_or_default();
                        let attempts = match result.attempts {
                            1 => "1 attempt".to_string(),
                            n => format!("{n} attempts"),
                        };
                        writeln!(
                            out,
                            "  {} gave up after {attempts} over {}",
                            bad("✗"),
                            duration::human(over)
                        )?;
                        if let Some(why) = result.explanation(self.resigned) {
                            writeln!(out, "    {}", warn(&why))?;
                        }
                    }
                }
                if !result.duplicates.is_empty() {
                    let n = result.duplicates.len() as u32;
                    let statuses: Vec<String> =
                        result.duplicates.iter().map(outcome_text).collect();
                    let line = format!(
                        "duplicates: {} of {n} acknowledged ({})",
                        n - result.duplicates_failed,
                        statuses.join(", ")
                    );
                    let shown = if result.duplicates_failed == 0 {
                        ok(&line)
                    } else {
                        warn(&line)
                    };
                    writeln!(out, "  {shown}")?;
                }
                writeln!(out)
            }
        }
    }

    fn json(&mut self, e: &Event) -> io::Result<()> {
        match e {
            Event::Capture { .. } => Ok(()),
            Event::Attempt {
                item,
                planned,
                sent_at,
                outcome: o,
            } => super::json_line(
                self.out,
                &AttemptLine {
                    input: &item.name,
                    event: &item.event,
                    attempt: planned.number,
                    offset_ms: millis(planned.offset),
                    sent_at,
                    status: o.status,
                    accepted: o.accepted(),
                    latency_ms: delivery::ms(o.latency),
                    error: o.error.as_ref(),
                },
            ),
            Event::Duplicate {
                item,
                copy,
                outcome: o,
            } => super::json_line(
                self.out,
                &DuplicateLine {
                    input: &item.name,
                    copy: *copy,
                    status: o.status,
                    accepted: o.accepted(),
                    latency_ms: delivery::ms(o.latency),
                    error: o.error.as_ref(),
                },
            ),
            Event::Done { item, result } => super::json_line(
                self.out,
                &CaptureLine {
                    input: &item.name,
                    event: &item.event,
                    delivered: result.delivered_on.is_some(),
                    attempts: result.attempts,
                    delivered_at_offset_ms: result.delivered_on.map(|(_, off)| millis(off)),
                    duplicates: self.duplicates,
                    duplicates_not_acknowledged: result.duplicates_failed,
                    explanation: result.explanation(self.resigned),
                },
            ),
        }
    }
}

impl<W: Write> Observer for ReplayView<'_, W> {
    fn event(&mut self, e: Event<'_>) -> io::Result<()> {
        if self.json {
            self.json(&e)?;
        } else {
            self.human(&e)?;
        }
        self.out.flush()
    }

    /// On a terminal, a wait of half a second or more shows a bar with the simulated clock.
    async fn wait(&mut self, planned: &PlannedAttempt, real: Duration) {
        if !io::stderr().is_terminal() || real < Duration::from_millis(500) {
            tokio::time::sleep(real).await;
            return;
        }
        let speed = planned.delay.as_secs_f64() / real.as_secs_f64();
        let bar = indicatif::ProgressBar::new(real.as_millis() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("  waiting for attempt {msg} {bar:30}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        let begun = Instant::now();
        let prior = planned.offset.saturating_sub(planned.delay);
        while begun.elapsed() < real {
            let sim = prior
                + Duration::try_from_secs_f64(begun.elapsed().as_secs_f64() * speed)
                    .unwrap_or_default();
            bar.set_message(format!(
                "{} (simulated clock +{})",
                planned.number,
                duration::human(sim)
            ));
            bar.set_position(begun.elapsed().as_millis() as u64);
            let left = real.saturating_sub(begun.elapsed());
            tokio::time::sleep(Duration::from_millis(100).min(left)).await;
        }
        bar.finish_and_clear();
    }
}

/// `replay --print-schedule`: the planned attempts, as a table or JSON lines.
pub fn schedule(
    out: &mut impl Write,
    json: bool,
    schedule: &Schedule,
    attempts: &[PlannedAttempt],
) -> io::Result<()> {
    if json {
        for a in attempts {
            let line = PlannedLine {
                attempt: a.number,
                delay_ms: millis(a.delay),
                offset_ms: millis(a.offset),
            };
            super::json_line(out, &line)?;
        }
        return out.flush();
    }
    writeln!(out, "{}", strong(&schedule.describe()))?;
    writeln!(
        out,
        "{:>7}  {:>14}  {:>16}",
        "ATTEMPT", "DELAY", "CUMULATIVE"
    )?;
    for a in attempts {
        let delay = if a.number == 1 {
            "-".to_string()
        } else {
            duration::human(a.delay)
        };
        writeln!(
            out,
            "{:>7}  {:>14}  {:>16}",
            a.number,
            delay,
            duration::human(a.offset)
        )?;
    }
    let last = attempts.last().map(|a| a.offset).unwrap_or_default();
    writeln!(
        out,
        "{} attempts over {}",
        attempts.len(),
        duration::human(last)
    )?;
    out.flush()
}
