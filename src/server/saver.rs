//! Captures on disk: a received request as the capture document, written atomically and never
//! over another capture, by a thread of its own. `listen --save` answers a delivery only once
//! its capture is written (a failed save is answered 500, so the sender retries and nothing is
//! lost), but the file-system calls (create, write, close, rename: about 15 µs even on tmpfs)
//! should not stall every other connection.
//!
//! One writer thread takes the captures from a channel, writes every capture that is waiting,
//! and sends the results back to the runtime in one message, where a task answers each handler:
//! waking the runtime from another thread costs a system call, waking a task from within it
//! does not. Kept because it earns its keep against one `spawn_blocking` per capture: see
//! "Machinery kept or removed" in BENCHMARKS.md.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::mpsc as std_mpsc;
use std::thread::JoinHandle;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use hyper::header::HeaderMap;
use serde::ser::{Serialize, SerializeSeq, Serializer};
use tokio::sync::{mpsc, oneshot};

use crate::capture::{body_fields, Document, HeaderBytes, CAPTURE_VERSION};
use crate::protocol::timestamp;

/// A received request on its way to disk: what hyper gave, with the bytes shared rather than
/// copied (the body and the header values are reference-counted; the map holding the values is
/// cloned). It serialises to the same document as
/// [`crate::capture::Capture`] would, without building one on the network thread.
#[derive(Debug, Clone)]
pub struct ToSave {
    pub received_at: DateTime<Utc>,
    pub remote_addr: std::net::SocketAddr,
    pub method: hyper::Method,
    pub path: String,
    pub headers: std::sync::Arc<HeaderMap>,
    /// The body, or why it was not read.
    pub body: Result<Bytes, String>,
}

/// The header pairs of a map as `[name, value]` arrays, values lossy when not UTF-8 (their
/// exact bytes go in `header_values_base64`).
struct Pairs<'a>(&'a HeaderMap);

impl Serialize for Pairs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for (name, value) in self.0 {
            seq.serialize_element(&(name.as_str(), String::from_utf8_lossy(value.as_bytes())))?;
        }
        seq.end()
    }
}

/// The exact bytes of the values in a map that are not UTF-8, by index in the map's order.
fn header_bytes(map: &HeaderMap) -> HeaderBytes {
    HeaderBytes::from_indexed(
        map.values()
            .enumerate()
            .filter(|(_, v)| std::str::from_utf8(v.as_bytes()).is_err())
            .map(|(i, v)| (i, v.as_bytes().to_vec()))
            .collect(),
    )
}

impl Serialize for ToSave {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (body, body_base64) = match &self.body {
            Ok(b) => body_fields(b),
            Err(_) => (None, None),
        };
        let exact = header_bytes(&self.headers);
        Document {
            wl_hook_capture: CAPTURE_VERSION,
            received_at: Some(&timestamp::format(self.received_at)),
            remote_addr: Some(&self.remote_addr.to_string()),
            url: None,
            method: self.method.as_str(),
            path: &self.path,
            headers: Pairs(&self.headers),
            header_values_base64: exact.or_none(),
            body,
            body_base64: body_base64.as_deref(),
            body_omitted: self.body.as_ref().err().map(String::as_str),
        }
        .serialize(s)
    }
}

/// The capture writer of one receiver; stopping it (drop) finishes the captures already handed
/// over.
pub struct Saver {
    jobs: Option<std_mpsc::Sender<Job>>,
    thread: Option<JoinHandle<()>>,
}

struct Job {
    name: String,
    capture: ToSave,
    done: oneshot::Sender<io::Result<PathBuf>>,
}

/// A handler's answer channel and its capture's fate.
type Done = (oneshot::Sender<io::Result<PathBuf>>, io::Result<PathBuf>);

fn stopped() -> io::Error {
    io::Error::other("the capture writer has stopped")
}

