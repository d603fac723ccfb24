//! A real HTTP test server (hyper) on 127.0.0.1:0 that records every request and answers as the
//! test says, plus a raw TCP peer for the misbehaviours HTTP servers will not produce.
//!
//! Like xh's test server, it fails the test itself: when it is dropped at the end of a test, a
//! handler that panicked or a request count other than the one expected (by default: at least
//! one request) panics, so a broken handler or a delivery that never came cannot pass silently.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Hit {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    /// The same headers with their values exactly as received (`headers` has them lossy).
    pub raw_headers: Vec<(String, Vec<u8>)>,
    pub body: Vec<u8>,
    /// When the request head had arrived: never before the client began sending it.
    pub at: Instant,
}

impl Hit {
    pub fn header(&self, name: &str) -> Option<&str> {
        crate::common::header(&self.headers, name)
    }

    /// The first value of `name` (case-insensitive) exactly as received.
    pub fn header_bytes(&self, name: &str) -> Option<&[u8]> {
        self.raw_headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }
}

/// How the server answers one request.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub delay: Duration,
}

impl Reply {
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: String::new(),
            delay: Duration::ZERO,
        }
    }
    pub fn header(mut self, n: &str, v: &str) -> Reply {
        self.headers.push((n.into(), v.into()));
        self
    }
    pub fn body(mut self, b: &str) -> Reply {
        self.body = b.into();
        self
    }
    pub fn delay(mut self, d: Duration) -> Reply {
        self.delay = d;
        self
    }
}

type Responder = Arc<dyn Fn(&Hit, usize) -> Reply + Send + Sync>;

/// How many requests the test expects the server to receive, checked when it is dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    AtLeastOne,
    Exactly(usize),
}

/// What the serving thread shares with the test.
#[derive(Default)]
struct Shared {
    hits: Mutex<Vec<Hit>>,
    /// The messages of handler panics, each answered with a 500 to the client.
    panics: Mutex<Vec<String>>,
}

pub struct TestServer {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    expect: Expect,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    /// Answer every request with `status`.
    pub fn status(status: u16) -> TestServer {
        TestServer::start(move |_, _| Reply::status(status))
    }

    /// Answer with whatever `f(hit, n)` says; `n` counts requests from 0.
    pub fn start(f: impl Fn(&Hit, usize) -> Reply + Send + Sync + 'static) -> TestServer {
        let responder: Responder = Arc::new(f);
        let shared = Arc::new(Shared::default());
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop_tx, mut stop_rx) = tokio::sync::oneshot::channel::<()>();
        let shared2 = shared.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                loop {
                    tokio::select! {
                        _ = &mut stop_rx => break,
                        accepted = listener.accept() => {
                            let Ok((stream, _)) = accepted else { continue };
                            let (shared, responder) = (shared2.clone(), responder.clone());
                            tokio::spawn(async move {
                                let service = service_fn(move |req| {
                                    answer(shared.clone(), responder.clone(), req)
                                });
                                let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                            });
                        }
                    }
                }
            });
        });
        let addr = addr_rx
            .recv_timeout(Duration::from_secs(10))
            .expect("test server started");
        TestServer {
            addr,
            shared,
            expect: Expect::AtLeastOne,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    /// Expect exactly `n` requests by the end of the test (0 for a server that must never be
    /// reached) instead of the default of at least one.
    pub fn expect(mut self, n: usize) -> TestServer {
        self.expect = Expect::Exactly(n);
        self
    }

    pub fn url(&self) -> String {
        format!("http://{}/webhooks", self.addr)
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.shared.hits.lock().unwrap().clone()
    }

    /// Stop serving and panic if a handler panicked or the expected requests did not come.
    fn check(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        let served = self.thread.take().map(|t| t.join());
        if std::thread::panicking() {
            // The test already failed; a second panic would abort and hide its message.
            return;
        }
        if let Some(Err(_)) = served {
            panic!("the test server's thread panicked");
        }
        let panics = self.shared.panics.lock().unwrap().clone();
        assert!(
            panics.is_empty(),
            "the test server's handler panicked: {}",
            panics.join("; ")
        );
        let n = self.shared.hits.lock().unwrap().len();
        match self.expect {
            Expect::AtLeastOne => assert!(n > 0, "the test server expected a request; none came"),
            Expect::Exactly(want) => assert_eq!(
                n, want,
                "the test server expected {want} request(s) and received {n}"
            ),
        }
    }
}

