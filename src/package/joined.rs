//! `leaflet.mp3` (or `leaflet.wav`) and `leaflet.cue`: the whole leaflet as
//! one file, with a chapter mark per chapter.
//!
//! Some patients and players cope better with one file than with a folder of
//! chapters: one thing to copy to a phone, to send, or to play from the start.
//! Chapter marks keep the navigation: `leaflet.wav` carries them inside (a
//! RIFF `cue ` chunk with a `labl` title per chapter, which FFmpeg-based
//! players and audio editors show), and `leaflet.cue` beside it gives the
//! same chapters as a CUE sheet, for players that read those. A sheet holds
//! at most 99 tracks, so a leaflet of more chapters has none; the marks
//! inside the joined file still give every chapter.
//!
//! The audio is joined from the chapter WAVs already in the folder, read with
//! hound one at a time and streamed into the new file, so its samples are
//! exactly the chapters' and the whole leaflet is never held in memory.
//!
//! A package of MP3 chapters gets `leaflet.mp3` instead: the chapter MP3s'
//! frames end to end as one gapless stream (nothing encoded twice; see
//! [`mp3::splice`]; chapters that cannot be spliced are encoded again from
//! the cache's WAVs), behind an
//! ID3v2.4 tag with a chapter frame (`CHAP`, its title in `TIT2`) per
//! chapter and an ordered table of contents (`CTOC`), which podcast apps and
//! ffprobe list; the CUE sheet names it as `MP3`. A table of contents lists
//! at most 255 entries, so a longer leaflet's top-level table lists tables
//! of 255 chapters each.

mod cue_sheet;
mod riff;

use std::io;
use std::path::Path;

use super::chapter_audio::link_or_copy;
use super::check::Checker;
use super::manifest::Manifest;
use super::{AudioFormat, Book, MANIFEST_FILE, Output, Packager};
use crate::audio::mp3;
use crate::error::{Error, Result};
use crate::fsutil;
use crate::plain::one_line_printable;

use riff::{CueWav, Mark};

/// The whole leaflet in one WAV file, with chapter marks.
pub const JOINED_WAV: &str = "leaflet.wav";
/// The whole leaflet in one MP3 file, with ID3 chapters.
pub const JOINED_MP3: &str = "leaflet.mp3";
/// The CUE sheet that indexes [`JOINED_WAV`].
pub const CUE_SHEET: &str = "leaflet.cue";

/// Samples read from a chapter and written on at a time.
const BLOCK: usize = 8192;

/// The `joined` packager.
pub struct Joined;

impl Packager for Joined {
    fn name(&self) -> &'static str {
        "joined"
    }

    fn about(&self) -> &'static str {
        "the whole leaflet as one file (leaflet.mp3 with ID3 chapters, or leaflet.wav with cue marks), and a CUE sheet"
    }

    fn owns(&self, file: &str) -> bool {
        file == JOINED_WAV || file == JOINED_MP3 || file == CUE_SHEET
    }

    fn check(&self, c: &mut Checker, m: &Manifest) {
        let lengths = c.lengths.clone();
        if c.has(JOINED_WAV) {
            check_joined(c, m, &lengths);
        }
        if c.has(JOINED_MP3) {
            check_joined_mp3(c, m, &lengths);
        }
    }

    fn write(&self, book: &Book, out: &Output) -> Result<Vec<String>> {
        let dir = out.dir;
        let joined = match book.audio_format {
            AudioFormat::Wav => JOINED_WAV,
            AudioFormat::Mp3 => JOINED_MP3,
        };
        let mut files = vec![joined.to_string()];
        if cue_sheet_fits(book) {
            files.push(CUE_SHEET.to_string());
        }
        if let Some(old) = out.previous
            && reuse(old, dir, book, &files)?
        {
            return Ok(files);
        }
        if book.audio_format == AudioFormat::Mp3 {
            write_mp3(book, dir)?;
            return Ok(files);
        }
        let wav_path = dir.join(JOINED_WAV);
        let plan = Plan::new(book, dir)
            .map_err(|why| Error::Other(format!("cannot write `{}`: {why}", wav_path.display())))?;
        fsutil::write_atomic(&wav_path, |w| {
            plan.layout.write(w, |samples| {
                for part in &plan.parts {
                    copy_chapter(
                        &dir.join(&part.file),
                        part.samples,
                        plan.sample_rate,
                        samples,
                    )?;
                }
                Ok(())
            })
        })?;
        if !cue_sheet_fits(book) {
            return Ok(files);
        }
        // The sheet names the WAV, so it comes second: a sheet is never left
        // pointing at a file that is not there.
        let sheet = cue_sheet::Sheet {
            title: &plan.title,
            performer: &plan.performer,
            file: JOINED_WAV,
            file_type: "WAVE",
            sample_rate: plan.sample_rate,
            tracks: plan
                .parts
                .iter()
                .map(|p| (p.title.as_str(), p.start))
                .collect(),
        };
        fsutil::write_atomic(&dir.join(CUE_SHEET), |w| cue_sheet::render(&sheet, w))?;
        Ok(files)
    }
}

