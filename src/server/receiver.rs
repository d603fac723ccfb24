//! What a WL receiver does with one request: read the body within limits, verify it, notice
//! duplicates and stale events, misbehave on purpose when asked, record it, forward it, and
//! decide the answer. Each request becomes a [`Received`] for whoever shows or counts them.
//!
//! This is listen's hot path: headers stay in hyper's map, the body is checked as JSON without
//! building a tree, and the per-record maps are bounded.

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use chrono::{DateTime, Utc};
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::HeaderMap;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

use super::saver::{self, Saver, ToSave};
use crate::capture::{BodyForm, HeaderBytes, Request};
use crate::json::TopLevel;
use crate::judge::history::{self, Delivery, History, Record};
use crate::judge::{self, Check, CheckOptions, NamedKey, Status};
use crate::protocol::{header, timestamp, topics, Family};

pub use crate::judge::history::Stale;

/// Where to relay deliveries to (`--forward-to`): the first route whose events include the
/// delivery's wins; a route without events takes every event.
#[derive(Debug, Clone)]
pub struct Forward {
    pub client: reqwest::Client,
    pub routes: Vec<Route>,
    pub timeout: Duration,
}

/// One `--forward-to [TOPICS=]URL`.
#[derive(Debug, Clone)]
pub struct Route {
    /// The event names it takes; `None` for every event.
    pub events: Option<Vec<&'static str>>,
    pub url: reqwest::Url,
}

impl Forward {
    /// The route for `event`: the first that takes it.
    pub fn route(&self, event: Option<&str>) -> Option<&Route> {
        self.routes.iter().find(|r| match (&r.events, event) {
            (None, _) => true,
            (Some(names), Some(e)) => names.iter().any(|n| n.eq_ignore_ascii_case(e)),
            (Some(_), None) => false,
        })
    }
}

/// How a failed attempt (`--fail-first`, `--fail-rate`) is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailMode {
    /// This status (`--fail-status`, 500 by default), with `Retry-After` when given.
    Status(u16),
    /// No answer until listen stops (`--hang`).
    Hang,
    /// The connection closed without an answer (`--reset`).
    Close,
}

/// The failure injected, and whether every delivery fails (no `--fail-first`/`--fail-rate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailWith {
    pub mode: FailMode,
    pub retry_after: Option<u64>,
    pub always: bool,
}

impl Default for FailWith {
    fn default() -> FailWith {
        FailWith {
            mode: FailMode::Status(500),
            retry_after: None,
            always: false,
        }
    }
}

/// How the receiver answers.
#[derive(Debug, Clone)]
pub struct ReceiverConfig {
    /// The keys to verify with (none: wl-hook's development key), tried in order.
    pub keys: Vec<NamedKey>,
    /// False skips the signature check (`--no-verify`): every delivery with a JSON body is
    /// answered `status`, whatever else the judgement finds.
    pub verify: bool,
    /// Warnings refuse a delivery (400), as they fail `verify --strict`.
    pub strict: bool,
    /// How WL's unknowns are modelled, as `verify` takes them.
    pub fidelity: crate::protocol::Fidelity,
    /// The answer to a valid delivery.
    pub status: u16,
    pub max_body: usize,
    /// Time a client has to send the whole body.
    pub body_timeout: Duration,
    /// Answer 500 to the first N attempts of each payload key.
    pub fail_first: u32,
    /// Answer 500 to this fraction of deliveries (seeded).
    pub fail_rate: f64,
    pub seed: Option<u64>,
    /// How a failed attempt is answered.
    pub fail: FailWith,
    /// Only these events are shown and forwarded (`--events`); others are answered and counted.
    pub events: Option<Vec<&'static str>>,
    /// Wait this long before every answer.
    pub delay: Duration,
    pub save_dir: Option<PathBuf>,
    pub forward: Option<Forward>,
    /// The clock that stamps each request (`Utc::now`, or a fixed time in tests).
    pub now: fn() -> DateTime<Utc>,
}

/// The signature verdict of one request, as the judgement core gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigVerdict {
    /// It matches; with what is odd about it (an upper-case value, several headers) in words.
    Valid {
        warning: Option<String>,
    },
    /// It does not match, in words.
    Invalid(String),
    Missing,
    Unchecked,
}

impl SigVerdict {
    pub fn as_str(&self) -> &'static str {
        match self {
            SigVerdict::Valid { .. } => "valid",
            SigVerdict::Invalid(_) => "invalid",
            SigVerdict::Missing => "missing",
            SigVerdict::Unchecked => "unchecked",
        }
    }

    /// Valid, or not checked at all: the request counts as a delivery.
    pub fn trusted(&self) -> bool {
        matches!(self, SigVerdict::Valid { .. } | SigVerdict::Unchecked)
    }
}

