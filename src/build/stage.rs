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
/// Run with the output folder's lock held alone, so no other build owns them.
pub fn recover(out: &Path) -> Result<()> {
    recover_where(out, |_| true)
}

/// The same for one leaflet only: what a shard does, with that leaflet's
/// lock held, while other shards may be staging or swapping in their own
/// leaflets beside it. Their folders carry other slugs, so they are never
/// touched here (a whole-folder [`recover`] would delete their staging
/// folders from under them, or put back a package they had just retired).
pub fn recover_leaflet(out: &Path, slug: &str) -> Result<()> {
    recover_where(out, |s| s == slug)
}

fn recover_where(out: &Path, leaflet: impl Fn(&str) -> bool) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(out) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if let Some(rest) = name.strip_prefix(STAGING) {
            if leaflet(staged_slug(rest)) {
                remove_dir(&path)?;
            }
        } else if let Some(slug) = name.strip_prefix(RETIRED)
            && leaflet(slug)
        {
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

/// The slug of a staging folder from its name after the prefix,
/// `SLUG-PID` (slugs may hold `-` themselves; the process id never does).
fn staged_slug(rest: &str) -> &str {
    match rest.rsplit_once('-') {
        Some((slug, pid)) if !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) => slug,
        _ => rest,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leaflet_recovers_only_its_own_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        for name in [
            ".staging-knee-12",
            ".staging-knee-2-12",
            ".retired-knee",
            ".retired-knee-2",
        ] {
            std::fs::create_dir(out.join(name)).unwrap();
        }
        recover_leaflet(out, "knee").unwrap();
        let mut left: Vec<String> = std::fs::read_dir(out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [".retired-knee-2", ".staging-knee-2-12", "knee"]);
        recover(out).unwrap();
        assert!(out.join("knee-2").is_dir() && !out.join(".staging-knee-2-12").exists());
    }
}
