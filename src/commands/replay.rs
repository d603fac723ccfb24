//! `wl-hook replay`: re-deliver captures with a retry schedule on a simulated clock. Only
//! `x-sent-at` changes between attempts; by default nothing waits, so three days take moments.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use anyhow::Result;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde_json::json;

use crate::cli::{ReplayArgs, ReplayOrder};
use crate::commands::common;
use crate::delivery::{self, ClientOptions, Outcome};
use crate::exit::{input_error, Exit};
use crate::output::{bad, dim, ok, strong, warn};
use crate::protocol::{self, header, timestamp, Secret};
use crate::schedule::{self, PlannedAttempt, Schedule};

/// Headers a relay must not copy from a capture: the connection's own, and the length, which
/// the client sets from the exact body.
const NOT_REPLAYED: [&str; 10] = [
    "host",
    "content-length",
    "connection",
    "keep-alive",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "proxy-authorization",
    "proxy-authenticate",
];

/// One capture ready to replay.
struct Item {
    name: String,
    event: String,
    headers: Vec<(String, String)>,
    body: Bytes,
    generated_at: Option<DateTime<Utc>>,
}

pub struct Plan {
    url: reqwest::Url,
    schedule: Schedule,
    attempts: Vec<PlannedAttempt>,
    start: DateTime<Utc>,
    /// Real seconds per simulated second; `None` is no waiting.
    speed: Option<f64>,
    duplicates: u32,
    timeout: Duration,
    json: bool,
    items: Vec<Item>,
}

fn build_schedule(args: &ReplayArgs) -> Result<(Schedule, Vec<PlannedAttempt>)> {
    let policy = schedule::parse_policy(&args.schedule)
        .map_err(|e| input_error(format!("--schedule: {e}")))?;
    let schedule = Schedule {
        policy,
        max_attempts: args.max_attempts,
        jitter_pct: args.jitter,
        seed: args.seed,
    };
    let attempts = schedule
        .attempts()
        .map_err(|e| input_error(e.to_string()))?;
    Ok((schedule, attempts))
}

fn load_items(args: &ReplayArgs, key: Option<&Secret>) -> Result<Vec<Item>> {
    let mut items = Vec::new();
    for input in common::read_inputs(&args.captures) {
        let bytes = input
            .bytes
            .map_err(|e| input_error(format!("{}: {e}", input.name)))?;
        let req = crate::capture::parse_bytes(&input.name, &bytes.into())
            .map_err(|e| input_error(format!("{}: {e}", input.name)))?;
        let mut headers: Vec<(String, String)> = req
            .headers
            .iter()
            .filter(|(n, _)| !NOT_REPLAYED.iter().any(|h| n.eq_ignore_ascii_case(h)))
            .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
            .collect();
        if let Some(key) = key {
            protocol::set_header(
                &mut headers,
                header::SIGNATURE,
                &protocol::sign(key, &req.body),
            );
        }
        for (n, v) in &headers {
            protocol::check_header_value(n, v)
                .map_err(|e| input_error(format!("{}: {e}", input.name)))?;
        }
        let event = protocol::header_value(&headers, header::TOPIC)
            .unwrap_or("(no x-topic)")
            .to_string();
        let generated_at = protocol::header_value(&headers, header::GENERATED_AT)
            .and_then(|v| timestamp::parse(v).ok())
            .map(|(t, _)| t);
        delivery::header_map(&headers).map_err(|e| input_error(format!("{}: {e}", input.name)))?;
        items.push(Item {
            name: input.name,
            event,
            headers,
            body: req.body,
            generated_at,
        });
    }
    match args.order {
        ReplayOrder::Given => {}
        // Stable: captures without a readable x-generated-at keep their order, last.
        ReplayOrder::Generated => items.sort_by_key(|i| (i.generated_at.is_none(), i.generated_at)),
        ReplayOrder::Shuffle => {
            let mut rng = match args.seed {
                Some(s) => rand::rngs::StdRng::seed_from_u64(s),
                None => rand::rngs::StdRng::from_os_rng(),
            };
            items.shuffle(&mut rng);
        }
    }
    Ok(items)
}

impl Plan {
    pub fn from_args(args: &ReplayArgs) -> Result<Plan> {
        let (schedule, attempts) = build_schedule(args)?;
        let url = common::parse_url(&args.url)?;
        let timeout = common::duration_flag("--timeout", &args.timeout)?;
        if timeout.is_zero() {
            return Err(input_error("--timeout must be more than 0"));
        }
        let speed = match (args.speed, args.realtime) {
            (_, true) => Some(1.0),
            (Some(x), _) if (0.001..=1e9).contains(&x) => Some(x),
            (Some(_), _) => {
                return Err(input_error(
                    "--speed must be between 0.001 and 1000000000, e.g. 3600",
                ))
            }
            (None, false) => None,
        };
        let start = match &args.start {
            Some(v) => common::parse_time("--start", v)?,
            None => Utc::now(),
        };
        let key = if args.resign {
            Some(common::load_key(&args.key)?)
        } else {
            None
        };
        let items = load_items(args, key.as_ref())?;
        Ok(Plan {
            url,
            schedule,
            attempts,
            start,
            speed,
            duplicates: args.duplicates,
            timeout,
            json: args.json,
            items,
        })
    }
}

