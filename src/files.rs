//! Writing files atomically: the bytes go to a temporary file in the target's folder, which is
//! then renamed into place, so a reader never sees half a file and a failure leaves nothing
//! behind (the temporary file is removed when it is dropped).

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// How many numbered names [`write_new`] tries before giving up.
const MAX_NUMBERED: u32 = 1000;

/// Write `bytes` as `path`, or as `stem-2.ext`, `stem-3.ext`, ... when that name is taken: never
/// replacing a file, even one another process creates meanwhile (the rename refuses to replace).
/// Returns the path written.
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<PathBuf> {
    let mut tmp = write_temp(path, bytes)?;
    for n in 1..=MAX_NUMBERED {
        let target = numbered(path, n);
        match tmp.persist_noclobber(&target) {
            Ok(_) => return Ok(target),
            Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => tmp = e.file,
            Err(e) => return Err(e.error),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!(
            "{} and {MAX_NUMBERED} numbered names after it are taken",
            path.display()
        ),
    ))
}

/// Write `bytes` as `path`, replacing what is there in one step.
pub fn write_replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_temp(path, bytes)?
        .persist(path)
        .map(drop)
        .map_err(|e| e.error)
}

/// `bytes` in a new temporary file next to `path` (a rename works only within a file system).
fn write_temp(path: &Path, bytes: &[u8]) -> io::Result<NamedTempFile> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().unwrap_or(path.as_os_str());
    let mut prefix = std::ffi::OsString::from(".");
    prefix.push(name);
    prefix.push(".");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // A temporary file is private (0600) by default; the file it becomes is an ordinary one,
    // as `std::fs::write` would create it (the umask applies).
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    Ok(tmp)
}

/// `path` for n = 1, else the name with `-n` before its extension.
fn numbered(path: &Path, n: u32) -> PathBuf {
    if n == 1 {
        return path.to_path_buf();
    }
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let name = match path.extension() {
        Some(ext) => format!("{stem}-{n}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{n}"),
    };
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_taken_name_is_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("000001-x-1.json");
        assert_eq!(write_new(&p, b"one").unwrap(), p);
        let b = write_new(&p, b"two").unwrap();
        let c = write_new(&p, b"three").unwrap();
        assert_eq!(b, dir.path().join("000001-x-1-2.json"));
        assert_eq!(c, dir.path().join("000001-x-1-3.json"));
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        assert_eq!(std::fs::read(&b).unwrap(), b"two");
        assert_eq!(std::fs::read(&c).unwrap(), b"three");
        assert_eq!(names(dir.path()).len(), 3, "no temporary file left");
    }

    #[test]
    fn numbered_names() {
        assert_eq!(numbered(Path::new("d/a.json"), 1), Path::new("d/a.json"));
        assert_eq!(numbered(Path::new("d/a.json"), 7), Path::new("d/a-7.json"));
        assert_eq!(numbered(Path::new("d/url"), 2), Path::new("d/url-2"));
    }

    #[test]
    fn replacing_writes_the_new_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("url.txt");
        write_replace(&p, b"old").unwrap();
        write_replace(&p, b"new").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
        assert_eq!(names(dir.path()), ["url.txt"]);
    }

    #[test]
    fn a_bare_file_name_is_written_in_the_current_folder() {
        // No parent folder: the temporary file must not be looked for at "".
        let tmp = write_temp(Path::new("wl-hook-files-test"), b"x").unwrap();
        let here = std::env::current_dir().unwrap();
        assert_eq!(tmp.path().parent(), Some(here.as_path()));
    }

    /// A failed write leaves nothing behind: not the target, not a temporary file.
    #[test]
    fn a_failure_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        // The target is a folder: the rename into it fails.
        let p = dir.path().join("taken");
        std::fs::create_dir(&p).unwrap();
        std::fs::write(p.join("inside"), b"").unwrap();
        assert!(write_replace(&p, b"x").is_err());
        assert_eq!(names(dir.path()), ["taken"]);
        // A folder that does not exist: nothing to clean, an error to report.
        assert!(write_new(&dir.path().join("gone/a.json"), b"x").is_err());
        assert_eq!(names(dir.path()), ["taken"]);
    }

    #[cfg(unix)]
    #[test]
    fn written_files_get_the_mode_of_any_new_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode();
        let plain = dir.path().join("plain");
        std::fs::write(&plain, b"").unwrap();
        let new = write_new(&dir.path().join("a.json"), b"{}").unwrap();
        let replaced = dir.path().join("b.json");
        write_replace(&replaced, b"{}").unwrap();
        assert_eq!(mode(&new), mode(&plain));
        assert_eq!(mode(&replaced), mode(&plain));
    }
}
