//! WL's unknowns as switches. WL documents neither how `x-signature-256` is spelt (hex or
//! base64, with a prefix or not), nor the rule behind `x-payload-key`, nor the format of its
//! timestamps: each is modelled, with a default, and every command that signs or judges takes
//! the same [`Fidelity`], so that a receiver can be tested against the other readings too.

use std::fmt;

use base64::Engine;
use chrono::{DateTime, SecondsFormat, Utc};

use super::signature::{hex32, hmac_bytes, payload_key, Secret};
use super::timestamp::TimestampForm;

/// How the 32 bytes of the HMAC are written in `x-signature-256`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignatureEncoding {
    /// 64 lower-case hex digits (the modelled default).
    #[default]
    Hex,
    /// Standard base64 with padding (44 characters).
    Base64,
}

impl SignatureEncoding {
    pub fn name(self) -> &'static str {
        match self {
            SignatureEncoding::Hex => "hex",
            SignatureEncoding::Base64 => "base64",
        }
    }

    /// The HMAC's bytes written this way.
    pub fn encode(self, bytes: &[u8; 32]) -> String {
        match self {
            SignatureEncoding::Hex => hex32(bytes),
            SignatureEncoding::Base64 => base64::engine::general_purpose::STANDARD.encode(bytes),
        }
    }

    /// The 32 bytes a value written this way holds, or `None` when it is not one.
    pub fn decode(self, text: &str) -> Option<[u8; 32]> {
        let mut out = [0u8; 32];
        match self {
            SignatureEncoding::Hex => hex::decode_to_slice(text, &mut out).ok().map(|_| out),
            SignatureEncoding::Base64 => base64::engine::general_purpose::STANDARD
                .decode(text)
                .ok()
                .and_then(|v| <[u8; 32]>::try_from(v).ok()),
        }
    }

    /// The other encoding.
    pub fn other(self) -> SignatureEncoding {
        match self {
            SignatureEncoding::Hex => SignatureEncoding::Base64,
            SignatureEncoding::Base64 => SignatureEncoding::Hex,
        }
    }
}

/// What `x-payload-key` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PayloadKeyRule {
    /// Lower-case hex SHA-256 of the exact body bytes (the modelled default).
    #[default]
    Sha256,
    /// No rule is modelled: none is sent, and whatever arrives is not checked.
    None,
}

impl PayloadKeyRule {
    pub fn name(self) -> &'static str {
        match self {
            PayloadKeyRule::Sha256 => "sha256",
            PayloadKeyRule::None => "none",
        }
    }
}

/// How `x-generated-at` and `x-sent-at` are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimestampFormat {
    /// RFC 3339 UTC, written with milliseconds (`2025-01-20T20:10:00.000Z`); read with or
    /// without a fraction (the modelled default).
    #[default]
    Rfc3339,
    /// Seconds since the Unix epoch (`1737403800`).
    Unix,
    /// Milliseconds since the Unix epoch (`1737403800000`).
    UnixMs,
}

impl TimestampFormat {
    pub fn name(self) -> &'static str {
        match self {
            TimestampFormat::Rfc3339 => "rfc3339",
            TimestampFormat::Unix => "unix",
            TimestampFormat::UnixMs => "unix-ms",
        }
    }

    /// `t` written this way.
    pub fn format(self, t: DateTime<Utc>) -> String {
        match self {
            TimestampFormat::Rfc3339 => t.to_rfc3339_opts(SecondsFormat::Millis, true),
            TimestampFormat::Unix => t.timestamp().to_string(),
            TimestampFormat::UnixMs => t.timestamp_millis().to_string(),
        }
    }

    /// True when a timestamp read in `form` is written this way.
    pub fn matches(self, form: TimestampForm) -> bool {
        match self {
            TimestampFormat::Rfc3339 => {
                matches!(
                    form,
                    TimestampForm::Rfc3339Fraction | TimestampForm::Rfc3339
                )
            }
            TimestampFormat::Unix => form == TimestampForm::UnixSeconds,
            TimestampFormat::UnixMs => form == TimestampForm::UnixMillis,
        }
    }
}

