//! `index.html` and `chapters.vtt`: a web player for the chapters that needs no network and
//! no build step, opened from the folder itself or from any static web server.
//!
//! The page is one file (style and script inline) so that it still works when someone copies
//! only the package folder onto a phone or a USB stick. The chapter list is made of plain links
//! to the chapter audio, so the page is usable even where its script does not run; the script
//! turns them into a player with keyboard shortcuts, resume and automatic chapter advance.
//!
//! Beside the chapters is the leaflet's text, one link per utterance to its place in the audio
//! (`file#t=start`), timed by `data-start`/`data-end`: the script highlights the one being
//! spoken and plays from the one chosen.

use std::borrow::Cow;
use std::io::{self, Write};

use quick_xml::escape::{escape, partial_escape};
use serde::Serialize;

use super::check::Checker;
use super::manifest::Manifest;
use super::{Book, BookChapter, Output, Packager, Passage, round_ms};
use crate::clock;
use crate::error::Result;
use crate::plain::one_line;
use crate::script::Role;

pub const PLAYER_FILE: &str = "index.html";
pub const CHAPTERS_VTT_FILE: &str = "chapters.vtt";

/// Kept as real `.css`/`.js` files so they can be read and linted as such; inlined at build
/// time so the page is a single file.
const STYLE: &str = include_str!("player/player.css");
const SCRIPT: &str = include_str!("player/player.js");

/// The speeds offered, as the `<select>` values the script reads back with `Number()`.
const SPEEDS: &[&str] = &["0.75", "1", "1.25", "1.5", "1.75", "2"];

pub struct Player;

impl Packager for Player {
    fn name(&self) -> &'static str {
        "html"
    }

    fn about(&self) -> &'static str {
        "an accessible web player with a chapters track"
    }

    fn owns(&self, file: &str) -> bool {
        file == PLAYER_FILE || file == CHAPTERS_VTT_FILE
    }

    fn check(&self, c: &mut Checker, m: &Manifest) {
        if c.has(PLAYER_FILE) {
            check_player(c, m);
        }
    }

    /// The VTT first, so the page never links to a track that is not there yet.
    fn write(&self, book: &Book, out: &Output) -> Result<Vec<String>> {
        let dir = out.dir;
        crate::fsutil::write_atomic(&dir.join(CHAPTERS_VTT_FILE), |w| render_vtt(book, w))?;
        crate::fsutil::write_atomic(&dir.join(PLAYER_FILE), |w| render_html(book, w))?;
        Ok(vec![PLAYER_FILE.to_string(), CHAPTERS_VTT_FILE.to_string()])
    }
}

/// A WebVTT chapters track over the whole leaflet: one cue per chapter, placed by counting
/// samples (not by adding rounded seconds) so that the last cue ends exactly at the total.
pub fn render_vtt(book: &Book, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "WEBVTT")?;
    let rate = u64::from(book.sample_rate.max(1));
    let mut at = 0u64;
    for c in &book.chapters {
        let start = at;
        at += c.samples;
        writeln!(out)?;
        writeln!(out, "{}", c.index)?;
        let (start, end) = (clock::millis(start, rate), clock::millis(at, rate));
        writeln!(
            out,
            "{} --> {}",
            clock::hms_millis(start),
            clock::hms_millis(end)
        )?;
        // A line break in the text would end the cue; `&`, `<` and `>` would start markup.
        writeln!(out, "{}", partial_escape(one_line(&c.title)))?;
    }
    Ok(())
}

/// The page. Every piece of leaflet text goes through [`escape`]; the chapter data goes
/// through [`script_json`].
pub fn render_html(book: &Book, out: &mut dyn Write) -> io::Result<()> {
    let page = Page::new(book);
    page.head(out)?;
    page.header(out)?;
    writeln!(out, "<main id=\"main\" tabindex=\"-1\">")?;
    page.player(out)?;
    writeln!(out, "<div id=\"reading\" class=\"reading\">")?;
    page.chapters(out)?;
    page.text(out)?;
    writeln!(out, "</div>")?;
    page.shortcuts(out)?;
    writeln!(out, "</main>")?;
    page.footer(out)?;
    page.data(out)?;
    writeln!(out, "<script>\n{SCRIPT}</script>\n</body>\n</html>")
}

/// What the page needs besides the book: its interface language.
struct Page<'a> {
    book: &'a Book,
    ui: &'static Ui,
    /// ` lang="xx"` on leaflet text when the interface is in another language than the
    /// leaflet, so screen readers switch voice for the titles only.
    content_lang: String,
}

