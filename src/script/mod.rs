//! The spoken script: exactly what the voice says, chapter by chapter, as
//! utterances with the pause that follows each.

use serde::Serialize;

use crate::leaflet::{Block, Leaflet};

mod normalize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Utterance {
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
#[derive(Debug, Clone, Copy)]
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

/// Write the script for a leaflet: each chapter opens with its title, then its
/// blocks in reading order.
pub fn write(leaflet: &Leaflet, pauses: Pauses) -> Script {
    let chapters = leaflet
        .chapters
        .iter()
        .enumerate()
        .map(|(i, chapter)| {
            let mut utterances = vec![Utterance {
                text: normalize::spoken(&chapter.title),
                pause_after_ms: pauses.after_heading,
            }];
            for block in &chapter.blocks {
                let (text, pause) = match block {
                    Block::Paragraph(t) => (t.clone(), pauses.after_paragraph),
                    Block::ListItem(t) => (t.clone(), pauses.after_list_item),
                    Block::Caption(t) => (t.clone(), pauses.after_paragraph),
                };
                let text = normalize::spoken(&text);
                if !text.is_empty() {
                    utterances.push(Utterance {
                        text,
                        pause_after_ms: pause,
                    });
                }
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
