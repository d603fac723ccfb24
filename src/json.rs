//! Checking a JSON body without building a tree: one pass that validates the whole document,
//! counts the top-level fields and picks out one of them. Listen does this for every request and
//! verify for bodies of any size, so neither pays for allocating a tree it does not need.

use std::fmt;

use serde_json::value::RawValue;

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

/// Validate `body` as one JSON document and report its top level. The body must be UTF-8 (one
/// fast pass over all of it), and the structure and escapes are checked by serde_json without
/// allocating; a lone surrogate escape such as `"\ud800"` is accepted, as JSON's grammar allows.
/// `max_depth` refuses documents nested deeper (the scan itself is iterative and has no limit).
pub fn scan(body: &[u8], wanted: &[&str], max_depth: Option<usize>) -> Result<TopLevel, String> {
    if let Err(e) = std::str::from_utf8(body) {
        return Err(format!(
            "not UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        ));
    }
    if let Some(limit) = max_depth {
        if depth_exceeds(body, limit) {
            return Err(format!("nested deeper than {limit} levels"));
        }
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let top = Top(wanted)
        .deserialize(&mut de)
        .map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    Ok(top)
}

/// Whether brackets outside strings nest deeper than `limit`. Nesting deeper than `limit` needs
/// more than `limit` opening brackets, so most bodies are cleared by one vectorised search
/// (memchr); only those with more brackets get the byte-by-byte walk.
pub fn depth_exceeds(body: &[u8], limit: usize) -> bool {
    if memchr::memchr2_iter(b'[', b'{', body).nth(limit).is_none() {
        return false;
    }
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in body {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// A record id: a string or an integer, as text. The value comes raw, so that a lone surrogate
/// escape (`"\ud800"`) is JSON here as everywhere else; such a string is kept as its escaped
/// text, which still tells one record from another.
fn id_of(raw: &RawValue) -> Option<String> {
    let text = raw.get();
    match text.as_bytes().first()? {
        b'"' => Some(
            serde_json::from_str::<String>(text)
                .unwrap_or_else(|_| text[1..text.len() - 1].to_string()),
        ),
        b'-' | b'0'..=b'9' => serde_json::from_str::<i64>(text)
            .map(|n| n.to_string())
            .or_else(|_| serde_json::from_str::<u64>(text).map(|n| n.to_string()))
            .ok(),
        _ => None,
    }
}

/// A key's place in the list of wanted fields, found without copying the key.
struct Rank<'w>(&'w [&'w str]);

impl<'de> DeserializeSeed<'de> for Rank<'_> {
    type Value = Option<usize>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        // Bytes, not a str: a key holding a lone surrogate escape is JSON too (as WTF-8).
        d.deserialize_bytes(self)
    }
}

impl<'de> Visitor<'de> for Rank<'_> {
    type Value = Option<usize>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E>(self, key: &str) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|w| *w == key))
    }
    fn visit_bytes<E>(self, key: &[u8]) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|w| w.as_bytes() == key))
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
        // The wanted fields are in order of preference: keep the best one found, and of a
        // field given twice the last, as JavaScript, Python and PHP read it.
        let (mut n, mut best): (usize, Option<(usize, String)>) = (0, None);
        while let Some(rank) = a.next_key_seed(Rank(self.0))? {
            n += 1;
            match rank {
                Some(r) if best.as_ref().is_none_or(|(b, _)| r <= *b) => {
                    if let Some(v) = id_of(a.next_value::<&RawValue>()?) {
                        best = Some((r, v));
                    }
                }
                _ => {
                    a.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(TopLevel {
            object_fields: Some(n),
            id: best.map(|(_, v)| v),
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
            scan(body, &["order_id"], None).unwrap(),
            TopLevel {
                object_fields: Some(4),
                id: Some("9".into())
            }
        );
        assert_eq!(
            scan(body, &["k_business"], None).unwrap().id.as_deref(),
            Some("5")
        );
        assert_eq!(scan(body, &["uid"], None).unwrap().id, None);
        assert_eq!(
            scan(b"[1, {\"a\": 2}]", &[], None).unwrap(),
            TopLevel::default()
        );
        assert_eq!(
            scan(br#"{"uid":"\u0041"}"#, &["uid"], None)
                .unwrap()
                .id
                .as_deref(),
            Some("A")
        );
        // A lone surrogate escape is JSON in the id field and in keys as everywhere else; the
        // id keeps its escaped text.
        for (body, id) in [
            (&br#"{"uid":"\ud800"}"#[..], Some(r"\ud800")),
            (br#"{"uid":"a\udc00b"}"#, Some(r"a\udc00b")),
            (br#"{"\ud800":1,"uid":"x"}"#, Some("x")),
            (br#"{"uid":-7}"#, Some("-7")),
            (br#"{"uid":1.5}"#, None),
            (br#"{"uid":null}"#, None),
        ] {
            assert_eq!(
                scan(body, &["uid"], None).unwrap().id.as_deref(),
                id,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        for bad in [&b"{"[..], b"{}x", b"", b"{\"a\":}", b"nul", b"{\"a\":1,}"] {
            assert!(
                scan(bad, &[], None).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        // Inside values too: bad UTF-8 and bad escapes are refused.
        assert!(scan(b"{\"a\":[\"\xff\xfe\"]}", &[], None)
            .unwrap_err()
            .contains("UTF-8"));
        assert!(scan(br#"{"a":{"b":"\q"}}"#, &[], None).is_err());
        // A lone surrogate escape is grammatical JSON.
        assert!(scan(br#"{"a":"\ud800"}"#, &[], None).is_ok());
        // A key with escapes is compared once decoded.
        let escaped = br#"{"ui\u0064":"7"}"#;
        assert_eq!(
            scan(escaped, &["uid"], None).unwrap().id.as_deref(),
            Some("7")
        );
        // A field given twice: the last, as receivers in JavaScript, Python and PHP read it.
        let twice = br#"{"uid":"1","x":0,"uid":"2"}"#;
        assert_eq!(
            scan(twice, &["uid"], None).unwrap().id.as_deref(),
            Some("2")
        );
        // Preference order, not document order.
        let both = br#"{"order_id":"2","text_purchase_id":"1"}"#;
        let id = scan(both, &["text_purchase_id", "order_id"], None)
            .unwrap()
            .id;
        assert_eq!(id.as_deref(), Some("1"));
        // Depth is limited only when asked; brackets inside strings do not count.
        let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
        assert!(scan(deep.as_bytes(), &[], None).is_ok());
        assert!(scan(deep.as_bytes(), &[], Some(128))
            .unwrap_err()
            .contains("deeper"));
        let quoted = format!("[\"{}\\\"\"]", "[".repeat(500));
        assert!(scan(quoted.as_bytes(), &[], Some(128)).is_ok(), "{quoted}");
        // Many brackets side by side are shallow; exactly the limit passes, one more does not.
        let wide = format!("[{}[]]", "[],".repeat(500));
        assert!(scan(wide.as_bytes(), &[], Some(128)).is_ok());
        let at_limit = format!("{}{}", "[".repeat(128), "]".repeat(128));
        assert!(scan(at_limit.as_bytes(), &[], Some(128)).is_ok());
        let over = format!(
            "{}{}",
            "{\"a\":".repeat(129),
            "1".to_string() + &"}".repeat(129)
        );
        assert!(scan(over.as_bytes(), &[], Some(128)).is_err());
    }
}
