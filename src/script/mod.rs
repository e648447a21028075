//! The spoken script: exactly what the voice says, chapter by chapter, as
//! utterances with the pause that follows each. Staff check it with
//! `audio-leaflet script`; narration and its cache work from it.

mod announce;
pub mod check;
pub mod lexicon;
pub mod normalize;

use rayon::prelude::*;
use serde::Serialize;

use crate::leaflet::{Block, Leaflet};

pub use announce::{LISTENING_TIME, listening_time};
pub use lexicon::Lexicon;
use normalize::Lang;

/// What an utterance is in the leaflet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Heading,
    Paragraph,
    ListItem,
    Caption,
    /// Said about the recording (the opening and the closing), not in the leaflet.
    Announcement,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Utterance {
    pub role: Role,
    /// The text as the leaflet shows it (for announcements, as written
    /// before it is turned into what is said).
    pub display: String,
    /// What is said.
    pub text: String,
    pub pause_after_ms: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChapterScript {
    pub index: usize,
    pub level: u8,
    pub title: String,
    pub utterances: Vec<Utterance>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Script {
    pub title: String,
    pub language: String,
    pub chapters: Vec<ChapterScript>,
}

/// Pause lengths, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pauses {
    pub after_heading: u32,
    pub after_paragraph: u32,
    pub after_list_item: u32,
}

impl Default for Pauses {
    fn default() -> Self {
        Pauses {
            after_heading: 700,
            after_paragraph: 600,
            after_list_item: 350,
        }
    }
}

impl Pauses {
    /// Parse `heading=700,paragraph=600,item=350` (any subset).
    pub fn parse(spec: &str) -> Result<Pauses, String> {
        let mut p = Pauses::default();
        for part in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (key, ms) = part
                .split_once('=')
                .ok_or_else(|| format!("`{part}` should be NAME=MILLISECONDS"))?;
            let ms: u32 = ms
                .trim()
                .parse()
                .ok()
                .filter(|ms| *ms <= 10_000)
                .ok_or_else(|| format!("`{part}`: give 0 to 10000 milliseconds"))?;
            match key.trim() {
                "heading" => p.after_heading = ms,
                "paragraph" => p.after_paragraph = ms,
                "item" => p.after_list_item = ms,
                other => {
                    return Err(format!(
                        "unknown pause `{other}`: use heading, paragraph or item"
                    ));
                }
            }
        }
        Ok(p)
    }
}

/// What shapes the script besides the leaflet.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub pauses: Pauses,
    pub lexicon: Lexicon,
}

impl Options {
    pub fn with_built_in_lexicon() -> Options {
        Options {
            pauses: Pauses::default(),
            lexicon: Lexicon::built_in(),
        }
    }
}

/// Compile the patterns [`write`] uses ([`normalize::prepare`]) before
/// the leaflet's language is known: a build starts this while it is still
/// reading a leaflet that changed. The patterns are the same in every
/// language (only what they are replaced with differs), and any that this
/// did not reach compile when they are first used, as before.
pub fn prepare(options: &Options) {
    normalize::prepare(Lang::En, &options.lexicon);
}

/// Write the script for a leaflet. Each chapter opens with its title; the
/// first opens with the announcement and the last ends with a closing.
pub fn write(leaflet: &Leaflet, options: &Options) -> Script {
    let lang = Lang::from_code(&leaflet.language);
    normalize::prepare(lang, &options.lexicon);
    let say = |text: &str| normalize::spoken(text, lang, &options.lexicon);
    let count = leaflet.chapters.len();
    // Chapter by chapter in parallel: a leaflet's script is written before
    // any of it is narrated, so this is time nothing else can use.
    let chapters = leaflet
        .chapters
        .par_iter()
        .enumerate()
        .map(|(i, chapter)| {
            let mut utterances = vec![Utterance {
                role: Role::Heading,
                display: chapter.title.clone(),
                text: say(&chapter.title),
                pause_after_ms: options.pauses.after_heading,
            }];
            if i == 0 {
                utterances.extend(announce::opening(leaflet, lang, &say, options.pauses));
            }
            for block in &chapter.blocks {
                let pause = match block {
                    Block::ListItem(_) => options.pauses.after_list_item,
                    Block::Paragraph(_) | Block::Caption(_) => options.pauses.after_paragraph,
                };
                let text = match block {
                    Block::Caption(t) => say(&announce::caption(t, lang)),
                    other => say(other.text()),
                };
                let role = match block {
                    Block::ListItem(_) => Role::ListItem,
                    Block::Paragraph(_) => Role::Paragraph,
                    Block::Caption(_) => Role::Caption,
                };
                if !text.is_empty() {
                    utterances.push(Utterance {
                        role,
                        display: block.text().to_string(),
                        text,
                        pause_after_ms: pause,
                    });
                }
            }
            if i + 1 == count {
                utterances.push(announce::closing(leaflet, lang, &say));
            }
            ChapterScript {
                index: i + 1,
                level: chapter.level,
                title: chapter.title.clone(),
                utterances,
            }
        })
        .collect();
    Script {
        title: leaflet.title.clone(),
        language: leaflet.language.clone(),
        chapters,
    }
}

impl ChapterScript {
    /// Whether the chapter announces the listening time (which narration
    /// fills in with [`ChapterScript::fill_listening_time`]).
    pub fn announces_listening_time(&self) -> bool {
        self.utterances
            .iter()
            .any(|u| u.text.contains(LISTENING_TIME))
    }

    /// Say `time` where the chapter announces the listening time.
    pub fn fill_listening_time(&mut self, time: &str) {
        for u in &mut self.utterances {
            u.text = u.text.replace(LISTENING_TIME, time);
            u.display = u.display.replace(LISTENING_TIME, time);
        }
    }

    /// The chapter's spoken text, one utterance a line.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for u in &self.utterances {
            out.push_str(&u.text);
            out.push('\n');
        }
        out
    }
}
