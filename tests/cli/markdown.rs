//! Reading Markdown leaflets and saved web pages: chapters, lists, links,
//! HTML and site furniture, from the fixtures `tests/fixtures/md-*.md`.

use audio_leaflet::leaflet::{Block, Leaflet};

use crate::util::leaflet_outline as outline;
use crate::util::{bin, fixture, written};

fn read(name: &str) -> Leaflet {
    audio_leaflet::leaflet::read(&fixture(name), None)
        .expect("the fixture reads")
        .leaflet
}

/// The blocks of the chapter with this title.
fn blocks<'a>(l: &'a Leaflet, title: &str) -> &'a [Block] {
    let chapter = l.chapters.iter().find(|c| c.title == title);
    &chapter
        .unwrap_or_else(|| panic!("no chapter {title}"))
        .blocks
}

fn dropped(l: &Leaflet) -> Vec<(&str, &str)> {
    l.dropped
        .iter()
        .map(|d| (d.text.as_str(), d.reason.as_str()))
        .collect()
}

fn para(text: &str) -> Block {
    Block::Paragraph(text.into())
}

fn item(text: &str) -> Block {
    Block::ListItem(text.into())
}

#[test]
fn setext_and_wrapped_headings_make_chapters_with_their_levels() {
    let l = read("md-setext-and-wrapped-heading.md");
    assert_eq!(
        outline(&l),
        [
            ("Cataract surgery", 1),
            ("What is a cataract?", 1),
            ("How long will I wait for my operation?", 1),
            ("What happens after the operation?", 1),
            ("Recovery", 1),
            ("Eye drops", 2),
        ]
    );
    assert_eq!(
        blocks(&l, "What happens after the operation?"),
        [para(
            "You can usually go home the same day. Wear the eye shield at night for a week."
        )]
    );
    assert_eq!(
        blocks(&l, "Recovery"),
        [para(
            "most people can read again within a few days, and can drive once the nurse says so."
        )],
        "a lower-case sentence after a heading is text, not more heading"
    );
    assert_eq!(dropped(&l), [("", "empty heading")]);
}

#[test]
fn bold_lines_are_level_one_sections_on_a_page_without_section_headings() {
    let l = read("md-bold-line-headings.md");
    assert_eq!(
        outline(&l),
        [
            ("Having a blood test", 1),
            ("Before your test", 1),
            ("What happens during the test?", 1),
            ("Side effects", 1),
            ("Getting your results", 1),
        ]
    );
    assert_eq!(
        blocks(&l, "What happens during the test?"),
        [
            para("A small needle is put into a vein in your arm. It takes a few minutes."),
            para("Do not rub the area afterwards."),
        ],
        "a bold sentence is emphasis, not a heading"
    );
    assert_eq!(
        blocks(&l, "Side effects"),
        [
            item("a small bruise"),
            item("feeling faint for a moment"),
            para("Some people find it helps to lie down. Tell the nurse if you feel unwell."),
        ]
    );
}

#[test]
fn an_address_set_in_bold_is_a_contact_not_a_heading() {
    let (_dir, path) = written(
        "bloods.md",
        "# Blood tests\n\n**Getting your results**\n\nYour GP will contact you.\n\n\
         If you have questions, email the clinic:\n\n**bloods@example.nhs.uk**\n\n\
         We answer within a working day.\n\n**www.example.nhs.uk/bloods**\n\n\
         The page has the clinic's opening times.\n",
    );
    let l = audio_leaflet::leaflet::read(&path, None).unwrap().leaflet;
    assert_eq!(
        outline(&l),
        [("Blood tests", 1), ("Getting your results", 1)]
    );
    assert_eq!(
        blocks(&l, "Getting your results"),
        [
            para("Your GP will contact you."),
            para("If you have questions, email the clinic:"),
            para("bloods@example.nhs.uk"),
            para("We answer within a working day."),
            para("www.example.nhs.uk/bloods"),
            para("The page has the clinic's opening times."),
        ]
    );
}

#[test]
fn nested_lists_give_each_item_its_own_block_and_numbered_items_keep_their_number() {
    let l = read("md-nested-lists.md");
    assert_eq!(
        blocks(&l, "Things you will need"),
        [
            item("Stoma bags"),
            item("Wipes:"),
            item("dry wipes"),
            item("adhesive remover wipes"),
            item("only if your skin is not broken"),
            item("A bin bag"),
        ]
    );
    assert_eq!(
        blocks(&l, "Changing the bag"),
        [
            item("1. Wash your hands."),
            item("2. Remove the old bag:"),
            item("1. peel it from the top down"),
            item("2. support your skin with your other hand"),
            item("3. Clean the skin with warm water."),
        ]
    );
    assert_eq!(
        blocks(&l, "Ordering supplies"),
        [
            para("Carry on from the steps above:"),
            item("4. Ring the supplier."),
            item("5. Give your prescription number."),
        ],
        "a list keeps its starting number"
    );
    assert_eq!(
        blocks(&l, "If you have problems"),
        [
            item("Sore skin"),
            item("Ask your stoma nurse for a different bag."),
            item("Leaks"),
        ]
    );
}

