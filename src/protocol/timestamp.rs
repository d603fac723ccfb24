//! Timestamps for `x-generated-at` and `x-sent-at`: wl-hook writes RFC 3339 UTC with
//! milliseconds and reads leniently, saying which form it found.

use std::fmt;

use chrono::{DateTime, NaiveDateTime, SecondsFormat, TimeZone, Utc};

/// The form a parsed timestamp was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampForm {
    /// RFC 3339 with a fractional second, e.g. `2025-01-20T20:10:00.000Z`.
    Rfc3339Fraction,
    /// RFC 3339 without a fraction, e.g. `2025-01-20T20:10:00Z`.
    Rfc3339,
    /// Seconds since the Unix epoch, e.g. `1737403800`.
    UnixSeconds,
    /// Milliseconds since the Unix epoch, e.g. `1737403800000`.
    UnixMillis,
    /// `YYYY-MM-DD HH:MM:SS`, taken as UTC (WL's `dt_*` convention).
    SqlDateTime,
}

impl TimestampForm {
    /// True for the form wl-hook itself sends.
    pub fn is_canonical(self) -> bool {
        self == TimestampForm::Rfc3339Fraction
    }
}

impl fmt::Display for TimestampForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimestampForm::Rfc3339Fraction => "RFC 3339 with fraction",
            TimestampForm::Rfc3339 => "RFC 3339 without fraction",
            TimestampForm::UnixSeconds => "Unix seconds",
            TimestampForm::UnixMillis => "Unix milliseconds",
            TimestampForm::SqlDateTime => "YYYY-MM-DD HH:MM:SS (taken as UTC)",
        })
    }
}

/// A timestamp that none of the accepted forms matched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{input}' is not a timestamp: use RFC 3339 (2025-01-20T20:10:00.000Z), Unix seconds or milliseconds, or 'YYYY-MM-DD HH:MM:SS'")]
pub struct TimestampError {
    pub input: String,
}

/// RFC 3339 UTC with exactly three fractional digits: `2025-01-20T20:10:00.000Z`.
pub fn format(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Unix seconds at or above this are read as milliseconds (10^11 s is the year 5138).
const MILLIS_THRESHOLD: i64 = 100_000_000_000;

/// Parse any accepted form and say which one it was. Years outside 0000-9999 are refused, as
/// RFC 3339 cannot write them.
pub fn parse(input: &str) -> Result<(DateTime<Utc>, TimestampForm), TimestampError> {
    use chrono::Datelike;
    parse_any(input).and_then(|(t, form)| {
        if (0..=9999).contains(&t.year()) {
            Ok((t, form))
        } else {
            Err(TimestampError {
                input: input.to_string(),
            })
        }
    })
}

fn parse_any(input: &str) -> Result<(DateTime<Utc>, TimestampForm), TimestampError> {
    let s = input.trim();
    let err = || TimestampError {
        input: input.to_string(),
    };
    if s.is_empty() {
        return Err(err());
    }
    if s.bytes().all(|b| b.is_ascii_digit()) && s.len() <= 16 {
        let n: i64 = s.parse().map_err(|_| err())?;
        let (t, form) = if n >= MILLIS_THRESHOLD {
            (
                Utc.timestamp_millis_opt(n).single(),
                TimestampForm::UnixMillis,
            )
        } else {
            (Utc.timestamp_opt(n, 0).single(), TimestampForm::UnixSeconds)
        };
        return t.map(|t| (t, form)).ok_or_else(err);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        let form = if s.contains('.') {
            TimestampForm::Rfc3339Fraction
        } else {
            TimestampForm::Rfc3339
        };
        return Ok((t.with_timezone(&Utc), form));
    }
    if is_sql_shape(s) {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S") {
            return Ok((t.and_utc(), TimestampForm::SqlDateTime));
        }
    }
    Err(err())
}

/// Exactly `YYYY-MM-DD HH:MM:SS`: chrono alone would also take `-2025-1-20 ...`.
fn is_sql_shape(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 19
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b' ',
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn formats_with_milliseconds() {
        assert_eq!(
            format(at("2025-01-20T20:10:00Z")),
            "2025-01-20T20:10:00.000Z"
        );
        assert_eq!(
            format(at("2025-01-20T15:10:00.1234-05:00")),
            "2025-01-20T20:10:00.123Z"
        );
    }

    #[test]
    fn parses_every_form_and_names_it() {
        let want = at("2025-01-20T20:10:00Z");
        let cases = [
            ("2025-01-20T20:10:00.000Z", TimestampForm::Rfc3339Fraction),
            ("2025-01-20T20:10:00Z", TimestampForm::Rfc3339),
            ("2025-01-20T21:10:00+01:00", TimestampForm::Rfc3339),
            ("1737403800", TimestampForm::UnixSeconds),
            ("1737403800000", TimestampForm::UnixMillis),
            ("2025-01-20 20:10:00", TimestampForm::SqlDateTime),
            (" 2025-01-20T20:10:00.000Z ", TimestampForm::Rfc3339Fraction),
        ];
        for (s, form) in cases {
            assert_eq!(parse(s), Ok((want, form)), "{s}");
        }
        assert_eq!(
            parse("1737403800123").unwrap().0,
            at("2025-01-20T20:10:00.123Z")
        );
        assert!(TimestampForm::Rfc3339Fraction.is_canonical());
    }

    #[test]
    fn rejects_what_is_not_a_timestamp() {
        for s in [
            "",
            "yesterday",
            "2025-13-01T00:00:00Z",
            "2025-01-20",
            "12ab",
            "99999999999999999999",
            "-5",
        ] {
            assert!(parse(s).is_err(), "{s}");
        }
        assert!(parse("nope").unwrap_err().to_string().contains("RFC 3339"));
    }

    /// No input panics: random strings, and mutations of every accepted form.
    #[test]
    fn parsing_never_panics() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let seeds = [
            "2025-01-20T20:10:00.000Z",
            "2025-01-20T20:10:00+01:00",
            "1737403800",
            "1737403800000",
            "2025-01-20 20:10:00",
        ];
        let alphabet: Vec<char> = "0123456789-:TZ.+ eE\u{0}\u{fffd}é9999".chars().collect();
        for i in 0..20_000 {
            let s: String = if i % 2 == 0 {
                let mut chars: Vec<char> = seeds[i % seeds.len()].chars().collect();
                for _ in 0..rng.random_range(1..4) {
                    let at = rng.random_range(0..=chars.len());
                    match rng.random_range(0..3) {
                        0 if at < chars.len() => {
                            chars.remove(at);
                        }
                        1 => chars.insert(at, alphabet[rng.random_range(0..alphabet.len())]),
                        _ if at < chars.len() => {
                            chars[at] = alphabet[rng.random_range(0..alphabet.len())]
                        }
                        _ => {}
                    }
                }
                chars.into_iter().collect()
            } else {
                (0..rng.random_range(0..40))
                    .map(|_| alphabet[rng.random_range(0..alphabet.len())])
                    .collect()
            };
            if let Ok((t, _)) = parse(&s) {
                // Whatever parses formats back and parses again to the same millisecond.
                let again = parse(&format(t)).map(|p| p.0.timestamp_millis());
                assert_eq!(again, Ok(t.timestamp_millis()), "{s:?}");
            }
        }
    }
}
