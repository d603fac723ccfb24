//! The conformance suite `check` runs against a receiver: each scenario delivers what WL (or an
//! attacker) would send and judges the answers by WL's rules. No printing here.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::delivery::{self, Outcome};
use crate::fixture::{FixtureSet, Renderer};
use crate::protocol::{self, header, Secret};

/// The scenarios in the order they run.
pub const SCENARIOS: [&str; 11] = [
    "accepts",
    "rejects-forged",
    "rejects-tampered",
    "rejects-unsigned",
    "idempotent-duplicate",
    "out-of-order",
    "late-retry",
    "responds-in-time",
    "burst",
    "large-payload",
    "unknown-topic",
];

/// An event WL does not send today, for `unknown-topic`.
pub const UNKNOWN_EVENT: &str = "membership.created";

/// Line items in the `large-payload` purchase.
pub const LARGE_ITEMS: usize = 400;

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

/// One scenario's result.
#[derive(Debug, Clone)]
pub struct ScenarioResult {
    pub name: &'static str,
    pub verdict: Verdict,
    pub reason: String,
    /// The slowest answer in the scenario.
    pub max_latency: Option<Duration>,
    pub deliveries: usize,
    /// Wall time of the scenario.
    pub elapsed: Duration,
}

/// What to run, against what.
pub struct Suite {
    pub client: reqwest::Client,
    pub url: reqwest::Url,
    pub key: Secret,
    pub timeout: Duration,
    pub burst: usize,
    /// Events for `accepts` (the first is used by the other scenarios).
    pub events: Vec<String>,
    pub only: Vec<String>,
    pub fixtures: FixtureSet,
    pub now: DateTime<Utc>,
}

/// A signed request ready to send.
#[derive(Clone)]
struct Prepared {
    headers: Vec<(String, String)>,
    body: Bytes,
}

impl Suite {
    fn render(
        &self,
        event: &str,
        generated_at: DateTime<Utc>,
        edit: impl FnOnce(&mut Value),
    ) -> anyhow::Result<Vec<u8>> {
        let fixture = self
            .fixtures
            .get(event)
            .or_else(|| self.fixtures.get("client.created"))
            .ok_or_else(|| anyhow::anyhow!("no fixture for {event}"))?;
        let mut value = fixture.value.clone();
        edit(&mut value);
        let mut renderer = Renderer::new(None, false, generated_at, Vec::new());
        Ok(renderer.render(event, &value)?.body)
    }

    fn sign(
        &self,
        event: &str,
        body: Vec<u8>,
        key: &Secret,
        generated_at: DateTime<Utc>,
    ) -> Prepared {
        let headers =
            protocol::build_headers(event, &body, key, generated_at, Utc::now().max(self.now));
        Prepared {
            headers,
            body: Bytes::from(body),
        }
    }

    async fn send(&self, p: &Prepared) -> anyhow::Result<Outcome> {
        let map = delivery::header_map(&p.headers)?;
        Ok(delivery::deliver(&self.client, &self.url, map, p.body.clone(), self.timeout).await)
    }

