//! `leaflet.wav` and `leaflet.cue`: the chapters joined into one file, with
//! chapter marks that a RIFF reader written here, FFmpeg and SoX all read.

use std::path::{Path, PathBuf};
use std::process::Command;

use audio_leaflet::package::Manifest;

use crate::util::{bin, build_package as build, repo};

/// The example with WAV chapters, so `leaflet.wav` is written.
fn build_example(out: &Path) -> PathBuf {
    build(
        &repo("examples/carpal-tunnel.txt"),
        out,
        &["--audio", "wav"],
    )
}

fn manifest(dir: &Path) -> Manifest {
    serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap()
}

fn samples(path: &Path) -> Vec<i16> {
    let mut reader = hound::WavReader::open(path)
        .unwrap_or_else(|e| panic!("{} is a WAV file: {e}", path.display()));
    reader.samples::<i16>().map(Result::unwrap).collect()
}

/// Where each chapter starts in the joined file, in samples, from the
/// chapter WAVs themselves.
fn chapter_offsets(dir: &Path, m: &Manifest) -> (Vec<u32>, u32) {
    let mut at = 0;
    let mut offsets = Vec::new();
    for c in &m.chapters {
        offsets.push(at);
        at += hound::WavReader::open(dir.join(&c.file))
            .unwrap()
            .duration();
    }
    (offsets, at)
}

fn le16(b: &[u8]) -> u16 {
    u16::from_le_bytes(b[..2].try_into().unwrap())
}

fn le32(b: &[u8]) -> u32 {
    u32::from_le_bytes(b[..4].try_into().unwrap())
}

/// One RIFF chunk: its id and its body (without the pad byte).
struct Chunk<'a> {
    id: String,
    body: &'a [u8],
}

/// The chunks of a RIFF/WAVE file, checking the RIFF size is exact.
fn riff_chunks(bytes: &[u8]) -> Vec<Chunk<'_>> {
    assert_eq!(&bytes[..4], b"RIFF");
    assert_eq!(
        le32(&bytes[4..]) as usize,
        bytes.len() - 8,
        "the RIFF size is the file's length less 8"
    );
    assert_eq!(&bytes[8..12], b"WAVE");
    sub_chunks(&bytes[12..])
}

/// Chunks one after another, each on an even offset (a pad byte, zero,
/// after an odd-sized body), filling `rest` exactly.
fn sub_chunks(mut rest: &[u8]) -> Vec<Chunk<'_>> {
    let mut chunks = Vec::new();
    while !rest.is_empty() {
        assert!(rest.len() >= 8, "a chunk header is cut short");
        let id = String::from_utf8_lossy(&rest[..4]).into_owned();
        let size = le32(&rest[4..]) as usize;
        let padded = size + size % 2;
        assert!(
            rest.len() >= 8 + padded,
            "chunk `{id}` ({size} bytes) runs past the end ({} left)",
            rest.len() - 8
        );
        if size % 2 == 1 {
            assert_eq!(rest[8 + size], 0, "the pad byte after `{id}` is zero");
        }
        chunks.push(Chunk {
            id,
            body: &rest[8..8 + size],
        });
        rest = &rest[8 + padded..];
    }
    chunks
}

/// What the marks in a joined WAV say.
struct Marks {
    /// (cue id, sample offset), in file order.
    cues: Vec<(u32, u32)>,
    /// (cue id, label), in file order.
    labels: Vec<(u32, String)>,
    data: Vec<i16>,
    sample_rate: u32,
}