#[test]
fn links_read_as_text_images_and_html_are_dropped_but_their_words_are_not_lost() {
    let l = read("md-links-images-html.md");
    assert_eq!(
        outline(&l),
        [
            ("Using your inhaler", 1),
            ("Cleaning", 1),
            ("Useful links", 1)
        ]
    );
    assert_eq!(
        blocks(&l, "Using your inhaler"),
        [
            para(
                "Read this with the instructions in the box. For videos, see how to use your inhaler or go to https://www.example.org/asthma."
            ),
            Block::Caption(
                "Figure 1: Hold the inhaler upright and breathe out gently before you start."
                    .into()
            ),
            para("Call 999 if your reliever inhaler does not help."),
        ]
    );
    assert_eq!(
        blocks(&l, "Cleaning"),
        [
            para(
                "Wipe the mouthpiece with a dry cloth once a week. Do not put the inhaler in water. Let it dry fully."
            ),
            para("Questions? Email asthma.nurse@example.nhs.uk or call the clinic."),
            para("Take the MDI with you to every appointment."),
        ]
    );
    assert_eq!(
        blocks(&l, "Useful links"),
        [
            item("Asthma charity helpline"),
            item("Inhaler technique videos")
        ],
        "a leaflet's own list of links is content"
    );
    assert_eq!(
        dropped(&l),
        [
            ("A person holding an inhaler to their mouth", "image"),
            ("spacer.jpg", "image"),
            ("Figure 2", "figure label with no caption text"),
            ("TODO: check the dose with pharmacy", "HTML comment"),
            (
                "<div class=\"warning\"> <p>Call <strong>999</strong> if your reliever inhaler does not help.</p> </div>",
                "HTML markup (its text is read)"
            ),
            (
                "<script>trackPage('inhaler');</script>",
                "HTML <script> element"
            ),
            (
                "<abbr title=\"metered dose inhaler\">",
                "inline HTML tag (its text is read)"
            ),
        ]
    );
}

#[test]
fn a_saved_web_page_keeps_every_sentence_and_drops_the_site_furniture() {
    let l = read("md-site-debris-nhs-style.md");
    assert_eq!(
        outline(&l),
        [
            ("Shingles", 1),
            ("Overview", 1),
            ("Symptoms", 1),
            ("Treatment", 1),
            ("Things you can do", 2),
            ("Getting help", 1),
        ]
    );
    assert!(blocks(&l, "Shingles").is_empty());
    assert_eq!(blocks(&l, "Overview").len(), 2);
    assert_eq!(blocks(&l, "Symptoms").len(), 5);
    assert_eq!(blocks(&l, "Things you can do").len(), 3);
    assert_eq!(
        blocks(&l, "Getting help"),
        [
            para(
                "Ask your GP practice for an urgent appointment if you think you have shingles and you are pregnant, or your immune system is weakened."
            ),
            para(
                "You can book online. The booking page uses cookies to hold your place in the queue, so do not clear your browser cookies while you wait."
            ),
            para(
                "After your appointment you may be asked for feedback on the care you received. Tell us what you think, as it helps us improve our services."
            ),
        ],
        "sentences that mention cookies or feedback are content"
    );
    let dropped = dropped(&l);
    for expected in [
        ("Skip to main content", "skip link"),
        ("Cookies on the Westshire Health website", "cookie banner"),
        (
            "We'd also like to set analytics cookies so we can see how people use the site and make it better.",
            "cookie banner",
        ),
        ("Accept additional cookies", "cookie banner"),
        ("View cookie policy", "cookie banner"),
        ("Westshire Health homepage", "image"),
        ("Search the Westshire Health website", "search box"),
        ("Search", "search box"),
        ("Menu", "site menu"),
        ("Healthy living", "site menu"),
        ("Home › Conditions A to Z › Shingles", "breadcrumb trail"),
        ("On this page", "list of links to parts of the page"),
        ("Symptoms", "list of links to parts of the page"),
        (
            "Next : Living with shingles",
            "link to another page of the site",
        ),
        (
            "Page last reviewed: 14 January 2025 Next review due: 14 January 2028",
            "page review dates",
        ),
        ("Was this page helpful?", "page feedback form"),
        ("No", "page feedback form"),
        ("Tell us why (optional)", "page feedback form"),
        ("Share this page", "share or social media buttons"),
        ("X", "share or social media buttons"),
        ("Back to top", "back-to-top link"),
        ("Footer", "site footer"),
        ("Privacy policy", "site footer"),
        ("© Westshire Health 2025", "site footer"),
    ] {
        assert!(dropped.contains(&expected), "not dropped: {expected:?}");
    }
    assert_eq!(dropped.len(), 39, "{dropped:#?}");
}

#[test]
fn the_outline_and_script_of_a_saved_web_page_have_no_furniture() {
    let page = fixture("md-site-debris-nhs-style.md");
    let out = bin()
        .args(["chapters", "--json"])
        .arg(&page)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let levels: Vec<(&str, u64)> = v["chapters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["title"].as_str().unwrap(), c["level"].as_u64().unwrap()))
        .collect();
    assert_eq!(levels[4], ("Things you can do", 2));
    let out = bin().arg("script").arg(&page).output().unwrap();
    let script = String::from_utf8(out.stdout).unwrap();
    for gone in [
        "Skip to",
        "Accept additional",
        "Search",
        "Conditions A to Z",
        "Page last reviewed",
        "helpful",
        "Facebook",
        "Back to top",
        "Privacy",
        "©",
    ] {
        assert!(!script.contains(gone), "still spoken: {gone}");
    }
    assert!(script.contains("so do not clear your browser cookies while you wait."));
}
