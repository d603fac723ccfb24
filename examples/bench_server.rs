//! The reference receiver for `bench/run.sh`: the least a hyper server can do per request.
//!
//!   bench_server PORT                  answer 200 (the limit of this machine)
//!   bench_server PORT fail             answer 500 (a receiver that always fails, for replay)
//!   bench_server PORT verify KEY       also verify x-signature-256 and pretty-print the body
//!
//! It prints `READY` once it accepts connections.

use std::convert::Infallible;
use std::io::Write;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

#[derive(Clone)]
enum Mode {
    Ok,
    Fail,
    Verify(Arc<wl_hook::protocol::Secret>),
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let port: u16 = args.get(1).map(|p| p.parse()).transpose()?.unwrap_or(0);
    let mode = match args.get(2).map(String::as_str) {
        Some("fail") => Mode::Fail,
        Some("verify") => {
            let key = args.get(3).ok_or("verify needs a KEY")?;
            Mode::Verify(Arc::new(
                wl_hook::protocol::Secret::new(key.as_bytes().to_vec()).ok_or("empty key")?,
            ))
        }
        _ => Mode::Ok,
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("READY {}", listener.local_addr()?);
    std::io::stdout().flush()?;
    loop {
        let (stream, _) = listener.accept().await?;
        let _ = stream.set_nodelay(true);
        let mode = mode.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                let mode = mode.clone();
                async move {
                    let status = match &mode {
                        Mode::Ok => 200,
                        Mode::Fail => 500,
                        Mode::Verify(key) => {
                            let sig = req
                                .headers()
                                .get("x-signature-256")
                                .and_then(|v| v.to_str().ok())
                                .map(str::to_string);
                            let body = req
                                .into_body()
                                .collect()
                                .await
                                .map(|b| b.to_bytes())
                                .unwrap_or_default();
                            let valid = sig.is_some_and(|s| {
                                wl_hook::protocol::verify(std::slice::from_ref(key), &body, &s)
                                    .is_ok()
                            });
                            if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&body) {
                                let mut out = std::io::stdout().lock();
                                let _ = writeln!(
                                    out,
                                    "{}",
                                    serde_json::to_string_pretty(&v).unwrap_or_default()
                                );
                            }
                            if valid {
                                200
                            } else {
                                401
                            }
                        }
                    };
                    let mut resp = hyper::Response::new(Full::new(Bytes::new()));
                    *resp.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or_default();
                    Ok::<_, Infallible>(resp)
                }
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
