//! The catalogue of conformance scenarios: for each, its name, what it sends and how its answers
//! are judged by WL's rules. Pure: building requests and judging outcomes need no network.

use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{Plan, Verdict};
use crate::delivery::{self, ErrorClass, Outcome};
use crate::fixture::JsonStyle;
use crate::protocol::{self, header, Headers, Secret};

/// An event WL does not send today, for `unknown-topic`.
pub const UNKNOWN_EVENT: &str = "membership.created";

/// Line items in the `large-payload` purchase.
pub const LARGE_ITEMS: usize = 400;

/// The key `rejects-forged` signs with: anything but the receiver's.
const FORGED_KEY: &[u8] = b"wl-hook-forged-key";

/// One scenario of the suite. The declaration order is the order of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scenario {
    Accepts,
    AcceptsNonCanonical,
    RejectsForged,
    RejectsTampered,
    RejectsUnsigned,
    IdempotentDuplicate,
    OutOfOrder,
    LateRetry,
    RespondsInTime,
    Burst,
    LargePayload,
    UnknownTopic,
}

/// One request a scenario sends, with the words the report uses for it.
#[derive(Debug, Clone)]
pub struct Request {
    pub label: String,
    /// The label of the key it is signed with, where the report names keys (`accepts`).
    pub key: Option<String>,
    pub headers: Headers,
    pub body: Bytes,
}

/// One request's answer, with the request's label and key label.
#[derive(Debug, Clone)]
pub struct Answered {
    pub label: String,
    pub key: Option<String>,
    pub outcome: Outcome,
}

/// How long one delivery of the run took, and whether it got no answer in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    pub latency: Duration,
    pub timed_out: bool,
}

impl Timing {
    pub fn of(outcome: &Outcome) -> Timing {
        Timing {
            latency: outcome.latency,
            timed_out: outcome
                .error
                .as_ref()
                .is_some_and(|e| e.class == ErrorClass::Timeout),
        }
    }
}

/// What a scenario is judged on.
#[derive(Debug, Clone, Copy)]
pub struct Evidence<'a> {
    /// This scenario's own deliveries.
    pub answers: &'a [Answered],
    /// Every delivery of the run, this scenario's included (what `responds-in-time` judges).
    pub run: &'a [Timing],
    /// The longest a receiver may take to answer.
    pub timeout: Duration,
    /// `accepts`' answers, when it ran before: a scenario that fails the same way is blocked
    /// by it, and said to be, rather than explained again.
    pub accepts: Option<&'a [Answered]>,
}

impl Scenario {
    /// Every scenario, in the order of the report.
    pub const ALL: [Scenario; 12] = [
        Scenario::Accepts,
        Scenario::AcceptsNonCanonical,
        Scenario::RejectsForged,
        Scenario::RejectsTampered,
        Scenario::RejectsUnsigned,
        Scenario::IdempotentDuplicate,
        Scenario::OutOfOrder,
        Scenario::LateRetry,
        Scenario::RespondsInTime,
        Scenario::Burst,
        Scenario::LargePayload,
        Scenario::UnknownTopic,
    ];

