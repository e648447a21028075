//! `leaflet.zip`: the package in one file, to email or put on a USB stick,
//! with a plain-text `README.txt` saying how to play it on a phone, a
//! computer and a DAISY player.
//!
//! It holds every file the formats before it wrote, in a folder named after
//! the leaflet, except the EPUB (a book of its own, which carries the audio
//! again) and the manifest (written after it, for programs). Audio is stored
//! as it is (MP3 does not compress further); text is deflated. Entries carry
//! a fixed date and are in name order, so the same package gives the same
//! bytes.

use std::io::{Read, Write};
use std::path::Path;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::check::Checker;
use super::manifest::Manifest;
use super::{Book, Output, Packager};
use crate::error::{Error, Result};
use crate::fsutil;

/// The zip of the package.
pub const ZIP_FILE: &str = "leaflet.zip";
/// The instructions inside it.
pub const README_FILE: &str = "README.txt";

/// Files other formats write that the zip leaves out.
const LEFT_OUT: &[&str] = &[ZIP_FILE, super::EPUB_FILE, super::m4b::M4B_FILE];

pub struct Bundle;

impl Packager for Bundle {
    fn name(&self) -> &'static str {
        "zip"
    }

    fn about(&self) -> &'static str {
        "the package as one zip file to email or copy, with a README.txt on how to play it"
    }

    /// The zip holds the files the formats before it wrote.
    fn alone(&self) -> bool {
        true
    }

    fn owns(&self, file: &str) -> bool {
        file == ZIP_FILE
    }

    fn write(&self, book: &Book, out: &Output) -> Result<Vec<String>> {
        let path = out.dir.join(ZIP_FILE);
        let fail = |e: std::io::Error| Error::Write {
            path: path.clone(),
            source: e,
        };
        let mut names: Vec<String> = std::fs::read_dir(out.dir)
            .map_err(fail)?
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.') && !LEFT_OUT.contains(&n.as_str()))
            .collect();
        names.sort();
        let dir = out.dir;
        fsutil::write_file_atomic(&path, |file| {
            let mut zip =
                ZipWriter::new(std::io::BufWriter::with_capacity(fsutil::IO_BUFFER, file));
            let folder = &book.slug;
            let readme = readme(book, &names);
            zip.start_file(
                format!("{folder}/{README_FILE}"),
                options(README_FILE, readme.len() as u64),
            )?;
            zip.write_all(readme.as_bytes())?;
            for name in &names {
                let path = dir.join(name);
                let len = std::fs::metadata(&path)?.len();
                zip.start_file(format!("{folder}/{name}"), options(name, len))?;
                fsutil::copy_file_into(&path, &mut zip)?;
            }
            zip.finish()?.flush()
        })?;
        Ok(vec![ZIP_FILE.to_string()])
    }

    fn check(&self, c: &mut Checker, m: &Manifest) {
        if c.has(ZIP_FILE) {
            check_zip(c, m);
        }
    }
}

/// Audio and short files ([`super::DEFLATE_FROM`]) stored, other text
/// deflated; a fixed date (1980-01-01, zip's first) and ordinary
/// permissions.
fn options(name: &str, len: u64) -> SimpleFileOptions {
    let stored =
        [".mp3", ".wav"].iter().any(|e| name.ends_with(e)) || len < super::DEFLATE_FROM as u64;
    SimpleFileOptions::default()
        .compression_method(if stored {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        })
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644)
}

