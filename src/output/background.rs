//! listen's lines, formatted and written by a thread of their own. listen serves every
//! connection on one thread; turning each event into its line (the JSON or the readable block)
//! and writing it runs here instead, on the other core. Kept because it earns its keep: see
//! "Machinery kept or removed" in BENCHMARKS.md.
//!
//! Events are handed over in batches (those that wait together: one wake-up of the thread per
//! batch, not per event) and shown in order; the output is flushed whenever no more wait. At
//! most [`IN_FLIGHT`] batches wait: when the output is slower than the events (a pipe nobody
//! reads), handing one over waits, as a plain write would. A write error stops the thread;
//! [`Shower::failed`] resolves at once, and the next call returns the error.

use std::future::Future;
use std::io::{self, BufWriter, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TryRecvError};
use std::sync::Arc;
use std::thread::JoinHandle;

use tokio::sync::oneshot;

use crate::output::listen::ListenView;
use crate::server::receiver::Event;

/// Batches waiting for the thread.
pub const IN_FLIGHT: usize = 16;

/// The output thread of one listen run, writing to `W`.
pub struct Shower<W> {
    to_thread: Option<SyncSender<Vec<Arc<Event>>>>,
    thread: Option<JoinHandle<io::Result<W>>>,
    /// Resolves (with an error) when the thread ends.
    stopped: Option<oneshot::Receiver<()>>,
}

impl<W: Write + Send + 'static> Shower<W> {
    /// Start a thread that shows events as `view` says, on `out`.
    pub fn start(view: ListenView, out: W) -> io::Result<Shower<W>> {
        let (to_thread, events) = sync_channel::<Vec<Arc<Event>>>(IN_FLIGHT);
        let (alive, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("wl-hook-output".into())
            .spawn(move || {
                // Dropped when the thread ends, however it ends: that wakes `failed`.
                let _alive = alive;
                show_all(view, &events, out)
            })?;
        Ok(Shower {
            to_thread: Some(to_thread),
            thread: Some(thread),
            stopped: Some(stopped),
        })
    }

    /// Hand `events` to the thread; the thread's error if it has stopped.
    pub fn show(&mut self, events: Vec<Arc<Event>>) -> io::Result<()> {
        match self.to_thread.as_ref().map(|t| t.send(events)) {
            Some(Ok(())) => Ok(()),
            _ => Err(self.failure()),
        }
    }

    /// Resolves if the thread ends before [`finish`](Self::finish): its output failed
    /// ([`failure`](Self::failure) says how). Given once; later calls never resolve.
    pub fn failed(&mut self) -> impl Future<Output = ()> + Unpin {
        let stopped = self.stopped.take();
        Box::pin(async move {
            match stopped {
                Some(s) => {
                    let _ = s.await;
                }
                None => std::future::pending().await,
            }
        })
    }

    /// Why the thread stopped early (it waits for the thread to end).
    pub fn failure(&mut self) -> io::Error {
        match self.join() {
            Ok(_) => io::Error::other("the output has stopped"),
            Err(e) => e,
        }
    }

    /// Wait until every event handed over is written; the output back, to write more.
    pub fn finish(mut self) -> io::Result<W> {
        self.join()
    }
}

impl<W> Shower<W> {
    fn join(&mut self) -> io::Result<W> {
        self.to_thread.take();
        let Some(thread) = self.thread.take() else {
            return Err(io::Error::other("the output has stopped"));
        };
        thread
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the output thread panicked")))
    }
}

impl<W> Drop for Shower<W> {
    /// Like `BufWriter`, write what is left; errors can only be seen through `finish`.
    fn drop(&mut self) {
        if self.thread.is_some() {
            let _ = self.join();
        }
    }
}

/// The thread: write each event, flush when none waits; return once the channel is closed.
fn show_all<W: Write>(
    view: ListenView,
    batches: &Receiver<Vec<Arc<Event>>>,
    out: W,
) -> io::Result<W> {
    let mut out = BufWriter::with_capacity(64 * 1024, out);
    while let Ok(first) = batches.recv() {
        let mut batch = first;
        loop {
            for e in &batch {
                view.write_event(&mut out, e)?;
            }
            match batches.try_recv() {
                Ok(next) => batch = next,
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
            }
        }
        out.flush()?;
    }
    out.into_inner().map_err(io::IntoInnerError::into_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::listen::BodyMode;
    use crate::server::receiver::Rejected;
    use std::sync::{Arc, Mutex};

    /// A sink that records each write call, and can be told to fail.
    #[derive(Clone, Default)]
    struct Sink {
        writes: Arc<Mutex<Vec<Vec<u8>>>>,
        fail: bool,
    }

    impl Write for Sink {
        fn write(&mut self, data: &[u8]) -> io::Result<usize> {
            if self.fail {
                return Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"));
            }
            self.writes.lock().unwrap().push(data.to_vec());
            Ok(data.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    const JSON: ListenView = ListenView {
        json: true,
        body: BodyMode::None,
    };

    fn rejected(n: u16) -> Arc<Event> {
        Arc::new(Event::Rejected(Rejected {
            time: "2026-01-02T03:04:05Z".parse().unwrap(),
            remote: "127.0.0.1:9".parse().unwrap(),
            status: Some(n),
            reason: format!("n{n}"),
        }))
    }

    fn statuses(bytes: &[u8]) -> Vec<u64> {
        String::from_utf8_lossy(bytes)
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["status"]
                    .as_u64()
                    .unwrap()
            })
            .collect()
    }

    #[test]
    fn events_are_written_in_order_and_at_once() {
        let sink = Sink::default();
        let mut s = Shower::start(JSON, sink.clone()).unwrap();
        s.show(vec![rejected(1)]).unwrap();
        // Written while the run goes on, not when it ends.
        let mut seen = Vec::new();
        for _ in 0..500 {
            seen = sink.writes.lock().unwrap().concat();
            if !seen.is_empty() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        assert_eq!(statuses(&seen), [1]);
        for n in (2..600).step_by(3) {
            s.show(vec![rejected(n), rejected(n + 1), rejected(n + 2)])
                .unwrap();
        }
        let mut back = s.finish().unwrap();
        back.write_all(b"").unwrap();
        let all = sink.writes.lock().unwrap().concat();
        assert_eq!(statuses(&all), (1..602).collect::<Vec<u64>>());
    }

    /// The failure signal resolves as soon as a write fails, and later calls say why.
    #[test]
    fn a_failed_write_is_signalled_and_reported() {
        let sink = Sink {
            fail: true,
            ..Sink::default()
        };
        let mut s = Shower::start(JSON, sink).unwrap();
        let failed = s.failed();
        s.show(vec![rejected(1)]).unwrap();
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
            .block_on(async {
                tokio::time::timeout(std::time::Duration::from_secs(10), failed)
                    .await
                    .expect("the failure signal")
            });
        assert_eq!(s.failure().kind(), io::ErrorKind::BrokenPipe);
        assert!(s.show(vec![rejected(2)]).is_err());
        assert!(s.finish().is_err());
    }
}
