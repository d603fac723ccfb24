//! `listen`'s browser inspector: a page on 127.0.0.1 that shows every request as it arrives
//! (Server-Sent Events), its details, and actions on it (resend, replay, curl, capture).
//!
//! The receiver hands events over cheaply: listen's event loop, which already batches them for
//! the output thread, pushes the same reference-counted events into a bounded ring (one lock per
//! batch) and a broadcast channel. Nothing is serialised until a page asks, so with no page open
//! the inspector costs one lock and a few pointer copies per batch.
//!
//! The server binds loopback only, whatever `--host` says: bodies hold personal data. Its API
//! answers only requests whose `Host` is `127.0.0.1:PORT` or `localhost:PORT` (a page on another
//! site reaching it by DNS rebinding is refused) and that carry no foreign `Origin`; a POST (the
//! actions that send traffic) must also show it comes from the page itself: a same-origin
//! `Origin`, or the [`ACTION_HEADER`] that no cross-site form can set.

mod api;

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::{Body, Frame};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{broadcast, mpsc};

use crate::delivery::Connect;
use crate::protocol::Family;
use crate::server::receiver::{Event, Forward};

/// How many requests the inspector holds (the oldest go first).
pub const HELD: usize = 1000;

/// The inspector's port when none is asked for; another free one when it is busy.
pub const DEFAULT_PORT: u16 = 9001;

/// A header the page sends with every action: a cross-site form cannot set it, and a
/// cross-site script cannot without a CORS preflight, which the inspector never grants.
pub const ACTION_HEADER: &str = "x-wl-hook-inspector";

/// Which port the inspector asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UiPort {
    /// [`DEFAULT_PORT`], or a free one when it is taken.
    Default,
    /// This port exactly (0: a free one); a taken one is an error.
    Exact(u16),
}

/// Bind the inspector's port on 127.0.0.1. With [`UiPort::Default`] a taken port falls back to a
/// free one, and the note says so; with [`UiPort::Exact`] the error is the caller's exit 3.
pub async fn bind(port: UiPort) -> std::io::Result<(TcpListener, Option<String>)> {
    match port {
        UiPort::Exact(p) => Ok((TcpListener::bind(("127.0.0.1", p)).await?, None)),
        UiPort::Default => match TcpListener::bind(("127.0.0.1", DEFAULT_PORT)).await {
            Ok(l) => Ok((l, None)),
            Err(e) => {
                let l = TcpListener::bind(("127.0.0.1", 0)).await?;
                let port = l.local_addr()?.port();
                Ok((
                    l,
                    Some(format!(
                        "the inspector's default port {DEFAULT_PORT} cannot be used ({e}); it is on port {port} instead (--ui-port chooses one, --no-ui turns it off)"
                    )),
                ))
            }
        },
    }
}

/// One event the inspector holds, and for a delivery of a record seen before, the `seq` of the
/// previous delivery of that record.
pub struct Entry {
    pub event: Arc<Event>,
    pub previous: Option<u64>,
}

impl Entry {
    fn seq(&self) -> Option<u64> {
        match &*self.event {
            Event::Request(r) => Some(r.seq),
            Event::Rejected(_) => None,
        }
    }
}

#[derive(Default)]
struct Store {
    entries: VecDeque<Arc<Entry>>,
    /// Events no longer held.
    dropped: u64,
    /// (family, record id) -> the seq of its last delivery.
    last_of_record: HashMap<(Family, String), u64>,
}

/// The requests the inspector holds, and the live feed of new ones.
pub struct Inspector {
    store: Mutex<Store>,
    live: broadcast::Sender<Arc<Entry>>,
}

impl Default for Inspector {
    fn default() -> Self {
        Inspector::new()
    }
}

