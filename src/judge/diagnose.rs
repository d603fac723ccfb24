//! Why a signature did not verify: the HMAC is recomputed under each known cause (re-formatted
//! body, key whitespace, base64 or prefixed signature, timestamp + body, another key) and the
//! cause that fits is put in words a user can act on.
//!
//! Comparisons here need not be constant-time: they run after the real check has failed and
//! compare candidates wl-hook computed itself.

use std::io;

use base64::Engine;
use serde::Serialize;
use serde_json::ser::Formatter;
use serde_json::Value;

use super::{BodyForm, NamedKey, Request};
use crate::protocol::signature::{hmac_bytes, payload_key, HEX_LEN};
use crate::protocol::{dev_secret, header, header_value, Secret};

/// How the development key is named when it stands in for missing keys or is tried as a cause.
const DEV_KEY_LABEL: &str = "wl-hook's development key";

/// Bodies larger than this are tried only as they are: a real webhook is a few KB, and every
/// variant costs one HMAC per key over the whole body.
const MAX_VARIED_BYTES: usize = 1 << 20;

/// The development key, named, for when no key is given.
pub(super) fn dev_named_key() -> NamedKey {
    NamedKey {
        label: DEV_KEY_LABEL.to_string(),
        key: dev_secret(),
    }
}

/// Sentences explaining a failed signature; the last one is the verdict.
pub(super) fn diagnose(req: &Request, keys: &[NamedKey]) -> Vec<String> {
    let Some(value) = header_value(&req.headers, header::SIGNATURE) else {
        return vec![
            "the request has no x-signature-256 header: the sender did not sign it, or a proxy dropped the header (WL signs every delivery)".into(),
        ];
    };
    let claims = claims(value);
    if claims.is_empty() {
        return vec![format!(
            "the signature is neither {HEX_LEN} hex digits nor base64 of 32 bytes, so it cannot be an HMAC-SHA256{}",
            length_hint(value)
        )];
    }
    let keys = key_tries(keys);
    let messages = messages(req);
    match best_fit(&claims, &messages, &keys) {
        Some((claim, message, key)) => explain(req, keys_labels(&keys), claim, message, key),
        None => match plain_hash_fit(&claims, &req.body, &keys) {
            Some(key) => vec![
                format!(
                    "the signature matches SHA-256 of {} followed by the body: a plain hash, not an HMAC",
                    key.label
                ),
                "the sender read 'a SHA-256 hash of the payload made with the webhook key' literally; wl-hook models WL's signature as HMAC-SHA256(key, body), which a receiver must check in constant time: compute the HMAC".into(),
            ],
            None => no_fit(req, &messages),
        },
    }
}

/// The key for which the signature is SHA-256(key ‖ body), the literal reading of WL's
/// sentence, when one is.
fn plain_hash_fit<'k>(
    claims: &[Claim],
    body: &[u8],
    keys: &'k [KeyTry<'k>],
) -> Option<&'k KeyTry<'k>> {
    use sha2::{Digest, Sha256};
    keys.iter()
        .filter(|k| matches!(k.change, KeyChange::AsGiven | KeyChange::DevKey))
        .find(|k| {
            let digest: [u8; 32] = Sha256::new()
                .chain_update(k.secret.expose())
                .chain_update(body)
                .finalize()
                .into();
            claims.iter().any(|c| c.bytes == digest)
        })
}

// ---- what the header claims ----

/// One reading of the signature header as 32 HMAC bytes.
struct Claim {
    bytes: [u8; 32],
    base64: bool,
    /// A prefix such as `v1=` that had to be removed (`sha256=` is tolerated, so not kept).
    prefix: Option<String>,
    /// Whitespace around the value had to be removed.
    padded: bool,
}

impl Claim {
    fn cost(&self) -> u32 {
        u32::from(self.base64) + u32::from(self.prefix.is_some()) + u32::from(self.padded)
    }
}

