//! The checks `verify` runs on one request, each a pass, fail, warning or skip with a one-line
//! reason, gathered into a [`Report`].

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use sha2::Digest;

use super::{diagnose, shown, BodyForm, Request};
use crate::duration::human_signed;
use crate::json::TopLevel;
use crate::protocol::signature::{self, SignatureError};
use crate::protocol::timestamp::{self, TimestampForm};
use crate::protocol::{
    header, header_value, topics, Fidelity, PayloadKeyRule, Secret, JSON_CONTENT_TYPE,
    RETRY_WINDOW_HOURS,
};

/// The checks in the order they run and are reported.
pub const CHECK_NAMES: [&str; 9] = [
    "signature",
    "payload-key",
    "event",
    "content-type",
    "body-json",
    "generated-at",
    "sent-at-order",
    "age",
    "future",
];

/// A key to verify with, and how to name it in reports (never by its value).
#[derive(Debug, Clone)]
pub struct NamedKey {
    /// Where the key came from, e.g. `--secret #2` or `WL_HOOK_SECRET`.
    pub label: String,
    pub key: Secret,
}

/// The clock and limits the time checks use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOptions {
    pub now: DateTime<Utc>,
    /// Fail events older than this; without it, age past WL's retry window is only a warning.
    pub max_age: Option<Duration>,
    /// How far in the future `x-generated-at` may be before it fails (clock skew).
    pub skew: Duration,
    /// Compute the signature the first key gives (another pass over the body).
    pub show_expected: bool,
    /// Warnings count as failures (`--strict`).
    pub strict: bool,
    /// Check the signature; false skips it (`listen --no-verify`).
    pub check_signature: bool,
    /// How WL's unknowns are modelled: the signature's spelling, the payload-key rule, the
    /// timestamp format.
    pub fidelity: Fidelity,
    /// Give passing checks their one-line reason; false leaves it empty, for callers that
    /// show only findings (listen, `verify -q`) and need not pay for formatting it.
    pub pass_reasons: bool,
    /// Body fields whose value is the record id, reported in [`Report::body_top`] by the same
    /// pass that checks the body is JSON.
    pub record_id_fields: &'static [&'static str],
}

/// Bodies at least this large are hashed and scanned on several threads.
const PARALLEL_FROM: usize = 1 << 20;

impl CheckOptions {
    /// The default allowed clock skew.
    pub const DEFAULT_SKEW: Duration = Duration::minutes(5);

    /// Options with the clock at `now`, no maximum age and the default skew.
    pub fn at(now: DateTime<Utc>) -> CheckOptions {
        CheckOptions {
            now,
            max_age: None,
            skew: Self::DEFAULT_SKEW,
            show_expected: false,
            strict: false,
            check_signature: true,
            fidelity: Fidelity::default(),
            pass_reasons: true,
            record_id_fields: &[],
        }
    }
}

impl Default for CheckOptions {
    fn default() -> CheckOptions {
        CheckOptions::at(Utc::now())
    }
}

/// The verdict of one check. Only `Fail` makes a request invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Warn,
    Skip,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Warn => "warn",
            Status::Skip => "skip",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One check's verdict and its one-line reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub status: Status,
    pub detail: String,
}

impl Check {
    /// True when it makes the request invalid: a failure, or a warning under `--strict`.
    pub fn fails(&self, strict: bool) -> bool {
        self.status == Status::Fail || strict && self.status == Status::Warn
    }
}

/// Everything `verify` found about one request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// False iff any check failed.
    pub valid: bool,
    pub checks: Vec<Check>,
    /// When the signature fails: what cause fits, in sentences a user can act on.
    pub diagnosis: Vec<String>,
    /// The label of the key the signature matched.
    pub matched_key: Option<String>,
    /// The signature the first key gives over the body. Not secret, but shown only on request
    /// (`--show-expected`): printing it by default invites pasting it into the request.
    pub expected_signature: Option<String>,
    /// The body's SHA-256, when the payload-key check computed it (for callers that need it
    /// too, so the body is hashed once).
    #[serde(skip)]
    pub body_sha256: Option<[u8; 32]>,
    /// The body's top level (field count, record id), when it is JSON.
    #[serde(skip)]
    pub body_top: Option<TopLevel>,
    /// The clock the time checks read (`CheckOptions::now`).
    #[serde(skip)]
    pub judged_at: DateTime<Utc>,
}