/// What the app behind `--forward-to` said.
#[derive(Debug, Clone)]
pub struct Forwarded {
    pub url: reqwest::Url,
    pub status: Option<u16>,
    pub error: Option<String>,
    pub latency: Duration,
    /// The app's answer: its headers and the start of its body (what the sender was given).
    pub response_headers: Vec<(String, String)>,
    pub response_body: Bytes,
}

/// An answer withheld on purpose (`--hang`, `--reset`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withheld {
    Hang,
    Close,
}

/// One request and everything the receiver concluded about it.
#[derive(Debug, Clone)]
pub struct Received {
    pub seq: u64,
    pub time: DateTime<Utc>,
    pub remote: SocketAddr,
    pub method: hyper::Method,
    pub path: String,
    /// The headers as hyper parsed them: in arrival order, except that repeats of one name are
    /// grouped together. Shared with the capture writer, which saves them as they are.
    pub headers: Arc<HeaderMap>,
    /// The exact body, when it was read (not for a 413).
    pub body: Option<Bytes>,
    /// SHA-256 of the body, when it was read.
    pub body_digest: Option<[u8; 32]>,
    /// True when the body is a JSON document.
    pub body_is_json: bool,
    pub event: Option<String>,
    pub family: Option<Family>,
    pub signature: SigVerdict,
    /// `x-payload-key` as sent.
    pub payload_key: Option<String>,
    /// The judgement core's verdict, what `verify` says of the request's capture: false for a
    /// request it refused before judging (a body not read, a method not POST).
    pub valid: bool,
    /// The checks that warned or failed, in report order.
    pub findings: Vec<Check>,
    /// The label of the key the signature matched.
    pub matched_key: Option<String>,
    /// When the signature failed: which known cause fits.
    pub diagnosis: Vec<String>,
    /// Whether `x-payload-key` equals SHA-256 of the body (None when either is missing).
    pub payload_key_ok: Option<bool>,
    pub generated_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    pub duplicate_of: Option<u64>,
    pub stale: Option<Stale>,
    pub record_id: Option<String>,
    /// The answer given.
    pub status: u16,
    /// Why that answer, in words.
    pub note: Cow<'static, str>,
    pub saved_to: Option<PathBuf>,
    pub save_error: Option<String>,
    pub forwarded: Option<Forwarded>,
    /// No answer was given on purpose (`status` is then 0).
    pub withheld: Option<Withheld>,
    /// Not one of `--events`: answered, counted, not shown nor forwarded.
    pub filtered: bool,
    /// How long the receiver took to answer (including `--delay`).
    pub handled_in: Duration,
}

impl Received {
    /// A POST: counts towards `--count`.
    pub fn is_delivery(&self) -> bool {
        self.method == hyper::Method::POST
    }
}

/// A connection hyper closed before a request reached the receiver: a head too large, a
/// malformed request, a client too slow to send its headers.
#[derive(Debug, Clone)]
pub struct Rejected {
    pub time: DateTime<Utc>,
    pub remote: SocketAddr,
    /// The answer hyper gave, when it gave one.
    pub status: Option<u16>,
    pub reason: String,
}

impl Rejected {
    /// Describe hyper's error in words, with the status it answered.
    pub fn from_hyper(time: DateTime<Utc>, remote: SocketAddr, err: &hyper::Error) -> Rejected {
        let (status, reason) = if err.is_parse_too_large() {
            (
                Some(431),
                "request head too large (over 100 headers, or over 64 KiB of headers)".to_string(),
            )
        } else if err.is_timeout() {
            (
                None,
                "headers not received in time: slow client disconnected".to_string(),
            )
        } else if err.is_parse() || err.is_parse_status() {
            (Some(400), format!("malformed HTTP request: {err}"))
        } else if err.is_incomplete_message() {
            (
                None,
                "the client closed the connection in the middle of a request".to_string(),
            )
        } else {
            (None, err.to_string())
        };
        Rejected {
            time,
            remote,
            status,
            reason,
        }
    }
}

/// What the receiver reports to whoever shows or counts requests.
#[derive(Debug, Clone)]
pub enum Event {
    Request(Box<Received>),
    Rejected(Rejected),
}

impl Event {
    /// The size of the body it holds.
    pub fn body_len(&self) -> usize {
        match self {
            Event::Request(r) => r.body.as_ref().map_or(0, |b| b.len()),
            Event::Rejected(_) => 0,
        }
    }
}

/// Counts over a run, and which expected events have arrived.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub requests: u64,
    pub deliveries: u64,
    pub valid: u64,
    pub invalid: u64,
    pub missing: u64,
    pub unchecked: u64,
    pub duplicates: u64,
    pub stale: u64,
    pub saved: u64,
    pub save_errors: u64,
    /// Requests left out by `--events`.
    pub filtered: u64,
    /// Requests answered with nothing on purpose (`--hang`, `--reset`).
    pub unanswered: u64,
    /// Connections hyper refused before a request was complete.
    pub rejected: u64,
    /// Events whose lines listen dropped because its output was not read fast enough.
    pub dropped: u64,
    pub by_status: std::collections::BTreeMap<u16, u64>,
    /// Expected event -> arrived with a valid (or unchecked) signature.
    pub expected: Vec<(String, bool)>,
}

