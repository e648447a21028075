//! The "words to check" list: fixing how a word is said in the team
//! lexicon (the TOML file `build --lexicon` reads, edited with `toml_edit` so
//! staff's own comments and layout stay), and hearing a fix before it is
//! saved.

use std::path::Path;

use crate::build;
use crate::error::{Error, Result};
use crate::fsutil;
use crate::leaflet::{Chapter, Leaflet};
use crate::script;
use crate::synth;

/// The longest respelling taken: a word or a short phrase.
const MAX_SAY: usize = 200;

fn checked(word: &str, say: &str) -> Result<(String, String)> {
    let word = word.trim();
    let say = say.trim();
    if word.is_empty() || word.len() > 100 || word.contains(char::is_whitespace) {
        return Err(Error::Other(
            "give one word to fix (no spaces), as the leaflet spells it".into(),
        ));
    }
    if say.is_empty() || say.len() > MAX_SAY || say.contains(['\n', '\r']) {
        return Err(Error::Other(format!(
            "say how `{word}` is said, spelt as it sounds, on one line of at most {MAX_SAY} characters"
        )));
    }
    Ok((word.to_lowercase(), say.to_string()))
}

/// The team lexicon's text with `word` said as `say` under `[say]`.
pub fn with_word(text: &str, path: &Path, word: &str, say: &str) -> Result<String> {
    let (word, say) = checked(word, say)?;
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e| {
        Error::Other(format!(
            "the team lexicon `{}` is not valid TOML ({e}): correct it by hand first",
            path.display()
        ))
    })?;
    let table = doc
        .entry("say")
        .or_insert_with(|| toml_edit::Item::Table(toml_edit::Table::new()))
        .as_table_mut()
        .ok_or_else(|| {
            Error::Other(format!(
                "`say` in the team lexicon `{}` is not a table: correct it by hand first",
                path.display()
            ))
        })?;
    table.insert(&word, toml_edit::value(say));
    Ok(doc.to_string())
}

/// Save a fix into the team lexicon. The new file is checked as a build
/// would read it before it replaces the old one.
pub fn save(lexicon: &Path, word: &str, say: &str) -> Result<()> {
    let text = match std::fs::read_to_string(lexicon) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(source) => {
            return Err(Error::Read {
                path: lexicon.to_path_buf(),
                source,
            });
        }
    };
    let new = with_word(&text, lexicon, word, say)?;
    let tmp = fsutil::temp_beside(lexicon, ".toml")?;
    std::fs::write(tmp.path(), &new).map_err(|source| Error::Write {
        path: lexicon.to_path_buf(),
        source,
    })?;
    build::speech_options(Some(tmp.path()), None)?;
    super::store::write_bytes(lexicon, new.as_bytes())
}

/// The sentence of the leaflet where `word` first appears (its title when
/// it appears nowhere).
pub fn sentence_with(leaflet: &Leaflet, word: &str) -> String {
    let lower = word.to_lowercase();
    let has = |text: &str| {
        text.split(|c: char| !c.is_alphanumeric() && c != '\'')
            .any(|w| w.to_lowercase() == lower)
    };
    let blocks = leaflet
        .chapters
        .iter()
        .flat_map(|c| std::iter::once(c.title.as_str()).chain(c.blocks.iter().map(|b| b.text())));
    for text in blocks {
        if has(text) {
            let sentence = text
                .split_inclusive(['.', '?', '!'])
                .find(|s| has(s))
                .unwrap_or(text);
            return sentence.trim().to_string();
        }
    }
    word.to_string()
}

/// What is said for `text`, and the audio of it as a WAV file, with the
/// team lexicon and, when given, one more fix on top.
pub fn preview(
    text: &str,
    language: &str,
    lexicon: &Path,
    fix: Option<(&str, &str)>,
    voice: &str,
    rate_wpm: Option<u32>,
    voices_dir: &Path,
) -> Result<(String, Vec<u8>)> {
    let team = lexicon.is_file().then_some(lexicon);
    let mut options = build::speech_options(team, None)?;
    if let Some((word, say)) = fix {
        let extra = with_word("", Path::new("the fix"), word, say)?;
        options.lexicon.merge(&extra, Path::new("the fix"))?;
    }
    let leaflet = Leaflet {
        title: String::new(),
        organisation: None,
        language: language.to_string(),
        chapters: vec![Chapter {
            title: text.to_string(),
            level: 1,
            blocks: Vec::new(),
        }],
        dropped: Vec::new(),
        warnings: Vec::new(),
    };
    let script = script::write(&leaflet, &options);
    let said = script.chapters[0].utterances[0].text.clone();
    let settings = build::voice_settings(&options, rate_wpm, voices_dir);
    let synth = synth::open(voice, &settings)?;
    let pcm = synth.synthesize(&said)?;
    let wav = crate::audio::wav_bytes(&pcm)
        .map_err(|e| Error::Other(format!("cannot make the preview's sound ({e})")))?;
    Ok((said, wav))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fix_goes_under_say_and_keeps_the_rest_of_the_file() {
        let before = "# our words\n[say]\nfoo = \"bar\" # kept\n\n[acronyms]\nwords = [\"PALS\"]\n";
        let after = with_word(
            before,
            Path::new("l.toml"),
            "Mepolizumab",
            "meppo-LIZZ-you-mab",
        )
        .unwrap();
        assert!(
            after.starts_with("# our words\n[say]\nfoo = \"bar\" # kept\n"),
            "{after}"
        );
        assert!(
            after.contains("mepolizumab = \"meppo-LIZZ-you-mab\""),
            "{after}"
        );
        let quoted = with_word("", Path::new("l.toml"), "O'Neill", "oh \"kneel\"").unwrap();
        let parsed: toml::Table = toml::from_str(&quoted).unwrap();
        assert_eq!(parsed["say"]["o'neill"].as_str(), Some("oh \"kneel\""));
        assert!(with_word("", Path::new("l"), "two words", "x").is_err());
        assert!(with_word("", Path::new("l"), "x", "a\nb").is_err());
        assert!(with_word("say = 1", Path::new("l"), "x", "y").is_err());
    }

    #[test]
    fn the_preview_says_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let lexicon = dir.path().join("lexicon.toml");
        let (said, wav) = preview(
            "Take Zorblax daily.",
            "en",
            &lexicon,
            Some(("zorblax", "zor blacks")),
            "fake",
            None,
            dir.path(),
        )
        .unwrap();
        assert!(said.contains("zor blacks"), "{said}");
        assert_eq!(&wav[..4], b"RIFF");
        save(&lexicon, "zorblax", "zor blacks").unwrap();
        let (said, _) =
            preview("Zorblax.", "en", &lexicon, None, "fake", None, dir.path()).unwrap();
        assert!(said.contains("zor blacks"), "{said}");
    }
}