impl Saver {
    /// Start the writer thread for captures in `dir` (which exists). A task on the current
    /// tokio runtime hands the results back: outside one, this is an error.
    pub fn start(dir: PathBuf) -> io::Result<Saver> {
        let runtime = tokio::runtime::Handle::try_current().map_err(io::Error::other)?;
        let (done_tx, mut done_rx) = mpsc::unbounded_channel::<Vec<Done>>();
        runtime.spawn(async move {
            while let Some(batch) = done_rx.recv().await {
                for (answer, saved) in batch {
                    // The handler may have gone (connection closed): the capture is saved.
                    let _ = answer.send(saved);
                }
            }
        });
        let (jobs, queue) = std_mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("wl-hook-save".into())
            .spawn(move || write_captures(&dir, &queue, &done_tx))?;
        Ok(Saver {
            jobs: Some(jobs),
            thread: Some(thread),
        })
    }

    /// Save `capture` as `name` (or `name-2`, ... when taken); resolves once it is on disk.
    pub async fn save(&self, name: String, capture: ToSave) -> io::Result<PathBuf> {
        let (done, result) = oneshot::channel();
        let job = Job {
            name,
            capture,
            done,
        };
        self.jobs
            .as_ref()
            .ok_or_else(stopped)?
            .send(job)
            .map_err(|_| stopped())?;
        result.await.unwrap_or_else(|_| Err(stopped()))
    }
}

