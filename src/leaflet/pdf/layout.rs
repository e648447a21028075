//! From positioned runs to the Markdown reader's units: runs into lines on
//! one baseline, lines into blocks, blocks into reading order (columns and
//! table rows), running headers and footers dropped, and each block judged a
//! heading, a bold line, a list item or a paragraph by its size and shape.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use super::extract::{Page, Run};
use crate::leaflet::cleanup;
use crate::leaflet::document::{Unit, UnitKind};

/// A gap wider than this many text sizes splits a baseline into separate
/// lines (columns, table cells); word spaces are far narrower.
const SPLIT_GAP: f32 = 1.8;
/// A gap wider than this many text sizes splits a baseline before text that
/// starts where a table's cells start on the same page ([`cell_starts`]):
/// wider than a word space.
const CELL_GAP: f32 = 0.6;
/// How near, in points, two starts are to be one column's.
const CELL_ALIGN: f32 = 1.0;
/// The share of the page at the top and bottom where running headers and
/// footers stand.
const MARGIN_ZONE: f32 = 0.08;
/// How much larger than the body text a heading is.
const HEADING_RATIO: f32 = 1.15;
/// The most words a heading may have: a longer line set large is a lead
/// paragraph, not a heading.
const HEADING_WORDS: usize = 14;

/// Text on one baseline, with no wide gap in it.
#[derive(Debug, Clone)]
struct Line {
    x: f32,
    end: f32,
    y: f32,
    size: f32,
    bold: bool,
    /// Starts with a glyph from a symbol font (a bullet).
    symbol_start: bool,
    text: String,
}

/// Lines of one paragraph, heading or list item.
#[derive(Debug, Clone)]
struct Block {
    lines: Vec<Line>,
    x0: f32,
    x1: f32,
    size: f32,
    bold: bool,
    /// The distance between its first two baselines, once it has two.
    spacing: Option<f32>,
}

impl Block {
    fn new(line: Line) -> Block {
        Block {
            x0: line.x,
            x1: line.end,
            size: line.size,
            bold: line.bold,
            spacing: None,
            lines: vec![line],
        }
    }

    fn top(&self) -> f32 {
        self.lines[0].y + self.size * 0.8
    }

    fn bottom(&self) -> f32 {
        self.lines[self.lines.len() - 1].y - self.size * 0.25
    }

    fn last_y(&self) -> f32 {
        self.lines[self.lines.len() - 1].y
    }

    /// Its lines' text joined with spaces, as they stand (no hyphen repair).
    fn plain_text(&self) -> String {
        self.lines
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn chars(&self) -> usize {
        self.lines.iter().map(|l| l.text.chars().count()).sum()
    }
}

/// What a page gives in reading order.
enum Piece {
    Block(Block),
    /// Cells side by side on one row of a table, read as one paragraph.
    Row(Vec<Block>),
    Dropped(String, &'static str),
}

/// The units of a whole document, in reading order.
pub fn units(pages: &[Page]) -> Vec<Unit> {
    let lines: Vec<PageLines> = pages.iter().map(page_lines).collect();
    let furniture = running_lines(pages, &lines);
    let mut per_page: Vec<Vec<Piece>> = Vec::new();
    for (p, (upright, rotated, cells)) in lines.into_iter().enumerate() {
        let mut pieces = Vec::new();
        let mut body = Vec::new();
        let mut footers = Vec::new();
        for line in upright {
            match furniture.get(&(p, line_key(&line))) {
                Some(&"page header") => pieces.push(Piece::Dropped(line.text, "page header")),
                Some(reason) => footers.push(Piece::Dropped(line.text, reason)),
                None => body.push(line),
            }
        }
        for line in rotated {
            pieces.push(Piece::Dropped(line.text, "text set sideways"));
        }
        let blocks = blocks(body);
        pieces.extend(reading_order(blocks, &cells));
        pieces.extend(footers);
        per_page.push(pieces);
    }
    if let Some(first) = per_page.first_mut() {
        drop_cover_organisation(first);
    }
    let body = body_size(&per_page);
    let levels = heading_levels(&per_page, body);
    let vocab = vocabulary(&per_page);
    let mut out = Emitter {
        units: Vec::new(),
        list: None,
        lists: 0,
    };
    for pieces in per_page {
        for piece in pieces {
            match piece {
                Piece::Dropped(text, reason) => out.push(Unit::dropped(text, reason)),
                Piece::Row(cells) => {
                    let texts: Vec<String> = cells.iter().map(|c| block_text(c, &vocab)).collect();
                    out.paragraph(join_cells(&texts), false);
                }
                Piece::Block(b) => out.block(&b, body, &levels, &vocab),
            }
        }
    }
    out.units
}

static ORGANISATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:NHS|N\.H\.S\.|Hospitals?|Trust|Foundation|Health Board|Infirmary|University)\b",
    )
    .unwrap()
});

