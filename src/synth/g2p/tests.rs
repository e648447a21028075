//! Checks against hibari's own G2P (the Python oracle's outputs).

use std::collections::HashMap;
use std::path::PathBuf;

/// The installed voices folder from `AUDIO_LEAFLET_VOICES`, or `None` (after
/// saying so) when it is unset or has no hibari data; panics instead when
/// `AUDIO_LEAFLET_REQUIRE_VOICES=1`.
pub fn test_voices_dir() -> Option<PathBuf> {
    let required = std::env::var("AUDIO_LEAFLET_REQUIRE_VOICES").is_ok_and(|v| v == "1");
    let dir = std::env::var_os("AUDIO_LEAFLET_VOICES").map(PathBuf::from);
    match dir {
        Some(d) if d.join("hibari").join("lexicon_us_gold.json.gz").is_file() => Some(d),
        other => {
            let why = match other {
                Some(d) => format!("{} has no hibari/ data", d.display()),
                None => "AUDIO_LEAFLET_VOICES is not set".to_string(),
            };
            if required {
                panic!(
                    "AUDIO_LEAFLET_REQUIRE_VOICES=1 but {why}: point AUDIO_LEAFLET_VOICES at the installed voices folder"
                );
            }
            eprintln!("skipped: {why}");
            None
        }
    }
}

