use super::*;

fn units(page: &str) -> Vec<(Kind, String)> {
    read(page)
        .unwrap()
        .units
        .into_iter()
        .map(|u| (u.kind, u.text))
        .collect()
}

#[test]
fn a_row_with_a_label_reads_label_first() {
    let cells = |c: &[(bool, &str)]| -> Vec<(bool, String)> {
        c.iter().map(|(h, t)| (*h, t.to_string())).collect()
    };
    assert_eq!(
        row_text(&cells(&[(true, "Ward 5"), (false, "01234 567890")])),
        "Ward 5: 01234 567890"
    );
    assert_eq!(
        row_text(&cells(&[(false, "Mon"), (false, "9am"), (false, "5pm")])),
        "Mon; 9am; 5pm"
    );
    assert_eq!(row_text(&cells(&[(false, " "), (false, "only")])), "only");
}

#[test]
fn the_site_name_leaves_the_tab_title() {
    assert_eq!(
        without_site_name("Knee replacement | Westshire NHS Trust"),
        "Knee replacement"
    );
    assert_eq!(
        without_site_name("Before and after - what to expect"),
        "Before and after - what to expect"
    );
}

#[test]
fn word_list_markers_number_items() {
    assert_eq!(element::marker_number("3."), Some(3));
    assert_eq!(element::marker_number(" 12) "), Some(12));
    assert_eq!(element::marker_number("\u{b7}"), None);
    let page = "<body lang=EN-GB><p class=MsoListParagraphCxSpFirst><span style='mso-list: Ignore'>2.<span>&nbsp;</span></span>Second step</p><p class=MsoListBullet><span style='mso-list:Ignore'>o</span>A bullet</p></body>";
    let got = read(page).unwrap();
    assert_eq!(got.language.as_deref(), Some("en"));
    let items: Vec<(Option<u64>, &str)> = got
        .units
        .iter()
        .map(|u| (u.number, u.text.as_str()))
        .collect();
    assert_eq!(items, [(Some(2), "Second step"), (None, "A bullet")]);
}

#[test]
fn the_tab_title_is_the_title_only_without_headings() {
    let only = units("<title>Grommets | Westshire NHS Trust</title><p>Small tubes.</p>");
    assert_eq!(only[0], (Kind::Heading(1), "Grommets".to_string()));
    let with = units("<title>Tab</title><h1>Grommets</h1><p>Small tubes.</p>");
    assert!(matches!(&with[0].1, t if t == "Tab"), "{with:?}");
    assert!(matches!(with[0].0, Kind::Dropped(_)));
    assert_eq!(with[1], (Kind::Heading(1), "Grommets".to_string()));
}