impl Tally {
    pub fn expecting(events: &[String]) -> Tally {
        Tally {
            expected: events.iter().map(|e| (e.clone(), false)).collect(),
            ..Tally::default()
        }
    }

    pub fn record_event(&mut self, e: &Event) {
        match e {
            Event::Request(r) => self.record(r),
            Event::Rejected(r) => {
                self.rejected += 1;
                if let Some(s) = r.status {
                    *self.by_status.entry(s).or_default() += 1;
                }
            }
        }
    }

    pub fn record(&mut self, r: &Received) {
        if r.filtered {
            self.filtered += 1;
            return;
        }
        self.requests += 1;
        if r.is_delivery() {
            self.deliveries += 1;
        }
        match r.signature {
            SigVerdict::Valid { .. } => self.valid += 1,
            SigVerdict::Invalid(_) => self.invalid += 1,
            SigVerdict::Missing => self.missing += 1,
            SigVerdict::Unchecked if r.is_delivery() && r.body.is_some() => self.unchecked += 1,
            SigVerdict::Unchecked => {}
        }
        self.duplicates += u64::from(r.duplicate_of.is_some());
        self.stale += u64::from(r.stale.is_some());
        self.saved += u64::from(r.saved_to.is_some());
        self.save_errors += u64::from(r.save_error.is_some());
        if r.withheld.is_some() {
            self.unanswered += 1;
        } else {
            *self.by_status.entry(r.status).or_default() += 1;
        }
        // Arrived: judged valid (or, under --no-verify, with a JSON body).
        let arrived = r.valid || r.signature == SigVerdict::Unchecked;
        if r.is_delivery() && r.signature.trusted() && r.body_is_json && arrived {
            if let Some(event) = &r.event {
                for (e, arrived) in &mut self.expected {
                    if e.eq_ignore_ascii_case(event) {
                        *arrived = true;
                    }
                }
            }
        }
    }

    /// True when every expected event has arrived (vacuously true with none expected).
    pub fn expectations_met(&self) -> bool {
        self.expected.iter().all(|(_, arrived)| *arrived)
    }
}

#[derive(Default)]
struct State {
    /// Duplicates and stale events.
    history: History,
    /// Payload key -> (attempts so far, last seq), for --fail-first.
    attempts: HashMap<[u8; 32], (u32, u64)>,
    rng: Option<StdRng>,
}

/// The receiver: shared by every connection.
pub struct Receiver {
    config: ReceiverConfig,
    /// Turns true when listen stops: a `--hang` request then closes.
    stopping: Option<tokio::sync::watch::Receiver<bool>>,
    seq: AtomicU64,
    state: Mutex<State>,
    events: mpsc::Sender<Event>,
    /// The capture writer, with `--save`.
    saver: Option<Saver>,
}

type Response = hyper::Response<Full<Bytes>>;

fn respond(status: u16, note: &str) -> Response {
    let mut body = String::with_capacity(note.len() + 1);
    body.push_str(note);
    body.push('\n');
    let mut resp = hyper::Response::new(Full::new(Bytes::from(body)));
    *resp.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    resp.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    resp
}

/// JSON deeper than this is refused, as serde_json refuses it when building a tree.
const MAX_JSON_DEPTH: usize = 128;

/// The record id of a body the judgement found to be JSON (`top`, its top level), or why
/// listen refuses the body as not JSON: nested deeper than [`MAX_JSON_DEPTH`], or not JSON.
fn json_record(top: Option<TopLevel>, body: &[u8]) -> Result<Option<String>, String> {
    match top {
        Some(_) if crate::json::depth_exceeds(body, MAX_JSON_DEPTH) => {
            Err(format!("nested deeper than {MAX_JSON_DEPTH} levels"))
        }
        Some(top) => Ok(top.id),
        None if std::str::from_utf8(body).is_err() => Err("not UTF-8".to_string()),
        None => Err(crate::json::scan(body, &[], None)
            .err()
            .unwrap_or_else(|| "not a JSON document".to_string())),
    }
}

/// Decode a 64-digit hex payload key; `None` when it is not one.
fn decode_key(hex_key: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(hex_key, &mut out).ok().map(|_| out)
}

/// The request as `verify` reads its capture: the header pairs in the map's order (which is
/// the order the capture is saved in), a value that is not UTF-8 as its lossy text with its
/// exact bytes beside, and the exact body. The inspector shows, judges and resends this too.
pub fn as_request(rec: &Received, body: &Bytes) -> Request {
    as_request_with(rec, body, None, |_| true)
}

/// The request as the judgement reads it: [`as_request`] with only the headers it reads.
fn judged(rec: &Received, body: &Bytes, omitted: Option<String>) -> Request {
    as_request_with(rec, body, omitted, |name| {
        judge::HEADERS_READ
            .iter()
            .any(|h| name.eq_ignore_ascii_case(h))
    })
}