/// (british, text, phonemes, words sent to the OOV network), from
/// hibari-tts 0.2.1's `hibari.g2p.G2P(british=...)`.
#[rustfmt::skip]
const ORACLE: &[(bool, &str, &str, &[&str])] = &[
    (false, "I read the leaflet yesterday, and I will read it again.", "ˌI ɹˈɛd ðə lˈiflət jˈɛstəɹdˌA, ænd ˌI wɪl ɹˈid ɪt əɡˈɛn.", &[]),
    (false, "Lead poisoning can lead to serious illness.", "lˈid pˈYzənɪŋ kæn lˈid tə sˈɪɹiəs ˈɪlnəs.", &[]),
    (false, "They live near the hospital and watch live music.", "ðˌA lˈɪv nˌɪɹ ðə hˈɑspˌɪTᵊl ænd wˈɑʧ lˈIv mjˈuzɪk.", &[]),
    (false, "Wind the bandage tightly; the wind is cold.", "wˈInd ðə bˈændɪʤ tˈItli; ðə wˈɪnd ɪz kˈOld.", &[]),
    (false, "Close the door and keep the bottle close to hand.", "klˈOz ðə dˈɔɹ ænd kˈip ðə bˈɑTəl klˈOs tə hˈænd.", &[]),
    (false, "Use this medicine as directed; the use of alcohol is not advised.", "jˈuz ðɪs mˈɛdəsᵊn æz dəɹˈɛktᵻd; ðə jˈus ʌv ˈælkəhˌɔl ɪz nˌɑt ədvˈIzd.", &[]),
    (false, "I used to take them.", "ˌI jˈust tə tˈAk ðˌɛm.", &[]),
    (false, "Ask your GP or the NHS for an MRI scan.", "ˈæsk jʊɹ ʤˌipˈi ɔɹ ði ˌɛnˌAʧˈɛs fɔɹ ɐn ˌɛmˌɑɹˈI skˈæn.", &[]),
    (false, "Take 2 tablets every 4 hours, up to 8 tablets in 24 hours.", "tˈAk tˈu tˈæbləts ˈɛvəɹi fˈɔɹ ˈWəɹz, ˌʌp tʊ ˈAt tˈæbləts ɪn twˈɛnti fˈɔɹ ˈWəɹz.", &[]),
    (false, "This is the 1st, 2nd, 3rd and 21st dose.", "ðˌɪs ɪz ðə fˈɜɹst, sˈɛkənd, θˈɜɹd ænd twˈɛnti fˈɜɹst dˈOs.", &[]),
    (false, "It costs £4.50 or $12.", "ˌɪt kˈɔsts fˈɔɹ pˈWndz ænd fˈɪfti pˈɛns ɔɹ twˈɛlv dˈɑləɹz.", &[]),
    (false, "Each 5 ml contains 250 mg.", "ˈiʧ fˈIv mˈɪləlˌiTəɹz kəntˈAnz tˈu hˈʌndɹəd fˈɪfti mˈɪləɡɹˌæmz.", &[]),
    (false, "On 12/03/2024 at 10:30 am.", "ˌɔn disˈɛmbəɹ θˈɜɹd, twˈɛnti twˈɛnti fˈɔɹ æt tˈɛn θˈɜɹTi ˌAˈɛm", &[]),
    (false, "In 1999 and 2005.", "ɪn nˌIntˈin nˈIndi nˈIn ænd tˈu θˈWzᵊnd fˈIv.", &[]),
    (false, "paracetamol", "pˌɛɹəsˈɛTəmˌɔl", &[]),
    (false, "ibuprofen", "ˌIbjupɹˈOfən", &[]),
    (false, "amoxicillin", "əmˌɑksəsˈɪlɪn", &[]),
    (false, "levothyroxine", "lˈɛvəθˌɪɹəksˌIn", &["levothyroxine"]),
    (false, "bath", "bˈæθ", &[]),
    (false, "hot", "hˈɑt", &[]),
    (false, "hello", "həlˈO", &[]),
    (false, "water", "wˈɔTəɹ", &[]),
    (false, "tomato", "təmˈATO", &[]),
    (false, "dance", "dˈæns", &[]),
    (false, "The patient's notes and the patients' notes.", "ðə pˈAʃənts nˈOts ænd ðə pˈAʃənts nˈOts.", &[]),
    (false, "A well-known, up-to-date anti-inflammatory.", "ɐ wˌɛlnˈOn, ˌʌptədˈAt ˌæntˌIənflˈæmətˌɔɹi.", &[]),
    (false, "Xylometazoline and zzyzx.", "zˈIlOmTəzˌɑlˌin ænd zˈizˈɪzks.", &["zzyzx", "Xylometazoline"]),
    (true, "I read the leaflet yesterday, and I will read it again.", "ˌI ɹˈɛd ðə lˈiːflɪt jˈɛstədA, and ˌI wɪl ɹˈiːd ɪt əɡˈɛn.", &[]),
    (true, "Lead poisoning can lead to serious illness.", "lˈiːd pˈYzənɪŋ kan lˈiːd tə sˈɪəɹɪəs ˈɪlnɪs.", &[]),
    (true, "They live near the hospital and watch live music.", "ðˌA lˈɪv nˌɪə ðə hˈɒspɪtᵊl and wˈɒʧ lˈIv mjˈuːzɪk.", &[]),
    (true, "Wind the bandage tightly; the wind is cold.", "wˈInd ðə bˈandɪʤ tˈItli; ðə wˈɪnd ɪz kˈQld.", &[]),
    (true, "Close the door and keep the bottle close to hand.", "klˈQz ðə dˈɔː and kˈiːp ðə bˈɒtᵊl klˈQs tə hˈand.", &[]),
    (true, "Use this medicine as directed; the use of alcohol is not advised.", "jˈuːz ðɪs mˈɛdɪsɪn az dɪɹˈɛktɪd; ðə jˈuːs ɒv ˈalkəhɒl ɪz nˌɒt ədvˈIzd.", &[]),
    (true, "I used to take them.", "ˌI jˈuːst tə tˈAk ðˌɛm.", &[]),
    (true, "Ask your GP or the NHS for an MRI scan.", "ˈɑːsk jɔː ʤˌiːpˈiː ɔː ði ˌɛnˌAʧˈɛs fɔː ɐn ˌɛmˌɑːˈI skˈan.", &[]),
    (true, "Take 2 tablets every 4 hours, up to 8 tablets in 24 hours.", "tˈAk tˈuː tˈablɪts ˈɛvəɹi fˈɔː ˈWəz, ˌʌp tʊ ˈAt tˈablɪts ɪn twˈɛnti fˈɔː ˈWəz.", &[]),
    (true, "This is the 1st, 2nd, 3rd and 21st dose.", "ðˌɪs ɪz ðə fˈɜːst, sˈɛkᵊnd, θˈɜːd and twˈɛnti fˈɜːst dˈQs.", &[]),
    (true, "It costs £4.50 or $12.", "ˌɪt kˈɒsts fˈɔː pˈWndz and fˈɪfti pˈɛns ɔː twˈɛlv dˈɒləz.", &[]),
    (true, "Each 5 ml contains 250 mg.", "ˈiːʧ fˈIv mˈɪlɪlˌiːtəz kəntˈAnz tˈuː hˈʌndɹəd fˈɪfti mˈɪlɪɡɹamz.", &[]),
    (true, "On 12/03/2024 at 10:30 am.", "ˌɒn dɪsˈɛmbə θˈɜːd, twˈɛnti twˈɛnti fˈɔː at tˈɛn θˈɜːti ˌAˈɛm", &[]),
    (true, "In 1999 and 2005.", "ɪn nˌIntˈiːn nˈInti nˈIn and tˈuː θˈWzᵊnd fˈIv.", &[]),
    (true, "paracetamol", "pˌaɹəsˈiːtəmɒl", &[]),
    (true, "ibuprofen", "ˌIbjuːpɹˈQfᵊn", &[]),
    (true, "amoxicillin", "əmˌɒksɪsˈɪlɪn", &[]),
    (true, "levothyroxine", "lˈɛvəθˌɪɹəksIn", &["levothyroxine"]),
    (true, "bath", "bˈɑːθ", &[]),
    (true, "hot", "hˈɒt", &[]),
    (true, "hello", "həlˈQ", &[]),
    (true, "water", "wˈɔːtə", &[]),
    (true, "tomato", "təmˈɑːtQ", &[]),
    (true, "dance", "dˈɑːns", &[]),
    (true, "The patient's notes and the patients' notes.", "ðə pˈAʃᵊnts nˈQts and ðə pˈAʃᵊnts nˈQts.", &[]),
    (true, "A well-known, up-to-date anti-inflammatory.", "ɐ wˌɛlnˈQn, ˌʌptədˈAt ˌantiɪnflˈamətəɹi.", &[]),
    (true, "Xylometazoline and zzyzx.", "zˈIlQmtəzˌəlˌiːn and zˈɛdˈɪzks.", &["zzyzx", "Xylometazoline"]),
];