    fn selected(&self, name: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|o| o == name)
    }

    fn main_event(&self) -> &str {
        self.events.first().map_or("client.updated", String::as_str)
    }

    /// Run the selected scenarios in order. Returns `None` when the endpoint cannot be reached at
    /// all (the first delivery was refused).
    pub async fn run(&self) -> anyhow::Result<Option<Vec<ScenarioResult>>> {
        let mut results = Vec::new();
        let mut all_latencies: Vec<(Duration, bool)> = Vec::new();
        for name in SCENARIOS {
            if !self.selected(name) || name == "responds-in-time" {
                continue;
            }
            let started = std::time::Instant::now();
            let outcomes = self.scenario(name).await?;
            if results.is_empty()
                && !outcomes.is_empty()
                && outcomes.iter().all(|(_, o)| !o.reached())
            {
                return Ok(None);
            }
            let (verdict, reason) = judge(name, &outcomes, self);
            all_latencies.extend(outcomes.iter().map(|(_, o)| (o.latency, timed_out(o))));
            results.push(ScenarioResult {
                name,
                verdict,
                reason,
                max_latency: outcomes.iter().map(|(_, o)| o.latency).max(),
                deliveries: outcomes.len(),
                elapsed: started.elapsed(),
            });
        }
        if self.selected("responds-in-time") {
            // Judged over every answer of the run; alone, it sends one delivery of its own.
            if all_latencies.is_empty() {
                let started = std::time::Instant::now();
                let outcomes = self.scenario("accepts-one").await?;
                if outcomes.iter().all(|(_, o)| !o.reached()) {
                    return Ok(None);
                }
                all_latencies.extend(outcomes.iter().map(|(_, o)| (o.latency, timed_out(o))));
                results.push(in_time(&all_latencies, self.timeout, started.elapsed()));
            } else {
                results.push(in_time(&all_latencies, self.timeout, Duration::ZERO));
            }
            // Keep the catalogue order in the report.
            results.sort_by_key(|r| SCENARIOS.iter().position(|s| *s == r.name));
        }
        Ok(Some(results))
    }

    /// Deliver what the scenario sends; each outcome is tagged with what it was.
    async fn scenario(&self, name: &str) -> anyhow::Result<Vec<(String, Outcome)>> {
        let now = self.now.max(Utc::now());
        let event = self.main_event().to_string();
        let mut out = Vec::new();
        match name {
            "accepts" | "accepts-one" => {
                let events: Vec<String> = if name == "accepts" {
                    self.events.clone()
                } else {
                    vec![event]
                };
                for e in events {
                    let p = self.sign(&e, self.render(&e, now, |_| {})?, &self.key, now);
                    out.push((e, self.send(&p).await?));
                }
            }
            "rejects-forged" => {
                let other = Secret::new(b"wl-hook-forged-key".to_vec()).expect("non-empty");
                let p = self.sign(&event, self.render(&event, now, |_| {})?, &other, now);
                out.push(("signed with another key".into(), self.send(&p).await?));
            }
            "rejects-tampered" => {
                let mut p = self.sign(&event, self.render(&event, now, |_| {})?, &self.key, now);
                let mut body = p.body.to_vec();
                protocol::tamper(&mut body);
                p.body = Bytes::from(body);
                out.push(("body changed after signing".into(), self.send(&p).await?));
            }
            "rejects-unsigned" => {
                let mut p = self.sign(&event, self.render(&event, now, |_| {})?, &self.key, now);
                protocol::remove_header(&mut p.headers, header::SIGNATURE);
                out.push(("no x-signature-256".into(), self.send(&p).await?));
            }
            "idempotent-duplicate" => {
                let p = self.sign(&event, self.render(&event, now, |_| {})?, &self.key, now);
                out.push(("first copy".into(), self.send(&p).await?));
                out.push(("identical second copy".into(), self.send(&p).await?));
            }
            "out-of-order" => {
                let older_at = now - chrono::Duration::hours(1);
                let newer = self.sign(&event, self.render(&event, now, |_| {})?, &self.key, now);
                let older = self.sign(
                    &event,
                    self.render(&event, older_at, |_| {})?,
                    &self.key,
                    older_at,
                );
                out.push(("newer event".into(), self.send(&newer).await?));
                out.push((
                    "older event for the same record".into(),
                    self.send(&older).await?,
                ));
            }
            "late-retry" => {
                let generated = now - chrono::Duration::days(2);
                let p = self.sign(
                    &event,
                    self.render(&event, generated, |_| {})?,
                    &self.key,
                    generated,
                );
                let mut p = p;
                protocol::set_header(
                    &mut p.headers,
                    header::SENT_AT,
                    &protocol::timestamp::format(now),
                );
                out.push((
                    "generated two days ago, sent now".into(),
                    self.send(&p).await?,
                ));
            }
            "burst" => {
                let mut tasks = tokio::task::JoinSet::new();
                let suite_key = &self.key;
                for _ in 0..self.burst {
                    let p = Arc::new(self.sign(
                        &event,
                        self.render(&event, now, |_| {})?,
                        suite_key,
                        now,
                    ));
                    let (client, url, timeout) =
                        (self.client.clone(), self.url.clone(), self.timeout);
                    tasks.spawn(async move {
                        let map = delivery::header_map(&p.headers)?;
                        anyhow::Ok(
                            delivery::deliver(&client, &url, map, p.body.clone(), timeout).await,
                        )
                    });
                }
                while let Some(done) = tasks.join_next().await {
                    out.push(("burst delivery".into(), done??));
                }
            }
            "large-payload" => {
                let body = self.render("purchase.created", now, |v| {
                    if let Some(Value::Array(items)) = v.get_mut("purchase_items") {
                        let template = items.first().cloned().unwrap_or(Value::Null);
                        *items = (0..LARGE_ITEMS)
                            .map(|i| {
                                let mut item = template.clone();
                                if let Some(obj) = item.as_object_mut() {
                                    obj.insert(
                                        "k_purchase_item".into(),
                                        Value::from(900_000 + i as u64),
                                    );
                                }
                                item
                            })
                            .collect();
                    }
                })?;
                let p = self.sign("purchase.created", body, &self.key, now);
                out.push((
                    format!(
                        "purchase.created with {LARGE_ITEMS} line items ({} bytes)",
                        p.body.len()
                    ),
                    self.send(&p).await?,
                ));
            }
            "unknown-topic" => {
                let body = self.render("client.created", now, |v| {
                    if let Some(Value::Object(meta)) = v.get_mut("meta_data") {
                        meta.insert("topic".into(), Value::from(UNKNOWN_EVENT));
                        meta.insert("source".into(), Value::from("membership"));
                    }
                })?;
                let p = self.sign(UNKNOWN_EVENT, body, &self.key, now);
                out.push((UNKNOWN_EVENT.into(), self.send(&p).await?));
            }
            _ => {}
        }
        Ok(out)
    }
}

