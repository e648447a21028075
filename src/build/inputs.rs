//! What staff name on the command line: files, folders (searched for every
//! kind of leaflet the readers take) and glob patterns.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Expand the inputs in order. A name that exists is used as it is; a name
/// with `*`, `?` or `[` that does not is a glob. Nothing found is an error
/// for that name, reported later with the others.
pub fn expand(inputs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found = Vec::new();
            walk(input, &mut found);
            found.sort();
            if found.is_empty() {
                // Reading the folder itself reports that it holds no leaflets.
                out.push(input.clone());
            }
            out.extend(found);
        } else if !input.exists() && is_pattern(input) {
            match glob(input) {
                Ok(found) if !found.is_empty() => out.extend(found),
                _ => out.push(input.clone()),
            }
        } else {
            out.push(input.clone());
        }
    }
    out
}

fn is_pattern(path: &Path) -> bool {
    path.to_string_lossy().contains(['*', '?', '['])
}

fn glob(pattern: &Path) -> Result<Vec<PathBuf>> {
    let text = pattern.to_string_lossy();
    let paths =
        glob::glob(&text).map_err(|e| Error::Other(format!("bad pattern `{text}`: {e}")))?;
    let mut found: Vec<PathBuf> = paths.flatten().filter(|p| p.is_file()).collect();
    found.sort();
    Ok(found)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if hidden {
            continue;
        }
        if path.is_dir() {
            walk(&path, found);
        } else if is_leaflet(&path) {
            found.push(path);
        }
    }
}

fn is_leaflet(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| crate::leaflet::EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}
