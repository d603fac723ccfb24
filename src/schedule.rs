//! Retry schedules (WellnessLiving's modelled one, other senders', custom ones) as pure functions
//! that turn a policy into the planned attempts `replay` runs on its simulated clock.

use std::fmt;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::duration;

/// No schedule may plan more attempts than this: beyond it a schedule is a typo, not a test.
pub const MAX_ATTEMPTS: u32 = 1000;

/// The valid forms, quoted in every parse error so the user can copy one.
const FORMS: &str = "wellnessliving, svix, standard-webhooks, \
                     exponential:base=1m,factor=2,cap=12h,horizon=72h or list:5s,5m,30m";

const SVIX: [u64; 7] = [5, 300, 1800, 7200, 18_000, 36_000, 36_000];
const STANDARD_WEBHOOKS: [u64; 9] = [5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 86_400];

/// Why a schedule could not be parsed or planned.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScheduleError {
    #[error("unknown schedule '{0}'; use {FORMS}")]
    Unknown(String),
    #[error("invalid schedule '{spec}': {reason}; use {FORMS}")]
    Invalid { spec: String, reason: String },
    #[error("--max-attempts must be at least 1")]
    ZeroAttempts,
    #[error("jitter {0}% is out of range; use 0 to 100")]
    Jitter(f64),
    #[error("schedule never ends (it has no horizon); set --max-attempts or a horizon")]
    NeverEnds,
    #[error("schedule has more than {MAX_ATTEMPTS} attempts; set --max-attempts or a horizon")]
    TooManyAttempts,
    #[error("a delay grows too large to represent; set a cap, a horizon or fewer attempts")]
    Overflow,
}

/// Exponential backoff: retry `n` (0-based) waits `base * factor^n`, at most `cap`, and no attempt
/// is planned later than `horizon` after the first. `None` means no cap / no horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct Exponential {
    pub base: Duration,
    pub factor: f64,
    pub cap: Option<Duration>,
    pub horizon: Option<Duration>,
}

impl Default for Exponential {
    /// The parameters of the modelled `wellnessliving` schedule.
    fn default() -> Self {
        Self {
            base: Duration::from_secs(60),
            factor: 2.0,
            cap: Some(Duration::from_secs(12 * 3600)),
            horizon: Some(Duration::from_secs(72 * 3600)),
        }
    }
}

impl Exponential {
    /// Checked again when planning because the fields are public and need not come from a parse.
    fn validate(&self) -> Result<(), String> {
        if self.base.is_zero() {
            return Err("base must be above 0".into());
        }
        if !self.factor.is_finite() || self.factor < 1.0 {
            return Err(format!(
                "factor {} must be a number of at least 1",
                self.factor
            ));
        }
        if let Some(cap) = self.cap {
            if cap < self.base {
                return Err(format!(
                    "cap ({}) is below base ({})",
                    duration::human(cap),
                    duration::human(self.base)
                ));
            }
        }
        if self.horizon.is_some_and(|h| h.is_zero()) {
            return Err("horizon must be above 0; write horizon=none for no limit".into());
        }
        Ok(())
    }

    /// Nominal delay in seconds before retry `retry` (0-based); may be infinite without a cap.
    fn delay_secs(&self, retry: u32) -> f64 {
        let exponent = i32::try_from(retry).unwrap_or(i32::MAX);
        let secs = self.base.as_secs_f64() * self.factor.powi(exponent);
        self.cap.map_or(secs, |cap| secs.min(cap.as_secs_f64()))
    }
}

/// Which delays separate the attempts.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Policy {
    /// MODELLED: WL publishes no intervals, only "exponential backoff for up to three days".
    #[default]
    WellnessLiving,
    Svix,
    StandardWebhooks,
    Exponential(Exponential),
    /// Explicit delays between attempts; 0 is allowed and means an immediate retry.
    List(Vec<Duration>),
}