fn load(british: bool) -> Option<super::G2p> {
    let voices = test_voices_dir()?;
    let runtime = voices.join("onnxruntime").join("libonnxruntime.so.1.31.1");
    Some(super::G2p::load(&voices.join("hibari"), &runtime, british).expect("load the G2P"))
}

/// Development aid for comparing with the Python reference: phonemize each
/// line of the file named by `G2P_DUMP_IN` (British when `G2P_DUMP_GB=1`)
/// and write one output line per input line to `G2P_DUMP_OUT`.
#[test]
#[ignore]
fn dump_lines() {
    let (Ok(input), Ok(output)) = (std::env::var("G2P_DUMP_IN"), std::env::var("G2P_DUMP_OUT"))
    else {
        eprintln!("skipped: set G2P_DUMP_IN and G2P_DUMP_OUT");
        return;
    };
    let british = std::env::var("G2P_DUMP_GB").is_ok_and(|v| v == "1");
    let t = std::time::Instant::now();
    let Some(g2p) = load(british) else { return };
    eprintln!("load: {:?}", t.elapsed());
    let text = std::fs::read_to_string(input).expect("read the input");
    let t = std::time::Instant::now();
    let mut out = String::new();
    let mut n = 0;
    for line in text.lines() {
        let p = g2p.phonemize(line).expect("phonemize");
        out.push_str(&p.phonemes);
        out.push('\n');
        n += 1;
    }
    eprintln!("phonemize: {n} lines in {:?}", t.elapsed());
    std::fs::write(output, out).expect("write the output");
}

