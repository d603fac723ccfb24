//! Signing and verifying: `x-signature-256` is lower-case hex of HMAC-SHA256(key, exact body
//! bytes); `x-payload-key` is lower-case hex of SHA-256(exact body bytes).

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// Length in hex characters of a SHA-256 digest.
pub const HEX_LEN: usize = 64;

/// A webhook key. Its `Debug` and `Display` never show the value.
#[derive(Clone)]
pub struct Secret {
    bytes: Vec<u8>,
    /// The HMAC state with the key already absorbed, cloned per message: keying costs two
    /// SHA-256 blocks, as much as hashing a small body.
    keyed: HmacSha256,
}

impl PartialEq for Secret {
    fn eq(&self, other: &Secret) -> bool {
        self.bytes == other.bytes
    }
}

impl Eq for Secret {}

impl Secret {
    /// A key from its bytes; `None` when empty (an empty key signs nothing meaningful).
    pub fn new(bytes: impl Into<Vec<u8>>) -> Option<Secret> {
        let bytes = bytes.into();
        if bytes.is_empty() {
            return None;
        }
        // HMAC accepts keys of any length; this cannot fail.
        let keyed =
            <HmacSha256 as Mac>::new_from_slice(&bytes).expect("HMAC takes keys of any length");
        Some(Secret { bytes, keyed })
    }

    /// The raw key bytes, for the HMAC and nothing else.
    pub fn expose(&self) -> &[u8] {
        &self.bytes
    }

    fn mac(&self) -> HmacSha256 {
        self.keyed.clone()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(<{} bytes redacted>)", self.bytes.len())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// The raw 32-byte HMAC-SHA256 of `body` under `key`.
pub fn hmac_bytes(key: &Secret, body: &[u8]) -> [u8; 32] {
    let mut mac = key.mac();
    mac.update(body);
    mac.finalize().into_bytes().into()
}

/// The `x-signature-256` value wl-hook sends: lower-case hex, no prefix.
pub fn sign(key: &Secret, body: &[u8]) -> String {
    hex32(&hmac_bytes(key, body))
}

/// The `x-payload-key` value: lower-case hex SHA-256 of the exact body bytes.
pub fn payload_key(body: &[u8]) -> String {
    hex32(&Sha256::digest(body).into())
}

/// 32 bytes as 64 lower-case hex digits, in one step (hex::encode goes char by char).
pub fn hex32(bytes: &[u8; 32]) -> String {
    let mut out = [0u8; 64];
    // 64 bytes of room for 32 bytes: encoding cannot fail.
    let _ = hex::encode_to_slice(bytes, &mut out);
    std::str::from_utf8(&out)
        .map(str::to_owned)
        .unwrap_or_default()
}

/// Something about a signature header that verified but is not in wl-hook's canonical form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deviation {
    /// The value started with `sha256=`.
    Sha256Prefix,
    /// The hex digits were (partly) upper-case.
    UpperCaseHex,
}

impl fmt::Display for Deviation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Deviation::Sha256Prefix => "carries a 'sha256=' prefix (modelled: bare hex)",
            Deviation::UpperCaseHex => "uses upper-case hex (modelled: lower-case)",
        })
    }
}

/// Why a signature header did not verify. Each reason is specific, so a user can act on it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the signature header is empty")]
    Empty,
    #[error("the signature is not hex: character {position} is {found:?}")]
    NotHex { position: usize, found: char },
    #[error("the signature has an odd number of hex digits ({len})")]
    OddLength { len: usize },
    #[error("the signature is too short: {len} hex digits, expected {HEX_LEN} (truncated?)")]
    TooShort { len: usize },
    #[error("the signature is too long: {len} hex digits, expected {HEX_LEN}")]
    TooLong { len: usize },
    #[error("the signature does not match the body under any given key")]
    Mismatch,
    #[error("the signature is neither base64 of 32 bytes nor hex")]
    NotBase64,
}

/// A signature that verified: which of the given keys matched, and any deviations from the
/// canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub key_index: usize,
    pub deviations: Vec<Deviation>,
}