/// Parse a `--schedule` value; see [`Policy`] and the error text for the forms.
///
/// Names and keys are case-insensitive. In `exponential:` every key is optional (defaults
/// base=1m, factor=2, cap=12h, horizon=72h). `cap=none` removes the cap; `horizon=none` removes
/// the horizon, which makes the schedule endless, so it then needs `max_attempts`. `horizon=0`
/// and `cap=0` are refused rather than guessed at: 0 reads as "no limit" to some people and as
/// "no retries" to others.
pub fn parse_policy(spec: &str) -> Result<Policy, ScheduleError> {
    let lower = spec.trim().to_ascii_lowercase();
    let invalid = |reason: String| ScheduleError::Invalid {
        spec: spec.trim().to_string(),
        reason,
    };
    let (name, args) = match lower.split_once(':') {
        Some((name, args)) => (name.trim(), Some(args)),
        None => (lower.as_str(), None),
    };
    match (name, args) {
        ("wellnessliving", None) => Ok(Policy::WellnessLiving),
        ("svix", None) => Ok(Policy::Svix),
        ("standard-webhooks", None) => Ok(Policy::StandardWebhooks),
        ("exponential", args) => parse_exponential(args.unwrap_or("")).map_err(invalid),
        ("list", Some(args)) => parse_list(args).map_err(invalid),
        ("list", None) => Err(invalid("list needs delays, e.g. list:5s,5m,30m".into())),
        ("wellnessliving" | "svix" | "standard-webhooks", Some(_)) => {
            Err(invalid(format!("'{name}' takes no parameters")))
        }
        _ => Err(ScheduleError::Unknown(spec.trim().to_string())),
    }
}

fn parse_exponential(args: &str) -> Result<Policy, String> {
    let mut exp = Exponential::default();
    let mut seen: Vec<&str> = Vec::new();
    for pair in args.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (key, value) = pair
            .split_once('=')
            .map(|(k, v)| (k.trim(), v.trim()))
            .ok_or_else(|| format!("'{pair}' is not key=value"))?;
        if seen.contains(&key) {
            return Err(format!("key '{key}' is given twice"));
        }
        seen.push(key);
        let bad = |e: String| format!("{key}: {e}");
        match key {
            "base" => exp.base = duration::parse(value).map_err(bad)?,
            "factor" => {
                exp.factor = value
                    .parse()
                    .map_err(|_| format!("factor: '{value}' is not a number"))?
            }
            "cap" => exp.cap = parse_limit(key, value).map_err(bad)?,
            "horizon" => exp.horizon = parse_limit(key, value).map_err(bad)?,
            other => {
                return Err(format!(
                    "unknown key '{other}'; use base, factor, cap or horizon"
                ))
            }
        }
    }
    exp.validate()?;
    Ok(Policy::Exponential(exp))
}

/// A cap or horizon: a duration above 0, or `none`.
fn parse_limit(key: &str, value: &str) -> Result<Option<Duration>, String> {
    if value == "none" {
        return Ok(None);
    }
    let d = duration::parse(value)?;
    if d.is_zero() {
        return Err(format!("must be above 0; write {key}=none for no limit"));
    }
    Ok(Some(d))
}

fn parse_list(args: &str) -> Result<Policy, String> {
    let delays = args
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(duration::parse)
        .collect::<Result<Vec<_>, _>>()?;
    if delays.is_empty() {
        return Err("list needs at least one delay, e.g. list:5s,5m,30m".into());
    }
    Ok(Policy::List(delays))
}

impl std::str::FromStr for Policy {
    type Err = ScheduleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_policy(s)
    }
}

impl Policy {
    /// The name the user types (`exponential` and `list` without their parameters).
    pub fn name(&self) -> &'static str {
        match self {
            Policy::WellnessLiving => "wellnessliving",
            Policy::Svix => "svix",
            Policy::StandardWebhooks => "standard-webhooks",
            Policy::Exponential(_) => "exponential",
            Policy::List(_) => "list",
        }
    }

    /// One line for humans, saying so when the schedule is modelled rather than published.
    pub fn describe(&self) -> String {
        match self {
            Policy::WellnessLiving => format!(
                "wellnessliving (modelled: {})",
                describe_exponential(&Exponential::default())
            ),
            Policy::Exponential(exp) => format!("exponential ({})", describe_exponential(exp)),
            Policy::Svix | Policy::StandardWebhooks | Policy::List(_) => {
                let delays: Vec<String> =
                    self.fixed().iter().map(|d| duration::human(*d)).collect();
                format!("{} ({})", self.name(), delays.join(", "))
            }
        }
    }

    /// The exponential parameters, if this policy grows its delays.
    fn exponential(&self) -> Option<Exponential> {
        match self {
            Policy::WellnessLiving => Some(Exponential::default()),
            Policy::Exponential(exp) => Some(exp.clone()),
            _ => None,
        }
    }

    /// The delays of a fixed policy (empty for the exponential ones).
    fn fixed(&self) -> Vec<Duration> {
        let secs = |s: &[u64]| s.iter().map(|s| Duration::from_secs(*s)).collect();
        match self {
            Policy::Svix => secs(&SVIX),
            Policy::StandardWebhooks => secs(&STANDARD_WEBHOOKS),
            Policy::List(delays) => delays.clone(),
            Policy::WellnessLiving | Policy::Exponential(_) => Vec::new(),
        }
    }
}

