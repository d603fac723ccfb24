//! The WL webhook wire format, free of CLI, HTTP-server and terminal code: topics, signing and
//! verifying, the payload key, timestamps, and the header set of one delivery.

pub mod fidelity;
pub mod signature;
pub mod timestamp;
pub mod topics;

use chrono::{DateTime, Utc};

pub use fidelity::{Fidelity, PayloadKeyRule, SignatureEncoding, TimestampFormat};
pub use signature::{payload_key, sign, verify, Deviation, Secret, SignatureError, Verified};
pub use timestamp::TimestampForm;
pub use topics::{Event, Family, UnknownTopic, EVENTS};

/// Header names, sent lower-case and read case-insensitively.
pub mod header {
    pub const CONTENT_TYPE: &str = "content-type";
    pub const TOPIC: &str = "x-topic";
    pub const SIGNATURE: &str = "x-signature-256";
    pub const GENERATED_AT: &str = "x-generated-at";
    pub const SENT_AT: &str = "x-sent-at";
    pub const PAYLOAD_KEY: &str = "x-payload-key";
}

/// The content type of every delivery.
pub const JSON_CONTENT_TYPE: &str = "application/json";

/// WL accepts a delivery only when the receiver answers one of these.
pub fn is_accepted_status(status: u16) -> bool {
    status == 200 || status == 201
}

/// WL retries failed deliveries for up to this long after the first attempt.
pub const RETRY_WINDOW_HOURS: i64 = 72;

/// The built-in development key, used when the user gives none (with a notice on stderr).
pub const DEV_KEY: &str = "wl-hook-development-key";

/// The development key as a [`Secret`].
pub fn dev_secret() -> Secret {
    Secret::new(DEV_KEY.as_bytes().to_vec()).expect("the development key is not empty")
}

/// Headers a relay must not copy onto its own request: the connection's own (hop-by-hop) and
/// the host. The length is set again from the body by the client.
pub const NOT_RELAYED: [&str; 10] = [
    "host",
    "content-length",
    "connection",
    "keep-alive",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "proxy-authorization",
    "proxy-authenticate",
];

/// The ordered header set of one delivery attempt.
pub type Headers = Vec<(String, String)>;

/// Every header of a delivery for (topic, body, key, generated-at, sent-at), in wl-hook's order,
/// spelt as `fidelity` models WL's unknowns.
pub fn build_headers(
    fidelity: &Fidelity,
    topic: &str,
    body: &[u8],
    key: &Secret,
    generated_at: DateTime<Utc>,
    sent_at: DateTime<Utc>,
) -> Headers {
    let mut headers = vec![
        (header::CONTENT_TYPE.into(), JSON_CONTENT_TYPE.into()),
        (header::TOPIC.into(), topic.into()),
        (header::SIGNATURE.into(), fidelity.signature(key, body)),
        (
            header::GENERATED_AT.into(),
            fidelity.timestamp.format(generated_at),
        ),
        (header::SENT_AT.into(), fidelity.timestamp.format(sent_at)),
    ];
    if let Some(k) = fidelity.payload_key(body) {
        headers.push((header::PAYLOAD_KEY.into(), k));
    }
    headers
}

/// The value of the first header with this name (case-insensitive).
pub fn header_value<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Add a header, or replace every header of that name (case-insensitive) with it.
pub fn set_header(headers: &mut Headers, name: &str, value: &str) {
    set_first(
        headers,
        |(n, _)| n.eq_ignore_ascii_case(name),
        |(_, v)| *v = value.to_string(),
        || (name.to_ascii_lowercase(), value.to_string()),
    );
}

/// [`set_header`]'s rule on a list of any kind of header entry: the first entry `is_it` picks
/// is changed by `set` in its place and any later ones go; with none, `new()` is added last.
pub fn set_first<T>(
    items: &mut Vec<T>,
    is_it: impl Fn(&T) -> bool,
    set: impl FnOnce(&mut T),
    new: impl FnOnce() -> T,
) {
    let Some(first) = items.iter().position(&is_it) else {
        items.push(new());
        return;
    };
    set(&mut items[first]);
    let mut at = 0;
    items.retain(|item| {
        at += 1;
        at <= first + 1 || !is_it(item)
    });
}

/// Remove every header of that name (case-insensitive).
pub fn remove_header(headers: &mut Headers, name: &str) {
    headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
}

/// Why a user-given header cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    #[error("header '{0}' has no ':'; write it as 'Name: value'")]
    NoColon(String),
    #[error("header name '{0}' is not a valid HTTP token")]
    BadName(String),
    #[error("header '{0}' has a CR, LF or NUL in its value; header values must be one line")]
    BadValue(String),
}

