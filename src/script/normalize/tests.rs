//! Table-driven tests of the spoken forms: each row is printed text and what
//! a careful reader says; negative rows show what must be left alone.

use super::*;

fn say(text: &str) -> String {
    spoken(text, Lang::En, &Lexicon::built_in())
}

fn say_es(text: &str) -> String {
    spoken(text, Lang::Es, &Lexicon::built_in())
}

fn table(rows: &[(&str, &str)]) {
    for (printed, said) in rows {
        assert_eq!(&say(printed), said, "printed: {printed}");
    }
}

#[test]
fn phone_numbers_digit_by_digit_in_their_groups() {
    table(&[
        ("Call 020 3758 2398.", "Call 0 2 0, 3 7 5 8, 2 3 9 8."),
        (
            "on (0161) 701 1999 today",
            "on 0 1 6 1, 7 0 1, 1 9 9 9 today",
        ),
        ("+44 (0)20 7352 8121", "plus 4 4, 2 0, 7 3 5 2, 8 1 2 1"),
        (
            "Freephone 0800 4 70 80 90",
            "Freephone 0 8 0 0, 4, 7 0, 8 0, 9 0",
        ),
        ("call NHS 111 or 999", "call N H S 1 1 1 or 9 9 9"),
        ("Samaritans on 116 123", "Samaritans on 1 1 6, 1 2 3"),
        ("ring 024 76967419", "ring 0 2 4, 7 6 9 6, 7 4 1 9"),
        ("text SHOUT to 85258", "text SHOUT to 8 5 2 5 8"),
        ("0113 392 0634", "0 1 1 3, 3 9 2, 0 6 3 4"),
        // The leading 0 set apart by an extractor.
        (
            "reception: 0 1865 903274",
            "reception: 0 1 8 6 5, 9 0 3, 2 7 4",
        ),
        ("0 118 322 7172", "0 1 1 8, 3 2 2, 7 1 7 2"),
        // Not a whole number: left alone.
        ("scores of 0 123 456", "scores of 0 123 456"),
    ]);
}

#[test]
fn phone_numbers_in_every_format_of_the_numbering_plan() {
    table(&[
        ("01632 960123", "0 1 6 3 2, 9 6 0, 1 2 3"),
        ("0161 496 0000", "0 1 6 1, 4 9 6, 0 0 0 0"),
        ("(020) 7946 0000", "0 2 0, 7 9 4 6, 0 0 0 0"),
        ("020-7946-0000", "0 2 0, 7 9 4 6, 0 0 0 0"),
        ("020.7946.0000", "0 2 0, 7 9 4 6, 0 0 0 0"),
        ("0300 123 4567", "0 3 0 0, 1 2 3, 4 5 6 7"),
        ("056 1234 5678", "0 5 6, 1 2 3 4, 5 6 7 8"),
        ("07700 900123", "0 7 7 0 0, 9 0 0, 1 2 3"),
        ("0800 12345", "0 8 0 0, 1 2 3 4 5"),
        ("0845 46 47", "0 8 4 5, 4 6, 4 7"),
        ("0909 879 0000", "0 9 0 9, 8 7 9, 0 0 0 0"),
        // Printed as one run: the numbering plan's groups.
        ("02079460000", "0 2 0, 7 9 4 6, 0 0 0 0"),
        ("01134960000", "0 1 1 3, 4 9 6, 0 0 0 0"),
        ("07700900123", "0 7 7 0 0, 9 0 0, 1 2 3"),
        ("08001234567", "0 8 0 0, 1 2 3, 4 5 6 7"),
        ("+442079460000", "plus 4 4, 2 0, 7 9 4 6, 0 0 0 0"),
        ("+44 (0)20 7946 0000", "plus 4 4, 2 0, 7 9 4 6, 0 0 0 0"),
        (
            "Text relay: 18001 020 7946 0000.",
            "Text relay: 1 8 0 0 1, 0 2 0, 7 9 4 6, 0 0 0 0.",
        ),
        (
            "0300 123 4567 ext. 1234",
            "0 3 0 0, 1 2 3, 4 5 6 7, extension 1 2 3 4",
        ),
        (
            "020 7946 0000 x1234",
            "0 2 0, 7 9 4 6, 0 0 0 0, extension 1 2 3 4",
        ),
        ("ask for ext 4455", "ask for extension 4 4 5 5"),
        ("call 116 117", "call 1 1 6, 1 1 7"),
        (
            "NHS number 485 777 3456",
            "N H S number 4 8 5, 7 7 7, 3 4 5 6",
        ),
        // Not telephone numbers.
        ("take 1000 mg", "take 1000 milligrams"),
        ("in 2024 at 10:30", "in 2024 at 10 30"),
        ("on 01.07.2025", "on 1st July 2025"),
        ("0.5 to 0.75", "0.5 to 0.75"),
    ]);
}

