//! Where `verify`, `replay` and `fixtures import` inputs come from: the names on the command
//! line expanded (a folder gives its captures) before anything is read, each read only when its
//! turn comes, whole and with a bound, so that a run holds one input in memory at a time.

use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest input read: a regular file over it is refused unread, and a stream (stdin, a
/// device, a pipe) is read no further than it.
pub const MAX_INPUT: u64 = 512 * 1024 * 1024;

/// How much of a stream or a large file is read first, to refuse what is not an input at all
/// (`/dev/zero`, an image) without reading the rest.
const HEAD: usize = 64 * 1024;

/// Files from this size on are read in parts by several threads at once (and looked at
/// before that, see [`HEAD`]).
const PARALLEL_READ_FROM: u64 = 16 * 1024 * 1024;

/// One input named on the command line (or found in a folder), read only when asked.
#[derive(Debug, Clone)]
pub struct Input {
    pub name: String,
    source: Source,
}

#[derive(Debug, Clone)]
enum Source {
    Stdin,
    File(PathBuf),
    /// Known to be unreadable before reading (an empty or unreadable folder).
    Error(String),
}

impl Input {
    /// The input's bytes, or why they cannot be read, in words (for an input that is plainly
    /// not a request, the same words as [`super::parse_bytes`]'s).
    pub fn read(&self) -> Result<Vec<u8>, String> {
        self.open()?.read()
    }

    /// Open the input, learning its size when it is a regular file; nothing is read yet.
    pub fn open(&self) -> Result<Opened<'_>, String> {
        let cannot = |e: std::io::Error| format!("cannot read: {e}");
        match &self.source {
            Source::Stdin => Ok(Opened {
                input: self,
                file: None,
                len: None,
            }),
            Source::File(path) => {
                let file = std::fs::File::open(path).map_err(cannot)?;
                let meta = file.metadata().map_err(cannot)?;
                let len = meta.is_file().then_some(meta.len());
                if len.is_some_and(|n| n > MAX_INPUT) {
                    return Err(cannot(too_large()));
                }
                Ok(Opened {
                    input: self,
                    file: Some(file),
                    len,
                })
            }
            Source::Error(e) => Err(e.clone()),
        }
    }

    /// The file this input is read from, if it is one (not stdin).
    pub fn path(&self) -> Option<&Path> {
        match &self.source {
            Source::File(p) => Some(p),
            _ => None,
        }
    }
}

/// An input opened and not yet read.
pub struct Opened<'a> {
    input: &'a Input,
    /// `None` for stdin.
    file: Option<std::fs::File>,
    /// The size of a regular file; `None` for a stream.
    len: Option<u64>,
}

impl Opened<'_> {
    /// The size of a regular file (a stream's size is unknown until it is read).
    pub fn size(&self) -> Option<u64> {
        self.len
    }

    /// Read the whole input: a regular file as the size it has, a stream up to [`MAX_INPUT`].
    /// A stream or a large file that does not start like an input is refused after its first
    /// [`HEAD`] bytes.
    pub fn read(self) -> Result<Vec<u8>, String> {
        let name = &self.input.name;
        match (self.file, self.len) {
            (None, _) => read_stream(name, std::io::stdin().lock())
                .map_err(|e| e.unwrap_or_else(|e| format!("cannot read stdin: {e}"))),
            (Some(file), None) => read_stream(name, file)
                .map_err(|e| e.unwrap_or_else(|e| format!("cannot read: {e}"))),
            (Some(file), Some(len)) => read_regular(name, &file, len)
                .map_err(|e| e.unwrap_or_else(|e| format!("cannot read: {e}"))),
        }
    }
}

/// Why a read stopped: `Ok(words)` when the input was refused for what it holds, `Err` when
/// reading failed.
type Stopped = Result<String, std::io::Error>;

/// A stream read to its end; refused once it passes [`MAX_INPUT`], or after its head when that
/// is plainly not an input.
fn read_stream(name: &str, reader: impl Read) -> Result<Vec<u8>, Stopped> {
    let mut reader = reader.take(MAX_INPUT + 1);
    let mut bytes = Vec::new();
    (&mut reader)
        .take(HEAD as u64)
        .read_to_end(&mut bytes)
        .map_err(Err)?;
    if let Some(e) = super::refuse_early(name, &bytes) {
        return Err(Ok(e.to_string()));
    }
    reader.read_to_end(&mut bytes).map_err(Err)?;
    if bytes.len() as u64 > MAX_INPUT {
        return Err(Err(too_large()));
    }
    Ok(bytes)
}

