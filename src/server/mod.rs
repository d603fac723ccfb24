//! The listen server: hyper 1 on tokio with the limits a receiver exposed to tests and CI needs
//! (header and body read timeouts, header size, connection count, idle keep-alive connections)
//! and a graceful stop. What a request means is decided in [`receiver`]; how it is shown is
//! `output::listen`'s job.
//!
//! Connection slots go to connections that use them: a kept-alive connection that carries no
//! request for [`Limits::idle_timeout`] is closed, and when every slot is taken (or the process
//! is out of descriptors) the connection idle the longest is closed to make room for a new one.
//! A connection in the middle of a request is never closed to make room.

pub mod receiver;
pub mod saver;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify, Semaphore};
use tokio::time::Instant;

/// Limits of the HTTP layer.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Time a client has to send a request's headers (slow clients are dropped).
    pub read_timeout: Duration,
    /// Largest request head (request line and headers); larger gets 431.
    pub max_header_bytes: usize,
    /// Connections open at once; beyond, the longest idle is closed, or new ones wait in the
    /// kernel's backlog while every one is busy.
    pub max_connections: usize,
    /// A kept-alive connection with no request for this long is closed.
    pub idle_timeout: Duration,
    /// How long in-flight requests may take to finish once a stop is asked for.
    pub drain_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            read_timeout: Duration::from_secs(10),
            max_header_bytes: 64 * 1024,
            max_connections: 1024,
            idle_timeout: Duration::from_secs(5),
            drain_timeout: Duration::from_secs(5),
        }
    }
}

/// How long a kept-alive connection must have been idle before it is closed to make room.
const KEEP_ALIVE_GRACE: Duration = Duration::from_secs(1);

/// How long a new connection that has sent nothing must wait before it is closed to make room.
const NEW_GRACE: Duration = Duration::from_millis(250);

/// Descriptors listen needs besides its connections (captures, the relay, stdio).
const SPARE_DESCRIPTORS: u64 = 128;

/// Raise the soft limit on open files (`ulimit -n`) so that `connections` fit, as far as the
/// hard limit allows; the number of connections that fit when it does not.
pub fn make_room_for(connections: usize) -> Result<(), u64> {
    #[cfg(unix)]
    {
        use rustix::process::{getrlimit, setrlimit, Resource};
        let want = connections as u64 + SPARE_DESCRIPTORS;
        let mut limit = getrlimit(Resource::Nofile);
        let soft = limit.current.unwrap_or(u64::MAX);
        if soft >= want {
            return Ok(());
        }
        let hard = limit.maximum.unwrap_or(u64::MAX);
        limit.current = Some(want.min(hard));
        let now = match setrlimit(Resource::Nofile, limit) {
            Ok(()) => limit.current.unwrap_or(soft),
            Err(_) => soft,
        };
        if now < want {
            return Err(now.saturating_sub(SPARE_DESCRIPTORS));
        }
    }
    Ok(())
}

/// What the server knows of one open connection.
struct Conn {
    /// A request is being handled.
    busy: AtomicBool,
    /// Bytes arrived since it last went idle: a request is on its way.
    reading: AtomicBool,
    /// It has carried a request.
    served: AtomicBool,
    /// When it last went idle (accepted, or its last answer done), in ms since the server
    /// started.
    idle_since: AtomicU64,
    /// Chosen to be closed (to make room, or idle too long).
    closing: AtomicBool,
    /// Wakes its task to close it.
    close: Notify,
    /// Wakes its task when a request is done: its idle time starts.
    done: Notify,
}

impl Conn {
    fn idle(&self) -> bool {
        !self.busy.load(Ordering::Acquire)
            && !self.reading.load(Ordering::Acquire)
            && !self.closing.load(Ordering::Acquire)
    }
}

/// The open connections.
struct Registry {
    started: Instant,
    next_id: AtomicU64,
    open: Mutex<HashMap<u64, Arc<Conn>>>,
    /// Notified whenever a request is done: a connection may have become idle.
    went_idle: Notify,
}

impl Registry {
    fn now_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    fn add(&self) -> (u64, Arc<Conn>) {
        let conn = Arc::new(Conn {
            busy: AtomicBool::new(false),
            reading: AtomicBool::new(false),
            served: AtomicBool::new(false),
            idle_since: AtomicU64::new(self.now_ms()),
            closing: AtomicBool::new(false),
            close: Notify::new(),
            done: Notify::new(),
        });
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.lock().insert(id, conn.clone());
        (id, conn)
    }

