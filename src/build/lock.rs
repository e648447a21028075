//! One build at a time per output folder: a second one waits for the first,
//! saying so, instead of writing into the same packages at once.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};
use crate::fsutil;

pub const LOCK_FILE: &str = ".audio-leaflet/lock";

/// Held for as long as the value lives; the system releases it if the
/// process dies, so a killed build never leaves the folder locked.
pub struct OutputLock {
    _file: File,
}

pub fn lock(out: &Path, waiting: &dyn Fn()) -> Result<OutputLock> {
    let path = out.join(LOCK_FILE);
    fsutil::create_dir_all(path.parent().expect("the lock is in a folder"))?;
    let werr = |source| Error::Write {
        path: path.clone(),
        source,
    };
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)
        .map_err(werr)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            waiting();
            file.lock().map_err(werr)?;
        }
        Err(TryLockError::Error(e)) => return Err(werr(e)),
    }
    file.set_len(0).map_err(werr)?;
    writeln!(file, "{}", std::process::id()).map_err(werr)?;
    Ok(OutputLock { _file: file })
}