fn too_large() -> std::io::Error {
    std::io::Error::other(format!(
        "over {} MiB, more than any webhook request; give a capture or an HTTP dump",
        MAX_INPUT >> 20
    ))
}

/// Expand inputs: `-` is stdin, a folder gives its `*.json` and `*.http` files sorted by name,
/// anything else is a file. Nothing is read yet; an unreadable folder is kept with its error,
/// so a caller can report every input.
pub fn inputs(specs: &[String]) -> Vec<Input> {
    let mut out = Vec::new();
    for spec in specs {
        let path = Path::new(spec);
        if spec == "-" {
            out.push(Input {
                name: "-".into(),
                source: Source::Stdin,
            });
        } else if path.is_dir() {
            let error = |e: String| Input {
                name: spec.clone(),
                source: Source::Error(e),
            };
            match list_folder(path) {
                Ok(files) if files.is_empty() => {
                    out.push(error("the folder has no *.json or *.http files".into()))
                }
                Ok(files) => out.extend(files.into_iter().map(|f| Input {
                    name: f.display().to_string(),
                    source: Source::File(f),
                })),
                Err(e) => out.push(error(format!("cannot read the folder: {e}"))),
            }
        } else {
            out.push(Input {
                name: spec.clone(),
                source: Source::File(path.to_path_buf()),
            });
        }
    }
    out
}

/// The `*.json` and `*.http` files of a folder (symbolic links to files included), sorted by
/// name. The entry's own type answers "is it a file" without a `stat` per entry, which for a
/// folder of 10,000 captures was a tenth of `verify`'s time.
fn list_folder(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path)? {
        let Ok(entry) = entry else { continue };
        let name = entry.file_name();
        let name = Path::new(&name);
        if !name.extension().is_some_and(|x| x == "json" || x == "http") {
            continue;
        }
        let is_file = match entry.file_type() {
            Ok(t) if t.is_symlink() => entry.path().is_file(),
            Ok(t) => t.is_file(),
            Err(_) => entry.path().is_file(),
        };
        if is_file {
            files.push(entry.path());
        }
    }
    files.sort();
    Ok(files)
}

/// Read a whole regular file of `len` bytes (as it is when read: it may have changed since).
/// A large one is first looked at ([`HEAD`] bytes) and then read in parts on every core at
/// once: most of the time goes into the kernel faulting in and zeroing the fresh buffer
/// (measured: a 64 MiB file took 40-70 ms on one core here, at about 1.5 GB/s), and that work
/// divides among the cores.
fn read_regular(name: &str, file: &std::fs::File, len: u64) -> Result<Vec<u8>, Stopped> {
    let large = len >= PARALLEL_READ_FROM;
    // Asked only for a large file: on Linux the answer takes reading three cgroup files.
    let threads = if large {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
    } else {
        1
    };
    if large {
        if let Some(e) = refuse_by_head(name, file, len).map_err(Err)? {
            return Err(Ok(e));
        }
        rewind(file).map_err(Err)?;
    }
    if !large || threads < 2 || cfg!(not(unix)) {
        let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
        file.take(MAX_INPUT + 1)
            .read_to_end(&mut bytes)
            .map_err(Err)?;
        if bytes.len() as u64 > MAX_INPUT {
            return Err(Err(too_large()));
        }
        return Ok(bytes);
    }
    match read_in_parts(file, len, threads) {
        // The file shrank while it was read: read it again the plain way.
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            let mut bytes = Vec::new();
            rewind(file).map_err(Err)?;
            file.take(MAX_INPUT + 1)
                .read_to_end(&mut bytes)
                .map_err(Err)?;
            Ok(bytes)
        }
        other => other.map_err(Err),
    }
}

fn rewind(mut file: &std::fs::File) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom};
    file.seek(SeekFrom::Start(0)).map(|_| ())
}

/// The words refusing a file from its first [`HEAD`] bytes, when they settle it.
fn refuse_by_head(name: &str, file: &std::fs::File, len: u64) -> std::io::Result<Option<String>> {
    let mut head = Vec::with_capacity(HEAD);
    file.take(len.min(HEAD as u64)).read_to_end(&mut head)?;
    Ok(super::refuse_early(name, &head).map(|e| e.to_string()))
}

