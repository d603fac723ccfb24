//! Findings that depend on earlier deliveries: a body seen before (a duplicate) and an event
//! older than one already seen for the same record (stale). Memory is bounded: once a map is
//! full, what is older than its newest half is forgotten.

use std::collections::HashMap;
use std::hash::Hash;

use chrono::{DateTime, Utc};

use crate::protocol::Family;

/// How many entries each map keeps by default before the oldest half is forgotten: a long run
/// of distinct events must not grow memory without bound.
pub const DEFAULT_LIMIT: usize = 200_000;

/// What [`History::observe`] needs to know about one delivery.
#[derive(Debug, Clone, Copy)]
pub struct Delivery<'a> {
    /// The receiver's sequence number: increasing, and what findings point back to.
    pub seq: u64,
    /// SHA-256 of the body (what `x-payload-key` should be): equal bodies, equal digests.
    pub digest: [u8; 32],
    /// The record the event is about and when WL generated it, when both are known.
    pub record: Option<Record<'a>>,
}

/// The record an event is about and its `x-generated-at`.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    pub family: Family,
    pub id: &'a str,
    pub generated_at: DateTime<Utc>,
}

/// A newer event already seen for the same record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    pub record_id: String,
    pub newer_seq: u64,
    pub newer_generated_at: DateTime<Utc>,
}

/// What the history says about one delivery.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    /// The same body arrived before, first as this sequence number.
    pub duplicate_of: Option<u64>,
    pub stale: Option<Stale>,
}

/// The deliveries seen so far, as much of them as judging needs.
#[derive(Debug)]
pub struct History {
    /// Body digest -> first seq that carried it.
    seen: HashMap<[u8; 32], u64>,
    /// (family, record id) -> newest `x-generated-at` seen and its seq.
    records: HashMap<(Family, String), (DateTime<Utc>, u64)>,
    limit: usize,
}

impl Default for History {
    fn default() -> History {
        History::with_limit(DEFAULT_LIMIT)
    }
}

impl History {
    /// A history whose maps hold at most `limit` entries each (at least 2).
    pub fn with_limit(limit: usize) -> History {
        History {
            seen: HashMap::new(),
            records: HashMap::new(),
            limit: limit.max(2),
        }
    }

    /// Judge `d` against what came before it, then remember it.
    pub fn observe(&mut self, d: &Delivery<'_>) -> Findings {
        compact(&mut self.seen, self.limit, d.seq, |v| *v);
        let duplicate_of = match self.seen.get(&d.digest) {
            Some(first) => Some(*first),
            None => {
                self.seen.insert(d.digest, d.seq);
                None
            }
        };
        let stale = d.record.and_then(|r| self.record(d.seq, r));
        Findings {
            duplicate_of,
            stale,
        }
    }

    /// Remember `r` if it is the newest event of its record; say so if a newer one came first.
    /// An event generated at the same instant as the newest is neither.
    fn record(&mut self, seq: u64, r: Record<'_>) -> Option<Stale> {
        compact(&mut self.records, self.limit, seq, |v| v.1);
        let slot = self
            .records
            .entry((r.family, r.id.to_string()))
            .or_insert((r.generated_at, seq));
        if r.generated_at < slot.0 {
            return Some(Stale {
                record_id: r.id.to_string(),
                newer_seq: slot.1,
                newer_generated_at: slot.0,
            });
        }
        if r.generated_at > slot.0 {
            *slot = (r.generated_at, seq);
        }
        None
    }
}

