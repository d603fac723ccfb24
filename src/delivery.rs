//! Delivering one request the way WL does, and judging the answer as WL would: only 200 and
//! 201 are accepted; redirects are never followed; every failure has a class and a cause.
//! Shared by send, replay, check and listen's forwarding.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::protocol::is_accepted_status;

/// How to build the HTTP client.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Whole-request timeout (connect, send, answer).
    pub timeout: Duration,
    /// Connections kept open between requests. 0 closes each connection after its answer, which
    /// single-threaded receivers (Python's `HTTPServer`, `php -S`) need for sequential sends: a
    /// kept-alive idle connection would hold such a server while the next request waits.
    pub max_idle_per_host: usize,
    /// The targets; TLS roots are set up only when one is https, and proxies from the
    /// environment are ignored when all are loopback.
    pub urls: Vec<reqwest::Url>,
    /// Extra trust and headers from the command line.
    pub connect: Connect,
}

/// How a command reaches an endpoint beyond the defaults: extra trust for a local HTTPS
/// endpoint, and headers for one behind auth.
#[derive(Debug, Clone, Default)]
pub struct Connect {
    /// Certificates trusted besides the public roots (`--cacert`).
    pub ca_certs: Vec<rustls::pki_types::CertificateDer<'static>>,
    /// Accept any certificate (`--insecure`): TLS only; signatures are judged as always.
    pub insecure: bool,
    /// Added to every request that does not carry the header itself (`-H`).
    pub headers: HeaderMap,
}

pub fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => {
            // `localhost.` is the same name written fully qualified (RFC 6761).
            let d = d.strip_suffix('.').unwrap_or(d).to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        None => false,
    }
}

/// A client that never follows redirects and uses rustls (ring) with compiled-in roots.
pub fn build_client(opts: &ClientOptions) -> anyhow::Result<reqwest::Client> {
    // Installing twice is harmless: the first provider stays.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut roots = rustls::RootCertStore::empty();
    if opts.urls.iter().any(|u| u.scheme() == "https") {
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    }
    for cert in &opts.connect.ca_certs {
        roots
            .add(cert.clone())
            .map_err(|e| anyhow::anyhow!("--cacert: a certificate cannot be used: {e}"))?;
    }
    let builder = rustls::ClientConfig::builder();
    let mut tls = if opts.connect.insecure {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AnyCertificate::new()))
            .with_no_client_auth()
    } else {
        builder.with_root_certificates(roots).with_no_client_auth()
    };
    tls.alpn_protocols = vec![b"http/1.1".to_vec()];
    let mut builder = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .redirect(reqwest::redirect::Policy::none())
        // The whole-attempt bound is applied in `deliver`; connecting gets most of it, so a
        // host that never accepts is told apart from one that accepts and never answers.
        .connect_timeout(connect_budget(opts.timeout))
        .pool_max_idle_per_host(opts.max_idle_per_host)
        .tcp_nodelay(true)
        .default_headers(opts.connect.headers.clone())
        .user_agent(concat!("wl-hook/", env!("CARGO_PKG_VERSION")));
    if opts.urls.iter().all(is_loopback) {
        builder = builder.no_proxy();
    }
    Ok(builder.build()?)
}

/// `--insecure`: accepts any server certificate, while still checking that the handshake is
/// signed by the key of the certificate presented (so the connection is TLS, only unverified).
#[derive(Debug)]
struct AnyCertificate(Arc<rustls::crypto::CryptoProvider>);

impl AnyCertificate {
    fn new() -> AnyCertificate {
        AnyCertificate(Arc::new(rustls::crypto::ring::default_provider()))
    }
}

impl rustls::client::danger::ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Wait until something accepts TCP connections at `url`'s host and port, trying every 100 ms
/// for at most `within`; for a CI script that starts the app in the background. Nothing is sent.
pub async fn wait_until_listening(url: &reqwest::Url, within: Duration) -> Result<(), String> {
    let host = url.host_str().unwrap_or_default().trim_matches(['[', ']']);
    let port = url.port_or_known_default().unwrap_or(80);
    let deadline = Instant::now() + within;
    let mut last = String::from("nothing tried");
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, tokio::net::TcpStream::connect((host, port))).await {
            Ok(Ok(_)) => return Ok(()),
            Ok(Err(e)) => last = e.to_string(),
            Err(_) => {}
        }
        if Instant::now() + Duration::from_millis(100) > deadline {
            return Err(last);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The part of an attempt's time budget that connecting may use.
fn connect_budget(timeout: Duration) -> Duration {
    timeout.mul_f64(0.9).max(Duration::from_millis(1))
}

/// Why a delivery got no HTTP answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorClass {
    /// The endpoint was never reached: nothing listens there, the host is unreachable, or no
    /// connection was made within the timeout.
    Refused,
    /// The TLS handshake with an https endpoint failed (bad certificate, not TLS at all).
    Tls,
    /// No complete answer within the timeout.
    Timeout,
    /// The receiver closed or reset the connection before answering.
    Reset,
    /// The receiver answered something that is not HTTP.
    InvalidResponse,
    /// Anything else.
    Other,
}