/// The hospital's name set large on the cover (often larger than the title)
/// is no heading: dropped, as the text reader does, up to the first
/// paragraph of the cover.
fn drop_cover_organisation(pieces: &mut [Piece]) {
    for piece in pieces.iter_mut() {
        let Piece::Block(b) = piece else { continue };
        let text = b.plain_text();
        let words = text.split_whitespace().count();
        if words > 8 {
            return;
        }
        if ORGANISATION.is_match(&text) {
            *piece = Piece::Dropped(text, "organisation name on the cover");
        } else if text.chars().count() <= 2 {
            // A logo's letter or an ornament set in a font of its own.
            *piece = Piece::Dropped(text, "stray glyph on the cover");
        }
    }
}

/// A page's upright lines, its text set sideways, and where its table cells
/// start ([`cell_starts`]).
type PageLines = (Vec<Line>, Vec<Line>, Vec<f32>);

/// The upright lines of a page and, apart, the text set sideways.
fn page_lines(page: &Page) -> PageLines {
    let (rotated, upright): (Vec<&Run>, Vec<&Run>) = page.runs.iter().partition(|r| r.rotated);
    let sideways: String = rotated
        .iter()
        .map(|r| r.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let sideways = squash(&sideways);
    let mut runs: Vec<&Run> = upright
        .into_iter()
        .filter(|r| r.size > 0.5 && r.size < 500.0)
        .collect();
    runs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
    let mut baselines: Vec<Vec<&Run>> = Vec::new();
    let mut i = 0;
    while i < runs.len() {
        let top = runs[i].y;
        let tolerance = runs[i].size * 0.45;
        let mut j = i + 1;
        while j < runs.len() && top - runs[j].y <= tolerance.max(runs[j].size * 0.45) {
            j += 1;
        }
        let mut baseline: Vec<&Run> = runs[i..j].to_vec();
        baseline.sort_by(|a, b| a.x.total_cmp(&b.x));
        baselines.push(baseline);
        i = j;
    }
    let cells = cell_starts(&baselines);
    let mut lines = Vec::new();
    for baseline in &baselines {
        split_baseline(baseline, &cells, &mut lines);
    }
    let rotated = if sideways.is_empty() {
        Vec::new()
    } else {
        vec![Line {
            x: 0.0,
            end: 0.0,
            y: 0.0,
            size: 0.0,
            bold: false,
            symbol_start: false,
            text: sideways,
        }]
    };
    (lines, rotated, cells)
}

/// Whether the gap before `run` splits its baseline: wider than
/// [`SPLIT_GAP`], or than [`CELL_GAP`] where `run` starts at one of the
/// page's `cells` ([`cell_starts`]).
fn splits(gap: f32, size: f32, run: &Run, cells: &[f32]) -> bool {
    gap > SPLIT_GAP * size || (gap > CELL_GAP * size && starts_a_cell(run.x, cells))
}

/// Whether text at `x` starts where one of the page's `cells` start.
fn starts_a_cell(x: f32, cells: &[f32]) -> bool {
    cells.iter().any(|c| (c - x).abs() <= CELL_ALIGN)
}

/// Where a page's table cells start: the `x` at which the text after a wide
/// gap starts on two baselines or more (not the text after a bullet). A row
/// whose first cell is long leaves a narrower gap before the next (a word
/// space wide, or two), which alone would not part them; starting where the
/// column below starts does.
fn cell_starts(baselines: &[Vec<&Run>]) -> Vec<f32> {
    let mut starts: Vec<f32> = Vec::new();
    for runs in baselines {
        let mut on_this: Vec<f32> = runs
            .windows(2)
            .filter(|w| {
                let (gap, size) = (w[1].x - w[0].end, w[0].size.max(w[1].size));
                splits(gap, size, w[1], &[]) && !is_marker(w[0].text.trim(), w[0].symbol)
            })
            .map(|w| w[1].x)
            .collect();
        on_this.dedup_by(|a, b| (*a - *b).abs() <= CELL_ALIGN);
        starts.extend(on_this);
    }
    starts.sort_by(f32::total_cmp);
    let mut cells: Vec<f32> = Vec::new();
    let mut k = 0;
    while k < starts.len() {
        let mut n = k + 1;
        while n < starts.len() && starts[n] - starts[k] <= CELL_ALIGN {
            n += 1;
        }
        if n - k >= 2 {
            cells.push(starts[k]);
        }
        k = n;
    }
    cells
}

/// Runs on one baseline, left to right, into lines split at wide gaps (and
/// narrower ones before a table's cell, see [`splits`]). A lone bullet or
/// list number stays with the text after it however far it is.
fn split_baseline(runs: &[&Run], cells: &[f32], lines: &mut Vec<Line>) {
    let mut current: Vec<&Run> = Vec::new();
    for &run in runs {
        if let Some(&last) = current.last() {
            let gap = run.x - last.end;
            let size = last.size.max(run.size);
            let marker_only = current.len() == 1 && is_marker(last.text.trim(), last.symbol);
            let duplicate = gap < -0.5 * size && run.text == last.text;
            if duplicate {
                continue;
            }
            if splits(gap, size, run, cells) && !(marker_only && gap < 6.0 * size) {
                lines.extend(make_line(&current));
                current.clear();
            }
        }
        current.push(run);
    }
    lines.extend(make_line(&current));
}

/// A reference number set as a superscript: digits (with commas and
/// dashes between them, "2,3" or "4-6") at most 80% the size of the text
/// around it and raised above its baseline, after a word. The listener would
/// hear "walking 3 helps" for "walking³ helps"; the text reader drops such
/// numbers by their shape, this one by where they are drawn.
fn is_superscript_reference(run: &Run, prev: Option<&Run>, size: f32, baseline: f32) -> bool {
    static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\s*[0-9]{1,3}(?:\s*[,\u{2013}-]\s*[0-9]{1,3})*\s*$").unwrap()
    });
    let after_word = prev.is_some_and(|p| {
        let before = p.text.trim_end();
        let unit = before
            .rsplit(|c: char| !c.is_alphabetic())
            .next()
            .is_some_and(|w| matches!(w, "m" | "cm" | "mm" | "km" | "ft"));
        !unit && before.ends_with(|c: char| c.is_alphabetic() || ".,;:)".contains(c))
    });
    after_word
        && run.size <= 0.8 * size
        && run.y - baseline >= 0.2 * size
        && REFERENCE.is_match(&run.text)
}

