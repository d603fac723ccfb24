//! `wl-hook send`: render, sign and POST deliveries — one, every topic, or a concurrent burst —
//! and report each as WL would judge it.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use reqwest::header::HeaderMap;
use serde_json::json;
use tokio::sync::mpsc;

use crate::cli::SendArgs;
use crate::commands::common::{self, BodyPlan};
use crate::delivery::{self, ClientOptions, Outcome, Pacer, Percentiles};
use crate::exit::{input_error, Exit};
use crate::output::{bad, dim, ok, sanitize, short_key, strong, warn};
use crate::protocol::{self, header, Secret};

/// The most deliveries one run may make (topics × --count × (1 + --repeat-exact)).
const MAX_DELIVERIES: u64 = 1_000_000_000;

/// Above this many deliveries, human output lists only the ones not accepted.
const LIST_ALL_UP_TO: u64 = 50;
/// How many not-accepted deliveries a large run lists before summarising the rest.
const LIST_FAILURES_UP_TO: u64 = 20;

/// Everything send needs, checked before the first request.
struct Plan {
    url: reqwest::Url,
    timeout: Duration,
    extra_headers: Vec<String>,
    key: Secret,
    sign_with: Option<Secret>,
    no_signature: bool,
    tamper: bool,
    repeat: u32,
    count: u64,
    concurrency: usize,
    rate: Option<f64>,
    json: bool,
    verbose: bool,
    fixed_now: Option<DateTime<Utc>>,
    /// Rendering takes a fresh id from a seeded generator: shared, briefly locked.
    body: std::sync::Mutex<BodyPlan>,
}

impl Plan {
    fn from_args(args: &SendArgs) -> Result<Plan> {
        let url = common::parse_url(&args.url)?;
        common::check_header_args(&args.headers)?;
        let timeout = common::duration_flag("--timeout", &args.timeout)?;
        if timeout.is_zero() {
            return Err(input_error("--timeout must be more than 0"));
        }
        if args.count == 0 {
            return Err(input_error("--count must be at least 1"));
        }
        if args.concurrency == 0 {
            return Err(input_error("--concurrency must be at least 1"));
        }
        if let Some(r) = args.rate {
            if !(0.001..=1_000_000.0).contains(&r) {
                return Err(input_error(
                    "--rate must be between 0.001 and 1000000 deliveries per second",
                ));
            }
        }
        let fixed_now = match &args.body.render.now {
            Some(v) => Some(common::parse_time("--now", v)?),
            None => None,
        };
        let body = BodyPlan::from_args(&args.body, fixed_now.unwrap_or_else(Utc::now))?;
        (body.len() as u64)
            .checked_mul(args.count)
            .and_then(|n| n.checked_mul(1 + u64::from(args.repeat_exact)))
            .filter(|n| *n <= MAX_DELIVERIES)
            .ok_or_else(|| {
                input_error(format!(
                    "--count and --repeat-exact ask for more than {MAX_DELIVERIES} deliveries; ask for fewer"
                ))
            })?;
        let sign_with = match &args.sign_with {
            Some(k) => Some(Secret::new(k.as_bytes().to_vec()).ok_or_else(|| {
                input_error("--sign-with: the key is empty; give a non-empty key")
            })?),
            None => None,
        };
        let (key, _) = common::load_key(&args.key)?;
        Ok(Plan {
            url,
            timeout,
            extra_headers: args.headers.clone(),
            key,
            sign_with,
            no_signature: args.no_signature,
            tamper: args.tamper,
            repeat: args.repeat_exact,
            count: args.count,
            concurrency: args.concurrency,
            rate: args.rate,
            json: args.json,
            verbose: args.verbose,
            fixed_now,
            body: std::sync::Mutex::new(body),
        })
    }
}

/// One delivery, ready to go out (and to go out again unchanged for --repeat-exact).
struct Job {
    seq: u64,
    event: Arc<str>,
    payload_key: Arc<str>,
    headers: HeaderMap,
    body: Bytes,
}

/// One finished attempt, sent to the printer.
struct Record {
    seq: u64,
    repeat: u32,
    event: Arc<str>,
    payload_key: Arc<str>,
    /// Kept only for -v, which prints them.
    request_headers: Option<Arc<HeaderMap>>,
    outcome: Outcome,
}