fn describe_exponential(exp: &Exponential) -> String {
    let growth = if exp.factor == 2.0 {
        "doubling".to_string()
    } else if exp.factor == 1.0 {
        "constant".to_string()
    } else {
        format!("x{}", exp.factor)
    };
    let cap = exp.cap.map_or("uncapped".to_string(), |c| {
        format!("capped at {}", duration::human(c))
    });
    let horizon = exp.horizon.map_or("no horizon".to_string(), |h| {
        format!("within {}", duration::human(h))
    });
    format!("{} {growth}, {cap}, {horizon}", duration::human(exp.base))
}

/// The canonical spec, which [`parse_policy`] reads back to the same policy.
impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Policy::Exponential(exp) => {
                let limit = |l: Option<Duration>| l.map_or("none".to_string(), compact);
                write!(
                    f,
                    "exponential:base={},factor={},cap={},horizon={}",
                    compact(exp.base),
                    exp.factor,
                    limit(exp.cap),
                    limit(exp.horizon)
                )
            }
            Policy::List(delays) => {
                let delays: Vec<String> = delays.iter().map(|d| compact(*d)).collect();
                write!(f, "list:{}", delays.join(","))
            }
            other => f.write_str(other.name()),
        }
    }
}

/// One planned delivery attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlannedAttempt {
    /// 1-based.
    pub number: u32,
    /// Since the previous attempt; zero for the first.
    pub delay: Duration,
    /// Since the first attempt.
    pub offset: Duration,
}

/// A policy plus the knobs `replay` exposes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schedule {
    pub policy: Policy,
    /// Stop after this many attempts (the first included); `None` lets the policy decide.
    pub max_attempts: Option<u32>,
    /// Each delay is multiplied by a factor uniform in `[1 - pct/100, 1 + pct/100]`.
    pub jitter_pct: f64,
    /// Makes jitter reproducible; `None` draws from OS entropy.
    pub seed: Option<u64>,
}

impl Schedule {
    /// The attempts in order, assuming every one fails. The first is always at offset 0.
    ///
    /// Jitter can push a delay above an exponential cap; the horizon, in contrast, is applied
    /// after jitter, so no attempt is ever planned beyond it.
    pub fn attempts(&self) -> Result<Vec<PlannedAttempt>, ScheduleError> {
        if self.max_attempts == Some(0) {
            return Err(ScheduleError::ZeroAttempts);
        }
        if !(0.0..=100.0).contains(&self.jitter_pct) {
            return Err(ScheduleError::Jitter(self.jitter_pct));
        }
        let exp = self.policy.exponential();
        if let Some(exp) = &exp {
            exp.validate().map_err(|reason| ScheduleError::Invalid {
                spec: self.policy.to_string(),
                reason,
            })?;
            // Refused up front: planning would only stop at MAX_ATTEMPTS with a vaguer message.
            if exp.horizon.is_none() && self.max_attempts.is_none() {
                return Err(ScheduleError::NeverEnds);
            }
        }
        let horizon = exp.as_ref().and_then(|e| e.horizon);
        let fixed = self.policy.fixed();
        let spread = self.jitter_pct / 100.0;
        // No RNG at all without jitter, so a plain schedule never touches OS entropy.
        let mut rng = (spread > 0.0).then(|| match self.seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::from_os_rng(),
        });