    /// The name users select it by (`--only`) and see in every report.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Accepts => "accepts",
            Scenario::AcceptsNonCanonical => "accepts-non-canonical",
            Scenario::RejectsForged => "rejects-forged",
            Scenario::RejectsTampered => "rejects-tampered",
            Scenario::RejectsUnsigned => "rejects-unsigned",
            Scenario::IdempotentDuplicate => "idempotent-duplicate",
            Scenario::OutOfOrder => "out-of-order",
            Scenario::LateRetry => "late-retry",
            Scenario::RespondsInTime => "responds-in-time",
            Scenario::Burst => "burst",
            Scenario::LargePayload => "large-payload",
            Scenario::UnknownTopic => "unknown-topic",
        }
    }

    /// What it sends and what passes, in one line.
    pub fn description(self) -> &'static str {
        match self {
            Scenario::Accepts => "each selected event, correctly signed, gets 200 or 201",
            Scenario::AcceptsNonCanonical => {
                "spellings no re-serialiser keeps (\\/, \\uXXXX, pretty, 1e2) get 200 or 201"
            }
            Scenario::RejectsForged => {
                "forged signatures (another key, the dev key, malformed) get a 4xx"
            }
            Scenario::RejectsTampered => "a body changed after signing gets a 4xx",
            Scenario::RejectsUnsigned => "a webhook without x-signature-256 gets a 4xx",
            Scenario::IdempotentDuplicate => "the same delivery twice: both get 200 or 201",
            Scenario::OutOfOrder => "a newer event, then an older one: both get 200 or 201",
            Scenario::LateRetry => "an event generated two days ago, sent now, gets 200 or 201",
            Scenario::RespondsInTime => {
                "every answer of the run but burst's comes within --timeout"
            }
            Scenario::Burst => "--burst deliveries at once all get 200 or 201 (a 429 fails)",
            Scenario::LargePayload => {
                "a purchase.created with 400 line items (about 280 KB) gets 200 or 201"
            }
            Scenario::UnknownTopic => {
                "a well-signed event WL may add later gets 200 or 201 (else a WARN)"
            }
        }
    }

    /// The scenario with this name.
    pub fn from_name(name: &str) -> Option<Scenario> {
        Scenario::ALL.into_iter().find(|s| s.name() == name)
    }

    /// True when its requests go out all at once rather than one after the other.
    pub fn at_once(self) -> bool {
        match self {
            Scenario::Burst => true,
            Scenario::Accepts
            | Scenario::AcceptsNonCanonical
            | Scenario::RejectsForged
            | Scenario::RejectsTampered
            | Scenario::RejectsUnsigned
            | Scenario::IdempotentDuplicate
            | Scenario::OutOfOrder
            | Scenario::LateRetry
            | Scenario::RespondsInTime
            | Scenario::LargePayload
            | Scenario::UnknownTopic => false,
        }
    }

    /// True when it is judged over every answer of the run, so it runs last; its own requests
    /// are sent only when it runs alone.
    pub fn judges_the_run(self) -> bool {
        match self {
            Scenario::RespondsInTime => true,
            Scenario::Accepts
            | Scenario::AcceptsNonCanonical
            | Scenario::RejectsForged
            | Scenario::RejectsTampered
            | Scenario::RejectsUnsigned
            | Scenario::IdempotentDuplicate
            | Scenario::OutOfOrder
            | Scenario::LateRetry
            | Scenario::Burst
            | Scenario::LargePayload
            | Scenario::UnknownTopic => false,
        }
    }

    /// True when its deliveries count in the run `responds-in-time` judges. A burst's do not:
    /// a receiver that serves one connection at a time makes them wait on each other, and
    /// `burst` itself reports that cause.
    pub fn timed_in_the_run(self) -> bool {
        match self {
            Scenario::Burst => false,
            Scenario::Accepts
            | Scenario::AcceptsNonCanonical
            | Scenario::RejectsForged
            | Scenario::RejectsTampered
            | Scenario::RejectsUnsigned
            | Scenario::IdempotentDuplicate
            | Scenario::OutOfOrder
            | Scenario::LateRetry
            | Scenario::RespondsInTime
            | Scenario::LargePayload
            | Scenario::UnknownTopic => true,
        }
    }

    /// The requests it sends, in order, built at `now` with the plan's key, events, fixtures
    /// and JSON style. Long because it is a table: one arm per scenario, each its requests.
    pub fn requests(self, plan: &Plan, now: DateTime<Utc>) -> anyhow::Result<Vec<Request>> {
        let event = plan.main_event();
        let signed = |label: &str, key: &Secret, generated_at: DateTime<Utc>| {
            let body = render(plan, event, generated_at, plan.style, |_| {})?;
            anyhow::Ok(sign(
                &plan.fidelity,
                label,
                event,
                body,
                key,
                generated_at,
                now,
            ))
        };
        Ok(match self {
            Scenario::Accepts => {
                let mut sent = plan
                    .events
                    .iter()
                    .map(|e| {
                        let mut r = sign(
                            &plan.fidelity,
                            e,
                            e,
                            render(plan, e, now, plan.style, |_| {})?,
                            &plan.key,
                            now,
                            now,
                        );
                        r.key = Some(plan.key_label.clone());
                        Ok(r)
                    })
                    .collect::<anyhow::Result<Vec<_>>>()?;
                // Across a key change: the first event signed with each further key.
                for k in &plan.more_keys {
                    let mut r = signed(&format!("{event} signed with {}", k.label), &k.key, now)?;
                    r.key = Some(k.label.clone());
                    sent.push(r);
                }
                sent
            }
            Scenario::AcceptsNonCanonical => Spelling::ALL
                .into_iter()
                .map(|s| {
                    let body = s.body(plan, event, now)?;
                    anyhow::Ok(sign(
                        &plan.fidelity,
                        s.label(),
                        event,
                        body,
                        &plan.key,
                        now,
                        now,
                    ))
                })
                .collect::<anyhow::Result<_>>()?,
            Scenario::RespondsInTime => vec![signed(event, &plan.key, now)?],
            Scenario::RejectsForged => {
                let other = Secret::new(FORGED_KEY.to_vec()).expect("the forged key is not empty");
                let mut sent = vec![signed("signed with another key", &other, now)?];
                // The key in wl-hook's README, often left in a receiver after local testing.
                let dev = protocol::dev_secret();
                let ours = std::iter::once(&plan.key).chain(plan.more_keys.iter().map(|k| &k.key));
                if ours.into_iter().all(|k| k.expose() != dev.expose()) {
                    sent.push(signed("signed with wl-hook's development key", &dev, now)?);
                }
                // Malformed signatures, where hand-written comparisons throw (and a caught
                // exception can let the request through) or compare only a prefix.
                let right = signed("", &plan.key, now)?;
                let sig = protocol::header_value(&right.headers, header::SIGNATURE)
                    .unwrap_or_default()
                    .to_string();
                let half: String = sig.chars().take(sig.chars().count() / 2).collect();
                for (label, value) in [
                    ("the right signature cut to half its length", half),
                    (
                        "a signature of the right length that is not hex",
                        "z".repeat(sig.len()),
                    ),
                    ("an empty x-signature-256", String::new()),
                ] {
                    let mut r = right.clone();
                    r.label = label.into();
                    protocol::set_header(&mut r.headers, header::SIGNATURE, &value);
                    sent.push(r);
                }
                sent
            }
            Scenario::RejectsTampered => {
                let mut r = signed("body changed after signing", &plan.key, now)?;
                let mut body = r.body.to_vec();
                protocol::tamper(&mut body);
                r.body = Bytes::from(body);
                vec![r]
            }
            Scenario::RejectsUnsigned => {
                let mut r = signed("no x-signature-256", &plan.key, now)?;
                protocol::remove_header(&mut r.headers, header::SIGNATURE);
                vec![r]
            }
            Scenario::IdempotentDuplicate => {
                let first = signed("first copy", &plan.key, now)?;
                let mut second = first.clone();
                second.label = "identical second copy".into();
                vec![first, second]
            }
            Scenario::OutOfOrder => vec![
                signed("newer event", &plan.key, now)?,
                signed(
                    "older event for the same record",
                    &plan.key,
                    now - chrono::Duration::hours(1),
                )?,
            ],
            Scenario::LateRetry => vec![signed(
                "generated two days ago, sent now",
                &plan.key,
                now - chrono::Duration::days(2),
            )?],
            Scenario::Burst => (0..plan.burst.get())
                .map(|_| signed("burst delivery", &plan.key, now))
                .collect::<anyhow::Result<_>>()?,
            Scenario::LargePayload => {
                let body = render(plan, "purchase.created", now, plan.style, many_line_items)?;
                let label = format!(
                    "purchase.created with {LARGE_ITEMS} line items ({} bytes)",
                    body.len()
                );
                vec![sign(
                    &plan.fidelity,
                    &label,
                    "purchase.created",
                    body,
                    &plan.key,
                    now,
                    now,
                )]
            }
            Scenario::UnknownTopic => {
                let body = render(plan, "client.created", now, plan.style, |v| {
                    if let Some(Value::Object(meta)) = v.get_mut("meta_data") {
                        meta.insert("topic".into(), Value::from(UNKNOWN_EVENT));
                        meta.insert("source".into(), Value::from("membership"));
                    }
                })?;
                vec![sign(
                    &plan.fidelity,
                    UNKNOWN_EVENT,
                    UNKNOWN_EVENT,
                    body,
                    &plan.key,
                    now,
                    now,
                )]
            }
        })
    }

    /// True when it sends correctly signed deliveries of the kind `accepts` sends, so that a
    /// receiver failing `accepts` fails it for the same reason. `responds-in-time` is the
    /// scenario that reports missing answers itself.
    fn needs_acceptance(self) -> bool {
        match self {
            Scenario::AcceptsNonCanonical
            | Scenario::IdempotentDuplicate
            | Scenario::OutOfOrder
            | Scenario::LateRetry
            | Scenario::Burst
            | Scenario::LargePayload
            | Scenario::UnknownTopic => true,
            Scenario::Accepts
            | Scenario::RejectsForged
            | Scenario::RejectsTampered
            | Scenario::RejectsUnsigned
            | Scenario::RespondsInTime => false,
        }
    }

    /// `accepts` when it failed and this scenario failed the same way (the same status, or
    /// the same kind of missing answer): one root cause, reported once, by `accepts`.
    pub fn blocked_by(self, evidence: &Evidence<'_>) -> Option<Scenario> {
        if !self.needs_acceptance() {
            return None;
        }
        let root = not_accepted(evidence.accepts?).next()?;
        let mine = not_accepted(evidence.answers).next()?;
        same_symptom(&root.outcome, &mine.outcome).then_some(Scenario::Accepts)
    }

    /// Judge its answers by WL's rules, with a reason a user can act on. A scenario blocked by
    /// another keeps its verdict, and points at that one's reason instead of repeating it.
    pub fn judge(self, evidence: &Evidence<'_>) -> (Verdict, String) {
        let (verdict, reason) = self.judgement(evidence);
        match (
            self.blocked_by(evidence),
            not_accepted(evidence.answers).next(),
        ) {
            (Some(root), Some(a)) if verdict != Verdict::Pass => (
                verdict,
                format!(
                    "blocked by {}: {} {} as well; fix that first, then run check again",
                    root.name(),
                    a.label,
                    symptom(&a.outcome)
                ),
            ),
            _ => (verdict, reason),
        }
    }

    /// What the answers to this scenario's requests mean. Long because it is a table: one arm
    /// per scenario, each unit-tested.
    fn judgement(self, evidence: &Evidence<'_>) -> (Verdict, String) {
        let answers = evidence.answers;
        // Was the same event, fresh and correctly signed, accepted? Then a refusal here is
        // about what this scenario changes, not about the signature.
        let fresh_accepted = evidence
            .accepts
            .is_some_and(|a| !a.is_empty() && not_accepted(a).next().is_none());
        match self {
            Scenario::Accepts => accepts(answers),
            Scenario::AcceptsNonCanonical => non_canonical(answers, fresh_accepted),
            Scenario::RejectsForged => {
                refused(answers, |a| format!("forged webhooks ({})", a.label))
            }
            Scenario::RejectsTampered => refused(answers, |_| {
                "tampered webhooks (body changed after signing)".into()
            }),
            Scenario::RejectsUnsigned => refused(answers, |_| "unsigned webhooks".into()),
            Scenario::IdempotentDuplicate => in_pair(
                answers,
                "both copies answered 200/201",
                "the first copy was not accepted, so duplicates cannot be judged",
                "a duplicate was refused",
                "acknowledge duplicates with 200 and skip them by x-payload-key, or WL retries them",
            ),
            Scenario::OutOfOrder => in_pair(
                answers,
                "newer then older event both acknowledged",
                "the newer event was not accepted, so the order cannot be judged",
                "not acknowledged",
                "acknowledge the older event and ignore it by x-generated-at — refusing it makes WL retry it",
            ),
            Scenario::LateRetry => match not_accepted(answers).next() {
                None => (
                    Verdict::Pass,
                    "an event generated two days ago was acknowledged".into(),
                ),
                // The same event generated now was accepted: only its age differs.
                Some(a) if fresh_accepted => (
                    Verdict::Fail,
                    format!(
                        "refused a late retry: {} {}, while the same event generated now was accepted; WL retries for up to 72 hours, so do not reject by x-generated-at age",
                        a.label,
                        symptom(&a.outcome)
                    ),
                ),
                Some(a) => (
                    Verdict::Fail,
                    format!(
                        "refused a late retry: {} {}; WL retries for up to 72 hours, so do not reject by x-generated-at age",
                        a.label,
                        got(&a.outcome)
                    ),
                ),
            },
            Scenario::RespondsInTime => in_time(evidence.run, evidence.timeout),
            Scenario::Burst => burst(answers),
            Scenario::LargePayload => match not_accepted(answers).next() {
                None => (
                    Verdict::Pass,
                    format!(
                        "{} accepted",
                        answers.first().map_or("", |a| a.label.as_str())
                    ),
                ),
                // Only a refusal of the size itself is about the body size limit.
                Some(a) if a.outcome.status == Some(413) => (
                    Verdict::Fail,
                    format!(
                        "{} answered {}; raise the receiver's body size limit",
                        a.label,
                        answer(&a.outcome)
                    ),
                ),
                Some(a) if a.outcome.error.as_ref().is_some_and(|e| e.class == ErrorClass::Reset) => (
                    Verdict::Fail,
                    format!(
                        "{} {}; a server that closes the connection on a body over its size limit does this: raise the limit",
                        a.label,
                        got(&a.outcome)
                    ),
                ),
                Some(a) => (Verdict::Fail, format!("{} {}", a.label, got(&a.outcome))),
            },
            // WL may add events; refusing one is worth a look but breaks nothing today.
            Scenario::UnknownTopic => match not_accepted(answers).next() {
                None => (
                    Verdict::Pass,
                    format!("a well-signed {UNKNOWN_EVENT} was acknowledged"),
                ),
                Some(a) => (
                    Verdict::Warn,
                    format!(
                        "a well-signed {UNKNOWN_EVENT} {}; acknowledge events you do not handle yet, or WL retries them for three days",
                        symptom(&a.outcome)
                    ),
                ),
            },
        }
    }
}