fn as_request_with(
    rec: &Received,
    body: &Bytes,
    omitted: Option<String>,
    keep: impl Fn(&str) -> bool,
) -> Request {
    let (headers, header_bytes) = HeaderBytes::split(
        rec.headers
            .iter()
            .filter(|(n, _)| keep(n.as_str()))
            .map(|(n, v)| (n.as_str(), v.as_bytes())),
    );
    Request {
        method: rec.method.to_string(),
        path: rec.path.clone(),
        headers,
        header_bytes,
        body: body.clone(),
        body_form: BodyForm::Exact,
        body_omitted: omitted,
        received_at: None,
    }
}

/// The checks that warned or failed, in report order: what listen shows.
fn findings(checks: Vec<Check>) -> Vec<Check> {
    checks
        .into_iter()
        .filter(|c| matches!(c.status, Status::Warn | Status::Fail))
        .collect()
}

/// The signature verdict the report gives.
fn sig_verdict(report: &judge::Report, headers: &HeaderMap) -> SigVerdict {
    let Some(c) = report.check("signature") else {
        return SigVerdict::Unchecked;
    };
    match c.status {
        Status::Skip => SigVerdict::Unchecked,
        Status::Pass => SigVerdict::Valid { warning: None },
        Status::Warn => SigVerdict::Valid {
            warning: Some(c.detail.clone()),
        },
        Status::Fail if !headers.contains_key(header::SIGNATURE) => SigVerdict::Missing,
        Status::Fail => SigVerdict::Invalid(c.detail.clone()),
    }
}

/// Duplicates and staleness: what the history says about this delivery, into `rec`.
fn judge(history: &mut History, rec: &mut Received, digest: [u8; 32]) {
    let record = match (rec.family, rec.record_id.as_deref(), rec.generated_at) {
        (Some(family), Some(id), Some(generated_at)) => Some(Record {
            family,
            id,
            generated_at,
        }),
        _ => None,
    };
    let findings = history.observe(&Delivery {
        seq: rec.seq,
        digest,
        record,
    });
    rec.duplicate_of = findings.duplicate_of;
    rec.stale = findings.stale;
}

impl Receiver {
    /// A receiver reporting to `events`; with a `save_dir` it starts the capture writer
    /// thread, which fails when the thread cannot start or when called outside a tokio runtime.
    pub fn new(config: ReceiverConfig, events: mpsc::Sender<Event>) -> std::io::Result<Receiver> {
        let rng = (config.fail_rate > 0.0).then(|| match config.seed {
            Some(s) => StdRng::seed_from_u64(s),
            None => StdRng::from_os_rng(),
        });
        let saver = config.save_dir.clone().map(Saver::start).transpose()?;
        Ok(Receiver {
            saver,
            stopping: None,
            config,
            seq: AtomicU64::new(0),
            state: Mutex::new(State {
                rng,
                ..State::default()
            }),
            events,
        })
    }

    /// Close `--hang` requests when `stopping` turns true.
    pub fn stop_hanging_on(mut self, stopping: tokio::sync::watch::Receiver<bool>) -> Receiver {
        self.stopping = Some(stopping);
        self
    }

    /// Report a connection hyper refused before a request reached [`Receiver::handle`].
    pub fn rejected(&self, remote: SocketAddr, err: &hyper::Error) {
        let _ = self.events.try_send(Event::Rejected(Rejected::from_hyper(
            (self.config.now)(),
            remote,
            err,
        )));
    }

