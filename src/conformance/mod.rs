//! The conformance suite `check` (and `demo`) run against a receiver: a checked [`Plan`] in, a
//! typed [`Report`] out. Each [`Scenario`] delivers what WL (or an attacker) would send and is
//! judged by WL's rules. No printing and no command-line types here.

mod scenario;

use std::num::NonZeroUsize;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::delivery::{self, ClientOptions, Outcome};
use crate::exit::{failure, Exit};
use crate::fixture::{FixtureSet, JsonStyle};
use crate::judge::NamedKey;
use crate::protocol::{self, header, Secret};

pub use scenario::{
    Answered, Evidence, Request, Scenario, Timing, LARGE_ITEMS, PROBE_FIELD, UNKNOWN_EVENT,
};

/// Where the suite reads the time: `Utc::now` in a run, a fixed instant in tests.
pub type Clock = fn() -> DateTime<Utc>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Verdict {
    Pass,
    Warn,
    Fail,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Warn => "WARN",
            Verdict::Fail => "FAIL",
        }
    }
}

/// How the suite's client opens connections. WL does not say how its sender does; a PHP sender
/// (curl, a handle per delivery) most likely opens a new connection for each, so that is the
/// modelled default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Connections {
    /// A new connection per delivery, closed after its answer (`Connection: close`).
    #[default]
    PerDelivery,
    /// A keep-alive pool that reuses idle connections and opens more while they are busy.
    KeepAlive,
}

impl Connections {
    pub fn name(self) -> &'static str {
        match self {
            Connections::PerDelivery => "per-delivery",
            Connections::KeepAlive => "keep-alive",
        }
    }
}

/// What to run, against what: checked before the first delivery.
pub struct Plan {
    pub url: reqwest::Url,
    /// The key every scenario signs with, and how reports name it.
    pub key: Secret,
    pub key_label: String,
    /// Further keys, across a key change: `accepts` also sends its first event signed with
    /// each, and says which the receiver accepts.
    pub more_keys: Vec<NamedKey>,
    /// How signatures, payload keys and timestamps are spelt (WL's unknowns, modelled).
    pub fidelity: crate::protocol::Fidelity,
    /// A warning fails its scenario (`--strict`), as it fails `verify --strict`.
    pub strict: bool,
    /// The longest a receiver may take to answer; also each delivery's timeout.
    pub timeout: Duration,
    /// Deliveries sent at once in `burst`.
    pub burst: NonZeroUsize,
    /// Events for `accepts`; the first is the one the other scenarios send.
    pub events: Vec<String>,
    /// The scenarios to run; empty runs them all.
    pub only: Vec<Scenario>,
    pub fixtures: FixtureSet,
    /// How fixture bodies are spelt (`accepts-non-canonical` spells its own).
    pub style: JsonStyle,
    pub connections: Connections,
    pub now: Clock,
    /// Extra trust and headers (`--cacert`, `--insecure`, `-H`).
    pub connect: delivery::Connect,
}

impl Plan {
    /// Every scenario against `url` with every event, a 10 s timeout, a burst of 50, compact
    /// bodies and a new connection per delivery, at the current time.
    pub fn new(url: reqwest::Url, key: Secret, fixtures: FixtureSet) -> Plan {
        Plan {
            url,
            key,
            key_label: "the key".into(),
            more_keys: Vec::new(),
            fidelity: crate::protocol::Fidelity::default(),
            strict: false,
            timeout: Duration::from_secs(10),
            burst: NonZeroUsize::new(50).expect("50 is not zero"),
            events: crate::protocol::EVENTS
                .iter()
                .map(|e| e.name.to_string())
                .collect(),
            only: Vec::new(),
            fixtures,
            style: JsonStyle::Compact,
            connections: Connections::PerDelivery,
            now: Utc::now,
            connect: delivery::Connect::default(),
        }
    }

    fn selected(&self, scenario: Scenario) -> bool {
        self.only.is_empty() || self.only.contains(&scenario)
    }

    /// The scenario that runs first.
    pub fn first_scenario(&self) -> Scenario {
        Scenario::ALL
            .into_iter()
            .find(|s| self.selected(*s) && !s.judges_the_run())
            .unwrap_or(Scenario::RespondsInTime)
    }

    fn main_event(&self) -> &str {
        self.events.first().map_or("client.updated", String::as_str)
    }
}