    fn remove(&self, id: u64) {
        self.lock().remove(&id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Conn>>> {
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Close the connection idle the longest, if one may be closed; true when one was chosen.
    /// A connection is spared until it has been idle for [`NEW_GRACE`] (new) or
    /// [`KEEP_ALIVE_GRACE`] (kept alive): its client may be about to send on it (or has sent,
    /// and the bytes are not read yet), and would see its request cut off.
    fn evict_one(&self) -> bool {
        let open = self.lock();
        let now = self.now_ms();
        let victim = open
            .values()
            .filter(|c| c.idle())
            .filter(|c| {
                let grace = if c.served.load(Ordering::Acquire) {
                    KEEP_ALIVE_GRACE
                } else {
                    NEW_GRACE
                };
                now.saturating_sub(c.idle_since.load(Ordering::Acquire)) >= grace.as_millis() as u64
            })
            .min_by_key(|c| c.idle_since.load(Ordering::Acquire));
        match victim {
            Some(c) => {
                c.closing.store(true, Ordering::Release);
                c.close.notify_one();
                true
            }
            None => false,
        }
    }
}

/// A TCP stream that notes on its connection when bytes arrive.
struct Tracked {
    stream: TcpStream,
    conn: Arc<Conn>,
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.conn.reading.store(true, Ordering::Release);
        }
        polled
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, data)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// Bind a listener; a failure here is the caller's exit 3.
pub async fn bind(host: &str, port: u16) -> std::io::Result<TcpListener> {
    let mut last = None;
    for addr in tokio::net::lookup_host((host, port)).await? {
        match listen_on(addr) {
            Ok(l) => return Ok(l),
            Err(e) => last = Some(e),
        }
    }
    Err(last
        .unwrap_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no address to bind")))
}

/// Connections the kernel holds for us while every slot is busy (the default, 128, makes a
/// burst of new connections wait for SYN retransmits, a second or more).
const BACKLOG: u32 = 1024;

fn listen_on(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

/// What the service gives hyper to close a connection without an answer.
#[derive(Debug)]
struct ClosedOnPurpose;

impl std::fmt::Display for ClosedOnPurpose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection closed without an answer, on purpose")
    }
}

impl std::error::Error for ClosedOnPurpose {}

/// Serve `listener` until `stop` turns true, calling `on_error` for connections hyper closed with
/// an error before a request reached `handler`. Then stop accepting and give in-flight requests up
/// to `limits.drain_timeout` to finish. Returns false when the drain ran out of time. A handler
/// that gives no response closes its connection without an answer. Long because the accept loop
/// (make room when every slot is taken, accept, wire the connection to the registry that tracks
/// its idleness) and the drain after it are one sequence; a connection's life is
/// [`until_closed`].
pub async fn serve<H, F, E>(
    listener: TcpListener,
    limits: Limits,
    handler: H,
    on_error: E,
    mut stop: watch::Receiver<bool>,
) -> bool
where
    H: Fn(hyper::Request<hyper::body::Incoming>, SocketAddr) -> F + Send + Sync + 'static,
    F: std::future::Future<Output = Option<hyper::Response<Full<Bytes>>>> + Send + 'static,
    E: Fn(SocketAddr, &hyper::Error) + Send + Sync + 'static,
{
    let on_error = Arc::new(on_error);
    let handler = Arc::new(handler);
    let max = limits.max_connections.clamp(1, Semaphore::MAX_PERMITS);
    let slots = Arc::new(Semaphore::new(max));
    let registry = Arc::new(Registry {
        started: Instant::now(),
        next_id: AtomicU64::new(0),
        open: Mutex::new(HashMap::new()),
        went_idle: Notify::new(),
    });
    // Tells every connection to finish its request and close.
    let (closing_all, closing_rx) = watch::channel(false);
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.read_timeout)
        .max_header_size(limits.max_header_bytes)
        .keep_alive(true);
    let builder = Arc::new(builder);

    loop {
        if *stop.borrow() {
            break;
        }
        let permit = match slots.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(_) => {
                // Every slot is taken: make room by closing the connection idle the longest,
                // or, with all of them busy, wait for one to finish.
                registry.evict_one();
                tokio::select! {
                    changed = stop.changed() => if changed.is_err() { break } else { continue },
                    p = slots.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => break },
                    _ = registry.went_idle.notified() => continue,
                    // A connection that was receiving may have gone quiet.
                    _ = tokio::time::sleep(Duration::from_millis(100)) => continue,
                }
            }
        };
        // A dropped stop sender means nobody can stop us any more: stop now.
        let (stream, remote) = tokio::select! {
            changed = stop.changed() => if changed.is_err() { break } else { continue },
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // Out of descriptors (close an idle connection to get one back) or a
                // connection reset during accept: back off briefly.
                Err(_) => {
                    if !registry.evict_one() {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                    tokio::task::yield_now().await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let (id, conn) = registry.add();
        let h = handler.clone();
        let in_service = conn.clone();
        let registry_of_service = registry.clone();
        let service = service_fn(move |req| {
            in_service.served.store(true, Ordering::Release);
            in_service.busy.store(true, Ordering::Release);
            let fut = h(req, remote);
            let conn = in_service.clone();
            let registry = registry_of_service.clone();
            async move {
                let resp = fut.await;
                conn.idle_since.store(registry.now_ms(), Ordering::Release);
                conn.reading.store(false, Ordering::Release);
                conn.busy.store(false, Ordering::Release);
                conn.done.notify_one();
                registry.went_idle.notify_one();
                resp.ok_or(ClosedOnPurpose)
            }
        });
        let io = TokioIo::new(Tracked {
            stream,
            conn: conn.clone(),
        });
        let on_error = on_error.clone();
        let builder = builder.clone();
        let registry = registry.clone();
        let closing_all = closing_rx.clone();
        let idle_timeout = limits.idle_timeout;
        tokio::spawn(async move {
            let served = builder.serve_connection(io, service);
            let result = until_closed(served, &conn, &registry, closing_all, idle_timeout).await;
            registry.remove(id);
            drop(permit);
            if let Err(e) = result {
                if is_refusal(&e, &conn) {
                    on_error(remote, &e);
                }
            }
        });
    }
    drop(listener);
    let _ = closing_all.send(true);
    // Every slot back: every connection has closed.
    tokio::select! {
        _ = slots.acquire_many(max as u32) => true,
        _ = tokio::time::sleep(limits.drain_timeout) => false,
    }
}

/// Serve one connection until it closes: gracefully when listen stops (`closing_all`), when it
/// is chosen to make room, or when it has carried a request and then sat idle for
/// `idle_timeout`.
async fn until_closed<S>(
    served: http1::Connection<TokioIo<Tracked>, S>,
    conn: &Conn,
    registry: &Registry,
    mut closing_all: watch::Receiver<bool>,
    idle_timeout: Duration,
) -> Result<(), hyper::Error>
where
    S: hyper::service::HttpService<hyper::body::Incoming, ResBody = Full<Bytes>>,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    tokio::pin!(served);
    let mut closing = false;
    let idle_for = |r: &Registry| {
        Duration::from_millis(
            r.now_ms()
                .saturating_sub(conn.idle_since.load(Ordering::Acquire)),
        )
    };
    loop {
        // Busy or receiving: look again a whole idle timeout later (or when it is done).
        let wait = if conn.idle() {
            idle_timeout.saturating_sub(idle_for(registry))
        } else {
            idle_timeout
        };
        tokio::select! {
            r = served.as_mut() => return r,
            _ = conn.close.notified(), if !closing => {
                closing = true;
                served.as_mut().graceful_shutdown();
            }
            _ = closing_all.changed(), if !closing => {
                closing = true;
                served.as_mut().graceful_shutdown();
            }
            _ = conn.done.notified(), if !closing => {}
            // Only a connection that has carried a request is kept alive; one that never sends
            // its headers is --read-timeout's to close.
            _ = tokio::time::sleep(wait), if !closing && conn.served.load(Ordering::Acquire) => {
                if conn.idle() && idle_for(registry) >= idle_timeout {
                    closing = true;
                    conn.closing.store(true, Ordering::Release);
                    served.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// Whether hyper's error on a connection is a request it refused itself (431, malformed, too
/// slow), to report so that nothing that reached the port goes unseen. hyper's header timer also
/// closes a kept-alive connection that merely sits idle afterwards, a client that resets the
/// connection in the middle of a request's body has had that request shown already (answered
/// 400), and a handler may close a connection on purpose: none of those is a refusal.
fn is_refusal(e: &hyper::Error, conn: &Conn) -> bool {
    let broken =
        std::error::Error::source(e).is_some_and(|s| s.downcast_ref::<std::io::Error>().is_some());
    let idle_close = conn.served.load(Ordering::Acquire)
        && (e.is_timeout() || e.is_incomplete_message() || broken);
    let on_purpose =
        std::error::Error::source(e).is_some_and(|c| c.downcast_ref::<ClosedOnPurpose>().is_some());
    !idle_close && !on_purpose
}