/// The size most of a line's letters are set in, and the lowest baseline
/// among the runs of that size.
fn line_size(runs: &[&Run]) -> (f32, f32) {
    let mut weight: HashMap<u32, usize> = HashMap::new();
    for run in runs {
        let n = run.text.chars().filter(|c| !c.is_whitespace()).count();
        *weight.entry((run.size * 2.0).round() as u32).or_default() += n;
    }
    let size = weight
        .into_iter()
        .max_by_key(|&(s, n)| (n, s))
        .map(|(s, _)| s as f32 / 2.0)
        .unwrap_or(0.0);
    let baseline = runs
        .iter()
        .filter(|r| (r.size - size).abs() < 0.5)
        .map(|r| r.y)
        .fold(f32::MAX, f32::min);
    (size, baseline)
}

fn make_line(runs: &[&Run]) -> Option<Line> {
    let (body, baseline) = line_size(runs);
    let kept: Vec<&Run> = runs
        .iter()
        .enumerate()
        .filter(|&(i, r)| {
            let prev = i.checked_sub(1).map(|p| runs[p]);
            !is_superscript_reference(r, prev, body, baseline)
        })
        .map(|(_, r)| *r)
        .collect();
    let runs = &kept[..];
    let first = runs.first()?;
    let mut text = String::new();
    let mut prev_end: Option<f32> = None;
    let mut weight: HashMap<u32, usize> = HashMap::new();
    let (mut bold, mut all) = (0usize, 0usize);
    for run in runs {
        if let Some(end) = prev_end {
            let gap = run.x - end;
            let joined =
                text.ends_with(char::is_whitespace) || run.text.starts_with(char::is_whitespace);
            if gap > 0.15 * run.size && !joined {
                text.push(' ');
            }
        }
        text.push_str(&run.text);
        prev_end = Some(run.end.max(run.x));
        let n = run.text.chars().filter(|c| !c.is_whitespace()).count();
        *weight.entry((run.size * 2.0).round() as u32).or_default() += n;
        all += n;
        if run.bold {
            bold += n;
        }
    }
    let text = squash(&text);
    if text.is_empty() {
        return None;
    }
    let size = weight
        .into_iter()
        .max_by_key(|&(s, n)| (n, s))
        .map(|(s, _)| s as f32 / 2.0)
        .unwrap_or(first.size);
    let last = runs[runs.len() - 1];
    Some(Line {
        x: first.x,
        end: last.end.max(last.x),
        y: first
            .y
            .min(runs.iter().map(|r| r.y).fold(f32::MAX, f32::min)),
        size,
        bold: all > 0 && bold * 10 >= all * 7,
        symbol_start: first.symbol && first.text.trim().chars().count() == 1,
        text,
    })
}