impl<'a> Page<'a> {
    fn new(book: &'a Book) -> Page<'a> {
        let ui = Ui::for_language(&book.language);
        let content_lang = if primary_subtag(&book.language) == ui.lang || book.language.is_empty()
        {
            String::new()
        } else {
            format!(" lang=\"{}\"", escape(book.language.as_str()))
        };
        Page {
            book,
            ui,
            content_lang,
        }
    }

    fn head(&self, out: &mut dyn Write) -> io::Result<()> {
        let (ui, title) = (self.ui, escape(self.book.title.as_str()));
        writeln!(out, "<!DOCTYPE html>")?;
        writeln!(out, "<html lang=\"{}\">", html_lang(self.book, ui))?;
        writeln!(out, "<head>")?;
        head_meta(out)?;
        writeln!(out, "<title>{title} ({})</title>", esc(ui.audio_version))?;
        writeln!(
            out,
            "<link rel=\"alternate\" type=\"text/vtt\" href=\"{CHAPTERS_VTT_FILE}\" title=\"{}\">",
            esc(ui.vtt_link)
        )?;
        writeln!(out, "<style>\n{STYLE}</style>\n</head>\n<body>")?;
        writeln!(
            out,
            "<a class=\"skip-link\" href=\"#main\">{}</a>",
            esc(ui.skip)
        )
    }

    fn header(&self, out: &mut dyn Write) -> io::Result<()> {
        let (book, ui) = (self.book, self.ui);
        writeln!(out, "<header>")?;
        if let Some(org) = &book.organisation {
            writeln!(
                out,
                "<p class=\"organisation\"{} dir=\"auto\">{}</p>",
                self.content_lang,
                escape(org.as_str())
            )?;
        }
        writeln!(
            out,
            "<h1{} dir=\"auto\">{}</h1>",
            self.content_lang,
            escape(book.title.as_str())
        )?;
        let count = book.chapters.len();
        let noun = if count == 1 {
            ui.chapter
        } else {
            ui.chapters_n
        };
        writeln!(
            out,
            "<p class=\"summary\">{}: {count} {}, {}</p>",
            esc(ui.audio_version),
            esc(noun),
            esc(&spoken_duration(ui, book.total_s()))
        )?;
        writeln!(out, "</header>")
    }

    fn player(&self, out: &mut dyn Write) -> io::Result<()> {
        let ui = self.ui;
        let first = self.book.chapters.first();
        writeln!(
            out,
            "<section id=\"player\" class=\"player\" aria-labelledby=\"player-heading\" hidden>"
        )?;
        writeln!(out, "<h2 id=\"player-heading\">{}</h2>", esc(ui.player))?;
        writeln!(out, "<div id=\"resume\" class=\"resume\" hidden>")?;
        writeln!(out, "<p id=\"resume-text\"></p>")?;
        writeln!(
            out,
            "<button type=\"button\" id=\"resume-yes\">{}</button>",
            esc(ui.resume)
        )?;
        writeln!(
            out,
            "<button type=\"button\" id=\"resume-no\" class=\"secondary\">{}</button>",
            esc(ui.restart)
        )?;
        writeln!(out, "</div>")?;
        let now = first.map_or(String::new(), |c| {
            fill(
                ui.now_playing,
                &[
                    ("n", &c.index.to_string()),
                    ("total", &self.book.chapters.len().to_string()),
                    ("title", &one_line(&c.title)),
                ],
            )
        });
        writeln!(
            out,
            "<p id=\"now\" class=\"now\" role=\"status\" aria-live=\"polite\" aria-atomic=\"true\" dir=\"auto\">{}</p>",
            escape(now)
        )?;
        writeln!(out, "<audio id=\"audio\" preload=\"metadata\"></audio>")?;
        self.controls(out)?;
        writeln!(
            out,
            "<p id=\"notice\" class=\"visually-hidden\" role=\"status\" aria-live=\"polite\"></p>"
        )?;
        writeln!(out, "</section>")?;
        writeln!(out, "<noscript><p>{}</p></noscript>", esc(ui.noscript))
    }

    fn controls(&self, out: &mut dyn Write) -> io::Result<()> {
        let ui = self.ui;
        writeln!(out, "<div class=\"controls\">")?;
        for (id, label) in [
            ("previous", ui.previous),
            ("back", ui.back),
            ("play", ui.play),
            ("forward", ui.forward),
            ("next", ui.next),
        ] {
            writeln!(
                out,
                "<button type=\"button\" id=\"{id}\">{}</button>",
                esc(label)
            )?;
        }
        writeln!(out, "</div>")?;
        writeln!(out, "<div class=\"position\">")?;
        writeln!(out, "<label for=\"seek\">{}</label>", esc(ui.position))?;
        writeln!(
            out,
            "<input type=\"range\" id=\"seek\" min=\"0\" max=\"0\" step=\"1\" value=\"0\">"
        )?;
        writeln!(
            out,
            "<p class=\"time\"><span id=\"elapsed\">0:00</span> / <span id=\"duration\">0:00</span></p>"
        )?;
        writeln!(out, "</div>")?;
        writeln!(out, "<div class=\"settings\">")?;
        writeln!(out, "<div class=\"speed\">")?;
        writeln!(out, "<label for=\"speed\">{}</label>", esc(ui.speed))?;
        writeln!(out, "<select id=\"speed\">")?;
        for value in SPEEDS {
            let selected = if *value == "1" { " selected" } else { "" };
            writeln!(
                out,
                "<option value=\"{value}\"{selected}>{}</option>",
                esc(&fill(ui.speed_option, &[("rate", value)]))
            )?;
        }
        writeln!(out, "</select>\n</div>")?;
        self.display(out)?;
        writeln!(out, "</div>")
    }

    /// Toggle buttons (`aria-pressed`) for the text panel, large text and high contrast; the
    /// script sets their state from the listener's saved choices.
    fn display(&self, out: &mut dyn Write) -> io::Result<()> {
        let ui = self.ui;
        writeln!(
            out,
            "<div class=\"display\" role=\"group\" aria-labelledby=\"display-label\">"
        )?;
        writeln!(
            out,
            "<p id=\"display-label\" class=\"group-label\">{}</p>",
            esc(ui.display)
        )?;
        for (id, label, pressed) in [
            ("show-text", ui.show_text, true),
            ("large-text", ui.large_text, false),
            ("high-contrast", ui.high_contrast, false),
        ] {
            writeln!(
                out,
                "<button type=\"button\" id=\"{id}\" class=\"toggle\" aria-pressed=\"{pressed}\"><span class=\"tick\" aria-hidden=\"true\"></span>{}</button>",
                esc(label)
            )?;
        }
        writeln!(out, "</div>")
    }

    /// Nested lists show the heading levels: a subsection's list sits inside its section's item.
    fn chapters(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "<nav aria-labelledby=\"chapters-heading\">")?;
        writeln!(
            out,
            "<h2 id=\"chapters-heading\">{}</h2>",
            esc(self.ui.chapters)
        )?;
        let mut open: Vec<u8> = Vec::new();
        for (i, c) in self.book.chapters.iter().enumerate() {
            let level = c.level.max(1);
            match open.last().copied() {
                None => {
                    writeln!(out, "<ol class=\"chapters\">")?;
                    open.push(level);
                }
                Some(_) => {
                    while open.len() > 1 && open.last().is_some_and(|&top| level < top) {
                        writeln!(out, "</li>\n</ol>")?;
                        open.pop();
                    }
                    if open.last().is_some_and(|&top| level > top) {
                        writeln!(out, "<ol>")?;
                        open.push(level);
                    } else {
                        writeln!(out, "</li>")?;
                    }
                }
            }
            self.chapter_item(out, i, c)?;
        }
        for _ in open {
            writeln!(out, "</li>\n</ol>")?;
        }
        writeln!(out, "</nav>")
    }