fn build_job(plan: &Plan, seq: u64, template: usize) -> Result<Job> {
    let rendered = plan
        .body
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .render(template);
    let sent_at = plan.fixed_now.unwrap_or_else(Utc::now);
    let signing_key = plan.sign_with.as_ref().unwrap_or(&plan.key);
    let mut headers = protocol::build_headers(
        &rendered.event,
        &rendered.body,
        signing_key,
        rendered.generated_at,
        sent_at,
    );
    if plan.no_signature {
        protocol::remove_header(&mut headers, header::SIGNATURE);
    }
    // The body's own key, as build_headers put it (before any -H override): not hashed again.
    let payload_key = protocol::header_value(&headers, header::PAYLOAD_KEY)
        .map(str::to_owned)
        .unwrap_or_else(|| protocol::payload_key(&rendered.body));
    common::apply_header_args(&mut headers, &plan.extra_headers)?;
    let mut body = rendered.body;
    if plan.tamper {
        protocol::tamper(&mut body);
    }
    Ok(Job {
        seq,
        event: Arc::from(rendered.event),
        payload_key: Arc::from(payload_key),
        headers: delivery::header_map_owned(headers)?,
        body: Bytes::from(body),
    })
}

pub fn run(args: &SendArgs) -> Result<Exit> {
    let plan = Plan::from_args(args)?;
    // The multi-threaded runtime, although one thread used a fifth less CPU per delivery here:
    // with one thread, a slow reader of stdout (`| less`, a full pipe) stalls every delivery
    // and inflates their latencies past --timeout; here it holds up one worker only.
    let rt = crate::runtime()?;
    // On a worker, not the main thread: the printer then shares the runtime's threads instead
    // of waking a third one for every finished delivery.
    rt.block_on(async { tokio::spawn(execute(plan)).await? })
}

async fn execute(plan: Plan) -> Result<Exit> {
    let client = delivery::build_client(&ClientOptions {
        timeout: plan.timeout,
        max_idle_per_host: if plan.concurrency == 1 {
            0
        } else {
            plan.concurrency
        },
        urls: vec![plan.url.clone()],
    })?;
    let templates = plan.body.lock().unwrap_or_else(|p| p.into_inner()).len() as u64;
    let jobs = templates * plan.count;
    let total = jobs * (1 + u64::from(plan.repeat));
    if plan.tamper && !plan.json {
        eprintln!(
            "wl-hook: note: --tamper changes one byte of each body after signing (the last digit)"
        );
    }

    let (tx, mut rx) = mpsc::unbounded_channel::<Record>();
    let pacer = Pacer::new(plan.rate);
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut printer = Printer::new(total, plan.repeat, plan.json, plan.verbose, &plan.url);
    let plan = Arc::new(plan);

    // --concurrency workers, each taking the next job, rendering and signing it, and delivering
    // it (and its exact repeats); one connection pool for all.
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..(plan.concurrency as u64).min(jobs) {
        let (plan, client, tx, pacer, next) = (
            plan.clone(),
            client.clone(),
            tx.clone(),
            pacer.clone(),
            next.clone(),
        );
        workers.spawn(async move {
            loop {
                let j = next.fetch_add(1, Ordering::Relaxed);
                if j >= jobs {
                    return anyhow::Ok(());
                }
                pacer.wait().await;
                let mut job = build_job(&plan, j + 1, (j % templates) as usize)?;
                let request_headers = plan.verbose.then(|| Arc::new(job.headers.clone()));
                for r in 0..=plan.repeat {
                    if r > 0 {
                        // --rate counts deliveries, repeats included.
                        pacer.wait().await;
                    }
                    let map = if r == plan.repeat {
                        std::mem::take(&mut job.headers)
                    } else {
                        job.headers.clone()
                    };
                    let outcome =
                        delivery::deliver(&client, &plan.url, map, job.body.clone(), plan.timeout)
                            .await;
                    let record = Record {
                        seq: job.seq,
                        repeat: r,
                        event: job.event.clone(),
                        payload_key: job.payload_key.clone(),
                        request_headers: request_headers.clone(),
                        outcome,
                    };
                    if tx.send(record).is_err() {
                        return Ok(());
                    }
                }
            }
        });
    }
    drop(tx);

    let progress = Progress::start(total);
    while let Some(rec) = rx.recv().await {
        progress.inc();
        printer.record(&rec)?;
    }
    progress.finish();
    while let Some(done) = workers.join_next().await {
        done??;
    }
    printer.finish(started.elapsed())
}