/// Whether the leaflet's chapters fit in a CUE sheet, whose tracks have two
/// digits. A longer leaflet gets no sheet: its joined file still marks every
/// chapter (the ID3 chapters of `leaflet.mp3`, the cue chunk of
/// `leaflet.wav`), and a sheet holding only some of them would mislead.
fn cue_sheet_fits(book: &Book) -> bool {
    book.chapters.len() <= cue_sheet::MAX_TRACKS
}

/// `leaflet.wav` is the one large output that is not a chapter. When the
/// old package's joined file was made from the same chapter audio, titles
/// and voice, link it (and its cue sheet) into the new package instead of
/// writing the same bytes again.
fn reuse(old: &Path, dir: &Path, book: &Book, files: &[String]) -> Result<bool> {
    let previous: Option<Manifest> = std::fs::read_to_string(old.join(MANIFEST_FILE))
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok());
    let Some(previous) = previous else {
        return Ok(false);
    };
    let now = Manifest::from_book(book);
    let same_chapters = previous.chapters.len() == now.chapters.len()
        && previous.chapters.iter().zip(&now.chapters).all(|(a, b)| {
            !a.audio_key.is_empty()
                && (&a.audio_key, &a.title, &a.file) == (&b.audio_key, &b.title, &b.file)
        });
    let same = same_chapters
        && (&previous.title, &previous.voice, &previous.audio)
            == (&now.title, &now.voice, &now.audio);
    if !same || !files.iter().all(|f| old.join(f).is_file()) {
        return Ok(false);
    }
    for f in files {
        link_or_copy(&old.join(f), &dir.join(f))?;
    }
    Ok(true)
}

/// Everything both files say, worked out from the book and the chapter WAVs'
/// headers before a byte is written.
struct Plan {
    title: String,
    performer: String,
    sample_rate: u32,
    parts: Vec<Part>,
    layout: CueWav,
}

/// One chapter: where its samples come from and where they go.
struct Part {
    file: String,
    title: String,
    samples: u64,
    /// The chapter's first sample in the joined file.
    start: u64,
}

impl Plan {
    /// Errors say what is wrong; the caller names the file being written.
    fn new(book: &Book, dir: &Path) -> std::result::Result<Plan, String> {
        if book.chapters.is_empty() {
            return Err("the leaflet has no chapters".into());
        }
        let mut start = 0u64;
        let mut parts = Vec::with_capacity(book.chapters.len());
        for (n, chapter) in (1..).zip(&book.chapters) {
            let path = dir.join(&chapter.file);
            let reader = open_chapter(&path, book.sample_rate).map_err(|e| e.to_string())?;
            let samples = u64::from(reader.duration());
            if samples != chapter.samples {
                return Err(format!(
                    "the chapter `{}` has {samples} samples where {} were narrated: build the leaflet again",
                    path.display(),
                    chapter.samples
                ));
            }
            let title = one_line_printable(&chapter.title);
            parts.push(Part {
                file: chapter.file.clone(),
                title: if title.is_empty() {
                    format!("Chapter {n}")
                } else {
                    title
                },
                samples,
                start,
            });
            start += samples;
        }
        let marks = parts
            .iter()
            .map(|p| {
                Ok(Mark {
                    sample: u32::try_from(p.start)
                        .map_err(|_| "the leaflet is too long for one WAV file".to_string())?,
                    label: p.title.clone(),
                })
            })
            .collect::<std::result::Result<Vec<_>, String>>()?;
        let layout = CueWav::new(book.sample_rate, start, marks)?;
        let title = one_line_printable(&book.title);
        Ok(Plan {
            title: if title.is_empty() {
                book.slug.clone()
            } else {
                title
            },
            performer: format!(
                "{} ({})",
                one_line_printable(&book.voice),
                one_line_printable(&book.backend)
            ),
            sample_rate: book.sample_rate,
            parts,
            layout,
        })
    }
}

