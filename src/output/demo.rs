//! The view of `wl-hook demo`'s own lines: the banner, each step, each verified capture and the
//! summary, as text or as typed JSON (`step`, `listening`, `verified`, `summary`). The lines of
//! the commands it runs come from their own views.

use std::io::{self, Write};
use std::path::Path;
use std::time::Duration;

use serde::Serialize;

use super::{bad, dim, ok, strong};

#[derive(Serialize)]
#[serde(tag = "type")]
#[serde(rename_all = "snake_case")]
enum Line<'a> {
    Step {
        step: u32,
        name: &'a str,
        description: &'a str,
    },
    Listening {
        url: &'a str,
    },
    Verified {
        input: &'a str,
        valid: bool,
    },
    Summary {
        sent: u32,
        received: u32,
        verified: u32,
        replay_delivered: bool,
        check_passed: bool,
        ok: bool,
        elapsed_ms: f64,
    },
}

/// What the whole demo came to.
pub struct Summary {
    pub sent: u32,
    pub received: u32,
    pub verified: u32,
    pub replay_delivered: bool,
    pub check_passed: bool,
    pub elapsed: Duration,
}

impl Summary {
    pub fn ok(&self) -> bool {
        self.received == self.sent
            && self.verified == self.sent
            && self.replay_delivered
            && self.check_passed
    }
}

pub struct DemoView<'w, W: Write> {
    pub out: &'w mut W,
    pub json: bool,
}

impl<W: Write> DemoView<'_, W> {
    pub fn banner(&mut self, workdir: &Path) -> io::Result<()> {
        if self.json {
            return Ok(());
        }
        let title = "wl-hook demo: the whole flow on this machine, offline";
        writeln!(self.out, "{}", strong(title))?;
        let folder = format!(
            "(temporary folder {}, removed at the end)",
            workdir.display()
        );
        writeln!(self.out, "{}", dim(&folder))
    }

    pub fn step(&mut self, step: u32, name: &str, description: &str) -> io::Result<()> {
        if self.json {
            super::json_line(
                self.out,
                &Line::Step {
                    step,
                    name,
                    description,
                },
            )?;
        } else {
            let head = strong(&format!("{step}/5  {name:<7}"));
            writeln!(self.out, "\n{head} {description}")?;
        }
        self.out.flush()
    }

    /// The listener's URL, for machines (the human step line already names it).
    pub fn listening(&mut self, url: &str) -> io::Result<()> {
        if self.json {
            super::json_line(self.out, &Line::Listening { url })?;
        }
        Ok(())
    }

    pub fn verified(&mut self, input: &str, valid: bool) -> io::Result<()> {
        if self.json {
            return super::json_line(self.out, &Line::Verified { input, valid });
        }
        let mark = if valid { ok("✓") } else { bad("✗") };
        writeln!(self.out, "  {mark} {}", super::sanitize(input))
    }

    pub fn summary(&mut self, s: &Summary) -> io::Result<()> {
        if self.json {
            let line = Line::Summary {
                sent: s.sent,
                received: s.received,
                verified: s.verified,
                replay_delivered: s.replay_delivered,
                check_passed: s.check_passed,
                ok: s.ok(),
                elapsed_ms: crate::delivery::ms(s.elapsed),
            };
            super::json_line(self.out, &line)?;
            return self.out.flush();
        }
        let replay = if s.replay_delivered {
            "delivered on attempt 4 after 7 min of simulated backoff"
        } else {
            "did not deliver"
        };
        let check = if s.check_passed { "passed" } else { "failed" };
        let line = format!(
            "Summary: {} events sent, {} received and saved, {} captures verified, replay {replay}, check {check} — in {}",
            s.sent,
            s.received,
            s.verified,
            crate::duration::human(s.elapsed)
        );
        writeln!(self.out)?;
        writeln!(self.out, "{}", if s.ok() { ok(&line) } else { bad(&line) })?;
        writeln!(self.out, "\nTry it against your own endpoint:")?;
        for example in [
            "wl-hook send --topic all --url http://127.0.0.1:3000/webhooks --secret \"$WL_KEY\"",
            "wl-hook check http://127.0.0.1:3000/webhooks --secret \"$WL_KEY\" --junit report.xml",
            "wl-hook listen --secret \"$WL_KEY\" --forward-to http://127.0.0.1:3000/webhooks --save captures/",
        ] {
            writeln!(self.out, "  {example}")?;
        }
        self.out.flush()
    }
}