#[test]
fn blood_pressure_readings_are_over() {
    table(&[
        ("120/80", "120 over 80"),
        ("140/90 mmHg", "140 over 90 millimetres of mercury"),
        (
            "a reading of 135/85 or higher",
            "a reading of 135 over 85 or higher",
        ),
        ("your BP is 90/60", "your B P is 90 over 60"),
        (
            "below 80/50 blood pressure",
            "below 80 over 50 blood pressure",
        ),
        (
            "a pressure of 90 mmHg",
            "a pressure of 90 millimetres of mercury",
        ),
        // Not readings: dates, fractions, scores, "24/7", addresses.
        ("on 12/05/2024", "on 12th May 2024"),
        ("1/2", "1/2"),
        ("open 24/7", "open 24 7"),
        ("a score of 80/100", "a score of 80/100"),
        ("ratio 95/80", "ratio 95/80"),
        ("a reading of 80/120", "a reading of 80/120"),
        ("120/80/60", "120/80/60"),
        ("see x.org/120/80", "see x dot org slash 1 2 0 slash 8 0"),
    ]);
}

#[test]
fn handles_and_hashtags_are_said_in_their_words() {
    table(&[
        ("@NHSEngland", "at N H S England"),
        ("follow us @UCLH.", "follow us at U C L H."),
        ("#StopSmoking", "hashtag Stop Smoking"),
        ("@nhs_england", "at n h s underscore england"),
        ("#Stoptober2025", "hashtag Stoptober 2 0 2 5"),
        ("meet @ the desk", "meet at the desk"),
        // Emails keep their reading; a "#" before a number is not a tag.
        ("a.b@nhs.net", "a dot b at n h s dot net"),
        ("Ward #3", "Ward #3"),
    ]);
    assert_eq!(
        say_es("síganos @NHSEngland"),
        "síganos arroba N H S England"
    );
}

#[test]
fn ampersands_and_character_references_are_and() {
    table(&[
        ("Wards 4 & 5", "Wards 4 and 5"),
        ("ages 5&6", "ages 5 and 6"),
        ("6 & 12 months", "6 and 12 months"),
        ("Q&A, R&D and M&S", "Q and A, R and D and M and S"),
        ("ages 5 &amp; 6", "ages 5 and 6"),
        ("Wards 4 &#38; 5", "Wards 4 and 5"),
        ("it&rsquo;s 2&nbsp;mg", "it's 2 milligrams"),
        ("levels &lt;5", "levels less than 5"),
    ]);
}

#[test]
fn fractions_are_said_with_what_they_measure() {
    table(&[
        ("½ cup", "half a cup"),
        ("¼ teaspoon", "a quarter of a teaspoon"),
        ("1½ tablespoons", "1 and a half tablespoons"),
        ("1 ½ cups", "1 and a half cups"),
        ("1/2 a pint", "half a pint"),
        ("2/3 cup", "two thirds of a cup"),
        ("¾ of your plate", "three quarters of your plate"),
        ("½ an hour", "half an hour"),
        ("⅛ teaspoon", "an eighth of a teaspoon"),
        ("1 1/2 cups", "1 and a half cups"),
        ("3/4 of the time", "three quarters of the time"),
        ("½ full", "half full"),
        ("cut by ⅓", "cut by a third"),
        ("2¾ hours", "2 and three quarters hours"),
        // Slashes that are not fractions of an amount.
        ("1/2", "1/2"),
        ("1/2/2024", "1st February 2024"),
        ("24/7 care", "24 7 care"),
        ("3/10 people", "3/10 people"),
        ("1/5 of people", "1/5 of people"),
    ]);
    assert_eq!(say_es("1½ tazas"), "1 y medio tazas");
}

