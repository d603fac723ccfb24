//! `wl-hook listen`: a local WL receiver for development and CI, with a verdict on exit.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use tokio::sync::{mpsc, watch};

use crate::cli::ListenArgs;
use crate::commands::common;
use crate::delivery::{self, ClientOptions};
use crate::exit::{failure, input_error, Exit};
use crate::output::background::BackgroundWriter;
use crate::output::listen::ListenView;
use crate::protocol::topics;
use crate::server::receiver::{Event, Forward, Receiver, ReceiverConfig, Tally};
use crate::server::{self, Limits};

/// Everything listen needs, checked before binding.
pub struct ListenPlan {
    pub host: String,
    pub port: u16,
    pub receiver: ReceiverConfig,
    pub limits: Limits,
    pub view: ListenView,
    pub count: Option<u64>,
    pub timeout: Option<Duration>,
    pub expected: Vec<String>,
    pub ready_file: Option<PathBuf>,
}

impl ListenPlan {
    pub fn from_args(args: &ListenArgs) -> Result<ListenPlan> {
        if !(200..=599).contains(&args.status) {
            return Err(input_error(format!(
                "--status {}: use a final HTTP status code from 200 to 599",
                args.status
            )));
        }
        if !(0.0..=1.0).contains(&args.fail_rate) {
            return Err(input_error(
                "--fail-rate: use a fraction from 0 to 1, e.g. 0.2",
            ));
        }
        let max_body = crate::duration::parse_size(&args.max_body)
            .map_err(|e| input_error(format!("--max-body: {e}")))?;
        let delay = match &args.delay {
            Some(d) => common::duration_flag("--delay", d)?,
            None => Duration::ZERO,
        };
        let read_timeout = common::duration_flag("--read-timeout", &args.read_timeout)?;
        if read_timeout.is_zero() {
            return Err(input_error("--read-timeout must be more than 0"));
        }
        let timeout = args
            .timeout
            .as_deref()
            .map(|t| common::duration_flag("--timeout", t))
            .transpose()?;
        if args.count == Some(0) {
            return Err(input_error("--count must be at least 1"));
        }
        let expected: Vec<String> = topics::resolve_all(&args.expect_topics)
            .map_err(|e| input_error(format!("--expect-topic: {e}")))?
            .iter()
            .map(|e| e.name.to_string())
            .collect();
        let forward = match &args.forward_to {
            Some(u) => {
                let url = common::parse_url(u)?;
                let client = delivery::build_client(&ClientOptions {
                    timeout: Duration::from_secs(10),
                    max_idle_per_host: 16,
                    urls: vec![url.clone()],
                })?;
                Some(Forward {
                    client,
                    url,
                    timeout: Duration::from_secs(10),
                })
            }
            None => None,
        };
        if let Some(dir) = &args.save {
            std::fs::create_dir_all(dir).map_err(|e| {
                input_error(format!(
                    "--save {}: cannot create the folder: {e}",
                    dir.display()
                ))
            })?;
        }
        let key = if args.no_verify {
            None
        } else {
            Some(common::load_key(&args.key)?)
        };
        Ok(ListenPlan {
            host: args.host.clone(),
            port: args.port,
            receiver: ReceiverConfig {
                key,
                status: args.status,
                max_body,
                body_timeout: read_timeout,
                fail_first: args.fail_first,
                fail_rate: args.fail_rate,
                seed: args.seed,
                delay,
                save_dir: args.save.clone(),
                forward,
            },
            limits: Limits {
                read_timeout,
                max_connections: args.max_connections.max(1),
                ..Limits::default()
            },
            view: ListenView {
                json: args.json,
                body: args.body,
            },
            count: args.count,
            timeout,
            expected,
            ready_file: args.ready_file.clone(),
        })
    }
}

pub fn run(args: &ListenArgs) -> Result<Exit> {
    let plan = ListenPlan::from_args(args)?;
    // One thread serves: measured on 2 cores under wrk, 6% more deliveries a second than the
    // multi-threaded runtime, a tenth of its p99 latency and less CPU per request (no hand-offs
    // between threads). The lines it prints are written by a thread of their own (a burst of
    // them in one write), and with --save captures are too (server::saver), so file-system
    // calls overlap with network work.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut out = BackgroundWriter::new(std::io::stdout())?;
    let exit = rt.block_on(listen(plan, &mut out, shutdown_signal()))?;
    out.finish()?;
    Ok(exit)
}

/// Resolves on SIGINT or SIGTERM with the signal's name.
async fn shutdown_signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = match signal(SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => "interrupted (SIGINT)",
            _ = term.recv() => "terminated (SIGTERM)",
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "interrupted"
    }
}

