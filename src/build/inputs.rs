//! What staff name on the command line: files, folders (searched for every
//! kind of leaflet the readers take) and glob patterns.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// One leaflet to build, and the key that decides its `--shard` slice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub path: PathBuf,
    /// The path relative to what was named ([`crate::build::Shard`] says why).
    pub key: String,
}

/// Expand the inputs in order. A name that exists is used as it is; a name
/// with `*`, `?` or `[` that does not is a glob. Nothing found is an error
/// for that name, reported later with the others.
pub fn expand(inputs: &[PathBuf]) -> Vec<Input> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found = Vec::new();
            walk(input, &mut found);
            found.sort();
            if found.is_empty() {
                // Reading the folder itself reports that it holds no leaflets.
                out.push(named(input));
            }
            out.extend(found.into_iter().map(|p| within(input, p)));
        } else if !input.exists() && is_pattern(input) {
            match glob(input) {
                Ok(found) if !found.is_empty() => {
                    let base = literal_prefix(input);
                    out.extend(found.into_iter().map(|p| within(&base, p)));
                }
                _ => out.push(named(input)),
            }
        } else {
            out.push(named(input));
        }
    }
    out
}

/// A file named on its own: keyed by its file name, wherever it is.
fn named(path: &Path) -> Input {
    let key = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string_lossy().into_owned());
    Input {
        path: path.to_path_buf(),
        key,
    }
}

/// A file found inside `base`: keyed by its path below it, with `/`
/// between folders on every system.
fn within(base: &Path, path: PathBuf) -> Input {
    let key = match path.strip_prefix(base) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        _ => return named(&path),
    };
    Input { path, key }
}

/// The folders of a pattern before its first wildcard: what its matches
/// are relative to (`leaflets/*/a.pdf` gives `leaflets`).
fn literal_prefix(pattern: &Path) -> PathBuf {
    let mut base = PathBuf::new();
    for part in pattern.components() {
        if is_pattern(Path::new(part.as_os_str())) {
            break;
        }
        base.push(part);
    }
    base
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_relative_to_what_was_named() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("leaflets");
        std::fs::create_dir_all(root.join("knees")).unwrap();
        std::fs::write(root.join("knees/b.md"), "# B\n").unwrap();
        std::fs::write(root.join("a.txt"), "A\n").unwrap();
        let keys = |inputs: &[PathBuf]| -> Vec<String> {
            expand(inputs).into_iter().map(|i| i.key).collect()
        };
        assert_eq!(keys(std::slice::from_ref(&root)), ["a.txt", "knees/b.md"]);
        assert_eq!(keys(&[root.join("knees/b.md")]), ["b.md"]);
        assert_eq!(keys(&[root.join("*/*.md")]), ["knees/b.md"]);
        assert_eq!(keys(&[root.join("missing.pdf")]), ["missing.pdf"]);
    }
}
