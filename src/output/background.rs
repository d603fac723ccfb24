//! Output written by a thread of its own. `listen` serves every connection on one thread, and
//! formatting its lines and writing them to a file or pipe (a system call that copies them into
//! the page cache) took about a sixth of that thread's time under load
//! (`bench/profile.sh listen`). Here text is gathered in memory and events are gathered as they
//! are; each flush hands the batch to a writer thread, which formats and writes it while the
//! network thread goes on.
//!
//! What a flush hands over is written at once, in order. A write error is reported by the next
//! call, by [`BackgroundWriter::finish`], and at once to whoever awaits
//! [`BackgroundWriter::stop_signal`] (listen stops on it, as it stopped on a failed write before).
//! The batches in flight are bounded: when the output is slower than the lines (a pipe nobody
//! reads), a flush waits, as a plain write would.

use std::io::{self, Write};
use std::sync::mpsc::{self, Receiver, SyncSender, TryRecvError};
use std::thread::JoinHandle;

use tokio::sync::oneshot;

/// Batches waiting for the writer thread, besides the one it is writing.
const IN_FLIGHT: usize = 4;
/// Text this long is handed over without waiting for a flush.
const HAND_OVER_AT: usize = 1 << 20;
/// The writer thread's buffer: a batch of short lines is one write.
const CAPACITY: usize = 64 * 1024;

/// Something that writes itself on the output thread.
type Deferred = Box<dyn FnOnce(&mut Batch<'_>) -> io::Result<()> + Send>;

/// Where a deferred batch writes: into memory (no call through a trait object per piece), out
/// to the real output when [`Batch::spill_if_full`] finds it full, and the rest at the end.
pub struct Batch<'a> {
    buf: &'a mut Vec<u8>,
    out: &'a mut dyn Write,
}