pub fn run(args: &ReplayArgs) -> Result<Exit> {
    if args.print_schedule {
        return print_schedule(args);
    }
    let plan = Plan::from_args(args)?;
    crate::runtime()?.block_on(async {
        let mut out = std::io::BufWriter::new(std::io::stdout());
        execute(plan, &mut out).await
    })
}

fn print_schedule(args: &ReplayArgs) -> Result<Exit> {
    let (schedule, attempts) = build_schedule(args)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json {
        for a in &attempts {
            writeln!(
                out,
                "{}",
                json!({"type": "planned_attempt", "attempt": a.number, "delay_ms": a.delay.as_millis() as u64, "offset_ms": a.offset.as_millis() as u64})
            )?;
        }
    } else {
        writeln!(out, "{}", strong(&schedule.describe()))?;
        writeln!(
            out,
            "{:>7}  {:>14}  {:>16}",
            "ATTEMPT", "DELAY", "CUMULATIVE"
        )?;
        for a in &attempts {
            let delay = if a.number == 1 {
                "-".to_string()
            } else {
                schedule::span(a.delay)
            };
            writeln!(
                out,
                "{:>7}  {:>14}  {:>16}",
                a.number,
                delay,
                schedule::span(a.offset)
            )?;
        }
        let last = attempts.last().map(|a| a.offset).unwrap_or_default();
        writeln!(
            out,
            "{} attempts over {}",
            attempts.len(),
            schedule::span(last)
        )?;
    }
    out.flush()?;
    Ok(Exit::Ok)
}

/// What happened to one capture.
#[derive(Default)]
struct CaptureResult {
    delivered_on: Option<(u32, Duration)>,
    attempts: u32,
    reached: bool,
    duplicates_failed: u32,
}

/// Replay every capture of the plan, reporting to `out`; used by `replay` and by `demo`.
pub async fn execute(plan: Plan, out: &mut impl Write) -> Result<Exit> {
    let client = delivery::build_client(&ClientOptions {
        timeout: plan.timeout,
        max_idle_per_host: 0,
        urls: vec![plan.url.clone()],
    })?;
    let started = Instant::now();
    let (mut delivered, mut gave_up, mut dup_failed, mut reached_any) = (0u32, 0u32, 0u32, false);
    for item in &plan.items {
        let r = replay_one(&plan, &client, item, out).await?;
        reached_any |= r.reached;
        if r.delivered_on.is_some() {
            delivered += 1;
        } else {
            gave_up += 1;
        }
        dup_failed += r.duplicates_failed;
    }
    let n = plan.items.len();
    if plan.json {
        writeln!(
            out,
            "{}",
            json!({
                "type": "summary",
                "captures": n,
                "delivered": delivered,
                "gave_up": gave_up,
                "duplicates_not_acknowledged": dup_failed,
                "schedule": plan.schedule.describe(),
                "elapsed_ms": delivery::ms(started.elapsed()),
            })
        )?;
    } else if n > 1 {
        writeln!(
            out,
            "{} {n} captures: {} delivered, {} gave up{}",
            strong("Summary:"),
            delivered,
            gave_up,
            if plan.duplicates > 0 {
                format!(", {dup_failed} duplicates not acknowledged")
            } else {
                String::new()
            }
        )?;
    }
    out.flush()?;
    Ok(if gave_up == 0 && dup_failed == 0 {
        Exit::Ok
    } else if !reached_any {
        Exit::Unreachable
    } else {
        Exit::Negative
    })
}

fn outcome_text(o: &Outcome) -> String {
    match &o.error {
        Some(e) if o.status.is_none() => e.class.as_str().to_string(),
        _ => o.status_text(),
    }
}

async fn attempt(
    plan: &Plan,
    client: &reqwest::Client,
    item: &Item,
    sent_at: &str,
) -> Result<Outcome> {
    let mut headers = item.headers.clone();
    protocol::set_header(&mut headers, header::SENT_AT, sent_at);
    let map = delivery::header_map(&headers)?;
    Ok(delivery::deliver(client, &plan.url, map, item.body.clone(), plan.timeout).await)
}