impl Inspector {
    pub fn new() -> Inspector {
        Inspector {
            store: Mutex::new(Store::default()),
            live: broadcast::channel(1024).0,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Hold a batch of events (dropping the oldest past [`HELD`]) and tell the open pages.
    pub fn push(&self, batch: &[Arc<Event>]) {
        let mut st = self.lock();
        for e in batch {
            let previous = match &**e {
                Event::Request(r) => match (r.family, &r.record_id) {
                    (Some(f), Some(id)) if r.body_is_json => {
                        st.last_of_record.insert((f, id.clone()), r.seq)
                    }
                    _ => None,
                },
                Event::Rejected(_) => None,
            };
            let entry = Arc::new(Entry {
                event: e.clone(),
                previous,
            });
            st.entries.push_back(entry.clone());
            if st.entries.len() > HELD {
                st.entries.pop_front();
                st.dropped += 1;
            }
            // No page open is no error.
            let _ = self.live.send(entry);
        }
        // Records whose last delivery is long gone are forgotten.
        if st.last_of_record.len() > 4 * HELD {
            let oldest = st.entries.iter().find_map(|e| e.seq()).unwrap_or(0);
            st.last_of_record.retain(|_, seq| *seq >= oldest);
        }
    }

    /// What is held now and the feed of what comes after, with nothing lost or repeated between.
    fn subscribe(&self) -> (Vec<Arc<Entry>>, broadcast::Receiver<Arc<Entry>>) {
        let st = self.lock();
        (st.entries.iter().cloned().collect(), self.live.subscribe())
    }

    /// The held request with this seq.
    fn get(&self, seq: u64) -> Option<Arc<Entry>> {
        self.lock()
            .entries
            .iter()
            .rev()
            .find(|e| e.seq() == Some(seq))
            .cloned()
    }

    fn counts(&self) -> (usize, u64) {
        let st = self.lock();
        (st.entries.len(), st.dropped)
    }
}

/// What the inspector's actions need from listen.
#[derive(Clone)]
pub struct Setup {
    /// The receiver's URL (`http://HOST:PORT`).
    pub listen_url: String,
    /// The keys listen verifies with (actions re-sign with the first); none under `--no-verify`.
    pub keys: Vec<crate::judge::NamedKey>,
    /// The modelled signature, payload-key and timestamp rules listen judges and signs by.
    pub fidelity: crate::protocol::Fidelity,
    /// `--strict`: warnings are failures.
    pub strict: bool,
    /// `--forward-to`: the default target of Resend and Replay.
    pub forward: Option<Forward>,
    /// `--cacert`, `--insecure` and `-H`, for actions as for forwarding.
    pub connect: Connect,
}

struct Server {
    inspector: Arc<Inspector>,
    setup: Setup,
    /// The `Host` values accepted, and the origins.
    hosts: [String; 2],
    origins: [String; 2],
}

/// Serve the inspector on `listener` until the returned task is aborted (listen aborts it when
/// it stops: open pages hold their event streams forever, which a graceful stop would wait for).
pub fn spawn(
    listener: TcpListener,
    inspector: Arc<Inspector>,
    setup: Setup,
) -> std::io::Result<tokio::task::JoinHandle<()>> {
    let port = listener.local_addr()?.port();
    let server = Arc::new(Server {
        inspector,
        setup,
        hosts: [format!("127.0.0.1:{port}"), format!("localhost:{port}")],
        origins: [
            format!("http://127.0.0.1:{port}"),
            format!("http://localhost:{port}"),
        ],
    });
    Ok(tokio::spawn(async move {
        // Dropping the set (when this task is aborted) aborts every connection.
        let mut connections = tokio::task::JoinSet::new();
        let mut builder = http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(Duration::from_secs(10))
            .keep_alive(true);
        loop {
            let (stream, _) = match listener.accept().await {
                Ok(a) => a,
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            };
            while connections.try_join_next().is_some() {}
            let server = server.clone();
            let service = service_fn(move |req| {
                let server = server.clone();
                async move { Ok::<_, Infallible>(server.handle(req).await) }
            });
            let conn = builder.serve_connection(TokioIo::new(stream), service);
            connections.spawn(async move {
                let _ = conn.await;
            });
        }
    }))
}

type Response = hyper::Response<BoxBody<Bytes, Infallible>>;

fn response(status: u16, content_type: &str, body: impl Into<Bytes>) -> Response {
    let mut resp = hyper::Response::new(Full::new(body.into()).boxed());
    *resp.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let h = resp.headers_mut();
    let mut set = |name: &'static str, value: &str| {
        if let Ok(v) = hyper::header::HeaderValue::from_str(value) {
            h.insert(name, v);
        }
    };
    set("content-type", content_type);
    set("cache-control", "no-store");
    set("x-content-type-options", "nosniff");
    set("referrer-policy", "no-referrer");
    set(
        "content-security-policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    resp
}

/// A plain-text refusal or error.
fn text(status: u16, message: &str) -> Response {
    response(status, "text/plain; charset=utf-8", format!("{message}\n"))
}

fn json(status: u16, value: &impl serde::Serialize) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => response(status, "application/json", body),
        Err(e) => text(500, &format!("cannot serialise the answer: {e}")),
    }
}