/// The body of `event`'s fixture (or client.created's, for an event without one), edited,
/// rendered as generated at `generated_at` and spelt in `style`.
fn render(
    plan: &Plan,
    event: &str,
    generated_at: DateTime<Utc>,
    style: JsonStyle,
    edit: impl FnOnce(&mut Value),
) -> anyhow::Result<Vec<u8>> {
    let fixture = plan
        .fixtures
        .get(event)
        .or_else(|| plan.fixtures.get("client.created"))
        .ok_or_else(|| anyhow::anyhow!("no fixture for {event}"))?;
    let mut value = fixture.value.clone();
    edit(&mut value);
    let mut renderer =
        crate::fixture::Renderer::new(None, false, generated_at, Vec::new()).with_style(style);
    Ok(renderer.render(event, &value)?.body)
}

/// The field `accepts-non-canonical` adds to the event, so that every spelling has a slash,
/// non-ASCII text and numbers to spell differently. An added field, because typed receivers
/// (Go structs, pydantic models) ignore unknown fields but may refuse `24.0` in an integer one.
pub const PROBE_FIELD: &str = "wl_hook_probe";

/// Stands in for a number literal serde_json cannot hold as written (`1e2`), replaced in the
/// bytes after rendering.
const LITERAL_MARKER: &str = "wl-hook-literal-";

/// One way to spell a correctly signed body in `accepts-non-canonical`. The plain one is the
/// control: every re-serialiser reproduces it, so when it is accepted and another is refused,
/// the receiver verified something other than the bytes it was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spelling {
    Plain,
    PhpEscapes,
    Pretty,
    Numbers,
    RawUtf8,
}

impl Spelling {
    const ALL: [Spelling; 5] = [
        Spelling::Plain,
        Spelling::PhpEscapes,
        Spelling::Pretty,
        Spelling::Numbers,
        Spelling::RawUtf8,
    ];

    fn label(self) -> &'static str {
        match self {
            Spelling::Plain => "plain compact body",
            Spelling::PhpEscapes => "PHP json_encode escapes (\\/ and \\uXXXX)",
            Spelling::Pretty => "pretty-printed with a trailing newline",
            Spelling::Numbers => "numbers written 24.0 and 1e2",
            Spelling::RawUtf8 => "raw UTF-8 text",
        }
    }

    /// The event's body with the probe field, spelt this way.
    fn body(self, plan: &Plan, event: &str, now: DateTime<Utc>) -> anyhow::Result<Vec<u8>> {
        const PLAIN: &str = "Zoe's cafe in Tokyo";
        const WORLD: &str =
            "Zo\u{eb}\u{2019}s caf\u{e9} \u{b7} T\u{14d}ky\u{14d}/\u{6771}\u{4eac} \u{1f600}";
        let (style, text, amount, scale) = match self {
            Spelling::Plain => (JsonStyle::Compact, PLAIN, "24", "100"),
            Spelling::PhpEscapes => (JsonStyle::Php, WORLD, "24", "100"),
            Spelling::Pretty => (JsonStyle::Pretty, PLAIN, "24", "100"),
            Spelling::Numbers => (JsonStyle::Compact, PLAIN, "24.0", "1e2"),
            Spelling::RawUtf8 => (JsonStyle::Compact, WORLD, "24", "100"),
        };
        let literal = |text: &str| Value::from(format!("{LITERAL_MARKER}{text}"));
        let body = render(plan, event, now, style, |v| {
            if let Value::Object(fields) = v {
                let mut probe = serde_json::Map::new();
                probe.insert("text_note".into(), Value::from(text));
                probe.insert("f_amount".into(), literal(amount));
                probe.insert("f_scale".into(), literal(scale));
                fields.insert(PROBE_FIELD.into(), Value::Object(probe));
            }
        })?;
        Ok(unquote_literals(&body))
    }
}

/// Replace each `"wl-hook-literal-TEXT"` with `TEXT`: a number spelt as written.
fn unquote_literals(body: &[u8]) -> Vec<u8> {
    let opening = format!("\"{LITERAL_MARKER}");
    let mut out = Vec::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = memchr::memmem::find(rest, opening.as_bytes()) {
        let literal = &rest[at + opening.len()..];
        let Some(end) = memchr::memchr(b'"', literal) else {
            break;
        };
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(&literal[..end]);
        rest = &literal[end + 1..];
    }
    out.extend_from_slice(rest);
    out
}

/// The plain spelling accepted and every other one too. Another one refused while the plain
/// one passes means the receiver verified re-serialised JSON, not the bytes it was sent.
/// `fresh_accepted`: `accepts` ran and the same event, without the probe field, was accepted.
fn non_canonical(answers: &[Answered], fresh_accepted: bool) -> (Verdict, String) {
    let plain = Spelling::Plain.label();
    let Some(control) = answers.iter().find(|a| a.label == plain) else {
        return (Verdict::Fail, "nothing was sent".into());
    };
    if !control.outcome.accepted() {
        let why = if fresh_accepted {
            " although the same event without that field was accepted (accepts): the receiver refuses a top-level field it does not know; WL may add fields, so ignore the ones you do not use".to_string()
        } else {
            "; fix that first (see accepts): until it is accepted, the other spellings tell nothing"
                .into()
        };
        return (
            Verdict::Fail,
            format!(
                "the {plain} (the event plus a {PROBE_FIELD} field of plain values) answered {}{why}",
                answer(&control.outcome)
            ),
        );
    }
    let others = answers.iter().filter(|a| a.label != plain).count();
    let bad: Vec<&Answered> = answers
        .iter()
        .filter(|a| a.label != plain && !a.outcome.accepted())
        .collect();
    if bad.is_empty() {
        return (
            Verdict::Pass,
            format!(
                "the plain body and {others} spellings no re-serialiser reproduces were accepted"
            ),
        );
    }
    let list = bad
        .iter()
        .map(|a| format!("{} ({})", a.label, answer(&a.outcome)))
        .collect::<Vec<_>>()
        .join(", ");
    let refused = bad
        .iter()
        .any(|a| a.outcome.status.is_some_and(|s| (400..500).contains(&s)));
    let reason = if refused {
        format!(
            "signs re-serialised JSON instead of the raw body bytes: the plain body was accepted, but {} of {others} other correctly signed spellings were refused: {list}; compute the HMAC over the request body exactly as received, before parsing it (not over JSON.stringify or json.dumps of the parsed body), or WL's own deliveries may all be refused",
            bad.len()
        )
    } else {
        format!(
            "{} of {others} correctly signed spellings were not accepted although the plain body was: {list}; each is valid JSON WL may send (modelled), so accept it as it comes",
            bad.len()
        )
    };
    (Verdict::Fail, reason)
}