/// Parse `Name: value` as given to `--header`, refusing what would break the request framing.
pub fn parse_header_arg(arg: &str) -> Result<(String, String), HeaderError> {
    let (name, value) = arg
        .split_once(':')
        .ok_or_else(|| HeaderError::NoColon(arg.to_string()))?;
    let name = name.trim();
    let token_char = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.is_empty() || !name.chars().all(token_char) {
        return Err(HeaderError::BadName(name.to_string()));
    }
    check_header_value(name, value.trim())?;
    Ok((name.to_ascii_lowercase(), value.trim().to_string()))
}

/// Refuse a header value with CR, LF or NUL: it would split or corrupt the request.
pub fn check_header_value(name: &str, value: &str) -> Result<(), HeaderError> {
    if value.contains(['\r', '\n', '\0']) {
        return Err(HeaderError::BadValue(name.to_string()));
    }
    Ok(())
}

/// Change one byte of a body after signing, keeping JSON valid: the last digit is changed to
/// another digit (or, with no digit, a space is appended). Returns what was changed.
pub fn tamper(body: &mut Vec<u8>) -> String {
    match body.iter().rposition(u8::is_ascii_digit) {
        Some(i) => {
            let old = body[i];
            let new = if old == b'9' { b'8' } else { old + 1 };
            body[i] = new;
            format!(
                "byte {i} changed from '{}' to '{}'",
                old as char, new as char
            )
        }
        None => {
            body.push(b' ');
            "a space appended".into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_set_is_complete_and_consistent() {
        let key = Secret::new(b"k".to_vec()).unwrap();
        let gen = timestamp::parse("2025-01-20T20:10:00Z").unwrap().0;
        let sent = timestamp::parse("2025-01-20T20:11:00Z").unwrap().0;
        let h = build_headers(
            &Fidelity::default(),
            "purchase.created",
            b"{}",
            &key,
            gen,
            sent,
        );
        let names: Vec<_> = h.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "content-type",
                "x-topic",
                "x-signature-256",
                "x-generated-at",
                "x-sent-at",
                "x-payload-key"
            ]
        );
        assert_eq!(header_value(&h, "X-Topic"), Some("purchase.created"));
        assert_eq!(
            header_value(&h, "x-generated-at"),
            Some("2025-01-20T20:10:00.000Z")
        );
        assert_eq!(
            header_value(&h, "x-sent-at"),
            Some("2025-01-20T20:11:00.000Z")
        );
        // printf '%s' '{}' | openssl dgst -sha256 -hmac k
        assert_eq!(
            header_value(&h, "x-signature-256"),
            Some("add853b103fbcc936a194f9eb15e29c4ff08af6e47d5d1bca4f20218e31e4fff")
        );
        // printf '%s' '{}' | openssl dgst -sha256
        assert_eq!(
            header_value(&h, "x-payload-key"),
            Some("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a")
        );
    }

    #[test]
    fn header_args() {
        assert_eq!(
            parse_header_arg("X-Trace:  abc "),
            Ok(("x-trace".into(), "abc".into()))
        );
        assert!(matches!(
            parse_header_arg("novalue"),
            Err(HeaderError::NoColon(_))
        ));
        assert!(matches!(
            parse_header_arg("bad name: v"),
            Err(HeaderError::BadName(_))
        ));
        assert!(matches!(
            parse_header_arg("x: a\r\nInjected: 1"),
            Err(HeaderError::BadValue(_))
        ));
        let mut h: Headers = vec![("x-a".into(), "1".into()), ("X-A".into(), "2".into())];
        set_header(&mut h, "x-a", "3");
        assert_eq!(h, vec![("x-a".to_string(), "3".to_string())]);
        set_header(&mut h, "X-B", "4");
        assert_eq!(h[1], ("x-b".to_string(), "4".to_string()));
        remove_header(&mut h, "X-A");
        assert_eq!(h.len(), 1);
        // The first keeps its place (and its name's spelling); the later ones go, the others stay.
        let pair = |n: &str, v: &str| (n.to_string(), v.to_string());
        let mut h = vec![
            pair("a", "0"),
            pair("X-A", "1"),
            pair("b", "9"),
            pair("x-a", "2"),
        ];
        set_header(&mut h, "x-a", "3");
        assert_eq!(h, vec![pair("a", "0"), pair("X-A", "3"), pair("b", "9")]);
    }

    #[test]
    fn tamper_keeps_json_valid_and_changes_the_bytes() {
        let mut b = br#"{"a":"x1","version":9}"#.to_vec();
        let orig = b.clone();
        let what = tamper(&mut b);
        assert_ne!(b, orig);
        assert!(serde_json::from_slice::<serde_json::Value>(&b).is_ok());
        assert!(what.contains("'9' to '8'"), "{what}");
        let mut none = b"{}".to_vec();
        assert_eq!(tamper(&mut none), "a space appended");
        assert_eq!(none, b"{} ");
    }
}