/// Every way the header value reads as 32 bytes: hex or base64, with or without a prefix, and
/// each entry of a space-separated list (Standard Webhooks sends `v1,SIG v1,SIG`).
fn claims(value: &str) -> Vec<Claim> {
    let tokens: Vec<&str> = value.split_whitespace().collect();
    let padded = tokens.len() == 1 && value.trim() != value;
    let mut out = Vec::new();
    for token in tokens {
        let mut readings = vec![(None, token)];
        if let Some((prefix, rest)) = split_prefix(token) {
            let kept = (!prefix.eq_ignore_ascii_case("sha256=")).then(|| prefix.to_string());
            readings.push((kept, rest));
        }
        for (prefix, text) in readings {
            if let Some(bytes) = decode_hex(text) {
                out.push(Claim {
                    bytes,
                    base64: false,
                    prefix: prefix.clone(),
                    padded,
                });
            }
            if let Some(bytes) = decode_base64(text) {
                out.push(Claim {
                    bytes,
                    base64: true,
                    prefix,
                    padded,
                });
            }
        }
    }
    out
}

/// `v1=`, `sha256:`, `v1,`: a short scheme name and a separator, with something after it.
fn split_prefix(token: &str) -> Option<(&str, &str)> {
    let at = token.find(['=', ':', ','])?;
    let name = &token[..at];
    let scheme_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let ok =
        (1..=20).contains(&name.len()) && name.chars().all(scheme_char) && at + 1 < token.len();
    ok.then(|| token.split_at(at + 1))
}

fn decode_hex(text: &str) -> Option<[u8; 32]> {
    let mut bytes = [0u8; 32];
    (text.len() == HEX_LEN)
        .then(|| hex::decode_to_slice(text, &mut bytes).ok())
        .flatten()
        .map(|()| bytes)
}

fn decode_base64(text: &str) -> Option<[u8; 32]> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(text).ok())
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
}

/// A guess at what a value of the wrong length is.
fn length_hint(value: &str) -> String {
    let text = value.trim();
    let text = split_prefix(text).map_or(text, |(_, rest)| rest);
    if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return String::new();
    }
    match text.len() {
        40 => " (40 hex digits is the length of a SHA-1 HMAC; WL uses SHA-256)".into(),
        128 => " (128 hex digits is the length of a SHA-512 HMAC; WL uses SHA-256)".into(),
        n if n < HEX_LEN => format!(" ({n} hex digits: truncated?)"),
        _ => String::new(),
    }
}

// ---- which keys to try ----

enum KeyChange {
    AsGiven,
    Trimmed,
    /// The signer's key had this whitespace after it.
    Suffixed(&'static str),
    DevKey,
}

/// Whitespace a key read from a file or pasted into a form commonly keeps, in words.
const KEY_SUFFIXES: [(&str, &str); 5] = [
    ("\n", "a newline"),
    ("\r\n", "a CR LF (a file saved on Windows)"),
    ("\n\n", "two newlines"),
    (" ", "a space"),
    ("\t", "a tab"),
];

fn suffix_words(suffix: &str) -> &'static str {
    KEY_SUFFIXES
        .iter()
        .find(|(s, _)| *s == suffix)
        .map_or("trailing whitespace", |(_, w)| w)
}

struct KeyTry<'a> {
    label: &'a str,
    secret: Secret,
    change: KeyChange,
}

/// The given keys, then each with surrounding whitespace removed or a newline added, then the
/// development key; a variant equal to an earlier one is dropped.
fn key_tries(keys: &[NamedKey]) -> Vec<KeyTry<'_>> {
    let mut out: Vec<KeyTry<'_>> = Vec::new();
    let mut push = |label, bytes: Vec<u8>, change| {
        if out.iter().all(|k| k.secret.expose() != bytes.as_slice()) {
            if let Some(secret) = Secret::new(bytes) {
                out.push(KeyTry {
                    label,
                    secret,
                    change,
                });
            }
        }
    };
    for k in keys {
        push(&k.label, k.key.expose().to_vec(), KeyChange::AsGiven);
    }
    for k in keys {
        push(
            &k.label,
            k.key.expose().trim_ascii().to_vec(),
            KeyChange::Trimmed,
        );
        for (suffix, _) in KEY_SUFFIXES {
            push(
                &k.label,
                [k.key.expose(), suffix.as_bytes()].concat(),
                KeyChange::Suffixed(suffix),
            );
        }
    }
    push(
        DEV_KEY_LABEL,
        dev_secret().expose().to_vec(),
        KeyChange::DevKey,
    );
    out
}