    /// Handle one request; never fails: every problem becomes an answer and a [`Received`].
    /// `None` closes the connection without an answer (`--reset`, or `--hang` once listen stops).
    pub async fn handle(
        self: Arc<Self>,
        req: hyper::Request<hyper::body::Incoming>,
        remote: SocketAddr,
    ) -> Option<Response> {
        let started = Instant::now();
        let seq = self.seq.fetch_add(1, Ordering::Relaxed) + 1;
        let (parts, body) = req.into_parts();
        // Lossy, not to_str(): a header with non-ASCII bytes must still be shown (escaped).
        let text = |name: &str| {
            parts
                .headers
                .get(name)
                .map(|v| String::from_utf8_lossy(v.as_bytes()))
        };
        let event = text(header::TOPIC).map(|t| t.into_owned());
        let family = event.as_deref().and_then(topics::event).map(|e| e.family);
        let mut rec = Received {
            seq,
            time: (self.config.now)(),
            remote,
            path: parts
                .uri
                .path_and_query()
                .map_or_else(|| parts.uri.to_string(), |p| p.to_string()),
            family,
            payload_key: text(header::PAYLOAD_KEY).map(|t| t.into_owned()),
            generated_at: text(header::GENERATED_AT)
                .and_then(|v| timestamp::parse(&v).ok())
                .map(|(t, _)| t),
            sent_at: text(header::SENT_AT)
                .and_then(|v| timestamp::parse(&v).ok())
                .map(|(t, _)| t),
            event,
            method: parts.method,
            headers: Arc::new(parts.headers),
            body: None,
            body_digest: None,
            body_is_json: false,
            signature: SigVerdict::Unchecked,
            valid: false,
            findings: Vec::new(),
            matched_key: None,
            diagnosis: Vec::new(),
            payload_key_ok: None,
            duplicate_of: None,
            stale: None,
            record_id: None,
            status: 0,
            note: Cow::Borrowed(""),
            saved_to: None,
            save_error: None,
            forwarded: None,
            withheld: None,
            filtered: false,
            handled_in: Duration::ZERO,
        };

        let resp = self.decide(body, &mut rec).await;
        let resp = self.finish(resp, &mut rec).await;
        rec.handled_in = started.elapsed();
        let withheld = rec.withheld;
        // The observer applies backpressure; if it is gone the server is stopping anyway.
        let _ = self.events.send(Event::Request(Box::new(rec))).await;
        match withheld {
            None => Some(resp),
            Some(Withheld::Close) => None,
            Some(Withheld::Hang) => {
                match self.stopping.clone() {
                    Some(mut stopping) => {
                        let _ = stopping.wait_for(|s| *s).await;
                    }
                    None => std::future::pending::<()>().await,
                }
                None
            }
        }
    }

    /// Read, check and answer; fills in `rec`.
    async fn decide(&self, body: hyper::body::Incoming, rec: &mut Received) -> Response {
        let body = match self.read_body(body, rec).await {
            Ok(body) => body,
            Err(resp) => {
                self.judge_unread(rec);
                return resp;
            }
        };
        rec.body = Some(body.clone());
        if rec.method != hyper::Method::POST {
            self.note_digest(rec, Sha256::digest(&body).into());
            return self.answer(
                rec,
                405,
                format!("method {} not allowed; WL sends POST", rec.method),
            );
        }
        let (digest, body_top) = self.judge_read(rec, &body);
        // Without --no-verify every failure refuses the delivery; with it, only a body that is
        // not JSON does.
        let cfg = &self.config;
        let refusal = rec
            .findings
            .iter()
            .find(|c| c.fails(cfg.strict) && (cfg.verify || c.name == "body-json"))
            .cloned();
        if let Some(c) = refusal {
            return self.refuse(rec, &c);
        }
        match json_record(body_top, &body) {
            Ok(id) => {
                rec.body_is_json = true;
                rec.record_id = id;
            }
            Err(why) => {
                rec.valid = false;
                rec.body_is_json = false;
                return self.answer(rec, 400, format!("body is not JSON: {why}"));
            }
        }
        if let Some(events) = &cfg.events {
            let wanted = rec
                .event
                .as_deref()
                .is_some_and(|e| events.iter().any(|n| n.eq_ignore_ascii_case(e)));
            if !wanted {
                rec.filtered = true;
                return self.answer_static(rec, cfg.status, "not one of --events");
            }
        }
        let misbehave = {
            let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
            judge(&mut st.history, rec, digest);
            self.misbehave(&mut st, rec.seq, digest)
        };
        if let Some(note) = misbehave {
            return self.fail(rec, note);
        }
        if let Some(fwd) = &cfg.forward {
            match fwd.route(rec.event.as_deref()) {
                Some(route) => return self.forward(fwd, &route.url, rec, body).await,
                None => {
                    let note = format!(
                        "no --forward-to route for {}: answered here",
                        rec.event.as_deref().unwrap_or("a request without x-topic")
                    );
                    return self.answer(rec, cfg.status, note);
                }
            }
        }
        self.accept(rec)
    }

    /// One judgement of a request whose body was read, the one `verify` gives the saved capture,
    /// into `rec`. Listen shows only findings, and takes the body's digest and top level (with
    /// the record id) from the judgement's own passes over the body.
    fn judge_read(&self, rec: &mut Received, body: &Bytes) -> ([u8; 32], Option<TopLevel>) {
        let mut report = self.judge(rec, body, None);
        let digest = report
            .body_sha256
            .unwrap_or_else(|| Sha256::digest(body).into());
        self.note_digest(rec, digest);
        let body_top = report.body_top.take();
        rec.signature = sig_verdict(&report, &rec.headers);
        rec.body_is_json = report
            .check("body-json")
            .is_some_and(|c| c.status != Status::Fail);
        rec.valid = report.valid;
        rec.matched_key = report.matched_key;
        rec.diagnosis = report.diagnosis;
        rec.findings = findings(report.checks);
        (digest, body_top)
    }

