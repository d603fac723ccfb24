//! Checking a JSON body without building a tree: one pass that validates the whole document,
//! counts the top-level fields and picks out one of them. Listen does this for every request and
//! verify for bodies of any size, so neither pays for allocating a tree it does not need.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

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

/// Validate `body` as one JSON document and report its top level. Nesting is not limited (the
/// scan is iterative); callers that build trees afterwards check depth themselves.
pub fn scan(body: &[u8], wanted: &[&str]) -> Result<TopLevel, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let top = Top(wanted).deserialize(&mut de)?;
    de.end()?;
    Ok(top)
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
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(IdValue(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<IdValue, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
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
        let (mut n, mut id) = (0, None);
        while let Some(key) = a.next_key::<Cow<'de, str>>()? {
            n += 1;
            if id.is_none() && self.0.contains(&key.as_ref()) {
                id = a.next_value::<IdValue>()?.0;
            } else {
                a.next_value::<IgnoredAny>()?;
            }
        }
        Ok(TopLevel {
            object_fields: Some(n),
            id,
        })
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<TopLevel, A::Error> {
        while a.next_element::<IgnoredAny>()?.is_some() {}
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