        let limit = self.max_attempts.unwrap_or(u32::MAX);
        let mut planned = vec![PlannedAttempt {
            number: 1,
            delay: Duration::ZERO,
            offset: Duration::ZERO,
        }];
        let mut offset = Duration::ZERO;
        for number in 2..=limit {
            let retry = number - 2;
            let nominal = match &exp {
                Some(exp) => exp.delay_secs(retry),
                None => match usize::try_from(retry).ok().and_then(|i| fixed.get(i)) {
                    Some(d) => d.as_secs_f64(),
                    None => break,
                },
            };
            let factor = rng
                .as_mut()
                .map_or(1.0, |r| r.random_range(1.0 - spread..=1.0 + spread));
            // An uncapped delay can reach infinity; past a horizon that just ends the schedule.
            let next = Duration::try_from_secs_f64(nominal * factor)
                .ok()
                .and_then(|d| Some((d, offset.checked_add(d)?)));
            let Some((delay, next)) = next else {
                return match horizon {
                    Some(_) => Ok(planned),
                    None => Err(ScheduleError::Overflow),
                };
            };
            if horizon.is_some_and(|h| next > h) {
                break;
            }
            offset = next;
            if number > MAX_ATTEMPTS {
                return Err(ScheduleError::TooManyAttempts);
            }
            planned.push(PlannedAttempt {
                number,
                delay,
                offset,
            });
        }
        Ok(planned)
    }

    /// The policy's description plus any limit, jitter and seed.
    pub fn describe(&self) -> String {
        let mut text = self.policy.describe();
        if let Some(max) = self.max_attempts {
            text.push_str(&format!(
                ", at most {max} attempt{}",
                if max == 1 { "" } else { "s" }
            ));
        }
        if self.jitter_pct > 0.0 {
            text.push_str(&format!(", ±{}% jitter", self.jitter_pct));
            if let Some(seed) = self.seed {
                text.push_str(&format!(" (seed {seed})"));
            }
        }
        text
    }
}

