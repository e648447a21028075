//! A package is built in a staging folder beside its final place and swapped
//! in whole, so an interrupted or failed build never leaves a mix of old and
//! new files: the previous good package stays until the new one is complete.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::fsutil;

const STAGING: &str = ".staging-";
const RETIRED: &str = ".retired-";

/// A staging folder, removed if the build does not get as far as the swap.
pub struct Stage {
    pub dir: PathBuf,
    target: PathBuf,
    done: bool,
}

impl Stage {
    pub fn new(out: &Path, slug: &str) -> Result<Stage> {
        let dir = out.join(format!("{STAGING}{slug}-{}", std::process::id()));
        if dir.exists() {
            remove_dir(&dir)?;
        }
        fsutil::create_dir_all(&dir)?;
        Ok(Stage {
            dir,
            target: out.join(slug),
            done: false,
        })
    }

    /// Put the staged package in place. Files staff left in the old folder
    /// (anything the program does not write) move across first.
    pub fn commit(mut self, ours: impl Fn(&str) -> bool) -> Result<()> {
        let retired = retired_name(&self.target);
        if self.target.exists() {
            carry_over_foreign_files(&self.target, &self.dir, &ours)?;
            rename(&self.target, &retired)?;
        }
        rename(&self.dir, &self.target)?;
        self.done = true;
        if retired.exists() {
            remove_dir(&retired)?;
        }
        Ok(())
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn retired_name(target: &Path) -> PathBuf {
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    target.with_file_name(format!("{RETIRED}{name}"))
}

fn carry_over_foreign_files(old: &Path, new: &Path, ours: &impl Fn(&str) -> bool) -> Result<()> {
    let entries = std::fs::read_dir(old).map_err(|source| Error::Read {
        path: old.to_path_buf(),
        source,
    })?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if ours(&name) || name.starts_with(".tmp-") || new.join(&name).exists() {
            continue;
        }
        rename(&entry.path(), &new.join(&name))?;
    }
    Ok(())
}

/// Repair what a build killed part-way left in `out`: a package that was
/// retired but not replaced is put back, and staging folders are removed.
/// Run with the output folder's lock held, so no other build owns them.
pub fn recover(out: &Path) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(out) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if name.starts_with(STAGING) {
            remove_dir(&path)?;
        } else if let Some(slug) = name.strip_prefix(RETIRED) {
            let target = out.join(slug);
            if target.exists() {
                remove_dir(&path)?;
            } else {
                rename(&path, &target)?;
            }
        }
    }
    Ok(())
}

fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to).map_err(|source| Error::Write {
        path: to.to_path_buf(),
        source,
    })
}

fn remove_dir(dir: &Path) -> Result<()> {
    std::fs::remove_dir_all(dir).map_err(|source| Error::Write {
        path: dir.to_path_buf(),
        source,
    })
}