/// When `map` holds `limit` entries, forget those older than the newest half of the sequence
/// numbers up to `current_seq`.
pub fn compact<K: Eq + Hash, V>(
    map: &mut HashMap<K, V>,
    limit: usize,
    current_seq: u64,
    seq_of: impl Fn(&V) -> u64,
) {
    if map.len() >= limit {
        let keep_from = current_seq.saturating_sub((limit / 2) as u64);
        map.retain(|_, v| seq_of(v) >= keep_from);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn digest(n: u8) -> [u8; 32] {
        [n; 32]
    }

    fn plain(seq: u64, d: u8) -> Delivery<'static> {
        Delivery {
            seq,
            digest: digest(d),
            record: None,
        }
    }

    fn about<'a>(seq: u64, d: u8, family: Family, id: &'a str, gen: &str) -> Delivery<'a> {
        Delivery {
            seq,
            digest: digest(d),
            record: Some(Record {
                family,
                id,
                generated_at: at(gen),
            }),
        }
    }

    #[test]
    fn a_body_seen_before_is_a_duplicate_of_its_first_arrival() {
        let mut h = History::default();
        assert_eq!(h.observe(&plain(1, 7)), Findings::default());
        assert_eq!(h.observe(&plain(2, 8)), Findings::default());
        assert_eq!(h.observe(&plain(3, 7)).duplicate_of, Some(1));
        // Still the first arrival, not the latest repeat.
        assert_eq!(h.observe(&plain(4, 7)).duplicate_of, Some(1));
        assert_eq!(h.observe(&plain(5, 8)).duplicate_of, Some(2));
    }

    #[test]
    fn an_event_older_than_the_newest_of_its_record_is_stale() {
        let mut h = History::default();
        let t1 = "2026-01-01T10:00:00Z";
        let t2 = "2026-01-01T10:00:05Z";
        let t3 = "2026-01-01T10:00:09Z";
        assert_eq!(
            h.observe(&about(1, 1, Family::Client, "42", t2)).stale,
            None
        );
        assert_eq!(
            h.observe(&about(2, 2, Family::Client, "42", t1)).stale,
            Some(Stale {
                record_id: "42".into(),
                newer_seq: 1,
                newer_generated_at: at(t2),
            })
        );
        // Newer: not stale, and from now on the one to compare with.
        assert_eq!(
            h.observe(&about(3, 3, Family::Client, "42", t3)).stale,
            None
        );
        let s = h.observe(&about(4, 4, Family::Client, "42", t2)).stale;
        assert_eq!(
            s.map(|s| (s.newer_seq, s.newer_generated_at)),
            Some((3, at(t3)))
        );
        // The same instant as the newest: a retry of it, not stale.
        assert_eq!(
            h.observe(&about(5, 3, Family::Client, "42", t3)).stale,
            None
        );
    }

    #[test]
    fn records_are_told_apart_by_family_and_id() {
        let mut h = History::default();
        let new = "2026-01-01T10:00:05Z";
        let old = "2026-01-01T10:00:00Z";
        h.observe(&about(1, 1, Family::Client, "42", new));
        assert_eq!(
            h.observe(&about(2, 2, Family::Staff, "42", old)).stale,
            None
        );
        assert_eq!(
            h.observe(&about(3, 3, Family::Client, "43", old)).stale,
            None
        );
        assert!(h
            .observe(&about(4, 4, Family::Client, "42", old))
            .stale
            .is_some());
    }

    #[test]
    fn a_duplicate_can_be_stale_too() {
        let mut h = History::default();
        h.observe(&about(1, 1, Family::Purchase, "9", "2026-01-01T10:00:00Z"));
        h.observe(&about(2, 2, Family::Purchase, "9", "2026-01-01T10:00:01Z"));
        let f = h.observe(&about(3, 1, Family::Purchase, "9", "2026-01-01T10:00:00Z"));
        assert_eq!(f.duplicate_of, Some(1));
        assert_eq!(f.stale.map(|s| s.newer_seq), Some(2));
    }

    #[test]
    fn memory_is_bounded_and_the_newest_half_is_kept() {
        let mut h = History::with_limit(10);
        for seq in 1..=100u64 {
            h.observe(&about(
                seq,
                seq as u8,
                Family::Client,
                "1",
                "2026-01-01T10:00:00Z",
            ));
            let id = seq.to_string();
            h.observe(&about(
                seq,
                seq as u8,
                Family::Staff,
                &id,
                "2026-01-01T10:00:00Z",
            ));
            assert!(h.seen.len() <= 10 && h.records.len() <= 10, "at {seq}");
        }
        // Seq 100's body is remembered, seq 1's is forgotten.
        assert_eq!(h.observe(&plain(101, 100)).duplicate_of, Some(100));
        assert_eq!(h.observe(&plain(102, 1)).duplicate_of, None);
    }

    #[test]
    fn compacting_keeps_the_newest_half() {
        let mut m: HashMap<u64, u64> = (0..DEFAULT_LIMIT as u64).map(|i| (i, i)).collect();
        compact(&mut m, DEFAULT_LIMIT, DEFAULT_LIMIT as u64, |v| *v);
        assert_eq!(m.len(), DEFAULT_LIMIT / 2);
        assert!(m.contains_key(&(DEFAULT_LIMIT as u64 - 1)));
        assert!(!m.contains_key(&(DEFAULT_LIMIT as u64 / 2 - 1)));
        // Below the limit nothing is forgotten.
        let mut small: HashMap<u64, u64> = (0..5).map(|i| (i, i)).collect();
        compact(&mut small, 10, 1000, |v| *v);
        assert_eq!(small.len(), 5);
    }
}