impl Report {
    /// The check with this name.
    pub fn check(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }

    /// The first check that makes the request invalid, in report order.
    pub fn first_failure(&self, strict: bool) -> Option<&Check> {
        self.checks.iter().find(|c| c.fails(strict))
    }
}

/// Run every check on `req`. With no keys, wl-hook's development key is used, as elsewhere.
pub fn check(req: &Request, keys: &[NamedKey], opts: &CheckOptions) -> Report {
    let dev;
    let keys = if keys.is_empty() {
        dev = [diagnose::dev_named_key()];
        &dev[..]
    } else {
        keys
    };
    let get = |name| header_value(&req.headers, name);
    let generated = get(header::GENERATED_AT).map(timestamp::parse);
    let generated_at = generated
        .as_ref()
        .and_then(|g| g.as_ref().ok())
        .map(|g| g.0);

    let reasons = opts.pass_reasons;
    let BodyChecks {
        signature: (signature, matched_key),
        payload_key: (payload_key, body_sha256),
        body_json: (body_json, body_top),
    } = body_checks(req, keys, opts);
    let diagnosis = if signature.status == Status::Fail && opts.check_signature {
        diagnose::diagnose(req, keys)
    } else {
        Vec::new()
    };
    let mut checks = vec![
        signature,
        payload_key,
        event_check(get(header::TOPIC), reasons),
        content_type_check(get(header::CONTENT_TYPE), reasons),
        body_json,
        generated_at_check(
            get(header::GENERATED_AT),
            &generated,
            &opts.fidelity,
            reasons,
        ),
        sent_at_order_check(generated_at, get(header::SENT_AT), reasons),
        age_check(generated_at, opts),
        future_check(generated_at, opts),
    ];
    // Only a request that is not a POST gets this check (listen answers it 405): WL's
    // deliveries all are, so the usual report is unchanged.
    if !req.method.eq_ignore_ascii_case("POST") {
        checks.push(make(
            "method",
            Status::Fail,
            format!("{}, but WL sends POST", shown(&req.method)),
        ));
    }
    Report {
        valid: checks.iter().all(|c| !c.fails(opts.strict)),
        checks,
        diagnosis,
        matched_key,
        expected_signature: opts
            .show_expected
            .then(|| {
                keys.first()
                    .map(|k| opts.fidelity.signature(&k.key, &req.body))
            })
            .flatten(),
        judged_at: opts.now,
        body_sha256,
        body_top,
    }
}

/// The three checks that read the body, with what they found on the way.
struct BodyChecks {
    /// The signature check and the label of the key it matched.
    signature: (Check, Option<String>),
    /// The payload-key check and the body's SHA-256, when it was computed.
    payload_key: (Check, Option<[u8; 32]>),
    /// The body-json check and the body's top level, when it is JSON.
    body_json: (Check, Option<TopLevel>),
}