    fn chapter_item(
        &self,
        out: &mut dyn Write,
        position: usize,
        c: &BookChapter,
    ) -> io::Result<()> {
        let secs = self.book.duration_s(c);
        write!(
            out,
            "<li><a class=\"chapter level-{}\" href=\"{}\" data-chapter=\"{position}\">",
            c.level.max(1),
            escape(url_segment(&c.file))
        )?;
        write!(out, "<span class=\"chapter-number\">{}</span> ", c.index)?;
        write!(
            out,
            "<span class=\"chapter-title\"{} dir=\"auto\">{}</span> ",
            self.content_lang,
            escape(one_line(&c.title))
        )?;
        writeln!(
            out,
            "<span class=\"chapter-duration\"><span aria-hidden=\"true\">{}</span><span class=\"visually-hidden\">{}</span></span></a>",
            clock::short(secs),
            esc(&spoken_duration(self.ui, secs))
        )
    }

    /// The leaflet's text, chapter by chapter, each heading at the depth its chapter has in the
    /// chapter list (so the headings go down one level at a time under the panel's own).
    fn text(&self, out: &mut dyn Write) -> io::Result<()> {
        let ui = self.ui;
        writeln!(
            out,
            "<section id=\"text\" class=\"text\" aria-labelledby=\"text-heading\">"
        )?;
        writeln!(out, "<h2 id=\"text-heading\">{}</h2>", esc(ui.text))?;
        writeln!(
            out,
            "<p id=\"text-hint\" class=\"hint\" hidden>{}</p>",
            esc(ui.text_hint)
        )?;
        let depths = depths(&self.book.chapters);
        for (position, (c, depth)) in self.book.chapters.iter().zip(depths).enumerate() {
            writeln!(
                out,
                "<div class=\"chapter-text\" data-chapter=\"{position}\"{}>",
                self.content_lang
            )?;
            self.passages(out, position, c, depth)?;
            writeln!(out, "</div>")?;
        }
        writeln!(out, "</section>")
    }

