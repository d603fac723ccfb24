//! Re-delivering captured requests the way WL's retry engine would: each capture is sent on a
//! schedule of attempts on a simulated clock (only `x-sent-at` changes between attempts) until
//! one is accepted, then optionally sent again as exact duplicates. No printing: every step is
//! an [`Event`] for an [`Observer`], which also does the waiting.

use std::future::Future;
use std::time::{Duration, Instant};

use bytes::Bytes;
use chrono::{DateTime, Utc};

use crate::capture::source::Input;
use crate::capture::{HeaderBytes, Request};
use crate::delivery::{self, ClientOptions, Outcome};
use crate::protocol::{self, header, timestamp, Secret};
use crate::schedule::{PlannedAttempt, Schedule};

/// One capture ready to replay.
#[derive(Debug, Clone)]
pub struct Item {
    pub name: String,
    pub event: String,
    /// The header pairs to send, a value that is not UTF-8 as its lossy text (for showing).
    pub headers: Vec<(String, String)>,
    /// The exact bytes of the values that are not UTF-8, by index in `headers`: what is sent.
    pub header_bytes: HeaderBytes,
    pub body: Body,
    pub generated_at: Option<DateTime<Utc>>,
}

/// Where a capture's body is while the replay waits for its turn.
#[derive(Debug, Clone)]
pub enum Body {
    /// In memory (stdin, which cannot be read twice).
    Bytes(Bytes),
    /// Read again from its input when its turn comes, so that a replay holds one body at a
    /// time; the SHA-256 it had when it was checked, which it must still have.
    Reread { input: Input, sha256: [u8; 32] },
}

impl Item {
    /// An item of `req`, as it will be re-delivered: connection headers dropped, names
    /// lower-cased, values exactly as captured (bytes that are not UTF-8 included); with
    /// `resign`, its signature made again with that key, spelt as the fidelity models it.
    /// Fails on a header a client cannot send.
    pub fn new(
        name: String,
        req: Request,
        resign: Option<(&Secret, &protocol::Fidelity)>,
    ) -> anyhow::Result<Item> {
        if !req.method.eq_ignore_ascii_case("POST") {
            anyhow::bail!(
                "a {} request, not a delivery: WL sends POST, and replay only POSTs",
                crate::output::sanitize::sanitize(&req.method)
            );
        }
        let exact = &req.header_bytes;
        // (name, text, exact bytes when they are not the text's)
        let mut kept: Vec<(String, String, Option<&[u8]>)> = req
            .headers
            .iter()
            .enumerate()
            .filter(|(_, (n, _))| {
                !protocol::NOT_RELAYED
                    .iter()
                    .any(|h| n.eq_ignore_ascii_case(h))
            })
            .map(|(i, (n, v))| (n.to_ascii_lowercase(), v.clone(), exact.get(i)))
            .collect();
        if let Some((key, fidelity)) = resign {
            let sig = fidelity.signature(key, &req.body);
            protocol::set_first(
                &mut kept,
                |(n, _, _)| n == header::SIGNATURE,
                |(_, v, bytes)| (*v, *bytes) = (sig.clone(), None),
                || (header::SIGNATURE.to_string(), sig.clone(), None),
            );
        }
        for (n, v, _) in &kept {
            protocol::check_header_value(n, v)?;
        }
        let header_bytes = HeaderBytes::from_indexed(
            kept.iter()
                .enumerate()
                .filter_map(|(i, (_, _, b))| b.map(|b| (i, b.to_vec())))
                .collect(),
        );
        let headers: Vec<(String, String)> = kept.into_iter().map(|(n, v, _)| (n, v)).collect();
        let event = protocol::header_value(&headers, header::TOPIC)
            .unwrap_or("(no x-topic)")
            .to_string();
        let generated_at = protocol::header_value(&headers, header::GENERATED_AT)
            .and_then(|v| timestamp::parse(v).ok())
            .map(|(t, _)| t);
        let item = Item {
            name,
            event,
            headers,
            header_bytes,
            body: Body::Bytes(req.body),
            generated_at,
        };
        item.header_map()?;
        Ok(item)
    }