/// Read a joined WAV with the small RIFF reader above: `fmt ` (mono 16-bit
/// PCM), `data`, `cue ` and `LIST`/`adtl`, in that order and nothing else.
fn read_marks(path: &Path) -> Marks {
    let bytes = std::fs::read(path).unwrap();
    let chunks = riff_chunks(&bytes);
    let ids: Vec<&str> = chunks.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["fmt ", "data", "cue ", "LIST"]);

    let fmt = chunks[0].body;
    assert_eq!(fmt.len(), 16);
    let sample_rate = le32(&fmt[4..]);
    assert_eq!(
        (
            le16(fmt),
            le16(&fmt[2..]),
            le16(&fmt[12..]),
            le16(&fmt[14..])
        ),
        (1, 1, 2, 16),
        "PCM, mono, 2-byte blocks, 16 bits"
    );
    assert_eq!(le32(&fmt[8..]), sample_rate * 2, "bytes a second");

    let data = chunks[1]
        .body
        .chunks(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect();

    let cue = chunks[2].body;
    let count = le32(cue) as usize;
    assert_eq!(
        cue.len(),
        4 + 24 * count,
        "the cue chunk holds {count} points"
    );
    let cues = cue[4..]
        .chunks(24)
        .map(|p| {
            assert_eq!(&p[8..12], b"data", "fccChunk");
            assert_eq!(
                (le32(&p[12..]), le32(&p[16..])),
                (0, 0),
                "chunk and block start"
            );
            assert_eq!(le32(&p[4..]), le32(&p[20..]), "position is the offset");
            (le32(p), le32(&p[20..]))
        })
        .collect();

    let list = chunks[3].body;
    assert_eq!(&list[..4], b"adtl");
    let labels = sub_chunks(&list[4..])
        .into_iter()
        .map(|labl| {
            assert_eq!(labl.id, "labl");
            let (text, nul) = labl.body[4..].split_at(labl.body.len() - 5);
            assert_eq!(nul, [0], "the label ends with its NUL");
            assert!(!text.contains(&0), "one NUL only");
            let text = String::from_utf8(text.to_vec()).expect("labels are UTF-8");
            (le32(labl.body), text)
        })
        .collect();
    Marks {
        cues,
        labels,
        data,
        sample_rate,
    }
}

/// A CUE sheet as a player reads it.
#[derive(Debug)]
struct Sheet {
    title: String,
    performer: String,
    file: String,
    /// (track number, title, INDEX 01 in seconds)
    tracks: Vec<(u32, String, f64)>,
}

/// The text of a CUE string: in straight double quotes, with none inside.
fn cue_string(rest: &str) -> (String, &str) {
    let inner = rest
        .strip_prefix('"')
        .unwrap_or_else(|| panic!("`{rest}` is quoted"));
    let (text, after) = inner
        .split_once('"')
        .unwrap_or_else(|| panic!("`{rest}` has a closing quote"));
    (text.to_string(), after)
}

fn parse_sheet(text: &str) -> Sheet {
    let mut sheet = Sheet {
        title: String::new(),
        performer: String::new(),
        file: String::new(),
        tracks: Vec::new(),
    };
    assert!(!text.starts_with('\u{feff}'), "no byte-order mark");
    for line in text.lines() {
        let (command, rest) = line.trim().split_once(' ').unwrap();
        match command {
            "REM" => {}
            "TITLE" => {
                let (title, after) = cue_string(rest);
                assert_eq!(after, "", "nothing follows the title: {line}");
                match sheet.tracks.last_mut() {
                    Some(track) => track.1 = title,
                    None => sheet.title = title,
                }
            }
            "PERFORMER" => {
                let (performer, after) = cue_string(rest);
                assert_eq!(after, "");
                sheet.performer = performer;
            }
            "FILE" => {
                let (file, after) = cue_string(rest);
                assert_eq!(after, " WAVE");
                sheet.file = file;
            }
            "TRACK" => {
                let (n, kind) = rest.split_once(' ').unwrap();
                assert_eq!(kind, "AUDIO");
                assert_eq!(n.len(), 2, "two-digit track numbers: {line}");
                sheet
                    .tracks
                    .push((n.parse().unwrap(), String::new(), f64::NAN));
            }
            "INDEX" => {
                let time = rest.strip_prefix("01 ").expect("INDEX 01");
                let parts: Vec<u32> = time.split(':').map(|p| p.parse().unwrap()).collect();
                let [mm, ss, ff] = parts[..] else {
                    panic!("mm:ss:ff: {line}")
                };
                assert!(ss < 60 && ff < 75, "{line}");
                sheet.tracks.last_mut().expect("INDEX inside a TRACK").2 =
                    f64::from(mm * 60 + ss) + f64::from(ff) / 75.0;
            }
            _ => panic!("unexpected CUE command: {line}"),
        }
    }
    sheet
}

