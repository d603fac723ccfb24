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
use crate::inspector::{self, Inspector, UiPort};
use crate::output::background::{Finished, Shower};
use crate::output::listen::{BodyMode, ListenView};
use crate::protocol::topics;
use crate::server::receiver::{
    Event, FailMode, FailWith, Forward, Receiver, ReceiverConfig, Route, Tally,
};
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
    /// The browser inspector's port; `None` with `--no-ui`.
    pub ui: Option<UiPort>,
    /// `--cacert`, `--insecure` and `-H`, for the inspector's actions as for forwarding.
    pub connect: delivery::Connect,
}

impl ListenPlan {
    /// The plan from the flags, each checked with an error that names it. Long because it is
    /// one flag after another, each a few lines, with nothing shared between them to factor out.
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
        if timeout.is_some_and(|t| t.is_zero()) {
            return Err(input_error("--timeout must be more than 0"));
        }
        if args.max_connections == 0 {
            return Err(input_error("--max-connections must be at least 1"));
        }
        let expected: Vec<String> = topics::resolve_all(&args.expect_topics)
            .map_err(|e| input_error(format!("--expect-topic: {e}")))?
            .iter()
            .map(|e| e.name.to_string())
            .collect();
        let connect = common::connect(
            &args.tls,
            common::added_headers(&args.forward_headers, "listen --forward-to")?,
        )?;
        let forward = if args.forward_to.is_empty() {
            None
        } else {
            Some(forward_to(&args.forward_to, connect.clone())?)
        };
        let events = if args.events.is_empty() {
            None
        } else {
            Some(
                topics::resolve_all(&args.events)
                    .map_err(|e| input_error(format!("--events: {e}")))?
                    .iter()
                    .map(|e| e.name)
                    .collect(),
            )
        };
        if let Some(code) = args.fail_status {
            if !(100..=599).contains(&code) {
                return Err(input_error(format!(
                    "--fail-status {code}: use an HTTP status code from 100 to 599"
                )));
            }
        }
        let fail = FailWith {
            mode: if args.hang {
                FailMode::Hang
            } else if args.reset {
                FailMode::Close
            } else {
                FailMode::Status(args.fail_status.unwrap_or(500))
            },
            retry_after: args.retry_after,
            always: (args.hang
                || args.reset
                || args.fail_status.is_some()
                || args.retry_after.is_some())
                && args.fail_first == 0
                && args.fail_rate == 0.0,
        };
        if let Some(dir) = &args.save {
            std::fs::create_dir_all(dir).map_err(|e| {
                input_error(format!(
                    "--save {}: cannot create the folder: {e}",
                    dir.display()
                ))
            })?;
        }
        let keys = if args.no_verify {
            Vec::new()
        } else {
            common::load_keys(&args.keys.secrets, &args.keys.secret_files)?
        };
        // With no key the judgement verifies with the public development key.
        let dev_key = !args.no_verify
            && (keys.is_empty()
                || keys
                    .iter()
                    .any(|k| k.key.expose() == crate::protocol::DEV_KEY.as_bytes()));
        if !args.no_verify && keys.is_empty() {
            crate::output::note(&format!(
                "no key given; verifying with the development key '{}' (pass --secret or --secret-file, or set WL_HOOK_SECRET)",
                crate::protocol::DEV_KEY
            ));
        }
        Ok(ListenPlan {
            host: args.host.clone(),
            port: args.port,
            receiver: ReceiverConfig {
                keys,
                verify: !args.no_verify,
                strict: args.strict,
                fidelity: common::fidelity(&args.fidelity)?,
                status: args.status,
                max_body,
                body_timeout: read_timeout,
                fail_first: args.fail_first,
                fail_rate: args.fail_rate,
                fail,
                events,
                seed: args.seed,
                delay,
                save_dir: args.save.clone(),
                forward,
                now: chrono::Utc::now,
            },
            limits: Limits {
                read_timeout,
                max_connections: args.max_connections,
                idle_timeout,
                ..Limits::default()
            },
            view: ListenView {
                json: args.json.json,
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
            ui: match (args.no_ui, args.ui_port) {
                (true, _) => None,
                (false, Some(p)) => Some(UiPort::Exact(p)),
                (false, None) => Some(UiPort::Default),
            },
            connect,
        })
    }
}