    /// One element per utterance: headings as headings, list items in lists, and the
    /// recording's own announcements set apart (see [`passage_tag`]).
    fn passages(
        &self,
        out: &mut dyn Write,
        position: usize,
        c: &BookChapter,
        depth: usize,
    ) -> io::Result<()> {
        let mut in_list = false;
        for p in c.passages.iter().filter(|p| !p.display.trim().is_empty()) {
            let item = p.role == Role::ListItem;
            if item != in_list {
                writeln!(out, "{}", if item { "<ul>" } else { "</ul>" })?;
                in_list = item;
            }
            let (tag, class) = passage_tag(p, depth);
            writeln!(
                out,
                "<{tag}{class} dir=\"auto\">{}</{tag}>",
                self.passage_link(position, c, p)
            )?;
        }
        if in_list {
            writeln!(out, "</ul>")?;
        }
        Ok(())
    }

    /// A link to the passage's place in its chapter's audio, which is where the page's own
    /// browser player starts without the script; with it, a click plays from there.
    fn passage_link(&self, position: usize, c: &BookChapter, p: &Passage) -> String {
        let rate = u64::from(self.book.sample_rate.max(1));
        let start = clock::seconds(clock::millis(p.span.start, rate));
        let end = clock::seconds(clock::millis(p.span.end, rate));
        format!(
            "<a class=\"passage\" href=\"{}#t={start}\" data-chapter=\"{position}\" data-start=\"{start}\" data-end=\"{end}\">{}</a>",
            escape(url_segment(&c.file)),
            escape(p.display.as_str())
        )
    }

    fn shortcuts(&self, out: &mut dyn Write) -> io::Result<()> {
        let ui = self.ui;
        writeln!(
            out,
            "<section id=\"shortcuts\" aria-labelledby=\"shortcuts-heading\" hidden>"
        )?;
        writeln!(
            out,
            "<h2 id=\"shortcuts-heading\">{}</h2>",
            esc(ui.shortcuts)
        )?;
        writeln!(
            out,
            "<p><label class=\"check\"><input type=\"checkbox\" id=\"keys-on\" checked> {}</label></p>",
            esc(ui.shortcuts_toggle)
        )?;
        writeln!(out, "<dl class=\"keys\">")?;
        for (keys, what) in ui.keys {
            let keys: Vec<String> = keys
                .iter()
                .map(|k| format!("<kbd>{}</kbd>", escape(*k)))
                .collect();
            writeln!(
                out,
                "<div><dt>{}</dt><dd>{}</dd></div>",
                keys.join(&format!(" {} ", esc(ui.or))),
                esc(what)
            )?;
        }
        writeln!(out, "</dl>\n</section>")
    }

    fn footer(&self, out: &mut dyn Write) -> io::Result<()> {
        let (book, ui) = (self.book, self.ui);
        writeln!(out, "<footer>")?;
        writeln!(
            out,
            "<p>{}</p>",
            esc(&fill(
                ui.made,
                &[("date", &book.date), ("voice", &book.voice)]
            ))
        )?;
        writeln!(
            out,
            "<p>{} <a href=\"{CHAPTERS_VTT_FILE}\">{CHAPTERS_VTT_FILE}</a>, <a href=\"{}\">{}</a></p>",
            esc(ui.other_files),
            super::MANIFEST_FILE,
            super::MANIFEST_FILE
        )?;
        writeln!(out, "</footer>")
    }