/// Open a chapter WAV and check it is in the one format the joined file has:
/// samples of another rate or size would play at the wrong speed or as noise.
fn open_chapter(
    path: &Path,
    sample_rate: u32,
) -> io::Result<hound::WavReader<io::BufReader<std::fs::File>>> {
    let reader = hound::WavReader::open(path).map_err(|e| {
        io::Error::other(format!(
            "cannot read the chapter `{}`: {e} (build the leaflet again)",
            path.display()
        ))
    })?;
    let spec = reader.spec();
    let expected = hound::WavSpec {
        channels: 1,
        sample_rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    if spec != expected {
        return Err(io::Error::other(format!(
            "the chapter `{}` is {} channel(s), {}-bit {:?} at {} Hz where the leaflet is mono \
             16-bit Int at {sample_rate} Hz: build the leaflet again",
            path.display(),
            spec.channels,
            spec.bits_per_sample,
            spec.sample_format,
            spec.sample_rate
        )));
    }
    Ok(reader)
}

/// Stream one chapter's samples into the joined file. The chapter is opened
/// again and checked again: it is read twice (for its header, then for its
/// samples) and must not have changed in between.
fn copy_chapter<W: io::Write + ?Sized>(
    path: &Path,
    expected: u64,
    sample_rate: u32,
    out: &mut riff::Samples<'_, W>,
) -> io::Result<()> {
    let reader = open_chapter(path, sample_rate)?;
    if u64::from(reader.duration()) != expected {
        return Err(io::Error::other(format!(
            "the chapter `{}` changed while it was being joined",
            path.display()
        )));
    }
    // The reader stands at the start of the samples; they are copied as
    // bytes, already in the joined file's order (mono 16-bit little-endian,
    // checked above).
    let mut data = io::Read::take(reader.into_inner(), expected * 2);
    let mut block = vec![0u8; BLOCK * 2];
    let mut copied = 0u64;
    loop {
        let n = io::Read::read(&mut data, &mut block)?;
        if n == 0 {
            break;
        }
        let whole = n - n % 2;
        out.write_le_bytes(&block[..whole])?;
        if whole < n {
            // An odd read: finish the sample before going on.
            let mut rest = [block[n - 1], 0];
            io::Read::read_exact(&mut data, &mut rest[1..])?;
            out.write_le_bytes(&rest)?;
            copied += 2;
        }
        copied += whole as u64;
    }
    if copied != expected * 2 {
        return Err(io::Error::other(format!(
            "the chapter `{}` ended early: build the leaflet again",
            path.display()
        )));
    }
    Ok(())
}

/// `leaflet.mp3`: every chapter's audio as one stream behind an ID3v2.4
/// tag with a chapter frame per chapter; then the CUE sheet that names it.
fn write_mp3(book: &Book, dir: &Path) -> Result<()> {
    let path = dir.join(JOINED_MP3);
    let fail = |why: String| Error::Other(format!("cannot write `{}`: {why}", path.display()));
    if book.chapters.is_empty() {
        return Err(fail("the leaflet has no chapters".into()));
    }
    let mut tracks = Vec::with_capacity(book.chapters.len());
    let mut start = 0u64;
    for (n, chapter) in (1..).zip(&book.chapters) {
        let title = one_line_printable(&chapter.title);
        let title = if title.is_empty() {
            format!("Chapter {n}")
        } else {
            title
        };
        tracks.push((title, start, start + chapter.samples));
        start += chapter.samples;
    }
    let files = chapter_files(book)?;
    let parts: Vec<(&[u8], u64)> = files
        .iter()
        .zip(&book.chapters)
        .map(|(f, c)| (f.as_slice(), c.samples))
        .collect();
    let spliced = mp3::splice(&parts, book.sample_rate);
    let encoded = match spliced {
        Some(_) => Vec::new(),
        None => encoded(book).map_err(fail)?,
    };
    let title = one_line_printable(&book.title);
    let title = if title.is_empty() {
        book.slug.clone()
    } else {
        title
    };
    let performer = format!(
        "{} ({})",
        one_line_printable(&book.voice),
        one_line_printable(&book.backend)
    );
    let tag = chapter_tag(&title, &performer, book, &tracks);
    let mut head = Vec::new();
    tag.write_to(&mut head, id3::Version::Id3v24)
        .map_err(|e| fail(format!("the ID3 tag could not be written ({e})")))?;
    fsutil::write_atomic(&path, |w| {
        w.write_all(&head)?;
        match &spliced {
            Some(spliced) => spliced.write_to(w),
            None => w.write_all(&encoded),
        }
    })?;
    if !cue_sheet_fits(book) {
        return Ok(());
    }
    let sheet = cue_sheet::Sheet {
        title: &title,
        performer: &performer,
        file: JOINED_MP3,
        file_type: "MP3",
        sample_rate: book.sample_rate,
        tracks: tracks.iter().map(|(t, s, _)| (t.as_str(), *s)).collect(),
    };
    fsutil::write_atomic(&dir.join(CUE_SHEET), |w| cue_sheet::render(&sheet, w))?;
    Ok(())
}

/// The chapters' MP3 files, to be joined frame for frame
/// ([`mp3::splice`]); none when the chapter files are not MP3s.
fn chapter_files(book: &Book) -> Result<Vec<Vec<u8>>> {
    if book.audio_format != AudioFormat::Mp3 {
        return Ok(Vec::new());
    }
    book.chapters
        .iter()
        .map(|c| {
            std::fs::read(&c.audio).map_err(|source| Error::Read {
                path: c.audio.clone(),
                source,
            })
        })
        .collect()
}

/// Every chapter's samples, read from the cache's WAV one chapter at a
/// time, encoded as one stream: for chapters that cannot be spliced.
fn encoded(book: &Book) -> std::result::Result<Vec<u8>, String> {
    let mut encoder = mp3::Encoder::new(book.sample_rate)?;
    for chapter in &book.chapters {
        let samples = crate::audio::read_wav(&chapter.pcm).map_err(|e| e.to_string())?;
        if samples.len() as u64 != chapter.samples {
            return Err(format!(
                "the chapter audio `{}` has {} samples where {} were narrated: build the leaflet again",
                chapter.pcm.display(),
                samples.len(),
                chapter.samples
            ));
        }
        encoder.push(&samples)?;
    }
    encoder.finish()
}

/// The ID3v2.4 tag: title, voice, language, and a `CHAP` per chapter (start
/// and end in milliseconds, its title inside) under one ordered `CTOC`.
fn chapter_tag(
    title: &str,
    performer: &str,
    book: &Book,
    tracks: &[(String, u64, u64)],
) -> id3::Tag {
    use id3::TagLike;
    use id3::frame::{Chapter, Frame, TableOfContents};
    let ms = |samples: u64| -> u32 {
        u32::try_from(samples * 1000 / u64::from(book.sample_rate.max(1))).unwrap_or(u32::MAX)
    };
    let mut tag = id3::Tag::new();
    tag.set_title(title);
    tag.set_artist(performer);
    tag.set_album(title);
    tag.set_genre("Speech");
    tag.add_frame(Frame::text("TLAN", iso639_2(&book.language)));
    let mut ids = Vec::with_capacity(tracks.len());
    for (n, (chapter_title, start, end)) in (1..).zip(tracks) {
        let id = format!("ch{n:02}");
        tag.add_frame(Chapter {
            element_id: id.clone(),
            start_time: ms(*start),
            end_time: ms(*end),
            start_offset: u32::MAX,
            end_offset: u32::MAX,
            frames: vec![Frame::text("TIT2", chapter_title.as_str())],
        });
        ids.push(id);
    }
    // A table's entry count is one byte.
    let elements = if ids.len() <= TOC_ENTRIES {
        ids
    } else {
        let mut parts = Vec::new();
        for (n, chunk) in (1..).zip(ids.chunks(TOC_ENTRIES)) {
            let id = format!("toc{n}");
            let first = (n - 1) * TOC_ENTRIES + 1;
            tag.add_frame(TableOfContents {
                element_id: id.clone(),
                top_level: false,
                ordered: true,
                elements: chunk.to_vec(),
                frames: vec![Frame::text(
                    "TIT2",
                    format!("Chapters {first} to {}", first + chunk.len() - 1),
                )],
            });
            parts.push(id);
        }
        parts
    };
    tag.add_frame(TableOfContents {
        element_id: "toc".into(),
        top_level: true,
        ordered: true,
        elements,
        frames: vec![Frame::text("TIT2", title)],
    });
    tag
}

/// The most entries an ID3 table of contents (`CTOC`) lists.
const TOC_ENTRIES: usize = 255;

/// ID3's language frame wants ISO 639-2 (three letters).
fn iso639_2(code: &str) -> &'static str {
    match code {
        "en" => "eng",
        "es" => "spa",
        "fr" => "fra",
        "de" => "deu",
        "cy" => "cym",
        "pl" => "pol",
        "pt" => "por",
        "it" => "ita",
        "ur" => "urd",
        "pa" => "pan",
        "bn" => "ben",
        "ar" => "ara",
        "zh" => "zho",
        "ro" => "ron",
        _ => "und",
    }
}

