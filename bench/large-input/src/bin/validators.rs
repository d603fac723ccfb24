//! Which validator checks the 64 MiB body `wl-hook verify` is measured on fastest, and which of
//! them refuses what serde_json refuses. Prints one line per validator: median time over the
//! rounds, throughput, and its ratio to serde_json skipping the document (what `json::scan`
//! does).

use std::time::{Duration, Instant};

use serde::de::IgnoredAny;

/// The body of `bench/run.py`'s `make_large`: 800,000 small purchase items in one object.
fn body() -> Vec<u8> {
    let chunk =
        r#"{"k_purchase_item":88412,"text_title":"10-Class Pass","m_price_total":"160.00"},"#;
    let n = (64 * 1024 * 1024) / chunk.len();
    let mut b = br#"{"text_purchase_id":"100013412008","purchase_items":["#.to_vec();
    for _ in 0..n - 1 {
        b.extend_from_slice(chunk.as_bytes());
    }
    b.extend_from_slice(&chunk.as_bytes()[..chunk.len() - 1]);
    b.extend_from_slice(b"]}");
    b
}

fn serde_skip(b: &[u8]) -> bool {
    let mut de = serde_json::Deserializer::from_slice(b);
    serde::Deserialize::deserialize(&mut de)
        .map(|_: IgnoredAny| ())
        .and_then(|()| de.end())
        .is_ok()
}

/// What a streaming check could use: serde_json reading through `std::io::Read`, as it would
/// from chunks of a file read into a reused buffer.
fn serde_reader(b: &[u8]) -> bool {
    let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::new(b));
    serde::Deserialize::deserialize(&mut de)
        .map(|_: IgnoredAny| ())
        .and_then(|()| de.end())
        .is_ok()
}

fn sonic_skip(b: &[u8]) -> bool {
    sonic_rs::from_slice::<IgnoredAny>(b).is_ok()
}

fn sonic_lazy(b: &[u8]) -> bool {
    sonic_rs::from_slice::<sonic_rs::LazyValue>(b).is_ok()
}

fn sonic_value(b: &[u8]) -> bool {
    sonic_rs::from_slice::<sonic_rs::Value>(b).is_ok()
}

/// simd-json decodes strings in place: it is given a copy, made outside the timing.
fn simd_tape(b: &mut [u8]) -> bool {
    simd_json::to_tape(b).is_ok()
}

fn utf8(b: &[u8]) -> bool {
    std::str::from_utf8(b).is_ok()
}

fn median(mut t: Vec<Duration>) -> Duration {
    t.sort();
    t[t.len() / 2]
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(9);
    let b = body();
    let plain: [(&str, fn(&[u8]) -> bool); 6] = [
        ("serde_json, IgnoredAny (json::scan)", serde_skip),
        ("serde_json, IgnoredAny from a reader", serde_reader),
        ("sonic-rs, IgnoredAny", sonic_skip),
        ("sonic-rs, LazyValue", sonic_lazy),
        ("sonic-rs, Value", sonic_value),
        ("std::str::from_utf8 (reference)", utf8),
    ];
    let mut times: Vec<(&str, Vec<Duration>)> = plain.iter().map(|(n, _)| (*n, vec![])).collect();
    times.push(("simd-json, tape (on a copy)", vec![]));
    // In turns, as bench/run.py's in_turns: every validator once per round.
    for _ in 0..rounds {
        for (i, (_, f)) in plain.iter().enumerate() {
            let t = Instant::now();
            assert!(f(&b));
            times[i].1.push(t.elapsed());
        }
        let mut copy = b.clone();
        let t = Instant::now();
        assert!(simd_tape(&mut copy));
        times[plain.len()].1.push(t.elapsed());
    }
    let reference = median(times[0].1.clone());
    println!("{} bytes, {rounds} rounds, median:", b.len());
    for (name, t) in times {
        let m = median(t);
        let gbs = b.len() as f64 / m.as_secs_f64() / 1e9;
        let ratio = m.as_secs_f64() / reference.as_secs_f64();
        println!(
            "  {name:38} {:8.1} ms  {gbs:5.2} GB/s  {ratio:5.2}x serde_json",
            m.as_secs_f64() * 1e3
        );
    }
    // What each refuses of what serde_json refuses, once the body is known to be UTF-8 (scan
    // checks that first): a bad \u escape inside a string that is skipped.
    println!("refuses what serde_json refuses:");
    for bad in [&br#"["\u00zz"]"#[..], br#"{"a":"\q"}"#, b"[1,]", b"[01]"] {
        let mut copy = bad.to_vec();
        println!(
            "  {:14} serde_json {:5} sonic-rs IgnoredAny {:5} LazyValue {:5} Value {:5} simd-json {:5}",
            String::from_utf8_lossy(bad),
            !serde_skip(bad),
            !sonic_skip(bad),
            !sonic_lazy(bad),
            !sonic_value(bad),
            !simd_tape(&mut copy)
        );
    }
}
