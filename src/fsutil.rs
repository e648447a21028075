//! File-system helpers whose errors always name the path, and atomic writes.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The buffer for reading and writing package files: big enough that a
/// megabyte of audio is a handful of system calls, not a hundred (on a
/// rebuild those calls were a fifth of the time spent packaging).
pub const IO_BUFFER: usize = 256 * 1024;

/// Copy the whole file at `path` into `to`, in [`IO_BUFFER`] pieces.
///
/// The buffer is the thread's own and kept for its next copy: a package
/// copies dozens of files, and a buffer this size made afresh for each
/// came from new pages, 64 page faults a file, when the allocator mapped
/// every buffer of 256 KB or more anew. It maps them from
/// [`crate::alloc::OWN_PAGES_FROM`] now, but the buffer kept is still one
/// allocation a thread, not one a file.
pub fn copy_file_into(path: &Path, to: &mut impl Write) -> std::io::Result<u64> {
    use std::io::Read;
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let mut file = std::fs::File::open(path)?;
    BUFFER.with_borrow_mut(|buf| {
        buf.resize(IO_BUFFER, 0);
        let mut copied = 0u64;
        loop {
            match file.read(buf) {
                Ok(0) => return Ok(copied),
                Ok(n) => {
                    to.write_all(&buf[..n])?;
                    copied += n as u64;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    })
}

/// Write `path` through a temporary file in the same folder, renamed into place
/// once complete, so a crash never leaves a half-written output behind.
pub fn write_atomic<F>(path: &Path, fill: F) -> Result<()>
where
    F: FnOnce(&mut dyn Write) -> std::io::Result<()>,
{
    write_file_atomic(path, |file| {
        let mut buf = std::io::BufWriter::with_capacity(IO_BUFFER, file);
        fill(&mut buf)?;
        buf.flush()
    })
}

/// The same for a writer that must seek (a zip file's directory points
/// back into it): `fill` gets the temporary file itself.
pub fn write_file_atomic<F>(path: &Path, fill: F) -> Result<()>
where
    F: FnOnce(&mut std::fs::File) -> std::io::Result<()>,
{
    let werr = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut tmp = temp_beside(path, "")?;
    fill(tmp.as_file_mut()).map_err(werr)?;
    persist(tmp, path)
}

/// A temporary file beside `path` ([`temp_beside`]), filled by another
/// program perhaps, made readable by all and renamed into place.
pub fn persist(tmp: tempfile::NamedTempFile, path: &Path) -> Result<()> {
    let werr = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    // No fsync: the rename is what makes a file appear whole to readers and
    // after a killed process; flushing every file to the disk as well would
    // cost more than the rest of a rebuild.
    readable_by_all(tmp.as_file()).map_err(werr)?;
    tmp.persist(path).map_err(|e| werr(e.error))?;
    Ok(())
}

/// A new temporary file in `path`'s folder, ending in `suffix`, to be
/// [`persist`]ed there.
pub fn temp_beside(path: &Path, suffix: &str) -> Result<tempfile::NamedTempFile> {
    tempfile::Builder::new()
        .prefix(".tmp-")
        .suffix(suffix)
        .tempfile_in(parent_dir(path))
        .map_err(|source| Error::Write {
            path: path.to_path_buf(),
            source,
        })
}

/// The same for content already in memory.
pub fn write_bytes_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic(path, |w| w.write_all(bytes))
}

pub fn create_dir_all(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.to_path_buf(),
        source,
    })
}

/// Every file under `dir`, at any depth, in path order. A folder that
/// cannot be listed is an error naming it.
pub fn files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|source| Error::Read {
            path: d.clone(),
            source,
        })?;
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Remove the files in `dir` whose key is not in `used` (`audio-leaflet
/// clean`). `key_of` gives a file name's key; a name without one is left
/// alone. Returns how many of the files removed `counted` names, and the
/// bytes of all of them; a missing folder has nothing to remove.
pub fn remove_unused(
    dir: &Path,
    used: &std::collections::HashSet<String>,
    key_of: impl Fn(&str) -> Option<&str>,
    counted: impl Fn(&str) -> bool,
) -> Result<(usize, u64)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok((0, 0));
    };
    let (mut count, mut bytes) = (0, 0);
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if key_of(&name).is_none_or(|key| used.contains(key)) {
            continue;
        }
        bytes += entry.metadata().map_or(0, |m| m.len());
        let path = entry.path();
        std::fs::remove_file(&path).map_err(|source| Error::Write { path, source })?;
        count += usize::from(counted(&name));
    }
    Ok((count, bytes))
}

/// Temporary files are private to their owner; outputs are for sharing.
#[cfg(unix)]
fn readable_by_all(file: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn readable_by_all(_file: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

thread_local! {
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run `f`, turning a panic into `None` without the panic message on
/// stderr: for parsers of untrusted files, whose bugs must reach the user as
/// a clear error. Panics elsewhere, on any thread, print as usual.
pub fn quietly<R>(f: impl FnOnce() -> R) -> Option<R> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(|q| q.get()) {
                previous(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    result.ok()
}

#[cfg(test)]
mod quiet_tests {
    #[test]
    fn a_panic_becomes_none_and_other_results_pass_through() {
        assert_eq!(super::quietly(|| 7), Some(7));
        let r: Option<()> = super::quietly(|| panic!("a parser's bug"));
        assert_eq!(r, None);
        assert_eq!(super::quietly(|| "after"), Some("after"));
    }
}
