//! What a build is asked to do, checked into types before any work starts:
//! a front end fills in a [`Request`] with what the user typed, and
//! [`Request::validate`] gives the [`Config`] the build runs on, or the
//! first thing wrong with it.

use std::path::{Path, PathBuf};

use super::Shard;
use crate::error::{Error, Result};
use crate::package::{self, Packager};
use crate::script;
use crate::synth;

/// A build as asked for, in the words of the user.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub inputs: Vec<PathBuf>,
    pub out: PathBuf,
    /// Worker threads; `None` for one per core.
    pub jobs: Option<usize>,
    pub voice: Option<String>,
    pub rate_wpm: Option<u32>,
    pub lang: Option<String>,
    /// The reader to use whatever the files look like (`--input-format`).
    pub input_format: Option<crate::leaflet::Kind>,
    pub force: bool,
    /// Check each package before it replaces the old one.
    pub check: bool,
    /// Format names, each entry possibly comma-separated; empty for all.
    pub formats: Vec<String>,
    /// The chapter files' format (`--audio`).
    pub audio: package::AudioFormat,
    /// A staff lexicon on top of the built-in one.
    pub lexicon: Option<PathBuf>,
    /// `heading=700,paragraph=600,item=350` (any subset).
    pub pauses: Option<String>,
    pub voices_dir: PathBuf,
    /// `K/N` (`--shard`): build only the K-th of N slices of the inputs.
    pub shard: Option<String>,
}

/// A two-letter language code, lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LangCode(String);

impl LangCode {
    pub fn parse(code: &str) -> Result<LangCode> {
        let ok = code.len() == 2 && code.chars().all(|c| c.is_ascii_alphabetic());
        if !ok {
            return Err(Error::Other(format!(
                "--lang {code}: give a two-letter language code such as en or es"
            )));
        }
        Ok(LangCode(code.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A validated build.
#[derive(Clone)]
pub struct Config {
    pub inputs: Vec<PathBuf>,
    pub out: PathBuf,
    pub jobs: usize,
    /// A voice some backend speaks; `None` picks one for the leaflet's language.
    pub voice: Option<String>,
    pub rate_wpm: Option<u32>,
    pub lang: Option<LangCode>,
    pub input_format: Option<crate::leaflet::Kind>,
    pub force: bool,
    pub check: bool,
    /// The packagers to run, in order (the manifest last).
    pub formats: Vec<&'static dyn Packager>,
    pub audio: package::AudioFormat,
    /// Pauses and pronunciations, the lexicon checked against the voices.
    pub script: script::Options,
    pub voices_dir: PathBuf,
    /// The slice of the inputs this process builds; `None` for all of them.
    pub shard: Option<Shard>,
}

/// The team lexicon's name in the output folder: a build with no
/// `--lexicon` reads it when it is there (the web app writes it).
pub const TEAM_LEXICON: &str = "lexicon.toml";

impl Request {
    /// The lexicon asked for, else the output folder's team lexicon.
    fn lexicon(&self) -> Option<PathBuf> {
        self.lexicon.clone().or_else(|| {
            let team = self.out.join(TEAM_LEXICON);
            team.is_file().then_some(team)
        })
    }

    pub fn validate(&self) -> Result<Config> {
        let shard = self.shard.as_deref().map(Shard::parse).transpose()?;
        let jobs = match self.jobs {
            Some(0) => return Err(Error::Other("--jobs must be at least 1".into())),
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
        let names: Vec<String> = self
            .formats
            .iter()
            .flat_map(|f| f.split(','))
            .map(|f| f.trim().to_string())
            .filter(|f| !f.is_empty())
            .collect();
        let formats = package::select(&names)?;
        synth::check_rate(self.rate_wpm)?;
        if self.out.exists() && !self.out.is_dir() {
            return Err(Error::Other(format!(
                "the output folder `{}` is a file: give a folder with --out",
                self.out.display()
            )));
        }
        if let Some(voice) = &self.voice
            && !synth::is_voice_name(voice)
        {
            return Err(Error::UnknownVoice {
                name: voice.clone(),
            });
        }
        let lang = self.lang.as_deref().map(LangCode::parse).transpose()?;
        if let (Some(lang), None) = (&lang, &self.voice) {
            synth::voice_for_language(lang.as_str(), &self.voices_dir)?;
        }
        Ok(Config {
            inputs: self.inputs.clone(),
            out: self.out.clone(),
            jobs,
            voice: self.voice.clone(),
            rate_wpm: self.rate_wpm,
            lang,
            input_format: self.input_format,
            force: self.force,
            check: self.check,
            formats,
            audio: self.audio,
            script: speech_options(self.lexicon().as_deref(), self.pauses.as_deref())?,
            voices_dir: self.voices_dir.clone(),
            shard,
        })
    }
}

/// The script's options: the built-in lexicon with the staff one on top,
/// its phones and phonemes checked against the voices that will say them,
/// and the pauses.
pub fn speech_options(lexicon: Option<&Path>, pauses: Option<&str>) -> Result<script::Options> {
    let lexicon = script::Lexicon::with_user_file(lexicon)?;
    lexicon.check_phones(synth::phone_checker())?;
    lexicon.check_phonemes(synth::neural::check_phonemes)?;
    let pauses = match pauses {
        Some(spec) => script::Pauses::parse(spec)
            .map_err(|e| Error::Other(format!("--pauses {spec}: {e}")))?,
        None => script::Pauses::default(),
    };
    Ok(script::Options { pauses, lexicon })
}

/// What the voices take from the script's options.
pub fn voice_settings(
    options: &script::Options,
    rate_wpm: Option<u32>,
    voices_dir: &Path,
) -> synth::Settings {
    synth::Settings {
        rate_wpm,
        flite: synth::flite::Options {
            phones: options.lexicon.phone_entries(),
        },
        neural: synth::neural::Options {
            voices_dir: voices_dir.to_path_buf(),
            phonemes: options.lexicon.phonemes().clone(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use script::Lexicon;

    #[test]
    fn built_in_lexicon_loads_and_knows_medical_words() {
        let lex = Lexicon::built_in();
        let mut accepts = synth::phone_checker();
        for line in lex.phone_entries().lines() {
            accepts(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        }
        assert!(lex.covers("osseointegration") && lex.covers("Hampstead"));
        assert!(lex.is_word("PALS") && lex.is_word("BAHA") && lex.is_word("SHOUT"));
        assert!(!lex.is_word("NHS") && !lex.is_word("GP") && !lex.is_word("MRI"));
        assert!(
            lex.phone_entries()
                .contains("transfemoral : t r ae0 n z f eh1 m er0 ax0 l")
        );
    }

    #[test]
    fn phones_the_voice_lacks_are_refused_with_their_line() {
        let mut lex = Lexicon::default();
        lex.merge(
            "[phones]\nfine = \"f ay1 n\"\nodd = \"q x1 z\"\n",
            Path::new("mine.toml"),
        )
        .unwrap();
        let err = lex
            .check_phones(synth::phone_checker())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`mine.toml`, line 3") && err.contains("`odd`"),
            "{err}"
        );
    }
}