/// The relay of `--forward-to [TOPICS=]URL ...`: routes in the order given.
fn forward_to(specs: &[String], connect: delivery::Connect) -> Result<Forward> {
    let mut routes = Vec::new();
    for spec in specs {
        // TOPICS=URL, unless the '=' belongs to the URL (after its scheme).
        let (events, url) = match spec.split_once('=') {
            Some((topics, url)) if !topics.contains("://") => {
                let events = topics::resolve_all(&topics.split(',').collect::<Vec<_>>())
                    .map_err(|e| input_error(format!("--forward-to {spec}: {e}")))?
                    .iter()
                    .map(|e| e.name)
                    .collect();
                (Some(events), url)
            }
            _ => (None, spec.as_str()),
        };
        let url = common::parse_url(url)?;
        if events.is_none() && routes.iter().any(|r: &Route| r.events.is_none()) {
            return Err(input_error(format!(
                "--forward-to {spec}: only one bare URL (the default route) may be given; route events with TOPICS=URL"
            )));
        }
        routes.push(Route { events, url });
    }
    // No idle connection is kept to the app: a single-threaded app would serve nobody else while
    // it waits on one (a new connection per relay, as WL's own sender is modelled).
    let client = delivery::build_client(&ClientOptions {
        timeout: Duration::from_secs(10),
        max_idle_per_host: 0,
        urls: routes.iter().map(|r| r.url.clone()).collect(),
        connect,
    })?;
    Ok(Forward {
        client,
        routes,
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
    let rt = super::single_thread_runtime()?;
    let exit_with_parent = args.exit_with_parent;
    rt.block_on(async move {
        // The handlers are in place before anyone is told listen is ready: a SIGTERM sent the
        // moment the first line appears stops it with its summary, not by the default action.
        let signals = shutdown_signal();
        listen(plan, std::io::stdout(), async move {
            tokio::select! {
                reason = signals => reason,
                reason = parent_exited(), if exit_with_parent => reason,
            }
        })
        .await
    })
}

/// Resolves once the process that started listen has exited (listen is then re-parented).
async fn parent_exited() -> &'static str {
    #[cfg(unix)]
    {
        let parent = std::os::unix::process::parent_id();
        loop {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if std::os::unix::process::parent_id() != parent {
                return "the parent process exited (--exit-with-parent)";
            }
        }
    }
    #[cfg(not(unix))]
    std::future::pending().await
}

/// Registers SIGINT and SIGTERM handlers now (inside the runtime) and resolves on either with
/// its name.
fn shutdown_signal() -> impl std::future::Future<Output = &'static str> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let term = signal(SignalKind::terminate());
        let int = signal(SignalKind::interrupt());
        async move {
            let (Ok(mut term), Ok(mut int)) = (term, int) else {
                return std::future::pending().await;
            };
            tokio::select! {
                _ = int.recv() => "interrupted (SIGINT)",
                _ = term.recv() => "terminated (SIGTERM)",
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
        "interrupted"
    }
}

/// Serve `receiver` on `listener` until `stop` turns true: the one wiring of a receiver into the
/// HTTP server, for `listen` and for `demo`'s in-process listeners. The task ends with whether
/// every in-flight request finished within the drain limit.
pub fn serve_receiver(
    listener: tokio::net::TcpListener,
    limits: Limits,
    receiver: Arc<Receiver>,
    stop: watch::Receiver<bool>,
) -> Server {
    let for_errors = receiver.clone();
    tokio::spawn(server::serve(
        listener,
        limits,
        move |req, remote| receiver.clone().handle(req, remote),
        move |remote, err| for_errors.rejected(remote, err),
        stop,
    ))
}

/// Bind, announce, serve until a stop condition, drain, summarise. Events are counted as they
/// come and shown on `out` by a thread of their own; a failed output stops listen at once.
/// Long because its order is the point: everything that can fail is set up before the first
/// line tells anyone the receiver is ready, and the stop runs the same steps backwards.
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
        if let Some(route) = forward
            .routes
            .iter()
            .find(|r| forwards_to_itself(&r.url, addr))
        {
            return Err(input_error(format!(
                "--forward-to {} is this listener's own address: every delivery would be relayed to itself; give your app's address",
                route.url
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
    let ui = match plan.ui {
        Some(port) => Some(inspector::bind(port).await.map_err(|e| {
            failure(
                Exit::Unreachable,
                format!(
                    "cannot serve the inspector on 127.0.0.1:{}: {e}; choose another --ui-port (0 picks a free one) or --no-ui",
                    match port { UiPort::Exact(p) => p, UiPort::Default => inspector::DEFAULT_PORT }
                ),
            )
        })?),
        None => None,
    };
    let setup = inspector::Setup {
        listen_url: url.clone(),
        keys: if plan.receiver.verify {
            plan.receiver.keys.clone()
        } else {
            Vec::new()
        },
        fidelity: plan.receiver.fidelity.clone(),
        strict: plan.receiver.strict,
        forward: plan.receiver.forward.clone(),
        connect: plan.connect.clone(),
    };
    let (tx, mut rx) = mpsc::channel::<Event>(1024);
    let (stop_tx, stop_rx) = watch::channel(false);
    let receiver = Arc::new(
        Receiver::new(plan.receiver, tx)
            .map_err(|e| {
                failure(
                    Exit::Negative,
                    format!("cannot start the capture writer for --save: {e}"),
                )
            })?
            .stop_hanging_on(stop_rx.clone()),
    );
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
    let (inspector, ui_server, ui_url) = match ui {
        Some((listener, note)) => {
            if let Some(note) = note {
                crate::output::note(&note);
            }
            let ui_url = inspector::url(listener.local_addr()?);
            let store = Arc::new(Inspector::new());
            let task = inspector::spawn(listener, store.clone(), setup)?;
            (Some(store), Some(task), Some(ui_url))
        }
        None => (None, None, None),
    };
    plan.view
        .write_listening(&mut out, &url, ui_url.as_deref())?;
    let mut shower = Shower::start(plan.view, out)?;
    let output_failed = shower.failed();

    let mut server = serve_receiver(listener, plan.limits, receiver, stop_rx);

    let mut shown = Shown {
        tally: Tally::expecting(&plan.expected),
        shower,
        output_failed,
        inspector,
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
    if let Some(task) = ui_server {
        task.abort();
    }
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
    use std::net::{Ipv4Addr, Ipv6Addr};
    if url.port_or_known_default() != Some(addr.port()) {
        return false;
    }
    match url.host() {
        Some(url::Host::Ipv4(ip)) => reaches(ip.into(), addr.ip()),
        Some(url::Host::Ipv6(ip)) => reaches(ip.into(), addr.ip()),
        Some(url::Host::Domain(_)) => {
            delivery::is_loopback(url)
                && (reaches(Ipv4Addr::LOCALHOST.into(), addr.ip())
                    || reaches(Ipv6Addr::LOCALHOST.into(), addr.ip()))
        }
        None => false,
    }
}

/// Whether a connection to `to` arrives at a listener bound to `bound` (same port), as Linux
/// routes it: to the same address (`::ffff:127.0.0.1` is `127.0.0.1`); an unspecified
/// destination (`0.0.0.0`, `::`) to the loopback address of its family; a listener on an
/// unspecified address takes loopback connections of its family (`::` of both). Another
/// loopback address (`127.0.0.2`) is another listener's.
fn reaches(to: std::net::IpAddr, bound: std::net::IpAddr) -> bool {
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
    let plain = |ip: IpAddr| match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    };
    let to = match plain(to) {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    let bound = plain(bound);
    to == bound
        || match bound {
            IpAddr::V4(b) => b.is_unspecified() && to.is_ipv4() && to.is_loopback(),
            IpAddr::V6(b) => b.is_unspecified() && to.is_loopback(),
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
    /// The browser inspector's store, which gets the same events.
    inspector: Option<Arc<Inspector>>,
}

impl<W: Write + Send + 'static, F: std::future::Future<Output = ()> + Unpin> Shown<W, F> {
    /// Count `first` and every event waiting behind it, and have them shown. A failed output
    /// (stdout closed) ends listen at once.
    fn events(&mut self, first: Event, rx: &mut mpsc::Receiver<Event>) -> std::io::Result<()> {
        let mut batch = vec![Arc::new(first)];
        while let Ok(e) = rx.try_recv() {
            batch.push(Arc::new(e));
        }
        batch.iter().for_each(|e| self.tally.record_event(e));
        // Events left out by --events are counted, not shown.
        batch.retain(|e| !matches!(&**e, Event::Request(r) if r.filtered));
        if batch.is_empty() {
            return Ok(());
        }
        if let Some(ui) = &self.inspector {
            ui.push(&batch);
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forward_to_its_own_address_is_told_from_another_listeners() {
        let at = |host: &str| reqwest::Url::parse(&format!("http://{host}:8080/x")).unwrap();
        let bound = |ip: &str| std::net::SocketAddr::new(ip.parse().unwrap(), 8080);
        for (url, listener, loops) in [
            ("127.0.0.1", "127.0.0.1", true),
            ("localhost", "127.0.0.1", true),
            ("0.0.0.0", "127.0.0.1", true),
            ("[::ffff:127.0.0.1]", "127.0.0.1", true),
            ("127.0.0.1", "0.0.0.0", true),
            ("0.0.0.0", "0.0.0.0", true),
            ("[::1]", "::", true),
            ("127.0.0.1", "::", true),
            ("[::]", "::1", true),
            ("localhost", "::1", true),
            // Another address, another listener.
            ("127.0.0.2", "127.0.0.1", false),
            ("0.0.0.0", "127.0.0.2", false),
            ("[::1]", "0.0.0.0", false),
            ("[::1]", "127.0.0.1", false),
            ("192.0.2.7", "127.0.0.1", false),
        ] {
            assert_eq!(
                forwards_to_itself(&at(url), bound(listener)),
                loops,
                "{url} to a listener on {listener}"
            );
        }
        // Another port is another listener.
        let other = reqwest::Url::parse("http://127.0.0.1:8081/x").unwrap();
        assert!(!forwards_to_itself(&other, bound("127.0.0.1")));
    }
}
