//! Checking a JSON body without building a tree: one pass that validates the whole document,
//! counts the top-level fields and picks out one of them. Listen does this for every request and
//! verify for bodies of any size, so neither pays for allocating a tree it does not need.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// A JSON value's type in words, for messages: "a string", "an object", ...
pub fn kind_of(v: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// What a scan found at the top level.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TopLevel {
    /// The number of fields when the document is an object.
    pub object_fields: Option<usize>,
    /// The value of the first wanted field holding a string or an integer, as text.
    pub id: Option<String>,
}

/// Validate `body` as one JSON document — every string checked for UTF-8 and valid escapes,
/// nesting limited to serde_json's 128 levels — and report its top level.
pub fn scan(body: &[u8], wanted: &[&str]) -> Result<TopLevel, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let top = Top(wanted).deserialize(&mut de)?;
    de.end()?;
    Ok(top)
}

/// Any JSON value, fully checked and then dropped. Unlike serde's `IgnoredAny`, strings go
/// through the parser (serde_json skips ignored strings without checking them), borrowed when
/// they have no escapes, so nothing is allocated.
struct Checked;

impl<'de> serde::Deserialize<'de> for Checked {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Checked, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Checked;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_str<E>(self, _: &str) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_unit<E>(self) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Checked, A::Error> {
                while a.next_element::<Checked>()?.is_some() {}
                Ok(Checked)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Checked, A::Error> {
                while a.next_entry::<Cow<'de, str>, Checked>()?.is_some() {}
                Ok(Checked)
            }
        }
        d.deserialize_any(V)
    }
}

/// A field value, kept only when it is a string or an integer.
struct IdValue(Option<String>);

impl<'de> serde::Deserialize<'de> for IdValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<IdValue, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = IdValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_str<E>(self, v: &str) -> Result<IdValue, E> {
                Ok(IdValue(Some(v.to_string())))
            }
            fn visit_u64<E>(self, v: u64) -> Result<IdValue, E> {
                Ok(IdValue(Some(v.to_string())))
            }
            fn visit_i64<E>(self, v: i64) -> Result<IdValue, E> {
                Ok(IdValue(Some(v.to_string())))
            }
            fn visit_f64<E>(self, _: f64) -> Result<IdValue, E> {
                Ok(IdValue(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<IdValue, E> {
                Ok(IdValue(None))
            }
            fn visit_unit<E>(self) -> Result<IdValue, E> {
                Ok(IdValue(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<IdValue, A::Error> {
                while a.next_element::<Checked>()?.is_some() {}
                Ok(IdValue(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<IdValue, A::Error> {
                while a.next_entry::<Cow<'de, str>, Checked>()?.is_some() {}
                Ok(IdValue(None))
            }
        }
        d.deserialize_any(V)
    }
}

struct Top<'w>(&'w [&'w str]);

impl<'de> DeserializeSeed<'de> for Top<'_> {
    type Value = TopLevel;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<TopLevel, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Top<'_> {
    type Value = TopLevel;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON document")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<TopLevel, A::Error> {
        // The wanted fields are in order of preference: keep the best one found.
        let (mut n, mut best): (usize, Option<(usize, String)>) = (0, None);
        while let Some(key) = a.next_key::<Cow<'de, str>>()? {
            n += 1;
            let rank = self.0.iter().position(|w| *w == key.as_ref());
            match rank {
                Some(r) if best.as_ref().is_none_or(|(b, _)| r < *b) => {
                    if let Some(v) = a.next_value::<IdValue>()?.0 {
                        best = Some((r, v));
                    }
                }
                _ => {
                    a.next_value::<Checked>()?;
                }
            }
        }
        Ok(TopLevel {
            object_fields: Some(n),
            id: best.map(|(_, v)| v),
        })
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<TopLevel, A::Error> {
        while a.next_element::<Checked>()?.is_some() {}
        Ok(TopLevel::default())
    }
    fn visit_str<E>(self, _: &str) -> Result<TopLevel, E> {
        Ok(TopLevel::default())
    }
    fn visit_u64<E>(self, _: u64) -> Result<TopLevel, E> {
        Ok(TopLevel::default())
    }
    fn visit_i64<E>(self, _: i64) -> Result<TopLevel, E> {
        Ok(TopLevel::default())
    }
    fn visit_f64<E>(self, _: f64) -> Result<TopLevel, E> {
        Ok(TopLevel::default())
    }
    fn visit_bool<E>(self, _: bool) -> Result<TopLevel, E> {
        Ok(TopLevel::default())
    }
    fn visit_unit<E>(self) -> Result<TopLevel, E> {
        Ok(TopLevel::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_the_top_level() {
        let body = br#"{"x":{"uid":"no"},"order_id":"9","k_business":5,"uid":[1]}"#;
        assert_eq!(
            scan(body, &["order_id"]).unwrap(),
            TopLevel {
                object_fields: Some(4),
                id: Some("9".into())
            }
        );
        assert_eq!(
            scan(body, &["k_business"]).unwrap().id.as_deref(),
            Some("5")
        );
        assert_eq!(scan(body, &["uid"]).unwrap().id, None);
        assert_eq!(scan(b"[1, {\"a\": 2}]", &[]).unwrap(), TopLevel::default());
        assert_eq!(
            scan(br#"{"uid":"\u0041"}"#, &["uid"])
                .unwrap()
                .id
                .as_deref(),
            Some("A")
        );
        for bad in [&b"{"[..], b"{}x", b"", b"{\"a\":}", b"nul", b"{\"a\":1,}"] {
            assert!(
                scan(bad, &[]).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