#[test]
fn the_joined_wav_is_the_chapters_end_to_end_with_a_mark_at_each_start() {
    let out = tempfile::tempdir().unwrap();
    let dir = build_example(out.path());
    let m = manifest(&dir);
    let (offsets, total) = chapter_offsets(&dir, &m);

    let joined = dir.join("leaflet.wav");
    let spec = hound::WavReader::open(&joined).unwrap().spec();
    assert_eq!(
        (spec.channels, spec.sample_rate, spec.bits_per_sample),
        (1, m.audio.sample_rate, 16)
    );
    let mut chapters: Vec<i16> = Vec::new();
    for c in &m.chapters {
        chapters.extend(samples(&dir.join(&c.file)));
    }
    let whole = samples(&joined);
    assert_eq!(
        whole.len(),
        total as usize,
        "as long as the chapters together"
    );
    assert!(whole == chapters, "the samples are the chapters' in order");

    let marks = read_marks(&joined);
    assert_eq!(marks.sample_rate, m.audio.sample_rate);
    assert!(marks.data == chapters);
    let ids: Vec<u32> = (1..=m.chapters.len() as u32).collect();
    assert_eq!(
        marks.cues,
        ids.iter().copied().zip(offsets.clone()).collect::<Vec<_>>()
    );
    let titles: Vec<(u32, String)> = ids
        .iter()
        .copied()
        .zip(m.chapters.iter().map(|c| c.title.clone()))
        .collect();
    assert_eq!(marks.labels, titles);
    assert_eq!(m.chapters.len(), 6);
}

#[test]
fn the_cue_sheet_indexes_each_chapter_at_its_start() {
    let out = tempfile::tempdir().unwrap();
    let dir = build_example(out.path());
    let m = manifest(&dir);
    let sheet = parse_sheet(&std::fs::read_to_string(dir.join("leaflet.cue")).unwrap());
    assert_eq!(sheet.title, "Carpal tunnel release");
    assert_eq!(sheet.performer, "fake (fake)");
    assert_eq!(sheet.file, "leaflet.wav");
    assert_eq!(sheet.tracks.len(), m.chapters.len());
    for ((n, title, index_s), c) in sheet.tracks.iter().zip(&m.chapters) {
        assert_eq!(*n as usize, c.index);
        assert_eq!(title, &c.title);
        // The manifest rounds to the millisecond; the sheet counts whole
        // frames of 1/75 s, rounded down so no chapter loses its first word.
        assert!(
            *index_s <= c.start_s + 0.0005 && c.start_s - index_s < 1.0 / 75.0 + 0.0005,
            "track {n} is at {index_s}s, the chapter at {}s",
            c.start_s
        );
    }
    assert!(
        sheet.tracks.iter().skip(1).all(|t| t.2 > 1.0),
        "later tracks start later"
    );
}

