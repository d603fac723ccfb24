//! Durations as users write them (`10s`, `500ms`, `2m`, `12h`, `3d`) and as wl-hook prints them.

use std::time::Duration;

/// Parse a duration: `10s`, `1.5s`, `500ms`, `2m`, `1h`, `3d`; a bare number is seconds.
pub fn parse(value: &str) -> Result<Duration, String> {
    let v = value.trim();
    let split = v
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(v.len());
    let (num, unit) = v.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("'{value}' is not a duration; write e.g. 10s, 500ms, 2m, 1h"))?;
    let secs = match unit.trim() {
        "" | "s" | "sec" | "secs" => n,
        "ms" => n / 1000.0,
        "m" | "min" | "mins" => n * 60.0,
        "h" | "hr" | "hrs" => n * 3600.0,
        "d" | "day" | "days" => n * 86_400.0,
        other => {
            return Err(format!(
                "'{value}': unknown unit '{other}'; use ms, s, m, h or d"
            ))
        }
    };
    if !secs.is_finite() || !(0.0..=1e9).contains(&secs) {
        return Err(format!("'{value}' is out of range"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Parse a size: `1MiB`, `512KiB`, `2MB`, `100kb`, or bytes.
pub fn parse_size(value: &str) -> Result<usize, String> {
    let v = value.trim();
    let split = v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len());
    let (num, unit) = v.split_at(split);
    let n: usize = num.parse().map_err(|_| {
        format!("'{value}' is not a size; write e.g. 1MiB, 512KiB or a number of bytes")
    })?;
    let mult: usize = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1000,
        "kib" => 1024,
        "m" | "mb" => 1_000_000,
        "mib" => 1024 * 1024,
        "g" | "gb" => 1_000_000_000,
        "gib" => 1024 * 1024 * 1024,
        other => {
            return Err(format!(
                "'{value}': unknown unit '{other}'; use B, KiB, MiB, GiB, KB, MB or GB"
            ))
        }
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("'{value}' is too large"))
}

/// A duration in words, the one form every message of wl-hook uses: `250 ms`, `1.5 s`,
/// `4 min 5 s`, `65 h 3 min`, `8 d 2 h`.
///
/// Below a minute it is exact to the millisecond (a `--timeout 1.25s` reads back as `1.25 s`);
/// from a minute on it names the two largest units, the smaller one rounded down, so a printed
/// age or delay never overstates. Hours run up to 96 h so that times around WL's 72-hour retry
/// window read in the window's own unit; days start at 4 d.
pub fn human(d: Duration) -> String {
    const SEC: u128 = 1000;
    const MIN: u128 = 60 * SEC;
    const HOUR: u128 = 60 * MIN;
    const DAY: u128 = 24 * HOUR;
    // Round to the millisecond first: delays computed through f64 (jitter) land a few ns short.
    let ms = d.as_millis() + u128::from(d.subsec_nanos() % 1_000_000 >= 500_000);
    let two = |big: u128, big_unit: &str, small: u128, small_unit: &str| {
        if small == 0 {
            format!("{big} {big_unit}")
        } else {
            format!("{big} {big_unit} {small} {small_unit}")
        }
    };
    if ms < SEC {
        format!("{ms} ms")
    } else if ms < MIN {
        let secs = format!("{}.{:03}", ms / SEC, ms % SEC);
        format!("{} s", secs.trim_end_matches('0').trim_end_matches('.'))
    } else if ms < HOUR {
        two(ms / MIN, "min", ms % MIN / SEC, "s")
    } else if ms < 4 * DAY {
        two(ms / HOUR, "h", ms % HOUR / MIN, "min")
    } else {
        two(ms / DAY, "d", ms % DAY / HOUR, "h")
    }
}

/// [`human`] for a signed clock difference (a skew or an age): `-1 min` for a minute back.
pub fn human_signed(d: chrono::Duration) -> String {
    let ms = d.num_milliseconds();
    let text = human(Duration::from_millis(ms.unsigned_abs()));
    if ms < 0 {
        format!("-{text}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1MiB"), Ok(1_048_576));
        assert_eq!(parse_size("512KiB"), Ok(524_288));
        assert_eq!(parse_size("2mb"), Ok(2_000_000));
        assert_eq!(parse_size("100"), Ok(100));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("1TiB").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse("10"), Ok(Duration::from_secs(10)));
        assert_eq!(parse("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse("12h"), Ok(Duration::from_secs(43_200)));
        assert_eq!(parse("3d"), Ok(Duration::from_secs(259_200)));
        for bad in ["", "s", "ten", "5x", "-1s", "1e400"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn human_known_answers() {
        let ms = Duration::from_millis;
        let secs = Duration::from_secs;
        assert_eq!(human(Duration::ZERO), "0 ms");
        assert_eq!(human(ms(250)), "250 ms");
        assert_eq!(human(ms(999)), "999 ms");
        assert_eq!(human(secs(1)), "1 s");
        assert_eq!(human(ms(1500)), "1.5 s");
        assert_eq!(human(ms(1250)), "1.25 s");
        assert_eq!(human(ms(8_534)), "8.534 s");
        assert_eq!(human(secs(10)), "10 s");
        assert_eq!(human(ms(59_999)), "59.999 s");
        assert_eq!(human(secs(60)), "1 min");
        assert_eq!(human(secs(90)), "1 min 30 s");
        assert_eq!(human(ms(61_250)), "1 min 1 s");
        assert_eq!(human(secs(245)), "4 min 5 s");
        assert_eq!(human(secs(3600)), "1 h");
        assert_eq!(human(secs(2 * 3600 + 3 * 60 + 59)), "2 h 3 min");
        assert_eq!(human(secs(65 * 3600 + 3 * 60)), "65 h 3 min");
        assert_eq!(human(secs(72 * 3600)), "72 h");
        assert_eq!(human(secs(75 * 3600 + 35 * 60 + 5)), "75 h 35 min");
        assert_eq!(human(secs(96 * 3600 - 1)), "95 h 59 min");
        assert_eq!(human(secs(96 * 3600)), "4 d");
        assert_eq!(human(secs(97 * 3600 + 59)), "4 d 1 h");
        assert_eq!(human(secs(8 * 86_400)), "8 d");
        assert_eq!(human(secs(400 * 86_400 + 5 * 3600)), "400 d 5 h");
        // Sub-millisecond float error rounds to the millisecond, not down to 999 ms.
        assert_eq!(human(Duration::from_nanos(999_999_600)), "1 s");
        assert_eq!(human(Duration::from_nanos(1_400_000)), "1 ms");
    }

    #[test]
    fn human_signed_known_answers() {
        let d = chrono::Duration::milliseconds;
        assert_eq!(human_signed(d(0)), "0 ms");
        assert_eq!(human_signed(d(250)), "250 ms");
        assert_eq!(human_signed(d(2_500)), "2.5 s");
        assert_eq!(human_signed(d(7_380_000)), "2 h 3 min");
        assert_eq!(human_signed(d(-60_000)), "-1 min");
        assert_eq!(human_signed(d(-1_500)), "-1.5 s");
        assert_eq!(human_signed(d(-(5 * 86_400_000))), "-5 d");
    }
}
