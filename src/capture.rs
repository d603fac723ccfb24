//! The capture document: one captured (or printed) request as JSON. `listen --save` writes it,
//! `sign --format json` prints it, `verify` and `replay` read it.

use base64::Engine;
use serde::{Deserialize, Serialize};

/// Version of the capture format written in `wl_hook_capture`.
pub const CAPTURE_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capture {
    pub wl_hook_capture: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_addr: Option<String>,
    /// The full URL, for requests wl-hook printed rather than received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub method: String,
    pub path: String,
    /// Header pairs in arrival order, duplicates kept.
    pub headers: Vec<(String, String)>,
    /// The exact body when it is UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The exact body in base64 when it is not UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
    /// Why the body was not recorded (a request refused before its body was read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_omitted: Option<String>,
}

impl Capture {
    /// A capture of `body`, stored as text when it is UTF-8 and as base64 otherwise.
    pub fn new(method: &str, path: &str, headers: Vec<(String, String)>, body: &[u8]) -> Capture {
        let (body, body_base64) = match std::str::from_utf8(body) {
            Ok(text) => (Some(text.to_string()), None),
            Err(_) => (
                None,
                Some(base64::engine::general_purpose::STANDARD.encode(body)),
            ),
        };
        Capture {
            wl_hook_capture: CAPTURE_VERSION,
            received_at: None,
            remote_addr: None,
            url: None,
            method: method.to_string(),
            path: path.to_string(),
            headers,
            body,
            body_base64,
            body_omitted: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_binary_bodies_round_trip() {
        let c = Capture::new(
            "POST",
            "/webhooks",
            vec![("x-topic".into(), "a.b".into())],
            b"{\"a\":1}",
        );
        let json = serde_json::to_string(&c).unwrap();
        assert!(json.contains(r#""body":"{\"a\":1}""#), "{json}");
        assert!(!json.contains("body_base64"));
        let back: Capture = serde_json::from_str(&json).unwrap();
        assert_eq!(back, c);
        let b = Capture::new("POST", "/", vec![], b"\xff\x00ok");
        assert_eq!(b.body, None);
        assert_eq!(b.body_base64.as_deref(), Some("/wBvaw=="));
    }
}
