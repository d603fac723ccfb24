//! `wl-hook send`: render, sign and POST deliveries — one, every topic, or a concurrent burst —
//! and report each as WL would judge it.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use reqwest::header::HeaderMap;
use tokio::sync::mpsc;

use crate::cli::SendArgs;
use crate::commands::common::{self, BodyPlan};
use crate::delivery::{self, ClientOptions, Latencies, Outcome, Pacer};
use crate::exit::{input_error, Exit};
use crate::output::handover;
use crate::output::send::{Delivery, SendView, Summary};
use crate::protocol::{self, header, Secret};

/// The most deliveries one run may make (topics × --count × (1 + --repeat-exact)).
const MAX_DELIVERIES: u64 = 1_000_000_000;

/// Everything send needs, checked before the first request.
struct Plan {
    url: reqwest::Url,
    timeout: Duration,
    extra_headers: Vec<String>,
    connect: crate::delivery::Connect,
    key: Secret,
    fidelity: crate::protocol::Fidelity,
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
        let key = common::load_key(&args.key)?;
        Ok(Plan {
            url,
            timeout,
            extra_headers: args.headers.clone(),
            connect: common::connect(&args.tls, Default::default())?,
            key,
            fidelity: common::fidelity(&args.fidelity)?,
            sign_with,
            no_signature: args.no_signature,
            tamper: args.tamper,
            repeat: args.repeat_exact,
            count: args.count,
            concurrency: args.concurrency,
            rate: args.rate,
            json: args.json.json,
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

/// One finished attempt, on its way to the view.
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
        &plan.fidelity,
        &rendered.event,
        &rendered.body,
        signing_key,
        rendered.generated_at,
        sent_at,
    );
    if plan.no_signature {
        protocol::remove_header(&mut headers, header::SIGNATURE);
    }
    common::apply_header_args(&mut headers, &plan.extra_headers)?;
    // The key actually sent (a -H override included), as build_headers or -H put it.
    let payload_key = protocol::header_value(&headers, header::PAYLOAD_KEY)
        .map(str::to_owned)
        .unwrap_or_else(|| protocol::payload_key(&rendered.body));
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
    // One thread delivers: measured against tokio's multi-threaded runtime on 2 cores, more
    // deliveries a second and less CPU per delivery (no hand-offs between workers). The lines
    // are written by a thread of their own (see `execute`), so a slow reader of stdout never
    // holds up a delivery.
    super::single_thread_runtime()?.block_on(execute(plan))
}

/// How long a delivery's line may wait before it is handed to the output thread.
const HANDOVER_EVERY: Duration = Duration::from_millis(5);

/// How many bytes of lines may wait before they are handed over.
const HANDOVER_BYTES: usize = 64 * 1024;

/// Deliver the plan's requests with its concurrency and rate, showing each outcome as it
/// comes and the summary at the end. Long because setting up the client, the workers that take
/// the next job at the pace of `--rate`, and the collection of their records in order are one
/// sequence, read best as one.
async fn execute(plan: Plan) -> Result<Exit> {
    let client = delivery::build_client(&ClientOptions {
        timeout: plan.timeout,
        max_idle_per_host: if plan.concurrency == 1 {
            0
        } else {
            plan.concurrency
        },
        urls: vec![plan.url.clone()],
        connect: plan.connect.clone(),
    })?;
    let templates = plan.body.lock().unwrap_or_else(|p| p.into_inner()).len() as u64;
    let jobs = templates * plan.count;
    let total = jobs * (1 + u64::from(plan.repeat));
    if plan.tamper && !plan.json {
        crate::output::note(
            "--tamper changes one byte of each body after signing (the last digit)",
        );
    }

    let (tx, mut rx) = mpsc::unbounded_channel::<Record>();
    let pacer = Pacer::new(plan.rate);
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let url = plan.url.to_string();
    let (out, writer) = handover::start(std::io::stdout())?;
    let mut view = SendView::new(out, plan.json, plan.verbose, &url, total, plan.repeat);
    let mut tally = Tally::new();
    // Whether a refusal can be blamed on the receiver: the signature is what WL would send.
    let signature_header = |h: &String| {
        h.split_once(':').is_some_and(|(n, _)| {
            n.trim()
                .eq_ignore_ascii_case(crate::protocol::header::SIGNATURE)
        })
    };
    let signed = !(plan.tamper
        || plan.no_signature
        || plan.sign_with.is_some()
        || plan.extra_headers.iter().any(signature_header));
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

    // Each line is formatted here and handed to the output thread (output::handover) once
    // HANDOVER_EVERY has passed since the first waiting, or HANDOVER_BYTES wait: a slow reader
    // of stdout (`| less`, a full pipe) holds up that thread only, never a delivery (whose
    // latency would then grow past --timeout), and the thread wakes a few hundred times a
    // second at most, not once per delivery.
    let progress = Progress::start(total);
    let mut due: Option<tokio::time::Instant> = None;
    loop {
        tokio::select! {
            rec = rx.recv() => {
                let Some(rec) = rec else { break };
                progress.inc();
                tally.add(&rec.outcome);
                view.delivery(&Delivery {
                    seq: rec.seq,
                    repeat: rec.repeat,
                    event: &rec.event,
                    payload_key: &rec.payload_key,
                    request_headers: rec.request_headers.as_deref(),
                    signed,
                    outcome: &rec.outcome,
                })?;
                due.get_or_insert_with(|| tokio::time::Instant::now() + HANDOVER_EVERY);
                if view.out().waiting() < HANDOVER_BYTES {
                    continue;
                }
            }
            _ = tokio::time::sleep_until(due.unwrap_or_else(tokio::time::Instant::now)), if due.is_some() => {}
        }
        due = None;
        if view.out().hand_over().is_err() {
            // The output failed (its error comes below): nobody reads the lines, so the run
            // stops now, not after each worker's next delivery.
            workers.abort_all();
            break;
        }
    }
    drop(rx);
    progress.finish();
    // Every worker runs to its end (a failed one stops only itself) unless the output failed
    // (aborted above); then a failed output counts first, then the first failed worker.
    let mut failure = None;
    while let Some(done) = workers.join_next().await {
        match done {
            Ok(Ok(())) => {}
            // Stopped above because the output failed.
            Err(e) if e.is_cancelled() => {}
            Ok(Err(e)) => {
                failure.get_or_insert(e);
            }
            Err(e) => {
                failure.get_or_insert(e.into());
            }
        }
    }
    // The view goes (summary takes it): what waits is handed over, and the output thread ends
    // once it is written.
    let summary = match failure {
        Some(_) => {
            drop(view);
            Ok(())
        }
        None => view.summary(&tally.summary(&url, started.elapsed())),
    };
    writer.finish()?;
    summary?;
    if let Some(e) = failure {
        return Err(e);
    }
    Ok(tally.exit())
}

/// A progress bar on stderr for runs that last more than a moment, only on a terminal. It is
/// drawn by a thread of its own from a count the deliveries only add to: a terminal paused with
/// Ctrl-S holds up that thread, never a delivery.
struct Progress {
    done: Arc<AtomicU64>,
    /// Dropped to stop the drawing thread.
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    fn start(total: u64) -> Progress {
        let done = Arc::new(AtomicU64::new(0));
        let mut progress = Progress {
            done: done.clone(),
            stop: None,
            thread: None,
        };
        if total < 2 || !std::io::stderr().is_terminal() {
            return progress;
        }
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("wl-hook-progress".into())
            .spawn(move || draw(total, &done, &stopped));
        // No bar (the thread could not start) is no error.
        if let Ok(t) = thread {
            progress.stop = Some(stop);
            progress.thread = Some(t);
        }
        progress
    }