impl ErrorClass {
    const ALL: [ErrorClass; 6] = [
        ErrorClass::Refused,
        ErrorClass::Tls,
        ErrorClass::Timeout,
        ErrorClass::Reset,
        ErrorClass::InvalidResponse,
        ErrorClass::Other,
    ];

    /// Its name in JSON (`error.class`, and the keys of `send`'s `failed_by`).
    pub fn key(self) -> &'static str {
        match self {
            ErrorClass::Refused => "refused",
            ErrorClass::Tls => "tls",
            ErrorClass::Timeout => "timeout",
            ErrorClass::Reset => "reset",
            ErrorClass::InvalidResponse => "invalid_response",
            ErrorClass::Other => "other",
        }
    }

    /// The words for a `failed_by` key: a class's [`as_str`](Self::as_str), or the key itself
    /// (a status code).
    pub fn words_for(key: &str) -> &str {
        ErrorClass::ALL
            .iter()
            .find(|c| c.key() == key)
            .map_or(key, |c| c.as_str())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorClass::Refused => "connection refused",
            ErrorClass::Tls => "TLS error",
            ErrorClass::Timeout => "timeout",
            ErrorClass::Reset => "connection reset",
            ErrorClass::InvalidResponse => "invalid response",
            ErrorClass::Other => "error",
        }
    }
}

/// A failed attempt: its class and the underlying cause in words (in JSON, `{"class","detail"}`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DeliveryError {
    pub class: ErrorClass,
    pub detail: String,
}

/// What one attempt gave.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub status: Option<u16>,
    pub reason: Option<&'static str>,
    pub latency: Duration,
    pub error: Option<DeliveryError>,
    pub response_headers: Vec<(String, String)>,
    /// The start of the response body (at most [`MAX_RESPONSE_BODY`] bytes).
    pub response_body: Bytes,
}

/// How much of a response body is kept for display.
pub const MAX_RESPONSE_BODY: usize = 4096;

impl Outcome {
    /// True when WL would count this delivery as done: a 200 or 201 whose whole answer arrived
    /// within the timeout. A status line followed by a body that never finishes is not an answer.
    pub fn accepted(&self) -> bool {
        self.error.is_none() && self.status.is_some_and(is_accepted_status)
    }

    /// True when the request got to the endpoint (any HTTP answer, or a failure after connecting).
    pub fn reached(&self) -> bool {
        // A failed TLS handshake delivered nothing either.
        self.error
            .as_ref()
            .is_none_or(|e| !matches!(e.class, ErrorClass::Refused | ErrorClass::Tls))
    }

    pub fn location(&self) -> Option<&str> {
        self.response_headers
            .iter()
            .find(|(n, _)| n == "location")
            .map(|(_, v)| v.as_str())
    }

    /// "200 OK", or the error class.
    pub fn status_text(&self) -> String {
        match (self.status, &self.error) {
            (Some(s), _) => match self.reason {
                Some(r) => format!("{s} {r}"),
                None => s.to_string(),
            },
            (None, Some(e)) => e.class.as_str().to_string(),
            (None, None) => "no answer".into(),
        }
    }

    /// The verdict as WL sees it, in words, for anything not accepted.
    pub fn explanation(&self) -> Option<String> {
        if self.accepted() {
            return None;
        }
        if let Some(e) = &self.error {
            return Some(format!("{}; WL would retry", e.detail));
        }
        let status = self.status?;
        Some(match status {
            200..=299 => "WL only accepts 200 or 201; this delivery would be retried".into(),
            300..=399 => match self.location() {
                Some(loc) => format!(
                    "redirect to {loc} not followed (modelled: WL documents no redirects); this delivery would be retried"
                ),
                None => "redirect not followed (modelled: WL documents no redirects); this delivery would be retried".into(),
            },
            429 => "rate limited; WL advises exempting webhook traffic from rate limits; this delivery would be retried".into(),
            _ => "not 200 or 201; this delivery would be retried".into(),
        })
    }

