//! Markdown leaflets, and text saved from web pages: the chapters a person
//! would see, without the site's furniture, losing no real sentence.
//!
//! Reading runs in stages over a flat list of [`units::Unit`]s: raw lines
//! are repaired ([`lines`]), Markdown events become units ([`events`], with
//! [`html`] for embedded HTML), site furniture is marked as dropped
//! ([`debris`]), and the rest becomes chapters ([`outline`]).

mod debris;
mod events;
mod html;
mod lines;
mod outline;
pub(crate) mod units;

use super::Leaflet;

pub fn parse(text: &str) -> Leaflet {
    let text = lines::join_wrapped_headings(text);
    from_units(events::units(&text))
}

/// The leaflet made of units from any reader: site furniture marked as
/// dropped, then headings made into chapters.
pub fn from_units(mut units: Vec<units::Unit>) -> Leaflet {
    debris::mark(&mut units);
    outline::build(units)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leaflet::Block;

    fn outline(l: &Leaflet) -> Vec<(&str, u8)> {
        l.chapters
            .iter()
            .map(|c| (c.title.as_str(), c.level))
            .collect()
    }

    #[test]
    fn headings_make_chapters_and_links_read_as_text() {
        let md = "# Knee care\n\nIntro text.\n\n## After surgery\n\n- Rest\n- Ice, see [our page](http://x.org)\n\n![a knee](knee.png)\n\n### Pain\n\nTake tablets.\n";
        let l = parse(md);
        assert_eq!(
            outline(&l),
            [("Knee care", 1), ("After surgery", 1), ("Pain", 2)]
        );
        assert_eq!(
            l.chapters[1].blocks,
            [
                Block::ListItem("Rest".into()),
                Block::ListItem("Ice, see our page".into())
            ]
        );
        assert_eq!(l.dropped[0].text, "a knee");
        assert_eq!(l.dropped[0].reason, "image");
    }

    #[test]
    fn bold_lines_under_a_section_heading_are_its_subsections() {
        let md = "# Hip\n\nIntro.\n\n## At home\n\n**Washing**\n\nShower after two days.\n\n**Driving:**\n\nWait six weeks.\n\n## Help\n\nCall us.\n";
        assert_eq!(
            outline(&parse(md)),
            [
                ("Hip", 1),
                ("At home", 1),
                ("Washing", 2),
                ("Driving", 2),
                ("Help", 1)
            ]
        );
    }

    #[test]
    fn bold_sentences_and_bold_lines_without_text_after_them_stay_text() {
        let md = "# Hip\n\n**Do not drive for six weeks.**\n\nText.\n\n**Keep this leaflet**\n\n## Next\n\nMore.\n\n**Last bold line**\n";
        let l = parse(md);
        assert_eq!(outline(&l), [("Hip", 1), ("Next", 1)]);
        assert_eq!(
            l.chapters[0].blocks[0],
            Block::Paragraph("Do not drive for six weeks.".into())
        );
        assert_eq!(
            l.chapters[1].blocks[1],
            Block::Paragraph("Last bold line".into())
        );
    }

    #[test]
    fn text_before_any_heading_and_code_blocks_are_kept_apart() {
        let l = parse("Intro line.\n\n```\nsome code\n```\n\n# Title\n\nBody.\n");
        assert_eq!(l.chapters[0].title, "");
        assert_eq!(
            l.chapters[0].blocks,
            [
                Block::Paragraph("Intro line.".into()),
                Block::Paragraph("some code".into())
            ]
        );
    }

    #[test]
    fn captions_are_marked_and_bare_figure_labels_dropped() {
        let l = parse(
            "# Eye\n\nFigure 1: The eye from the side.\n\nFig. 2\n\nImage 3 shows the drops.\n",
        );
        assert_eq!(
            l.chapters[0].blocks,
            [
                Block::Caption("Figure 1: The eye from the side.".into()),
                Block::Caption("Image 3 shows the drops.".into())
            ]
        );
        assert_eq!(l.dropped[0].reason, "figure label with no caption text");
    }
}