fn timed_out(o: &Outcome) -> bool {
    o.error
        .as_ref()
        .is_some_and(|e| e.class == delivery::ErrorClass::Timeout)
}

fn in_time(latencies: &[(Duration, bool)], timeout: Duration, elapsed: Duration) -> ScenarioResult {
    let late = latencies.iter().filter(|(_, t)| *t).count();
    let mut ms: Vec<f64> = latencies.iter().map(|(d, _)| delivery::ms(*d)).collect();
    let p = delivery::Percentiles::of(&mut ms);
    let (verdict, reason) = if late == 0 {
        (
            Verdict::Pass,
            format!(
                "every answer within {} (p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms)",
                crate::duration::human(timeout),
                p.p50,
                p.p99,
                p.max
            ),
        )
    } else {
        (
            Verdict::Fail,
            format!(
                "{late} of {} deliveries got no answer within {}; WL retries those, so answer first and process later",
                latencies.len(),
                crate::duration::human(timeout)
            ),
        )
    };
    ScenarioResult {
        name: "responds-in-time",
        verdict,
        reason,
        max_latency: latencies.iter().map(|(d, _)| *d).max(),
        deliveries: latencies.len(),
        elapsed,
    }
}

fn answer(o: &Outcome) -> String {
    match (o.status, &o.error) {
        (Some(_), _) => o.status_text(),
        (None, Some(e)) => format!("{} ({})", e.class.as_str(), e.detail),
        _ => "no answer".into(),
    }
}

