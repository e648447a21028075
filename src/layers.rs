//! Which module may use which: the picture at the top of `lib.rs` as data,
//! and a test that reads every source file and fails on a `crate::` path
//! the picture does not allow.

/// Each top-level module and the modules it may use. Modules not named
/// here are shared helpers, usable from anywhere and using only each other.
pub const ALLOWED: &[(&str, &[&str])] = &[
    ("leaflet", &[]),
    ("script", &["leaflet"]),
    ("audio", &[]),
    ("synth", &["audio"]),
    ("package", &["audio", "script"]),
    ("build", &["leaflet", "script", "synth", "audio", "package"]),
    ("say", &["script", "synth"]),
    (
        "commands",
        &["leaflet", "script", "synth", "audio", "package", "build"],
    ),
    (
        "serve",
        &[
            "leaflet", "script", "synth", "audio", "package", "build", "commands",
        ],
    ),
    (
        "cli",
        &[
            "leaflet", "script", "synth", "audio", "package", "build", "say", "commands", "serve",
        ],
    ),
];

/// The modules no other module uses: the front ends.
pub const FRONT_ENDS: &[&str] = &["cli", "main"];

/// Whether code in `from` may name `to`.
pub fn allowed(from: &str, to: &str) -> bool {
    if from == to || FRONT_ENDS.contains(&from) && from != "cli" {
        return true;
    }
    if FRONT_ENDS.contains(&to) {
        return false;
    }
    let staged = |m: &str| ALLOWED.iter().any(|(name, _)| *name == m);
    match ALLOWED.iter().find(|(name, _)| *name == from) {
        Some((_, uses)) => !staged(to) || uses.contains(&to),
        // A shared helper uses only other helpers.
        None => !staged(to),
    }
}

/// The top-level modules a piece of source names with `crate::`, including
/// those inside `use crate::{a, b::c}` groups.
pub fn named_modules(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                push_name(item.trim(), &mut found);
            }
        } else {
            push_name(rest, &mut found);
        }
    }
    found
}

fn push_name(path: &str, found: &mut Vec<String>) {
    let name: String = path
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if !name.is_empty() && name != "self" {
        found.push(name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    #[test]
    fn no_module_uses_one_the_picture_forbids() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&src, &mut files);
        let mut wrong = Vec::new();
        for file in &files {
            let rel = file.strip_prefix(&src).unwrap();
            let first = rel.components().next().unwrap().as_os_str();
            let from = first.to_string_lossy().trim_end_matches(".rs").to_string();
            let text = std::fs::read_to_string(file).unwrap();
            for (n, line) in text.lines().enumerate() {
                // This file names the modules in its own tests.
                if from == "layers" {
                    break;
                }
                for to in named_modules(line) {
                    if !allowed(&from, &to) {
                        wrong.push(format!("{}:{}: {from} -> {to}", rel.display(), n + 1));
                    }
                }
            }
        }
        assert!(files.len() > 40, "found the sources");
        assert!(wrong.is_empty(), "forbidden uses:\n{}", wrong.join("\n"));
    }

    #[test]
    fn the_reader_finds_grouped_and_inline_paths() {
        let text = "use crate::{audio::Pcm, error::Result};\nlet x = crate::synth::open(a);";
        assert_eq!(named_modules(text), ["audio", "error", "synth"]);
        assert!(!allowed("synth", "script") && !allowed("leaflet", "synth"));
        assert!(!allowed("package", "synth") && !allowed("build", "cli"));
        assert!(allowed("build", "synth") && allowed("synth", "error"));
        assert!(!allowed("error", "build"), "helpers use only helpers");
    }
}
