//! Output written by a thread of its own. `listen` serves every connection on one thread, and
//! writing its lines to a file or pipe (a system call that copies them into the page cache) took
//! about a tenth of that thread's time under load (`bench/profile.sh listen`). Here the lines are
//! gathered in memory, and each flush hands the gathered buffer to a writer thread; the network
//! thread goes on at once.
//!
//! What a flush hands over is written at once, in order. A write error is reported by the next
//! write or flush and by [`BackgroundWriter::finish`]. The buffers in flight are bounded: when
//! the output is slower than the lines (a pipe nobody reads), a flush waits, as a plain write
//! would.

use std::io::{self, Write};
use std::sync::mpsc::{self, Receiver, SyncSender, TryRecvError};
use std::thread::JoinHandle;

/// Buffers handed over and not yet written, at most.
const IN_FLIGHT: usize = 4;
/// A buffer this full is handed over without waiting for a flush.
const HAND_OVER_AT: usize = 1 << 20;
/// The capacity of a new buffer.
const CAPACITY: usize = 64 * 1024;

pub struct BackgroundWriter {
    buf: Vec<u8>,
    to_thread: Option<SyncSender<Vec<u8>>>,
    /// Written buffers coming back for reuse, or the error that stopped the thread.
    back: Receiver<io::Result<Vec<u8>>>,
    spare: Vec<Vec<u8>>,
    thread: Option<JoinHandle<()>>,
    /// The error that stopped the thread, repeated to every later call.
    failed: Option<(io::ErrorKind, String)>,
}

impl BackgroundWriter {
    /// Start a thread that writes to `out`.
    pub fn new<W: Write + Send + 'static>(mut out: W) -> io::Result<BackgroundWriter> {
        let (to_thread, from_main) = mpsc::sync_channel::<Vec<u8>>(IN_FLIGHT);
        let (to_main, back) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("wl-hook-output".into())
            .spawn(move || {
                for mut buf in from_main {
                    if let Err(e) = out.write_all(&buf).and_then(|()| out.flush()) {
                        let _ = to_main.send(Err(e));
                        return;
                    }
                    buf.clear();
                    let _ = to_main.send(Ok(buf));
                }
            })?;
        Ok(BackgroundWriter {
            buf: Vec::with_capacity(CAPACITY),
            to_thread: Some(to_thread),
            back,
            spare: Vec::new(),
            thread: Some(thread),
            failed: None,
        })
    }

    /// Collect the buffers the thread is done with; its error, if it stopped on one.
    fn collect(&mut self) -> io::Result<()> {
        loop {
            match self.back.try_recv() {
                Ok(Ok(buf)) => self.spare.push(buf),
                Ok(Err(e)) => {
                    self.failed = Some((e.kind(), e.to_string()));
                    return Err(e);
                }
                Err(TryRecvError::Empty) => return Ok(()),
                // The thread stopped on an error reported before.
                Err(TryRecvError::Disconnected) => return self.check(),
            }
        }
    }

    fn check(&self) -> io::Result<()> {
        match &self.failed {
            Some((kind, text)) => Err(io::Error::new(*kind, text.clone())),
            None => Ok(()),
        }
    }

    fn hand_over(&mut self) -> io::Result<()> {
        self.collect()?;
        if self.buf.is_empty() {
            return Ok(());
        }
        let next = self
            .spare
            .pop()
            .unwrap_or_else(|| Vec::with_capacity(CAPACITY));
        let full = std::mem::replace(&mut self.buf, next);
        let sent = self.to_thread.as_ref().map(|t| t.send(full));
        match sent {
            Some(Ok(())) => Ok(()),
            // The thread is gone: it stopped on an error, which `collect` now has.
            _ => {
                self.collect()?;
                self.check()?;
                Err(io::Error::other("the output thread has stopped"))
            }
        }
    }

    /// Hand over what is left, wait until all of it is written, and stop the thread.
    pub fn finish(mut self) -> io::Result<()> {
        self.stop()
    }

    fn stop(&mut self) -> io::Result<()> {
        let handed = self.hand_over();
        self.to_thread.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let collected = self.collect();
        handed.and(collected).and_then(|()| self.check())
    }
}

impl Write for BackgroundWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.check()?;
        self.buf.extend_from_slice(data);
        if self.buf.len() >= HAND_OVER_AT {
            self.hand_over()?;
        }
        Ok(data.len())
    }

    /// Hand the gathered lines to the writer thread, which writes them at once.
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