    /// The judgement core on `rec` with `body` (or the reason it was not read): listen's keys,
    /// `--strict`, `--no-verify` and modelled fidelity, at the time it arrived. Listen shows
    /// only findings, so passing checks get no reason.
    fn judge(&self, rec: &Received, body: &Bytes, omitted: Option<String>) -> judge::Report {
        let cfg = &self.config;
        judge::check(
            &judged(rec, body, omitted),
            &cfg.keys,
            &CheckOptions {
                strict: cfg.strict,
                check_signature: cfg.verify,
                fidelity: cfg.fidelity.clone(),
                pass_reasons: false,
                record_id_fields: rec.family.map_or(&[], |f| f.record_id_fields()),
                ..CheckOptions::at(rec.time)
            },
        )
    }

    /// The answer refusing a delivery for the finding `c`: 401 for the signature, else 400.
    fn refuse(&self, rec: &mut Received, c: &Check) -> Response {
        let strict = if c.status == Status::Warn {
            " (a warning, refused under --strict)"
        } else {
            ""
        };
        match (c.name, &rec.signature) {
            ("signature", SigVerdict::Missing) => {
                self.answer_static(rec, 401, "no x-signature-256 header")
            }
            ("signature", _) => {
                let note = format!("invalid signature: {}{strict}", c.detail);
                self.answer(rec, 401, note)
            }
            ("body-json", _) => {
                let note = format!(
                    "body is {}{strict}",
                    c.detail.trim_start_matches("the body is ")
                );
                self.answer(rec, 400, note)
            }
            (name, _) => {
                let note = format!("{name}: {}{strict}", c.detail);
                self.answer(rec, 400, note)
            }
        }
    }

    /// The answer to a delivery listen accepts (`--status`), with its warnings in the note.
    fn accept(&self, rec: &mut Received) -> Response {
        let start = match (&rec.signature, &rec.matched_key) {
            (SigVerdict::Unchecked, _) => Cow::Borrowed("signature not checked (--no-verify)"),
            // Across a key change, which key signed it is the point.
            (_, Some(k)) if self.config.keys.len() > 1 => {
                Cow::Owned(format!("valid delivery (signed with {k})"))
            }
            _ => Cow::Borrowed("valid delivery"),
        };
        if rec.findings.is_empty() {
            rec.status = self.config.status;
            let resp = respond(rec.status, &start);
            rec.note = start;
            return resp;
        }
        let found: Vec<String> = rec
            .findings
            .iter()
            .map(|c| format!("{}: {}", c.name, c.detail))
            .collect();
        let warnings = if found.len() == 1 {
            "a warning"
        } else {
            "warnings"
        };
        let note = format!("{start}, with {warnings}: {}", found.join("; "));
        self.answer(rec, self.config.status, note)
    }

    /// The body's SHA-256, and whether the `x-payload-key` header is it, into `rec`.
    fn note_digest(&self, rec: &mut Received, digest: [u8; 32]) {
        rec.body_digest = Some(digest);
        rec.payload_key_ok = rec
            .payload_key
            .as_deref()
            .map(|k| decode_key(k) == Some(digest));
    }