    /// The headers to send, each value exactly as captured.
    pub fn header_map(&self) -> anyhow::Result<reqwest::header::HeaderMap> {
        delivery::header_map_exact(self.header_bytes.pairs(&self.headers))
    }

    /// Let go of the body, to read it again from `input` when its turn comes.
    pub fn read_later(&mut self, input: Input) {
        if let Body::Bytes(b) = &self.body {
            use sha2::Digest;
            let sha256 = sha2::Sha256::digest(b).into();
            self.body = Body::Reread { input, sha256 };
        }
    }

    /// The body to deliver: the one in memory, or the input's read again, refused when it is
    /// no longer the body that was checked.
    pub fn load_body(&self) -> anyhow::Result<Bytes> {
        match &self.body {
            Body::Bytes(b) => Ok(b.clone()),
            Body::Reread { input, sha256 } => {
                use sha2::Digest;
                let changed = |why: &str| {
                    crate::exit::input_error(format!(
                        "{}: {why} since the replay began; run it again",
                        self.name
                    ))
                };
                let bytes = input.read().map_err(|_| changed("cannot be read"))?;
                let req = crate::capture::parse_bytes(&self.name, &bytes.into())
                    .map_err(|_| changed("no longer reads as a capture"))?;
                if sha2::Sha256::digest(&req.body).as_slice() != sha256 {
                    return Err(changed("its body changed"));
                }
                Ok(req.body)
            }
        }
    }
}

/// Everything a replay needs, checked.
#[derive(Debug, Clone)]
pub struct Plan {
    pub url: reqwest::Url,
    pub schedule: Schedule,
    pub attempts: Vec<PlannedAttempt>,
    /// The simulated time of the first attempt.
    pub start: DateTime<Utc>,
    /// Real seconds per simulated second; `None` is no waiting.
    pub speed: Option<f64>,
    /// Exact copies sent after the delivery succeeded.
    pub duplicates: u32,
    /// The captures were re-signed with the key in use (`--resign`).
    pub resigned: bool,
    pub timeout: Duration,
    pub items: Vec<Item>,
    /// Extra trust and headers (`--cacert`, `--insecure`, `-H`).
    pub connect: delivery::Connect,
    /// How `x-sent-at` is written (WL's timestamp format is modelled).
    pub timestamp: protocol::TimestampFormat,
}

/// What happened to one capture.
#[derive(Debug, Clone, Default)]
pub struct CaptureResult {
    /// The attempt that was accepted, and its offset from the first.
    pub delivered_on: Option<(u32, Duration)>,
    pub attempts: u32,
    /// Whether any attempt reached the endpoint.
    pub reached: bool,
    /// Attempts answered 401 or 403.
    pub refusals: u32,
    /// How each duplicate copy was answered.
    pub duplicates: Vec<Outcome>,
    pub duplicates_failed: u32,
}

impl CaptureResult {
    /// Why a capture that gave up did, when the answers point at one cause.
    pub fn explanation(&self, resigned: bool) -> Option<String> {
        if self.delivered_on.is_some() || self.refusals == 0 || self.refusals < self.attempts {
            return None;
        }
        Some(if resigned {
            format!(
                "every attempt was refused with 401/403 although re-signed: {}",
                crate::delivery::REFUSED_SIGNED
            )
        } else {
            "every attempt was refused with 401/403: if the capture was signed with another key than the receiver's, re-sign it with --resign --secret KEY".into()
        })
    }
}

/// What a whole replay gave.
#[derive(Debug, Clone, Default)]
pub struct Totals {
    pub captures: usize,
    pub delivered: u32,
    pub gave_up: u32,
    pub duplicates_not_acknowledged: u32,
    pub reached_any: bool,
    pub elapsed: Duration,
}

/// One step of a replay, in the order it happens.
pub enum Event<'a> {
    /// The replay of a capture begins.
    Capture { item: &'a Item },
    Attempt {
        item: &'a Item,
        planned: &'a PlannedAttempt,
        sent_at: &'a str,
        outcome: &'a Outcome,
    },
    Duplicate {
        item: &'a Item,
        copy: u32,
        outcome: &'a Outcome,
    },
    /// The replay of a capture ended.
    Done {
        item: &'a Item,
        result: &'a CaptureResult,
    },
}