/// Judge a scenario's outcomes by WL's rules, with a reason a user can act on.
fn judge(name: &str, outcomes: &[(String, Outcome)], suite: &Suite) -> (Verdict, String) {
    let not_accepted: Vec<&(String, Outcome)> =
        outcomes.iter().filter(|(_, o)| !o.accepted()).collect();
    let first_bad = |what: &str| {
        not_accepted.first().map(|(label, o)| {
            let why = o.explanation().unwrap_or_default();
            format!("{what}: {label} answered {}; {why}", answer(o))
        })
    };
    match name {
        "accepts" => match not_accepted.len() {
            0 => (Verdict::Pass, format!("{} events answered 200/201", outcomes.len())),
            n => (
                Verdict::Fail,
                format!("{n} of {} not accepted — {}", outcomes.len(), first_bad("first").unwrap_or_default()),
            ),
        },
        "rejects-forged" | "rejects-tampered" | "rejects-unsigned" => {
            let what = match name {
                "rejects-forged" => "forged webhooks (signed with another key)",
                "rejects-tampered" => "tampered webhooks (body changed after signing)",
                _ => "unsigned webhooks",
            };
            let Some((_, o)) = outcomes.first() else { return (Verdict::Fail, "nothing was sent".into()) };
            match o.status {
                Some(s) if (400..500).contains(&s) => (Verdict::Pass, format!("rejected with {}", answer(o))),
                Some(s) if (200..300).contains(&s) => (
                    Verdict::Fail,
                    format!("accepts {what}: answered {}; verify x-signature-256 (HMAC-SHA256 of the raw body) and answer 401", answer(o)),
                ),
                Some(_) => (
                    Verdict::Fail,
                    format!("answered {} to {what}; answer 4xx (e.g. 401) so it is refused, not retried", answer(o)),
                ),
                None => (Verdict::Fail, format!("no answer to {what}: {}; answer 401", answer(o))),
            }
        }
        "idempotent-duplicate" => match not_accepted.len() {
            0 => (Verdict::Pass, "both copies answered 200/201".into()),
            _ => (
                Verdict::Fail,
                format!(
                    "{}; acknowledge duplicates with 200 and skip them by x-payload-key, or WL retries them",
                    first_bad("a duplicate was refused").unwrap_or_default()
                ),
            ),
        },
        "out-of-order" => match not_accepted.len() {
            0 => (Verdict::Pass, "newer then older event both acknowledged".into()),
            _ => (
                Verdict::Fail,
                format!(
                    "{}; acknowledge the older event and ignore it by x-generated-at — refusing it makes WL retry it",
                    first_bad("not acknowledged").unwrap_or_default()
                ),
            ),
        },
        "late-retry" => match not_accepted.len() {
            0 => (Verdict::Pass, "an event generated two days ago was acknowledged".into()),
            _ => (
                Verdict::Fail,
                format!(
                    "{}; WL retries for up to 72 hours, so do not reject by x-generated-at age",
                    first_bad("refused a late retry").unwrap_or_default()
                ),
            ),
        },
        "burst" => {
            let limited = outcomes.iter().filter(|(_, o)| o.status == Some(429)).count();
            match (not_accepted.len(), limited) {
                (0, _) => (Verdict::Pass, format!("{} concurrent deliveries all answered 200/201", outcomes.len())),
                (n, l) if l > 0 => (
                    Verdict::Fail,
                    format!(
                        "{n} of {} not accepted, {l} with 429 Too Many Requests; WL advises exempting webhook traffic from rate limits",
                        outcomes.len()
                    ),
                ),
                (n, _) => (
                    Verdict::Fail,
                    format!("{n} of {} not accepted — {}", outcomes.len(), first_bad("first").unwrap_or_default()),
                ),
            }
        }
        "large-payload" => match not_accepted.first() {
            None => (Verdict::Pass, format!("{} accepted", outcomes.first().map(|(l, _)| l.as_str()).unwrap_or(""))),
            Some((label, o)) => (
                Verdict::Fail,
                format!("{label} answered {}; raise the receiver's body size limit", answer(o)),
            ),
        },
        "unknown-topic" => match not_accepted.first() {
            None => (Verdict::Pass, format!("a well-signed {UNKNOWN_EVENT} was acknowledged")),
            Some((_, o)) => (
                Verdict::Warn,
                format!(
                    "a well-signed {UNKNOWN_EVENT} answered {}; acknowledge events you do not handle yet, or WL retries them for three days",
                    answer(o)
                ),
            ),
        },
        _ => {
            let _ = suite;
            (Verdict::Fail, "unknown scenario".into())
        }
    }
}