/// Collapse runs of white space (and drop control characters).
fn squash(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A line's text with digits folded, so "Page 3 of 8" and "Page 4 of 8" match.
fn fold_digits(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            if !out.ends_with('#') {
                out.push('#');
            }
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

fn line_key(line: &Line) -> String {
    format!("{:.0}|{}", line.y, line.text)
}

/// "3", "Page 3", "- 3 -", "3 of 8", "3/8", no larger than the page count
/// could make it (so "10/2026", a review date, is no page number).
fn is_page_number(text: &str, pages: usize) -> bool {
    static PAGE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)^(?:page\s+)?[-–(]?\s*([0-9]{1,4})\s*[-–)]?(?:\s*(?:of|/)\s*([0-9]{1,4}))?$",
        )
        .unwrap()
    });
    let Some(c) = PAGE.captures(text) else {
        return false;
    };
    let n: usize = c[1].parse().unwrap_or(usize::MAX);
    let of: usize = c.get(2).and_then(|m| m.as_str().parse().ok()).unwrap_or(0);
    n <= pages + 2 && of <= pages + 2
}

/// The lines that are running headers and footers, by page and line, with
/// the reason: in the top or bottom strip of the page, and either a bare
/// page number or text (digits folded) that comes back on at least half the
/// pages, and on two at least.
fn running_lines(pages: &[Page], lines: &[PageLines]) -> HashMap<(usize, String), &'static str> {
    let zone = |p: &Page, l: &Line, share: f32| -> Option<&'static str> {
        let rel = (l.y - p.bottom) / p.height;
        if rel > 1.0 - share {
            Some("page header")
        } else if rel < share {
            Some("page footer")
        } else {
            None
        }
    };
    let mut seen: HashMap<(&'static str, String), HashSet<usize>> = HashMap::new();
    for (p, (upright, _, _)) in lines.iter().enumerate() {
        for l in upright {
            if let Some(z) = zone(&pages[p], l, MARGIN_ZONE) {
                seen.entry((z, fold_digits(&l.text))).or_default().insert(p);
            }
        }
    }
    let need = pages.len().div_ceil(2).max(2);
    let mut out = HashMap::new();
    for (p, (upright, _, _)) in lines.iter().enumerate() {
        for l in upright {
            // Once known, a running line is found a little further in too
            // (a cover sets it lower, and larger).
            let Some(z) = zone(&pages[p], l, MARGIN_ZONE * 2.5) else {
                continue;
            };
            let repeats = seen
                .get(&(z, fold_digits(&l.text)))
                .is_some_and(|s| s.len() >= need);
            let number = pages.len() >= 2
                && is_page_number(&l.text, pages.len())
                && zone(&pages[p], l, MARGIN_ZONE).is_some();
            if repeats || number {
                out.insert((p, line_key(l)), z);
            }
        }
    }
    out
}

/// A bullet glyph or a list number standing alone.
fn is_marker(text: &str, symbol: bool) -> bool {
    (symbol && text.chars().count() == 1)
        || bullet_len(text) == text.len() && !text.is_empty()
        || NUMBERED
            .captures(&format!("{text} x"))
            .is_some_and(|c| c[0].len() == text.len() + 1)
}

const BULLETS: &[char] = &[
    '•', '▪', '◦', '–', '-', '*', '●', '○', '■', '□', '◆', '◇', '►', '▶', '➢', '➤', '✓', '✔', '·',
    '‣', '⁃', '∙',
];

/// The length in bytes of a leading bullet glyph, or 0.
fn bullet_len(text: &str) -> usize {
    match text.chars().next() {
        Some(c) if BULLETS.contains(&c) || ('\u{e000}'..='\u{f8ff}').contains(&c) => c.len_utf8(),
        _ => 0,
    }
}

static NUMBERED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:([0-9]{1,2})[.)]|([a-z])\))\s+").unwrap());

/// Whether a line begins a list item: a bullet, a symbol glyph or a number.
fn starts_item(line: &Line) -> bool {
    line.symbol_start
        || (bullet_len(&line.text) > 0 && line.text.chars().nth(1).is_some_and(char::is_whitespace))
        || NUMBERED.is_match(&line.text)
}

/// Lines of a page (top to bottom) into blocks: a line joins the nearest
/// block above it that it overlaps across the page, in the same size and
/// weight, no further below it than the block's own line spacing (or one
/// and a half lines when it has one line yet). A list item starts a block.
fn blocks(lines: Vec<Line>) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    for line in lines {
        let mut best: Option<(usize, f32)> = None;
        if !starts_item(&line) {
            for (i, b) in blocks.iter().enumerate() {
                let d = b.last_y() - line.y;
                let limit = match b.spacing {
                    Some(s) => s * 1.2 + 0.5,
                    None => 1.5 * b.size.max(line.size),
                };
                let overlaps = line.x < b.x1 && line.end > b.x0;
                let same = (line.size - b.size).abs() <= 0.1 * b.size && line.bold == b.bold;
                if d > 0.0 && d <= limit && overlaps && same && best.is_none_or(|(_, bd)| d < bd) {
                    best = Some((i, d));
                }
            }
        }
        match best {
            Some((i, d)) => {
                let b = &mut blocks[i];
                b.spacing.get_or_insert(d);
                b.x0 = b.x0.min(line.x);
                b.x1 = b.x1.max(line.end);
                b.lines.push(line);
            }
            None => blocks.push(Block::new(line)),
        }
    }
    blocks
}