async fn replay_one(
    plan: &Plan,
    client: &reqwest::Client,
    item: &Item,
    out: &mut impl Write,
) -> Result<CaptureResult> {
    let mut result = CaptureResult::default();
    if !plan.json {
        writeln!(
            out,
            "{} {} → {}",
            strong(&item.name),
            crate::output::sanitize(&item.event),
            plan.url
        )?;
        writeln!(out, "  {}", dim(&plan.schedule.describe()))?;
        writeln!(
            out,
            "  {:>3}  {:>14}  {:<24}  {:<26}  {:>9}",
            "#", "OFFSET", "X-SENT-AT", "RESULT", "LATENCY"
        )?;
        out.flush()?;
    }
    let mut last_sent_at = String::new();
    for planned in &plan.attempts {
        if planned.number > 1 {
            wait(plan, planned).await;
        }
        let sim = plan.start + chrono::Duration::from_std(planned.offset).unwrap_or_default();
        let sent_at = timestamp::format(sim);
        let o = attempt(plan, client, item, &sent_at).await?;
        result.attempts = planned.number;
        result.reached |= o.reached();
        if plan.json {
            writeln!(
                out,
                "{}",
                json!({
                    "type": "attempt",
                    "input": item.name,
                    "event": item.event,
                    "attempt": planned.number,
                    "offset_ms": planned.offset.as_millis() as u64,
                    "sent_at": sent_at,
                    "status": o.status,
                    "accepted": o.accepted(),
                    "latency_ms": delivery::ms(o.latency),
                    "error": o.error.as_ref().map(|e| json!({"class": e.class, "detail": e.detail})),
                })
            )?;
        } else {
            let text = outcome_text(&o);
            writeln!(
                out,
                "  {:>3}  {:>14}  {:<24}  {:<26}  {:>9}",
                planned.number,
                schedule::span(planned.offset),
                sent_at,
                if o.accepted() { ok(&text) } else { bad(&text) },
                format!("{:.1} ms", delivery::ms(o.latency))
            )?;
        }
        out.flush()?;
        last_sent_at = sent_at;
        if o.accepted() {
            result.delivered_on = Some((planned.number, planned.offset));
            break;
        }
    }
    // Identical copies after success, as a duplicate delivery would be.
    let mut dup_statuses = Vec::new();
    if result.delivered_on.is_some() {
        for copy in 1..=plan.duplicates {
            let o = attempt(plan, client, item, &last_sent_at).await?;
            if !o.accepted() {
                result.duplicates_failed += 1;
            }
            if plan.json {
                writeln!(
                    out,
                    "{}",
                    json!({
                        "type": "duplicate",
                        "input": item.name,
                        "copy": copy,
                        "status": o.status,
                        "accepted": o.accepted(),
                        "latency_ms": delivery::ms(o.latency),
                        "error": o.error.as_ref().map(|e| json!({"class": e.class, "detail": e.detail})),
                    })
                )?;
            }
            dup_statuses.push(outcome_text(&o));
        }
    }
    if plan.json {
        writeln!(
            out,
            "{}",
            json!({
                "type": "capture",
                "input": item.name,
                "event": item.event,
                "delivered": result.delivered_on.is_some(),
                "attempts": result.attempts,
                "delivered_at_offset_ms": result.delivered_on.map(|(_, off)| off.as_millis() as u64),
                "duplicates": plan.duplicates,
                "duplicates_not_acknowledged": result.duplicates_failed,
            })
        )?;
    } else {
        match result.delivered_on {
            Some((1, _)) => writeln!(out, "  {} delivered on attempt 1", ok("✓"))?,
            Some((n, off)) => writeln!(
                out,
                "  {} delivered on attempt {n}, {} after the first",
                ok("✓"),
                schedule::span(off)
            )?,
            None => {
                let over = plan
                    .attempts
                    .get(result.attempts.saturating_sub(1) as usize)
                    .map(|a| a.offset)
                    .unwrap_or_default();
                writeln!(
                    out,
                    "  {} gave up after {} attempts over {}",
                    bad("✗"),
                    result.attempts,
                    schedule::span(over)
                )?
            }
        }
        if !dup_statuses.is_empty() {
            let acknowledged = dup_statuses.len() as u32 - result.duplicates_failed;
            let line = format!(
                "duplicates: {acknowledged} of {} acknowledged ({})",
                dup_statuses.len(),
                dup_statuses.join(", ")
            );
            writeln!(
                out,
                "  {}",
                if result.duplicates_failed == 0 {
                    ok(&line)
                } else {
                    warn(&line)
                }
            )?;
        }
        writeln!(out)?;
    }
    out.flush()?;
    Ok(result)
}

/// Wait before an attempt: nothing on the simulated clock, delay/speed of real time otherwise,
/// with a progress bar of the simulated clock on a terminal.
async fn wait(plan: &Plan, planned: &PlannedAttempt) {
    let Some(speed) = plan.speed else { return };
    let Ok(real) = Duration::try_from_secs_f64(planned.delay.as_secs_f64() / speed) else {
        return;
    };
    if real.is_zero() {
        return;
    }
    if !std::io::stderr().is_terminal() || real < Duration::from_millis(500) {
        tokio::time::sleep(real).await;
        return;
    }
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
            schedule::span(sim)
        ));
        bar.set_position(begun.elapsed().as_millis() as u64);
        tokio::time::sleep(Duration::from_millis(100).min(real.saturating_sub(begun.elapsed())))
            .await;
    }
    bar.finish_and_clear();
}