/// What `README.txt` says: the leaflet, what is in the folder, and how to
/// play it, in plain words for whoever opens the zip.
fn readme(book: &Book, names: &[String]) -> String {
    let has = |n: &str| names.iter().any(|f| f == n);
    let audio = book.audio_format.name().to_uppercase();
    let joined = ["leaflet.mp3", "leaflet.wav"].into_iter().find(|f| has(f));
    let minutes = (book.total_s() / 60.0).round().max(1.0);
    let mut t = String::new();
    t.push_str(&format!(
        "{}\n",
        crate::plain::one_line_printable(&book.title)
    ));
    t.push_str(&format!(
        "An audio version of this leaflet: {} chapters, about {minutes} minutes.\n\n",
        book.chapters.len()
    ));
    t.push_str("Unzip this file first (on most computers and phones, open it and choose Extract or Unzip).\n\n");
    t.push_str("ON A PHONE OR TABLET\n");
    if let Some(one) = joined {
        t.push_str(&format!(
            "- Copy {one} to the phone and open it in a podcast or music app: it is the whole\n  leaflet in one file, and apps that show chapters let you jump between sections.\n"
        ));
    }
    t.push_str(&format!(
        "- Or play the chapter files one by one: each {audio} file whose name starts with a number\n  is one section, in order (01, 02, 03 ...).\n\n"
    ));
    t.push_str("ON A COMPUTER\n");
    if has("index.html") {
        t.push_str("- Open index.html in a web browser (no internet needed): it lists the chapters,\n  plays them in order, and shows the text as it is read. It works with a screen reader\n  and the keyboard.\n");
    }
    if has("playlist.m3u8") {
        t.push_str(
            "- Or open playlist.m3u8 in a media player such as VLC or Windows Media Player.\n",
        );
    }
    t.push('\n');
    if has("ncc.html") {
        t.push_str("ON A DAISY PLAYER\n");
        t.push_str(&format!(
            "- Copy the whole folder \"{}\" to the player's memory card or USB stick. The player\n  finds ncc.html and lets you move by section, paragraph and sentence.\n\n",
            book.slug
        ));
    }
    t.push_str(&format!(
        "Made by audio-leaflet on {} with the voice {}.\n",
        if book.date.is_empty() {
            "the date of the build"
        } else {
            &book.date
        },
        crate::plain::one_line_printable(&book.voice)
    ));
    t.replace('\n', "\r\n")
}

/// The zip opens, every entry reads back whole (the zip crate checks each
/// CRC), `README.txt` is there, and so is every chapter file.
fn check_zip(c: &mut Checker, m: &Manifest) {
    let file = match std::fs::File::open(c.dir.join(ZIP_FILE)) {
        Ok(f) => f,
        Err(e) => return c.problem(ZIP_FILE, format!("cannot be read ({e})")),
    };
    let file = std::io::BufReader::with_capacity(64 * 1024, file);
    let mut zip = match ZipArchive::new(file) {
        Ok(z) => z,
        Err(e) => return c.problem(ZIP_FILE, format!("is not a zip file ({e})")),
    };
    let mut names = Vec::new();
    for i in 0..zip.len() {
        let mut entry = match zip.by_index(i) {
            Ok(e) => e,
            Err(e) => return c.problem(ZIP_FILE, format!("entry {i} cannot be read ({e})")),
        };
        let name = entry.name().to_string();
        if let Err(e) = std::io::copy(&mut entry, &mut std::io::sink()) {
            c.problem(ZIP_FILE, format!("`{name}` is damaged ({e})"));
        }
        names.push(
            Path::new(&name)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
    }
    let mut wanted: Vec<&str> = vec![README_FILE];
    wanted.extend(m.chapters.iter().map(|ch| ch.file.as_str()));
    for want in wanted {
        if !names.iter().any(|n| n == want) {
            c.problem(ZIP_FILE, format!("does not hold `{want}`"));
        }
    }
}

/// The README's text, from a zip's bytes (for tests).
pub fn readme_in(zip: &[u8]) -> Option<String> {
    let mut archive = ZipArchive::new(std::io::Cursor::new(zip)).ok()?;
    let name = archive
        .file_names()
        .find(|n| n.ends_with(README_FILE))?
        .to_string();
    let mut text = String::new();
    archive
        .by_name(&name)
        .ok()?
        .read_to_string(&mut text)
        .ok()?;
    Some(text)
}