/// A signature header value checked for shape and decoded to its 32 bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedSignature {
    pub bytes: [u8; 32],
    pub deviations: Vec<Deviation>,
}

/// Check the shape of an `x-signature-256` value before any key is tried.
pub fn parse_signature(value: &str) -> Result<ParsedSignature, SignatureError> {
    let mut deviations = Vec::new();
    let mut hex_part = value;
    if let Some(rest) = strip_prefix_ignore_case(value, "sha256=") {
        deviations.push(Deviation::Sha256Prefix);
        hex_part = rest;
    }
    if hex_part.is_empty() {
        return Err(SignatureError::Empty);
    }
    if let Some((position, found)) = hex_part
        .chars()
        .enumerate()
        .find(|(_, c)| !c.is_ascii_hexdigit())
    {
        return Err(SignatureError::NotHex { position, found });
    }
    let len = hex_part.len();
    if len % 2 == 1 {
        return Err(SignatureError::OddLength { len });
    }
    if len < HEX_LEN {
        return Err(SignatureError::TooShort { len });
    }
    if len > HEX_LEN {
        return Err(SignatureError::TooLong { len });
    }
    if hex_part.bytes().any(|b| b.is_ascii_uppercase()) {
        deviations.push(Deviation::UpperCaseHex);
    }
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(hex_part, &mut bytes).map_err(|_| SignatureError::Mismatch)?;
    Ok(ParsedSignature { bytes, deviations })
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// Verify `signature` (the header value) over `body` with each key in turn, in constant time
/// per key (`Mac::verify_slice`), and say which key matched.
pub fn verify(keys: &[Secret], body: &[u8], signature: &str) -> Result<Verified, SignatureError> {
    let parsed = parse_signature(signature)?;
    verify_parsed(keys, body, &parsed).map(|key_index| Verified {
        key_index,
        deviations: parsed.deviations,
    })
}

/// Verify already-parsed signature bytes; returns the index of the key that matched.
pub fn verify_parsed(
    keys: &[Secret],
    body: &[u8],
    parsed: &ParsedSignature,
) -> Result<usize, SignatureError> {
    keys.iter()
        .position(|key| {
            let mut mac = key.mac();
            mac.update(body);
            mac.verify_slice(&parsed.bytes).is_ok()
        })
        .ok_or(SignatureError::Mismatch)
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex32_is_lower_case_hex() {
        for seed in 0u8..=255 {
            let bytes: [u8; 32] =
                std::array::from_fn(|i| seed.wrapping_mul(31).wrapping_add(i as u8 * 7));
            assert_eq!(super::hex32(&bytes), hex::encode(bytes));
        }
    }

    use super::*;

    fn key(bytes: &[u8]) -> Secret {
        Secret::new(bytes.to_vec()).unwrap()
    }

    /// RFC 4231 test cases 1-4, 6 and 7 (case 5 truncates the output, which WL never does).
    #[test]
    fn rfc4231_vectors() {
        let aa131 = vec![0xaa; 131];
        let cases: Vec<(Vec<u8>, Vec<u8>, &str)> = vec![
            (vec![0x0b; 20], b"Hi There".to_vec(),
             "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            (b"Jefe".to_vec(), b"what do ya want for nothing?".to_vec(),
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            (vec![0xaa; 20], vec![0xdd; 50],
             "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
            ((1u8..=25).collect(), vec![0xcd; 50],
             "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
            (aa131.clone(), b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(),
             "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
            (aa131, b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".to_vec(),
             "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
        ];
        for (k, data, want) in cases {
            assert_eq!(sign(&key(&k), &data), want);
            assert!(verify(&[key(&k)], &data, want).is_ok());
        }
    }

    /// Computed with `printf '%s' BODY | openssl dgst -sha256 -hmac KEY` (and without -hmac for
    /// the payload key).
    #[test]
    fn openssl_vectors() {
        assert_eq!(
            sign(&key(b"wl-hook-dev-key"), b"hello"),
            "f95b6796f3c6335da56aeb0af1fad14083e94fae5f33a0d6eb46f6279aafdeea"
        );
        assert_eq!(
            sign(&key(b"whsec_test_key"), br#"{"uid":"2976050"}"#),
            "0a45c998844236dd72d51d92f9c4903f3a192748b56b4dd26f4a705ca3d24a4a"
        );
        assert_eq!(
            sign(&key(b"k"), b""),
            "8bb990c40a7d61cb97597a942125025be50ac8beb74436e3735b98893a7f6620"
        );
        assert_eq!(
            sign(&key(b"a key with spaces"), b"{\"a\":1}\n"),
            "5e6b1d870d117434c5b75069e9bb698512c81ccdc0e6f066666794ab0fea80ff"
        );
        assert_eq!(
            payload_key(b"{\"a\":1}\n"),
            "e346432021b04179518d9614f3560ccd71354a4ee101ddcb893d6959a9d6301c"
        );
    }

    #[test]
    fn deviations_are_reported_but_verify() {
        let k = key(b"wl-hook-dev-key");
        let sig = sign(&k, b"hello");
        let v = verify(std::slice::from_ref(&k), b"hello", &format!("sha256={sig}")).unwrap();
        assert_eq!(v.deviations, [Deviation::Sha256Prefix]);
        let v = verify(std::slice::from_ref(&k), b"hello", &sig.to_uppercase()).unwrap();
        assert_eq!(v.deviations, [Deviation::UpperCaseHex]);
        let v = verify(&[k], b"hello", &format!("SHA256={}", sig.to_uppercase())).unwrap();
        assert_eq!(
            v.deviations,
            [Deviation::Sha256Prefix, Deviation::UpperCaseHex]
        );
    }

    #[test]
    fn several_keys_report_which_matched() {
        let keys = [key(b"old"), key(b"new")];
        let sig = sign(&keys[1], b"body");
        assert_eq!(verify(&keys, b"body", &sig).unwrap().key_index, 1);
        assert_eq!(
            verify(&keys[..1], b"body", &sig),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(verify(&[], b"body", &sig), Err(SignatureError::Mismatch));
    }

    #[test]
    fn malformed_signatures_fail_with_specific_reasons() {
        let k = key(b"wl-hook-dev-key");
        let keys = std::slice::from_ref(&k);
        let sig = sign(&k, b"hello");
        assert_eq!(verify(keys, b"hello", ""), Err(SignatureError::Empty));
        assert_eq!(
            verify(keys, b"hello", "sha256="),
            Err(SignatureError::Empty)
        );
        // Every proper prefix of a valid signature is refused, never accepted as a truncation.
        for n in 1..sig.len() {
            let err = verify(keys, b"hello", &sig[..n]).unwrap_err();
            let want = if n % 2 == 1 {
                SignatureError::OddLength { len: n }
            } else {
                SignatureError::TooShort { len: n }
            };
            assert_eq!(err, want, "prefix of {n}");
        }
        assert_eq!(
            verify(keys, b"hello", &format!("{sig}00")),
            Err(SignatureError::TooLong { len: 66 })
        );
        let mut bad = sig.clone();
        bad.replace_range(10..11, "g");
        assert_eq!(
            verify(keys, b"hello", &bad),
            Err(SignatureError::NotHex {
                position: 10,
                found: 'g'
            })
        );
        assert!(matches!(
            verify(keys, b"hello", &format!(" {sig}")),
            Err(SignatureError::NotHex { .. })
        ));
        assert_eq!(verify(keys, b"hellO", &sig), Err(SignatureError::Mismatch));
        let b64 = "+VtnlvPGM12tWuoK8frUQIPpT65fM6DW60b2J5qv3qs=";
        assert!(matches!(
            verify(keys, b"hello", b64),
            Err(SignatureError::NotHex { .. })
        ));
    }

    #[test]
    fn secrets_never_print() {
        let k = key(b"super-secret-value");
        assert!(!format!("{k:?}").contains("super"));
        assert!(!format!("{k}").contains("super"));
        assert!(Secret::new(Vec::new()).is_none());
    }
}
