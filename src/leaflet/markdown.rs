//! Markdown leaflets: headings make chapters, links are read as their text and
//! images are dropped.

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use super::{Block, Chapter, Dropped, Leaflet};

pub fn parse(text: &str) -> Leaflet {
    let mut chapters: Vec<Chapter> = Vec::new();
    let mut dropped = Vec::new();
    let mut buf = String::new();
    let mut heading: Option<u8> = None;
    let mut in_item = 0usize;
    let mut in_image = false;
    for event in Parser::new(text) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                flush(&mut chapters, &mut buf, in_item > 0);
                heading = Some(level_number(level));
            }
            Event::End(TagEnd::Heading(_)) => {
                let title = squeeze(&buf);
                buf.clear();
                if title.is_empty() {
                    dropped.push(Dropped {
                        text: String::new(),
                        reason: "empty heading".into(),
                    });
                } else {
                    chapters.push(Chapter {
                        title,
                        level: heading.unwrap_or(1),
                        blocks: Vec::new(),
                    });
                }
                heading = None;
            }
            Event::Start(Tag::Item) => {
                flush(&mut chapters, &mut buf, in_item > 0);
                in_item += 1;
            }
            Event::End(TagEnd::Item) => {
                flush(&mut chapters, &mut buf, true);
                in_item -= 1;
            }
            Event::End(TagEnd::Paragraph) => flush(&mut chapters, &mut buf, in_item > 0),
            Event::Start(Tag::Image { dest_url, .. }) => {
                in_image = true;
                dropped.push(Dropped {
                    text: dest_url.to_string(),
                    reason: "image".into(),
                });
            }
            Event::End(TagEnd::Image) => in_image = false,
            Event::Text(t) | Event::Code(t) if !in_image => buf.push_str(&t),
            Event::SoftBreak | Event::HardBreak => buf.push(' '),
            _ => {}
        }
    }
    flush(&mut chapters, &mut buf, false);
    finish(chapters, dropped)
}

/// Put text before the first heading into an untitled first chapter, and make
/// the shallowest section level 1 below a single top title.
fn finish(mut chapters: Vec<Chapter>, dropped: Vec<Dropped>) -> Leaflet {
    if chapters.is_empty() {
        chapters.push(Chapter {
            title: String::new(),
            level: 1,
            blocks: Vec::new(),
        });
    }
    let title = chapters[0].title.clone();
    let shallowest = chapters[1..].iter().map(|c| c.level).min().unwrap_or(1);
    let shift = shallowest.saturating_sub(1);
    for chapter in &mut chapters[1..] {
        chapter.level = chapter.level.saturating_sub(shift).max(1);
    }
    chapters[0].level = 1;
    Leaflet {
        title,
        organisation: None,
        language: String::new(),
        chapters,
        dropped,
        warnings: Vec::new(),
    }
}

fn flush(chapters: &mut Vec<Chapter>, buf: &mut String, item: bool) {
    let text = squeeze(buf);
    buf.clear();
    if text.is_empty() {
        return;
    }
    if chapters.is_empty() {
        chapters.push(Chapter {
            title: String::new(),
            level: 1,
            blocks: Vec::new(),
        });
    }
    let block = if item {
        Block::ListItem(text)
    } else {
        Block::Paragraph(text)
    };
    chapters.last_mut().unwrap().blocks.push(block);
}

fn level_number(level: HeadingLevel) -> u8 {
    level as u8
}

fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_make_chapters_and_links_read_as_text() {
        let md = "# Knee care\n\nIntro text.\n\n## After surgery\n\n- Rest\n- Ice, see [our page](http://x.org)\n\n![a knee](knee.png)\n\n### Pain\n\nTake tablets.\n";
        let l = parse(md);
        let outline: Vec<(&str, u8)> = l
            .chapters
            .iter()
            .map(|c| (c.title.as_str(), c.level))
            .collect();
        assert_eq!(
            outline,
            [("Knee care", 1), ("After surgery", 1), ("Pain", 2)]
        );
        assert_eq!(
            l.chapters[1].blocks,
            [
                Block::ListItem("Rest".into()),
                Block::ListItem("Ice, see our page".into())
            ]
        );
        assert_eq!(l.dropped[0].reason, "image");
    }
}
