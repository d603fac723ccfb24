//! What a WL receiver does with one request: read the body within limits, verify it, notice
//! duplicates and stale events, misbehave on purpose when asked, record it, forward it, and
//! decide the answer. Each request becomes a [`Received`] for whoever shows or counts them.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use chrono::{DateTime, Utc};
use http_body_util::{BodyExt, Full, Limited};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;
use tokio::sync::mpsc;

use crate::capture::Capture;
use crate::protocol::{self, header, signature, timestamp, topics, Family, Secret, SignatureError};

/// Where to relay deliveries to (`--forward-to`).
#[derive(Debug, Clone)]
pub struct Forward {
    pub client: reqwest::Client,
    pub url: reqwest::Url,
    pub timeout: Duration,
}

/// How the receiver answers.
#[derive(Debug, Clone)]
pub struct ReceiverConfig {
    /// The key to verify with; `None` turns checking off (`--no-verify`).
    pub key: Option<Secret>,
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
    /// Wait this long before every answer.
    pub delay: Duration,
    pub save_dir: Option<PathBuf>,
    pub forward: Option<Forward>,
}

/// The signature verdict of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigVerdict {
    Valid {
        deviations: Vec<signature::Deviation>,
    },
    Invalid(SignatureError),
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

/// A newer event already seen for the same record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    pub record_id: String,
    pub newer_seq: u64,
    pub newer_generated_at: DateTime<Utc>,
}

/// What the app behind `--forward-to` said.
#[derive(Debug, Clone)]
pub struct Forwarded {
    pub status: Option<u16>,
    pub error: Option<String>,
    pub latency: Duration,
}

/// One request and everything the receiver concluded about it.
#[derive(Debug, Clone)]
pub struct Received {
    pub seq: u64,
    pub time: DateTime<Utc>,
    pub remote: SocketAddr,
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    /// The exact body, when it was read (not for a 413).
    pub body: Option<Bytes>,
    /// The body parsed as JSON, when it is JSON.
    pub json: Option<Value>,
    pub event: Option<String>,
    pub family: Option<Family>,
    pub signature: SigVerdict,
    /// `x-payload-key` as sent.
    pub payload_key: Option<String>,
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
    pub note: String,
    pub saved_to: Option<PathBuf>,
    pub save_error: Option<String>,
    pub forwarded: Option<Forwarded>,
    /// How long the receiver took to answer (including `--delay`).
    pub handled_in: Duration,
}