/// The checks that pass over the body: side by side on threads when it is large enough to
/// matter; skipped, with the reason, when the receiver did not read it.
fn body_checks(req: &Request, keys: &[NamedKey], opts: &CheckOptions) -> BodyChecks {
    let reasons = opts.pass_reasons;
    let fields = opts.record_id_fields;
    let signature_check = |req: &Request, keys: &[NamedKey]| {
        if opts.check_signature {
            signature_check(req, keys, &opts.fidelity, reasons)
        } else {
            (
                make("signature", Status::Skip, "not checked (--no-verify)"),
                None,
            )
        }
    };
    if let Some(why) = &req.body_omitted {
        // Nothing to check the signature against: the request is invalid for that reason.
        let not_read = format!("the receiver did not read the body ({})", shown(why));
        let skipped = |name| make(name, Status::Skip, format!("not checked: {not_read}"));
        BodyChecks {
            signature: (skipped("signature"), None),
            payload_key: (skipped("payload-key"), None),
            body_json: (make("body-json", Status::Fail, not_read.clone()), None),
        }
    } else if req.body.len() >= PARALLEL_FROM {
        std::thread::scope(|s| {
            let payload = s.spawn(|| payload_key_check(req, opts.fidelity.payload_key, reasons));
            let json = s.spawn(|| body_json_check(&req.body, fields, reasons));
            let signature = signature_check(req, keys);
            let lost = |name| {
                make(
                    name,
                    Status::Fail,
                    "internal error: the check did not finish",
                )
            };
            BodyChecks {
                signature,
                payload_key: payload
                    .join()
                    .unwrap_or_else(|_| (lost("payload-key"), None)),
                body_json: json.join().unwrap_or_else(|_| (lost("body-json"), None)),
            }
        })
    } else {
        BodyChecks {
            signature: signature_check(req, keys),
            payload_key: payload_key_check(req, opts.fidelity.payload_key, reasons),
            body_json: body_json_check(&req.body, fields, reasons),
        }
    }
}

/// A passing check, its reason formatted only when wanted.
fn pass(name: &'static str, reasons: bool, detail: impl FnOnce() -> String) -> Check {
    Check {
        name,
        status: Status::Pass,
        detail: if reasons { detail() } else { String::new() },
    }
}

fn make(name: &'static str, status: Status, detail: impl Into<String>) -> Check {
    Check {
        name,
        status,
        detail: detail.into(),
    }
}

fn labels(keys: &[NamedKey]) -> String {
    keys.iter()
        .map(|k| k.label.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn signature_check(
    req: &Request,
    keys: &[NamedKey],
    fidelity: &Fidelity,
    reasons: bool,
) -> (Check, Option<String>) {
    let name = "signature";
    let values: Vec<&str> = req
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(header::SIGNATURE))
        .map(|(_, v)| v.as_str())
        .collect();
    let Some(first) = values.first() else {
        return (make(name, Status::Fail, "no x-signature-256 header"), None);
    };
    if values.len() == 1 {
        return one_signature(req, keys, first, fidelity, reasons);
    }
    // Several headers (a proxy that added one, a sender that signs twice): each is checked, and
    // the report says which matched; more than one header is a warning at best.
    let checked: Vec<(Check, Option<String>)> = values
        .iter()
        .map(|v| one_signature(req, keys, v, fidelity, true))
        .collect();
    let n = values.len();
    match checked.iter().position(|(c, _)| c.status != Status::Fail) {
        Some(i) => {
            let (c, label) = &checked[i];
            let detail = format!(
                "{n} x-signature-256 headers; #{} {}: send one",
                i + 1,
                c.detail
            );
            (make(name, Status::Warn, detail), label.clone())
        }
        None => {
            let each: Vec<String> = checked
                .iter()
                .enumerate()
                .map(|(i, (c, _))| format!("#{} {}", i + 1, c.detail))
                .collect();
            let detail = format!(
                "{n} x-signature-256 headers, none matches: {}",
                each.join("; ")
            );
            (make(name, Status::Fail, detail), None)
        }
    }
}

/// The HMAC bytes an `x-signature-256` value holds, read as the fidelity models it, and what
/// about its spelling departs from the model (each a warning). A value spelt another way that
/// still holds 32 bytes (the other encoding, a `sha256=` prefix, upper-case hex) is read too.
fn read_signature(
    value: &str,
    fidelity: &Fidelity,
) -> Result<([u8; 32], Vec<String>), SignatureError> {
    let mut odd = Vec::new();
    let strip = |s: &'_ str, p: &str| -> Option<usize> {
        (!p.is_empty() && s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p)))
            .then_some(p.len())
    };
    let rest = if let Some(n) = strip(value, &fidelity.prefix) {
        &value[n..]
    } else if let Some(n) = strip(value, "sha256=") {
        odd.push(format!(
            "carries a '{}' prefix (modelled: {})",
            &value[..n],
            fidelity.signature_form()
        ));
        &value[n..]
    } else {
        if !fidelity.prefix.is_empty() {
            odd.push(format!(
                "lacks the '{}' prefix (modelled: {})",
                fidelity.prefix,
                fidelity.signature_form()
            ));
        }
        value
    };
    let wanted = fidelity.encoding;
    if let Some(bytes) = wanted.decode(rest) {
        if wanted == crate::protocol::SignatureEncoding::Hex
            && rest.bytes().any(|b| b.is_ascii_uppercase())
        {
            odd.push(format!(
                "uses upper-case hex (modelled: {})",
                fidelity.signature_form()
            ));
        }
        return Ok((bytes, odd));
    }
    // Another encoding is not read: it fails, and the diagnosis names it (and the switch).
    match wanted {
        crate::protocol::SignatureEncoding::Hex => {
            signature::parse_signature(rest).map(|p| (p.bytes, odd))
        }
        crate::protocol::SignatureEncoding::Base64 if rest.is_empty() => Err(SignatureError::Empty),
        crate::protocol::SignatureEncoding::Base64 => Err(SignatureError::NotBase64),
    }
}