/// `leaflet.mp3` says it holds exactly the chapters' samples, and its tag
/// has a chapter for each, in order, with the manifest's titles and starts.
fn check_joined_mp3(c: &mut Checker, m: &Manifest, lengths: &[u64]) {
    // The Info tag and the ID3 tag are at the start: the rest (the audio,
    // megabytes) is not read.
    let path = c.dir.join(JOINED_MP3);
    let bytes = std::fs::File::open(&path)
        .and_then(|mut f| mp3::read_head(&mut f))
        .unwrap_or_default();
    let sum: u64 = lengths.iter().sum();
    match mp3::frames(&bytes) {
        Some(s) if s.samples == sum && s.sample_rate == m.audio.sample_rate => {}
        Some(s) => c.problem(
            JOINED_MP3,
            format!(
                "holds {} samples at {} Hz; the chapters hold {sum} at {} Hz",
                s.samples, s.sample_rate, m.audio.sample_rate
            ),
        ),
        None => c.problem(
            JOINED_MP3,
            "is not an MP3 file with an Info tag".to_string(),
        ),
    }
    match id3::Tag::read_from2(std::io::Cursor::new(&bytes)) {
        Ok(tag) => {
            let chapters: Vec<&id3::frame::Chapter> = tag.chapters().collect();
            if chapters.len() != m.chapters.len() {
                c.problem(
                    JOINED_MP3,
                    format!(
                        "has {} ID3 chapters for {} chapters",
                        chapters.len(),
                        m.chapters.len()
                    ),
                );
            }
            for (ch, entry) in chapters.iter().zip(&m.chapters) {
                let start = f64::from(ch.start_time) / 1000.0;
                if (start - entry.start_s).abs() > 0.002 {
                    c.problem(
                        JOINED_MP3,
                        format!(
                            "chapter {} starts at {start}s in the ID3 tag; the manifest says {}s",
                            entry.index, entry.start_s
                        ),
                    );
                }
            }
            if let Err(why) = contents_list(&tag, &chapters) {
                c.problem(JOINED_MP3, why);
            }
        }
        Err(e) => c.problem(JOINED_MP3, format!("has no readable ID3 tag ({e})")),
    }
    check_cue(c, m);
}

