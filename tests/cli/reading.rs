//! Reading leaflets into chapters.

use audio_leaflet::leaflet::Block;

use crate::util::{bin, fixture, repo, shared_leaflet, titles, written};

#[test]
#[ignore = "needs ../shared/leaflets: scripts/test.sh runs it"]
fn reference_leaflet_has_its_fifteen_chapters_in_order() {
    let expected = [
        "Osseointegration for reconstruction",
        "What is the difference between prosthetic and autologous reconstruction?",
        "How are the prostheses attached?",
        "What is osseointegration?",
        "How can an osseointegrated bone-anchor be used to secure a prosthesis?",
        "Which parts of the body can be reconstructed using a bone-anchored implant?",
        "What disadvantages are there with bone-anchored implants?",
        "What has been the experience with bone-anchored implants so far?",
        "What is the status of NHS funding for surgery to insert an osseointegrated bone-anchor into the hand (wrist to fingertip) or head and neck region (especially eyes, noses and ears)?",
        "What is the status of NHS funding for surgery to insert an osseointegrated bone-anchor after major limb loss (eg missing arm or leg)?",
        "What happens if something goes wrong?",
        "How can I find out whether I am suitable for this procedure?",
        "More information",
        "Your feedback",
        "Alternative formats",
    ];
    assert_eq!(titles(&shared_leaflet("osseointegration.txt")), expected);
}

#[test]
#[ignore = "needs ../shared/leaflets: scripts/test.sh runs it"]
fn reference_leaflet_outline_json_has_the_documented_shape() {
    let out = bin()
        .args(["chapters", "--json"])
        .arg(shared_leaflet("osseointegration.txt"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["title"], "Osseointegration for reconstruction");
    assert_eq!(v["language"], "en");
    let chapters = v["chapters"].as_array().unwrap();
    assert_eq!(chapters.len(), 15);
    assert_eq!(chapters[0]["index"], 1);
    assert!(chapters.iter().all(|c| c["level"] == 1));
    assert!(chapters.iter().all(|c| c["words"].as_u64().unwrap() > 5));
    assert!(
        chapters[0]["words"].as_u64().unwrap() > 20,
        "the title chapter holds the introduction"
    );
}

#[test]
#[ignore = "needs ../shared/leaflets: scripts/test.sh runs it"]
fn reference_leaflet_script_drops_link_lines_and_reference_numbers_but_no_sentence() {
    let out = bin()
        .arg("script")
        .arg(shared_leaflet("osseointegration.txt"))
        .output()
        .unwrap();
    let script = String::from_utf8(out.stdout).unwrap();
    for gone in ["mailto:", "http://", "years1-4", "patients5-6", "area7-10"] {
        assert!(!script.contains(gone), "{gone} is still spoken");
    }
    for kept in [
        "Information for patients",
        "outcomes in these groups of patients have been excellent over many years.",
        "achieve consistently good outcomes for the majority of our patients.",
        "actively contributing to research in this area and are",
        "w w w dot royal free private patients dot com slash treatments slash relimb",
        "w w w dot royal free dot n h s dot u k slash services slash services hyphen a hyphen z slash plastic hyphen surgery slash prosthetic hyphen limbs hyphen and hyphen body hyphen parts slash osseointegration",
        "Left transfemoral amputation. O P L bone-anchor inserted one year ago.",
        "e-mail: norbertkang at n h s dot net",
        "contact 0 2 0, 3 7 5 8, 2 3 9 8.",
    ] {
        assert!(script.contains(kept), "lost: {kept}");
    }
}

#[test]
fn wrapped_question_headings_and_short_headings_are_found() {
    let path = fixture("pdf-wrapped-question-and-short-headings.txt");
    assert_eq!(
        titles(&path),
        [
            "Looking after your new knee",
            "What should I do if my knee becomes hot, swollen or more painful than it was the day before?",
            "Exercises",
            "Contact numbers",
        ]
    );
    let leaflet = audio_leaflet::leaflet::read(&path, None).unwrap().leaflet;
    let contacts: Vec<&str> = leaflet.chapters[3].blocks.iter().map(Block::text).collect();
    assert_eq!(
        contacts,
        [
            "Orthopaedic ward: 01632 960 555",
            "Physiotherapy: 01632 960 556"
        ],
        "contact lines stay apart so the listener hears a pause between them"
    );
}

#[test]
fn page_breaks_footers_link_lines_and_reference_numbers() {
    let path = fixture("pdf-page-break-links-and-references.txt");
    let leaflet = audio_leaflet::leaflet::read(&path, None).unwrap().leaflet;
    let titles: Vec<&str> = leaflet.chapters.iter().map(|c| c.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Stopping smoking before surgery",
            "Support in our clinic",
            "How long do the cravings last?"
        ]
    );
    let text: Vec<&str> = leaflet.chapters[2].blocks.iter().map(Block::text).collect();
    assert_eq!(
        text,
        [
            "Most cravings pass within a few minutes and become less frequent over the first month. Find local services at www.example.org/stop-smoking",
            "www.example.org/other-page",
        ],
        "a link line repeating an address is dropped; a new address is kept"
    );
    let all = format!("{:?}", leaflet.chapters);
    assert!(
        !all.contains("Stop Smoking Service"),
        "running header spoken"
    );
    assert!(
        all.contains("than without it."),
        "reference numbers 2,3 spoken"
    );
    let reasons: Vec<&str> = leaflet.dropped.iter().map(|d| d.reason.as_str()).collect();
    assert!(reasons.iter().any(|r| r.starts_with("link line")));
    assert!(reasons.iter().any(|r| r.starts_with("page header")));
}

#[test]
fn example_leaflet_reads_as_the_readme_says() {
    assert_eq!(
        titles(&repo("examples/carpal-tunnel.txt")),
        [
            "Carpal tunnel release",
            "What is carpal tunnel syndrome and why does it cause numbness in the fingers?",
            "How is the operation done?",
            "Looking after your hand at home",
            "More information",
            "Contact us",
        ]
    );
}

#[test]
#[ignore = "needs ../shared/leaflets: scripts/test.sh runs it"]
fn script_of_one_chapter_is_only_its_spoken_text() {
    let out = bin()
        .args(["script", "--chapter", "14"])
        .arg(shared_leaflet("osseointegration.txt"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "Your feedback\nIf you have any feedback on this leaflet, please email: r f dot communications at n h s dot net\n"
    );
}

#[test]
fn markdown_leaflets_use_their_headings() {
    let (_dir, md) = written(
        "gout.md",
        "# Gout\n\nGout is a painful swelling of a joint.\n\n## Treatment\n\n* Rest the joint\n* Drink water\n\n## Contact us\n\nCall the clinic.\n",
    );
    assert_eq!(titles(&md), ["Gout", "Treatment", "Contact us"]);
}

#[test]
fn voices_lists_the_built_in_voices() {
    let out = bin().arg("voices").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("kal16") && text.contains("(default)"));
    // The test voice works with --voice but is no choice for a listener.
    assert!(!text.lines().any(|l| l.starts_with("fake ")), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("kal ") && l.contains(" en "))
    );
}