/// One scenario's result.
#[derive(Debug, Clone)]
pub struct ScenarioResult {
    pub scenario: Scenario,
    pub verdict: Verdict,
    pub reason: String,
    /// The scenario whose failure is this one's cause too (reported there, once).
    pub blocked_by: Option<Scenario>,
    /// The slowest answer in the scenario.
    pub max_latency: Option<Duration>,
    pub deliveries: usize,
    /// Wall time of the scenario.
    pub elapsed: Duration,
}

/// The whole run, in catalogue order.
#[derive(Debug, Clone)]
pub struct Report {
    pub url: reqwest::Url,
    pub results: Vec<ScenarioResult>,
    /// When the run started, by the plan's clock.
    pub started_at: DateTime<Utc>,
    pub elapsed: Duration,
}

/// How many scenarios got each verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub passed: usize,
    pub failed: usize,
    pub warned: usize,
}

impl Report {
    pub fn counts(&self) -> Counts {
        let n = |v| self.results.iter().filter(|r| r.verdict == v).count();
        Counts {
            passed: n(Verdict::Pass),
            failed: n(Verdict::Fail),
            warned: n(Verdict::Warn),
        }
    }

    /// True when no scenario failed (warnings allowed).
    pub fn passed(&self) -> bool {
        self.counts().failed == 0
    }

    /// The exit code of a finished run.
    pub fn exit(&self) -> Exit {
        if self.passed() {
            Exit::Ok
        } else {
            Exit::Negative
        }
    }
}

/// Where a run is, for a view that shows progress.
#[derive(Debug, Clone, Copy)]
pub enum Step<'a> {
    /// The scenario numbered `index` (from 1) of `total` starts.
    Started {
        scenario: Scenario,
        index: usize,
        total: usize,
    },
    /// It was judged.
    Finished {
        result: &'a ScenarioResult,
        index: usize,
        total: usize,
    },
}

/// Run the selected scenarios in order. Fails with exit 3 ([`Exit::Unreachable`]) when the first
/// scenario reached nothing at all.
pub async fn run(plan: &Plan) -> anyhow::Result<Report> {
    run_observed(plan, |_| {}).await
}