#[test]
#[ignore = "needs the natural voices (AUDIO_LEAFLET_VOICES): scripts/test.sh runs it"]
fn matches_the_python_reference() {
    for british in [false, true] {
        let Some(g2p) = load(british) else { return };
        let mut wrong = Vec::new();
        for &(gb, text, want, oov) in ORACLE.iter().filter(|c| c.0 == british) {
            let got = g2p.phonemize(text).expect("phonemize");
            if got.phonemes != want || got.oov_words != oov {
                wrong.push(format!(
                    "{} {text:?}\n  want {want:?} {oov:?}\n  got  {:?} {:?}",
                    if gb { "gb" } else { "us" },
                    got.phonemes,
                    got.oov_words
                ));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}

#[test]
#[ignore = "needs the natural voices (AUDIO_LEAFLET_VOICES): scripts/test.sh runs it"]
fn overrides_win_over_the_lexicon() {
    let Some(mut g2p) = load(true) else { return };
    let before = g2p.phonemize("Take paracetamol.").expect("phonemize");
    assert_eq!(before.phonemes, "tˈAk pˌaɹəsˈiːtəmɒl.");
    g2p.set_overrides([("Paracetamol".to_string(), "pˌaɹəsˈɛtəmɒl".to_string())].into());
    let after = g2p.phonemize("Take PARACETAMOL.").expect("phonemize");
    assert_eq!(after.phonemes, "tˈAk pˌaɹəsˈɛtəmɒl.");
}

#[test]
#[ignore = "needs the natural voices (AUDIO_LEAFLET_VOICES): scripts/test.sh runs it"]
fn user_phonemes_are_checked_against_the_vocabulary() {
    let Some(voices) = test_voices_dir() else {
        return;
    };
    // The lexicon's check uses the symbols built into the program: they are
    // exactly the installed vocabulary's.
    let text = std::fs::read_to_string(voices.join("hibari/vocab.json")).expect("vocab.json");
    let vocab: HashMap<String, i64> = serde_json::from_str(&text).expect("vocab.json parses");
    let mut installed: Vec<char> = vocab.keys().flat_map(|k| k.chars()).collect();
    installed.sort();
    let mut built_in: Vec<char> = crate::synth::neural::SYMBOLS.chars().collect();
    built_in.sort();
    assert_eq!(installed, built_in);
    use crate::synth::neural::check_phonemes;
    assert_eq!(check_phonemes("pˌaɹəsˈiːtəmɒl"), Ok(()));
    let err = check_phonemes("paræ7").unwrap_err();
    assert!(err.starts_with("`7`"), "{err}");
}

#[test]
fn numbers_read_like_num2words() {
    use super::numbers::{cardinal, decimal, ordinal, year};
    assert_eq!(cardinal(0), "zero");
    assert_eq!(cardinal(1001), "one thousand and one");
    assert_eq!(cardinal(1234), "one thousand, two hundred and thirty-four");
    assert_eq!(ordinal(23), "twenty-third");
    assert_eq!(ordinal(101), "one hundred and first");
    assert_eq!(ordinal(1000), "one thousandth");
    assert_eq!(year(1905), "nineteen oh-five");
    assert_eq!(year(2005), "two thousand and five");
    assert_eq!(year(2010), "twenty ten");
    assert_eq!(decimal("3.140"), "three point one four");
}

#[test]
fn missing_data_files_say_how_to_fix_it() {
    let dir = std::env::temp_dir().join("audio-leaflet-g2p-no-such-dir");
    let err = super::G2p::load(&dir, &dir.join("libonnxruntime.so"), false)
        .err()
        .expect("loading from a missing folder fails");
    let msg = err.to_string();
    assert!(
        msg.contains("lexicon_us_") && msg.contains("voices install"),
        "{msg}"
    );
}

#[test]
fn one_g2p_is_shared_by_worker_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<super::G2p>();
}