/// Bind, announce, serve until a stop condition, drain, summarise. Events are counted here and
/// shown by `out`'s thread, in batches.
pub async fn listen(
    plan: ListenPlan,
    out: &mut BackgroundWriter,
    stop_signal: impl std::future::Future<Output = &'static str>,
) -> Result<Exit> {
    let listener = server::bind(&plan.host, plan.port).await.map_err(|e| {
        failure(
            Exit::Unreachable,
            format!(
                "cannot listen on {}:{}: {e}; choose another --port (0 picks a free one)",
                plan.host, plan.port
            ),
        )
    })?;
    let addr = listener.local_addr()?;
    let url = format!("http://{addr}");
    // Everything that can fail is set up before anyone is told the receiver is ready.
    let (tx, mut rx) = mpsc::channel::<Event>(1024);
    let receiver = Arc::new(Receiver::new(plan.receiver, tx).map_err(|e| {
        failure(
            Exit::Negative,
            format!("cannot start the capture writer for --save: {e}"),
        )
    })?);
    // The ready file first: whoever reads the first line may look for it at once.
    if let Some(path) = &plan.ready_file {
        crate::commands::fixtures::write_atomic(path, format!("{url}\n").as_bytes())
            .map_err(|e| input_error(format!("--ready-file {}: {e}", path.display())))?;
    }
    plan.view.write_listening(out, &url)?;

    let (stop_tx, stop_rx) = watch::channel(false);
    let for_errors = receiver.clone();
    let mut server = tokio::spawn(server::serve(
        listener,
        plan.limits,
        move |req, remote| receiver.clone().handle(req, remote),
        move |remote, err| for_errors.rejected(remote, err),
        stop_rx,
    ));

    let mut tally = Tally::expecting(&plan.expected);
    let deadline = plan.timeout.map(|d| tokio::time::Instant::now() + d);
    let until_deadline = async {
        match deadline {
            Some(d) => tokio::time::sleep_until(d).await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(until_deadline);
    tokio::pin!(stop_signal);
    // Events are counted as they come and gathered; when the batch goes to the output thread
    // to be shown is `FlushPolicy`'s decision.
    let mut flush = FlushPolicy::new(tokio::time::Instant::now());
    let flush_timer = tokio::time::sleep(FLUSH_EVERY);
    tokio::pin!(flush_timer);
    let mut pending = Pending::new(plan.view);
    // A failed output (stdout closed) stops listen at once, not at the next request.
    let mut output_failed = out.stop_signal();
    let reason: String = loop {
        tokio::select! {
            e = rx.recv() => {
                let Some(e) = e else { break "server stopped".into() };
                tally.record_event(&e);
                pending.push(e);
                let now = tokio::time::Instant::now();
                let mut decision = flush.after_event(now, !rx.is_empty());
                if pending.is_heavy() {
                    decision = Flush::Now;
                }
                match decision {
                    Flush::Now => {
                        pending.show(out)?;
                        flush.flushed(now);
                    }
                    Flush::At(due) => flush_timer.as_mut().reset(due),
                    Flush::Later => {}
                }
                if let Some(n) = plan.count {
                    if tally.deliveries >= n {
                        break format!("{n} deliveries received");
                    }
                } else if !plan.expected.is_empty() && tally.expectations_met() {
                    break "every expected event arrived".into();
                }
            }
            _ = &mut flush_timer, if flush.is_due() => {
                pending.show(out)?;
                flush.flushed(tokio::time::Instant::now());
            }
            _ = &mut output_failed => return Err(out.failure().into()),
            _ = &mut until_deadline => break format!("--timeout {} passed", crate::duration::human(plan.timeout.unwrap_or_default())),
            sig = &mut stop_signal => break sig.to_string(),
        }
    };
    pending.show(out)?;

    // Stop accepting; requests already in flight finish (bounded) and are still shown.
    let _ = stop_tx.send(true);
    let drained = loop {
        tokio::select! {
            e = rx.recv() => match e {
                Some(e) => {
                    tally.record_event(&e);
                    pending.push(e);
                    // Draining is no rush: show each request as it finishes.
                    if rx.is_empty() || pending.is_heavy() {
                        pending.show(out)?;
                    }
                }
                None => break (&mut server).await.unwrap_or(false),
            },
            _ = &mut output_failed => return Err(out.failure().into()),
            done = &mut server => {
                while let Ok(e) = rx.try_recv() {
                    tally.record_event(&e);
                    pending.push(e);
                }
                break done.unwrap_or(false);
            }
        }
    };
    pending.show(out)?;
    if !drained {
        // After the requests above, as they appear on a terminal.
        out.sync()?;
        eprintln!("wl-hook: warning: some requests were still in flight when the stop timed out");
    }

    let count_met = plan.count.is_none_or(|n| tally.deliveries >= n);
    let met = count_met && tally.expectations_met();
    plan.view.write_summary(out, &tally, &reason, met)?;
    Ok(if met { Exit::Ok } else { Exit::Negative })
}

/// A busy receiver flushes its output at most this often...
const FLUSH_EVERY: Duration = Duration::from_millis(5);
/// ...or once this many lines wait...
const FLUSH_LINES: usize = 64;
/// ...or bodies of this many bytes.
const FLUSH_BYTES: usize = 1 << 20;

/// Events counted but not yet handed to the output thread.
struct Pending {
    view: ListenView,
    events: Vec<Event>,
    /// The size of their bodies: a batch of large ones goes at once.
    bytes: usize,
}

impl Pending {
    fn new(view: ListenView) -> Pending {
        Pending {
            view,
            events: Vec::with_capacity(FLUSH_LINES),
            bytes: 0,
        }
    }

    fn push(&mut self, e: Event) {
        self.bytes += e.body_len();
        self.events.push(e);
    }

    fn is_heavy(&self) -> bool {
        self.bytes >= FLUSH_BYTES
    }

    /// Hand the events to `out`'s thread, which formats and writes them.
    fn show(&mut self, out: &mut BackgroundWriter) -> std::io::Result<()> {
        if self.events.is_empty() {
            return Ok(());
        }
        let events = std::mem::replace(&mut self.events, Vec::with_capacity(FLUSH_LINES));
        self.bytes = 0;
        let view = self.view;
        out.defer(move |w| {
            events.iter().try_for_each(|e| {
                view.write_event(w, e)?;
                w.spill_if_full()
            })
        })
    }
}

/// What to do with the output after an event.
#[derive(Debug, PartialEq, Eq)]
enum Flush {
    /// Flush now.
    Now,
    /// Flush at this instant, unless more lines come first (arm the timer).
    At(tokio::time::Instant),
    /// A flush is planned already, or more events are waiting.
    Later,
}

/// When listen flushes what it printed. A request that arrives after a quiet spell is shown at
/// once (someone may be watching); under load, lines are gathered for up to [`FLUSH_EVERY`] or
/// [`FLUSH_LINES`], so thousands of requests a second cost a few hundred writes, not thousands.
#[derive(Debug)]
struct FlushPolicy {
    last: tokio::time::Instant,
    unflushed: usize,
    due: Option<tokio::time::Instant>,
}

impl FlushPolicy {
    fn new(now: tokio::time::Instant) -> FlushPolicy {
        FlushPolicy {
            last: now.checked_sub(FLUSH_EVERY).unwrap_or(now),
            unflushed: 0,
            due: None,
        }
    }

    fn after_event(&mut self, now: tokio::time::Instant, more_waiting: bool) -> Flush {
        self.unflushed += 1;
        if self.unflushed >= FLUSH_LINES {
            return Flush::Now;
        }
        if more_waiting || self.due.is_some() {
            return Flush::Later;
        }
        if now.duration_since(self.last) >= FLUSH_EVERY {
            return Flush::Now;
        }
        let due = self.last + FLUSH_EVERY;
        self.due = Some(due);
        Flush::At(due)
    }

    fn is_due(&self) -> bool {
        self.due.is_some()
    }

    fn flushed(&mut self, now: tokio::time::Instant) {
        self.last = now;
        self.unflushed = 0;
        self.due = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flushes_at_once_after_quiet_and_in_batches_under_load() {
        let t0 = tokio::time::Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        let mut f = FlushPolicy::new(t0);
        // The first request after a quiet spell: at once.
        assert_eq!(f.after_event(t0, false), Flush::Now);
        f.flushed(t0);
        // Another 1 ms later: gathered until 5 ms after the last flush.
        assert_eq!(f.after_event(ms(1), false), Flush::At(ms(5)));
        assert_eq!(f.after_event(ms(2), false), Flush::Later);
        assert!(f.is_due());
        f.flushed(ms(5));
        // More waiting: never now, unless the batch is full.
        for i in 1..FLUSH_LINES {
            assert_eq!(f.after_event(ms(6), true), Flush::Later, "{i}");
        }
        assert_eq!(f.after_event(ms(6), true), Flush::Now);
        f.flushed(ms(6));
        // Quiet again for longer than FLUSH_EVERY: at once.
        assert_eq!(f.after_event(ms(20), false), Flush::Now);
    }
}