    /// The whole body, within `--max-body` and `--read-timeout`; or the answer refusing it.
    async fn read_body(
        &self,
        body: hyper::body::Incoming,
        rec: &mut Received,
    ) -> Result<Bytes, Response> {
        let cfg = &self.config;
        let declared = rec
            .headers
            .get(hyper::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if let Some(n) = declared.filter(|n| *n > cfg.max_body as u64) {
            // Refused at once, without waiting for bytes that will not be read.
            let why = format!(
                "body of {n} bytes is over --max-body ({} bytes)",
                cfg.max_body
            );
            return Err(self.answer(rec, 413, why));
        }
        let read =
            tokio::time::timeout(cfg.body_timeout, Limited::new(body, cfg.max_body).collect())
                .await;
        match read {
            Ok(Ok(collected)) => Ok(collected.to_bytes()),
            Err(_) => {
                let why = format!(
                    "body not received within {}",
                    crate::duration::human(cfg.body_timeout)
                );
                Err(self.answer(rec, 408, why))
            }
            Ok(Err(e))
                if e.downcast_ref::<http_body_util::LengthLimitError>()
                    .is_some() =>
            {
                let why = format!("body is over --max-body ({} bytes)", cfg.max_body);
                Err(self.answer(rec, 413, why))
            }
            Ok(Err(e)) => Err(self.answer(rec, 400, format!("body could not be read: {e}"))),
        }
    }

    /// The findings on a request whose body was not read (413, 408), as `verify` gives them
    /// for its capture: invalid, with the reason.
    fn judge_unread(&self, rec: &mut Received) {
        let report = self.judge(rec, &Bytes::new(), Some(rec.note.to_string()));
        rec.valid = report.valid;
        rec.findings = findings(report.checks);
    }

    /// `--fail-first` and `--fail-rate`: why this delivery is answered 500, if it is.
    fn misbehave(&self, st: &mut State, seq: u64, digest: [u8; 32]) -> Option<String> {
        let cfg = &self.config;
        let attempt = if cfg.fail_first > 0 {
            history::compact(&mut st.attempts, history::DEFAULT_LIMIT, seq, |v| v.1);
            let n = st.attempts.entry(digest).or_insert((0, seq));
            *n = (n.0 + 1, seq);
            n.0
        } else {
            0
        };
        if attempt > 0 && attempt <= cfg.fail_first {
            return Some(format!(
                "--fail-first: attempt {attempt} of {} failed",
                cfg.fail_first
            ));
        }
        if cfg.fail.always {
            return Some("every delivery fails".to_string());
        }
        let rng = st.rng.as_mut()?;
        (rng.random::<f64>() < cfg.fail_rate).then(|| format!("--fail-rate {}", cfg.fail_rate))
    }

    /// Answer a failed attempt as `--fail-status`, `--retry-after`, `--hang` or `--reset` say.
    fn fail(&self, rec: &mut Received, why: String) -> Response {
        let fail = self.config.fail;
        match fail.mode {
            FailMode::Status(status) => {
                let note = match fail.retry_after {
                    Some(s) => format!("{why}: answered {status} with Retry-After: {s}"),
                    None => format!("{why}: answered {status}"),
                };
                let mut resp = self.answer(rec, status, note);
                if let Some(s) = fail.retry_after {
                    resp.headers_mut()
                        .insert(hyper::header::RETRY_AFTER, s.into());
                }
                resp
            }
            FailMode::Hang => {
                rec.withheld = Some(Withheld::Hang);
                let resp = self.answer(rec, 0, format!("{why}: no answer (--hang)"));
                resp
            }
            FailMode::Close => {
                rec.withheld = Some(Withheld::Close);
                self.answer(
                    rec,
                    0,
                    format!("{why}: connection closed without an answer (--reset)"),
                )
            }
        }
    }

    fn answer(&self, rec: &mut Received, status: u16, note: String) -> Response {
        rec.status = status;
        let resp = respond(status, &note);
        rec.note = Cow::Owned(note);
        resp
    }

    fn answer_static(&self, rec: &mut Received, status: u16, note: &'static str) -> Response {
        rec.status = status;
        rec.note = Cow::Borrowed(note);
        respond(status, note)
    }

    async fn forward(
        &self,
        fwd: &Forward,
        url: &reqwest::Url,
        rec: &mut Received,
        body: Bytes,
    ) -> Response {
        let mut map = HeaderMap::clone(&rec.headers);
        for h in crate::protocol::NOT_RELAYED {
            map.remove(h);
        }
        let started = Instant::now();
        let outcome = crate::delivery::deliver(&fwd.client, url, map, body, fwd.timeout).await;
        let status = outcome.status;
        rec.forwarded = Some(Forwarded {
            url: url.clone(),
            status,
            error: outcome.error.as_ref().map(|e| e.detail.clone()),
            latency: started.elapsed(),
            response_headers: outcome.response_headers.clone(),
            response_body: outcome.response_body.clone(),
        });
        match (status, &outcome.error) {
            // The app began an answer it did not finish (cut off, or not within --timeout):
            // relaying its status would tell the sender it was delivered.
            (Some(_), Some(e)) => self.answer(
                rec,
                502,
                format!("the app at {url} did not finish its answer: {}", e.detail),
            ),
            (Some(s), None) => {
                rec.status = s;
                // Listen checked the signature: a refusal is the app's key or its reading of it.
                let why = match (s, &rec.signature) {
                    (401 | 403, SigVerdict::Valid { .. }) => {
                        format!("; {}", crate::delivery::REFUSED_SIGNED)
                    }
                    _ => String::new(),
                };
                rec.note = Cow::Owned(format!("relayed to {url}: the app answered {s}{why}"));
                let mut resp = hyper::Response::new(Full::new(outcome.response_body.clone()));
                *resp.status_mut() =
                    hyper::StatusCode::from_u16(s).unwrap_or(hyper::StatusCode::BAD_GATEWAY);
                if let Some((_, ct)) = outcome
                    .response_headers
                    .iter()
                    .find(|(n, _)| n == "content-type")
                {
                    if let Ok(v) = hyper::header::HeaderValue::from_str(ct) {
                        resp.headers_mut().insert(hyper::header::CONTENT_TYPE, v);
                    }
                }
                resp
            }
            (None, _) => {
                let why = outcome.error.map(|e| e.detail).unwrap_or_default();
                self.answer(
                    rec,
                    502,
                    format!("the app at {url} cannot be reached: {why}"),
                )
            }
        }
    }

    /// Wait `--delay`, save the capture (a failed save turns the answer into 500 so the sender
    /// retries and nothing is lost), and hand the answer back.
    async fn finish(&self, resp: Response, rec: &mut Received) -> Response {
        if !self.config.delay.is_zero() {
            tokio::time::sleep(self.config.delay).await;
        }
        let Some(saver) = &self.saver else {
            return resp;
        };
        let capture = ToSave {
            received_at: rec.time,
            remote_addr: rec.remote,
            method: rec.method.clone(),
            path: rec.path.clone(),
            headers: rec.headers.clone(),
            // A body not read (over --max-body, or too slow): the capture says why.
            body: rec.body.clone().ok_or_else(|| rec.note.to_string()),
        };
        let name = saver::capture_name(rec.seq, rec.event.as_deref(), rec.payload_key.as_deref());
        match saver.save(name, capture).await {
            Ok(path) => {
                rec.saved_to = Some(path);
                resp
            }
            Err(e) => self.save_failed(rec, e.to_string()),
        }
    }

    fn save_failed(&self, rec: &mut Received, error: String) -> Response {
        rec.status = 500;
        rec.note = Cow::Owned(format!(
            "capture not saved ({error}); answered 500 so the sender retries"
        ));
        rec.save_error = Some(error);
        respond(500, "capture could not be saved")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What listen makes of a body: the judgement's scan (with the record-id fields), then
    /// listen's depth bound.
    fn inspect_json(
        body: &[u8],
        fields: &'static [&'static str],
    ) -> Result<Option<String>, String> {
        json_record(crate::json::scan(body, fields, None).ok(), body)
    }

    #[test]
    fn record_ids_and_json_checks() {
        let body = br#"{"x":{"uid":"no"},"order_id":"9","k_business":5,"uid":[1]}"#;
        assert_eq!(
            inspect_json(body, Family::Purchase.record_id_fields()),
            Ok(Some("9".into()))
        );
        assert_eq!(
            inspect_json(body, Family::Business.record_id_fields()),
            Ok(Some("5".into()))
        );
        assert_eq!(
            inspect_json(body, Family::Client.record_id_fields()),
            Ok(None)
        );
        assert_eq!(
            inspect_json(br#"{"uid":"\u0041"}"#, &["uid"]),
            Ok(Some("A".into()))
        );
        assert_eq!(inspect_json(b"[1, 2]", &["uid"]), Ok(None));
        assert_eq!(inspect_json(b" 3 ", &["uid"]), Ok(None));
        for bad in [&b"{"[..], b"{}x", b"", b"{\"a\":}", b"nul"] {
            assert!(
                inspect_json(bad, &["uid"]).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
        assert!(inspect_json(deep.as_bytes(), &[])
            .unwrap_err()
            .contains("deeper"));
        let ok = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(inspect_json(ok.as_bytes(), &[]).is_ok());
        // Brackets inside strings do not count.
        let quoted = format!("[\"{}\"]", "[".repeat(500));
        assert!(inspect_json(quoted.as_bytes(), &[]).is_ok(), "{quoted}");
        // Every string is checked, not just the keys.
        assert!(inspect_json(b"{\"a\":\"\xff\"}", &[]).is_err());
    }

    fn pinned() -> DateTime<Utc> {
        "2030-05-06T07:08:09.123Z".parse().unwrap()
    }

    /// Requests and refusals are stamped by the clock the config gives, not the system's.
    #[tokio::test]
    async fn time_comes_from_the_injected_clock() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (tx, mut rx) = mpsc::channel(8);
        let receiver = Arc::new(
            Receiver::new(
                ReceiverConfig {
                    keys: Vec::new(),
                    verify: false,
                    strict: false,
                    fidelity: Default::default(),
                    status: 200,
                    max_body: 1024,
                    body_timeout: Duration::from_secs(5),
                    fail_first: 0,
                    fail_rate: 0.0,
                    fail: FailWith::default(),
                    events: None,
                    seed: None,
                    delay: Duration::ZERO,
                    save_dir: None,
                    forward: None,
                    now: pinned,
                },
                tx,
            )
            .unwrap(),
        );
        let listener = crate::server::bind("127.0.0.1", 0).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stop_rx) = tokio::sync::watch::channel(false);
        let for_errors = receiver.clone();
        let server = tokio::spawn(crate::server::serve(
            listener,
            crate::server::Limits::default(),
            move |req, remote| receiver.clone().handle(req, remote),
            move |remote, err| for_errors.rejected(remote, err),
            stop_rx,
        ));
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(b"POST / HTTP/1.1\r\nhost: x\r\nconnection: close\r\nx-generated-at: 2030-05-06T07:08:04.123Z\r\ncontent-length: 2\r\n\r\n{}")
            .await
            .unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        let Some(Event::Request(r)) = rx.recv().await else {
            panic!("no request reported")
        };
        assert_eq!(r.time, pinned());
        assert_eq!((r.time - r.generated_at.unwrap()).num_seconds(), 5);
        let mut bad = tokio::net::TcpStream::connect(addr).await.unwrap();
        bad.write_all(b"NOT HTTP\r\n\r\n").await.unwrap();
        let Some(Event::Rejected(r)) = rx.recv().await else {
            panic!("no refusal reported")
        };
        assert_eq!(r.time, pinned());
        stop.send(true).unwrap();
        assert!(server.await.unwrap());
    }
}
