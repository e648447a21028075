use crate::leaflet::markdown::parse;
use crate::leaflet::{Block, Leaflet};

fn spoken(l: &Leaflet) -> Vec<String> {
    l.chapters
        .iter()
        .flat_map(|c| {
            std::iter::once(c.title.clone()).chain(c.blocks.iter().map(|b| b.text().to_string()))
        })
        .collect()
}

fn reason_of<'a>(l: &'a Leaflet, text: &str) -> &'a str {
    l.dropped
        .iter()
        .find(|d| d.text == text)
        .map_or("(not dropped)", |d| d.reason.as_str())
}

#[test]
fn a_leaflets_own_link_list_is_kept_when_the_page_has_no_furniture() {
    let md = "# Asthma\n\n- [Asthma charity](https://example.org)\n- [Inhaler videos](https://example.org/v)\n\nAsthma is common.\n\n## More information\n\nThese websites may help:\n\n- [Lung charity](https://example.org/l)\n- [Local support](https://example.org/s)\n";
    let l = parse(md);
    assert!(l.dropped.is_empty(), "{:?}", l.dropped);
    assert_eq!(spoken(&l).len(), 8);
}

#[test]
fn menus_before_and_footer_links_after_the_content_go_on_a_page_with_furniture() {
    let md = "[Skip to main content](#main)\n\n- [Home](/)\n- [Conditions](/conditions)\n\n# Gout\n\n- [Overview](/gout)\n- [Treatment](/gout/treatment)\n\nGout is a painful swelling.\n\n## Help\n\nThese websites may help:\n\n- [Arthritis charity](https://example.org)\n\nPage last reviewed: 1 May 2025\n\n- [Accessibility](/a)\n- [Contact us](/c)\n";
    let l = parse(md);
    assert_eq!(
        spoken(&l),
        [
            "Gout",
            "Gout is a painful swelling.",
            "Help",
            "These websites may help:",
            "Arthritis charity"
        ]
    );
    assert_eq!(reason_of(&l, "Skip to main content"), "skip link");
    assert_eq!(reason_of(&l, "Home"), "breadcrumb trail");
    assert_eq!(
        reason_of(&l, "Treatment"),
        "site navigation (links around the content)"
    );
    assert_eq!(
        reason_of(&l, "Contact us"),
        "site navigation (links around the content)"
    );
}

#[test]
fn labels_take_the_links_after_them_and_a_footer_takes_the_rest() {
    let md = "# Gout\n\n## On this page\n\n- [Causes](/gout#causes)\n- [Help](/gout#help)\n\n## Causes\n\nToo much uric acid.\n\n**Share this page**\n\n- [Facebook](https://f.example)\n- [Email](mailto:?x)\n\nFooter\n\n## About us\n\nWe run the site.\n";
    let l = parse(md);
    assert_eq!(spoken(&l), ["Gout", "Causes", "Too much uric acid."]);
    assert_eq!(
        reason_of(&l, "On this page"),
        "list of links to parts of the page"
    );
    assert_eq!(reason_of(&l, "Help"), "list of links to parts of the page");
    assert_eq!(reason_of(&l, "Facebook"), "share or social media buttons");
    assert_eq!(reason_of(&l, "We run the site."), "site footer");
}

#[test]
fn a_contents_label_before_text_is_kept() {
    let l = parse("# Gout\n\n## Contents\n\nThis leaflet has three parts.\n");
    assert_eq!(l.chapters[1].title, "Contents");
}

#[test]
fn feedback_and_cookie_banners_take_their_buttons_but_not_later_text() {
    let md = "# Gout\n\nRest the joint.\n\nWas this page helpful?\n\nYes\n\nNo\n\nNo two attacks are the same, so keep a diary of what you ate.\n\n## Cookies on this website\n\nWe store small files called cookies on your device to make the site work.\n\n- Accept cookies\n- Reject cookies\n\nHide this message\n\n## Diet\n\nLimit biscuits, cookies and cakes.\n";
    let l = parse(md);
    assert_eq!(
        l.chapters[0].blocks,
        [
            Block::Paragraph("Rest the joint.".into()),
            Block::Paragraph(
                "No two attacks are the same, so keep a diary of what you ate.".into()
            )
        ]
    );
    assert_eq!(l.chapters[1].title, "Diet");
    assert_eq!(
        l.chapters[1].blocks,
        [Block::Paragraph(
            "Limit biscuits, cookies and cakes.".into()
        )]
    );
    for gone in ["Yes", "No", "Accept cookies", "Hide this message"] {
        assert_ne!(reason_of(&l, gone), "(not dropped)", "{gone}");
    }
}