impl Drop for Saver {
    fn drop(&mut self) {
        // Closing the channel lets the writer finish what it holds, then return.
        self.jobs.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The writer thread: wait for a capture, take every other one waiting too, write them, send
/// the results back in one message, repeat; return once the channel is closed and empty.
fn write_captures(
    dir: &Path,
    queue: &std_mpsc::Receiver<Job>,
    done: &mpsc::UnboundedSender<Vec<Done>>,
) {
    while let Ok(first) = queue.recv() {
        let results: Vec<Done> = std::iter::once(first)
            .chain(queue.try_iter())
            .map(|job| {
                let saved = save(dir, &job.name, &job.capture);
                (job.done, saved)
            })
            .collect();
        // Gone only when the runtime is shutting down; the handlers are gone with it.
        let _ = done.send(results);
    }
}

/// Write `capture` into `dir` as `name` (or `name-2`, ... when taken); returns its path.
pub fn save(dir: &Path, name: &str, capture: &ToSave) -> io::Result<PathBuf> {
    let mut bytes = serde_json::to_vec_pretty(capture).map_err(io::Error::other)?;
    bytes.push(b'\n');
    crate::files::write_new(&dir.join(name), &bytes)
}

/// `<seq>-<event>-<key8>.json`: the event and the first 8 characters of the request's
/// `x-payload-key` (`nokey` without one), reduced to safe file-name characters.
pub fn capture_name(seq: u64, event: Option<&str>, payload_key: Option<&str>) -> String {
    let safe = |text: &str, max: usize| -> String {
        let s: String = text
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-' {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .take(max)
            .collect();
        if s.is_empty() || s.starts_with('.') {
            format!("x{s}")
        } else {
            s
        }
    };
    let event = safe(event.unwrap_or("unknown"), 64);
    let key = safe(payload_key.map(str::trim).unwrap_or("nokey"), 8);
    format!("{seq:06}-{event}-{key}.json")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::Capture;

    fn to_save(headers: &[(&str, &[u8])], body: Result<&[u8], &str>) -> ToSave {
        let mut map = HeaderMap::new();
        for (n, v) in headers {
            map.append(
                hyper::header::HeaderName::from_bytes(n.as_bytes()).unwrap(),
                hyper::header::HeaderValue::from_bytes(v).unwrap(),
            );
        }
        ToSave {
            received_at: "2026-01-02T03:04:05.678Z".parse().unwrap(),
            remote_addr: "127.0.0.1:5000".parse().unwrap(),
            method: hyper::Method::POST,
            path: "/webhooks?x=1".into(),
            headers: map.into(),
            body: body.map(Bytes::copy_from_slice).map_err(str::to_string),
        }
    }

    /// Byte for byte the document a Capture gives, for every kind of body.
    #[test]
    fn writes_the_capture_document() {
        let headers: &[(&str, &[u8])] = &[
            ("x-topic", b"client.created"),
            ("x-note", b"caf\xc3\xa9 \xff"),
            ("x-topic", b"again"),
        ];
        for body in [
            Ok(&b"{\"a\":\"\\u00e9\"}"[..]),
            Ok(b"\xff\x00"),
            Err("body over --max-body"),
        ] {
            let t = to_save(headers, body);
            let pairs = t.headers.iter().map(|(n, v)| (n.as_str(), v.as_bytes()));
            let mut c = Capture::from_exact("POST", "/webhooks?x=1", pairs, body.unwrap_or(b""));
            c.received_at = Some("2026-01-02T03:04:05.678Z".into());
            c.remote_addr = Some("127.0.0.1:5000".into());
            if let Err(reason) = body {
                c.body = None;
                c.body_omitted = Some(reason.into());
            }
            let written = serde_json::to_string_pretty(&t).unwrap();
            assert_eq!(written, serde_json::to_string_pretty(&c).unwrap());
            // The value that is not UTF-8 (index 2, after the grouped x-topic) is kept exactly,
            // beside its lossy text.
            assert!(
                written.contains("\"header_values_base64\": {\n    \"2\": \"Y2Fmw6kg/w==\"\n  },"),
                "{written}"
            );
            let back: Capture = serde_json::from_str(&written).unwrap();
            assert_eq!(back.header_bytes.get(2), Some(&b"caf\xc3\xa9 \xff"[..]));
            assert_eq!(back.headers[2].1, "café \u{fffd}");
        }
    }

    #[test]
    fn capture_names_are_safe() {
        let key = Some("0123456789abcdef");
        assert_eq!(
            capture_name(3, Some("purchase.created"), key),
            "000003-purchase.created-01234567.json"
        );
        assert_eq!(capture_name(4, None, key), "000004-unknown-01234567.json");
        assert_eq!(
            capture_name(5, Some("../../etc/passwd"), key),
            "000005-x.._.._etc_passwd-01234567.json"
        );
        assert_eq!(
            capture_name(6, Some("a\x1b[2Jb"), key),
            "000006-a__2jb-01234567.json"
        );
        assert_eq!(capture_name(7, Some(""), Some("")), "000007-x-x.json");
        assert_eq!(capture_name(8, Some("a.b"), None), "000008-a.b-nokey.json");
        assert_eq!(
            capture_name(9, Some("a.b"), Some("../x/y")),
            "000009-a.b-x.._x_y.json"
        );
    }

    /// The file holds the document, pretty, with a final newline; a taken name is not replaced.
    #[test]
    fn saves_the_document_and_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let t = to_save(&[("x-topic", b"a.b")], Ok(b"{}"));
        let a = save(dir.path(), "000001-a.b-1.json", &t).unwrap();
        let b = save(dir.path(), "000001-a.b-1.json", &t).unwrap();
        assert!(a.ends_with("000001-a.b-1.json"), "{}", a.display());
        assert!(b.ends_with("000001-a.b-1-2.json"), "{}", b.display());
        let text = std::fs::read_to_string(&a).unwrap();
        assert_eq!(
            text,
            format!("{}\n", serde_json::to_string_pretty(&t).unwrap())
        );
        let back: Capture = serde_json::from_str(&text).unwrap();
        assert_eq!(back.body.as_deref(), Some("{}"));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn needs_a_runtime() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Saver::start(dir.path().to_path_buf()).is_err());
    }

    #[test]
    fn saves_in_order_and_finishes_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let saver = rt
            .block_on(async { Saver::start(dir.path().to_path_buf()) })
            .unwrap();
        let paths = rt.block_on(async {
            let mut all = Vec::new();
            for i in 0..50 {
                let body = format!("{{\"n\":{i}}}");
                let c = to_save(&[], Ok(body.as_bytes()));
                all.push(saver.save(format!("{i:03}.json"), c));
            }
            let mut paths = Vec::new();
            for f in all {
                paths.push(f.await.unwrap());
            }
            paths
        });
        // Same name twice: never overwritten.
        let again = rt
            .block_on(saver.save("000.json".into(), to_save(&[], Ok(b"{}"))))
            .unwrap();
        assert!(again.ends_with("000-2.json"));
        drop(saver);
        assert_eq!(paths.len(), 50);
        for (i, p) in paths.iter().enumerate() {
            let text = std::fs::read_to_string(p).unwrap();
            assert!(text.contains(&format!("\\\"n\\\":{i}")), "{text}");
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 51);
    }
}
