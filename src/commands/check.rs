//! `wl-hook check URL`: run the conformance suite against a receiver and report PASS, FAIL or
//! WARN per scenario, as a table, JSON lines and a JUnit file.

use std::io::Write;
use std::time::{Duration, Instant};

use anyhow::Result;
use chrono::Utc;
use serde_json::json;

use crate::cli::CheckArgs;
use crate::commands::common;
use crate::conformance::{ScenarioResult, Suite, Verdict, SCENARIOS};
use crate::delivery::{self, ClientOptions};
use crate::exit::{failure, input_error, Exit};
use crate::output::{bad, dim, ok, strong, warn};
use crate::protocol::Secret;

/// Everything `check` needs, checked before the first delivery.
pub struct CheckPlan {
    pub url: reqwest::Url,
    pub key: Secret,
    pub timeout: Duration,
    pub burst: usize,
    pub events: Vec<String>,
    pub only: Vec<String>,
    pub fixtures: crate::fixture::FixtureSet,
    pub junit: Option<std::path::PathBuf>,
    pub json: bool,
}

impl CheckPlan {
    pub fn from_args(args: &CheckArgs) -> Result<CheckPlan> {
        let url = common::parse_url(&args.url)?;
        let timeout = common::duration_flag("--timeout", &args.timeout)?;
        if timeout.is_zero() {
            return Err(input_error("--timeout must be more than 0"));
        }
        if args.burst == 0 {
            return Err(input_error("--burst must be at least 1"));
        }
        for o in &args.only {
            if !SCENARIOS.contains(&o.as_str()) {
                return Err(input_error(format!(
                    "--only {o}: no such scenario; use one of {}",
                    SCENARIOS.join(", ")
                )));
            }
        }
        let fixtures = common::fixture_set(args.fixtures.as_deref())?;
        let events: Vec<String> = if args.topics.is_empty() {
            crate::protocol::EVENTS
                .iter()
                .map(|e| e.name.to_string())
                .collect()
        } else {
            fixtures
                .resolve(&args.topics)
                .map_err(|e| input_error(e.to_string()))?
                .iter()
                .map(|f| f.event.clone())
                .collect()
        };
        let key = common::load_key(&args.key)?;
        Ok(CheckPlan {
            url,
            key,
            timeout,
            burst: args.burst,
            events,
            only: args.only.clone(),
            fixtures,
            junit: args.junit.clone(),
            json: args.json,
        })
    }
}

pub fn run(args: &CheckArgs) -> Result<Exit> {
    let plan = CheckPlan::from_args(args)?;
    crate::runtime()?.block_on(async {
        let mut out = std::io::BufWriter::new(std::io::stdout());
        check(plan, &mut out).await
    })
}

/// Run the suite and report; used by `check` and by `demo`.
pub async fn check(plan: CheckPlan, out: &mut impl Write) -> Result<Exit> {
    let client = delivery::build_client(&ClientOptions {
        timeout: plan.timeout,
        max_idle_per_host: plan.burst,
        urls: vec![plan.url.clone()],
    })?;
    let started_at = Utc::now();
    let started = Instant::now();
    let suite = Suite {
        client,
        url: plan.url.clone(),
        key: plan.key,
        timeout: plan.timeout,
        burst: plan.burst,
        events: plan.events,
        only: plan.only,
        fixtures: plan.fixtures,
        now: started_at,
    };
    let Some(results) = suite.run().await? else {
        return Err(failure(
            Exit::Unreachable,
            format!(
                "cannot reach {}: nothing answered; is your receiver running?",
                plan.url
            ),
        ));
    };
    let elapsed = started.elapsed();
    let (passed, failed, warned) = count(&results);
    if plan.json {
        for r in &results {
            writeln!(
                out,
                "{}",
                json!({
                    "type": "scenario",
                    "name": r.name,
                    "verdict": r.verdict,
                    "reason": r.reason,
                    "max_latency_ms": r.max_latency.map(delivery::ms),
                    "deliveries": r.deliveries,
                })
            )?;
        }
        writeln!(
            out,
            "{}",
            json!({"type": "summary", "url": plan.url.as_str(), "passed": passed, "failed": failed, "warnings": warned, "ok": failed == 0, "elapsed_ms": delivery::ms(elapsed)})
        )?;
    } else {
        write_table(out, plan.url.as_str(), &results, elapsed)?;
    }
    out.flush()?;
    if let Some(path) = &plan.junit {
        let xml = crate::output::junit::report(plan.url.as_str(), &results, started_at, elapsed);
        crate::commands::fixtures::write_atomic(path, xml.as_bytes())
            .map_err(|e| input_error(format!("--junit {}: {e}", path.display())))?;
    }
    Ok(if failed > 0 { Exit::Negative } else { Exit::Ok })
}

fn count(results: &[ScenarioResult]) -> (usize, usize, usize) {
    let n = |v| results.iter().filter(|r| r.verdict == v).count();
    (n(Verdict::Pass), n(Verdict::Fail), n(Verdict::Warn))
}

fn write_table(
    out: &mut impl Write,
    url: &str,
    results: &[ScenarioResult],
    elapsed: Duration,
) -> std::io::Result<()> {
    writeln!(out, "{} {url}", strong("wl-hook check"))?;
    writeln!(
        out,
        "{}",
        strong(&format!(
            "{:<22} {:<7} {:>10}  {}",
            "SCENARIO", "VERDICT", "LATENCY", "REASON"
        ))
    )?;
    for r in results {
        let verdict = match r.verdict {
            Verdict::Pass => ok("PASS"),
            Verdict::Warn => warn("WARN"),
            Verdict::Fail => bad("FAIL"),
        };
        let latency = r
            .max_latency
            .map(|d| format!("{:.1} ms", delivery::ms(d)))
            .unwrap_or_else(|| "-".into());
        writeln!(
            out,
            "{:<22} {:<7} {:>10}  {}",
            r.name, verdict, latency, r.reason
        )?;
    }
    let (passed, failed, warned) = count(results);
    let line = format!(
        "{passed} passed, {failed} failed, {warned} warnings in {}",
        crate::duration::human(elapsed)
    );
    writeln!(out, "{}", if failed > 0 { bad(&line) } else { ok(&line) })?;
    if failed > 0 {
        writeln!(
            out,
            "{}",
            dim("Each FAIL says what WL would do and what to change.")
        )?;
    }
    Ok(())
}