/// The verdict on one `x-signature-256` value.
fn one_signature(
    req: &Request,
    keys: &[NamedKey],
    value: &str,
    fidelity: &Fidelity,
    reasons: bool,
) -> (Check, Option<String>) {
    let name = "signature";
    // A loose form's JSON-value body has no known exact bytes: say what was checked.
    let over = match req.body_form {
        BodyForm::Exact => String::new(),
        BodyForm::CompactJson => format!(
            "; the loose form's JSON-value body was checked as {}",
            req.body_form
        ),
    };
    let secrets: Vec<Secret> = keys.iter().map(|k| k.key.clone()).collect();
    let verified = read_signature(value, fidelity).and_then(|(bytes, odd)| {
        let parsed = signature::ParsedSignature {
            bytes,
            deviations: Vec::new(),
        };
        signature::verify_parsed(&secrets, &req.body, &parsed).map(|i| (i, odd))
    });
    match verified {
        Ok((key_index, deviations)) => {
            let label = keys[key_index].label.clone();
            let check = if deviations.is_empty() {
                pass(name, reasons, || {
                    format!("HMAC-SHA256 of the body matches with {label}{over}")
                })
            } else {
                let devs = deviations;
                make(
                    name,
                    Status::Warn,
                    format!(
                        "matches with {label}, but the value {}{over}",
                        devs.join(" and ")
                    ),
                )
            };
            (check, Some(label))
        }
        Err(SignatureError::Mismatch) => (
            make(
                name,
                Status::Fail,
                format!("does not match the body with {}{over}", labels(keys)),
            ),
            None,
        ),
        Err(e) => (make(name, Status::Fail, e.to_string()), None),
    }
}

/// The payload-key check, and the body's SHA-256 when it was computed.
fn payload_key_check(
    req: &Request,
    rule: PayloadKeyRule,
    reasons: bool,
) -> (Check, Option<[u8; 32]>) {
    let name = "payload-key";
    if rule == PayloadKeyRule::None {
        let why = "not checked: --payload-key none (WL documents no rule)";
        return (make(name, Status::Skip, why), None);
    }
    let Some(value) = header_value(&req.headers, header::PAYLOAD_KEY) else {
        let why = "no x-payload-key header (receivers de-duplicate by it)";
        return (make(name, Status::Warn, why), None);
    };
    let digest: [u8; 32] = sha2::Sha256::digest(&req.body).into();
    let value = value.trim();
    let check = if hex_equals(value, &digest) {
        pass(name, reasons, || "equals the SHA-256 of the body".into())
    } else {
        payload_key_finding(value, &signature::hex32(&digest))
    };
    (check, Some(digest))
}

/// Whether `value` is the lower-case hex spelling of `bytes`.
fn hex_equals(value: &str, bytes: &[u8; 32]) -> bool {
    let mut spelt = [0u8; 64];
    hex::encode_to_slice(bytes, &mut spelt).is_ok() && value.as_bytes() == spelt
}