fn keys_labels(keys: &[KeyTry<'_>]) -> String {
    keys.iter()
        .filter(|k| matches!(k.change, KeyChange::AsGiven))
        .map(|k| k.label)
        .collect::<Vec<_>>()
        .join(", ")
}

// ---- which bytes to try ----

enum BodyChange {
    None,
    NewlineAdded,
    NewlineRemoved,
    Reformatted { style: &'static str, newline: bool },
    Timestamped(&'static str),
}

struct Message {
    bytes: Vec<u8>,
    change: BodyChange,
}

/// The body, then the simplest changes first: a trailing newline, re-serialisations of its
/// JSON, and a timestamp put in front. A variant equal to an earlier one is dropped.
fn messages(req: &Request) -> Vec<Message> {
    let body = &req.body;
    let mut out = vec![Message {
        bytes: body.to_vec(),
        change: BodyChange::None,
    }];
    if body.len() > MAX_VARIED_BYTES {
        return out;
    }
    let mut push = |bytes: Vec<u8>, change| {
        if out.iter().all(|m| m.bytes != bytes) {
            out.push(Message { bytes, change });
        }
    };
    push([&body[..], b"\n"].concat(), BodyChange::NewlineAdded);
    for ending in [&b"\r\n"[..], b"\n"] {
        if let Some(stripped) = body.strip_suffix(ending) {
            push(stripped.to_vec(), BodyChange::NewlineRemoved);
        }
    }
    if let Ok(value) = serde_json::from_slice::<Value>(body) {
        for (style, bytes) in reformattings(&value) {
            let with_newline = [bytes.as_slice(), b"\n"].concat();
            push(
                bytes,
                BodyChange::Reformatted {
                    style,
                    newline: false,
                },
            );
            push(
                with_newline,
                BodyChange::Reformatted {
                    style,
                    newline: true,
                },
            );
        }
    }
    let stamps = [
        ("{x-generated-at}.{body}", header::GENERATED_AT, "."),
        ("{x-generated-at}{body}", header::GENERATED_AT, ""),
        ("{x-sent-at}.{body}", header::SENT_AT, "."),
    ];
    for (template, name, separator) in stamps {
        if let Some(stamp) = header_value(&req.headers, name) {
            let bytes = [stamp.as_bytes(), separator.as_bytes(), body].concat();
            push(bytes, BodyChange::Timestamped(template));
        }
    }
    out
}

/// The serialisations a sender or a middleware commonly produces from the same JSON value.
fn reformattings(value: &Value) -> Vec<(&'static str, Vec<u8>)> {
    let mut sorted = value.clone();
    sorted.sort_all_objects();
    let styled = |v: &Value, style: Style| {
        let mut ser = serde_json::Serializer::with_formatter(Vec::new(), style);
        v.serialize(&mut ser).ok().map(|()| ser.into_inner())
    };
    let compact = Style::default();
    let python = Style {
        spaced: true,
        ascii_only: true,
        escape_slash: false,
    };
    let php = Style {
        spaced: false,
        ascii_only: true,
        escape_slash: true,
    };
    [
        ("compact JSON (no spaces)", styled(value, compact)),
        (
            "pretty-printed JSON (2-space indent)",
            serde_json::to_vec_pretty(value).ok(),
        ),
        ("compact JSON with keys sorted", styled(&sorted, compact)),
        (
            "pretty-printed JSON with keys sorted",
            serde_json::to_vec_pretty(&sorted).ok(),
        ),
        (
            "JSON with a space after each ':' and ',' and non-ASCII escaped (Python's json.dumps default)",
            styled(value, python),
        ),
        (
            "JSON with '/' and non-ASCII escaped (PHP's json_encode default)",
            styled(value, php),
        ),
    ]
    .into_iter()
    .filter_map(|(style, bytes)| bytes.map(|b| (style, b)))
    .collect()
}

/// A one-line JSON style: optional spaces after separators, `\/`, and `\uXXXX` for non-ASCII.
#[derive(Default, Clone, Copy)]
struct Style {
    spaced: bool,
    ascii_only: bool,
    escape_slash: bool,
}

impl Formatter for Style {
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.separator(w, first)
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.separator(w, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(if self.spaced { b": " } else { b":" })
    }

    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        for c in fragment.chars() {
            if c == '/' && self.escape_slash {
                w.write_all(b"\\/")?;
            } else if !c.is_ascii() && self.ascii_only {
                for unit in c.encode_utf16(&mut [0u16; 2]) {
                    write!(w, "\\u{unit:04x}")?;
                }
            } else {
                w.write_all(c.encode_utf8(&mut [0u8; 4]).as_bytes())?;
            }
        }
        Ok(())
    }
}

impl Style {
    fn separator<W: ?Sized + io::Write>(&self, w: &mut W, first: bool) -> io::Result<()> {
        match (first, self.spaced) {
            (true, _) => Ok(()),
            (false, true) => w.write_all(b", "),
            (false, false) => w.write_all(b","),
        }
    }
}

// ---- the search and its wording ----

/// The fit that needs the fewest changes (ties go to the earlier key, then the earlier message).
fn best_fit<'c, 'm, 'k>(
    claims: &'c [Claim],
    messages: &'m [Message],
    keys: &'k [KeyTry<'k>],
) -> Option<(&'c Claim, &'m Message, &'k KeyTry<'k>)> {
    let mut best: Option<(u32, (&Claim, &Message, &KeyTry<'_>))> = None;
    for key in keys {
        let key_cost = u32::from(!matches!(key.change, KeyChange::AsGiven));
        for message in messages {
            let mac = hmac_bytes(&key.secret, &message.bytes);
            let message_cost = u32::from(!matches!(message.change, BodyChange::None));
            for claim in claims.iter().filter(|c| c.bytes == mac) {
                let cost = key_cost + message_cost + claim.cost();
                if best.as_ref().is_none_or(|(c, _)| cost < *c) {
                    best = Some((cost, (claim, message, key)));
                }
            }
        }
    }
    best.map(|(_, fit)| fit)
}

fn message_phrase(req: &Request, change: &BodyChange) -> String {
    match change {
        BodyChange::None if req.body_form.is_exact() => "the body as received".into(),
        BodyChange::None => "the body's compact serialisation".into(),
        BodyChange::NewlineAdded => "the body with a trailing newline added".into(),
        BodyChange::NewlineRemoved => "the body without its trailing newline".into(),
        BodyChange::Reformatted { style, newline } => format!(
            "the body re-serialised as {style}{}",
            if *newline {
                " plus a trailing newline"
            } else {
                ""
            }
        ),
        BodyChange::Timestamped(template) => {
            format!("'{template}' (a timestamp and the body), not the body alone")
        }
    }
}

fn explain(
    req: &Request,
    given: String,
    claim: &Claim,
    message: &Message,
    key: &KeyTry<'_>,
) -> Vec<String> {
    let key_phrase = match key.change {
        KeyChange::AsGiven => key.label.to_string(),
        KeyChange::Trimmed => format!("{} with its surrounding whitespace removed", key.label),
        KeyChange::Suffixed(suffix) => {
            format!("{} plus {} at the end", key.label, suffix_words(suffix))
        }
        KeyChange::DevKey => DEV_KEY_LABEL.to_string(),
    };
    let mut reading = Vec::new();
    if claim.base64 {
        reading.push("read as base64 rather than hex".to_string());
    }
    if let Some(prefix) = &claim.prefix {
        reading.push(format!("once the '{prefix}' prefix is removed"));
    }
    if claim.padded {
        reading.push("once the whitespace around it is removed".to_string());
    }
    let reading: String = reading.iter().map(|r| format!(", {r}")).collect();
    let mut out = vec![format!(
        "the signature matches {} with {key_phrase}{reading}",
        message_phrase(req, &message.change)
    )];

    if claim.base64 {
        out.push("the signature is base64, not hex: WL-style signatures are the HMAC in lower-case hex; encode it as hex".into());
    }
    if let Some(prefix) = &claim.prefix {
        out.push(format!("the signature carries a '{prefix}' prefix: wl-hook expects bare hex (only 'sha256=' is tolerated); drop the prefix"));
    }
    if claim.padded {
        out.push(
            "the x-signature-256 value has whitespace around it: trim it where the header is set"
                .into(),
        );
    }
    match (&message.change, req.body_form) {
        (BodyChange::None, _) => {}
        (BodyChange::Reformatted { .. }, BodyForm::CompactJson) => out.push(format!(
            "the loose form gives the body as a JSON value, so its exact bytes are unknown and wl-hook checked it as {} first; put the exact body in the file as a string to check it byte for byte",
            req.body_form
        )),
        (BodyChange::Reformatted { .. }, BodyForm::Exact) => out.push("the body was re-formatted after signing: compute the HMAC over the raw body bytes as received, before any JSON parsing or re-serialisation".into()),
        (BodyChange::NewlineAdded, _) => out.push("the sender signed the body with a trailing newline that the received body lacks: it was removed after signing; sign and send the same bytes".into()),
        (BodyChange::NewlineRemoved, _) => out.push("a trailing newline was added to the body after signing (editors, echo and println add one): sign and send the same bytes".into()),
        (BodyChange::Timestamped(_), _) => out.push("the signature covers a timestamp and the body (as Stripe and Standard Webhooks do); wl-hook models WL's signature as covering the exact body bytes alone (WL documents no timestamp in it), so sign only the body".into()),
    }
    match key.change {
        KeyChange::AsGiven => {}
        KeyChange::Trimmed => out.push(format!(
            "the key given as {} has stray whitespace or a newline: remove it where the key is stored (--secret-file trims only one trailing newline)",
            key.label
        )),
        KeyChange::Suffixed(suffix) => out.push(format!(
            "the signer's key ends with {} that {} lacks: the sender read or pasted its key without trimming it; trim the key where it is stored",
            suffix_words(suffix),
            key.label
        )),
        KeyChange::DevKey => out.push(format!(
            "it was made with wl-hook's development key, not with {given}: the sender ran wl-hook without --secret or WL_HOOK_SECRET; give both sides the same key"
        )),
    }
    out
}

fn no_fit(req: &Request, messages: &[Message]) -> Vec<String> {
    let mut out = Vec::new();
    if req.body.len() > MAX_VARIED_BYTES {
        out.push(format!(
            "the body is over {} MiB, so only the keys and the signature's encoding were varied, not the body",
            MAX_VARIED_BYTES >> 20
        ));
    }
    if req.body_form == BodyForm::CompactJson {
        out.push(format!(
            "the loose form gives the body as a JSON value, so its exact bytes are unknown: wl-hook checked it as {} and as the usual re-formattings; put the exact body in the file as a string to check it byte for byte",
            req.body_form
        ));
    }
    // The payload key needs no key: if it matches another form of the body, that form is
    // what the sender had.
    if let Some(sent) = header_value(&req.headers, header::PAYLOAD_KEY) {
        let sent = sent.trim().to_ascii_lowercase();
        let hashed = messages
            .iter()
            .filter(|m| !matches!(m.change, BodyChange::Timestamped(_)))
            .find(|m| payload_key(&m.bytes) == sent);
        if let Some(m) = hashed.filter(|m| !matches!(m.change, BodyChange::None)) {
            out.push(format!(
                "x-payload-key matches {}: the body was changed after the sender hashed it",
                message_phrase(req, &m.change)
            ));
        }
    }
    out.push(
        "none of the known causes fits: the key is wrong, or the body was changed after signing"
            .into(),
    );
    out
}