/// [`run`], telling `observe` as each scenario starts and finishes. Long because waiting for
/// the endpoint, running each scenario, blocking those that fail as `accepts` fails and
/// writing the report are one sequence.
pub async fn run_observed(
    plan: &Plan,
    mut observe: impl FnMut(Step<'_>),
) -> anyhow::Result<Report> {
    let client = delivery::build_client(&ClientOptions {
        timeout: plan.timeout,
        // A pool would keep a connection open after its answer, and a receiver that serves one
        // connection at a time (Python's http.server) then never reads the next one's request.
        max_idle_per_host: match plan.connections {
            Connections::PerDelivery => 0,
            Connections::KeepAlive => plan.burst.get(),
        },
        urls: vec![plan.url.clone()],
        connect: plan.connect.clone(),
    })?;
    let started_at = (plan.now)();
    let started = Instant::now();
    let mut results = Vec::new();
    let mut run: Vec<Timing> = Vec::new();
    let mut accepts: Option<Vec<Answered>> = None;
    let (last, first): (Vec<Scenario>, Vec<Scenario>) = Scenario::ALL
        .into_iter()
        .filter(|s| plan.selected(*s))
        .partition(|s| s.judges_the_run());
    let total = first.len() + last.len();
    for (i, scenario) in first.into_iter().chain(last).enumerate() {
        observe(Step::Started {
            scenario,
            index: i + 1,
            total,
        });
        let scenario_started = Instant::now();
        // A run-wide judgement sends deliveries of its own only when nothing else ran.
        let answers = if scenario.judges_the_run() && !run.is_empty() {
            Vec::new()
        } else {
            send(&client, plan, scenario).await?
        };
        if results.is_empty() && !answers.is_empty() && answers.iter().all(|a| !a.outcome.reached())
        {
            return Err(failure(
                Exit::Unreachable,
                format!(
                    "cannot reach {}: nothing answered; is your receiver running?",
                    plan.url
                ),
            ));
        }
        if scenario.timed_in_the_run() {
            run.extend(answers.iter().map(|a| Timing::of(&a.outcome)));
        }
        let evidence = Evidence {
            answers: &answers,
            run: &run,
            timeout: plan.timeout,
            accepts: accepts.as_deref(),
        };
        let (verdict, reason) = match scenario.judge(&evidence) {
            (Verdict::Warn, reason) if plan.strict => (
                Verdict::Fail,
                format!("{reason} (a warning, failed under --strict)"),
            ),
            judged => judged,
        };
        let blocked_by = scenario.blocked_by(&evidence);
        let (max_latency, deliveries, elapsed) = if scenario.judges_the_run() {
            // Its figures are the run's; its time is only what it sent itself.
            let own = if answers.is_empty() {
                Duration::ZERO
            } else {
                scenario_started.elapsed()
            };
            (run.iter().map(|t| t.latency).max(), run.len(), own)
        } else {
            (
                answers.iter().map(|a| a.outcome.latency).max(),
                answers.len(),
                scenario_started.elapsed(),
            )
        };
        results.push(ScenarioResult {
            scenario,
            verdict,
            reason,
            blocked_by,
            max_latency,
            deliveries,
            elapsed,
        });
        if let Some(result) = results.last() {
            observe(Step::Finished {
                result,
                index: i + 1,
                total,
            });
        }
        if scenario == Scenario::Accepts {
            accepts = Some(answers);
        }
    }
    results.sort_by_key(|r| r.scenario);
    Ok(Report {
        url: plan.url.clone(),
        results,
        started_at,
        elapsed: started.elapsed(),
    })
}

/// Send a scenario's requests (one after the other, or all at once) and collect the answers.
async fn send(
    client: &reqwest::Client,
    plan: &Plan,
    scenario: Scenario,
) -> anyhow::Result<Vec<Answered>> {
    let requests = scenario.requests(plan, (plan.now)())?;
    let mut answers = Vec::with_capacity(requests.len());
    if scenario.at_once() {
        let mut tasks = tokio::task::JoinSet::new();
        for mut r in requests {
            stamp_sent_at(plan, &mut r);
            let (client, url, timeout) = (client.clone(), plan.url.clone(), plan.timeout);
            let connections = plan.connections;
            tasks.spawn(async move {
                let outcome = deliver(&client, &url, &r, timeout, connections).await?;
                anyhow::Ok(Answered {
                    label: r.label,
                    key: r.key,
                    outcome,
                })
            });
        }
        while let Some(done) = tasks.join_next().await {
            answers.push(done??);
        }
    } else {
        for mut r in requests {
            stamp_sent_at(plan, &mut r);
            let outcome = deliver(client, &plan.url, &r, plan.timeout, plan.connections).await?;
            answers.push(Answered {
                label: r.label,
                key: r.key,
                outcome,
            });
        }
    }
    Ok(answers)
}

/// `x-sent-at` is the time of the attempt, as WL (and `replay`) set it: a scenario's requests
/// are built at once, but each waits for the answers before it, which a receiver that refuses
/// a stale `x-sent-at` would count against it.
fn stamp_sent_at(plan: &Plan, r: &mut Request) {
    if protocol::header_value(&r.headers, header::SENT_AT).is_some() {
        let now = plan.fidelity.timestamp.format((plan.now)());
        protocol::set_header(&mut r.headers, header::SENT_AT, &now);
    }
}

async fn deliver(
    client: &reqwest::Client,
    url: &reqwest::Url,
    r: &Request,
    timeout: Duration,
    connections: Connections,
) -> anyhow::Result<Outcome> {
    let mut map = delivery::header_map(&r.headers)?;
    match connections {
        // Without a pool the client drops the connection after the answer, but only when its
        // task gets round to it; asking the receiver to close makes the server end it at once.
        Connections::PerDelivery => {
            map.insert(
                reqwest::header::CONNECTION,
                reqwest::header::HeaderValue::from_static("close"),
            );
        }
        Connections::KeepAlive => {
            // A server may close an idle kept-alive connection just as a request goes out on
            // it (RFC 9112 §9.3.1), and the request is then never answered: it goes once more,
            // on a new connection (the pool drops the closed one), so the verdict does not
            // hang on that race. A receiver that closes every connection unanswered still
            // fails.
            let first = delivery::deliver(client, url, map.clone(), r.body.clone(), timeout).await;
            let unanswered = first.status.is_none()
                && first
                    .error
                    .as_ref()
                    .is_some_and(|e| e.class == delivery::ErrorClass::Reset);
            if !unanswered {
                return Ok(first);
            }
        }
    }
    Ok(delivery::deliver(client, url, map, r.body.clone(), timeout).await)
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use http_body_util::{BodyExt, Full};
    use hyper::service::service_fn;
    use hyper_util::rt::TokioIo;

    use super::*;
    use crate::protocol::header;

    const KEY: &[u8] = b"receiver-key";

    fn pinned() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-03-01T12:00:00Z")
            .expect("a valid time")
            .with_timezone(&Utc)
    }

    /// One request as the receiver saw it.
    #[derive(Debug, Clone)]
    struct Seen {
        sent_at: String,
        connection: String,
        /// The client's port: one per connection.
        peer_port: u16,
    }

    /// A listener on a free loopback port, and its webhook URL.
    async fn bound() -> (tokio::net::TcpListener, reqwest::Url) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = reqwest::Url::parse(&format!(
            "http://{}/webhooks",
            listener.local_addr().expect("address")
        ))
        .expect("URL");
        (listener, url)
    }

    /// A receiver on a free loopback port that does everything right and records each
    /// request.
    async fn receiver() -> (reqwest::Url, Arc<Mutex<Vec<Seen>>>) {
        let (listener, url) = bound().await;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        tokio::spawn(async move {
            while let Ok((stream, peer)) = listener.accept().await {
                let record = record.clone();
                let service = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let record = record.clone();
                    async move {
                        let head = |name| {
                            req.headers()
                                .get(name)
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or_default()
                                .to_string()
                        };
                        let (sig, sent_at) = (head(header::SIGNATURE), head(header::SENT_AT));
                        let connection = head("connection");
                        let body = req.into_body().collect().await?.to_bytes();
                        record.lock().expect("not poisoned").push(Seen {
                            sent_at,
                            connection,
                            peer_port: peer.port(),
                        });
                        let key = Secret::new(KEY.to_vec()).expect("not empty");
                        let ok = crate::protocol::verify(&[key], &body, &sig).is_ok();
                        let mut answer = hyper::Response::new(Full::new(bytes::Bytes::new()));
                        *answer.status_mut() = if ok {
                            hyper::StatusCode::OK
                        } else {
                            hyper::StatusCode::UNAUTHORIZED
                        };
                        Ok::<_, hyper::Error>(answer)
                    }
                });
                tokio::spawn(
                    hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service),
                );
            }
        });
        (url, seen)
    }

    fn plan(url: reqwest::Url) -> Plan {
        let mut plan = Plan::new(
            url,
            Secret::new(KEY.to_vec()).expect("not empty"),
            FixtureSet::builtin(),
        );
        plan.events = vec!["client.created".into(), "purchase.created".into()];
        plan.burst = NonZeroUsize::new(3).expect("not zero");
        plan.now = pinned;
        plan
    }

    #[tokio::test]
    async fn a_correct_receiver_passes_every_scenario_in_catalogue_order_at_the_plans_time() {
        let (url, seen) = receiver().await;
        let report = run(&plan(url)).await.expect("ran");
        let order: Vec<Scenario> = report.results.iter().map(|r| r.scenario).collect();
        assert_eq!(order, Scenario::ALL);
        for r in &report.results {
            assert_eq!(
                r.verdict,
                Verdict::Pass,
                "{}: {}",
                r.scenario.name(),
                r.reason
            );
        }
        assert_eq!(report.started_at, pinned());
        assert_eq!(report.exit(), Exit::Ok);
        // 2 events, 5 spellings, 7 refusals (5 forged: another key, the development key and 3
        // malformed signatures; tampered; unsigned), 2 copies, 2 in order, 1 late, 3 at once,
        // 1 large, 1 unknown.
        let seen = seen.lock().expect("not poisoned").clone();
        assert_eq!(seen.len(), 24);
        let at = crate::protocol::timestamp::format(pinned());
        assert!(seen.iter().all(|s| s.sent_at == at), "{seen:?}");
        // A new connection per delivery, and the receiver asked to close it after answering.
        assert!(seen.iter().all(|s| s.connection == "close"), "{seen:?}");
        let ports: std::collections::HashSet<u16> = seen.iter().map(|s| s.peer_port).collect();
        assert_eq!(ports.len(), seen.len());
        // responds-in-time reports over the whole run but the burst.
        let in_time = &report.results[8];
        assert_eq!(in_time.scenario, Scenario::RespondsInTime);
        assert_eq!(in_time.deliveries, 21);
        assert_eq!(
            in_time.max_latency,
            report
                .results
                .iter()
                .filter(|r| r.scenario != Scenario::Burst)
                .filter_map(|r| r.max_latency)
                .max()
        );
    }

    /// A clock a second further on at every reading.
    fn ticking() -> DateTime<Utc> {
        static READINGS: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);
        let n = READINGS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        pinned() + chrono::Duration::seconds(n)
    }

    #[tokio::test]
    async fn each_delivery_says_when_it_was_sent() {
        let (url, seen) = receiver().await;
        let mut plan = plan(url);
        plan.events = vec![
            "client.created".into(),
            "purchase.created".into(),
            "client.updated".into(),
        ];
        plan.only = vec![Scenario::Accepts];
        plan.now = ticking;
        assert!(run(&plan).await.expect("ran").passed());
        let sent: Vec<DateTime<Utc>> = seen
            .lock()
            .expect("not poisoned")
            .iter()
            .map(|s| {
                crate::protocol::timestamp::parse(&s.sent_at)
                    .expect("a time")
                    .0
            })
            .collect();
        assert_eq!(sent.len(), 3);
        // Read when each was sent, after the one before it was answered: later every time.
        assert!(sent.windows(2).all(|w| w[0] < w[1]), "{sent:?}");
    }

    #[tokio::test]
    async fn keep_alive_reuses_connections_and_asks_for_no_close() {
        let (url, seen) = receiver().await;
        let mut plan = plan(url);
        plan.connections = Connections::KeepAlive;
        plan.only = vec![Scenario::Accepts, Scenario::AcceptsNonCanonical];
        let report = run(&plan).await.expect("ran");
        assert!(report.passed());
        let seen = seen.lock().expect("not poisoned").clone();
        assert_eq!(seen.len(), 7);
        assert!(seen.iter().all(|s| s.connection.is_empty()), "{seen:?}");
        let ports: std::collections::HashSet<u16> = seen.iter().map(|s| s.peer_port).collect();
        assert!(ports.len() < seen.len(), "{seen:?}");
    }

    /// A receiver that answers the first request on each connection and closes the connection
    /// unanswered when another comes on it: what a server closing idle kept-alive connections
    /// looks like when the close and the next request cross.
    async fn closes_kept_alive_connections() -> reqwest::Url {
        let (listener, url) = bound().await;
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let served = Arc::new(std::sync::atomic::AtomicUsize::new(0));
                let service = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let served = served.clone();
                    async move {
                        let _ = req.into_body().collect().await;
                        if served.fetch_add(1, std::sync::atomic::Ordering::SeqCst) > 0 {
                            // An error from the service: hyper closes without an answer.
                            return Err(std::io::Error::other("closed"));
                        }
                        Ok(hyper::Response::new(Full::new(bytes::Bytes::new())))
                    }
                });
                tokio::spawn(
                    hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service),
                );
            }
        });
        url
    }

    #[tokio::test]
    async fn keep_alive_sends_again_once_what_a_closed_connection_left_unanswered() {
        let mut plan = plan(closes_kept_alive_connections().await);
        plan.connections = Connections::KeepAlive;
        plan.only = vec![Scenario::Accepts];
        plan.events = vec![
            "client.created".into(),
            "client.updated".into(),
            "purchase.created".into(),
        ];
        let report = run(&plan).await.expect("ran");
        assert!(report.passed(), "{:?}", report.results);
    }

    #[tokio::test]
    async fn responds_in_time_alone_sends_one_delivery_of_its_own() {
        let (url, seen) = receiver().await;
        let mut plan = plan(url);
        plan.only = vec![Scenario::RespondsInTime];
        let report = run(&plan).await.expect("ran");
        assert_eq!(report.results.len(), 1);
        assert_eq!(report.results[0].deliveries, 1);
        assert_eq!(report.results[0].verdict, Verdict::Pass);
        assert_eq!(seen.lock().expect("not poisoned").len(), 1);
    }

    #[tokio::test]
    async fn nothing_listening_is_exit_3() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!(
            "http://{}/webhooks",
            listener.local_addr().expect("address")
        );
        drop(listener);
        let mut plan = plan(reqwest::Url::parse(&url).expect("URL"));
        plan.only = vec![Scenario::RejectsForged, Scenario::Burst];
        let err = run(&plan).await.expect_err("unreachable");
        assert_eq!(crate::exit::code_of(&err), Exit::Unreachable);
        assert!(err.to_string().starts_with("cannot reach"), "{err}");
    }
}