const INDEX_HTML: &str = include_str!("page/index.html");
const APP_JS: &str = include_str!("page/app.js");
const APP_CSS: &str = include_str!("page/app.css");

impl Server {
    /// Why a request may not use the inspector, if it may not.
    fn refused(&self, req: &hyper::Request<hyper::body::Incoming>) -> Option<&'static str> {
        let get = |name| {
            req.headers()
                .get(name)
                .map(|v| v.to_str().unwrap_or("\u{fffd}"))
        };
        if !get("host").is_some_and(|h| self.hosts.iter().any(|ok| ok == h)) {
            return Some("this inspector answers only to http://127.0.0.1:PORT/ or http://localhost:PORT/ (Host header refused)");
        }
        match get("origin") {
            Some(o) if !self.origins.iter().any(|ok| ok == o) => {
                Some("cross-origin requests are refused")
            }
            None if req.method() != hyper::Method::GET
                && req.method() != hyper::Method::HEAD
                && get(ACTION_HEADER).is_none() =>
            {
                Some("actions must come from the inspector's page (no Origin and no x-wl-hook-inspector header)")
            }
            _ => None,
        }
    }

    async fn handle(&self, req: hyper::Request<hyper::body::Incoming>) -> Response {
        if let Some(why) = self.refused(&req) {
            return text(403, why);
        }
        let path = req.uri().path().to_string();
        let query = req.uri().query().unwrap_or("").to_string();
        let method = req.method().clone();
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let get = method == hyper::Method::GET;
        let post = method == hyper::Method::POST;
        match parts.as_slice() {
            [""] | ["index.html"] if get => response(200, "text/html; charset=utf-8", INDEX_HTML),
            ["app.js"] if get => response(200, "text/javascript; charset=utf-8", APP_JS),
            ["app.css"] if get => response(200, "text/css; charset=utf-8", APP_CSS),
            ["api", "info"] if get => json(200, &self.info()),
            ["api", "events"] if get => self.events(),
            ["api", "requests"] if get => self.list(),
            ["api", "requests", seq, rest @ ..] => {
                let Some(entry) = seq.parse().ok().and_then(|s| self.inspector.get(s)) else {
                    return text(
                        404,
                        &format!("no request #{seq} is held (the inspector holds the last {HELD})"),
                    );
                };
                match (rest, get, post) {
                    ([], true, _) => json(200, &api::detail(&entry, &self.inspector, &self.setup)),
                    (["capture"], true, _) => api::capture(&entry),
                    (["curl"], true, _) => api::curl(&entry, &self.setup, &query),
                    (["resend"], _, true) => {
                        api::resend(&entry, &self.setup, req.into_body()).await
                    }
                    (["replay"], _, true) => {
                        api::replay(&entry, &self.setup, req.into_body()).await
                    }
                    _ => text(404, "no such action"),
                }
            }
            _ if get || post => text(404, "not found"),
            _ => text(405, "method not allowed"),
        }
    }

    fn info(&self) -> serde_json::Value {
        let (held, dropped) = self.inspector.counts();
        serde_json::json!({
            "listening": self.setup.listen_url,
            "forward_to": self.setup.forward.as_ref().map(|f| {
                f.routes.iter().map(|r| r.url.to_string()).collect::<Vec<_>>()
            }),
            "verifying": !self.setup.keys.is_empty(),
            "limit": HELD,
            "held": held,
            "dropped": dropped,
        })
    }

    /// Every held event as NDJSON: the lines `listen --json` prints.
    fn list(&self) -> Response {
        let (held, _) = self.inspector.subscribe();
        let mut out = Vec::new();
        for e in held {
            crate::output::inspector::write_line(&mut out, &e.event);
        }
        response(200, "application/x-ndjson", out)
    }

    /// The live feed: every held event, then each new one, as `request` or `rejected` events
    /// whose data is the line `listen --json` prints. A page too slow to keep up is sent a
    /// `reset` and everything held again.
    fn events(&self) -> Response {
        let rx = feed(self.inspector.clone());
        let mut resp = response(200, "text/event-stream", Bytes::new());
        *resp.body_mut() = EventStream(rx).boxed();
        resp
    }
}