    fn data(&self, out: &mut dyn Write) -> io::Result<()> {
        let starts = self.book.starts_s();
        let data = PageData {
            identifier: &self.book.identifier,
            title: &self.book.title,
            text: self.ui,
            chapters: self
                .book
                .chapters
                .iter()
                .zip(starts)
                .map(|(c, start)| ChapterData {
                    index: c.index,
                    level: c.level,
                    title: one_line(&c.title),
                    file: &c.file,
                    start_s: round_ms(start),
                    duration_s: round_ms(self.book.duration_s(c)),
                })
                .collect(),
        };
        writeln!(
            out,
            "<script type=\"application/json\" id=\"book-data\">{}</script>",
            script_json(&data)?
        )
    }
}

/// The chapter data the script reads; the page's own text for announcements comes with it.
#[derive(Serialize)]
struct PageData<'a> {
    identifier: &'a str,
    title: &'a str,
    chapters: Vec<ChapterData<'a>>,
    text: &'static Ui,
}

#[derive(Serialize)]
struct ChapterData<'a> {
    index: usize,
    level: u8,
    title: String,
    file: &'a str,
    start_s: f64,
    duration_s: f64,
}

/// JSON that is safe inside `<script>`: with `<`, `>` and `&` as `\u003c`... no title can end
/// the element (`</script>`) or switch the parser into its comment-like states (`<!--`).
pub fn script_json<T: Serialize>(value: &T) -> io::Result<String> {
    let json = serde_json::to_string(value)?;
    let mut safe = String::with_capacity(json.len());
    for ch in json.chars() {
        match ch {
            '<' => safe.push_str("\\u003c"),
            '>' => safe.push_str("\\u003e"),
            '&' => safe.push_str("\\u0026"),
            '\u{2028}' => safe.push_str("\\u2028"),
            '\u{2029}' => safe.push_str("\\u2029"),
            _ => safe.push(ch),
        }
    }
    Ok(safe)
}

/// The lines every page of ours opens its `<head>` with: the encoding, a
/// page that fits a phone, light and dark colours, the generator, and no
/// icon request (a static server would answer 404, and a page opened from a
/// folder should ask for nothing outside it).
pub(super) fn head_meta(out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "<meta charset=\"utf-8\">")?;
    writeln!(
        out,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(out, "<meta name=\"color-scheme\" content=\"light dark\">")?;
    writeln!(out, "<meta name=\"generator\" content=\"audio-leaflet\">")?;
    writeln!(out, "<link rel=\"icon\" href=\"data:,\">")
}

fn esc(text: &str) -> Cow<'_, str> {
    escape(text)
}