/// Blocks in reading order: cut the page where a clear gap runs right
/// across it, down the page first (columns, read left then right), else
/// across (bands, read top to bottom), and again inside each part. Bands
/// that are columns continuing (a gap down both at the same place) are read
/// as one; a band of side-by-side cells of a few lines each, on one row, is
/// a table row.
fn reading_order(blocks: Vec<Block>, cells: &[f32]) -> Vec<Piece> {
    let mut out = Vec::new();
    order(blocks, &mut out, 0, cells);
    out
}

fn order(mut blocks: Vec<Block>, out: &mut Vec<Piece>, depth: usize, cells: &[f32]) {
    if blocks.len() <= 1 || depth > 12 {
        blocks.sort_by(|a, b| b.top().total_cmp(&a.top()));
        out.extend(blocks.into_iter().map(Piece::Block));
        return;
    }
    if let Some(columns) = vertical_cut(&blocks, cells) {
        if is_table_row(&columns) {
            out.push(Piece::Row(columns.into_iter().flatten().collect()));
            return;
        }
        for column in columns {
            order(column, out, depth + 1, cells);
        }
        return;
    }
    let bands = horizontal_cut(blocks);
    if bands.len() == 1 {
        let mut only = bands.into_iter().next().unwrap_or_default();
        only.sort_by(|a, b| b.top().total_cmp(&a.top()));
        out.extend(only.into_iter().map(Piece::Block));
        return;
    }
    // Rejoin bands that continue the same columns.
    let mut merged: Vec<Vec<Block>> = Vec::new();
    for band in bands {
        if let Some(last) = merged.last_mut() {
            let gaps_a = gaps(last, cells);
            let gaps_b = gaps(&band, cells);
            let shared = gaps_a
                .iter()
                .any(|a| gaps_b.iter().any(|b| a.0 < b.1 && b.0 < a.1));
            let rows = vertical_cut(last, cells).is_some_and(|c| is_table_row(&c))
                || vertical_cut(&band, cells).is_some_and(|c| is_table_row(&c));
            if shared && !rows {
                last.extend(band);
                continue;
            }
        }
        merged.push(band);
    }
    for band in merged {
        order(band, out, depth + 1, cells);
    }
}

/// The clear x intervals between blocks (nothing crossing them), wider than
/// a text size, or than [`CELL_GAP`] before one of the page's `cells`.
fn gaps(blocks: &[Block], cells: &[f32]) -> Vec<(f32, f32)> {
    let mut spans: Vec<(f32, f32)> = blocks.iter().map(|b| (b.x0, b.x1)).collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let size = blocks.iter().map(|b| b.size).fold(0.0, f32::max);
    let mut out = Vec::new();
    let mut reach = f32::MIN;
    for (x0, x1) in spans {
        let wide = if starts_a_cell(x0, cells) {
            CELL_GAP * size
        } else {
            size.max(4.0)
        };
        if reach > f32::MIN && x0 - reach > wide {
            out.push((reach, x0));
        }
        reach = reach.max(x1);
    }
    out
}

fn vertical_cut(blocks: &[Block], cells: &[f32]) -> Option<Vec<Vec<Block>>> {
    let gaps = gaps(blocks, cells);
    if gaps.is_empty() {
        return None;
    }
    let mut columns: Vec<Vec<Block>> = vec![Vec::new(); gaps.len() + 1];
    for b in blocks {
        let k = gaps.iter().filter(|g| b.x0 >= g.1).count();
        columns[k].push(b.clone());
    }
    Some(columns)
}

fn horizontal_cut(mut blocks: Vec<Block>) -> Vec<Vec<Block>> {
    blocks.sort_by(|a, b| b.top().total_cmp(&a.top()));
    let mut bands: Vec<Vec<Block>> = Vec::new();
    let mut floor = f32::MAX;
    for b in blocks {
        if floor < f32::MAX && b.top() < floor {
            bands.push(Vec::new());
        }
        if bands.is_empty() {
            bands.push(Vec::new());
        }
        floor = floor.min(b.bottom());
        if let Some(last) = bands.last_mut() {
            last.push(b);
        }
    }
    bands
}

/// Side-by-side cells of a table row: every column one block of at most
/// three lines, their first lines on one baseline.
fn is_table_row(columns: &[Vec<Block>]) -> bool {
    if columns.len() < 2 || columns.iter().any(|c| c.len() != 1) {
        return false;
    }
    let first = &columns[0][0];
    columns.iter().all(|c| {
        let b = &c[0];
        b.lines.len() <= 3 && (b.lines[0].y - first.lines[0].y).abs() <= 0.5 * first.size
    })
}

