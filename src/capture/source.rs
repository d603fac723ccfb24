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
        self.read_gated(|_| Some(())).map(|(bytes, _)| bytes)
    }

    /// [`Input::read`], calling `large` with the input's size (`None` for a stream) before
    /// reading past its first [`HEAD`] bytes, and handing back what it returned: a caller can
    /// hold a lock while it has a large input in memory. A small file is read with no more
    /// than opening it, reading it and closing it (not even a `stat`).
    pub fn read_gated<G>(
        &self,
        large: impl FnOnce(Option<u64>) -> Option<G>,
    ) -> Result<(Vec<u8>, Option<G>), String> {
        let name = &self.name;
        match &self.source {
            Source::Stdin => read_from(name, std::io::stdin().lock(), None, large)
                .map_err(|e| e.unwrap_or_else(|e| format!("cannot read stdin: {e}"))),
            Source::File(path) => std::fs::File::open(path)
                .map_err(Err)
                .and_then(|file| read_from(name, &file, Some(&file), large))
                .map_err(|e| e.unwrap_or_else(|e| format!("cannot read: {e}"))),
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

/// Why a read stopped: `Ok(words)` when the input was refused for what it holds, `Err` when
/// reading failed.
type Stopped = Result<String, std::io::Error>;

/// Read an input whole: its first [`HEAD`] bytes, and when there is more, the rest, bounded by
/// [`MAX_INPUT`] (a regular file's size is then known: a file over it is refused unread). An
/// input that is plainly not a request is refused after its head.
fn read_from<G>(
    name: &str,
    reader: impl Read,
    file: Option<&std::fs::File>,
    large: impl FnOnce(Option<u64>) -> Option<G>,
) -> Result<(Vec<u8>, Option<G>), Stopped> {
    let mut reader = reader.take(MAX_INPUT + 1);
    // Room for a whole capture of a few KiB, so that it is read in one call and the next says
    // the end is reached.
    let mut bytes = Vec::with_capacity(16 * 1024);
    (&mut reader)
        .take(HEAD as u64)
        .read_to_end(&mut bytes)
        .map_err(Err)?;
    if bytes.len() < HEAD {
        return Ok((bytes, None));
    }
    if let Some(e) = super::refuse_early(name, &bytes) {
        return Err(Ok(e.to_string()));
    }
    let meta = file.map(|f| f.metadata()).transpose().map_err(Err)?;
    let size = meta.filter(|m| m.is_file()).map(|m| m.len());
    if size.is_some_and(|n| n > MAX_INPUT) {
        return Err(Err(too_large()));
    }
    let gate = large(size);
    match (file, size) {
        (Some(file), Some(len)) if len >= PARALLEL_READ_FROM => {
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
            if threads >= 2 {
                return match read_in_parts(file, len, threads) {
                    // The file shrank while it was read: read it again the plain way.
                    Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                        let mut bytes = Vec::new();
                        rewind(file).map_err(Err)?;
                        file.take(MAX_INPUT + 1)
                            .read_to_end(&mut bytes)
                            .map_err(Err)?;
                        check_bound(bytes).map(|b| (b, gate))
                    }
                    other => other.map(|b| (b, gate)).map_err(Err),
                };
            }
        }
        _ => {}
    }
    if let Some(len) = size {
        bytes.reserve_exact(
            usize::try_from(len)
                .unwrap_or(0)
                .saturating_sub(bytes.len())
                + 1,
        );
    }
    reader.read_to_end(&mut bytes).map_err(Err)?;
    check_bound(bytes).map(|b| (b, gate))
}

fn check_bound(bytes: Vec<u8>) -> Result<Vec<u8>, Stopped> {
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
    let mut stdin_given = false;
    for spec in specs {
        let path = Path::new(spec);
        if spec == "-" {
            // Standard input can be read once: a second `-` would read nothing.
            let source = if std::mem::replace(&mut stdin_given, true) {
                Source::Error("standard input is read once: give - only once".into())
            } else {
                Source::Stdin
            };
            out.push(Input {
                name: "-".into(),
                source,
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
    let mut names = Vec::new();
    for entry in std::fs::read_dir(path)? {
        let Ok(entry) = entry else { continue };
        let name = entry.file_name();
        if !Path::new(&name)
            .extension()
            .is_some_and(|x| x == "json" || x == "http")
        {
            continue;
        }
        // A link is taken unless it leads to a folder: one that leads nowhere (or in a loop)
        // is then reported unreadable, not skipped without a word.
        let is_file = match entry.file_type() {
            Ok(t) if t.is_symlink() => !entry.path().is_dir(),
            Ok(t) => t.is_file(),
            Err(_) => entry.path().is_file(),
        };
        if is_file {
            names.push(name);
        }
    }
    // By name: the same order as by path (one folder), without comparing path components.
    names.sort_unstable();
    Ok(names.into_iter().map(|n| path.join(n)).collect())
}

fn rewind(mut file: &std::fs::File) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom};
    file.seek(SeekFrom::Start(0)).map(|_| ())
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
    fn standard_input_is_given_once() {
        let both = inputs(&["-".to_string(), "-".to_string()]);
        assert!(matches!(both[0].source, Source::Stdin));
        assert_eq!(
            both[1].read().unwrap_err(),
            "standard input is read once: give - only once"
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
        {
            let link = |to: &str, name: &str| {
                std::os::unix::fs::symlink(dir.path().join(to), dir.path().join(name)).unwrap()
            };
            link("b.json", "l.json");
            // A link that leads nowhere, or to itself, is listed (and reported unreadable); a
            // link to a folder is not.
            link("gone.json", "m.json");
            link("n.json", "n.json");
            link("sub.json", "o.json");
        }
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
        assert_eq!(names, ["a.http", "b.json", "l.json", "m.json", "n.json"]);
        #[cfg(not(unix))]
        assert_eq!(names, ["a.http", "b.json"]);
    }
}