/// The chunks of one live feed (see [`Server::events`]), from a task of their own that ends
/// when the receiver is dropped.
fn feed(inspector: Arc<Inspector>) -> mpsc::Receiver<Bytes> {
    let (tx, rx) = mpsc::channel::<Bytes>(16);
    tokio::spawn(async move {
        let (mut held, mut live) = inspector.subscribe();
        let mut first = true;
        loop {
            let mut out = Vec::new();
            if !first {
                out.extend_from_slice(b"event: reset\ndata: {}\n\n");
            }
            first = false;
            out.extend_from_slice(b"retry: 1000\n\n");
            for e in held.drain(..) {
                sse_event(&mut out, &e);
            }
            if tx.send(out.into()).await.is_err() {
                return;
            }
            loop {
                let next = tokio::time::timeout(Duration::from_secs(15), live.recv()).await;
                let chunk: Bytes = match next {
                    // A comment keeps proxies and the browser from closing an idle stream,
                    // and tells us when the page has gone.
                    Err(_) => Bytes::from_static(b": keep-alive\n\n"),
                    Ok(Ok(e)) => {
                        let mut out = Vec::new();
                        sse_event(&mut out, &e);
                        // Whatever else is waiting goes in the same chunk.
                        while let Ok(e) = live.try_recv() {
                            sse_event(&mut out, &e);
                        }
                        out.into()
                    }
                    Ok(Err(broadcast::error::RecvError::Lagged(_))) => break,
                    Ok(Err(broadcast::error::RecvError::Closed)) => return,
                };
                if tx.send(chunk).await.is_err() {
                    return;
                }
            }
            (held, live) = inspector.subscribe();
        }
    });
    rx
}

/// One SSE event: its type and the event's JSON line as data.
fn sse_event(out: &mut Vec<u8>, e: &Entry) {
    let kind: &[u8] = match &*e.event {
        Event::Request(_) => b"request",
        Event::Rejected(_) => b"rejected",
    };
    out.extend_from_slice(b"event: ");
    out.extend_from_slice(kind);
    out.extend_from_slice(b"\ndata: ");
    // A JSON line holds no newline (strings escape theirs), so it is one data line.
    crate::output::inspector::write_line(out, &e.event);
    out.extend_from_slice(b"\n");
}

/// A response body fed by a channel: the chunks of an event stream as they come.
struct EventStream(mpsc::Receiver<Bytes>);

impl Body for EventStream {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.0.poll_recv(cx).map(|c| c.map(|b| Ok(Frame::data(b))))
    }
}

