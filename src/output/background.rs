//! listen's lines, formatted and written by a thread of their own. listen serves every
//! connection on one thread; turning each event into its line (the JSON or the readable block)
//! and writing it runs here instead, on the other core. Kept because it earns its keep: see
//! "Machinery kept or removed" in BENCHMARKS.md.
//!
//! Events are handed over in batches (those that wait together: one wake-up of the thread per
//! batch, not per event) and shown in order; the output is flushed whenever no more wait.
//! Handing over never waits: a terminal that is paused or a pipe nobody reads must not stop
//! the receiver from answering. Up to [`QUEUE_BYTES`] of events wait for a slow output; beyond
//! that their lines are dropped, counted, and announced by a "dropped" line once the output
//! moves again. A write error stops the thread; [`Shower::failed`] resolves at once, and the
//! next call returns the error.

use std::future::Future;
use std::io::{self, BufWriter, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender, TryRecvError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use crate::output::listen::ListenView;
use crate::server::receiver::Event;

/// How much may wait for a slow output: the events' bodies, plus [`EVENT_COST`] each.
pub const QUEUE_BYTES: usize = 64 * 1024 * 1024;

/// What an event costs in the queue besides its body.
const EVENT_COST: usize = 1024;

fn cost(events: &[Arc<Event>]) -> usize {
    events.iter().map(|e| e.body_len() + EVENT_COST).sum()
}

/// Events handed over together, after `dropped_before` events whose lines were dropped.
struct Batch {
    dropped_before: u64,
    events: Vec<Arc<Event>>,
}

/// The output thread of one listen run, writing to `W`.
pub struct Shower<W> {
    to_thread: Option<Sender<Batch>>,
    thread: Option<JoinHandle<io::Result<W>>>,
    /// Resolves (with an error) when the thread ends.
    stopped: Option<oneshot::Receiver<()>>,
    /// What waits for the thread, in [`cost`].
    queued: Arc<AtomicUsize>,
    /// How much may wait.
    budget: usize,
    /// Events dropped since the last batch handed over.
    dropped_pending: u64,
    /// Events dropped in all.
    dropped: u64,
}

/// How [`Shower::finish`] ended.
pub enum Finished<W> {
    /// Every line is written: the output back, to write more.
    Done(W),
    /// The output did not take the lines in time (nobody reads it); its thread is left behind.
    Stuck,
}

impl<W: Write + Send + 'static> Shower<W> {
    /// Start a thread that shows events as `view` says, on `out`.
    pub fn start(view: ListenView, out: W) -> io::Result<Shower<W>> {
        Shower::with_budget(view, out, QUEUE_BYTES)
    }

    /// [`start`](Self::start), with `budget` bytes allowed to wait instead of [`QUEUE_BYTES`].
    fn with_budget(view: ListenView, out: W, budget: usize) -> io::Result<Shower<W>> {
        let (to_thread, batches) = channel::<Batch>();
        let (alive, stopped) = oneshot::channel::<()>();
        let queued = Arc::new(AtomicUsize::new(0));
        let written = queued.clone();
        let thread = std::thread::Builder::new()
            .name("wl-hook-output".into())
            .spawn(move || {
                // Dropped when the thread ends, however it ends: that wakes `failed`.
                let _alive = alive;
                show_all(view, &batches, &written, out)
            })?;
        Ok(Shower {
            to_thread: Some(to_thread),
            thread: Some(thread),
            stopped: Some(stopped),
            queued,
            budget,
            dropped_pending: 0,
            dropped: 0,
        })
    }

    /// Hand `events` to the thread without waiting; when too much already waits for a slow
    /// output, their lines are dropped and counted instead. The thread's error if it has
    /// stopped.
    pub fn show(&mut self, events: Vec<Arc<Event>>) -> io::Result<()> {
        let cost = cost(&events);
        let waiting = self.queued.load(Ordering::Acquire);
        if waiting > 0 && waiting + cost > self.budget {
            let n = events.len() as u64;
            self.dropped_pending += n;
            self.dropped += n;
            return Ok(());
        }
        self.queued.fetch_add(cost, Ordering::AcqRel);
        let batch = Batch {
            dropped_before: std::mem::take(&mut self.dropped_pending),
            events,
        };
        match self.to_thread.as_ref().map(|t| t.send(batch)) {
            Some(Ok(())) => Ok(()),
            _ => Err(self.failure()),
        }
    }

    /// Events whose lines were dropped so far.
    pub fn dropped(&self) -> u64 {
        self.dropped
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

    /// Wait until every event handed over is written (with a last "dropped" line if events
    /// were dropped since the last one), but not past `deadline`: an output nobody reads must
    /// not keep listen from stopping.
    pub fn finish(mut self, deadline: Instant) -> io::Result<Finished<W>> {
        if self.dropped_pending > 0 {
            let batch = Batch {
                dropped_before: std::mem::take(&mut self.dropped_pending),
                events: Vec::new(),
            };
            if let Some(t) = &self.to_thread {
                let _ = t.send(batch);
            }
        }
        self.to_thread.take();
        while self.thread.as_ref().is_some_and(|t| !t.is_finished()) {
            if Instant::now() >= deadline {
                // Detached: it ends with the process.
                self.thread.take();
                return Ok(Finished::Stuck);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        self.join().map(Finished::Done)
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

/// The thread: write each batch (after a "dropped" line when events before it were dropped),
/// flush when none waits; return once the channel is closed.
fn show_all<W: Write>(
    view: ListenView,
    batches: &Receiver<Batch>,
    queued: &AtomicUsize,
    out: W,
) -> io::Result<W> {
    let mut out = BufWriter::with_capacity(64 * 1024, out);
    while let Ok(first) = batches.recv() {
        let mut batch = first;
        loop {
            if batch.dropped_before > 0 {
                view.write_dropped(&mut out, batch.dropped_before)?;
            }
            for e in &batch.events {
                view.write_event(&mut out, e)?;
            }
            queued.fetch_sub(cost(&batch.events), Ordering::AcqRel);
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
    use crate::output::testing::Sink;
    use crate::server::receiver::Rejected;
    use std::sync::{Arc, Mutex};

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

    fn far() -> Instant {
        Instant::now() + Duration::from_secs(60)
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
        let Ok(Finished::Done(mut back)) = s.finish(far()) else {
            panic!("not finished")
        };
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
        assert!(s.finish(far()).is_err());
    }

    /// An output that takes nothing until it is opened, like a pipe nobody reads.
    #[derive(Clone, Default)]
    struct Gate {
        open: Arc<(Mutex<bool>, std::sync::Condvar)>,
        written: Arc<Mutex<Vec<u8>>>,
    }

    impl Gate {
        fn open(&self) {
            *self.open.0.lock().unwrap() = true;
            self.open.1.notify_all();
        }
    }

    impl Write for Gate {
        fn write(&mut self, data: &[u8]) -> io::Result<usize> {
            let mut open = self.open.0.lock().unwrap();
            while !*open {
                open = self.open.1.wait(open).unwrap();
            }
            self.written.lock().unwrap().extend_from_slice(data);
            Ok(data.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// A stuck output never makes `show` wait: what does not fit is dropped and counted, said
    /// so once the output moves again; `finish` gives up at its deadline.
    #[test]
    fn a_stuck_output_drops_lines_instead_of_waiting() {
        let gate = Gate::default();
        // Room for 10 events.
        // Room for 10 events; the rest of 2,000 (beyond what the thread's buffer holds) wait
        // on nothing.
        let mut s = Shower::with_budget(JSON, gate.clone(), 10 * EVENT_COST).unwrap();
        for n in 1..=2000 {
            // Returns at once: a blocking hand-over would hang this test.
            s.show(vec![rejected(n)]).unwrap();
        }
        assert!(s.dropped() > 1000, "{}", s.dropped());
        let gave_up = s.finish(Instant::now() + Duration::from_millis(50));
        assert!(matches!(gave_up, Ok(Finished::Stuck)));
        gate.open();

        // Once the output moves, the lines that waited come out, and the count of the others.
        let gate = Gate::default();
        let mut s = Shower::with_budget(JSON, gate.clone(), 10 * EVENT_COST).unwrap();
        for n in 1..=2000 {
            s.show(vec![rejected(n)]).unwrap();
        }
        let dropped = s.dropped();
        assert!(dropped > 1000, "{dropped}");
        gate.open();
        let Ok(Finished::Done(_)) = s.finish(far()) else {
            panic!("not finished")
        };
        let text = String::from_utf8(gate.written.lock().unwrap().clone()).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let shown = lines.iter().filter(|l| l["type"] == "rejected").count() as u64;
        let note: u64 = lines
            .iter()
            .filter(|l| l["type"] == "dropped")
            .map(|l| l["events"].as_u64().unwrap())
            .sum();
        assert_eq!(shown + note, 2000, "{text}");
        assert_eq!(note, dropped, "{text}");
    }
}
