//! `wl-hook listen`: a local WL receiver for development and CI, with a verdict on exit.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use tokio::sync::{mpsc, watch};

use crate::cli::ListenArgs;
use crate::commands::common;
use crate::delivery::{self, ClientOptions};
use crate::exit::{failure, input_error, Exit};
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
                now: chrono::Utc::now,
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
    // One thread serves: measured on 2 cores under wrk, more deliveries a second than the
    // multi-threaded runtime, a tenth of its p99 latency and less CPU per request (no hand-offs
    // between threads). With --save, captures are written on tokio's blocking threads.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut out = std::io::BufWriter::with_capacity(OUTPUT_BUFFER, std::io::stdout().lock());
    let exit = rt.block_on(listen(plan, &mut out, shutdown_signal()))?;
    out.flush()?;
    Ok(exit)
}

/// Lines wait in memory until no more events are waiting, or this much is gathered.
const OUTPUT_BUFFER: usize = 64 * 1024;

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

/// Bind, announce, serve until a stop condition, drain, summarise. Events are counted and
/// shown as they come; `out` is flushed whenever no more are waiting.
pub async fn listen(
    plan: ListenPlan,
    out: &mut impl Write,
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
    let (tx, mut rx) = mpsc::channel::<Event>(1024);
    let receiver = Arc::new(Receiver::new(plan.receiver, tx));
    // The ready file first: whoever reads the first line may look for it at once.
    if let Some(path) = &plan.ready_file {
        crate::files::write_replace(path, format!("{url}\n").as_bytes())
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

    let mut shown = Shown {
        view: plan.view,
        tally: Tally::expecting(&plan.expected),
        out,
    };
    let deadline = plan.timeout.map(|d| tokio::time::Instant::now() + d);
    let until_deadline = async {
        match deadline {
            Some(d) => tokio::time::sleep_until(d).await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(until_deadline);
    tokio::pin!(stop_signal);
    let reason: String = loop {
        tokio::select! {
            e = rx.recv() => {
                let Some(e) = e else { break "server stopped".into() };
                shown.event(&e, rx.is_empty())?;
                let tally = &shown.tally;
                if let Some(n) = plan.count {
                    if tally.deliveries >= n {
                        break format!("{n} deliveries received");
                    }
                } else if !plan.expected.is_empty() && tally.expectations_met() {
                    break "every expected event arrived".into();
                }
            }
            _ = &mut until_deadline => break format!("--timeout {} passed", crate::duration::human(plan.timeout.unwrap_or_default())),
            sig = &mut stop_signal => break sig.to_string(),
        }
    };
    shown.out.flush()?;

    // Stop accepting; requests already in flight finish (bounded) and are still shown, each as
    // it finishes.
    let _ = stop_tx.send(true);
    let drained = loop {
        tokio::select! {
            e = rx.recv() => match e {
                Some(e) => shown.event(&e, rx.is_empty())?,
                None => break (&mut server).await.unwrap_or(false),
            },
            done = &mut server => {
                while let Ok(e) = rx.try_recv() {
                    shown.event(&e, false)?;
                }
                break done.unwrap_or(false);
            }
        }
    };
    shown.out.flush()?;
    if !drained {
        // After the requests above, as they appear on a terminal.
        eprintln!("wl-hook: warning: some requests were still in flight when the stop timed out");
    }

    let tally = shown.tally;
    let count_met = plan.count.is_none_or(|n| tally.deliveries >= n);
    let met = count_met && tally.expectations_met();
    plan.view.write_summary(shown.out, &tally, &reason, met)?;
    Ok(if met { Exit::Ok } else { Exit::Negative })
}

/// Counts events and shows them.
struct Shown<'a, W: Write> {
    view: ListenView,
    tally: Tally,
    out: &'a mut W,
}

impl<W: Write> Shown<'_, W> {
    /// Count and write `e`; flush when `flush` (nothing else is waiting to be shown), so a busy
    /// stretch is written in few calls and a lone request is seen at once. A failed write
    /// (stdout closed) ends listen at once.
    fn event(&mut self, e: &Event, flush: bool) -> std::io::Result<()> {
        self.tally.record_event(e);
        self.view.write_event(self.out, e)?;
        if flush {
            self.out.flush()?;
        }
        Ok(())
    }
}