impl Batch<'_> {
    /// Write out what is gathered once it reaches the buffer's size: call it between items, so
    /// the formatted text of a batch of large items never sits in memory whole.
    pub fn spill_if_full(&mut self) -> io::Result<()> {
        if self.buf.len() >= CAPACITY {
            self.out.write_all(self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }
}

impl Write for Batch<'_> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        self.buf.extend_from_slice(data);
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Work for the writer thread.
enum Job {
    Text(Vec<u8>),
    Deferred(Deferred),
    /// Answer once everything before is written.
    Barrier(SyncSender<()>),
}

pub struct BackgroundWriter {
    text: Vec<u8>,
    to_thread: Option<SyncSender<Job>>,
    /// The error that stopped the thread.
    errors: Receiver<io::Error>,
    thread: Option<JoinHandle<()>>,
    /// Resolves when the thread ends, however it ends.
    stopped: Option<oneshot::Receiver<()>>,
    /// The error that stopped the thread, repeated to every later call.
    failed: Option<(io::ErrorKind, String)>,
}

impl BackgroundWriter {
    /// Start a thread that writes to `out`.
    pub fn new<W: Write + Send + 'static>(out: W) -> io::Result<BackgroundWriter> {
        let (to_thread, jobs) = mpsc::sync_channel::<Job>(IN_FLIGHT);
        let (report, errors) = mpsc::channel();
        let (alive, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("wl-hook-output".into())
            .spawn(move || {
                // Dropped when this thread ends, last: after `report`, so that whoever the
                // signal wakes finds the error, or the channel closed.
                let _alive = alive;
                let report = report;
                let mut out = out;
                let mut buf = Vec::with_capacity(CAPACITY);
                for job in jobs {
                    let written = match job {
                        Job::Text(text) => out.write_all(&text),
                        Job::Deferred(write) => {
                            buf.clear();
                            let mut batch = Batch {
                                buf: &mut buf,
                                out: &mut out,
                            };
                            let written = write(&mut batch).and_then(|()| out.write_all(&buf));
                            if buf.capacity() > 16 * CAPACITY {
                                // One huge item: do not keep its memory.
                                buf = Vec::with_capacity(CAPACITY);
                            }
                            written
                        }
                        Job::Barrier(done) => {
                            let _ = done.send(());
                            continue;
                        }
                    };
                    if let Err(e) = written.and_then(|()| out.flush()) {
                        let _ = report.send(e);
                        return;
                    }
                }
            })?;
        Ok(BackgroundWriter {
            text: Vec::new(),
            to_thread: Some(to_thread),
            errors,
            thread: Some(thread),
            stopped: Some(stopped),
            failed: None,
        })
    }

    /// Hand `write` to the thread, after the text gathered so far; it runs there, and what it
    /// wrote is flushed at once.
    pub fn defer(
        &mut self,
        write: impl FnOnce(&mut Batch<'_>) -> io::Result<()> + Send + 'static,
    ) -> io::Result<()> {
        self.hand_over()?;
        self.send(Job::Deferred(Box::new(write)))
    }

    /// Hand over the text gathered so far and wait until everything handed over is written.
    pub fn sync(&mut self) -> io::Result<()> {
        self.hand_over()?;
        let (done, written) = mpsc::sync_channel(1);
        self.send(Job::Barrier(done))?;
        match written.recv() {
            Ok(()) => Ok(()),
            Err(_) => Err(self.failure()),
        }
    }

    /// A future that resolves if the writer thread ends before [`finish`](Self::finish): its
    /// output failed ([`failure`](Self::failure) says how). Given once.
    pub fn stop_signal(&mut self) -> impl std::future::Future<Output = ()> + Unpin {
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

    /// Why the thread stopped (call it once it has: it waits for the thread to end).
    pub fn failure(&mut self) -> io::Error {
        if self.check().is_ok() {
            // The thread is ending: once it has, what it reported is in.
            self.join();
        }
        self.check()
            .err()
            .unwrap_or_else(|| io::Error::other("the output thread stopped"))
    }

    fn join(&mut self) {
        if let Some(t) = self.thread.take() {
            if t.join().is_err() && self.failed.is_none() {
                self.failed = Some((io::ErrorKind::Other, "the output thread panicked".into()));
            }
        }
    }

    /// The error that stopped the thread, if it did.
    fn check(&mut self) -> io::Result<()> {
        if self.failed.is_none() {
            match self.errors.try_recv() {
                Ok(e) => {
                    self.failed = Some((e.kind(), e.to_string()));
                    return Err(e);
                }
                // The thread ended without an error while it should still run: it panicked.
                Err(TryRecvError::Disconnected) if self.to_thread.is_some() => {
                    self.failed = Some((
                        io::ErrorKind::Other,
                        "the output thread stopped unexpectedly".into(),
                    ));
                }
                Err(_) => {}
            }
        }
        match &self.failed {
            Some((kind, text)) => Err(io::Error::new(*kind, text.clone())),
            None => Ok(()),
        }
    }

    fn send(&mut self, job: Job) -> io::Result<()> {
        self.check()?;
        let sent = self.to_thread.as_ref().map(|t| t.send(job));
        match sent {
            Some(Ok(())) => Ok(()),
            // The thread is gone: `failure` finds out why.
            _ => Err(self.failure()),
        }
    }

    fn hand_over(&mut self) -> io::Result<()> {
        if self.text.is_empty() {
            return self.check();
        }
        let text = std::mem::take(&mut self.text);
        self.send(Job::Text(text))
    }

    /// Hand over what is left, wait until all of it is written, and stop the thread.
    pub fn finish(mut self) -> io::Result<()> {
        self.stop()
    }

    fn stop(&mut self) -> io::Result<()> {
        let handed = self.hand_over();
        self.to_thread.take();
        self.join();
        handed.and_then(|()| self.check())
    }
}

impl Write for BackgroundWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.check()?;
        self.text.extend_from_slice(data);
        if self.text.len() >= HAND_OVER_AT {
            self.hand_over()?;
        }
        Ok(data.len())
    }

    /// Hand the gathered text to the writer thread, which writes it at once.
    fn flush(&mut self) -> io::Result<()> {
        self.hand_over()
    }
}

impl Drop for BackgroundWriter {
    /// Like `BufWriter`, write what is left; errors can only be seen through `finish`.
    fn drop(&mut self) {
        if self.thread.is_some() {
            let _ = self.stop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// A sink that records each write call, and can be told to fail.
    #[derive(Clone, Default)]
    struct Sink {
        writes: Arc<Mutex<Vec<Vec<u8>>>>,
        fail: Arc<Mutex<bool>>,
    }

    impl Write for Sink {
        fn write(&mut self, data: &[u8]) -> io::Result<usize> {
            if *self.fail.lock().unwrap() {
                return Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"));
            }
            self.writes.lock().unwrap().push(data.to_vec());
            Ok(data.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Sink {
        fn all(&self) -> Vec<u8> {
            self.writes.lock().unwrap().concat()
        }
    }

    fn wait_for(sink: &Sink, want: &[u8]) {
        for _ in 0..500 {
            if sink.all() == want {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        panic!(
            "output was {:?}, wanted {:?}",
            String::from_utf8_lossy(&sink.all()),
            String::from_utf8_lossy(want)
        );
    }

    #[test]
    fn a_flush_is_written_at_once_and_in_order() {
        let sink = Sink::default();
        let mut w = BackgroundWriter::new(sink.clone()).unwrap();
        w.write_all(b"one\n").unwrap();
        w.write_all(b"two\n").unwrap();
        assert!(sink.all().is_empty(), "nothing before a flush");
        w.flush().unwrap();
        // One flush, one write call, without waiting for finish.
        wait_for(&sink, b"one\ntwo\n");
        assert_eq!(sink.writes.lock().unwrap().len(), 1);
        for i in 0..1000 {
            writeln!(w, "line {i}").unwrap();
            if i % 7 == 0 {
                w.flush().unwrap();
            }
        }
        w.finish().unwrap();
        let mut want = b"one\ntwo\n".to_vec();
        for i in 0..1000 {
            want.extend_from_slice(format!("line {i}\n").as_bytes());
        }
        assert_eq!(sink.all(), want);
    }

    #[test]
    fn deferred_writes_run_on_the_thread_in_order() {
        let sink = Sink::default();
        let mut w = BackgroundWriter::new(sink.clone()).unwrap();
        let main = std::thread::current().id();
        w.write_all(b"text first\n").unwrap();
        w.defer(move |out| {
            assert_ne!(std::thread::current().id(), main);
            out.write_all(b"then a batch\n")?;
            out.write_all(b"of lines\n")
        })
        .unwrap();
        // Written as one, without waiting for finish.
        wait_for(&sink, b"text first\nthen a batch\nof lines\n");
        assert_eq!(sink.writes.lock().unwrap().len(), 2);
        w.write_all(b"and text again\n").unwrap();
        w.finish().unwrap();
        assert_eq!(
            sink.all(),
            b"text first\nthen a batch\nof lines\nand text again\n"
        );
    }

    #[test]
    fn a_large_burst_is_handed_over_without_a_flush() {
        let sink = Sink::default();
        let mut w = BackgroundWriter::new(sink.clone()).unwrap();
        let line = vec![b'x'; 1000];
        for _ in 0..HAND_OVER_AT / 1000 + 1 {
            w.write_all(&line).unwrap();
        }
        wait_for(&sink, &line.repeat(HAND_OVER_AT / 1000 + 1));
        drop(w);
    }

    #[test]
    fn dropping_writes_what_is_left() {
        let sink = Sink::default();
        let mut w = BackgroundWriter::new(sink.clone()).unwrap();
        w.write_all(b"last\n").unwrap();
        drop(w);
        assert_eq!(sink.all(), b"last\n");
    }

    /// A batch of large items is written out as it goes, never gathered whole.
    #[test]
    fn a_batch_spills_between_items() {
        let sink = Sink::default();
        let mut w = BackgroundWriter::new(sink.clone()).unwrap();
        let item = vec![b'x'; 40_000];
        let items = item.clone();
        w.defer(move |out| {
            (0..10).try_for_each(|_| {
                out.write_all(&items)?;
                out.spill_if_full()
            })
        })
        .unwrap();
        w.finish().unwrap();
        assert_eq!(sink.all(), item.repeat(10));
        let sizes: Vec<usize> = sink.writes.lock().unwrap().iter().map(Vec::len).collect();
        assert!(sizes.len() >= 5, "{sizes:?}");
        assert!(sizes.iter().all(|&n| n < 2 * CAPACITY), "{sizes:?}");
    }

    #[test]
    fn sync_waits_until_everything_is_written() {
        let sink = Sink::default();
        let mut w = BackgroundWriter::new(sink.clone()).unwrap();
        w.defer(|out| {
            std::thread::sleep(std::time::Duration::from_millis(50));
            out.write_all(b"slow batch\n")
        })
        .unwrap();
        w.write_all(b"text\n").unwrap();
        w.sync().unwrap();
        assert_eq!(sink.all(), b"slow batch\ntext\n");
    }

    /// The stop signal resolves as soon as the output fails, with no further call needed.
    #[test]
    fn a_failed_deferred_write_stops_the_thread_and_says_why() {
        let sink = Sink::default();
        *sink.fail.lock().unwrap() = true;
        let mut w = BackgroundWriter::new(sink.clone()).unwrap();
        let stopped = w.stop_signal();
        w.defer(|out| out.write_all(b"lost\n")).unwrap();
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
            .block_on(async {
                tokio::time::timeout(std::time::Duration::from_secs(10), stopped)
                    .await
                    .expect("the stop signal")
            });
        let e = w.failure();
        assert_eq!(e.kind(), io::ErrorKind::BrokenPipe);
        assert!(e.to_string().contains("closed"), "{e}");
        assert!(w.defer(|_| Ok(())).is_err());
        assert!(w.sync().is_err());
        assert_eq!(w.finish().unwrap_err().kind(), io::ErrorKind::BrokenPipe);
    }

    #[test]
    fn a_panicking_batch_is_an_error_not_a_silent_loss() {
        let sink = Sink::default();
        let mut w = BackgroundWriter::new(sink.clone()).unwrap();
        w.defer(|_| panic!("formatting failed")).unwrap();
        // Refused at once if the thread has already gone, else by finish.
        let summary = w.write_all(b"summary\n");
        assert!(summary.is_err() || w.finish().is_err());
    }

    #[test]
    fn a_write_error_reaches_the_caller() {
        let sink = Sink::default();
        *sink.fail.lock().unwrap() = true;
        let mut w = BackgroundWriter::new(sink.clone()).unwrap();
        w.write_all(b"lost\n").unwrap();
        w.flush().unwrap();
        // The thread fails on it; from then on every call says so.
        let mut seen = None;
        for _ in 0..500 {
            if let Err(e) = w.write_all(b"more\n").and_then(|()| w.flush()) {
                seen = Some(e);
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        assert_eq!(seen.expect("an error").kind(), io::ErrorKind::BrokenPipe);
        assert!(w.flush().is_err());
        assert!(w.finish().is_err());
    }
}