/// Whoever shows a replay; it also waits between attempts, so a view can show progress and a
/// test can wait on a clock of its own.
pub trait Observer {
    fn event(&mut self, e: Event<'_>) -> std::io::Result<()>;

    /// Wait `real` time before `planned`.
    fn wait(&mut self, planned: &PlannedAttempt, real: Duration) -> impl Future<Output = ()> {
        let _ = planned;
        tokio::time::sleep(real)
    }
}

/// Replay every capture of the plan.
pub async fn run(plan: &Plan, observer: &mut impl Observer) -> anyhow::Result<Totals> {
    let (totals, stopped) = run_counted(plan, observer).await;
    stopped.map(|()| totals)
}

/// [`run`], with the totals of what was done also when a capture stops the replay (one that
/// changed or went since it was checked): a summary can still say so.
pub async fn run_counted(
    plan: &Plan,
    observer: &mut impl Observer,
) -> (Totals, anyhow::Result<()>) {
    let started = Instant::now();
    let mut totals = Totals {
        captures: plan.items.len(),
        ..Totals::default()
    };
    let client = match delivery::build_client(&ClientOptions {
        timeout: plan.timeout,
        max_idle_per_host: 0,
        urls: vec![plan.url.clone()],
        connect: plan.connect.clone(),
    }) {
        Ok(client) => client,
        Err(e) => return (totals, Err(e)),
    };
    let mut stopped = Ok(());
    for item in &plan.items {
        let r = match replay_one(plan, &client, item, observer).await {
            Ok(r) => r,
            Err(e) => {
                stopped = Err(e);
                break;
            }
        };
        totals.reached_any |= r.reached;
        if r.delivered_on.is_some() {
            totals.delivered += 1;
        } else {
            totals.gave_up += 1;
        }
        totals.duplicates_not_acknowledged += r.duplicates_failed;
    }
    totals.elapsed = started.elapsed();
    (totals, stopped)
}

async fn attempt(
    plan: &Plan,
    client: &reqwest::Client,
    item: &Item,
    body: &Bytes,
    sent_at: &str,
) -> anyhow::Result<Outcome> {
    // As protocol::set_header on the pairs: the map keeps the header's place.
    let mut map = item.header_map()?;
    map.insert(
        header::SENT_AT,
        reqwest::header::HeaderValue::from_str(sent_at)?,
    );
    Ok(delivery::deliver(client, &plan.url, map, body.clone(), plan.timeout).await)
}

async fn replay_one(
    plan: &Plan,
    client: &reqwest::Client,
    item: &Item,
    observer: &mut impl Observer,
) -> anyhow::Result<CaptureResult> {
    let mut result = CaptureResult::default();
    // Held until this capture is done: one body in memory at a time.
    let body = item.load_body()?;
    observer.event(Event::Capture { item })?;
    let mut last_sent_at = String::new();
    for planned in &plan.attempts {
        if planned.number > 1 {
            if let Some(real) = real_wait(plan.speed, planned.delay) {
                observer.wait(planned, real).await;
            }
        }
        let sim = plan.start + chrono::Duration::from_std(planned.offset).unwrap_or_default();
        let sent_at = plan.timestamp.format(sim);
        let outcome = attempt(plan, client, item, &body, &sent_at).await?;
        result.attempts = planned.number;
        result.reached |= outcome.reached();
        result.refusals += u32::from(matches!(outcome.status, Some(401 | 403)));
        observer.event(Event::Attempt {
            item,
            planned,
            sent_at: &sent_at,
            outcome: &outcome,
        })?;
        last_sent_at = sent_at;
        if outcome.accepted() {
            result.delivered_on = Some((planned.number, planned.offset));
            break;
        }
    }
    // Identical copies after success, as a duplicate delivery would be.
    if result.delivered_on.is_some() {
        for copy in 1..=plan.duplicates {
            let outcome = attempt(plan, client, item, &body, &last_sent_at).await?;
            if !outcome.accepted() {
                result.duplicates_failed += 1;
            }
            observer.event(Event::Duplicate {
                item,
                copy,
                outcome: &outcome,
            })?;
            result.duplicates.push(outcome);
        }
    }
    observer.event(Event::Done {
        item,
        result: &result,
    })?;
    Ok(result)
}

/// The real time to wait for a simulated `delay` at `speed`; `None` when nothing waits.
pub fn real_wait(speed: Option<f64>, delay: Duration) -> Option<Duration> {
    let real = Duration::try_from_secs_f64(delay.as_secs_f64() / speed?).ok()?;
    (!real.is_zero()).then_some(real)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_wait_is_the_simulated_delay_over_the_speed() {
        let min = Duration::from_secs(60);
        assert_eq!(real_wait(None, min), None);
        assert_eq!(real_wait(Some(60.0), min), Some(Duration::from_secs(1)));
        assert_eq!(
            real_wait(Some(3600.0), Duration::from_secs(7200)),
            Some(Duration::from_secs(2))
        );
        assert_eq!(real_wait(Some(1.0), Duration::ZERO), None);
    }

    #[test]
    fn items_drop_connection_headers_and_can_be_resigned() {
        let req = Request {
            method: "POST".into(),
            path: "/h".into(),
            headers: vec![
                ("Host".into(), "example".into()),
                ("Content-Length".into(), "2".into()),
                ("X-Topic".into(), "client.created".into()),
                ("x-signature-256".into(), "00".into()),
            ],
            header_bytes: HeaderBytes::default(),
            body: Bytes::from_static(b"{}"),
            body_form: crate::capture::BodyForm::Exact,
            body_omitted: None,
            received_at: None,
        };
        let plain = Item::new("a".into(), req.clone(), None).expect("valid headers");
        assert_eq!(plain.event, "client.created");
        let names: Vec<&str> = plain.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["x-topic", "x-signature-256"]);
        let key = Secret::new(b"k".to_vec()).expect("non-empty");
        let fidelity = protocol::Fidelity::default();
        let signed = Item::new("a".into(), req, Some((&key, &fidelity))).expect("valid headers");
        let sig = protocol::header_value(&signed.headers, header::SIGNATURE);
        assert_eq!(sig, Some(protocol::sign(&key, b"{}").as_str()));
    }

