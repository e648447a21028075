//! Who may write to an output folder at once.
//!
//! A whole build (no `--shard`) and `clean` hold the folder's lock alone: a
//! second one waits for the first, saying so, instead of writing into the
//! same packages at once, and `clean` never removes audio a build is about
//! to use.
//!
//! Shards of one batch must run together, often on many machines, so they
//! hold the folder's lock *shared*, and each leaflet's own lock
//! (`.audio-leaflet/locks/SLUG`) while building it. What keeps shards from
//! spoiling each other's work is not these locks but what each one writes:
//! only the folders of its own leaflets (each leaflet, and so its slug, is
//! in exactly one slice) and the content-addressed cache, whose entries are
//! renamed into place whole. That holds on a network file system whose locks
//! do not reach other machines (NFS mounted with `nolock`, or a folder
//! synced afterwards). Where locks do work, they also stop mistakes: `clean`
//! or a whole build run while shards are running waits for them, and a shard
//! run twice at once (a retried pod whose first attempt is still alive)
//! builds each leaflet after the other copy, not over it.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::fsutil;

pub const LOCK_FILE: &str = ".audio-leaflet/lock";
/// The folder of the per-leaflet locks that shards take.
pub const LEAFLET_LOCKS: &str = ".audio-leaflet/locks";

/// Held for as long as the value lives; the system releases it if the
/// process dies, so a killed build never leaves the folder locked.
pub struct OutputLock {
    _file: File,
}

/// The folder's lock, alone: a whole build or `clean`. The file says which
/// process holds it, for staff wondering what they are waiting for.
pub fn lock(out: &Path, waiting: &dyn Fn()) -> Result<OutputLock> {
    let path = out.join(LOCK_FILE);
    let mut file = take(&path, Mode::Alone, waiting)?;
    let werr = |source| Error::Write {
        path: path.clone(),
        source,
    };
    file.set_len(0).map_err(werr)?;
    writeln!(file, "{}", std::process::id()).map_err(werr)?;
    Ok(OutputLock { _file: file })
}

/// The folder's lock, shared with the other shards of a batch.
pub fn shared(out: &Path, waiting: &dyn Fn()) -> Result<OutputLock> {
    let file = take(&out.join(LOCK_FILE), Mode::Shared, waiting)?;
    Ok(OutputLock { _file: file })
}

/// One leaflet's lock, held by the shard building it. The files stay (an
/// empty file per leaflet): removing a lock file another process is about
/// to open would let two processes hold "the same" lock.
pub fn leaflet(out: &Path, slug: &str, waiting: &dyn Fn()) -> Result<OutputLock> {
    let file = take(&leaflet_lock_path(out, slug), Mode::Alone, waiting)?;
    Ok(OutputLock { _file: file })
}

pub fn leaflet_lock_path(out: &Path, slug: &str) -> PathBuf {
    out.join(LEAFLET_LOCKS).join(slug)
}

#[derive(Clone, Copy)]
enum Mode {
    Alone,
    Shared,
}

/// Open (or make) a lock file and lock it, waiting for other holders.
fn take(path: &Path, mode: Mode, waiting: &dyn Fn()) -> Result<File> {
    fsutil::create_dir_all(path.parent().expect("a lock is in a folder"))?;
    let werr = |source: std::io::Error| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)
        .map_err(werr)?;
    let tried = match mode {
        Mode::Alone => file.try_lock(),
        Mode::Shared => file.try_lock_shared(),
    };
    match tried {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            waiting();
            match mode {
                Mode::Alone => file.lock(),
                Mode::Shared => file.lock_shared(),
            }
            .map_err(|e| unlockable(path, e))?;
        }
        Err(TryLockError::Error(e)) => return Err(unlockable(path, e)),
    }
    Ok(file)
}

/// A file system that refuses locks (an NFS mount without its lock service)
/// is named as the cause, with the way out.
fn unlockable(path: &Path, e: std::io::Error) -> Error {
    Error::Other(format!(
        "cannot lock `{}` ({e}): the output folder's file system refuses file locks; \
         on NFS, start the lock service (rpc.statd) or mount with `-o nolock` \
         (each machine then locks only for itself, which shards do not need)",
        path.display()
    ))
}