#[test]
fn numbers_that_are_not_phone_numbers_are_left_as_numbers() {
    table(&[
        (
            "In 2025 we saw 2,000 patients.",
            "In 2025 we saw 2,000 patients.",
        ),
        ("Room 101 on floor 3", "Room 101 on floor 3"),
        ("It takes 0.5 seconds", "It takes 0.5 seconds"),
    ]);
}

#[test]
fn emails_are_spelt_with_words_kept() {
    table(&[
        (
            "email rf.communications@nhs.net.",
            "email r f dot communications at n h s dot net.",
        ),
        (
            "mailto:paht.pals@nhs.net",
            "p a h t dot pals at n h s dot net",
        ),
        (
            "patientsupporthub@uhs.nhs.uk",
            "patient support hub at u h s dot n h s dot u k",
        ),
    ]);
    assert_eq!(
        say_es("escriba a citas@hospital.es"),
        "escriba a citas arroba hospital punto e s"
    );
}

#[test]
fn web_addresses_without_scheme_with_parts_spoken() {
    table(&[
        (
            "Visit www.nhs.uk/conditions/asthma.",
            "Visit w w w dot n h s dot u k slash conditions slash asthma.",
        ),
        (
            "https://www.asthmaandlung.org.uk/",
            "w w w dot asthma and lung dot org dot u k",
        ),
        (
            "bit.ly/nhsleedsfft",
            "bit dot l y slash n h s l e e d s f f t",
        ),
        // Too long to spell, and not one word: said in the pieces it is
        // made of. One that reads as a word stays one.
        (
            "www.royalberkshire.nhs.uk",
            "w w w dot royal berk shire dot n h s dot u k",
        ),
        (
            "www.getoxfordshireactive.org",
            "w w w dot getox ford shire active dot org",
        ),
        (
            "www.leicspart.nhs.uk",
            "w w w dot leicspart dot n h s dot u k",
        ),
        // Letters and digits said apart.
        (
            "www.what0-18.nhs.uk",
            "w w w dot what 0 hyphen 1 8 dot n h s dot u k",
        ),
        (
            "www.example.org/stop-smoking?utm_source=leaflet&gclid=abc",
            "w w w dot example dot org slash stop hyphen smoking",
        ),
        (
            "http://example.com/page?id=7",
            "example dot com slash page question mark id equals 7",
        ),
    ]);
}

#[test]
fn addresses_one_after_another_are_said_apart() {
    table(&[
        (
            "www.nhs.uk/conditions/asthma www.asthmaandlung.org.uk",
            "w w w dot n h s dot u k slash conditions slash asthma, w w w dot asthma and lung dot org dot u k",
        ),
        (
            "help@uhs.nhs.uk bit.ly/care",
            "help at u h s dot n h s dot u k, bit dot l y slash care",
        ),
        // Already apart, or not both addresses: as before.
        (
            "www.a.org, www.b.org.",
            "w w w dot a dot org, w w w dot b dot org.",
        ),
        ("visit www.a.org today", "visit w w w dot a dot org today"),
    ]);
}

#[test]
fn web_address_look_alikes_are_left_alone() {
    table(&[
        ("Take 2.5 tablets", "Take 2.5 tablets"),
        (
            "a level of 5.0 mmol/L",
            "a level of 5.0 millimoles per litre",
        ),
    ]);
}

