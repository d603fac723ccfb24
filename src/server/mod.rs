//! The listen server: hyper 1 on tokio with the limits a receiver exposed to tests and CI needs
//! (header and body read timeouts, header size, connection count) and a graceful stop. What a
//! request means is decided in [`receiver`]; how it is shown is `output::listen`'s job.

pub mod receiver;
pub mod saver;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};

/// Limits of the HTTP layer.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Time a client has to send a request's headers (slow clients are dropped).
    pub read_timeout: Duration,
    /// Largest request head (request line and headers); larger gets 431.
    pub max_header_bytes: usize,
    /// Connections served at once; more wait in the kernel's backlog.
    pub max_connections: usize,
    /// How long in-flight requests may take to finish once a stop is asked for.
    pub drain_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            read_timeout: Duration::from_secs(10),
            max_header_bytes: 64 * 1024,
            max_connections: 256,
            drain_timeout: Duration::from_secs(5),
        }
    }
}

/// Bind a listener; a failure here is the caller's exit 3.
pub async fn bind(host: &str, port: u16) -> std::io::Result<TcpListener> {
    TcpListener::bind((host, port)).await
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
/// that gives no response closes its connection without an answer.
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
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.read_timeout)
        .max_header_size(limits.max_header_bytes)
        .keep_alive(true);

    loop {
        if *stop.borrow() {
            break;
        }
        // A dropped stop sender means nobody can stop us any more: stop now.
        let permit = tokio::select! {
            changed = stop.changed() => if changed.is_err() { break } else { continue },
            p = slots.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => break },
        };
        let (stream, remote) = tokio::select! {
            changed = stop.changed() => if changed.is_err() { break } else { continue },
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // Out of descriptors or a connection reset during accept: back off briefly.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let h = handler.clone();
        // Whether this connection has carried a request: hyper's header timer also closes a
        // kept-alive connection that merely sits idle afterwards, which is not a refusal.
        let served = Arc::new(AtomicBool::new(false));
        let marked = served.clone();
        let service = service_fn(move |req| {
            marked.store(true, Ordering::Relaxed);
            let fut = h(req, remote);
            async move { fut.await.ok_or(ClosedOnPurpose) }
        });
        let conn = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        let on_error = on_error.clone();
        tokio::spawn(async move {
            // Errors here are requests hyper refused itself (431, malformed, too slow): report
            // them, so nothing that reached the port goes unseen.
            if let Err(e) = conn.await {
                let idle_close =
                    served.load(Ordering::Relaxed) && (e.is_timeout() || e.is_incomplete_message());
                let on_purpose = std::error::Error::source(&e)
                    .is_some_and(|c| c.downcast_ref::<ClosedOnPurpose>().is_some());
                if !idle_close && !on_purpose {
                    on_error(remote, &e);
                }
            }
            drop(permit);
        });
    }
    drop(listener);
    tokio::select! {
        _ = graceful.shutdown() => true,
        _ = tokio::time::sleep(limits.drain_timeout) => false,
    }
}