fn join_cells(cells: &[String]) -> String {
    let mut out = String::new();
    for cell in cells.iter().filter(|c| !c.is_empty()) {
        if !out.is_empty() {
            out.push_str(if out.ends_with(['.', ':', ';', ',', '?', '!']) {
                " "
            } else {
                ", "
            });
        }
        out.push_str(cell);
    }
    out
}

/// The body text size: the size most characters are set in.
fn body_size(pages: &[Vec<Piece>]) -> f32 {
    let mut count: HashMap<u32, usize> = HashMap::new();
    for piece in pages.iter().flatten() {
        if let Piece::Block(b) = piece {
            *count.entry((b.size * 2.0).round() as u32).or_default() += b.chars();
        }
        if let Piece::Row(cells) = piece {
            for b in cells {
                *count.entry((b.size * 2.0).round() as u32).or_default() += b.chars();
            }
        }
    }
    count
        .into_iter()
        .max_by_key(|&(s, n)| (n, s))
        .map(|(s, _)| s as f32 / 2.0)
        .unwrap_or(11.0)
}

/// Short, a word or more of letters, not a sentence, not a bare address.
fn is_heading_shape(b: &Block) -> bool {
    let text = b.plain_text();
    let words = text.split_whitespace().count();
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let sentence = text.ends_with('.') && words > 3;
    let address =
        words == 1 && (text.contains('@') || text.contains("www.") || text.contains("://"));
    (1..=HEADING_WORDS).contains(&words)
        && b.lines.len() <= 3
        && letters >= 2
        && !sentence
        && !address
}

/// Heading levels by size: the distinct sizes (to half a point) of
/// heading-shaped blocks larger than the body, largest first, as levels
/// 1, 2, 3 and on.
fn heading_levels(pages: &[Vec<Piece>], body: f32) -> Vec<f32> {
    let mut sizes: Vec<f32> = pages
        .iter()
        .flatten()
        .filter_map(|p| match p {
            Piece::Block(b) if b.size >= body * HEADING_RATIO && is_heading_shape(b) => {
                Some((b.size * 2.0).round() / 2.0)
            }
            _ => None,
        })
        .collect();
    sizes.sort_by(|a, b| b.total_cmp(a));
    sizes.dedup();
    sizes
}

/// Every word of the document, to tell a hyphen added at a line end from a
/// real one.
fn vocabulary(pages: &[Vec<Piece>]) -> HashSet<String> {
    let mut words = HashSet::new();
    let mut add = |b: &Block| {
        for l in &b.lines {
            for w in l.text.split(|c: char| !(c.is_alphanumeric() || c == '-')) {
                if !w.is_empty() && !w.ends_with('-') {
                    words.insert(w.to_lowercase());
                }
            }
        }
    };
    for piece in pages.iter().flatten() {
        match piece {
            Piece::Block(b) => add(b),
            Piece::Row(cells) => cells.iter().for_each(&mut add),
            Piece::Dropped(..) => {}
        }
    }
    words
}

/// Words whose hyphen is part of the word ("self-care", "follow-up"),
/// kept when a line breaks after them.
const HYPHENATED_HEADS: &[&str] = &[
    "self", "well", "ex", "non", "co", "semi", "multi", "anti", "pre", "post", "short", "long",
    "half", "full", "part", "day", "one", "two", "three", "four", "five", "x", "t", "follow",
    "check", "after", "in", "out", "over", "under", "life", "high", "low", "cross", "sugar",
];

/// A block's lines as one text, words broken at line ends repaired: the
/// hyphen goes when the joined word is in the document or the break is not
/// at a compound's hyphen, and stays for "self-care" and its kind.
fn block_text(b: &Block, vocab: &HashSet<String>) -> String {
    let mut text = String::new();
    for line in &b.lines {
        let next = line.text.as_str();
        if text.is_empty() {
            text.push_str(next);
            continue;
        }
        let ends_hyphen = text.ends_with('-') && !text.ends_with("--") && !text.ends_with(" -");
        let tail: String = next.chars().take_while(|c| c.is_alphabetic()).collect();
        if ends_hyphen && tail.chars().next().is_some_and(char::is_lowercase) {
            let last = text.split_whitespace().last().unwrap_or("");
            let head = last.trim_end_matches('-');
            let head_word = head.rsplit('-').next().unwrap_or(head).to_lowercase();
            let head_word: String = head_word.chars().filter(|c| c.is_alphanumeric()).collect();
            let fused = format!("{head_word}{}", tail.to_lowercase());
            let hyphenated = format!("{head_word}-{}", tail.to_lowercase());
            let keep = vocab.contains(&hyphenated)
                || (!vocab.contains(&fused)
                    && (HYPHENATED_HEADS.contains(&head_word.as_str()) || tail.len() <= 2));
            if !keep {
                text.pop();
            }
            text.push_str(next);
        } else {
            text.push(' ');
            text.push_str(next);
        }
    }
    text
}

