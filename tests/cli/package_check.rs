//! Listening quality and `audio-leaflet check`: the built package is sound,
//! every chapter is mastered alike, and a damaged package is caught.

use std::path::Path;
use std::process::Command;

use crate::util::{bin, build_package, manifest, repo, shared_leaflet};

fn check(dir: &Path) -> (bool, String) {
    let o = bin().arg("check").arg(dir).output().unwrap();
    (o.status.success(), String::from_utf8(o.stdout).unwrap())
}

/// ffmpeg's EBU R128 meter: integrated loudness and true peak of a file.
pub fn ffmpeg_loudness(wav: &Path) -> (f64, f64) {
    let o = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostats", "-i"])
        .arg(wav)
        .args(["-af", "ebur128=peak=true", "-f", "null", "-"])
        .output()
        .expect("ffmpeg is installed (scripts/setup.sh)");
    let text = String::from_utf8_lossy(&o.stderr);
    let summary = text
        .split("Summary:")
        .nth(1)
        .expect("ebur128 printed a summary");
    let value = |key: &str| -> f64 {
        summary
            .lines()
            .find_map(|l| l.trim().strip_prefix(key))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {key} in {summary}"))
    };
    (value("I:"), value("Peak:"))
}

#[test]
#[ignore = "needs ffmpeg (apt) and ../shared/leaflets: scripts/test.sh runs it"]
fn the_reference_leaflet_is_mastered_evenly_as_ffmpeg_measures_it() {
    let out = tempfile::tempdir().unwrap();
    // The real voice: the lead-in and tail checks below are about speech
    // at 16 kHz.
    let dir = build_package(
        &shared_leaflet("osseointegration.txt"),
        out.path(),
        &["--voice", "kal16", "--audio", "wav"],
    );
    let m = manifest(&dir);
    assert_eq!(m.chapters.len(), 15);
    let mut measured = Vec::new();
    for c in &m.chapters {
        let (i, peak) = ffmpeg_loudness(&dir.join(&c.file));
        assert!((i + 18.0).abs() <= 1.0, "{}: {i} LUFS", c.file);
        assert!(peak <= -1.5, "{}: true peak {peak} dBTP", c.file);
        assert!(
            (c.loudness_lufs - i).abs() <= 0.3,
            "{}: manifest {} vs ffmpeg {i}",
            c.file,
            c.loudness_lufs
        );
        assert!(c.true_peak_dbtp <= -1.5, "{}", c.file);
        measured.push(i);
        // A fixed lead-in and tail of silence: 0.5 s, and 1.0 s running on
        // to the end of an MP3 frame (576 samples).
        let samples: Vec<i16> = hound::WavReader::open(dir.join(&c.file))
            .unwrap()
            .samples::<i16>()
            .map(Result::unwrap)
            .collect();
        assert!(
            samples[..7_900].iter().all(|&s| s == 0),
            "{}: lead-in",
            c.file
        );
        assert!(
            samples[7_900..8_400].iter().any(|&s| s != 0),
            "{}: speech starts at 0.5 s",
            c.file
        );
        let end = samples.len();
        assert!(
            samples[end - 15_900..].iter().all(|&s| s == 0),
            "{}: tail",
            c.file
        );
        assert!(
            samples[end - 16_900..end - 15_900].iter().any(|&s| s != 0),
            "{}: speech ends 1 s (up to a frame more) before the end",
            c.file
        );
    }
    let spread = measured.iter().cloned().fold(f64::MIN, f64::max)
        - measured.iter().cloned().fold(f64::MAX, f64::min);
    assert!(
        spread <= 1.0,
        "chapters within 1 LU of each other: {measured:?}"
    );
    let (ok, text) = check(&dir);
    assert!(ok, "{text}");
    assert!(text.starts_with("ok: "));
}

#[test]
fn check_names_each_problem_and_fails() {
    let out = tempfile::tempdir().unwrap();
    let dir = build_package(
        &repo("examples/carpal-tunnel.txt"),
        out.path(),
        &["--audio", "wav"],
    );
    let m = manifest(&dir);
    assert!(check(&dir).0);
    assert!(
        check(out.path()).0,
        "an output folder holding packages is checked whole"
    );

    // A chapter cut short, a playlist missing a line, a broken NCC count.
    let third = dir.join(&m.chapters[2].file);
    let mut reader = hound::WavReader::open(&third).unwrap();
    let spec = reader.spec();
    let samples: Vec<i16> = reader.samples::<i16>().map(Result::unwrap).collect();
    let mut w = hound::WavWriter::create(&third, spec).unwrap();
    for s in &samples[..samples.len() / 2] {
        w.write_sample(*s).unwrap();
    }
    w.finalize().unwrap();
    let playlist = std::fs::read_to_string(dir.join("playlist.m3u8")).unwrap();
    let fewer: Vec<&str> = playlist
        .lines()
        .filter(|l| !l.contains(&m.chapters[4].file))
        .collect();
    std::fs::write(dir.join("playlist.m3u8"), fewer.join("\n")).unwrap();
    let ncc = std::fs::read_to_string(dir.join("ncc.html")).unwrap();
    std::fs::write(
        dir.join("ncc.html"),
        ncc.replace(
            "name=\"ncc:tocItems\" content=\"6\"",
            "name=\"ncc:tocItems\" content=\"7\"",
        ),
    )
    .unwrap();
    std::fs::remove_file(dir.join(&m.chapters[5].file)).unwrap();
    // A passage of the player's text lost.
    let page = std::fs::read_to_string(dir.join("index.html")).unwrap();
    std::fs::write(
        dir.join("index.html"),
        page.replacen("<a class=\"passage\"", "<a class=\"lost\"", 1),
    )
    .unwrap();
    let utterances: usize = m.chapters.iter().map(|c| c.utterances.len()).sum();

    let (ok, text) = check(&dir);
    assert!(!ok);
    let has = |needle: &str| assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    has(&format!("{}: lasts ", m.chapters[2].file));
    has("playlist.m3u8: lists");
    has("ncc.html: ncc:tocItems is not the 6 headings it has");
    has(&format!(
        "{}: is missing or not a valid WAV file",
        m.chapters[5].file
    ));
    has("leaflet.wav: holds");
    has(&format!(
        "index.html: shows {} passages of the text for {utterances} utterances",
        utterances - 1
    ));

    let empty = tempfile::tempdir().unwrap();
    let o = bin().arg("check").arg(empty.path()).output().unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("holds no package"));
}