    /// [`Outcome::explanation`] for a delivery whose signature is known to be right: a 401 or
    /// 403 then says what is likely wrong on the receiver's side.
    pub fn explanation_signed(&self) -> Option<String> {
        let why = self.explanation()?;
        Some(match self.status {
            Some(401 | 403) if self.error.is_none() => format!("{why}; {REFUSED_SIGNED}"),
            _ => why,
        })
    }
}

/// What a 401 or 403 to a correctly signed delivery most likely means.
pub const REFUSED_SIGNED: &str = "the signature is correct, so the receiver likely verifies with another key, or over re-serialised JSON instead of the raw body bytes";

/// The innermost cause of an error, which is the useful part of reqwest's chain.
fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = err;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

fn io_kind(err: &(dyn std::error::Error + 'static)) -> Option<std::io::ErrorKind> {
    find::<std::io::Error>(err).map(std::io::Error::kind)
}

fn classify(err: &reqwest::Error, timeout: Duration) -> DeliveryError {
    use std::io::ErrorKind as K;
    let kind = io_kind(err);
    let cause = root_cause(err);
    // A timeout while connecting means the endpoint was never reached (a host that drops
    // packets), unlike a timeout waiting for an answer.
    if find::<rustls::Error>(err).is_some() {
        return DeliveryError {
            class: ErrorClass::Tls,
            detail: format!("TLS handshake failed: {cause}"),
        };
    }
    let hyper_err = find::<hyper::Error>(err);
    let (class, detail) = if err.is_connect() {
        if err.is_timeout() || kind == Some(K::TimedOut) {
            (
                ErrorClass::Refused,
                format!(
                    "no connection within {}",
                    crate::duration::human(connect_budget(timeout))
                ),
            )
        } else {
            (ErrorClass::Refused, format!("cannot connect: {cause}"))
        }
    } else if err.is_timeout() || kind == Some(K::TimedOut) {
        (
            ErrorClass::Timeout,
            format!("no answer within {}", crate::duration::human(timeout)),
        )
    } else if matches!(
        kind,
        Some(K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::UnexpectedEof)
    ) {
        (
            ErrorClass::Reset,
            format!("connection closed before an answer: {cause}"),
        )
    } else if hyper_err.is_some_and(|h| h.is_incomplete_message() || h.is_closed()) {
        (
            ErrorClass::Reset,
            "connection closed before an answer".to_string(),
        )
    } else if hyper_err.is_some_and(hyper::Error::is_parse) {
        (
            ErrorClass::InvalidResponse,
            format!("the answer is not valid HTTP: {cause}"),
        )
    } else {
        (ErrorClass::Other, cause)
    };
    DeliveryError { class, detail }
}

/// The first error of type `E` in `err`'s chain, looking inside `io::Error`s too (they hide the
/// error they wrap from `source()`).
fn find<'a, E: std::error::Error + 'static>(
    err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a E> {
    let mut cur = Some(err);
    while let Some(e) = cur {
        if let Some(found) = e.downcast_ref::<E>() {
            return Some(found);
        }
        cur = match e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
    }
    None
}

fn timed_out(timeout: Duration) -> DeliveryError {
    DeliveryError {
        class: ErrorClass::Timeout,
        detail: format!("no answer within {}", crate::duration::human(timeout)),
    }
}

/// Headers to send, taking ownership of the values (no copies) and using static names for WL's
/// own headers: send builds one of these per delivery.
pub fn header_map_owned(headers: Vec<(String, String)>) -> anyhow::Result<HeaderMap> {
    use crate::protocol::header as h;
    let mut map = HeaderMap::with_capacity(headers.len());
    for (n, v) in headers {
        let name = match n.as_str() {
            h::CONTENT_TYPE => reqwest::header::CONTENT_TYPE,
            h::TOPIC => HeaderName::from_static(h::TOPIC),
            h::SIGNATURE => HeaderName::from_static(h::SIGNATURE),
            h::GENERATED_AT => HeaderName::from_static(h::GENERATED_AT),
            h::SENT_AT => HeaderName::from_static(h::SENT_AT),
            h::PAYLOAD_KEY => HeaderName::from_static(h::PAYLOAD_KEY),
            other => HeaderName::from_bytes(other.as_bytes())
                .map_err(|_| crate::exit::input_error(format!("invalid header name '{other}'")))?,
        };
        let value = HeaderValue::from_maybe_shared(Bytes::from(v))
            .map_err(|_| crate::exit::input_error(format!("invalid value for header '{n}'")))?;
        map.append(name, value);
    }
    Ok(map)
}

/// Headers to send with values given as exact bytes (a captured value that is not UTF-8 is
/// sent as it came).
pub fn header_map_exact<'a>(
    headers: impl IntoIterator<Item = (&'a str, &'a [u8])>,
) -> anyhow::Result<HeaderMap> {
    let mut map = HeaderMap::new();
    for (n, v) in headers {
        let name = HeaderName::from_bytes(n.as_bytes())
            .map_err(|_| crate::exit::input_error(format!("invalid header name '{n}'")))?;
        let value = HeaderValue::from_bytes(v)
            .map_err(|_| crate::exit::input_error(format!("invalid value for header '{n}'")))?;
        map.append(name, value);
    }
    Ok(map)
}

/// Headers to send, converted once and shared by repeated attempts.
pub fn header_map(headers: &[(String, String)]) -> anyhow::Result<HeaderMap> {
    header_map_exact(headers.iter().map(|(n, v)| (n.as_str(), v.as_bytes())))
}

/// POST `body` with `headers` to `url` and judge the answer. Never panics and never fails: a
/// transport problem is an outcome with an error class. Long because the answer is judged
/// as it arrives (status, headers, then the body within the same `--timeout`).
pub async fn deliver(
    client: &reqwest::Client,
    url: &reqwest::Url,
    headers: HeaderMap,
    body: Bytes,
    timeout: Duration,
) -> Outcome {
    let start = Instant::now();
    let deadline = tokio::time::Instant::now() + timeout;
    let no_answer = |start: Instant, error: DeliveryError| Outcome {
        status: None,
        reason: None,
        latency: start.elapsed(),
        error: Some(error),
        response_headers: Vec::new(),
        response_body: Bytes::new(),
    };
    let sent = tokio::time::timeout_at(
        deadline,
        client.post(url.clone()).headers(headers).body(body).send(),
    )
    .await;
    let mut resp = match sent {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => return no_answer(start, classify(&e, timeout)),
        Err(_) => return no_answer(start, timed_out(timeout)),
    };
    let status = resp.status();
    let response_headers = resp
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    // Read the answer (bounded) so the connection can be reused and latency is complete.
    let mut kept = Vec::new();
    let mut error = None;
    loop {
        match tokio::time::timeout_at(deadline, resp.chunk()).await {
            Ok(Ok(Some(chunk))) => {
                let room = MAX_RESPONSE_BODY.saturating_sub(kept.len());
                kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            Ok(Ok(None)) => break,
            // The status arrived but the answer did not finish: not a delivery.
            Ok(Err(e)) => {
                let mut broken = classify(&e, timeout);
                broken.detail = format!(
                    "the answer ({}) broke off before its body ended: {}",
                    status.as_u16(),
                    broken.detail
                );
                error = Some(broken);
                break;
            }
            Err(_) => {
                error = Some(DeliveryError {
                    class: ErrorClass::Timeout,
                    detail: format!(
                        "the answer ({}) did not finish within {}",
                        status.as_u16(),
                        crate::duration::human(timeout)
                    ),
                });
                break;
            }
        }
    }
    Outcome {
        status: Some(status.as_u16()),
        reason: status.canonical_reason(),
        latency: start.elapsed(),
        error,
        response_headers,
        response_body: Bytes::from(kept),
    }
}

/// Latency percentiles over a run, nearest-rank.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Percentiles {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
}

impl Percentiles {
    /// From latencies in milliseconds (any order).
    pub fn of(latencies_ms: &mut [f64]) -> Percentiles {
        if latencies_ms.is_empty() {
            return Percentiles::default();
        }
        latencies_ms.sort_by(f64::total_cmp);
        let at = |p: f64| {
            let rank = ((p / 100.0) * latencies_ms.len() as f64).ceil() as usize;
            latencies_ms[rank.clamp(1, latencies_ms.len()) - 1]
        };
        Percentiles {
            p50: at(50.0),
            p90: at(90.0),
            p99: at(99.0),
            max: latencies_ms[latencies_ms.len() - 1],
        }
    }
}

/// Latencies of a run in a histogram of fixed size (microseconds, three significant digits), so
/// memory does not grow with `--count`.
#[derive(Debug, Clone)]
pub struct Latencies {
    histogram: hdrhistogram::Histogram<u64>,
}

impl Default for Latencies {
    fn default() -> Self {
        // Auto-resizing: any latency fits; three significant digits keep it a few KiB.
        let mut histogram =
            hdrhistogram::Histogram::new(3).expect("3 significant digits is a valid precision");
        histogram.auto(true);
        Latencies { histogram }
    }
}

impl Latencies {
    pub fn record(&mut self, d: Duration) {
        let us = u64::try_from(d.as_micros()).unwrap_or(u64::MAX).max(1);
        // Only a value past the histogram's range can fail; auto-resize takes every u64.
        let _ = self.histogram.record(us);
    }

    pub fn len(&self) -> u64 {
        self.histogram.len()
    }

    pub fn is_empty(&self) -> bool {
        self.histogram.is_empty()
    }

    /// Nearest-rank percentiles in milliseconds (within the histogram's 0.1% precision).
    pub fn percentiles(&self) -> Percentiles {
        if self.histogram.is_empty() {
            return Percentiles::default();
        }
        let at = |q: f64| self.histogram.value_at_quantile(q) as f64 / 1e3;
        Percentiles {
            p50: at(0.50),
            p90: at(0.90),
            p99: at(0.99),
            max: self.histogram.max() as f64 / 1e3,
        }
    }
}

/// Milliseconds with three decimals, for JSON.
pub fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

/// A shared pacing gate for `--rate`: at most `per_second` starts per second across all tasks.
#[derive(Debug, Clone)]
pub struct Pacer {
    interval: Option<Arc<tokio::sync::Mutex<tokio::time::Interval>>>,
}

impl Pacer {
    pub fn new(per_second: Option<f64>) -> Pacer {
        let interval = per_second.filter(|r| *r > 0.0).map(|r| {
            let mut i = tokio::time::interval(Duration::from_secs_f64(1.0 / r));
            i.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            Arc::new(tokio::sync::Mutex::new(i))
        });
        Pacer { interval }
    }

    pub async fn wait(&self) {
        if let Some(i) = &self.interval {
            i.lock().await.tick().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `send`'s `failed_by` counts by the names `error.class` has in JSON.
    #[test]
    fn failed_by_keys_are_the_json_class_names() {
        for c in ErrorClass::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.key());
            assert_eq!(ErrorClass::words_for(c.key()), c.as_str());
        }
        assert_eq!(ErrorClass::words_for("500"), "500");
    }

    #[test]
    fn percentiles_nearest_rank() {
        let mut v: Vec<f64> = (1..=100).map(f64::from).collect();
        let p = Percentiles::of(&mut v);
        assert_eq!((p.p50, p.p90, p.p99, p.max), (50.0, 90.0, 99.0, 100.0));
        let mut one = vec![3.0];
        let p = Percentiles::of(&mut one);
        assert_eq!((p.p50, p.p99, p.max), (3.0, 3.0, 3.0));
        assert_eq!(Percentiles::of(&mut []).max, 0.0);
    }

    #[test]
    fn verdicts_in_words() {
        let o = |status: u16, headers: Vec<(String, String)>| Outcome {
            status: Some(status),
            reason: None,
            latency: Duration::ZERO,
            error: None,
            response_headers: headers,
            response_body: Bytes::new(),
        };
        assert!(o(200, vec![]).accepted() && o(201, vec![]).accepted());
        assert!(o(200, vec![]).explanation().is_none());
        for s in [202, 204] {
            assert_eq!(
                o(s, vec![]).explanation().unwrap(),
                "WL only accepts 200 or 201; this delivery would be retried"
            );
        }
        let redirect = o(
            302,
            vec![("location".into(), "http://elsewhere/\x1b[2J".into())],
        );
        let text = redirect.explanation().unwrap();
        assert!(
            text.contains("http://elsewhere/\x1b[2J") && text.contains("not followed"),
            "{text}"
        );
        assert!(o(429, vec![]).explanation().unwrap().contains("rate limit"));
    }

    #[test]
    fn latency_percentiles_from_the_histogram() {
        let mut l = Latencies::default();
        assert_eq!(l.percentiles().max, 0.0);
        for ms in 1..=100 {
            l.record(Duration::from_millis(ms));
        }
        let p = l.percentiles();
        let near = |got: f64, want: f64| (got - want).abs() <= want * 0.002;
        assert!(near(p.p50, 50.0) && near(p.p90, 90.0), "{p:?}");
        assert!(near(p.p99, 99.0) && near(p.max, 100.0), "{p:?}");
        assert_eq!(l.len(), 100);
    }

    #[test]
    fn loopback_detection() {
        for (u, want) in [
            ("http://127.0.0.1:9000/", true),
            ("http://localhost/", true),
            ("http://[::1]:80/", true),
            ("http://localhost.:3000/", true),
            ("http://LocalHost./", true),
            ("http://app.localhost./", true),
            ("http://localhost.example.com/", false),
            ("http://notlocalhost/", false),
            ("https://staging.example.com/", false),
        ] {
            assert_eq!(is_loopback(&reqwest::Url::parse(u).unwrap()), want, "{u}");
        }
    }
}