/// Chapter file names are ASCII slugs already; encoding the rest keeps any other name a
/// working relative URL rather than a fragment or a query. (The catalogue's links to
/// package folders use it too.)
pub(super) fn url_segment(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// How deep each chapter sits in the chapter list: one more than the chapter it follows when
/// its level is higher, back to the depth of the one at its level when lower.
fn depths(chapters: &[BookChapter]) -> Vec<usize> {
    let mut open: Vec<u8> = Vec::new();
    chapters
        .iter()
        .map(|c| {
            let level = c.level.max(1);
            while open.len() > 1 && open.last().is_some_and(|&top| level < top) {
                open.pop();
            }
            if open.last().is_none_or(|&top| level > top) {
                open.push(level);
            }
            open.len()
        })
        .collect()
}

/// The element and class for a passage. The chapter list's `h2` is the panel's heading, so a
/// chapter at depth 1 is an `h3`. Announcements are what the recording says about itself
/// (its length, how to move around, that it has ended), not the leaflet's words: they are
/// shown, so the highlight never leaves the text while they are spoken, but set apart.
fn passage_tag(p: &Passage, depth: usize) -> (String, &'static str) {
    match p.role {
        Role::Heading => (format!("h{}", (depth + 2).min(6)), ""),
        Role::ListItem if has_marker(&p.display) => ("li".into(), " class=\"marked\""),
        Role::ListItem => ("li".into(), ""),
        Role::Paragraph => ("p".into(), ""),
        Role::Caption => ("p".into(), " class=\"caption\""),
        Role::Announcement => ("p".into(), " class=\"announcement\""),
    }
}

/// Whether a list item starts with its own number or letter (`1.`, `3)`, `(iv)`, `b.`): the
/// page shows that instead of a bullet.
fn has_marker(text: &str) -> bool {
    let first = text.split_whitespace().next().unwrap_or_default();
    let first = first.strip_prefix('(').unwrap_or(first);
    let Some(core) = first.strip_suffix(['.', ')']) else {
        return false;
    };
    let digits = !core.is_empty() && core.chars().all(|c| c.is_ascii_digit());
    let letter = core.len() == 1 && core.chars().all(|c| c.is_ascii_alphabetic());
    let roman = !core.is_empty() && core.chars().all(|c| matches!(c, 'i' | 'v' | 'x'));
    digits || letter || roman
}

fn primary_subtag(language: &str) -> String {
    language
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// The page's language is the leaflet's when the interface speaks it, else the interface's,
/// with the leaflet's text marked separately (see [`Page::content_lang`]).
fn html_lang(book: &Book, ui: &Ui) -> String {
    if primary_subtag(&book.language) == ui.lang {
        escape(book.language.as_str()).into_owned()
    } else {
        ui.lang.to_string()
    }
}

/// `{name}` placeholders, shared with the script (which fills the same templates).
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut text = template.to_string();
    for (name, value) in values {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

/// "1 minute 5 seconds": what a screen reader says instead of "1:05".
fn spoken_duration(ui: &Ui, secs: f64) -> String {
    let (h, m, sec) = clock::whole_hms(secs);
    let mut parts = Vec::new();
    for (amount, one, many) in [(h, ui.hour, ui.hours), (m, ui.minute, ui.minutes)] {
        if amount > 0 {
            parts.push(format!("{amount} {}", if amount == 1 { one } else { many }));
        }
    }
    if sec > 0 || parts.is_empty() {
        let unit = if sec == 1 { ui.second } else { ui.seconds };
        parts.push(format!("{sec} {unit}"));
    }
    parts.join(" ")
}

/// The page's own words. A Spanish leaflet gets a Spanish player, so that a screen reader
/// does not read English labels with a Spanish voice; other languages get English.
#[derive(Serialize)]
struct Ui {
    lang: &'static str,
    skip: &'static str,
    audio_version: &'static str,
    chapter: &'static str,
    chapters_n: &'static str,
    player: &'static str,
    now_playing: &'static str,
    play: &'static str,
    pause: &'static str,
    previous: &'static str,
    next: &'static str,
    back: &'static str,
    forward: &'static str,
    position: &'static str,
    position_text: &'static str,
    speed: &'static str,
    speed_option: &'static str,
    speed_now: &'static str,
    chapters: &'static str,
    resume_prompt: &'static str,
    resume_prompt_start: &'static str,
    resume: &'static str,
    restart: &'static str,
    finished: &'static str,
    cannot_play: &'static str,
    shortcuts: &'static str,
    shortcuts_toggle: &'static str,
    shortcuts_off: &'static str,
    shortcuts_on: &'static str,
    or: &'static str,
    #[serde(skip)]
    display: &'static str,
    #[serde(skip)]
    show_text: &'static str,
    #[serde(skip)]
    large_text: &'static str,
    #[serde(skip)]
    high_contrast: &'static str,
    #[serde(skip)]
    text: &'static str,
    #[serde(skip)]
    text_hint: &'static str,
    #[serde(skip)]
    keys: &'static [(&'static [&'static str], &'static str)],
    noscript: &'static str,
    made: &'static str,
    other_files: &'static str,
    vtt_link: &'static str,
    hour: &'static str,
    hours: &'static str,
    minute: &'static str,
    minutes: &'static str,
    second: &'static str,
    seconds: &'static str,
}

impl Ui {
    fn for_language(language: &str) -> &'static Ui {
        match primary_subtag(language).as_str() {
            "es" => &ES,
            _ => &EN,
        }
    }
}

const EN: Ui = Ui {
    lang: "en",
    skip: "Skip to the player",
    audio_version: "Audio version",
    chapter: "chapter",
    chapters_n: "chapters",
    player: "Player",
    now_playing: "Chapter {n} of {total}: {title}",
    play: "Play",
    pause: "Pause",
    previous: "Previous chapter",
    next: "Next chapter",
    back: "Back 10 seconds",
    forward: "Forward 10 seconds",
    position: "Position in this chapter",
    position_text: "{elapsed} of {total}",
    speed: "Speed",
    speed_option: "{rate}×",
    speed_now: "Speed {rate} times",
    chapters: "Chapters",
    resume_prompt: "You stopped {time} into chapter {n}: {title}",
    resume_prompt_start: "You stopped at the start of chapter {n}: {title}",
    resume: "Resume",
    restart: "Start from the beginning",
    finished: "End of the leaflet.",
    cannot_play: "This chapter cannot be played: {file}",
    shortcuts: "Keyboard shortcuts",
    shortcuts_toggle: "Use the single-key shortcuts below",
    shortcuts_off: "Keyboard shortcuts off",
    shortcuts_on: "Keyboard shortcuts on",
    or: "or",
    display: "Display",
    show_text: "Show the text",
    large_text: "Large text",
    high_contrast: "High contrast",
    text: "The leaflet's text",
    text_hint: "The passage being read is highlighted. Choose a passage to play from there; \
                in the text, the up and down arrow keys move from one passage to the next.",
    keys: &[
        (&["Space", "K"], "Play or pause"),
        (&["N"], "Next chapter"),
        (&["P"], "Previous chapter"),
        (&["L", "Right arrow"], "Forward 10 seconds"),
        (&["J", "Left arrow"], "Back 10 seconds"),
        (&["]"], "Faster"),
        (&["["], "Slower"),
    ],
    noscript: "The player needs JavaScript. Without it, each chapter link opens that chapter \
               in your browser's own audio player.",
    made: "Made on {date} by audio-leaflet with the voice {voice}.",
    other_files: "For other players:",
    vtt_link: "Chapters (WebVTT)",
    hour: "hour",
    hours: "hours",
    minute: "minute",
    minutes: "minutes",
    second: "second",
    seconds: "seconds",
};

const ES: Ui = Ui {
    lang: "es",
    skip: "Saltar al reproductor",
    audio_version: "Versión en audio",
    chapter: "capítulo",
    chapters_n: "capítulos",
    player: "Reproductor",
    now_playing: "Capítulo {n} de {total}: {title}",
    play: "Reproducir",
    pause: "Pausa",
    previous: "Capítulo anterior",
    next: "Capítulo siguiente",
    back: "Atrás 10 segundos",
    forward: "Adelante 10 segundos",
    position: "Posición en este capítulo",
    position_text: "{elapsed} de {total}",
    speed: "Velocidad",
    speed_option: "{rate}×",
    speed_now: "Velocidad {rate} veces",
    chapters: "Capítulos",
    resume_prompt: "Se detuvo a los {time} del capítulo {n}: {title}",
    resume_prompt_start: "Se detuvo al principio del capítulo {n}: {title}",
    resume: "Continuar",
    restart: "Empezar desde el principio",
    finished: "Fin del folleto.",
    cannot_play: "No se puede reproducir este capítulo: {file}",
    shortcuts: "Atajos de teclado",
    shortcuts_toggle: "Usar los atajos de una tecla de abajo",
    shortcuts_off: "Atajos de teclado desactivados",
    shortcuts_on: "Atajos de teclado activados",
    or: "o",
    display: "Pantalla",
    show_text: "Mostrar el texto",
    large_text: "Letra grande",
    high_contrast: "Alto contraste",
    text: "El texto del folleto",
    text_hint: "El pasaje que se está leyendo aparece resaltado. Elija un pasaje para \
                escucharlo desde ahí; en el texto, las flechas arriba y abajo pasan de un \
                pasaje a otro.",
    keys: &[
        (&["Espacio", "K"], "Reproducir o pausar"),
        (&["N"], "Capítulo siguiente"),
        (&["P"], "Capítulo anterior"),
        (&["L", "Flecha derecha"], "Adelante 10 segundos"),
        (&["J", "Flecha izquierda"], "Atrás 10 segundos"),
        (&["]"], "Más rápido"),
        (&["["], "Más lento"),
    ],
    noscript: "El reproductor necesita JavaScript. Sin él, cada enlace de capítulo abre ese \
               capítulo en el reproductor de audio del navegador.",
    made: "Creado el {date} por audio-leaflet con la voz {voice}.",
    other_files: "Para otros reproductores:",
    vtt_link: "Capítulos (WebVTT)",
    hour: "hora",
    hours: "horas",
    minute: "minuto",
    minutes: "minutos",
    second: "segundo",
    seconds: "segundos",
};

/// The web player offers every chapter, its text (when it has one, as players since the
/// read-along text do) has a passage for every utterance, and its chapters track is there.
fn check_player(c: &mut Checker, m: &Manifest) {
    let Some(page) = c.read(PLAYER_FILE) else {
        return;
    };
    for ch in &m.chapters {
        if !page.contains(&ch.file) {
            c.problem(
                PLAYER_FILE,
                format!("does not offer chapter {} ({})", ch.index, ch.file),
            );
        }
    }
    if page.contains("<section id=\"text\"") {
        let passages = page.matches("<a class=\"passage\"").count();
        let utterances = m
            .chapters
            .iter()
            .flat_map(|ch| &ch.utterances)
            .filter(|u| !u.text.trim().is_empty())
            .count();
        if passages != utterances {
            c.problem(
                PLAYER_FILE,
                format!("shows {passages} passages of the text for {utterances} utterances"),
            );
        }
    }
    if let Some(vtt) = c.read(CHAPTERS_VTT_FILE) {
        let cues = vtt.lines().filter(|l| l.contains(" --> ")).count();
        if !vtt.starts_with("WEBVTT") || cues != m.chapters.len() {
            c.problem(
                CHAPTERS_VTT_FILE,
                format!("has {cues} cues for {} chapters", m.chapters.len()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_for_eyes_and_ears() {
        assert_eq!(spoken_duration(&EN, 0.2), "0 seconds");
        assert_eq!(spoken_duration(&EN, 61.0), "1 minute 1 second");
        assert_eq!(spoken_duration(&EN, 7_320.0), "2 hours 2 minutes");
        assert_eq!(spoken_duration(&ES, 125.0), "2 minutos 5 segundos");
    }

    #[test]
    fn urls_keep_slugs_and_encode_the_rest() {
        assert_eq!(url_segment("01-carpal-tunnel.wav"), "01-carpal-tunnel.wav");
        assert_eq!(url_segment("a b#?.wav"), "a%20b%23%3F.wav");
        assert_eq!(url_segment("é.wav"), "%C3%A9.wav");
    }

    #[test]
    fn the_interface_speaks_the_leaflets_language_when_it_can() {
        assert_eq!(Ui::for_language("es").lang, "es");
        assert_eq!(Ui::for_language("es-419").lang, "es");
        assert_eq!(Ui::for_language("fr").lang, "en");
        assert_eq!(Ui::for_language("").lang, "en");
    }

    #[test]
    fn list_items_that_carry_their_own_marker() {
        for marked in [
            "1. Wash", "3) Clean", "(4) Fit", "b. Ring", "(iv) Ask", "10. Go",
        ] {
            assert!(has_marker(marked), "{marked}");
        }
        for plain in [
            "Stoma bags",
            "Dr. Smith",
            "e.g. this",
            "1.5 litres",
            "Wipes:",
            "",
        ] {
            assert!(!has_marker(plain), "{plain}");
        }
    }

    #[test]
    fn text_headings_go_down_one_level_at_a_time() {
        let chapters: Vec<BookChapter> = [1u8, 2, 2, 1, 3, 1, 2, 3, 1]
            .iter()
            .map(|&level| BookChapter {
                index: 1,
                level,
                title: String::new(),
                file: String::new(),
                samples: 0,
                words: 0,
                loudness_lufs: 0.0,
                true_peak_dbtp: 0.0,
                audio_key: String::new(),
                audio: Default::default(),
                pcm: Default::default(),
                passages: Vec::new(),
            })
            .collect();
        assert_eq!(depths(&chapters), [1, 2, 2, 1, 2, 1, 2, 3, 1]);
    }

    #[test]
    fn inline_assets_cannot_close_their_elements() {
        assert!(!SCRIPT.to_ascii_lowercase().contains("</script"));
        assert!(!SCRIPT.contains("<!--"));
        assert!(!STYLE.to_ascii_lowercase().contains("</style"));
    }

    #[test]
    fn script_json_escapes_markup_characters() {
        let json = script_json(&"</script><!-- a & b > c \u{2028}").unwrap();
        assert_eq!(
            json,
            r#""\u003c/script\u003e\u003c!-- a \u0026 b \u003e c \u2028""#
        );
        let back: String = serde_json::from_str(&json).unwrap();
        assert_eq!(back, "</script><!-- a & b > c \u{2028}");
    }
}