/// The tag has one top-level table of contents, and it lists every chapter
/// in order, itself or through the tables it lists.
fn contents_list(
    tag: &id3::Tag,
    chapters: &[&id3::frame::Chapter],
) -> std::result::Result<(), String> {
    let tables: Vec<_> = tag.tables_of_contents().collect();
    let top: Vec<_> = tables.iter().filter(|t| t.top_level).collect();
    let [top] = top.as_slice() else {
        return Err(format!(
            "has {} top-level ID3 tables of contents, not one",
            top.len()
        ));
    };
    let mut listed: Vec<&str> = Vec::new();
    for id in &top.elements {
        match tables.iter().find(|t| !t.top_level && &t.element_id == id) {
            Some(table) => listed.extend(table.elements.iter().map(String::as_str)),
            None => listed.push(id),
        }
    }
    let ids: Vec<&str> = chapters.iter().map(|c| c.element_id.as_str()).collect();
    if listed != ids {
        return Err("has an ID3 table of contents that does not list its chapters in order".into());
    }
    Ok(())
}

/// The joined file holds exactly the chapters' samples, and its cue sheet
/// has a track for each.
fn check_joined(c: &mut Checker, m: &Manifest, lengths: &[u64]) {
    match hound::WavReader::open(c.dir.join(JOINED_WAV)) {
        Ok(r) => {
            let sum: u64 = lengths.iter().sum();
            if r.duration() as u64 != sum {
                c.problem(
                    JOINED_WAV,
                    format!("holds {} samples; the chapters hold {sum}", r.duration()),
                );
            }
        }
        Err(e) => c.problem(JOINED_WAV, format!("is not a valid WAV file ({e})")),
    }
    check_cue(c, m);
}