/// Record one request and answer it with the responder's reply, or with a 500 (remembering the
/// message for [`TestServer::check`]) when the responder panics.
async fn answer(
    shared: Arc<Shared>,
    responder: Responder,
    req: hyper::Request<hyper::body::Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, std::convert::Infallible> {
    let at = Instant::now();
    let method = req.method().to_string();
    let path = req.uri().to_string();
    let raw_headers: Vec<(String, Vec<u8>)> = req
        .headers()
        .iter()
        .map(|(n, v)| (n.to_string(), v.as_bytes().to_vec()))
        .collect();
    let headers = raw_headers
        .iter()
        .map(|(n, v)| (n.clone(), String::from_utf8_lossy(v).into_owned()))
        .collect();
    let body = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes().to_vec())
        .unwrap_or_default();
    let hit = Hit {
        method,
        path,
        headers,
        raw_headers,
        body,
        at,
    };
    let n = {
        let mut h = shared.hits.lock().unwrap();
        h.push(hit.clone());
        h.len() - 1
    };
    let reply = match std::panic::catch_unwind(AssertUnwindSafe(|| responder(&hit, n))) {
        Ok(reply) => reply,
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(no message)".into());
            shared
                .panics
                .lock()
                .unwrap()
                .push(format!("request {n}: {msg}"));
            Reply::status(500).body("test server handler panicked")
        }
    };
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut resp = hyper::Response::builder().status(reply.status);
    for (k, v) in &reply.headers {
        resp = resp.header(k, v);
    }
    Ok(resp.body(Full::new(Bytes::from(reply.body))).unwrap())
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.check();
    }
}

/// A TCP peer that reads the request, then does `answer` with the raw socket: garbage bytes, an
/// immediate close, or silence. Serves `max` connections, then stops.
pub fn raw_peer(
    max: usize,
    answer: fn(&mut std::net::TcpStream),
) -> (SocketAddr, std::thread::JoinHandle<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let t = std::thread::spawn(move || {
        for stream in listener.incoming().take(max) {
            let Ok(mut s) = stream else { continue };
            s.set_read_timeout(Some(Duration::from_millis(200))).ok();
            let mut buf = [0u8; 65536];
            let _ = std::io::Read::read(&mut s, &mut buf);
            answer(&mut s);
        }
    });
    (addr, t)
}

/// A free loopback port with nothing listening on it.
pub fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// HMAC-SHA256 hex with the RustCrypto crates, for checks too many for an openssl process each.
pub fn hmac_hex(key: &[u8], body: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
    mac.update(body);
    crate::common::hex(&mac.finalize().into_bytes())
}

pub fn sha256_hex(body: &[u8]) -> String {
    use sha2::Digest;
    crate::common::hex(&sha2::Sha256::digest(body))
}

/// Check one received request against WL's protocol, independently of wl-hook's code.
pub fn check_wl_request(hit: &Hit, key: &[u8], topic: &str) {
    assert_eq!(hit.method, "POST");
    assert_eq!(hit.header("content-type"), Some("application/json"));
    assert_eq!(hit.header("x-topic"), Some(topic));
    assert_eq!(
        hit.header("x-signature-256"),
        Some(hmac_hex(key, &hit.body).as_str()),
        "signature"
    );
    assert_eq!(
        hit.header("x-payload-key"),
        Some(sha256_hex(&hit.body).as_str()),
        "payload key"
    );
    for h in ["x-generated-at", "x-sent-at"] {
        let v = hit.header(h).unwrap_or_else(|| panic!("{h} missing"));
        assert!(chrono::DateTime::parse_from_rfc3339(v).is_ok(), "{h}: {v}");
        assert!(
            v.ends_with('Z') && v.len() == 24,
            "{h} is RFC 3339 UTC with milliseconds: {v}"
        );
    }
    let body: serde_json::Value = serde_json::from_slice(&hit.body).expect("body is JSON");
    assert_eq!(body["meta_data"]["topic"], topic);
}

/// The server's own checks, which every other test relies on to fail loudly.
mod self_tests {
    use super::*;

    fn panics(f: impl FnOnce()) -> String {
        let err = std::panic::catch_unwind(AssertUnwindSafe(f)).expect_err("the test must fail");
        err.downcast_ref::<String>()
            .cloned()
            .or_else(|| err.downcast_ref::<&str>().map(|s| (*s).to_string()))
            .unwrap_or_default()
    }

    #[test]
    fn a_panicking_handler_fails_the_test() {
        let msg = panics(|| {
            let srv = TestServer::start(|_, _| panic!("handler bug"));
            let (status, _) = crate::common::post(&srv.url(), &[], b"{}");
            assert_eq!(status, 500, "the client still gets an answer");
            drop(srv);
        });
        assert!(
            msg.contains("handler panicked") && msg.contains("handler bug"),
            "{msg}"
        );
    }

    #[test]
    fn a_request_that_never_came_fails_the_test() {
        let msg = panics(|| drop(TestServer::status(200)));
        assert!(msg.contains("none came"), "{msg}");
        let msg = panics(|| {
            let srv = TestServer::status(200).expect(2);
            crate::common::post(&srv.url(), &[], b"{}");
            drop(srv);
        });
        assert!(
            msg.contains("expected 2 request(s) and received 1"),
            "{msg}"
        );
        let msg = panics(|| {
            let srv = TestServer::status(200).expect(0);
            crate::common::post(&srv.url(), &[], b"{}");
            drop(srv);
        });
        assert!(
            msg.contains("expected 0 request(s) and received 1"),
            "{msg}"
        );
    }

    #[test]
    fn the_expected_requests_pass() {
        drop(TestServer::status(200).expect(0));
        let srv = TestServer::status(200).expect(1);
        let before = Instant::now();
        let (status, _) = crate::common::post(&srv.url(), &[("x-a", "1")], b"{}");
        assert_eq!(status, 200);
        let hits = srv.hits();
        assert_eq!(hits[0].header("x-a"), Some("1"));
        assert!(hits[0].at >= before);
    }
}