/// A progress bar on stderr for runs that last more than a moment, only on a terminal.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    fn start(total: u64) -> Progress {
        if total < 2 || !std::io::stderr().is_terminal() {
            return Progress { bar: None };
        }
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(total),
            indicatif::ProgressDrawTarget::hidden(),
        );
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:30} {pos}/{len} deliveries  {per_sec}  eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        // Appear only when the run lasts longer than a moment.
        let shown = bar.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(1500)).await;
            if !shown.is_finished() {
                shown.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
        });
        Progress { bar: Some(bar) }
    }

    fn inc(&self) {
        if let Some(b) = &self.bar {
            b.inc(1);
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

/// The `{"type":"delivery", ...}` line, borrowing from the record.
#[derive(serde::Serialize)]
struct DeliveryLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    seq: u64,
    repeat: u32,
    event: &'a str,
    url: &'a str,
    status: Option<u16>,
    accepted: bool,
    latency_ms: f64,
    payload_key: &'a str,
    error: Option<ErrorLine<'a>>,
    explanation: Option<String>,
    location: Option<&'a str>,
}

#[derive(serde::Serialize)]
struct ErrorLine<'a> {
    class: delivery::ErrorClass,
    detail: &'a str,
}

/// Prints each delivery (or, in a large run, the ones not accepted) and keeps the tallies.
struct Printer {
    out: std::io::BufWriter<std::io::Stdout>,
    total: u64,
    repeat: u32,
    json: bool,
    verbose: bool,
    url: String,
    sent: u64,
    accepted: u64,
    reached: u64,
    listed_failures: u64,
    failed_by: std::collections::BTreeMap<String, u64>,
    latencies: Vec<f64>,
}

impl Printer {
    fn new(total: u64, repeat: u32, json: bool, verbose: bool, url: &reqwest::Url) -> Printer {
        Printer {
            out: std::io::BufWriter::new(std::io::stdout()),
            total,
            repeat,
            json,
            verbose,
            url: url.to_string(),
            sent: 0,
            accepted: 0,
            reached: 0,
            listed_failures: 0,
            failed_by: Default::default(),
            latencies: Vec::with_capacity(total.min(1 << 20) as usize),
        }
    }

    fn record(&mut self, rec: &Record) -> Result<()> {
        let o = &rec.outcome;
        self.sent += 1;
        self.latencies.push(delivery::ms(o.latency));
        if o.accepted() {
            self.accepted += 1;
        } else {
            let class = match (o.status, &o.error) {
                (Some(s), _) => s.to_string(),
                (None, Some(e)) => e.class.as_str().to_string(),
                (None, None) => "error".into(),
            };
            *self.failed_by.entry(class).or_default() += 1;
        }
        if o.reached() {
            self.reached += 1;
        }
        if self.json {
            let line = DeliveryLine {
                kind: "delivery",
                seq: rec.seq,
                repeat: rec.repeat,
                event: &rec.event,
                url: &self.url,
                status: o.status,
                accepted: o.accepted(),
                latency_ms: delivery::ms(o.latency),
                payload_key: &rec.payload_key,
                error: o.error.as_ref().map(|e| ErrorLine {
                    class: e.class,
                    detail: &e.detail,
                }),
                explanation: o.explanation(),
                location: o.location(),
            };
            serde_json::to_writer(&mut self.out, &line)?;
            writeln!(self.out)?;
            if self.total <= 1000 {
                self.out.flush()?;
            }
            return Ok(());
        }
        let list = self.verbose
            || self.total <= LIST_ALL_UP_TO
            || (!o.accepted() && self.listed_failures < LIST_FAILURES_UP_TO);
        if !(o.accepted() || self.verbose || self.total <= LIST_ALL_UP_TO) {
            self.listed_failures += 1;
        }
        if !list {
            return Ok(());
        }
        let mark = if o.accepted() { ok("✓") } else { bad("✗") };
        let status = o.status_text();
        let status = if o.accepted() {
            ok(&status)
        } else {
            bad(&status)
        };
        let repeat = if self.repeat > 0 {
            if rec.repeat == 0 {
                "  original".to_string()
            } else {
                format!("  repeat {}/{}", rec.repeat, self.repeat)
            }
        } else {
            String::new()
        };
        write!(
            self.out,
            "{mark} {:<20} {:<18} {:>9}  key {}{}",
            strong(&rec.event),
            status,
            format!("{:.1} ms", delivery::ms(o.latency)),
            short_key(&rec.payload_key),
            dim(&repeat)
        )?;
        if let Some(why) = o.explanation() {
            write!(self.out, "  {}", warn(&why))?;
        }
        writeln!(self.out)?;
        if self.verbose {
            self.write_verbose(rec)?;
        }
        self.out.flush()?;
        Ok(())
    }

