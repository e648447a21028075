//! `audio-leaflet index OUT`: a catalogue of every package in an output
//! folder, as `catalogue.json` for programs and `index.html` for people.
//!
//! It is the last step of a batch spread over many machines (`build
//! --shard`): each shard writes only its own leaflets' packages, so no
//! shard can list them all; this reads what they left. It reads only the
//! packages' manifests, so it is quick and can run again at any time. The
//! catalogue holds nothing that changes from run to run (no time of
//! writing), so the same packages always give the same two files.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use quick_xml::escape::escape;
use serde::{Deserialize, Serialize};

use super::manifest::{MANIFEST_FILE, Manifest};
use super::player::{head_meta, url_segment};
use super::{JOINED_MP3, JOINED_WAV, PLAYER_FILE, ZIP_FILE};
use crate::clock;
use crate::error::{Error, Result};
use crate::fsutil;
use crate::plain::one_line;

pub const CATALOGUE_FILE: &str = "catalogue.json";
/// The catalogue's page, at the top of the output folder (each package's
/// own `index.html` is its player, one folder down).
pub const CATALOGUE_PAGE: &str = "index.html";
/// Bump when a field changes meaning or goes.
pub const CATALOGUE_SCHEMA: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catalogue {
    pub schema_version: u32,
    /// By folder name.
    pub packages: Vec<Listed>,
    /// Folders with a manifest that could not be read, by folder name.
    pub problems: Vec<Unlisted>,
}

/// One package, as the catalogue lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Listed {
    /// The package's folder in the output folder.
    pub slug: String,
    pub title: String,
    pub language: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    pub voice: String,
    pub chapters: usize,
    pub total_duration_s: f64,
    /// When this version of the leaflet was first built (`YYYY-MM-DD`).
    pub date: String,
    pub links: Links,
}

/// Links relative to the output folder, for the files the package has
/// (a build with `--formats` may leave some out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Links {
    pub manifest: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub player: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zip: Option<String>,
    /// The whole leaflet as one file: `leaflet.mp3` (or `leaflet.wav`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio: Option<String>,
}

/// A folder that looks like a package but whose manifest does not read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unlisted {
    pub slug: String,
    pub problem: String,
}

/// Read every package in `out`: each folder holding a `manifest.json`.
/// Working folders (`.audio-leaflet`, a build's `.staging-` folders) and
/// folders without a manifest (staff's own) are passed over; a manifest
/// that does not read is listed as a problem, not an error.
pub fn gather(out: &Path) -> Result<Catalogue> {
    let entries = std::fs::read_dir(out).map_err(|e| {
        Error::Other(format!(
            "cannot read the output folder `{}` ({e}): give the folder `build --out` wrote to",
            out.display()
        ))
    })?;
    let mut folders: Vec<(String, PathBuf)> = entries
        .flatten()
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .filter(|(name, path)| !name.starts_with('.') && path.join(MANIFEST_FILE).is_file())
        .collect();
    folders.sort();
    let mut catalogue = Catalogue {
        schema_version: CATALOGUE_SCHEMA,
        packages: Vec::new(),
        problems: Vec::new(),
    };
    for (slug, dir) in folders {
        match read_manifest(&dir) {
            Ok(m) => catalogue.packages.push(listed(&slug, &dir, &m)),
            Err(problem) => catalogue.problems.push(Unlisted { slug, problem }),
        }
    }
    Ok(catalogue)
}

fn read_manifest(dir: &Path) -> std::result::Result<Manifest, String> {
    let path = dir.join(MANIFEST_FILE);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("`{}` cannot be read ({e})", path.display()))?;
    serde_json::from_str(&text).map_err(|e| {
        format!(
            "`{}` is not a valid manifest ({e}): build that leaflet again",
            path.display()
        )
    })
}

fn listed(slug: &str, dir: &Path, m: &Manifest) -> Listed {
    let link = |file: &str| dir.join(file).is_file().then(|| href(slug, file));
    Listed {
        slug: slug.to_string(),
        title: m.title.clone(),
        language: m.language.clone(),
        organisation: m.organisation.clone(),
        voice: m.voice.name.clone(),
        chapters: m.chapters.len(),
        total_duration_s: m.total_duration_s,
        date: m.date.clone(),
        links: Links {
            manifest: href(slug, MANIFEST_FILE),
            player: link(PLAYER_FILE),
            zip: link(ZIP_FILE),
            audio: link(JOINED_MP3).or_else(|| link(JOINED_WAV)),
        },
    }
}

/// `folder/file` as a relative URL (a folder staff named may need escapes).
fn href(folder: &str, file: &str) -> String {
    format!("{}/{}", url_segment(folder), url_segment(file))
}

/// Write both files into `out`, each atomically: the page first, then the
/// JSON, which programs may take as the sign that the catalogue is new.
pub fn write(out: &Path, catalogue: &Catalogue) -> Result<()> {
    fsutil::write_atomic(&out.join(CATALOGUE_PAGE), |w| render_html(catalogue, w))?;
    fsutil::write_atomic(&out.join(CATALOGUE_FILE), |w| {
        serde_json::to_writer_pretty(&mut *w, catalogue)?;
        w.write_all(b"\n")
    })
}

const STYLE: &str = "body{font:1.1rem/1.5 system-ui,sans-serif;max-width:48rem;margin:0 auto;\
padding:1rem}a{color:LinkText}.skip-link{position:absolute;left:-999px}\
.skip-link:focus{left:1rem}li{margin-bottom:1.25rem}h2{font-size:1.2rem;margin:0}\
p{margin:.25rem 0}";