    /// Exact bytes follow their header through the dropped connection headers and a re-sign,
    /// which replaces a signature that was not UTF-8 and drops a second one.
    #[test]
    fn items_keep_header_bytes_in_place() {
        let exact: [(&str, &[u8]); 6] = [
            ("Host", b"example"),
            ("x-signature-256", b"\xff00"),
            ("x-a", b"caf\xe9"),
            ("Connection", b"close"),
            ("x-signature-256", b"\xfe11"),
            ("x-b", b"\x80"),
        ];
        let (headers, header_bytes) = HeaderBytes::split(exact);
        let req = Request {
            method: "POST".into(),
            path: "/".into(),
            headers,
            header_bytes,
            body: Bytes::from_static(b"{}"),
            body_form: crate::capture::BodyForm::Exact,
            body_omitted: None,
            received_at: None,
        };
        let sent = |item: &Item| -> Vec<(String, Vec<u8>)> {
            item.header_map()
                .unwrap()
                .iter()
                .map(|(n, v)| (n.to_string(), v.as_bytes().to_vec()))
                .collect()
        };
        let owned = |pairs: &[(&str, &[u8])]| -> Vec<(String, Vec<u8>)> {
            pairs
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_vec()))
                .collect()
        };
        let plain = Item::new("a".into(), req.clone(), None).unwrap();
        assert_eq!(
            sent(&plain),
            owned(&[
                ("x-signature-256", b"\xff00"),
                ("x-signature-256", b"\xfe11"),
                ("x-a", b"caf\xe9"),
                ("x-b", b"\x80"),
            ])
        );
        let key = Secret::new(b"k".to_vec()).expect("non-empty");
        let signed = Item::new("a".into(), req, Some((&key, &Default::default()))).unwrap();
        let sig = protocol::sign(&key, b"{}");
        assert_eq!(
            sent(&signed),
            owned(&[
                ("x-signature-256", sig.as_bytes()),
                ("x-a", b"caf\xe9"),
                ("x-b", b"\x80"),
            ])
        );
    }
}
