//! What staff can ask for, as library functions that return data: the
//! command line (and any other front end) parses, calls one of these and
//! presents the result. Building and cleaning are [`crate::build::run`] and
//! [`crate::build::clean`]; installing voices is [`crate::synth::install`].

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::leaflet::{self, Dropped, Leaflet};
use crate::package::{self, check::Problem};
use crate::script::{self, Script, check::ChapterCheck};
use crate::synth;

/// A leaflet's chapters, as `chapters` shows them.
#[derive(Debug, Clone, Serialize)]
pub struct Outline {
    /// The reader that read the file (`pdf`, `docx`, `odt`, `html`, `markdown`, `text`).
    pub reader: &'static str,
    pub title: String,
    pub language: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    pub chapters: Vec<OutlineChapter>,
    /// Text that will not be read aloud, with the reason.
    pub dropped: Vec<Dropped>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OutlineChapter {
    pub index: usize,
    pub level: u8,
    pub title: String,
    pub words: usize,
}

/// Read a leaflet; `lang` overrides the detected language, `kind` the
/// reader the file's bytes call for.
pub fn read(
    input: &Path,
    lang: Option<&str>,
    kind: Option<leaflet::Kind>,
) -> Result<leaflet::Source> {
    leaflet::read_as(input, lang, kind)
}

/// The chapters a build would make of a leaflet.
pub fn chapters(source: &leaflet::Source) -> Outline {
    let leaflet = &source.leaflet;
    Outline {
        reader: source.kind.name(),
        title: leaflet.title.clone(),
        language: leaflet.language.clone(),
        organisation: leaflet.organisation.clone(),
        dropped: leaflet.dropped.clone(),
        chapters: leaflet
            .chapters
            .iter()
            .enumerate()
            .map(|(i, c)| OutlineChapter {
                index: i + 1,
                level: c.level,
                title: c.title.clone(),
                words: c.words(),
            })
            .collect(),
    }
}

/// What a build would say; `chapter` (from 1) picks one chapter.
pub fn script(
    leaflet: &Leaflet,
    options: &script::Options,
    chapter: Option<usize>,
) -> Result<Script> {
    let mut script = script::write(leaflet, options);
    if let Some(n) = chapter {
        let count = script.chapters.len();
        let i = n
            .checked_sub(1)
            .filter(|&i| i < count)
            .ok_or(Error::NoSuchChapter { index: n, count })?;
        script.chapters = vec![script.chapters.swap_remove(i)];
    }
    Ok(script)
}

/// The words of each chapter the voice may get wrong. `voice` is the voice
/// to ask (default: the one a build would use for the leaflet).
pub fn check_script(
    leaflet: &Leaflet,
    options: &script::Options,
    voice: Option<&str>,
    voices_dir: &Path,
) -> Result<Vec<ChapterCheck>> {
    let script = script::write(leaflet, options);
    let english = leaflet.language == "en";
    let voice = match voice {
        Some(v) => v.to_string(),
        None if english => synth::default_english_voice(voices_dir).to_string(),
        None => String::new(),
    };
    let knows: &dyn Fn(&str) -> bool = &synth::in_voice_dictionary;
    let natural = if synth::neural::has_voice(&voice) {
        let n = synth::neural::Neural::open(
            &voice,
            None,
            voices_dir,
            options.lexicon.phonemes().clone(),
        )?;
        // Loads the voice now, so a damaged one is reported, not skipped.
        n.guessed_words("hello")?;
        Some(n)
    } else {
        None
    };
    let guess = |text: &str| -> Vec<String> {
        natural
            .as_ref()
            .and_then(|n| n.guessed_words(text).ok())
            .unwrap_or_default()
    };
    let guessed: &dyn Fn(&str) -> Vec<String> = &guess;
    let knowledge = script::check::VoiceKnowledge {
        in_dictionary: (english && natural.is_none()).then_some(knows),
        guessed: natural.is_some().then_some(guessed),
    };
    Ok(script::check::check(
        leaflet,
        &script,
        &options.lexicon,
        knowledge,
    ))
}

/// One package and what is wrong with it (nothing, when it is sound).
#[derive(Debug, Clone)]
pub struct Checked {
    pub dir: PathBuf,
    pub problems: Vec<Problem>,
}

/// Check packages: each folder is a package, or an output folder whose
/// packages are all checked.
pub fn check(dirs: &[PathBuf]) -> Result<Vec<Checked>> {
    let mut packages = Vec::new();
    for dir in dirs {
        if dir.join(package::MANIFEST_FILE).exists() {
            packages.push(dir.clone());
            continue;
        }
        let entries = std::fs::read_dir(dir).map_err(|e| {
            Error::Other(format!(
                "cannot read `{}` ({e}): give a package folder",
                dir.display()
            ))
        })?;
        let mut inside: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.join(package::MANIFEST_FILE).exists())
            .collect();
        inside.sort();
        if inside.is_empty() {
            return Err(Error::Other(format!(
                "`{}` holds no package (no manifest.json): give a leaflet's output folder",
                dir.display()
            )));
        }
        packages.extend(inside);
    }
    Ok(packages
        .into_iter()
        .map(|dir| Checked {
            problems: package::check::check(&dir),
            dir,
        })
        .collect())
}

/// `index`: list every package in the output folder `out` in its
/// `catalogue.json` and `index.html`, and return the catalogue (with the
/// packages whose manifest did not read).
pub fn index(out: &Path) -> Result<package::Catalogue> {
    let catalogue = package::catalogue::gather(out)?;
    package::catalogue::write(out, &catalogue)?;
    Ok(catalogue)
}

/// The voices that can be chosen with `--voice`, and which is the default.
pub fn voices(voices_dir: &Path) -> (synth::VoiceList, &'static str) {
    (
        synth::voices(voices_dir),
        synth::default_english_voice(voices_dir),
    )
}