/// The page: a list of leaflets, each title a link to its player, with its
/// length and downloads. Every piece of text from a manifest is escaped.
pub fn render_html(catalogue: &Catalogue, out: &mut dyn Write) -> io::Result<()> {
    let count = catalogue.packages.len();
    writeln!(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>")?;
    head_meta(out)?;
    writeln!(out, "<title>Audio leaflets</title>")?;
    writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>")?;
    writeln!(
        out,
        "<a class=\"skip-link\" href=\"#main\">Skip to the leaflets</a>"
    )?;
    writeln!(out, "<header>\n<h1>Audio leaflets</h1>")?;
    writeln!(
        out,
        "<p>{count} leaflet{}. Choose a title to listen in your browser, chapter by chapter.</p>",
        if count == 1 { "" } else { "s" }
    )?;
    writeln!(out, "</header>\n<main id=\"main\" tabindex=\"-1\">")?;
    writeln!(out, "<ul aria-label=\"Leaflets\">")?;
    for p in &catalogue.packages {
        item(p, out)?;
    }
    writeln!(out, "</ul>")?;
    problems(&catalogue.problems, out)?;
    writeln!(out, "</main>\n</body>\n</html>")
}

fn item(p: &Listed, out: &mut dyn Write) -> io::Result<()> {
    let lang = escape(p.language.as_str());
    let title = escape(one_line(&p.title)).into_owned();
    writeln!(out, "<li>")?;
    match &p.links.player {
        Some(href) => writeln!(
            out,
            "<h2 lang=\"{lang}\" dir=\"auto\"><a href=\"{}\">{title}</a></h2>",
            escape(href.as_str())
        )?,
        None => writeln!(out, "<h2 lang=\"{lang}\" dir=\"auto\">{title}</h2>")?,
    }
    let mut about = Vec::new();
    if let Some(org) = &p.organisation {
        about.push(format!(
            "<span lang=\"{lang}\" dir=\"auto\">{}</span>",
            escape(one_line(org))
        ));
    }
    let chapters = if p.chapters == 1 {
        "chapter"
    } else {
        "chapters"
    };
    about.push(format!("{} {chapters}", p.chapters));
    about.push(format!(
        "<time datetime=\"PT{}S\">{} long</time>",
        p.total_duration_s.round() as u64,
        clock::short(p.total_duration_s)
    ));
    if !p.date.is_empty() {
        about.push(format!("made {}", escape(p.date.as_str())));
    }
    writeln!(out, "<p>{}</p>", about.join(", "))?;
    downloads(p, out)?;
    writeln!(out, "</li>")
}

/// The zip and the one-file recording, when the package has them.
fn downloads(p: &Listed, out: &mut dyn Write) -> io::Result<()> {
    let title = escape(one_line(&p.title)).into_owned();
    let links: Vec<String> = [
        (&p.links.zip, "Download every file (zip)"),
        (&p.links.audio, "The whole leaflet as one recording"),
    ]
    .into_iter()
    .filter_map(|(href, text)| {
        href.as_ref().map(|h| {
            format!(
                "<a href=\"{}\" aria-label=\"{text}: {title}\">{text}</a>",
                escape(h.as_str())
            )
        })
    })
    .collect();
    if links.is_empty() {
        return Ok(());
    }
    writeln!(out, "<p>{}</p>", links.join(" | "))
}

fn problems(unlisted: &[Unlisted], out: &mut dyn Write) -> io::Result<()> {
    if unlisted.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "<section aria-labelledby=\"problems\">\n<h2 id=\"problems\">Not listed: packages that need building again</h2>\n<ul>"
    )?;
    for u in unlisted {
        writeln!(
            out,
            "<li><code>{}</code>: {}</li>",
            escape(u.slug.as_str()),
            escape(u.problem.as_str())
        )?;
    }
    writeln!(out, "</ul>\n</section>")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(title: &str) -> Listed {
        Listed {
            slug: "knee".into(),
            title: title.into(),
            language: "en".into(),
            organisation: Some("St <Mary's>".into()),
            voice: "kal16".into(),
            chapters: 1,
            total_duration_s: 83.4,
            date: "2026-03-04".into(),
            links: Links {
                manifest: "knee/manifest.json".into(),
                player: Some("knee/index.html".into()),
                zip: None,
                audio: Some("knee/leaflet.mp3".into()),
            },
        }
    }

    #[test]
    fn the_page_escapes_what_manifests_say() {
        let catalogue = Catalogue {
            schema_version: CATALOGUE_SCHEMA,
            packages: vec![listed("Knee <script>alert(1)</script> & care")],
            problems: vec![Unlisted {
                slug: "bad".into(),
                problem: "`bad/manifest.json` is not <valid>".into(),
            }],
        };
        let mut page = Vec::new();
        render_html(&catalogue, &mut page).unwrap();
        let page = String::from_utf8(page).unwrap();
        assert!(!page.contains("<script>alert"), "{page}");
        assert!(page.contains("Knee &lt;script&gt;alert(1)&lt;/script&gt; &amp; care"));
        assert!(page.contains("St &lt;Mary&apos;s&gt;"), "{page}");
        assert!(page.contains("<a href=\"knee/index.html\">"));
        assert!(page.contains("1 chapter,") && page.contains("1:23 long"));
        assert!(!page.contains("zip"), "no link to a file that is not there");
        assert!(page.contains("is not &lt;valid&gt;"));
    }

    #[test]
    fn folders_with_odd_names_are_linked_by_escaped_urls() {
        assert_eq!(
            href("knee care#1", "index.html"),
            "knee%20care%231/index.html"
        );
    }
}