/// Read `file`, expected to be `len` bytes long, in `threads` parts at once; then whatever it
/// grew by since, up to [`MAX_INPUT`]. `UnexpectedEof` when it is shorter than `len`.
#[cfg(unix)]
fn read_in_parts(file: &std::fs::File, len: u64, threads: usize) -> std::io::Result<Vec<u8>> {
    use std::io::{Seek, SeekFrom};
    use std::os::unix::fs::FileExt;
    let size = usize::try_from(len).map_err(std::io::Error::other)?;
    let mut bytes = vec![0u8; size];
    let part = size.div_ceil(threads.max(1)).max(1);
    std::thread::scope(|s| {
        let readers: Vec<_> = bytes
            .chunks_mut(part)
            .enumerate()
            .map(|(i, chunk)| s.spawn(move || file.read_exact_at(chunk, (i * part) as u64)))
            .collect();
        readers.into_iter().try_for_each(|r| {
            r.join()
                .unwrap_or_else(|_| Err(std::io::Error::other("reader failed")))
        })
    })?;
    let mut rest = file;
    rest.seek(SeekFrom::Start(len))?;
    rest.take(MAX_INPUT + 1 - len.min(MAX_INPUT))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_INPUT {
        return Err(too_large());
    }
    Ok(bytes)
}

#[cfg(not(unix))]
fn read_in_parts(_: &std::fs::File, _: u64, _: usize) -> std::io::Result<Vec<u8>> {
    unreachable!("only unix reads in parts")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_input(p: &Path) -> Input {
        inputs(&[p.display().to_string()]).remove(0)
    }

    #[test]
    fn large_files_read_in_parts_are_exact() {
        let dir = tempfile::tempdir().unwrap();
        // Sizes around the threshold, and one that does not divide evenly among the threads.
        for len in [
            10,
            PARALLEL_READ_FROM as usize - 1,
            PARALLEL_READ_FROM as usize + 7,
        ] {
            let mut bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            bytes[0] = b'{';
            let p = dir.path().join(format!("f{len}.json"));
            std::fs::write(&p, &bytes).unwrap();
            assert!(file_input(&p).read().unwrap() == bytes, "{len} bytes");
        }
        let missing = file_input(&dir.path().join("missing")).read().unwrap_err();
        assert!(missing.starts_with("cannot read: "), "{missing}");
    }

    #[cfg(unix)]
    #[test]
    fn a_file_that_changed_size_is_read_as_it_is_now() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        let bytes: Vec<u8> = (0..100_003u32).map(|i| (i % 253) as u8).collect();
        std::fs::write(&p, &bytes).unwrap();
        let file = std::fs::File::open(&p).unwrap();
        // Grown since its size was taken: the rest is read too.
        assert!(read_in_parts(&file, 90_000, 3).unwrap() == bytes);
        // Shrunk: refused, so that read_regular reads it again.
        let err = read_in_parts(&file, 100_010, 3).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
    }

    #[test]
    fn a_large_file_that_is_no_input_is_refused_from_its_head() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("zeros.json");
        // Sparse: nothing is written, and only the head may be read.
        let f = std::fs::File::create(&p).unwrap();
        f.set_len(MAX_INPUT).unwrap();
        let e = file_input(&p).read().unwrap_err();
        assert_eq!(
            e,
            "not a capture, raw HTTP request or loose JSON form (starts with bytes 0x00 0x00 0x00 0x00...)"
        );
    }

    #[test]
    fn folders_list_their_captures_sorted_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.json", "a.http", "c.txt", "d.JSON"] {
            std::fs::write(dir.path().join(name), "{}").unwrap();
        }
        std::fs::create_dir(dir.path().join("sub.json")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path().join("b.json"), dir.path().join("l.json")).unwrap();
        let names: Vec<String> = inputs(&[dir.path().display().to_string()])
            .iter()
            .map(|i| {
                Path::new(&i.name)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        #[cfg(unix)]
        assert_eq!(names, ["a.http", "b.json", "l.json"]);
        #[cfg(not(unix))]
        assert_eq!(names, ["a.http", "b.json"]);
    }
}
