//! `wl-hook listen`: a local WL receiver for development and CI, with a verdict on exit.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use tokio::sync::{mpsc, watch};

use crate::cli::{BodyArg, ListenArgs};
use crate::commands::common;
use crate::delivery::{self, ClientOptions};
use crate::exit::{failure, input_error, Exit};
use crate::output::background::{Finished, Shower};
use crate::output::listen::{BodyMode, ListenView};
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
    /// The key in use is the public development key.
    pub dev_key: bool,
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
        let idle_timeout = common::duration_flag("--idle-timeout", &args.idle_timeout)?;
        if idle_timeout.is_zero() {
            return Err(input_error("--idle-timeout must be more than 0"));
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
            Some(url) => Some(forward_to(
                url,
                common::connect(
                    &args.tls,
                    common::added_headers(&args.forward_headers, "listen --forward-to")?,
                )?,
            )?),
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
        let dev_key = key
            .as_ref()
            .is_some_and(|k| k.expose() == crate::protocol::DEV_KEY.as_bytes());
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
                idle_timeout,
                ..Limits::default()
            },
            view: ListenView {
                json: args.json,
                body: match args.body {
                    BodyArg::Full => BodyMode::Full,
                    BodyArg::Summary => BodyMode::Summary,
                    BodyArg::None => BodyMode::None,
                },
            },
            count: args.count,
            timeout,
            expected,
            ready_file: args.ready_file.clone(),
            dev_key,
        })
    }
}

/// The relay of `--forward-to URL`.
fn forward_to(url: &str, connect: delivery::Connect) -> Result<Forward> {
    let url = common::parse_url(url)?;
    let client = delivery::build_client(&ClientOptions {
        timeout: Duration::from_secs(10),
        max_idle_per_host: 16,
        urls: vec![url.clone()],
        connect,
    })?;
    Ok(Forward {
        client,
        url,
        timeout: Duration::from_secs(10),
    })
}

pub fn run(args: &ListenArgs) -> Result<Exit> {
    let plan = ListenPlan::from_args(args)?;
    // One thread serves: measured on 2 cores under wrk, more deliveries a second than the
    // multi-threaded runtime, a tenth of its p99 latency and less CPU per request (no hand-offs
    // between threads). The lines it prints are formatted and written by a thread of their own
    // (output::background), and with --save captures are written by one too (server::saver):
    // each earns more than 10% on BENCHMARKS.md's figures.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(listen(plan, std::io::stdout(), shutdown_signal()))
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

/// Bind, announce, serve until a stop condition, drain, summarise. Events are counted as they
/// come and shown on `out` by a thread of their own; a failed output stops listen at once.
pub async fn listen<W: Write + Send + 'static>(
    plan: ListenPlan,
    mut out: W,
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
    if let Some(forward) = &plan.receiver.forward {
        if forwards_to_itself(&forward.url, addr) {
            return Err(input_error(format!(
                "--forward-to {} is this listener's own address: every delivery would be relayed to itself; give your app's address",
                forward.url
            )));
        }
    }
    if !addr.ip().is_loopback() {
        crate::output::warning(&format!(
            "listening on {}: other machines can reach this receiver{}; use --host 127.0.0.1 to keep it local",
            addr.ip(),
            if plan.dev_key {
                ", and the development key that signs for it is public"
            } else {
                ""
            }
        ));
    }
    if let Err(fit) = server::make_room_for(plan.limits.max_connections) {
        crate::output::warning(&format!(
            "the open-file limit (ulimit -n) leaves room for about {fit} connections, not --max-connections {}; raise it, or idle connections are closed sooner",
            plan.limits.max_connections
        ));
    }
    ignore_file_size_signal();
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
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| {
                input_error(format!(
                    "--ready-file {}: cannot create its folder: {e}",
                    path.display()
                ))
            })?;
        }
        crate::files::write_replace(path, format!("{url}\n").as_bytes())
            .map_err(|e| input_error(format!("--ready-file {}: {e}", path.display())))?;
    }
    plan.view.write_listening(&mut out, &url)?;
    let mut shower = Shower::start(plan.view, out)?;
    let output_failed = shower.failed();

    let (stop_tx, stop_rx) = watch::channel(false);
    let for_errors = receiver.clone();
    let mut server: Server = tokio::spawn(server::serve(
        listener,
        plan.limits,
        move |req, remote| receiver.clone().handle(req, remote),
        move |remote, err| for_errors.rejected(remote, err),
        stop_rx,
    ));

    let mut shown = Shown {
        tally: Tally::expecting(&plan.expected),
        shower,
        output_failed,
    };
    let stop = Stop {
        count: plan.count,
        timeout: plan.timeout,
        expecting: !plan.expected.is_empty(),
    };
    let reason = shown.until_stop(stop, &mut rx, stop_signal).await?;
    // Stop accepting; requests already in flight finish (bounded) and are still shown, each as
    // it finishes.
    let stopping = std::time::Instant::now();
    let _ = stop_tx.send(true);
    let drained = shown.drain(&mut rx, &mut server).await?;
    let mut tally = shown.tally;
    tally.dropped = shown.shower.dropped();
    let count_met = plan.count.is_none_or(|n| tally.deliveries >= n);
    let met = count_met && tally.expectations_met();
    let exit = if met { Exit::Ok } else { Exit::Negative };
    // The lines still waiting get the rest of the grace period (at least a second): an output
    // nobody reads must not keep listen from stopping.
    let deadline =
        (stopping + OUTPUT_GRACE).max(std::time::Instant::now() + Duration::from_secs(1));
    let mut out = match shown.shower.finish(deadline)? {
        Finished::Done(out) => out,
        Finished::Stuck => {
            warn_unblocked(
                "the output is not being read: the last lines and the summary were not written",
            );
            return Ok(exit);
        }
    };
    if !drained {
        // After the requests above, as they appear on a terminal.
        crate::output::warning("some requests were still in flight when the stop timed out");
    }
    plan.view.write_summary(&mut out, &tally, &reason, met)?;
    Ok(exit)
}