#[test]
fn postcodes_as_people_say_them() {
    table(&[
        ("London NW3 2QG", "London N W 3, 2 Q G"),
        ("Southampton SO16 6YD.", "Southampton S O 16, 6 Y D."),
        ("Harlow, Essex, CM20 1QX)", "Harlow, Essex, C M 20, 1 Q X)"),
        ("London SW1A 2AA", "London S W 1 A, 2 A A"),
        ("Manchester M13 9WL", "Manchester M 13, 9 W L"),
        ("Bolton BL0 9AA", "Bolton B L 0, 9 A A"),
    ]);
}

#[test]
fn abbreviations_are_expanded() {
    table(&[
        ("(eg a whole leg)", "(for example a whole leg)"),
        ("e.g. a limb", "for example a limb"),
        ("(ie autologous tissue)", "(that is autologous tissue)"),
        ("i.e., the bone", "that is the bone"),
        ("pens, paper etc.", "pens, paper et cetera"),
        ("Mr Kang and Mrs Shah", "Mister Kang and Missus Shah"),
        ("Ms Lee saw Dr Patel", "Miz Lee saw Doctor Patel"),
        ("St Thomas' Hospital", "Saint Thomas' Hospital"),
        ("Pond St, Hampstead", "Pond Street, Hampstead"),
        ("Ward No. 4", "Ward number 4"),
        ("approx. 30 minutes", "approximately 30 minutes"),
        ("diet vs exercise", "diet versus exercise"),
    ]);
}

#[test]
fn acronyms_as_letters_unless_the_lexicon_says_word() {
    table(&[
        ("see your GP", "see your G P"),
        ("an MRI or CT scan", "an M R I or C T scan"),
        ("ITAP implants", "I T A P implants"),
        ("GPs and nurses", "G P's and nurses"),
        ("the NHS", "the N H S"),
        ("contact PALS", "contact PALS"),
        ("hearing aids (BAHA)", "hearing aids (BAHA)"),
        ("DO NOT eat", "DO NOT eat"),
    ]);
}

#[test]
fn numbers_ranges_units_and_doses() {
    table(&[
        ("50-60g of oats", "50 to 60 grams of oats"),
        ("wait 4-72 hours", "wait 4 to 72 hours"),
        ("30 to 45 minutes", "30 to 45 minutes"),
        ("1 in 20 people", "1 in 20 people"),
        ("about 20% of people", "about 20 per cent of people"),
        ("1/2 a tablet", "half a tablet"),
        ("½ a cup", "half a cup"),
        ("1½ hours", "1 and a half hours"),
        ("take 5mg", "take 5 milligrams"),
        ("1 g of salt", "1 gram of salt"),
        ("250ml of milk", "250 millilitres of milk"),
        ("70kg adult", "70 kilograms adult"),
        ("a 2 cm cut", "a 2 centimetres cut"),
        ("below 5.0 mmol/L", "below 5.0 millimoles per litre"),
        ("2 x daily", "2 times daily"),
        ("repeat x2", "repeat times 2"),
        ("1.5-3g daily", "1.5 to 3 grams daily"),
    ]);
}

#[test]
fn times_and_dates_as_said_in_britain() {
    table(&[
        ("at 10:30am", "at 10 30 a m"),
        ("open 9.30am-5.30pm", "open 9 30 a m to 5 30 p m"),
        ("from 9am to 4pm", "from 9 a m to 4 p m"),
        ("at 16:00", "at 16 hundred"),
        ("at 7:05pm", "at 7 oh 5 p m"),
        ("Review date: 01/07/25", "Review date: 1st July 2025"),
        ("on 23/11/2026", "on 23rd November 2026"),
        (
            "Publication date: 10/2023",
            "Publication date: October 2023",
        ),
        ("the 1st and 2nd doses", "the 1st and 2nd doses"),
    ]);
    assert_eq!(say_es("el 01/07/25"), "el 1 de julio de 2025");
}