fn sign(
    fidelity: &protocol::Fidelity,
    label: &str,
    event: &str,
    body: Vec<u8>,
    key: &Secret,
    generated_at: DateTime<Utc>,
    sent_at: DateTime<Utc>,
) -> Request {
    Request {
        label: label.into(),
        key: None,
        headers: protocol::build_headers(fidelity, event, &body, key, generated_at, sent_at),
        body: Bytes::from(body),
    }
}

/// Repeat the purchase's first line item until there are [`LARGE_ITEMS`], each with its own id.
fn many_line_items(v: &mut Value) {
    if let Some(Value::Array(items)) = v.get_mut("purchase_items") {
        let template = items.first().cloned().unwrap_or(Value::Null);
        *items = (0..LARGE_ITEMS)
            .map(|i| {
                let mut item = template.clone();
                if let Some(obj) = item.as_object_mut() {
                    obj.insert("k_purchase_item".into(), Value::from(900_000 + i as u64));
                }
                item
            })
            .collect();
    }
}

/// The answer in words: "401 Unauthorized", or the error class and its cause.
fn answer(o: &Outcome) -> String {
    match (o.status, &o.error) {
        (Some(_), _) => o.status_text(),
        (None, Some(e)) => format!("{} ({})", e.class.as_str(), e.detail),
        (None, None) => "no answer".into(),
    }
}

fn not_accepted(answers: &[Answered]) -> impl Iterator<Item = &Answered> {
    answers.iter().filter(|a| !a.outcome.accepted())
}

/// What a delivery got, in words: "answered 401 Unauthorized" or "got no answer (timeout: ...)".
fn symptom(o: &Outcome) -> String {
    match (o.status, &o.error) {
        (Some(_), None) => format!("answered {}", o.status_text()),
        (Some(_), Some(e)) => format!(
            "answered {} but the answer did not finish ({}: {})",
            o.status_text(),
            e.class.as_str(),
            e.detail
        ),
        (None, Some(e)) => format!("got no answer ({}: {})", e.class.as_str(), e.detail),
        (None, None) => "got no answer".into(),
    }
}

/// [`symptom`] and what WL makes of it, each cause said once. The deliveries judged this way
/// are correctly signed, so a 401 or 403 says what is likely wrong on the receiver's side.
fn got(o: &Outcome) -> String {
    match (&o.error, o.explanation_signed()) {
        (Some(_), _) => format!("{}; WL would retry", symptom(o)),
        (None, Some(why)) => format!("{}; {why}", symptom(o)),
        (None, None) => symptom(o),
    }
}

/// Two failed deliveries failed the same way: the same status, or no answer of the same kind.
fn same_symptom(a: &Outcome, b: &Outcome) -> bool {
    match (&a.error, &b.error) {
        (None, None) => a.status == b.status,
        (Some(x), Some(y)) => x.class == y.class && a.status.is_none() == b.status.is_none(),
        _ => false,
    }
}

/// "WHAT: LABEL answered STATUS; WHY" for the first answer WL would not count as done.
fn first_bad(answers: &[Answered], what: &str) -> String {
    not_accepted(answers).next().map_or_else(String::new, |a| {
        format!("{what}: {} {}", a.label, got(&a.outcome))
    })
}