/// ffprobe's view of a file, failing on anything it says on stderr.
fn ffprobe(path: &Path) -> serde_json::Value {
    let out = Command::new("ffprobe")
        .args(["-v", "warning", "-of", "json"])
        .args(["-show_chapters", "-show_format", "-show_streams"])
        .arg(path)
        .output()
        .expect("ffprobe is installed (run scripts/setup.sh)");
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "",
        "ffprobe reads {} without a warning",
        path.display()
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `sox --i` (with `args`), failing on anything it says on stderr.
fn sox_info(args: &[&str], path: &Path) -> String {
    let out = Command::new("sox")
        .arg("--i")
        .args(args)
        .arg(path)
        .output()
        .expect("sox is installed (run scripts/setup.sh)");
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "",
        "sox reads {} without a warning",
        path.display()
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
#[ignore = "needs ffmpeg and sox (apt): scripts/test.sh runs it"]
fn ffprobe_and_sox_read_the_joined_wav_and_ffprobe_sees_the_chapters() {
    let out = tempfile::tempdir().unwrap();
    let dir = build_example(out.path());
    let m = manifest(&dir);
    let (offsets, total) = chapter_offsets(&dir, &m);
    let rate = m.audio.sample_rate;
    let joined = dir.join("leaflet.wav");

    let probe = ffprobe(&joined);
    let stream = &probe["streams"][0];
    assert_eq!(stream["codec_name"], "pcm_s16le");
    assert_eq!(stream["channels"], 1);
    assert_eq!(stream["sample_rate"], rate.to_string());
    assert_eq!(stream["duration_ts"], total);
    let duration: f64 = probe["format"]["duration"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((duration - f64::from(total) / f64::from(rate)).abs() < 1e-5);
    assert!((duration - m.total_duration_s).abs() < 0.001);

    // FFmpeg's WAV reader turns cue points into chapters and labl texts into
    // their titles (FFmpeg 5.1 does, as Debian 12 ships it).
    let chapters = probe["chapters"].as_array().unwrap();
    assert_eq!(chapters.len(), m.chapters.len());
    for ((ch, c), offset) in chapters.iter().zip(&m.chapters).zip(&offsets) {
        assert_eq!(ch["time_base"], format!("1/{rate}"));
        assert_eq!(ch["start"], *offset);
        assert_eq!(ch["tags"]["title"], c.title.as_str());
    }

    let info = sox_info(&[], &joined);
    assert!(info.contains("Channels       : 1\n"), "{info}");
    assert!(
        info.contains(&format!("Sample Rate    : {rate}\n")),
        "{info}"
    );
    assert!(info.contains(&format!(" = {total} samples ")), "{info}");
    assert_eq!(sox_info(&["-s"], &joined).trim(), total.to_string());
    let secs: f64 = sox_info(&["-D"], &joined).trim().parse().unwrap();
    assert!((secs - m.total_duration_s).abs() < 0.001, "{secs}");
}

/// Titles with quotes, markup characters, a backslash, emoji and
/// right-to-left text. (`\<` keeps Markdown from reading `<care>` as a tag.)
const HOSTILE: &str = "\
# Knee & hip \\<care> \"today\"

This leaflet explains the care of a new knee.

## \"Quoted\" risks <5% & 'rare' \\ or not

Most people have no problems after the operation.

## Questions in Hebrew שאלות and Arabic أسئلة

Ask the nurse in your own language.

## Smiles 😀 & tears 💧 > fears

Recovery takes about six weeks.
";

/// The hostile leaflet built, and its chapter titles as the manifest has them.
fn build_hostile(out: &Path) -> (PathBuf, Vec<String>) {
    let input = out.join("hostile.md");
    std::fs::write(&input, HOSTILE).unwrap();
    let dir = build(
        &input,
        &out.join("out"),
        &["--lang", "en", "--audio", "wav"],
    );
    let titles = manifest(&dir)
        .chapters
        .iter()
        .map(|c| c.title.clone())
        .collect();
    (dir, titles)
}

#[test]
fn hostile_titles_survive_in_the_marks_and_the_cue_sheet() {
    let out = tempfile::tempdir().unwrap();
    let (dir, titles) = build_hostile(out.path());
    assert_eq!(
        titles,
        [
            "Knee & hip <care> \"today\"",
            "\"Quoted\" risks <5% & 'rare' \\ or not",
            "Questions in Hebrew שאלות and Arabic أسئلة",
            "Smiles 😀 & tears 💧 > fears",
        ]
    );

    // In the WAV, the titles as they are, byte for byte.
    let marks = read_marks(&dir.join("leaflet.wav"));
    let labels: Vec<&str> = marks.labels.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(labels, titles);

    // In the CUE sheet, straight double quotes become typographic ones and
    // the backslash a full-width one; everything else stays.
    let text = std::fs::read_to_string(dir.join("leaflet.cue")).unwrap();
    let sheet = parse_sheet(&text);
    assert_eq!(sheet.title, "Knee & hip <care> “today”");
    let cue_titles: Vec<&str> = sheet.tracks.iter().map(|t| t.1.as_str()).collect();
    assert_eq!(
        cue_titles,
        [
            "Knee & hip <care> “today”",
            "“Quoted” risks <5% & 'rare' ＼ or not",
            "Questions in Hebrew שאלות and Arabic أسئلة",
            "Smiles 😀 & tears 💧 > fears",
        ]
    );
}

#[test]
#[ignore = "needs ffmpeg (apt): scripts/test.sh runs it"]
fn ffprobe_reads_hostile_titles_from_the_marks() {
    let out = tempfile::tempdir().unwrap();
    let (dir, titles) = build_hostile(out.path());
    let probe = ffprobe(&dir.join("leaflet.wav"));
    let probed: Vec<&str> = probe["chapters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|ch| ch["tags"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(probed, titles);
}

#[test]
fn formats_choose_whether_the_joined_file_is_written() {
    let out = tempfile::tempdir().unwrap();
    let input = repo("examples/carpal-tunnel.txt");
    let only = build(
        &input,
        &out.path().join("wav"),
        &["--formats", "joined", "--audio", "wav"],
    );
    for file in ["leaflet.wav", "leaflet.cue", "manifest.json"] {
        assert!(only.join(file).is_file(), "{file}");
    }
    assert!(!only.join("playlist.m3u8").exists());
    assert!(!only.join("ncc.html").exists());
    let without = build(
        &input,
        &out.path().join("m3u8"),
        &["--formats", "m3u8,daisy"],
    );
    assert!(!without.join("leaflet.wav").exists());
    assert!(!without.join("leaflet.cue").exists());
    assert!(without.join("ncc.html").is_file());

    let bad = bin()
        .arg("build")
        .arg(&input)
        .arg("--out")
        .arg(out.path())
        .args(["--formats", "mp3"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("unknown format `mp3`: choose from ") && stderr.contains("joined"),
        "{stderr}"
    );
}

/// `--formats m4b`: the leaflet as an audiobook for Apple Books, through
/// Debian's ffmpeg, with a chapter at each chapter's start, as long as the
/// chapters; never written unless named.
#[test]
#[ignore = "needs ffmpeg (apt): scripts/test.sh runs it"]
fn an_m4b_has_the_chapters_at_their_starts() {
    let out = tempfile::tempdir().unwrap();
    let input = repo("examples/carpal-tunnel.txt");
    let all = build(&input, &out.path().join("all"), &[]);
    assert!(!all.join("leaflet.m4b").exists(), "only when named");
    let dir = build(&input, &out.path().join("m4b"), &["--formats", "m4b"]);
    let m = manifest(&dir);
    let probed = crate::util::probe_chapters(&dir.join("leaflet.m4b"), &m);
    let duration: f64 = probed["format"]["duration"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (duration - m.total_duration_s).abs() < 0.03,
        "{duration} against {}",
        m.total_duration_s
    );
    let check = bin().arg("check").arg(&dir).output().unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

/// A leaflet of more chapters than a CUE sheet holds (99) builds with every
/// default format, in MP3 and in WAV: the joined file marks every chapter
/// (FFmpeg lists them, at the manifest's starts), no `leaflet.cue` is
/// written, and the package checks, built afresh and rebuilt after an edit.
#[test]
#[ignore = "needs ffmpeg (apt): scripts/test.sh runs it"]
fn a_leaflet_of_more_chapters_than_a_cue_sheet_holds_is_joined_without_one() {
    let out = tempfile::tempdir().unwrap();
    let input = out.path().join("many.md");
    let text = |edit: &str| -> String {
        let mut t = String::from("# Many short sections\n\n");
        for n in 1..=120 {
            t.push_str(&format!("## Section {n}\n\nThis is section {n}.{edit}\n\n"));
        }
        t
    };
    std::fs::write(&input, text("")).unwrap();
    for (audio, joined) in [("mp3", "leaflet.mp3"), ("wav", "leaflet.wav")] {
        let folder = out.path().join(audio);
        for edit in ["", " Edited."] {
            std::fs::write(&input, text(edit)).unwrap();
            let dir = build(&input, &folder, &["--audio", audio]);
            let m = manifest(&dir);
            assert!(m.chapters.len() >= 120, "{}", m.chapters.len());
            assert!(!dir.join("leaflet.cue").exists(), "{audio}{edit}");
            crate::util::probe_chapters(&dir.join(joined), &m);
            let check = bin().arg("check").arg(&dir).output().unwrap();
            assert!(
                check.status.success(),
                "{audio}{edit}: {}",
                String::from_utf8_lossy(&check.stdout)
            );
        }
    }
}