/// The modelled answers to WL's unknowns, as one value the signing and judging layers take.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fidelity {
    pub encoding: SignatureEncoding,
    /// Written before the encoded HMAC, e.g. `sha256=`; empty for none (the default).
    pub prefix: String,
    pub payload_key: PayloadKeyRule,
    pub timestamp: TimestampFormat,
}

impl Fidelity {
    /// The `x-signature-256` value for `body` under `key`.
    pub fn signature(&self, key: &Secret, body: &[u8]) -> String {
        format!(
            "{}{}",
            self.prefix,
            self.encoding.encode(&hmac_bytes(key, body))
        )
    }

    /// The `x-payload-key` value for `body`, when one is sent.
    pub fn payload_key(&self, body: &[u8]) -> Option<String> {
        match self.payload_key {
            PayloadKeyRule::Sha256 => Some(payload_key(body)),
            PayloadKeyRule::None => None,
        }
    }

    /// How a signature is spelt under this model, in words: "lower-case hex", "base64 after
    /// 'sha256='".
    pub fn signature_form(&self) -> String {
        let enc = match self.encoding {
            SignatureEncoding::Hex => "lower-case hex",
            SignatureEncoding::Base64 => "base64",
        };
        if self.prefix.is_empty() {
            format!("bare {enc}")
        } else {
            format!("{enc} after '{}'", self.prefix)
        }
    }
}

impl fmt::Display for Fidelity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "signature {} (prefix '{}'), payload key {}, timestamps {}",
            self.encoding.name(),
            self.prefix,
            self.payload_key.name(),
            self.timestamp.name()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_switch_changes_what_is_written() {
        let key = Secret::new(b"k".to_vec()).expect("not empty");
        let default = Fidelity::default();
        // printf '%s' '{}' | openssl dgst -sha256 -hmac k
        let hex = "add853b103fbcc936a194f9eb15e29c4ff08af6e47d5d1bca4f20218e31e4fff";
        assert_eq!(default.signature(&key, b"{}"), hex);
        let b64 = Fidelity {
            encoding: SignatureEncoding::Base64,
            prefix: "sha256=".into(),
            ..Fidelity::default()
        };
        // printf '%s' '{}' | openssl dgst -sha256 -hmac k -binary | base64
        assert_eq!(
            b64.signature(&key, b"{}"),
            "sha256=rdhTsQP7zJNqGU+esV4pxP8Ir25H1dG8pPICGOMeT/8="
        );
        let bytes = SignatureEncoding::Base64
            .decode("rdhTsQP7zJNqGU+esV4pxP8Ir25H1dG8pPICGOMeT/8=")
            .expect("32 bytes");
        assert_eq!(SignatureEncoding::Hex.encode(&bytes), hex);
        assert_eq!(SignatureEncoding::Hex.decode("abc"), None);
        assert!(default.payload_key(b"{}").is_some());
        let none = Fidelity {
            payload_key: PayloadKeyRule::None,
            ..Fidelity::default()
        };
        assert_eq!(none.payload_key(b"{}"), None);
        let t: DateTime<Utc> = "2025-01-20T20:10:00Z".parse().expect("a time");
        assert_eq!(
            TimestampFormat::Rfc3339.format(t),
            "2025-01-20T20:10:00.000Z"
        );
        assert_eq!(TimestampFormat::Unix.format(t), "1737403800");
        assert_eq!(TimestampFormat::UnixMs.format(t), "1737403800000");
        assert!(TimestampFormat::Rfc3339.matches(TimestampForm::Rfc3339));
        assert!(!TimestampFormat::Rfc3339.matches(TimestampForm::UnixSeconds));
    }
}