struct Emitter {
    units: Vec<Unit>,
    /// The list the latest item belongs to, while items follow one another.
    list: Option<usize>,
    lists: usize,
}

impl Emitter {
    fn push(&mut self, unit: Unit) {
        if !unit.is_dropped() && unit.kind != UnitKind::Item {
            self.list = None;
        }
        self.units.push(unit);
    }

    /// A paragraph; one that carries on a sentence cut by a page, column or
    /// box ("... can be" / "taken with food.") is joined to it, and so is an
    /// address set in bold after plain "... or email" (but not one address
    /// after another: those are a list of links).
    fn paragraph(&mut self, text: String, bold: bool) {
        let starts_lower = text.chars().next().is_some_and(char::is_lowercase);
        let address = cleanup::is_bare_address(&text);
        if starts_lower
            && let Some(prev) = self.units.iter_mut().rev().find(|u| !u.is_dropped())
            && matches!(prev.kind, UnitKind::Paragraph | UnitKind::Item)
            && !prev.text.ends_with(['.', '!', '?', ':'])
            && (prev.all_strong == bold || (address && bold))
            && !(address && cleanup::is_bare_address(&prev.text))
        {
            prev.text.push(' ');
            prev.text.push_str(&text);
            return;
        }
        let mut unit = Unit::new(UnitKind::Paragraph, text);
        unit.all_strong = bold;
        self.push(unit);
    }

