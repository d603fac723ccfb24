//! Writing captures off the network thread. `listen --save` answers a delivery only once its
//! capture is on disk (a failed save is answered 500, so the sender retries and nothing is
//! lost), but the file-system calls (create, write, close, rename: about 15 µs even on tmpfs)
//! should not stall every other connection. One writer thread takes the captures in batches:
//! while it is busy, handing it a capture is a push onto a queue under a mutex; it is woken
//! through the condition variable only when it had run out of work.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

use tokio::sync::oneshot;

use crate::capture::Capture;

/// The capture writer of one receiver; stopping it (drop) finishes the captures already handed
/// over.
pub struct Saver {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

struct Shared {
    queue: Mutex<Queue>,
    wake: Condvar,
}

#[derive(Default)]
struct Queue {
    jobs: Vec<Job>,
    /// The writer waits for work.
    idle: bool,
    closed: bool,
}

struct Job {
    name: String,
    capture: Capture,
    done: oneshot::Sender<io::Result<PathBuf>>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Saver {
    /// Start the writer thread for captures in `dir` (which exists).
    pub fn start(dir: PathBuf) -> io::Result<Saver> {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            wake: Condvar::new(),
        });
        let for_thread = shared.clone();
        let thread = std::thread::Builder::new()
            .name("wl-hook-save".into())
            .spawn(move || write_captures(&dir, &for_thread))?;
        Ok(Saver {
            shared,
            thread: Some(thread),
        })
    }

    /// Save `capture` as `name` (or `name-2`, ... when taken); resolves once it is on disk.
    pub async fn save(&self, name: String, capture: Capture) -> io::Result<PathBuf> {
        let (done, result) = oneshot::channel();
        {
            let mut q = self.shared.lock();
            if q.closed {
                return Err(io::Error::other("the capture writer has stopped"));
            }
            q.jobs.push(Job {
                name,
                capture,
                done,
            });
            if q.idle {
                q.idle = false;
                drop(q);
                self.shared.wake.notify_one();
            }
        }
        result
            .await
            .unwrap_or_else(|_| Err(io::Error::other("the capture writer has stopped")))
    }
}

impl Drop for Saver {
    fn drop(&mut self) {
        self.shared.lock().closed = true;
        self.shared.wake.notify_one();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The writer thread: take every waiting capture, write them, answer each, repeat; return once
/// closed and empty.
fn write_captures(dir: &Path, shared: &Shared) {
    let mut batch = Vec::new();
    loop {
        {
            let mut q = shared.lock();
            while q.jobs.is_empty() {
                if q.closed {
                    return;
                }
                q.idle = true;
                q = shared.wake.wait(q).unwrap_or_else(|p| p.into_inner());
            }
            std::mem::swap(&mut batch, &mut q.jobs);
        }
        for job in batch.drain(..) {
            let saved = super::receiver::save_capture(dir, &job.name, &job.capture);
            // The handler may have gone (connection closed): the capture is saved regardless.
            let _ = job.done.send(saved);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_in_order_and_finishes_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let saver = Saver::start(dir.path().to_path_buf()).unwrap();
        let paths = rt.block_on(async {
            let mut all = Vec::new();
            for i in 0..50 {
                let c = Capture::new("POST", "/", vec![], format!("{{\"n\":{i}}}").as_bytes());
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
            .block_on(saver.save("000.json".into(), Capture::new("POST", "/", vec![], b"{}")))
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
