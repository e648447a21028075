//! Staff's corrections to the chapters a reader found: rename, change the
//! level, merge into the chapter before, split at a paragraph. The result is
//! saved as Markdown beside the upload (the same file `chapters --markdown`
//! writes for command-line users), and builds read it from then on; only
//! chapters whose text changed are narrated again, as the cache is keyed by
//! what is said.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::leaflet::{Chapter, Leaflet};

/// What the outline form asks, by chapter (0-based, as the page lists them).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Edits {
    pub titles: HashMap<usize, String>,
    pub levels: HashMap<usize, u8>,
    /// Chapters to join onto the one before.
    pub merge: Vec<usize>,
    /// A chapter to split: before which of its blocks, and the new title.
    pub split: HashMap<usize, (usize, String)>,
}

impl Edits {
    /// From the form's fields: `title-3`, `level-3`, `merge-3`,
    /// `split-at-3` (a block number, or empty) and `split-title-3`.
    pub fn from_form(fields: &[(String, String)]) -> Result<Edits> {
        let mut edits = Edits::default();
        let mut split_at = HashMap::new();
        let mut split_title = HashMap::new();
        for (name, value) in fields {
            let Some((field, n)) = name.rsplit_once('-') else {
                continue;
            };
            let Ok(n) = n.parse::<usize>() else {
                continue;
            };
            match field {
                "title" => {
                    edits.titles.insert(n, value.trim().to_string());
                }
                "level" => {
                    let level = value
                        .parse::<u8>()
                        .ok()
                        .filter(|l| (1..=5).contains(l))
                        .ok_or_else(|| {
                            Error::Other(format!("chapter {}: the level must be 1 to 5", n + 1))
                        })?;
                    edits.levels.insert(n, level);
                }
                "merge" if value == "on" => edits.merge.push(n),
                "split-at" if !value.is_empty() => {
                    let at = value.parse::<usize>().map_err(|_| {
                        Error::Other(format!("chapter {}: choose a paragraph to split at", n + 1))
                    })?;
                    split_at.insert(n, at);
                }
                "split-title" => {
                    split_title.insert(n, value.trim().to_string());
                }
                _ => {}
            }
        }
        for (n, at) in split_at {
            let title = split_title.remove(&n).unwrap_or_default();
            edits.split.insert(n, (at, title));
        }
        Ok(edits)
    }
}

/// The leaflet with the edits made. The first chapter is the leaflet's
/// title: it cannot be merged away.
pub fn apply(leaflet: &Leaflet, edits: &Edits) -> Result<Leaflet> {
    let mut chapters: Vec<Chapter> = Vec::new();
    for (i, original) in leaflet.chapters.iter().enumerate() {
        let mut chapter = original.clone();
        if let Some(title) = edits.titles.get(&i) {
            if title.is_empty() {
                return Err(Error::Other(format!(
                    "chapter {}: a chapter needs a title (merge it into the one before instead)",
                    i + 1
                )));
            }
            chapter.title = title.clone();
        }
        if let Some(&level) = edits.levels.get(&i) {
            chapter.level = level;
        }
        let split = match edits.split.get(&i) {
            Some((at, title)) => Some(split_off(&mut chapter, *at, title, i)?),
            None => None,
        };
        match chapters.last_mut() {
            Some(before) if edits.merge.contains(&i) && i > 0 => {
                before.blocks.append(&mut chapter.blocks);
            }
            _ => chapters.push(chapter),
        }
        chapters.extend(split);
    }
    if let Some(first) = chapters.first_mut() {
        first.level = 1;
    }
    Ok(Leaflet {
        title: chapters
            .first()
            .map_or(leaflet.title.clone(), |c| c.title.clone()),
        chapters,
        ..leaflet.clone()
    })
}

/// Cut `chapter` before block `at`: the new chapter after it, one level as
/// deep.
fn split_off(chapter: &mut Chapter, at: usize, title: &str, i: usize) -> Result<Chapter> {
    if at == 0 || at >= chapter.blocks.len() {
        return Err(Error::Other(format!(
            "chapter {}: split at a paragraph after its first one",
            i + 1
        )));
    }
    if title.is_empty() {
        return Err(Error::Other(format!(
            "chapter {}: give the new chapter a title",
            i + 1
        )));
    }
    Ok(Chapter {
        title: title.to_string(),
        level: chapter.level.max(1),
        blocks: chapter.blocks.split_off(at),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leaflet::Block;

    fn leaflet() -> Leaflet {
        let chapter = |title: &str, level, n: usize| Chapter {
            title: title.into(),
            level,
            blocks: (0..n)
                .map(|i| Block::Paragraph(format!("{title} {i}.")))
                .collect(),
        };
        Leaflet {
            title: "Title".into(),
            organisation: None,
            language: "en".into(),
            chapters: vec![
                chapter("Title", 1, 1),
                chapter("A", 1, 3),
                chapter("B", 2, 2),
            ],
            dropped: vec![],
            warnings: vec![],
        }
    }

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn rename_level_merge_and_split() {
        let edits = Edits::from_form(&form(&[
            ("title-1", "  Before you come in "),
            ("level-2", "1"),
            ("merge-2", "on"),
            ("split-at-1", "2"),
            ("split-title-1", "On the day"),
        ]))
        .unwrap();
        let out = apply(&leaflet(), &edits).unwrap();
        let titles: Vec<_> = out.chapters.iter().map(|c| c.title.as_str()).collect();
        // B merges into the chapter before it, which is the split-off one.
        assert_eq!(titles, ["Title", "Before you come in", "On the day"]);
        assert_eq!(out.chapters[1].blocks.len(), 2);
        let last: Vec<_> = out.chapters[2].blocks.iter().map(Block::text).collect();
        assert_eq!(last, ["A 2.", "B 0.", "B 1."]);
    }

    #[test]
    fn nothing_is_lost_and_bad_edits_are_refused() {
        let words = |l: &Leaflet| l.chapters.iter().map(Chapter::words).sum::<usize>();
        let merged = apply(
            &leaflet(),
            &Edits::from_form(&form(&[("merge-1", "on"), ("merge-2", "on")])).unwrap(),
        )
        .unwrap();
        assert_eq!(merged.chapters.len(), 1);
        assert_eq!(
            words(&merged) + 2,
            words(&leaflet()),
            "only the two titles go"
        );
        let bad = [
            ("title-1", ""),
            ("level-1", "9"),
            ("split-at-1", "0"),
            ("split-at-1", "3"),
        ];
        for (k, v) in bad {
            let mut fields = form(&[(k, v)]);
            fields.extend(form(&[("split-title-1", "x")]));
            let edits = Edits::from_form(&fields);
            assert!(
                edits.and_then(|e| apply(&leaflet(), &e)).is_err(),
                "{k}={v}"
            );
        }
    }
}