    fn block(&mut self, b: &Block, body: f32, levels: &[f32], vocab: &HashSet<String>) {
        // "15minutes": a space the PDF's maker left out, put back as the text
        // reader does.
        let text = cleanup::space_numbers_from_words(&block_text(b, vocab));
        let first = &b.lines[0];
        let size = (b.size * 2.0).round() / 2.0;
        let heading = b.size >= body * HEADING_RATIO && is_heading_shape(b);
        if heading {
            let level = levels.iter().position(|&s| s == size).unwrap_or(0) + 1;
            self.push(Unit::new(UnitKind::Heading(level.min(6) as u8), text));
            return;
        }
        // Lines that are each an address: a list of links, a paragraph each.
        if b.lines.len() > 1 && b.lines.iter().all(|l| cleanup::is_bare_address(&l.text)) {
            for line in &b.lines {
                self.paragraph(line.text.trim().to_string(), b.bold);
            }
            return;
        }
        // "1. Soya" in bold over its section is a heading, not a list.
        let bold_line = b.bold && b.lines.len() == 1 && is_heading_shape(b);
        if starts_item(first) && !bold_line {
            let (number, rest) = if let Some(c) = NUMBERED.captures(&text) {
                let n = match (c.get(1), c.get(2)) {
                    (Some(d), _) => d.as_str().parse().ok(),
                    (_, Some(l)) => l.as_str().bytes().next().map(|b| (b - b'a' + 1) as u64),
                    _ => None,
                };
                (n, text[c[0].len()..].to_string())
            } else {
                let skip = if first.symbol_start {
                    text.chars().next().map_or(0, char::len_utf8)
                } else {
                    bullet_len(&text)
                };
                (None, text[skip..].trim_start().to_string())
            };
            if rest.is_empty() {
                self.push(Unit::dropped(text, "bullet with no text"));
                return;
            }
            let list = *self.list.get_or_insert_with(|| {
                self.lists += 1;
                self.lists - 1
            });
            let mut unit = Unit::new(UnitKind::Item, rest);
            unit.number = number;
            unit.list = Some(list);
            self.units.push(unit);
            return;
        }
        self.paragraph(text, b.bold);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(x: f32, y: f32, size: f32, text: &str) -> Run {
        Run {
            x,
            y,
            end: x + 0.5 * size * text.chars().count() as f32,
            size,
            bold: false,
            symbol: false,
            rotated: false,
            text: text.to_string(),
        }
    }

    fn line(runs: &[Run]) -> String {
        let refs: Vec<&Run> = runs.iter().collect();
        make_line(&refs).map(|l| l.text).unwrap_or_default()
    }

    /// A block of these lines of 11 pt text, bold or not.
    fn block_of(lines: &[&str], bold: bool) -> Block {
        let mut b: Option<Block> = None;
        for (i, text) in lines.iter().enumerate() {
            let line = Line {
                x: 72.0,
                end: 72.0 + 5.5 * text.chars().count() as f32,
                y: 700.0 - 14.0 * i as f32,
                size: 11.0,
                bold,
                symbol_start: false,
                text: text.to_string(),
            };
            match &mut b {
                None => b = Some(Block::new(line)),
                Some(b) => b.lines.push(line),
            }
        }
        b.expect("a line")
    }

    fn emitted(blocks: &[Block]) -> Vec<(String, bool)> {
        let mut out = Emitter {
            units: Vec::new(),
            list: None,
            lists: 0,
        };
        for b in blocks {
            out.block(b, 11.0, &[], &HashSet::new());
        }
        out.units
            .into_iter()
            .map(|u| (u.text, u.all_strong))
            .collect()
    }

    #[test]
    fn links_a_line_each_stay_apart_and_a_bold_address_ends_its_sentence() {
        let units = emitted(&[
            block_of(&["Useful links"], true),
            block_of(
                &["www.example.nhs.uk/asthma", "www.asthma-charity.org.uk"],
                false,
            ),
            block_of(&["Call 0800 123 4567 or email"], false),
            block_of(&["help@example.nhs.uk"], true),
            block_of(&["For help before your visit, ring the ward."], false),
        ]);
        let texts: Vec<&str> = units.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Useful links",
                "www.example.nhs.uk/asthma",
                "www.asthma-charity.org.uk",
                "Call 0800 123 4567 or email help@example.nhs.uk",
                "For help before your visit, ring the ward."
            ]
        );
        assert!(
            units[0].1 && !units[3].1,
            "the bold line stays bold, the sentence not"
        );
        // Lines of a block that are not all addresses are one paragraph.
        let one = emitted(&[block_of(&["Read more at", "www.example.org"], false)]);
        assert_eq!(one, [("Read more at www.example.org".to_string(), false)]);
    }

    /// A two-column table as the cholesterol leaflet sets it: the first
    /// row's label is long, so the gap before its value is under a word
    /// space's width less than the other rows' and narrower than a text
    /// size. Its value starts where the values below start, so it is a cell
    /// all the same, and the row is read as the others are.
    #[test]
    fn a_row_with_a_long_first_cell_is_a_table_row_like_the_rest() {
        let cell = |x: f32, end: f32, y: f32, text: &str| Run {
            end,
            ..run(x, y, 12.0, text)
        };
        let page = Page {
            height: 842.0,
            bottom: 0.0,
            runs: vec![
                cell(34.0, 250.0, 600.0, "What is a healthy level?"),
                cell(38.3, 176.1, 575.0, "Total (serum) cholesterol"),
                cell(186.6, 285.9, 575.0, "Below 5.0 mmol/L"),
                cell(38.3, 153.6, 555.0, "Non-HDL cholesterol"),
                cell(186.6, 285.9, 555.0, "Below 4.0 mmol/L"),
                cell(38.3, 120.0, 535.0, "LDL cholesterol"),
                cell(186.6, 285.9, 535.0, "Below 3.0 mmol/L"),
                // Justified text below: a word space of 0.9 of a text size,
                // whose next word does not start at the values' column.
                cell(34.0, 150.0, 500.0, "Eat less saturated fat and"),
                cell(160.8, 400.0, 500.0, "more fibre, every day."),
            ],
        };
        let texts: Vec<String> = units(&[page]).into_iter().map(|u| u.text).collect();
        assert_eq!(
            texts,
            [
                "What is a healthy level?",
                "Total (serum) cholesterol, Below 5.0 mmol/L",
                "Non-HDL cholesterol, Below 4.0 mmol/L",
                "LDL cholesterol, Below 3.0 mmol/L",
                "Eat less saturated fat and more fibre, every day."
            ]
        );
    }

    #[test]
    fn a_space_left_out_after_a_number_is_put_back() {
        let units = emitted(&[block_of(
            &["Wait for around 15minutes; take 100g at 2pm."],
            false,
        )]);
        assert_eq!(units[0].0, "Wait for around 15 minutes; take 100g at 2pm.");
    }

    #[test]
    fn raised_small_reference_numbers_are_left_out() {
        let text = line(&[
            run(72.0, 700.0, 11.0, "Walking every day helps"),
            run(198.5, 704.0, 7.0, "3"),
            run(202.0, 700.0, 11.0, " and so does swimming"),
            run(320.5, 704.0, 7.0, "4,5"),
            run(330.0, 700.0, 11.0, "."),
        ]);
        assert_eq!(text, "Walking every day helps and so does swimming .");
    }

    #[test]
    fn numbers_on_the_baseline_or_of_full_size_stay() {
        // A dose on the baseline, a raised number of the text's own size,
        // and a unit's power.
        let text = line(&[
            run(72.0, 700.0, 11.0, "Take"),
            run(98.0, 700.0, 11.0, "2"),
            run(106.0, 700.0, 11.0, "tablets"),
            run(148.0, 704.0, 11.0, "2"),
        ]);
        assert_eq!(text, "Take 2 tablets 2");
        let squared = line(&[
            run(72.0, 700.0, 11.0, "Area in m"),
            run(121.5, 704.0, 7.0, "2"),
        ]);
        assert!(squared.ends_with('2'), "{squared}");
    }
}