/// A duration as [`duration::parse`] reads it back, in the largest exact unit.
fn compact(d: Duration) -> String {
    let (secs, nanos) = (d.as_secs(), d.subsec_nanos());
    if nanos == 0 {
        match secs {
            0 => "0s".into(),
            s if s % 3600 == 0 => format!("{}h", s / 3600),
            s if s % 60 == 0 => format!("{}m", s / 60),
            s => format!("{s}s"),
        }
    } else if nanos % 1_000_000 == 0 {
        format!("{}ms", d.as_millis())
    } else {
        format!("{}s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: u64 = 60;
    const HOUR: u64 = 3600;

    fn plan(spec: &str) -> Vec<PlannedAttempt> {
        Schedule {
            policy: parse_policy(spec).unwrap(),
            ..Schedule::default()
        }
        .attempts()
        .unwrap()
    }

    fn delays(attempts: &[PlannedAttempt]) -> Vec<u64> {
        attempts.iter().skip(1).map(|a| a.delay.as_secs()).collect()
    }

    fn secs(list: &[u64]) -> Vec<Duration> {
        list.iter().map(|s| Duration::from_secs(*s)).collect()
    }

    fn err(spec: &str) -> String {
        parse_policy(spec).unwrap_err().to_string()
    }

    #[test]
    fn wellnessliving_is_fifteen_attempts_ending_at_65h03m() {
        let attempts = Schedule::default().attempts().unwrap();
        assert_eq!(attempts.len(), 15);
        let mut expected: Vec<u64> = (0..10).map(|n| MIN << n).collect();
        expected.extend([12 * HOUR; 4]);
        assert_eq!(delays(&attempts), expected);
        let last = attempts.last().unwrap();
        assert_eq!(last.number, 15);
        assert_eq!(last.offset, Duration::from_secs(65 * HOUR + 3 * MIN));
        // One more 12 h delay would land at 77 h 3 min, past the 72 h horizon.
        assert!(last.offset + Duration::from_secs(12 * HOUR) > Duration::from_secs(72 * HOUR));
    }

    #[test]
    fn first_attempt_is_at_zero_and_offsets_accumulate() {
        let attempts = plan("wellnessliving");
        assert_eq!(
            attempts[0],
            PlannedAttempt {
                number: 1,
                delay: Duration::ZERO,
                offset: Duration::ZERO
            }
        );
        for pair in attempts.windows(2) {
            assert_eq!(pair[1].number, pair[0].number + 1);
            assert_eq!(pair[1].offset, pair[0].offset + pair[1].delay);
        }
    }

    #[test]
    fn svix_is_eight_attempts() {
        let attempts = plan("svix");
        assert_eq!(attempts.len(), 8);
        assert_eq!(
            delays(&attempts),
            [
                5,
                5 * MIN,
                30 * MIN,
                2 * HOUR,
                5 * HOUR,
                10 * HOUR,
                10 * HOUR
            ]
        );
        assert_eq!(
            attempts[7].offset,
            Duration::from_secs(27 * HOUR + 35 * MIN + 5)
        );
    }

    #[test]
    fn standard_webhooks_is_ten_attempts_over_75h35m05s() {
        let attempts = plan("Standard-Webhooks");
        assert_eq!(attempts.len(), 10);
        assert_eq!(
            delays(&attempts),
            [
                5,
                5 * MIN,
                30 * MIN,
                2 * HOUR,
                5 * HOUR,
                10 * HOUR,
                14 * HOUR,
                20 * HOUR,
                24 * HOUR
            ]
        );
        // 2 + 5 + 10 + 14 + 20 + 24 = 75 h, plus 35 min 5 s.
        assert_eq!(
            attempts[9].offset,
            Duration::from_secs(75 * HOUR + 35 * MIN + 5)
        );
    }

    #[test]
    fn names_are_case_insensitive() {
        assert_eq!(parse_policy(" WellnessLiving "), Ok(Policy::WellnessLiving));
        assert_eq!(parse_policy("SVIX"), Ok(Policy::Svix));
        assert!(matches!(
            parse_policy("EXPONENTIAL:BASE=1M"),
            Ok(Policy::Exponential(_))
        ));
    }

    #[test]
    fn exponential_defaults_match_wellnessliving() {
        assert_eq!(plan("exponential"), plan("wellnessliving"));
        assert_eq!(plan("exponential:"), plan("wellnessliving"));
    }

    #[test]
    fn exponential_with_custom_keys_in_any_order() {
        let policy = parse_policy("exponential:horizon=1h,factor=3,cap=20m,base=10s").unwrap();
        assert_eq!(
            policy,
            Policy::Exponential(Exponential {
                base: Duration::from_secs(10),
                factor: 3.0,
                cap: Some(Duration::from_secs(20 * MIN)),
                horizon: Some(Duration::from_secs(HOUR)),
            })
        );
        // 10 s, 30 s, 90 s, 270 s, 810 s, then 1200 s (capped); offsets 10, 40, 130, 400,
        // 1210, 2410; the next 1200 s would reach 3610 s, past the hour.
        let attempts = plan("exponential:horizon=1h,factor=3,cap=20m,base=10s");
        assert_eq!(delays(&attempts), [10, 30, 90, 270, 810, 1200]);
        assert_eq!(attempts.last().unwrap().offset, Duration::from_secs(2410));
    }

    #[test]
    fn exponential_fractional_factor_and_uncapped() {
        let attempts = plan("exponential:base=1s,factor=1.5,cap=none,horizon=10s");
        let millis: Vec<u128> = attempts
            .iter()
            .skip(1)
            .map(|a| a.delay.as_millis())
            .collect();
        // 1 + 1.5 + 2.25 + 3.375 = 8.125 s; the next 5.0625 s would pass 10 s.
        assert_eq!(millis, [1000, 1500, 2250, 3375]);
    }

    #[test]
    fn horizon_is_inclusive() {
        let attempts = plan("exponential:base=1m,factor=1,horizon=3m");
        assert_eq!(delays(&attempts), [60, 60, 60]);
        assert_eq!(attempts[3].offset, Duration::from_secs(180));
    }

    #[test]
    fn list_delays_including_an_immediate_retry() {
        let attempts = plan("list:5s, 0, 30m");
        assert_eq!(attempts.len(), 4);
        assert_eq!(delays(&attempts), [5, 0, 30 * MIN]);
        assert_eq!(attempts[3].offset, Duration::from_secs(30 * MIN + 5));
        assert_eq!(
            parse_policy("list:500ms,2m"),
            Ok(Policy::List(vec![
                Duration::from_millis(500),
                Duration::from_secs(120)
            ]))
        );
    }

    #[test]
    fn max_attempts_truncates_but_never_extends() {
        let schedule = |max| Schedule {
            policy: Policy::Svix,
            max_attempts: Some(max),
            ..Schedule::default()
        };
        let three = schedule(3).attempts().unwrap();
        assert_eq!(delays(&three), [5, 5 * MIN]);
        assert_eq!(schedule(1).attempts().unwrap().len(), 1);
        assert_eq!(schedule(50).attempts().unwrap().len(), 8);
    }

    #[test]
    fn max_attempts_makes_an_endless_schedule_finite() {
        let schedule = Schedule {
            policy: parse_policy("exponential:base=1s,factor=1,horizon=none").unwrap(),
            max_attempts: Some(5),
            ..Schedule::default()
        };
        assert_eq!(delays(&schedule.attempts().unwrap()), [1, 1, 1, 1]);
    }

    #[test]
    fn jitter_is_reproducible_bounded_and_inside_the_horizon() {
        let jittered = |seed| Schedule {
            policy: Policy::WellnessLiving,
            jitter_pct: 25.0,
            seed: Some(seed),
            ..Schedule::default()
        };
        let plain = plan("wellnessliving");
        let horizon = Duration::from_secs(72 * HOUR);
        let mut differs = false;
        for seed in 0..200 {
            let a = jittered(seed).attempts().unwrap();
            assert_eq!(a, jittered(seed).attempts().unwrap(), "seed {seed}");
            differs |= a != plain;
            assert_eq!(a[0].offset, Duration::ZERO);
            assert!(a.iter().all(|x| x.offset <= horizon), "seed {seed}");
            for (got, nominal) in a.iter().zip(&plain).skip(1) {
                let ratio = got.delay.as_secs_f64() / nominal.delay.as_secs_f64();
                assert!((0.75..=1.25).contains(&ratio), "seed {seed}: {ratio}");
            }
        }
        assert!(differs);
        assert_ne!(
            jittered(1).attempts().unwrap(),
            jittered(2).attempts().unwrap()
        );
    }

    #[test]
    fn full_jitter_without_a_seed_still_respects_the_horizon() {
        let schedule = Schedule {
            policy: Policy::WellnessLiving,
            jitter_pct: 100.0,
            ..Schedule::default()
        };
        let attempts = schedule.attempts().unwrap();
        assert!(attempts.last().unwrap().offset <= Duration::from_secs(72 * HOUR));
        // Delays near 0 can add attempts, but never past the hard limit.
        assert!(attempts.len() <= MAX_ATTEMPTS as usize);
    }

    #[test]
    fn unknown_names_list_the_valid_forms() {
        for spec in ["stripe", "", "wl", "lists:5s"] {
            let message = err(spec);
            assert!(message.starts_with("unknown schedule"), "{message}");
            assert!(message.contains("standard-webhooks"), "{message}");
            assert!(message.contains("list:5s,5m,30m"), "{message}");
        }
        assert!(err("stripe").contains("'stripe'"));
    }

    #[test]
    fn bad_exponential_parameters_are_named() {
        assert!(err("exponential:jitter=5").contains("unknown key 'jitter'"));
        assert!(err("exponential:base=soon").contains("base:"));
        assert!(err("exponential:base").contains("'base' is not key=value"));
        assert!(err("exponential:factor=two").contains("factor: 'two' is not a number"));
        assert!(err("exponential:factor=0.5").contains("factor 0.5 must be"));
        assert!(err("exponential:factor=nan").contains("must be a number of at least 1"));
        assert!(err("exponential:base=0").contains("base must be above 0"));
        assert!(err("exponential:horizon=0").contains("horizon=none"));
        assert!(err("exponential:cap=0").contains("cap: must be above 0; write cap=none"));
        assert!(err("exponential:base=1h,cap=1m").contains("cap (1 min) is below base (1 h)"));
        assert!(err("exponential:base=1m,base=2m").contains("given twice"));
        for spec in ["exponential:factor=0.5", "exponential:bogus=1"] {
            assert!(err(spec).contains("exponential:base=1m,factor=2"), "{spec}");
        }
    }

    #[test]
    fn bad_lists_and_parameters_on_named_schedules() {
        assert!(err("list").contains("list needs delays"));
        assert!(err("list:").contains("at least one delay"));
        assert!(err("list:5s,later").contains("'later'"));
        assert!(err("list:-1s").contains("'-1s'"));
        assert!(err("svix:5s").contains("'svix' takes no parameters"));
    }

    #[test]
    fn invalid_knobs_are_refused() {
        let with = |max_attempts, jitter_pct| Schedule {
            policy: Policy::WellnessLiving,
            max_attempts,
            jitter_pct,
            seed: Some(7),
        };
        assert_eq!(
            with(Some(0), 0.0).attempts(),
            Err(ScheduleError::ZeroAttempts)
        );
        assert_eq!(
            with(None, 150.0).attempts(),
            Err(ScheduleError::Jitter(150.0))
        );
        assert_eq!(
            with(None, -1.0).attempts(),
            Err(ScheduleError::Jitter(-1.0))
        );
        assert!(with(None, f64::NAN).attempts().is_err());
        assert_eq!(
            ScheduleError::Jitter(150.0).to_string(),
            "jitter 150% is out of range; use 0 to 100"
        );
    }

    #[test]
    fn hand_built_invalid_exponential_is_refused_when_planning() {
        let schedule = Schedule {
            policy: Policy::Exponential(Exponential {
                factor: 0.5,
                ..Exponential::default()
            }),
            ..Schedule::default()
        };
        assert!(matches!(
            schedule.attempts(),
            Err(ScheduleError::Invalid { .. })
        ));
    }

    #[test]
    fn never_ending_schedules_are_refused() {
        let endless = |spec: &str, max_attempts| Schedule {
            policy: parse_policy(spec).unwrap(),
            max_attempts,
            ..Schedule::default()
        };
        assert_eq!(
            endless("exponential:horizon=none", None).attempts(),
            Err(ScheduleError::NeverEnds)
        );
        // A horizon of ~31 years at a 12 h cap is "effectively unbounded".
        let too_many = endless("exponential:horizon=1000000000s", None).attempts();
        assert_eq!(too_many, Err(ScheduleError::TooManyAttempts));
        assert_eq!(
            ScheduleError::TooManyAttempts.to_string(),
            "schedule has more than 1000 attempts; set --max-attempts or a horizon"
        );
        assert_eq!(
            endless("exponential:base=1ms,factor=1", None).attempts(),
            Err(ScheduleError::TooManyAttempts)
        );
        assert_eq!(
            endless("exponential:horizon=none", Some(1001)).attempts(),
            Err(ScheduleError::TooManyAttempts)
        );
        assert_eq!(
            endless("exponential:horizon=none", Some(1000))
                .attempts()
                .unwrap()
                .len(),
            1000
        );
    }

    #[test]
    fn uncapped_growth_without_a_horizon_overflows_cleanly() {
        let schedule = Schedule {
            policy: parse_policy("exponential:cap=none,horizon=none").unwrap(),
            max_attempts: Some(200),
            ..Schedule::default()
        };
        assert_eq!(schedule.attempts(), Err(ScheduleError::Overflow));
    }

    #[test]
    fn describe_says_what_the_schedule_is() {
        assert_eq!(
            Schedule::default().describe(),
            "wellnessliving (modelled: 1 min doubling, capped at 12 h, within 72 h)"
        );
        assert_eq!(
            Policy::Svix.describe(),
            "svix (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h)"
        );
        assert_eq!(
            parse_policy("exponential:base=30s,factor=1.5,cap=none,horizon=none")
                .unwrap()
                .describe(),
            "exponential (30 s x1.5, uncapped, no horizon)"
        );
        let schedule = Schedule {
            policy: parse_policy("list:1.5s,250ms").unwrap(),
            max_attempts: Some(2),
            jitter_pct: 10.0,
            seed: Some(42),
        };
        assert_eq!(
            schedule.describe(),
            "list (1.5 s, 250 ms), at most 2 attempts, ±10% jitter (seed 42)"
        );
    }

    #[test]
    fn names() {
        assert_eq!(Policy::default().name(), "wellnessliving");
        assert_eq!(Policy::StandardWebhooks.name(), "standard-webhooks");
        assert_eq!(
            Policy::Exponential(Exponential::default()).name(),
            "exponential"
        );
        assert_eq!(Policy::List(secs(&[1])).name(), "list");
    }

    #[test]
    fn display_round_trips_through_parse() {
        for spec in [
            "wellnessliving",
            "svix",
            "standard-webhooks",
            "exponential:base=1m,factor=2,cap=12h,horizon=72h",
            "exponential:base=1500ms,factor=1.25,cap=none,horizon=none",
            "list:5s,0s,30m,1500ms,2h",
        ] {
            let policy = parse_policy(spec).unwrap();
            assert_eq!(policy.to_string(), spec);
            assert_eq!(spec.parse::<Policy>(), Ok(policy));
        }
    }
}
