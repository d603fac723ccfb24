//! Lines formatted where they are made and written by a thread of their own. `send` formats
//! each delivery's line on the thread that delivers (where the record is still in the cache,
//! and is freed by the thread that allocated it) into a [`Handover`], and hands what waits to
//! the writer thread a few hundred times a second at most: a slow reader of stdout (`| less`,
//! a full pipe) then holds up that thread only, never a delivery.

use std::io::{self, Write};
use std::sync::mpsc::{channel, Sender};
use std::thread::JoinHandle;

/// The formatting side: a [`Write`] that keeps what is written until
/// [`hand_over`](Handover::hand_over) (or until it is dropped, which hands over the rest and
/// lets the writer thread end). `flush` does nothing: the caller decides when to hand over.
pub struct Handover {
    waiting: Vec<u8>,
    to_writer: Sender<Vec<u8>>,
}

/// The writer thread; [`Writer::finish`] waits for it and gives its error.
pub struct Writer(JoinHandle<io::Result<()>>);

/// Start a thread writing to `out` whatever the returned [`Handover`] hands over, in order,
/// flushing after each part.
pub fn start<W: Write + Send + 'static>(mut out: W) -> io::Result<(Handover, Writer)> {
    let (to_writer, parts) = channel::<Vec<u8>>();
    let thread = std::thread::Builder::new()
        .name("wl-hook-output".into())
        .spawn(move || {
            for part in parts {
                out.write_all(&part)?;
                out.flush()?;
            }
            Ok(())
        })?;
    let handover = Handover {
        waiting: Vec::new(),
        to_writer,
    };
    Ok((handover, Writer(thread)))
}

impl Handover {
    /// How many bytes wait to be handed over.
    pub fn waiting(&self) -> usize {
        self.waiting.len()
    }

    /// Hand what waits to the writer thread. An error when that thread has stopped (its
    /// output failed: [`Writer::finish`] says how).
    pub fn hand_over(&mut self) -> io::Result<()> {
        if self.waiting.is_empty() {
            return Ok(());
        }
        self.to_writer
            .send(std::mem::take(&mut self.waiting))
            .map_err(|_| io::Error::other("the output has stopped"))
    }
}

impl Write for Handover {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.waiting.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for Handover {
    fn drop(&mut self) {
        // Gone only when the writer has stopped; its error is what finish gives.
        let _ = self.hand_over();
    }
}

impl Writer {
    /// Wait until everything handed over is written (the [`Handover`] must be dropped first),
    /// or the output failed: its error.
    pub fn finish(self) -> io::Result<()> {
        self.0
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the output thread panicked")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::testing::Sink;

    #[test]
    fn parts_are_written_in_order_and_only_when_handed_over() {
        let sink = Sink::default();
        let (mut h, writer) = start(sink.clone()).unwrap();
        writeln!(h, "one").unwrap();
        writeln!(h, "two").unwrap();
        h.flush().unwrap();
        assert_eq!(h.waiting(), 8);
        h.hand_over().unwrap();
        assert_eq!(h.waiting(), 0);
        // Nothing waits: nothing is handed over.
        h.hand_over().unwrap();
        writeln!(h, "three").unwrap();
        // Dropping hands over the rest.
        drop(h);
        writer.finish().unwrap();
        let writes = sink.writes.lock().unwrap().clone();
        assert_eq!(writes, [b"one\ntwo\n".to_vec(), b"three\n".to_vec()]);
    }

    #[test]
    fn a_failed_output_stops_the_hand_over_and_gives_its_error() {
        let sink = Sink {
            fail: true,
            ..Sink::default()
        };
        let (mut h, writer) = start(sink).unwrap();
        writeln!(h, "lost").unwrap();
        h.hand_over().unwrap();
        // The thread stops at its first write; a later hand-over fails.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            writeln!(h, "more").unwrap();
            if h.hand_over().is_err() {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "still taking parts");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        drop(h);
        let e = writer.finish().unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::BrokenPipe);
    }
}
