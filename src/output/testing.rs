//! What the output tests share.

use std::io::{self, Write};
use std::sync::{Arc, Mutex};

/// A sink that records each write call, and can be told to fail (as a closed pipe does).
#[derive(Clone, Default)]
pub struct Sink {
    pub writes: Arc<Mutex<Vec<Vec<u8>>>>,
    pub fail: bool,
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