impl Received {
    /// A POST: counts towards `--count`.
    pub fn is_delivery(&self) -> bool {
        self.method == "POST"
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

    pub fn record(&mut self, r: &Received) {
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
        *self.by_status.entry(r.status).or_default() += 1;
        if r.is_delivery() && r.signature.trusted() && r.json.is_some() {
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
    /// Payload key (SHA-256 of the body) -> first seq that carried it.
    seen: HashMap<String, u64>,
    /// Attempts per payload key, for --fail-first.
    attempts: HashMap<String, u32>,
    /// (family, record id) -> newest x-generated-at seen and its seq.
    records: HashMap<(Family, String), (DateTime<Utc>, u64)>,
    rng: Option<StdRng>,
}

/// The receiver: shared by every connection.
pub struct Receiver {
    config: ReceiverConfig,
    seq: AtomicU64,
    state: Mutex<State>,
    events: mpsc::Sender<Received>,
}

type Response = hyper::Response<Full<Bytes>>;

fn respond(status: u16, body: &str) -> Response {
    let mut resp = hyper::Response::new(Full::new(Bytes::from(body.to_string())));
    *resp.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    resp.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    resp
}

/// Hop-by-hop headers, which a relay must not pass on.
const HOP_BY_HOP: [&str; 9] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
];

impl Receiver {
    pub fn new(config: ReceiverConfig, events: mpsc::Sender<Received>) -> Receiver {
        let rng = (config.fail_rate > 0.0).then(|| match config.seed {
            Some(s) => StdRng::seed_from_u64(s),
            None => StdRng::from_os_rng(),
        });
        Receiver {
            config,
            seq: AtomicU64::new(0),
            state: Mutex::new(State {
                rng,
                ..State::default()
            }),
            events,
        }
    }

    /// Handle one request; never fails: every problem becomes an answer and a [`Received`].
    pub async fn handle(
        self: Arc<Self>,
        req: hyper::Request<hyper::body::Incoming>,
        remote: SocketAddr,
    ) -> Response {
        let started = Instant::now();
        let seq = self.seq.fetch_add(1, Ordering::Relaxed) + 1;
        let time = Utc::now();
        let method = req.method().to_string();
        let path = req
            .uri()
            .path_and_query()
            .map_or_else(|| req.uri().to_string(), |p| p.to_string());
        let headers: Vec<(String, String)> = req
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut rec = Received {
            seq,
            time,
            remote,
            method,
            path,
            event: protocol::header_value(&headers, header::TOPIC).map(str::to_string),
            family: None,
            payload_key: protocol::header_value(&headers, header::PAYLOAD_KEY).map(str::to_string),
            generated_at: protocol::header_value(&headers, header::GENERATED_AT)
                .and_then(|v| timestamp::parse(v).ok())
                .map(|(t, _)| t),
            sent_at: protocol::header_value(&headers, header::SENT_AT)
                .and_then(|v| timestamp::parse(v).ok())
                .map(|(t, _)| t),
            headers,
            body: None,
            json: None,
            signature: SigVerdict::Unchecked,
            payload_key_ok: None,
            duplicate_of: None,
            stale: None,
            record_id: None,
            status: 0,
            note: String::new(),
            saved_to: None,
            save_error: None,
            forwarded: None,
            handled_in: Duration::ZERO,
        };
        rec.family = rec
            .event
            .as_deref()
            .and_then(topics::event)
            .map(|e| e.family);

        let resp = self.decide(req, &mut rec).await;
        let resp = self.finish(resp, &mut rec).await;
        rec.handled_in = started.elapsed();
        // The observer applies backpressure; if it is gone the server is stopping anyway.
        let _ = self.events.send(rec).await;
        resp
    }

    /// Read, check and answer; fills in `rec`.
    async fn decide(
        &self,
        req: hyper::Request<hyper::body::Incoming>,
        rec: &mut Received,
    ) -> Response {
        let cfg = &self.config;
        let declared = req
            .headers()
            .get(hyper::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > cfg.max_body as u64) {
            // Refused at once, without waiting for bytes that will not be read.
            return self.answer(
                rec,
                413,
                format!(
                    "body of {} bytes is over --max-body ({} bytes)",
                    declared.unwrap_or(0),
                    cfg.max_body
                ),
            );
        }
        let read = tokio::time::timeout(
            cfg.body_timeout,
            Limited::new(req.into_body(), cfg.max_body).collect(),
        )
        .await;
        let body = match read {
            Err(_) => {
                return self.answer(
                    rec,
                    408,
                    format!(
                        "body not received within {}",
                        crate::duration::human(cfg.body_timeout)
                    ),
                )
            }
            Ok(Err(e)) => {
                if e.downcast_ref::<http_body_util::LengthLimitError>()
                    .is_some()
                {
                    return self.answer(
                        rec,
                        413,
                        format!("body is over --max-body ({} bytes)", cfg.max_body),
                    );
                }
                return self.answer(rec, 400, format!("body could not be read: {e}"));
            }
            Ok(Ok(collected)) => collected.to_bytes(),
        };
        rec.body = Some(body.clone());
        let computed_key = protocol::payload_key(&body);
        rec.payload_key_ok = rec
            .payload_key
            .as_ref()
            .map(|k| k.eq_ignore_ascii_case(&computed_key));

        if rec.method != "POST" {
            return self.answer(
                rec,
                405,
                format!("method {} not allowed; WL sends POST", rec.method),
            );
        }

        rec.signature = match (
            &cfg.key,
            protocol::header_value(&rec.headers, header::SIGNATURE),
        ) {
            (None, _) => SigVerdict::Unchecked,
            (Some(_), None) => SigVerdict::Missing,
            (Some(key), Some(sig)) => match protocol::verify(std::slice::from_ref(key), &body, sig)
            {
                Ok(v) => SigVerdict::Valid {
                    deviations: v.deviations,
                },
                Err(e) => SigVerdict::Invalid(e),
            },
        };
        match &rec.signature {
            SigVerdict::Missing => {
                return self.answer(rec, 401, "no x-signature-256 header".into())
            }
            SigVerdict::Invalid(e) => {
                return self.answer(rec, 401, format!("invalid signature: {e}"))
            }
            _ => {}
        }

        match serde_json::from_slice::<Value>(&body) {
            Ok(v) => rec.json = Some(v),
            Err(e) => {
                let why = if std::str::from_utf8(&body).is_err() {
                    "not UTF-8".to_string()
                } else {
                    e.to_string()
                };
                return self.answer(rec, 400, format!("body is not JSON: {why}"));
            }
        }
        rec.record_id = record_id(rec.family, rec.json.as_ref());

        let misbehave = {
            let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
            match st.seen.get(&computed_key) {
                Some(first) => rec.duplicate_of = Some(*first),
                None => {
                    st.seen.insert(computed_key.clone(), rec.seq);
                }
            }
            if let (Some(family), Some(id), Some(gen)) =
                (rec.family, rec.record_id.clone(), rec.generated_at)
            {
                let slot = st
                    .records
                    .entry((family, id.clone()))
                    .or_insert((gen, rec.seq));
                if gen < slot.0 {
                    rec.stale = Some(Stale {
                        record_id: id,
                        newer_seq: slot.1,
                        newer_generated_at: slot.0,
                    });
                } else if gen > slot.0 {
                    *slot = (gen, rec.seq);
                }
            }
            let attempt = {
                let n = st.attempts.entry(computed_key).or_insert(0);
                *n += 1;
                *n
            };
            if attempt <= cfg.fail_first {
                Some(format!(
                    "--fail-first: attempt {attempt} of {} answered 500",
                    cfg.fail_first
                ))
            } else if let Some(rng) = st.rng.as_mut() {
                (rng.random::<f64>() < cfg.fail_rate)
                    .then(|| format!("--fail-rate {}: answered 500", cfg.fail_rate))
            } else {
                None
            }
        };
        if let Some(note) = misbehave {
            return self.answer(rec, 500, note);
        }

        if let Some(fwd) = &cfg.forward {
            return self.forward(fwd, rec, body).await;
        }
        let note = match &rec.signature {
            SigVerdict::Valid { deviations } if !deviations.is_empty() => {
                let d: Vec<String> = deviations.iter().map(ToString::to_string).collect();
                format!("valid, but the signature {}", d.join(" and "))
            }
            SigVerdict::Unchecked => "signature not checked (--no-verify)".into(),
            _ => "valid delivery".into(),
        };
        self.answer(rec, cfg.status, note)
    }

    fn answer(&self, rec: &mut Received, status: u16, note: String) -> Response {
        rec.status = status;
        let resp = respond(status, &format!("{note}\n"));
        rec.note = note;
        resp
    }

    async fn forward(&self, fwd: &Forward, rec: &mut Received, body: Bytes) -> Response {
        let relayed: Vec<(String, String)> = rec
            .headers
            .iter()
            .filter(|(n, _)| !HOP_BY_HOP.contains(&n.as_str()) && n != "content-length")
            .cloned()
            .collect();
        let started = Instant::now();
        let map = match crate::delivery::header_map(&relayed) {
            Ok(m) => m,
            Err(e) => return self.answer(rec, 502, format!("cannot relay the headers: {e}")),
        };
        let outcome = crate::delivery::deliver(&fwd.client, &fwd.url, map, body, fwd.timeout).await;
        let status = outcome.status;
        rec.forwarded = Some(Forwarded {
            status,
            error: outcome.error.as_ref().map(|e| e.detail.clone()),
            latency: started.elapsed(),
        });
        match status {
            Some(s) => {
                rec.status = s;
                rec.note = format!("relayed to {}: the app answered {s}", fwd.url);
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
            None => {
                let why = outcome.error.map(|e| e.detail).unwrap_or_default();
                self.answer(
                    rec,
                    502,
                    format!("the app at {} cannot be reached: {why}", fwd.url),
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
        let (Some(dir), Some(body)) = (&self.config.save_dir, &rec.body) else {
            return resp;
        };
        let mut capture = Capture::new(&rec.method, &rec.path, rec.headers.clone(), body);
        capture.received_at = Some(timestamp::format(rec.time));
        capture.remote_addr = Some(rec.remote.to_string());
        let name = capture_name(rec.seq, rec.event.as_deref(), &protocol::payload_key(body));
        let dir = dir.clone();
        let saved = tokio::task::spawn_blocking(move || save_capture(&dir, &name, &capture)).await;
        match saved {
            Ok(Ok(path)) => {
                rec.saved_to = Some(path);
                resp
            }
            Ok(Err(e)) => {
                rec.save_error = Some(e.to_string());
                rec.status = 500;
                rec.note = format!("capture not saved ({e}); answered 500 so the sender retries");
                respond(500, "capture could not be saved\n")
            }
            Err(e) => {
                rec.save_error = Some(e.to_string());
                rec.status = 500;
                respond(500, "capture could not be saved\n")
            }
        }
    }
}

/// The record id of a body: the family's id field, as text.
fn record_id(family: Option<Family>, body: Option<&Value>) -> Option<String> {
    let (family, body) = (family?, body?);
    family
        .record_id_fields()
        .iter()
        .find_map(|f| match body.get(*f)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
}

/// `<seq>-<event>-<key8>.json`, with the event reduced to safe file-name characters.
pub fn capture_name(seq: u64, event: Option<&str>, payload_key: &str) -> String {
    let event: String = event
        .unwrap_or("unknown")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    let event = if event.is_empty() || event.starts_with('.') {
        format!("x{event}")
    } else {
        event
    };
    format!(
        "{seq:06}-{event}-{}.json",
        &payload_key[..8.min(payload_key.len())]
    )
}

/// Write a capture atomically (temporary file, then a link that refuses to replace), never
/// overwriting: a name already taken gets `-2`, `-3`, ...
pub fn save_capture(dir: &Path, name: &str, capture: &Capture) -> std::io::Result<PathBuf> {
    let mut bytes = serde_json::to_vec_pretty(capture).map_err(std::io::Error::other)?;
    bytes.push(b'\n');
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, &bytes)?;
    let stem = name.trim_end_matches(".json");
    let mut result = Err(std::io::Error::other("no free name"));
    for n in 1..1000 {
        let target = if n == 1 {
            dir.join(name)
        } else {
            dir.join(format!("{stem}-{n}.json"))
        };
        match std::fs::hard_link(&tmp, &target) {
            Ok(()) => {
                result = Ok(target);
                break;
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                result = Err(e);
                break;
            }
        }
    }
    let _ = std::fs::remove_file(&tmp);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_names_are_safe() {
        let key = "0123456789abcdef";
        assert_eq!(
            capture_name(3, Some("purchase.created"), key),
            "000003-purchase.created-01234567.json"
        );
        assert_eq!(capture_name(4, None, key), "000004-unknown-01234567.json");
        assert_eq!(
            capture_name(5, Some("../../etc/passwd"), key),
            "000005-x.._.._etc_passwd-01234567.json"
        );
        assert_eq!(
            capture_name(6, Some("a\x1b[2Jb"), key),
            "000006-a__2jb-01234567.json"
        );
    }

    #[test]
    fn saving_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let c = Capture::new("POST", "/", vec![], b"{}");
        let a = save_capture(dir.path(), "000001-x-1.json", &c).unwrap();
        let b = save_capture(dir.path(), "000001-x-1.json", &c).unwrap();
        assert_ne!(a, b);
        assert!(b.ends_with("000001-x-1-2.json"));
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "no temporary file left: {names:?}");
    }

    #[test]
    fn record_ids() {
        let body = serde_json::json!({"order_id": "9", "k_business": 5});
        assert_eq!(
            record_id(Some(Family::Purchase), Some(&body)).as_deref(),
            Some("9")
        );
        assert_eq!(
            record_id(Some(Family::Business), Some(&body)).as_deref(),
            Some("5")
        );
        assert_eq!(record_id(Some(Family::Client), Some(&body)), None);
    }
}