    fn inc(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    fn finish(mut self) {
        self.stop.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The drawing thread: the count ten times a second until told to stop, hidden for the first
/// moment (a short run shows no bar; the rate is measured from the start); the bar is cleared
/// at the end.
fn draw(total: u64, done: &AtomicU64, stop: &std::sync::mpsc::Receiver<()>) {
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
    let show_at = Instant::now() + Duration::from_millis(1500);
    let mut shown = false;
    loop {
        bar.set_position(done.load(Ordering::Relaxed));
        if !shown && Instant::now() >= show_at {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            shown = true;
        }
        let tick = stop.recv_timeout(Duration::from_millis(100));
        if !matches!(tick, Err(std::sync::mpsc::RecvTimeoutError::Timeout)) {
            break;
        }
    }
    bar.finish_and_clear();
}

/// The tallies of a run, kept as deliveries finish.
struct Tally {
    sent: u64,
    accepted: u64,
    reached: u64,
    failed_by: BTreeMap<String, u64>,
    latencies: Latencies,
}

impl Tally {
    fn new() -> Tally {
        Tally {
            sent: 0,
            accepted: 0,
            reached: 0,
            failed_by: BTreeMap::new(),
            latencies: Latencies::default(),
        }
    }

    fn add(&mut self, o: &Outcome) {
        self.sent += 1;
        self.latencies.record(o.latency);
        if o.accepted() {
            self.accepted += 1;
        } else {
            // An unfinished answer counts by its error, not by its status line.
            let class = match (&o.error, o.status) {
                (Some(e), _) => e.class.key().to_string(),
                (None, Some(s)) => s.to_string(),
                (None, None) => crate::delivery::ErrorClass::Other.key().to_string(),
            };
            *self.failed_by.entry(class).or_default() += 1;
        }
        if o.reached() {
            self.reached += 1;
        }
    }

    fn summary<'a>(&'a self, url: &'a str, elapsed: Duration) -> Summary<'a> {
        let secs = elapsed.as_secs_f64();
        let per_second = if secs > 0.0 {
            self.sent as f64 / secs
        } else {
            0.0
        };
        Summary {
            url,
            sent: self.sent,
            accepted: self.accepted,
            failed: self.sent - self.accepted,
            failed_by: &self.failed_by,
            latency: self.latencies.percentiles(),
            per_second: (per_second * 10.0).round() / 10.0,
            elapsed_ms: delivery::ms(elapsed),
        }
    }

    /// 0 when every delivery was accepted, 3 when none reached the endpoint, else 1.
    fn exit(&self) -> Exit {
        if self.sent == self.accepted {
            Exit::Ok
        } else if self.reached == 0 {
            Exit::Unreachable
        } else {
            Exit::Negative
        }
    }
}