/// What a payload key that is not the lower-case hex SHA-256 of the body is.
fn payload_key_finding(value: &str, want: &str) -> Check {
    let name = "payload-key";
    if value.eq_ignore_ascii_case(want) {
        make(
            name,
            Status::Warn,
            "equals the SHA-256 of the body, but in upper-case hex (modelled: lower-case)",
        )
    } else {
        // WL documents no rule for the key precisely: a finding, not a verdict.
        make(
            name,
            Status::Warn,
            format!(
                "is {}, but the SHA-256 of the body is {want} (the rule is modelled: WL documents none)",
                shown(value)
            ),
        )
    }
}

fn event_check(topic: Option<&str>, reasons: bool) -> Check {
    let name = "event";
    let Some(topic) = topic else {
        return make(name, Status::Fail, "no x-topic header");
    };
    match topics::event(topic) {
        Some(e) if e.name == topic => pass(name, reasons, || {
            format!("{} ({})", e.name, e.family.seed_name())
        }),
        Some(e) => make(
            name,
            Status::Warn,
            format!(
                "'{}' names {} only when read case-insensitively",
                shown(topic),
                e.name
            ),
        ),
        None => make(
            name,
            Status::Warn,
            format!("unknown event '{}' (not one of WL's 13)", shown(topic)),
        ),
    }
}

fn content_type_check(value: Option<&str>, reasons: bool) -> Check {
    let name = "content-type";
    let Some(value) = value else {
        return make(
            name,
            Status::Warn,
            "no content-type header (WL sends application/json)",
        );
    };
    // Parameters such as `charset=utf-8` do not change the media type.
    let media = value.split(';').next().unwrap_or("").trim();
    if media.eq_ignore_ascii_case(JSON_CONTENT_TYPE) {
        pass(name, reasons, || shown(value))
    } else if media.to_ascii_lowercase().ends_with("+json") {
        make(
            name,
            Status::Warn,
            format!("{} is JSON, but WL sends application/json", shown(value)),
        )
    } else {
        make(
            name,
            Status::Warn,
            format!("{} is not application/json", shown(value)),
        )
    }
}

/// The body-json check, and the body's top level (with the record id among `fields`) when it
/// is JSON.
fn body_json_check(body: &[u8], fields: &[&str], reasons: bool) -> (Check, Option<TopLevel>) {
    let name = "body-json";
    if body.is_empty() {
        return (make(name, Status::Fail, "the body is empty"), None);
    }
    match crate::json::scan(body, fields, None) {
        Ok(top) => {
            let check = match top.object_fields {
                Some(n) => pass(name, reasons, || {
                    format!("a JSON object with {n} top-level fields")
                }),
                None => make(
                    name,
                    Status::Warn,
                    "valid JSON, but not an object (WL bodies are objects)",
                ),
            };
            (check, Some(top))
        }
        Err(e) => (make(name, Status::Fail, format!("not JSON: {e}")), None),
    }
}

type Parsed = Result<(DateTime<Utc>, TimestampForm), timestamp::TimestampError>;

/// `raw (form)`, plus wl-hook's own form when the raw text differs from it.
fn describe_time(raw: &str, t: DateTime<Utc>, form: TimestampForm) -> String {
    let raw = raw.trim();
    let canonical = timestamp::format(t);
    if raw == canonical {
        format!("{raw} ({form})")
    } else {
        format!("{} ({form}) = {canonical}", shown(raw))
    }
}

fn generated_at_check(
    raw: Option<&str>,
    parsed: &Option<Parsed>,
    fidelity: &Fidelity,
    reasons: bool,
) -> Check {
    let name = "generated-at";
    match (raw, parsed) {
        (Some(raw), Some(Ok((t, form)))) if fidelity.timestamp.matches(*form) => {
            pass(name, reasons, || describe_time(raw, *t, *form))
        }
        // Read, but not written the modelled way: a finding, as WL documents no format.
        (Some(raw), Some(Ok((t, form)))) => make(
            name,
            Status::Warn,
            format!(
                "{}, not the modelled format ({}; --timestamp-format says which is)",
                describe_time(raw, *t, *form),
                fidelity.timestamp.name()
            ),
        ),
        (_, Some(Err(e))) => make(name, Status::Fail, format!("x-generated-at {e}")),
        _ => make(name, Status::Fail, "no x-generated-at header"),
    }
}