/// The CUE sheet has a track for each chapter (a leaflet of more chapters
/// than a sheet holds has none).
fn check_cue(c: &mut Checker, m: &Manifest) {
    if m.chapters.len() > cue_sheet::MAX_TRACKS && !c.has(CUE_SHEET) {
        return;
    }
    if let Some(cue) = c.read(CUE_SHEET) {
        let tracks = cue
            .lines()
            .filter(|l| l.trim_start().starts_with("TRACK "))
            .count();
        if tracks != m.chapters.len() {
            c.problem(
                CUE_SHEET,
                format!("has {tracks} tracks for {} chapters", m.chapters.len()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::Pcm;
    use crate::package::BookChapter;

    fn book(chapters: &[(&str, u64)]) -> Book {
        Book {
            title: "Knee \"care\"".into(),
            language: "en".into(),
            organisation: None,
            slug: "knee-care".into(),
            identifier: "audio-leaflet-knee-care".into(),
            date: "2026-01-01".into(),
            source_file: "knee.txt".into(),
            source_sha256: String::new(),
            backend: "flite".into(),
            model_sha256: String::new(),
            voice: "kal16".into(),
            rate_wpm: 160,
            sample_rate: 8_000,
            audio_format: AudioFormat::Wav,
            chapters: (1..)
                .zip(chapters)
                .map(|(index, &(title, samples))| BookChapter {
                    index,
                    level: 1,
                    title: title.into(),
                    file: format!("{index:02}.wav"),
                    samples,
                    words: 1,
                    loudness_lufs: -18.0,
                    true_peak_dbtp: -3.0,
                    audio_key: String::new(),
                    passages: Vec::new(),
                    audio: Default::default(),
                    pcm: Default::default(),
                })
                .collect(),
        }
    }

    fn write_chapter(dir: &Path, file: &str, samples: Vec<i16>, sample_rate: u32) {
        crate::audio::write_wav(
            &dir.join(file),
            &Pcm {
                samples,
                sample_rate,
            },
        )
        .unwrap();
    }

    #[test]
    fn joins_the_chapters_and_marks_where_each_starts() {
        let dir = tempfile::tempdir().unwrap();
        let b = book(&[("Knee \"care\"", 3), ("", 0), ("Tab\there\0", 2)]);
        write_chapter(dir.path(), "01.wav", vec![1, 2, 3], 8_000);
        write_chapter(dir.path(), "02.wav", vec![], 8_000);
        write_chapter(dir.path(), "03.wav", vec![-4, 5], 8_000);
        let files = Joined
            .write(
                &b,
                &Output {
                    dir: dir.path(),
                    previous: None,
                },
            )
            .unwrap();
        assert_eq!(files, ["leaflet.wav", "leaflet.cue"]);

        let mut reader = hound::WavReader::open(dir.path().join("leaflet.wav")).unwrap();
        let samples: Vec<i16> = reader.samples::<i16>().map(|s| s.unwrap()).collect();
        assert_eq!(samples, [1, 2, 3, -4, 5]);
        let bytes = std::fs::read(dir.path().join("leaflet.wav")).unwrap();
        // An empty chapter's mark shares the next one's offset; the NUL and
        // the tab are gone from the labels.
        let tail = &bytes[44 + 10..];
        assert!(tail.starts_with(b"cue "));
        let text = String::from_utf8_lossy(tail);
        assert!(text.contains("Knee \"care\"\0"), "{text:?}");
        assert!(text.contains("Chapter 2\0"), "{text:?}");
        assert!(text.contains("Tab here\0"), "{text:?}");

        let sheet = std::fs::read_to_string(dir.path().join("leaflet.cue")).unwrap();
        assert!(sheet.contains("TITLE \"Knee “care”\"\nPERFORMER \"kal16 (flite)\"\n"));
        assert!(sheet.contains("TRACK 02 AUDIO\n    TITLE \"Chapter 2\"\n    INDEX 01 00:00:00"));
        assert!(sheet.contains("TRACK 03 AUDIO\n    TITLE \"Tab here\"\n    INDEX 01 00:00:00"));
    }

    #[test]
    fn refuses_chapters_that_do_not_match_the_book() {
        let dir = tempfile::tempdir().unwrap();
        write_chapter(dir.path(), "01.wav", vec![1, 2, 3], 8_000);
        write_chapter(dir.path(), "02.wav", vec![1, 2, 3], 16_000);
        let other_rate = Joined
            .write(
                &book(&[("One", 3), ("Two", 3)]),
                &Output {
                    dir: dir.path(),
                    previous: None,
                },
            )
            .unwrap_err()
            .to_string();
        assert!(
            other_rate.contains("02.wav` is 1 channel(s), 16-bit Int at 16000 Hz"),
            "{other_rate}"
        );
        write_chapter(dir.path(), "02.wav", vec![1, 2, 3], 8_000);

        let other_length = Joined
            .write(
                &book(&[("One", 4)]),
                &Output {
                    dir: dir.path(),
                    previous: None,
                },
            )
            .unwrap_err()
            .to_string();
        assert!(
            other_length.contains("has 3 samples where 4 were narrated"),
            "{other_length}"
        );

        let missing = Joined
            .write(
                &book(&[("One", 3), ("Two", 3), ("Three", 3)]),
                &Output {
                    dir: dir.path(),
                    previous: None,
                },
            )
            .unwrap_err()
            .to_string();
        assert!(missing.contains("cannot read the chapter"), "{missing}");
        assert!(
            !dir.path().join("leaflet.wav").exists(),
            "nothing is written on an error"
        );
        assert!(!dir.path().join("leaflet.cue").exists());
    }

    #[test]
    fn a_leaflet_longer_than_a_cue_sheet_is_joined_without_one() {
        let dir = tempfile::tempdir().unwrap();
        let titles: Vec<String> = (1..=100).map(|n| format!("Part {n}")).collect();
        let chapters: Vec<(&str, u64)> = titles.iter().map(|t| (t.as_str(), 1)).collect();
        for n in 1..=100 {
            write_chapter(dir.path(), &format!("{n:02}.wav"), vec![n], 8_000);
        }
        let b = book(&chapters);
        let output = Output {
            dir: dir.path(),
            previous: None,
        };
        let files = Joined.write(&b, &output).unwrap();
        assert_eq!(files, ["leaflet.wav"]);
        assert!(!dir.path().join("leaflet.cue").exists());
        let mut reader = hound::WavReader::open(dir.path().join("leaflet.wav")).unwrap();
        let samples: Vec<i16> = reader.samples::<i16>().map(|s| s.unwrap()).collect();
        assert_eq!(samples, (1..=100).collect::<Vec<i16>>());
        let bytes = std::fs::read(dir.path().join("leaflet.wav")).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("Part 1\0") && text.contains("Part 100\0"));

        // One chapter fewer fits, and gets its sheet.
        let fits = book(&chapters[..99]);
        std::fs::remove_file(dir.path().join("100.wav")).unwrap();
        let files = Joined.write(&fits, &output).unwrap();
        assert_eq!(files, ["leaflet.wav", "leaflet.cue"]);
        let sheet = std::fs::read_to_string(dir.path().join("leaflet.cue")).unwrap();
        assert!(sheet.contains("TRACK 99 AUDIO\n    TITLE \"Part 99\""));
    }

    /// A tag for `n` chapters of a second each.
    fn tag_for(n: usize) -> id3::Tag {
        let b = book(&[]);
        let tracks: Vec<(String, u64, u64)> = (0..n as u64)
            .map(|i| (format!("Part {}", i + 1), i * 8_000, (i + 1) * 8_000))
            .collect();
        chapter_tag("Knee", "kal16", &b, &tracks)
    }

    fn read_back(tag: &id3::Tag) -> id3::Tag {
        let mut bytes = Vec::new();
        tag.write_to(&mut bytes, id3::Version::Id3v24).unwrap();
        id3::Tag::read_from2(std::io::Cursor::new(bytes)).unwrap()
    }

    #[test]
    fn a_table_of_contents_lists_at_most_255_entries() {
        for (n, tables) in [(1, 1), (255, 1), (256, 3), (600, 4)] {
            let tag = read_back(&tag_for(n));
            let chapters: Vec<_> = tag.chapters().collect();
            assert_eq!(chapters.len(), n);
            assert_eq!(tag.tables_of_contents().count(), tables, "{n} chapters");
            assert!(
                tag.tables_of_contents()
                    .all(|t| (1..=TOC_ENTRIES).contains(&t.elements.len())),
                "{n} chapters"
            );
            assert_eq!(contents_list(&tag, &chapters), Ok(()), "{n} chapters");
        }
        let tag = read_back(&tag_for(600));
        let second = tag
            .tables_of_contents()
            .find(|t| t.element_id == "toc2")
            .unwrap();
        assert_eq!(second.elements.first().map(String::as_str), Some("ch256"));
        assert_eq!(second.elements.last().map(String::as_str), Some("ch510"));
    }

    #[test]
    fn the_check_finds_a_table_of_contents_that_misses_or_reorders_chapters() {
        use id3::TagLike;
        use id3::frame::TableOfContents;
        let chapters_of =
            |tag: &id3::Tag| -> Vec<id3::frame::Chapter> { tag.chapters().cloned().collect() };
        let with_toc = |tag: &id3::Tag, top: &str, f: &dyn Fn(&mut Vec<String>)| {
            let mut tag = tag.clone();
            let mut table: TableOfContents = tag
                .tables_of_contents()
                .find(|t| t.element_id == top)
                .unwrap()
                .clone();
            f(&mut table.elements);
            let tables = tag.tables_of_contents().count();
            tag.add_frame(table);
            assert_eq!(tag.tables_of_contents().count(), tables, "replaced");
            tag
        };
        for (n, table) in [(3, "toc"), (300, "toc2")] {
            let tag = tag_for(n);
            let chapters = chapters_of(&tag);
            let refs: Vec<_> = chapters.iter().collect();
            for broken in [
                with_toc(&tag, table, &|e| {
                    e.pop();
                }),
                with_toc(&tag, table, &|e| e.swap(0, 1)),
            ] {
                assert!(contents_list(&broken, &refs).is_err(), "{n} chapters");
            }
        }
        let mut two_tops = tag_for(3);
        two_tops.add_frame(TableOfContents {
            element_id: "other".into(),
            top_level: true,
            ordered: true,
            elements: vec!["ch01".into()],
            frames: Vec::new(),
        });
        let chapters = chapters_of(&two_tops);
        let refs: Vec<_> = chapters.iter().collect();
        assert!(
            contents_list(&two_tops, &refs)
                .unwrap_err()
                .contains("2 top-level")
        );
    }
}