/// The inspector's URL for a bound address.
pub fn url(addr: SocketAddr) -> String {
    format!("http://{addr}/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::receiver::{Received, SigVerdict};
    use std::borrow::Cow;

    fn request(seq: u64, record: Option<&str>) -> Arc<Event> {
        Arc::new(Event::Request(Box::new(Received {
            seq,
            time: "2026-01-02T03:04:05.500Z".parse().unwrap(),
            remote: "127.0.0.1:5000".parse().unwrap(),
            method: hyper::Method::POST,
            path: "/hook".into(),
            headers: hyper::HeaderMap::new().into(),
            body: Some(Bytes::from_static(b"{}")),
            body_digest: None,
            body_is_json: true,
            event: Some("client.updated".into()),
            family: Some(Family::Client),
            signature: SigVerdict::Unchecked,
            payload_key: None,
            payload_key_ok: None,
            generated_at: None,
            sent_at: None,
            duplicate_of: None,
            stale: None,
            record_id: record.map(str::to_string),
            status: 200,
            note: Cow::Borrowed("valid delivery"),
            saved_to: None,
            save_error: None,
            forwarded: None,
            withheld: None,
            filtered: false,
            valid: true,
            findings: Vec::new(),
            matched_key: None,
            diagnosis: Vec::new(),
            handled_in: Duration::ZERO,
        })))
    }

    /// The seqs of the requests in a feed's chunk, in order.
    fn seqs(chunk: &[u8]) -> Vec<u64> {
        String::from_utf8_lossy(chunk)
            .lines()
            .filter_map(|l| l.strip_prefix("data: "))
            .filter_map(|d| serde_json::from_str::<serde_json::Value>(d).ok())
            .filter_map(|v| v["seq"].as_u64())
            .collect()
    }

    /// A page that stops reading while the live feed runs more than its channel holds ahead is
    /// sent `reset` and everything held again, then the feed goes on: it never silently skips.
    #[tokio::test]
    async fn a_page_that_falls_behind_gets_a_reset_and_what_is_held() {
        let inspector = Arc::new(Inspector::new());
        inspector.push(&[request(1, None)]);
        let mut feed = feed(inspector.clone());
        let first = feed.recv().await.unwrap();
        assert_eq!(seqs(&first), [1]);
        assert!(!String::from_utf8_lossy(&first).contains("event: reset"));
        // 2,000 more while the feed's task cannot run: its broadcast receiver falls behind.
        for seq in 2..=2001 {
            inspector.push(&[request(seq, None)]);
        }
        let again = feed.recv().await.unwrap();
        let text = String::from_utf8_lossy(&again);
        assert!(
            text.starts_with("event: reset\ndata: {}\n\n"),
            "{text:.200}"
        );
        let held = seqs(&again);
        assert_eq!(held.len(), HELD);
        assert_eq!((held[0], held[HELD - 1]), (1002, 2001));
        // And the live feed goes on from there.
        inspector.push(&[request(2002, None)]);
        let next = feed.recv().await.unwrap();
        assert_eq!(seqs(&next), [2002]);
    }

    #[test]
    fn holds_the_last_thousand_and_links_deliveries_of_a_record() {
        let inspector = Inspector::new();
        let batch: Vec<Arc<Event>> = (1..=HELD as u64 + 5)
            .map(|seq| request(seq, Some(if seq % 2 == 0 { "even" } else { "odd" })))
            .collect();
        inspector.push(&batch[..3]);
        let (held, mut live) = inspector.subscribe();
        assert_eq!(held.len(), 3);
        assert_eq!(held[0].previous, None);
        assert_eq!(held[2].previous, Some(1), "#3 is the same record as #1");
        inspector.push(&batch[3..]);
        // The feed gives what came after the snapshot, in order, nothing twice.
        assert_eq!(live.try_recv().map(|e| e.seq()).unwrap(), Some(4));
        assert_eq!(inspector.counts(), (HELD, 5));
        assert!(inspector.get(5).is_none(), "dropped");
        assert_eq!(inspector.get(6).and_then(|e| e.previous), Some(4));
        assert_eq!(
            inspector.get(HELD as u64 + 5).and_then(|e| e.previous),
            Some(HELD as u64 + 3)
        );
        // A request of no known record links nothing.
        inspector.push(&[request(2000, None)]);
        assert_eq!(inspector.get(2000).and_then(|e| e.previous), None);
    }
}