fn sent_at_order_check(
    generated: Option<DateTime<Utc>>,
    sent: Option<&str>,
    reasons: bool,
) -> Check {
    let name = "sent-at-order";
    let Some(raw) = sent else {
        return make(
            name,
            Status::Warn,
            "no x-sent-at header (WL sends one on every attempt)",
        );
    };
    let (sent, form) = match timestamp::parse(raw) {
        Ok(p) => p,
        Err(e) => return make(name, Status::Fail, format!("x-sent-at {e}")),
    };
    let Some(generated) = generated else {
        return make(
            name,
            Status::Skip,
            "x-generated-at is missing or unreadable",
        );
    };
    let sent_text = || describe_time(raw, sent, form);
    let gap = sent - generated;
    // A time written in whole seconds is up to a second earlier than the instant it stands
    // for: x-sent-at in the same second as a finer x-generated-at is not out of order.
    let whole_seconds = matches!(
        form,
        TimestampForm::UnixSeconds | TimestampForm::Rfc3339 | TimestampForm::SqlDateTime
    );
    if gap < Duration::zero() && whole_seconds && -gap < Duration::seconds(1) {
        pass(name, reasons, || {
            format!(
                "x-sent-at {} is in the same second as x-generated-at",
                sent_text()
            )
        })
    } else if gap < Duration::zero() {
        make(
            name,
            Status::Fail,
            format!(
                "x-sent-at {} is {} before x-generated-at",
                sent_text(),
                human_signed(-gap)
            ),
        )
    } else if gap.is_zero() {
        pass(name, reasons, || {
            format!(
                "x-sent-at {} is the same time as x-generated-at",
                sent_text()
            )
        })
    } else {
        pass(name, reasons, || {
            format!(
                "x-sent-at {} is {} after x-generated-at",
                sent_text(),
                human_signed(gap)
            )
        })
    }
}

fn age_check(generated: Option<DateTime<Utc>>, opts: &CheckOptions) -> Check {
    let name = "age";
    let Some(generated) = generated else {
        return make(
            name,
            Status::Skip,
            "x-generated-at is missing or unreadable",
        );
    };
    let age = opts.now - generated;
    let window = Duration::hours(RETRY_WINDOW_HOURS);
    if age <= Duration::zero() {
        return pass(name, opts.pass_reasons, || {
            "generated now or later (see future)".into()
        });
    }
    let ago = || human_signed(age);
    match opts.max_age {
        Some(max) if age > max => make(
            name,
            Status::Fail,
            format!(
                "generated {} ago, older than the maximum age of {}",
                ago(),
                human_signed(max)
            ),
        ),
        _ if age > window => make(
            name,
            Status::Warn,
            format!(
                "generated {} ago, older than WL's {RETRY_WINDOW_HOURS}-hour retry window: not even a retry arrives this late",
                ago()
            ),
        ),
        _ => pass(name, opts.pass_reasons, || {
            format!(
                "generated {} ago, inside WL's {RETRY_WINDOW_HOURS}-hour retry window",
                ago()
            )
        }),
    }
}

fn future_check(generated: Option<DateTime<Utc>>, opts: &CheckOptions) -> Check {
    let name = "future";
    let Some(generated) = generated else {
        return make(
            name,
            Status::Skip,
            "x-generated-at is missing or unreadable",
        );
    };
    let ahead = generated - opts.now;
    let skew = || human_signed(opts.skew);
    if ahead > opts.skew {
        make(
            name,
            Status::Fail,
            format!(
                "generated {} in the future, beyond the allowed clock skew of {}",
                human_signed(ahead),
                skew()
            ),
        )
    } else if ahead > Duration::zero() {
        pass(name, opts.pass_reasons, || {
            format!(
                "generated {} in the future, within the allowed clock skew of {}",
                human_signed(ahead),
                skew()
            )
        })
    } else {
        pass(name, opts.pass_reasons, || "not in the future".into())
    }
}