    fn write_verbose(&mut self, rec: &Record) -> Result<()> {
        let o = &rec.outcome;
        writeln!(self.out, "  {} POST {}", dim(">"), self.url)?;
        for (n, v) in rec.request_headers.iter().flat_map(|m| m.iter()) {
            writeln!(
                self.out,
                "  {} {n}: {}",
                dim(">"),
                String::from_utf8_lossy(v.as_bytes())
            )?;
        }
        if let Some(status) = o.status {
            writeln!(
                self.out,
                "  {} {status} {}",
                dim("<"),
                o.reason.unwrap_or("")
            )?;
            for (n, v) in &o.response_headers {
                writeln!(self.out, "  {} {}: {}", dim("<"), sanitize(n), sanitize(v))?;
            }
            if !o.response_body.is_empty() {
                let text = crate::output::sanitize::sanitize_bytes(&o.response_body, true);
                let (shown, cut) = match text.char_indices().nth(1024) {
                    Some((i, _)) => (&text[..i], true),
                    None => (text.as_str(), false),
                };
                for line in shown.lines() {
                    writeln!(self.out, "  {} {line}", dim("<"))?;
                }
                if cut || o.response_body.len() >= delivery::MAX_RESPONSE_BODY {
                    writeln!(
                        self.out,
                        "  {} {}",
                        dim("<"),
                        dim("(response body truncated)")
                    )?;
                }
            }
        } else if let Some(e) = &o.error {
            writeln!(self.out, "  {} {}", dim("!"), e.detail)?;
        }
        Ok(())
    }

    fn finish(mut self, elapsed: Duration) -> Result<Exit> {
        let failed = self.sent - self.accepted;
        let p = Percentiles::of(&mut self.latencies);
        let per_second = if elapsed.as_secs_f64() > 0.0 {
            self.sent as f64 / elapsed.as_secs_f64()
        } else {
            0.0
        };
        if self.json {
            let line = json!({
                "type": "summary",
                "url": self.url,
                "sent": self.sent,
                "accepted": self.accepted,
                "failed": failed,
                "failed_by": self.failed_by,
                "latency_ms": p,
                "per_second": (per_second * 10.0).round() / 10.0,
                "elapsed_ms": delivery::ms(elapsed),
            });
            writeln!(self.out, "{line}")?;
        } else {
            if self.listed_failures > LIST_FAILURES_UP_TO {
                writeln!(
                    self.out,
                    "{}",
                    dim(&format!(
                        "... and {} more not accepted (use --json to see every delivery)",
                        self.listed_failures - LIST_FAILURES_UP_TO
                    ))
                )?;
            }
            if self.sent > 1 {
                let by = self
                    .failed_by
                    .iter()
                    .map(|(k, v)| format!("{v}× {k}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let verdict = if failed == 0 {
                    ok(&format!("{} accepted", self.accepted))
                } else {
                    bad(&format!("{failed} failed"))
                };
                writeln!(
                    self.out,
                    "{} sent, {}{}{}  latency p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms  {:.0}/s",
                    self.sent,
                    verdict,
                    if failed > 0 { format!(" ({by})") } else { String::new() },
                    if failed > 0 && self.accepted > 0 { format!(", {} accepted", self.accepted) } else { String::new() },
                    p.p50,
                    p.p90,
                    p.p99,
                    p.max,
                    per_second
                )?;
            }
        }
        self.out.flush()?;
        Ok(if self.sent == 0 || failed == 0 {
            Exit::Ok
        } else if self.reached == 0 {
            Exit::Unreachable
        } else {
            Exit::Negative
        })
    }
}