/// `accepts`: every event accepted and, across a key change, every key; says which key the
/// receiver verifies with when only some are accepted.
fn accepts(answers: &[Answered]) -> (Verdict, String) {
    let mut keys: Vec<&str> = Vec::new();
    for k in answers.iter().filter_map(|a| a.key.as_deref()) {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    let events = answers.len() - keys.len().saturating_sub(1);
    if keys.len() < 2 {
        return all_accepted(answers, format!("{events} events answered 200/201"));
    }
    // Keys are compared on the event every key signs (the first): a later event refused under
    // the first key says nothing about keys, and is reported as a refusal like any other.
    let first_of = |k: &str| answers.iter().find(|a| a.key.as_deref() == Some(k));
    let (good, bad): (Vec<&str>, Vec<&str>) = keys
        .iter()
        .partition(|k| first_of(k).is_some_and(|a| a.outcome.accepted()));
    match (good.is_empty(), bad.is_empty()) {
        (_, true) => all_accepted(
            answers,
            format!(
                "{events} events answered 200/201, signed with each key ({})",
                keys.join(", ")
            ),
        ),
        (false, false) => {
            let first = bad
                .first()
                .and_then(|k| first_of(k))
                .map_or_else(String::new, |a| {
                    format!(" ({} {})", a.label, symptom(&a.outcome))
                });
            (
                Verdict::Fail,
                format!(
                    "the receiver accepts deliveries signed with {} but not with {}{first}; across a key change it must accept each key until the old one is retired",
                    good.join(", "),
                    bad.join(", ")
                ),
            )
        }
        (true, false) => all_accepted(answers, String::new()),
    }
}

/// Every answer 200 or 201, else how many were not and the first of them.
fn all_accepted(answers: &[Answered], pass: String) -> (Verdict, String) {
    match not_accepted(answers).count() {
        0 => (Verdict::Pass, pass),
        n => (
            Verdict::Fail,
            format!(
                "{n} of {} not accepted — {}",
                answers.len(),
                first_bad(answers, "first")
            ),
        ),
    }
}

/// Two deliveries, both to be accepted: the first is the control (a plain delivery), the second
/// what the scenario is about. A refused first one says nothing about the second.
fn in_pair(
    answers: &[Answered],
    pass: &str,
    first_failed: &str,
    what: &str,
    advice: &str,
) -> (Verdict, String) {
    match answers.first() {
        None => (Verdict::Fail, "nothing was sent".into()),
        Some(first) if !first.outcome.accepted() => (
            Verdict::Fail,
            format!("{first_failed}: {} {}", first.label, got(&first.outcome)),
        ),
        Some(_) if not_accepted(answers).next().is_none() => (Verdict::Pass, pass.into()),
        Some(_) => (
            Verdict::Fail,
            format!("{}; {advice}", first_bad(answers, what)),
        ),
    }
}

/// Like [`all_accepted`], but rate limiting gets WL's own advice.
fn burst(answers: &[Answered]) -> (Verdict, String) {
    let limited = answers
        .iter()
        .filter(|a| a.outcome.status == Some(429))
        .count();
    // A connection with no answer at all, while the one-at-a-time scenarios were answered,
    // means the receiver cannot take that many connections at once: it serves one at a time,
    // or its listen backlog overflows and the kernel drops the surplus handshakes.
    let unanswered: Vec<&Answered> = answers
        .iter()
        .filter(|a| {
            a.outcome.error.as_ref().is_some_and(|e| match e.class {
                ErrorClass::Timeout | ErrorClass::Reset | ErrorClass::Refused => true,
                ErrorClass::Tls | ErrorClass::InvalidResponse | ErrorClass::Other => false,
            })
        })
        .collect();
    if let (0, Some(first)) = (limited, unanswered.first()) {
        return (
            Verdict::Fail,
            format!(
                "{} of {} concurrent connections got no answer (first: {}); the receiver cannot take that many connections at once (a single-threaded server, or a listen backlog below --burst: Python's socketserver allows 5), while WL may deliver several webhooks at once, each on its own connection (modelled): serve connections concurrently, with a larger backlog",
                unanswered.len(),
                answers.len(),
                answer(&first.outcome)
            ),
        );
    }
    if limited == 0 {
        return all_accepted(
            answers,
            format!(
                "{} concurrent deliveries all answered 200/201",
                answers.len()
            ),
        );
    }
    (
        Verdict::Fail,
        format!(
            "{} of {} not accepted, {limited} with 429 Too Many Requests; WL advises exempting webhook traffic from rate limits",
            not_accepted(answers).count(),
            answers.len()
        ),
    )
}

/// A request that must be refused with a 4xx (refused, not retried).
fn refused(answers: &[Answered], what: impl Fn(&Answered) -> String) -> (Verdict, String) {
    let Some(first) = answers.first() else {
        return (Verdict::Fail, "nothing was sent".into());
    };
    let is_4xx = |a: &&Answered| a.outcome.status.is_some_and(|s| (400..500).contains(&s));
    let Some(a) = answers.iter().find(|a| !is_4xx(a)) else {
        let how = answer(&first.outcome);
        return match answers.len() {
            1 => (Verdict::Pass, format!("rejected with {how}")),
            n => (
                Verdict::Pass,
                format!("all {n} rejected, the first with {how}"),
            ),
        };
    };
    let (o, what) = (&a.outcome, what(a));
    match o.status {
        Some(s) if (200..300).contains(&s) => (
            Verdict::Fail,
            format!(
                "accepts {what}: answered {}; verify x-signature-256 (HMAC-SHA256 of the raw body) and answer 401",
                answer(o)
            ),
        ),
        Some(_) => (
            Verdict::Fail,
            format!(
                "answered {} to {what}; answer 4xx (e.g. 401) so it is refused, not retried",
                answer(o)
            ),
        ),
        None => (
            Verdict::Fail,
            format!("no answer to {what}: {}; answer 401", answer(o)),
        ),
    }
}

/// An answer slower than this share of `--timeout` passes with a warning.
const NEAR_TIMEOUT: f64 = 0.8;

fn in_time(run: &[Timing], timeout: Duration) -> (Verdict, String) {
    let late = run.iter().filter(|t| t.timed_out).count();
    if late > 0 {
        return (
            Verdict::Fail,
            format!(
                "{late} of {} deliveries got no answer within {}; WL retries those, so answer first and process later",
                run.len(),
                crate::duration::human(timeout)
            ),
        );
    }
    let mut ms: Vec<f64> = run.iter().map(|t| delivery::ms(t.latency)).collect();
    let p = delivery::Percentiles::of(&mut ms);
    // In time, but so near the limit that a slower day or WL's own (unknown) timeout fails it.
    let slowest = run.iter().map(|t| t.latency).max().unwrap_or_default();
    if slowest.as_secs_f64() >= timeout.as_secs_f64() * NEAR_TIMEOUT {
        return (
            Verdict::Warn,
            format!(
                "every answer within {}, but the slowest took {} (over {:.0}% of --timeout; p50 {:.1} ms): WL's own timeout is unknown (modelled), so answer first and process later",
                crate::duration::human(timeout),
                crate::duration::human(slowest),
                NEAR_TIMEOUT * 100.0,
                p.p50
            ),
        );
    }
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delivery::DeliveryError;
    use crate::fixture::FixtureSet;

    const TIMEOUT: Duration = Duration::from_secs(10);

    fn status(code: u16, reason: &'static str) -> Outcome {
        Outcome {
            status: Some(code),
            reason: Some(reason),
            latency: Duration::from_millis(3),
            error: None,
            response_headers: Vec::new(),
            response_body: Bytes::new(),
        }
    }

    fn ok() -> Outcome {
        status(200, "OK")
    }

    fn failed(class: ErrorClass, detail: &str) -> Outcome {
        Outcome {
            status: None,
            reason: None,
            latency: TIMEOUT,
            error: Some(DeliveryError {
                class,
                detail: detail.into(),
            }),
            response_headers: Vec::new(),
            response_body: Bytes::new(),
        }
    }

    fn judge(scenario: Scenario, answers: &[(&str, Outcome)]) -> (Verdict, String) {
        let answers: Vec<Answered> = answers
            .iter()
            .map(|(label, outcome)| Answered {
                label: (*label).into(),
                key: None,
                outcome: outcome.clone(),
            })
            .collect();
        let run: Vec<Timing> = answers.iter().map(|a| Timing::of(&a.outcome)).collect();
        scenario.judge(&Evidence {
            answers: &answers,
            run: &run,
            timeout: TIMEOUT,
            accepts: None,
        })
    }

    fn pass(reason: &str) -> (Verdict, String) {
        (Verdict::Pass, reason.into())
    }

    fn fail(reason: &str) -> (Verdict, String) {
        (Verdict::Fail, reason.into())
    }

    #[test]
    fn names_are_unique_and_read_back() {
        for s in Scenario::ALL {
            assert_eq!(Scenario::from_name(s.name()), Some(s));
            assert!(!s.description().is_empty());
        }
        assert_eq!(Scenario::from_name("accept"), None);
        // The report's order is the declaration order, which sorting relies on.
        let mut sorted = Scenario::ALL;
        sorted.sort();
        assert_eq!(sorted, Scenario::ALL);
    }

    #[test]
    fn accepts_wants_200_or_201_from_every_event() {
        let both = [
            ("client.created", ok()),
            ("purchase.created", status(201, "Created")),
        ];
        assert_eq!(
            judge(Scenario::Accepts, &both),
            pass("2 events answered 200/201")
        );
        let one_204 = [
            ("client.created", ok()),
            ("purchase.created", status(204, "No Content")),
        ];
        assert_eq!(
            judge(Scenario::Accepts, &one_204),
            fail("1 of 2 not accepted — first: purchase.created answered 204 No Content; WL only accepts 200 or 201; this delivery would be retried")
        );
        let timeout = [(
            "client.created",
            failed(ErrorClass::Timeout, "operation timed out"),
        )];
        assert_eq!(
            judge(Scenario::Accepts, &timeout),
            fail("1 of 1 not accepted — first: client.created got no answer (timeout: operation timed out); WL would retry")
        );
        // A correctly signed delivery refused with 401: the likely cause on the receiver's side.
        let refused = [("client.created", status(401, "Unauthorized"))];
        assert_eq!(
            judge(Scenario::Accepts, &refused),
            fail("1 of 1 not accepted — first: client.created answered 401 Unauthorized; not 200 or 201; this delivery would be retried; the signature is correct, so the receiver likely verifies with another key, or over re-serialised JSON instead of the raw body bytes")
        );
    }

    fn keyed(label: &str, key: &str, outcome: Outcome) -> Answered {
        Answered {
            label: label.into(),
            key: Some(key.into()),
            outcome,
        }
    }

    fn judge_answers(
        s: Scenario,
        answers: &[Answered],
        accepts: Option<&[Answered]>,
    ) -> (Verdict, String) {
        let run: Vec<Timing> = answers.iter().map(|a| Timing::of(&a.outcome)).collect();
        s.judge(&Evidence {
            answers,
            run: &run,
            timeout: TIMEOUT,
            accepts,
        })
    }

    #[test]
    fn accepts_across_a_key_change_names_the_key_that_matched() {
        let s = Scenario::Accepts;
        let both = [
            keyed("client.created", "--secret #1", ok()),
            keyed("purchase.created", "--secret #1", ok()),
            keyed(
                "client.created signed with --secret #2",
                "--secret #2",
                ok(),
            ),
        ];
        assert_eq!(
            judge_answers(s, &both, None),
            pass("2 events answered 200/201, signed with each key (--secret #1, --secret #2)")
        );
        let old_only = [
            keyed("client.created", "--secret #1", ok()),
            keyed(
                "client.created signed with --secret #2",
                "--secret #2",
                status(401, "Unauthorized"),
            ),
        ];
        assert_eq!(
            judge_answers(s, &old_only, None),
            fail("the receiver accepts deliveries signed with --secret #1 but not with --secret #2 (client.created signed with --secret #2 answered 401 Unauthorized); across a key change it must accept each key until the old one is retired")
        );
        let new_only = [
            keyed("client.created", "--secret #1", status(401, "Unauthorized")),
            keyed(
                "client.created signed with --secret #2",
                "--secret #2",
                ok(),
            ),
        ];
        let (verdict, reason) = judge_answers(s, &new_only, None);
        assert_eq!(verdict, Verdict::Fail);
        assert!(
            reason.starts_with(
                "the receiver accepts deliveries signed with --secret #2 but not with --secret #1"
            ),
            "{reason}"
        );
        // Both keys accepted on the event each signs; a later event refused is a refusal, not
        // a key that does not match.
        let later_refused = [
            keyed("client.created", "--secret #1", ok()),
            keyed(
                "purchase.refunded",
                "--secret #1",
                status(500, "Internal Server Error"),
            ),
            keyed(
                "client.created signed with --secret #2",
                "--secret #2",
                ok(),
            ),
        ];
        assert_eq!(
            judge_answers(s, &later_refused, None),
            fail(
                "1 of 3 not accepted — first: purchase.refunded answered 500 Internal Server Error; not 200 or 201; this delivery would be retried"
            )
        );
    }

    /// One cause, reported once: what fails the way accepts failed is blocked by it.
    #[test]
    fn a_root_cause_is_reported_once_and_the_rest_are_blocked_by_it() {
        let unauthorized = || status(401, "Unauthorized");
        let accepts = [keyed("client.created", "the key", unauthorized())];
        let plain = |label: &str, o: Outcome| Answered {
            label: label.into(),
            key: None,
            outcome: o,
        };
        let late = [plain("generated two days ago, sent now", unauthorized())];
        let blocked = "blocked by accepts: generated two days ago, sent now answered 401 Unauthorized as well; fix that first, then run check again";
        assert_eq!(
            judge_answers(Scenario::LateRetry, &late, Some(&accepts)),
            fail(blocked)
        );
        let evidence = Evidence {
            answers: &late,
            run: &[],
            timeout: TIMEOUT,
            accepts: Some(&accepts),
        };
        assert_eq!(
            Scenario::LateRetry.blocked_by(&evidence),
            Some(Scenario::Accepts)
        );
        // Another symptom is a cause of its own.
        let late_500 = [plain(
            "generated two days ago, sent now",
            status(500, "Internal Server Error"),
        )];
        let (_, reason) = judge_answers(Scenario::LateRetry, &late_500, Some(&accepts));
        assert!(reason.starts_with("refused a late retry"), "{reason}");
        // The refusals scenarios are about refusing: never blocked.
        let forged = [plain("signed with another key", unauthorized())];
        assert_eq!(
            judge_answers(Scenario::RejectsForged, &forged, Some(&accepts)).0,
            Verdict::Pass
        );
        // Late retry refused while the fresh event passed: the age is the cause, not the key.
        let accepted = [keyed("client.created", "the key", ok())];
        assert_eq!(
            judge_answers(Scenario::LateRetry, &late, Some(&accepted)),
            fail("refused a late retry: generated two days ago, sent now answered 401 Unauthorized, while the same event generated now was accepted; WL retries for up to 72 hours, so do not reject by x-generated-at age")
        );
        // Without accepts to compare with, both causes are named.
        let (_, alone) = judge_answers(Scenario::LateRetry, &late, None);
        assert!(
            alone.contains("likely verifies with another key")
                && alone.contains("do not reject by x-generated-at age"),
            "{alone}"
        );
    }

    #[test]
    fn a_refused_first_copy_is_not_called_a_refused_duplicate() {
        let s = Scenario::IdempotentDuplicate;
        assert_eq!(
            judge(s, &[("first copy", status(400, "Bad Request")), ("identical second copy", ok())]),
            fail("the first copy was not accepted, so duplicates cannot be judged: first copy answered 400 Bad Request; not 200 or 201; this delivery would be retried")
        );
        let (_, reason) = judge(
            s,
            &[
                ("first copy", ok()),
                ("identical second copy", status(409, "Conflict")),
            ],
        );
        assert!(
            reason.starts_with(
                "a duplicate was refused: identical second copy answered 409 Conflict"
            ),
            "{reason}"
        );
    }

    #[test]
    fn large_payload_blames_the_size_limit_only_for_a_size_refusal() {
        let s = Scenario::LargePayload;
        let label = "purchase.created with 400 line items (285895 bytes)";
        for o in [
            status(204, "No Content"),
            status(401, "Unauthorized"),
            failed(ErrorClass::Timeout, "no answer within 10 s"),
        ] {
            let (verdict, reason) = judge(s, &[(label, o)]);
            assert_eq!(verdict, Verdict::Fail);
            assert!(!reason.contains("body size limit"), "{reason}");
            // Each cause once.
            assert!(reason.matches("no answer within").count() <= 1, "{reason}");
        }
        let (_, reset) = judge(
            s,
            &[(
                label,
                failed(ErrorClass::Reset, "connection closed before an answer"),
            )],
        );
        assert!(reset.contains("raise the limit"), "{reset}");
    }

    #[test]
    fn a_slow_receiver_that_passes_gets_a_warning_near_the_timeout() {
        let at = |ms| Timing {
            latency: Duration::from_millis(ms),
            timed_out: false,
        };
        let judge_run = |run: &[Timing]| {
            Scenario::RespondsInTime.judge(&Evidence {
                answers: &[],
                run,
                timeout: TIMEOUT,
                accepts: None,
            })
        };
        assert_eq!(judge_run(&[at(5), at(7_900)]).0, Verdict::Pass);
        let (verdict, reason) = judge_run(&[at(5), at(8_500)]);
        assert_eq!(verdict, Verdict::Warn);
        assert!(
            reason.starts_with(
                "every answer within 10 s, but the slowest took 8.5 s (over 80% of --timeout"
            ),
            "{reason}"
        );
    }

    #[test]
    fn rejects_forged_wants_a_4xx() {
        let s = Scenario::RejectsForged;
        assert_eq!(
            judge(
                s,
                &[("signed with another key", status(401, "Unauthorized"))]
            ),
            pass("rejected with 401 Unauthorized")
        );
        assert_eq!(
            judge(s, &[("signed with another key", ok())]),
            fail("accepts forged webhooks (signed with another key): answered 200 OK; verify x-signature-256 (HMAC-SHA256 of the raw body) and answer 401")
        );
        assert_eq!(
            judge(s, &[("signed with another key", status(500, "Internal Server Error"))]),
            fail("answered 500 Internal Server Error to forged webhooks (signed with another key); answer 4xx (e.g. 401) so it is refused, not retried")
        );
        assert_eq!(
            judge(s, &[("signed with another key", failed(ErrorClass::Timeout, "operation timed out"))]),
            fail("no answer to forged webhooks (signed with another key): timeout (operation timed out); answer 401")
        );
        assert_eq!(judge(s, &[]), fail("nothing was sent"));
        // Several forgeries: every one refused, or the first let through is named.
        let unauthorized = || status(401, "Unauthorized");
        assert_eq!(
            judge(
                s,
                &[
                    ("signed with another key", unauthorized()),
                    ("an empty x-signature-256", unauthorized())
                ]
            ),
            pass("all 2 rejected, the first with 401 Unauthorized")
        );
        assert_eq!(
            judge(
                s,
                &[
                    ("signed with another key", unauthorized()),
                    ("an empty x-signature-256", ok())
                ]
            ),
            fail("accepts forged webhooks (an empty x-signature-256): answered 200 OK; verify x-signature-256 (HMAC-SHA256 of the raw body) and answer 401")
        );
    }

    #[test]
    fn rejects_tampered_wants_a_4xx() {
        let s = Scenario::RejectsTampered;
        assert_eq!(
            judge(
                s,
                &[("body changed after signing", status(403, "Forbidden"))]
            ),
            pass("rejected with 403 Forbidden")
        );
        // 204 is a 2xx: the receiver took the tampered body even though WL would retry it.
        assert_eq!(
            judge(s, &[("body changed after signing", status(204, "No Content"))]),
            fail("accepts tampered webhooks (body changed after signing): answered 204 No Content; verify x-signature-256 (HMAC-SHA256 of the raw body) and answer 401")
        );
    }

    #[test]
    fn rejects_unsigned_wants_a_4xx() {
        let s = Scenario::RejectsUnsigned;
        assert_eq!(
            judge(s, &[("no x-signature-256", status(400, "Bad Request"))]),
            pass("rejected with 400 Bad Request")
        );
        assert_eq!(
            judge(s, &[("no x-signature-256", status(302, "Found"))]),
            fail("answered 302 Found to unsigned webhooks; answer 4xx (e.g. 401) so it is refused, not retried")
        );
        assert_eq!(
            judge(s, &[("no x-signature-256", failed(ErrorClass::Reset, "connection reset by peer"))]),
            fail("no answer to unsigned webhooks: connection reset (connection reset by peer); answer 401")
        );
    }

    #[test]
    fn idempotent_duplicate_wants_both_copies_acknowledged() {
        let s = Scenario::IdempotentDuplicate;
        assert_eq!(
            judge(
                s,
                &[
                    ("first copy", ok()),
                    ("identical second copy", status(201, "Created"))
                ]
            ),
            pass("both copies answered 200/201")
        );
        assert_eq!(
            judge(s, &[("first copy", ok()), ("identical second copy", status(409, "Conflict"))]),
            fail("a duplicate was refused: identical second copy answered 409 Conflict; not 200 or 201; this delivery would be retried; acknowledge duplicates with 200 and skip them by x-payload-key, or WL retries them")
        );
    }

    #[test]
    fn out_of_order_wants_the_older_event_acknowledged() {
        let s = Scenario::OutOfOrder;
        assert_eq!(
            judge(
                s,
                &[
                    ("newer event", ok()),
                    ("older event for the same record", ok())
                ]
            ),
            pass("newer then older event both acknowledged")
        );
        assert_eq!(
            judge(s, &[("newer event", ok()), ("older event for the same record", status(422, "Unprocessable Entity"))]),
            fail("not acknowledged: older event for the same record answered 422 Unprocessable Entity; not 200 or 201; this delivery would be retried; acknowledge the older event and ignore it by x-generated-at — refusing it makes WL retry it")
        );
    }

    #[test]
    fn late_retry_wants_an_old_event_acknowledged() {
        let s = Scenario::LateRetry;
        let label = "generated two days ago, sent now";
        assert_eq!(
            judge(s, &[(label, ok())]),
            pass("an event generated two days ago was acknowledged")
        );
        assert_eq!(
            judge(s, &[(label, status(400, "Bad Request"))]),
            fail("refused a late retry: generated two days ago, sent now answered 400 Bad Request; not 200 or 201; this delivery would be retried; WL retries for up to 72 hours, so do not reject by x-generated-at age")
        );
    }

    #[test]
    fn responds_in_time_judges_every_answer_of_the_run() {
        let at = |ms| Timing {
            latency: Duration::from_millis(ms),
            timed_out: false,
        };
        let judge_run = |run: &[Timing]| {
            // Its own answers do not matter: only the run's timings do.
            Scenario::RespondsInTime.judge(&Evidence {
                answers: &[],
                run,
                timeout: TIMEOUT,
                accepts: None,
            })
        };
        assert_eq!(
            judge_run(&[at(5), at(10), at(2)]),
            pass("every answer within 10 s (p50 5.0 ms, p99 10.0 ms, max 10.0 ms)")
        );
        let late = Timing {
            latency: TIMEOUT,
            timed_out: true,
        };
        assert_eq!(
            judge_run(&[at(5), late, at(2)]),
            fail("1 of 3 deliveries got no answer within 10 s; WL retries those, so answer first and process later")
        );
        // A slow answer that still came in time passes; a timeout is what fails.
        assert_eq!(Timing::of(&failed(ErrorClass::Timeout, "x")), late);
        assert!(!Timing::of(&failed(ErrorClass::Reset, "x")).timed_out);
    }

    #[test]
    fn burst_wants_every_delivery_accepted_and_names_rate_limits() {
        let s = Scenario::Burst;
        let b = "burst delivery";
        assert_eq!(
            judge(s, &[(b, ok()), (b, ok()), (b, ok())]),
            pass("3 concurrent deliveries all answered 200/201")
        );
        let limited = status(429, "Too Many Requests");
        assert_eq!(
            judge(s, &[(b, ok()), (b, limited.clone()), (b, limited)]),
            fail("2 of 3 not accepted, 2 with 429 Too Many Requests; WL advises exempting webhook traffic from rate limits")
        );
        assert_eq!(
            judge(s, &[(b, ok()), (b, status(500, "Internal Server Error"))]),
            fail("1 of 2 not accepted — first: burst delivery answered 500 Internal Server Error; not 200 or 201; this delivery would be retried")
        );
    }

    /// A connection that got no answer in a burst, when the one-at-a-time scenarios were
    /// answered, is put down to the receiver serving one connection at a time.
    #[test]
    fn burst_names_concurrent_connections_when_some_get_no_answer() {
        let s = Scenario::Burst;
        let b = "burst delivery";
        let late = failed(ErrorClass::Timeout, "no answer within 10 s");
        let reset = failed(ErrorClass::Reset, "connection closed before an answer");
        assert_eq!(
            judge(s, &[(b, ok()), (b, late), (b, reset)]),
            fail("2 of 3 concurrent connections got no answer (first: timeout (no answer within 10 s)); the receiver cannot take that many connections at once (a single-threaded server, or a listen backlog below --burst: Python's socketserver allows 5), while WL may deliver several webhooks at once, each on its own connection (modelled): serve connections concurrently, with a larger backlog")
        );
        // A TLS failure is not about concurrency.
        let (verdict, reason) = judge(s, &[(b, failed(ErrorClass::Tls, "bad certificate"))]);
        assert_eq!(verdict, Verdict::Fail);
        assert!(reason.starts_with("1 of 1 not accepted"), "{reason}");
    }

    #[test]
    fn only_the_burst_is_left_out_of_the_runs_timings() {
        let left_out: Vec<_> = Scenario::ALL
            .into_iter()
            .filter(|s| !s.timed_in_the_run())
            .collect();
        assert_eq!(left_out, [Scenario::Burst]);
    }

    fn spellings(outcomes: [Outcome; 5]) -> Vec<(&'static str, Outcome)> {
        Spelling::ALL
            .into_iter()
            .map(Spelling::label)
            .zip(outcomes)
            .collect()
    }

    #[test]
    fn accepts_non_canonical_names_re_serialisation_when_only_the_plain_body_passes() {
        let s = Scenario::AcceptsNonCanonical;
        let no = || status(401, "Unauthorized");
        assert_eq!(
            judge(
                s,
                &spellings([ok(), ok(), status(201, "Created"), ok(), ok()])
            ),
            pass("the plain body and 4 spellings no re-serialiser reproduces were accepted")
        );
        // What a Node receiver verifying JSON.stringify(JSON.parse(body)) answers: it keeps raw
        // UTF-8 as it is, so only that spelling passes.
        assert_eq!(
            judge(s, &spellings([ok(), no(), no(), no(), ok()])),
            fail("signs re-serialised JSON instead of the raw body bytes: the plain body was accepted, but 3 of 4 other correctly signed spellings were refused: PHP json_encode escapes (\\/ and \\uXXXX) (401 Unauthorized), pretty-printed with a trailing newline (401 Unauthorized), numbers written 24.0 and 1e2 (401 Unauthorized); compute the HMAC over the request body exactly as received, before parsing it (not over JSON.stringify or json.dumps of the parsed body), or WL's own deliveries may all be refused")
        );
        // Refused for another reason than the signature: no claim about re-serialising.
        let broken = status(500, "Internal Server Error");
        assert_eq!(
            judge(s, &spellings([ok(), ok(), ok(), broken, ok()])),
            fail("1 of 4 correctly signed spellings were not accepted although the plain body was: numbers written 24.0 and 1e2 (500 Internal Server Error); each is valid JSON WL may send (modelled), so accept it as it comes")
        );
        // Nothing can be said when even the plain body is refused.
        assert_eq!(
            judge(s, &spellings([no(), no(), no(), no(), no()])),
            fail("the plain compact body (the event plus a wl_hook_probe field of plain values) answered 401 Unauthorized; fix that first (see accepts): until it is accepted, the other spellings tell nothing")
        );
        // When accepts took the same event without the field, the field is what was refused.
        let strict = || status(422, "Unprocessable Entity");
        let answers: Vec<Answered> = spellings([strict(), strict(), strict(), strict(), strict()])
            .into_iter()
            .map(|(label, outcome)| Answered {
                label: label.into(),
                key: None,
                outcome,
            })
            .collect();
        let accepts = [keyed("client.created", "the key", ok())];
        assert_eq!(
            judge_answers(s, &answers, Some(&accepts)),
            fail("the plain compact body (the event plus a wl_hook_probe field of plain values) answered 422 Unprocessable Entity although the same event without that field was accepted (accepts): the receiver refuses a top-level field it does not know; WL may add fields, so ignore the ones you do not use")
        );
        assert_eq!(judge(s, &[]), fail("nothing was sent"));
    }

    #[test]
    fn large_payload_wants_the_big_body_accepted() {
        let s = Scenario::LargePayload;
        let label = "purchase.created with 400 line items (285895 bytes)";
        assert_eq!(
            judge(s, &[(label, ok())]),
            pass("purchase.created with 400 line items (285895 bytes) accepted")
        );
        assert_eq!(
            judge(s, &[(label, status(413, "Payload Too Large"))]),
            fail("purchase.created with 400 line items (285895 bytes) answered 413 Payload Too Large; raise the receiver's body size limit")
        );
    }

    #[test]
    fn unknown_topic_only_warns() {
        let s = Scenario::UnknownTopic;
        assert_eq!(
            judge(s, &[(UNKNOWN_EVENT, ok())]),
            pass("a well-signed membership.created was acknowledged")
        );
        assert_eq!(
            judge(s, &[(UNKNOWN_EVENT, status(404, "Not Found"))]),
            (
                Verdict::Warn,
                "a well-signed membership.created answered 404 Not Found; acknowledge events you do not handle yet, or WL retries them for three days".into()
            )
        );
    }

    // What is sent, built at a pinned instant: no network.

    fn plan() -> Plan {
        let mut plan = Plan::new(
            reqwest::Url::parse("http://127.0.0.1:9/webhooks").expect("a valid URL"),
            Secret::new(b"receiver-key".to_vec()).expect("not empty"),
            FixtureSet::builtin(),
        );
        plan.events = vec!["client.created".into(), "purchase.created".into()];
        plan.burst = std::num::NonZeroUsize::new(7).expect("not zero");
        plan
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-03-01T12:00:00Z")
            .expect("a valid time")
            .with_timezone(&Utc)
    }

    fn requests(s: Scenario) -> Vec<Request> {
        s.requests(&plan(), now()).expect("built")
    }

    fn head<'a>(r: &'a Request, name: &str) -> Option<&'a str> {
        protocol::header_value(&r.headers, name)
    }

    fn verifies(r: &Request) -> bool {
        let key = plan().key;
        head(r, header::SIGNATURE).is_some_and(|sig| protocol::verify(&[key], &r.body, sig).is_ok())
    }

    fn ts(at: DateTime<Utc>) -> String {
        protocol::timestamp::format(at)
    }

    #[test]
    fn each_scenario_sends_what_its_name_says() {
        let accepts = requests(Scenario::Accepts);
        let topics: Vec<_> = accepts.iter().map(|r| head(r, header::TOPIC)).collect();
        assert_eq!(topics, [Some("client.created"), Some("purchase.created")]);
        assert!(accepts.iter().all(verifies));
        assert!(accepts
            .iter()
            .all(|r| head(r, header::SENT_AT) == Some(ts(now()).as_str())));

        let forged = requests(Scenario::RejectsForged);
        assert_eq!(forged.len(), 5);
        assert!(forged.iter().all(|r| !verifies(r)));
        let sig = |i: usize| head(&forged[i], header::SIGNATURE).expect("signed");
        let dev = protocol::dev_secret();
        assert!(protocol::verify(std::slice::from_ref(&dev), &forged[1].body, sig(1)).is_ok());
        assert_eq!(sig(2).len() * 2, sig(0).len());
        let right = plan().fidelity.signature(&plan().key, &forged[2].body);
        assert!(right.starts_with(sig(2)), "{right} {}", sig(2));
        assert!(sig(3).len() == sig(0).len() && sig(3).bytes().all(|b| b == b'z'));
        assert_eq!(sig(4), "");
        // No forgery with the development key when it is one of the receiver's keys.
        let mut with_dev = plan();
        with_dev.key = dev;
        let forged = Scenario::RejectsForged
            .requests(&with_dev, now())
            .expect("built");
        assert_eq!(forged.len(), 4);
        assert!(forged.iter().all(|r| !r.label.contains("development")));
        let tampered = requests(Scenario::RejectsTampered);
        assert!(head(&tampered[0], header::SIGNATURE).is_some() && !verifies(&tampered[0]));
        assert!(serde_json::from_slice::<Value>(&tampered[0].body).is_ok());
        let unsigned = requests(Scenario::RejectsUnsigned);
        assert_eq!(head(&unsigned[0], header::SIGNATURE), None);

        let dup = requests(Scenario::IdempotentDuplicate);
        assert_eq!(dup.len(), 2);
        assert_eq!(
            (&dup[0].headers, &dup[0].body),
            (&dup[1].headers, &dup[1].body)
        );

        let order = requests(Scenario::OutOfOrder);
        let hour_ago = now() - chrono::Duration::hours(1);
        assert_eq!(
            head(&order[0], header::GENERATED_AT),
            Some(ts(now()).as_str())
        );
        assert_eq!(
            head(&order[1], header::GENERATED_AT),
            Some(ts(hour_ago).as_str())
        );
        assert_eq!(head(&order[1], header::SENT_AT), Some(ts(now()).as_str()));
        assert_eq!(head(&order[1], header::TOPIC), Some("client.created"));

        let late = &requests(Scenario::LateRetry)[0];
        let two_days_ago = now() - chrono::Duration::days(2);
        assert_eq!(
            head(late, header::GENERATED_AT),
            Some(ts(two_days_ago).as_str())
        );
        assert_eq!(head(late, header::SENT_AT), Some(ts(now()).as_str()));
        assert!(verifies(late));

        assert_eq!(requests(Scenario::RespondsInTime).len(), 1);
        let burst = requests(Scenario::Burst);
        assert_eq!(burst.len(), 7);
        assert!(burst.iter().all(verifies));
        assert!(Scenario::Burst.at_once() && !Scenario::Accepts.at_once());

        let large = &requests(Scenario::LargePayload)[0];
        let body: Value = serde_json::from_slice(&large.body).expect("JSON");
        assert_eq!(
            body["purchase_items"].as_array().map(Vec::len),
            Some(LARGE_ITEMS)
        );
        assert_eq!(
            large.label,
            format!(
                "purchase.created with 400 line items ({} bytes)",
                large.body.len()
            )
        );
        assert!(verifies(large));

        let unknown = &requests(Scenario::UnknownTopic)[0];
        assert_eq!(head(unknown, header::TOPIC), Some(UNKNOWN_EVENT));
        let body: Value = serde_json::from_slice(&unknown.body).expect("JSON");
        assert_eq!(body["meta_data"]["topic"], UNKNOWN_EVENT);
        assert!(verifies(unknown));
    }

    /// Each spelling is signed over its own bytes; both common re-serialisers reproduce the
    /// plain one and neither reproduces all the others.
    #[test]
    fn accepts_non_canonical_sends_spellings_a_re_serialiser_cannot_reproduce() {
        let sent = requests(Scenario::AcceptsNonCanonical);
        let labels: Vec<_> = sent.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, Spelling::ALL.map(Spelling::label));
        assert!(sent.iter().all(verifies));
        assert!(sent
            .iter()
            .all(|r| head(r, header::TOPIC) == Some("client.created")));
        let text = |i: usize| String::from_utf8(sent[i].body.to_vec()).expect("UTF-8");
        let parsed = |i: usize| -> Value { serde_json::from_slice(&sent[i].body).expect("JSON") };
        // serde_json keeps key order and writes what JSON.stringify does for these bodies;
        // Python's json.dumps(..., separators=(",", ":")) escapes non-ASCII as PHP does, but
        // not `/`.
        let node = |i: usize| serde_json::to_vec(&parsed(i)).expect("serialises");
        let python = |i: usize| {
            let php = String::from_utf8(JsonStyle::Php.to_vec(&parsed(i))).expect("UTF-8");
            php.replace("\\/", "/").into_bytes()
        };
        assert_eq!(
            (node(0), python(0)),
            (sent[0].body.to_vec(), sent[0].body.to_vec())
        );
        // Python reproduces none of the others; JSON.stringify keeps raw UTF-8 only.
        let reproduced: Vec<(bool, bool)> = (1..sent.len())
            .map(|i| (node(i) == sent[i].body, python(i) == sent[i].body))
            .collect();
        assert_eq!(
            reproduced,
            [
                (false, false),
                (false, false),
                (false, false),
                (true, false)
            ]
        );
        assert!(text(0).ends_with(
            r#","wl_hook_probe":{"text_note":"Zoe's cafe in Tokyo","f_amount":24,"f_scale":100}}"#
        ));
        assert!(text(1).ends_with(
            r#","wl_hook_probe":{"text_note":"Zo\u00eb\u2019s caf\u00e9 \u00b7 T\u014dky\u014d\/\u6771\u4eac \ud83d\ude00","f_amount":24,"f_scale":100}}"#
        ));
        assert!(text(1).is_ascii() && text(1).contains(r#"https:\/\/"#));
        assert!(text(2).starts_with("{\n    \"") && text(2).ends_with("\n}\n"));
        assert!(text(3).ends_with(r#""f_amount":24.0,"f_scale":1e2}}"#));
        assert!(text(4).contains("Tōkyō/東京 😀"));
        // The same event in every spelling, only the probe's values differ.
        let parsed: Vec<Value> = sent
            .iter()
            .map(|r| serde_json::from_slice(&r.body).expect("valid JSON"))
            .collect();
        for p in &parsed {
            assert_eq!(p["uid"], parsed[0]["uid"]);
            assert_eq!(p["meta_data"]["date"], parsed[0]["meta_data"]["date"]);
        }
        assert_eq!(parsed[3][PROBE_FIELD]["f_scale"], 100.0);
    }

    #[test]
    fn only_responds_in_time_judges_the_run() {
        let run_wide: Vec<_> = Scenario::ALL
            .into_iter()
            .filter(|s| s.judges_the_run())
            .collect();
        assert_eq!(run_wide, [Scenario::RespondsInTime]);
    }
}