/// A file-size limit (`ulimit -f`) must fail a capture's write (EFBIG: answered 500, the sender
/// retries), not kill listen: catching SIGXFSZ replaces its default action, which ends the
/// process.
fn ignore_file_size_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let xfsz = SignalKind::from_raw(rustix::process::Signal::XFSZ.as_raw());
        // The handler stays installed after the stream is dropped; a failure leaves the default.
        let _ = signal(xfsz);
    }
}

/// How long after a stop the output may take to write what waits.
const OUTPUT_GRACE: Duration = Duration::from_secs(5);

/// Warn on stderr without waiting for it: stderr is often the same stuck terminal as stdout.
fn warn_unblocked(message: &'static str) {
    let (done, wait) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new().spawn(move || {
        crate::output::warning(message);
        let _ = done.send(());
    });
    if spawned.is_ok() {
        let _ = wait.recv_timeout(Duration::from_millis(200));
    }
}

/// Whether `url` names the address listen is bound to: relaying there would loop.
fn forwards_to_itself(url: &reqwest::Url, addr: std::net::SocketAddr) -> bool {
    if url.port_or_known_default() != Some(addr.port()) {
        return false;
    }
    match url.host() {
        Some(url::Host::Ipv4(ip)) => {
            ip == addr.ip()
                || (ip.is_loopback() || ip.is_unspecified()) && addr.ip().is_unspecified()
                || ip.is_loopback() && addr.ip().is_loopback()
        }
        Some(url::Host::Ipv6(ip)) => {
            ip == addr.ip()
                || ip.is_loopback() && (addr.ip().is_loopback() || addr.ip().is_unspecified())
        }
        Some(url::Host::Domain(_)) => {
            delivery::is_loopback(url) && (addr.ip().is_loopback() || addr.ip().is_unspecified())
        }
        None => false,
    }
}

/// When listen stops by itself.
struct Stop {
    count: Option<u64>,
    timeout: Option<Duration>,
    /// Stop once every expected event has arrived (without a count).
    expecting: bool,
}

/// The serving task; true when it drained in time.
type Server = tokio::task::JoinHandle<bool>;

/// Counts events and hands them to the output thread.
struct Shown<W, F> {
    tally: Tally,
    shower: Shower<W>,
    output_failed: F,
}

impl<W: Write + Send + 'static, F: std::future::Future<Output = ()> + Unpin> Shown<W, F> {
    /// Count `first` and every event waiting behind it, and have them shown. A failed output
    /// (stdout closed) ends listen at once.
    fn events(&mut self, first: Event, rx: &mut mpsc::Receiver<Event>) -> std::io::Result<()> {
        let mut batch = vec![first];
        while let Ok(e) = rx.try_recv() {
            batch.push(e);
        }
        batch.iter().for_each(|e| self.tally.record_event(e));
        self.shower.show(batch)
    }

    /// Show events until a stop condition: `--count`, every expected event, `--timeout`, a
    /// signal. Returns why it stopped, in words.
    async fn until_stop(
        &mut self,
        plan: Stop,
        rx: &mut mpsc::Receiver<Event>,
        stop_signal: impl std::future::Future<Output = &'static str>,
    ) -> std::io::Result<String> {
        let deadline = plan.timeout.map(|d| tokio::time::Instant::now() + d);
        let until_deadline = async {
            match deadline {
                Some(d) => tokio::time::sleep_until(d).await,
                None => std::future::pending().await,
            }
        };
        tokio::pin!(until_deadline);
        tokio::pin!(stop_signal);
        let reason = loop {
            tokio::select! {
                e = rx.recv() => {
                    let Some(e) = e else { break "server stopped".into() };
                    self.events(e, rx)?;
                    if let Some(n) = plan.count {
                        if self.tally.deliveries >= n {
                            break format!("{n} deliveries received");
                        }
                    } else if plan.expecting && self.tally.expectations_met() {
                        break "every expected event arrived".into();
                    }
                }
                _ = &mut self.output_failed => return Err(self.shower.failure()),
                _ = &mut until_deadline => break format!("--timeout {} passed", crate::duration::human(plan.timeout.unwrap_or_default())),
                sig = &mut stop_signal => break sig.to_string(),
            }
        };
        Ok(reason)
    }

    /// Show the requests still in flight as each finishes, until the server has stopped.
    /// Returns false when the stop timed out with requests unfinished.
    async fn drain(
        &mut self,
        rx: &mut mpsc::Receiver<Event>,
        server: &mut Server,
    ) -> std::io::Result<bool> {
        let drained = loop {
            tokio::select! {
                e = rx.recv() => match e {
                    Some(e) => self.events(e, rx)?,
                    None => break server.await.unwrap_or(false),
                },
                _ = &mut self.output_failed => return Err(self.shower.failure()),
                done = &mut *server => {
                    if let Ok(e) = rx.try_recv() {
                        self.events(e, rx)?;
                    }
                    break done.unwrap_or(false);
                }
            }
        };
        Ok(drained)
    }
}