#[test]
fn symbols_are_read() {
    table(&[
        ("A&E", "A and E"),
        ("Fish & chips", "Fish and chips"),
        ("Voltarol® gel", "Voltarol gel"),
        ("© The Trust", "copyright The Trust"),
        ("costs £5.50", "costs 5 pounds 50"),
        ("costs £1", "costs 1 pound"),
        ("a 50p coin", "a 50 pence coin"),
        ("above 37.5°C", "above 37.5 degrees Celsius"),
        ("±2 mm", "plus or minus 2 millimetres"),
        ("levels <5 and >10", "levels less than 5 and more than 10"),
        ("and/or", "and or"),
        ("the TC:HDL ratio", "the T C to H D L ratio"),
        (
            "an albumin:creatinine ratio",
            "an albumin to creatinine ratio",
        ),
        ("Note:Take it", "Note:Take it"),
    ]);
}

#[test]
fn typography_is_plain_and_dashes_pause() {
    table(&[
        (
            "the patient’s “own” tissue – for limbs",
            "the patient's \"own\" tissue, for limbs",
        ),
        ("glues — for smaller", "glues, for smaller"),
        ("bone-anchor", "bone-anchor"),
        (
            "NHS Trust • 1st edition · 2023 | Ward 7",
            "N H S Trust, 1st edition, 2023, Ward 7",
        ),
        ("a•b and x|y", "a•b and x|y"),
        ("• 20 almonds, • 15 hazelnuts", "20 almonds, 15 hazelnuts"),
    ]);
}

#[test]
fn markup_is_not_read_but_its_words_are() {
    table(&[
        (
            "Why <b>fasting</b> & \"rest\" matter?",
            "Why fasting and \"rest\" matter?",
        ),
        (
            "Fish & chips </script><!-- \"quoted\"",
            "Fish and chips \"quoted\"",
        ),
        (
            "Drinks & <water> before 7am",
            "Drinks and water before 7 a m",
        ),
        ("a <br/>b <IMG src=\"x.png\"> c", "a b c"),
        ("Do **not** drive", "Do not drive"),
        ("see [our page](x.org)", "see our page (x dot org)"),
        ("a<a<b>>", "a >"),
        ("levels <5 and > 3", "levels less than 5 and more than 3"),
        ("Settings > Display", "Settings > Display"),
        // What later rules make of the text cannot make a tag either.
        (
            "<<5 or <+44 20 7946 0000 >",
            "< less than 5 or < plus 4 4, 2 0, 7 9 4 6, 0 0 0 0 >",
        ),
        ("*®* [a]™(b) <®/p>", "a (b)"),
    ]);
}

#[test]
fn no_group_of_five_digits_is_left() {
    for text in ["MID code: 20230803_010/NR", "LN005673", "text 85258"] {
        let s = say(text);
        assert!(
            !s.as_bytes()
                .windows(5)
                .any(|w| w.iter().all(u8::is_ascii_digit)),
            "{text} -> {s}"
        );
    }
}

#[test]
fn the_lexicon_applies_before_the_voice() {
    let mut lex = Lexicon::built_in();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.toml");
    std::fs::write(
        &path,
        "[say]\nbd = \"twice a day\"\n[acronyms]\nwords = [\"ASAP\"]\n",
    )
    .unwrap();
    lex = Lexicon::with_user_file(Some(&path)).unwrap_or(lex);
    assert_eq!(
        spoken("Take it bd, ASAP.", Lang::En, &lex),
        "Take it twice a day, ASAP."
    );
}

#[test]
fn a_pair_of_letters_for_one_sound_counts_once_where_asked() {
    assert!(!pronounceable("berkshire", false));
    assert!(pronounceable("berkshire", true));
    // Four consonant sounds in a row are still too many.
    assert!(!pronounceable("arkstre", true));
    assert_eq!(
        said_pieces("royalberkshire").unwrap(),
        ["royal", "berk", "shire"]
    );
    assert_eq!(said_pieces("nhsleedsfft"), None);
    assert_eq!(runs_of_digits_apart("what0x12"), ["what", "0", "x", "12"]);
}
