//! The text a PDF's pages draw, with where and how: a small interpreter of
//! page content streams (text state, text and graphics matrices, fonts and
//! their widths, form XObjects) that gives each shown string as a [`Run`].

use std::collections::HashMap;
use std::rc::Rc;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Encoding, Object, ObjectId};

/// The most a page's content (or a font's Unicode map) may decompress to.
const MAX_STREAM: usize = 16 * 1024 * 1024;
/// How deep forms may draw forms: real files nest one or two.
const MAX_FORM_DEPTH: usize = 6;

/// A string shown in one font at one place, in page units (points) with `y`
/// growing up the page, as PDF has it.
#[derive(Debug, Clone)]
pub struct Run {
    pub x: f32,
    pub y: f32,
    /// Where the string's last glyph ends.
    pub end: f32,
    /// The size it is drawn at, after every scaling.
    pub size: f32,
    pub bold: bool,
    /// Drawn in a symbol font (Symbol, Wingdings, Dingbats): a bullet glyph.
    pub symbol: bool,
    /// Not drawn left to right along the page (rotated or vertical).
    pub rotated: bool,
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct Page {
    pub height: f32,
    /// The lowest `y` on the page (its media box may not start at 0).
    pub bottom: f32,
    pub runs: Vec<Run>,
}

/// The budget shared by every page, so one hostile file cannot keep the
/// reader busy for long.
pub struct Budget {
    pub operations: usize,
    pub characters: usize,
}

/// Why a page could not be read.
pub enum Stop {
    /// The file exceeds a limit; the message says which.
    Limit(String),
    Damaged(String),
}

struct Font<'a> {
    bold: bool,
    symbol: bool,
    two_byte: bool,
    encoding: Encoding<'a>,
    /// Glyph widths by code, in thousandths of the text size.
    widths: HashMap<u32, f32>,
    default_width: f32,
}

type Matrix = [f32; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `a` then `b`: the matrix taking a point through `a`, then through `b`.
fn mul(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

#[derive(Clone)]
struct State<'a> {
    ctm: Matrix,
    font: Option<Rc<Font<'a>>>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    scale: f32,
    leading: f32,
    rise: f32,
}

struct Interpreter<'a> {
    doc: &'a Document,
    fonts: HashMap<usize, Rc<Font<'a>>>,
    state: State<'a>,
    stack: Vec<State<'a>>,
    tm: Matrix,
    tlm: Matrix,
    runs: Vec<Run>,
    budget: &'a mut Budget,
}

/// Read one page's runs.
pub fn page<'a>(doc: &'a Document, id: ObjectId, budget: &'a mut Budget) -> Result<Page, Stop> {
    let dict = doc
        .get_dictionary(id)
        .map_err(|e| Stop::Damaged(e.to_string()))?;
    let [_, y0, _, y1] = media_box(doc, dict);
    let content = doc
        .get_page_content_with_limit(id, MAX_STREAM)
        .map_err(|e| Stop::Damaged(e.to_string()))?;
    let (own, ids) = doc
        .get_page_resources(id)
        .map_err(|e| Stop::Damaged(e.to_string()))?;
    let mut resources: Vec<&Dictionary> = own.into_iter().collect();
    resources.extend(ids.into_iter().filter_map(|i| doc.get_dictionary(i).ok()));
    let mut it = Interpreter {
        doc,
        fonts: HashMap::new(),
        state: State {
            ctm: IDENTITY,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        },
        stack: Vec::new(),
        tm: IDENTITY,
        tlm: IDENTITY,
        runs: Vec::new(),
        budget,
    };
    it.run(&content, &resources, 0)?;
    Ok(Page {
        height: (y1 - y0).abs().max(1.0),
        bottom: y0.min(y1),
        runs: it.runs,
    })
}

/// The page's media box, inherited from the page tree when the page has
/// none; A4 when nothing says.
fn media_box(doc: &Document, page: &Dictionary) -> [f32; 4] {
    let mut node = Some(page);
    for _ in 0..32 {
        let Some(d) = node else { break };
        if let Ok(Object::Array(a)) = d.get_deref(b"MediaBox", doc)
            && a.len() == 4
        {
            let n: Vec<f32> = a
                .iter()
                .map(|o| doc.dereference(o).ok().and_then(|(_, o)| o.as_float().ok()))
                .map(|v| v.unwrap_or(0.0))
                .collect();
            return [n[0], n[1], n[2], n[3]];
        }
        node = d
            .get(b"Parent")
            .and_then(Object::as_reference)
            .and_then(|p| doc.get_dictionary(p))
            .ok();
    }
    [0.0, 0.0, 595.0, 842.0]
}

fn num(o: &Object) -> f32 {
    o.as_float().unwrap_or(0.0)
}

impl<'a> Interpreter<'a> {
    fn run(
        &mut self,
        content: &[u8],
        resources: &[&'a Dictionary],
        depth: usize,
    ) -> Result<(), Stop> {
        let content = Content::decode(content).map_err(|e| Stop::Damaged(e.to_string()))?;
        for op in &content.operations {
            if self.budget.operations == 0 {
                return Err(Stop::Limit(
                    "has more drawing on its pages than a leaflet".into(),
                ));
            }
            self.budget.operations -= 1;
            let args = &op.operands;
            let n = |i: usize| args.get(i).map(num).unwrap_or(0.0);
            match op.operator.as_str() {
                "q" if self.stack.len() < 256 => self.stack.push(self.state.clone()),
                "Q" => {
                    if let Some(s) = self.stack.pop() {
                        self.state = s;
                    }
                }
                "cm" if args.len() == 6 => {
                    let m = [n(0), n(1), n(2), n(3), n(4), n(5)];
                    self.state.ctm = mul(&m, &self.state.ctm);
                }
                "BT" => {
                    self.tm = IDENTITY;
                    self.tlm = IDENTITY;
                }
                "Tf" if args.len() == 2 => {
                    self.state.font = args[0]
                        .as_name()
                        .ok()
                        .and_then(|name| self.font(name, resources));
                    self.state.size = n(1);
                }
                "Tc" => self.state.char_spacing = n(0),
                "Tw" => self.state.word_spacing = n(0),
                "Tz" => self.state.scale = n(0) / 100.0,
                "TL" => self.state.leading = n(0),
                "Ts" => self.state.rise = n(0),
                "Td" => self.move_line(n(0), n(1)),
                "TD" => {
                    self.state.leading = -n(1);
                    self.move_line(n(0), n(1));
                }
                "Tm" if args.len() == 6 => {
                    self.tlm = [n(0), n(1), n(2), n(3), n(4), n(5)];
                    self.tm = self.tlm;
                }
                "T*" => self.move_line(0.0, -self.state.leading),
                "Tj" => {
                    if let Some(Ok(s)) = args.first().map(Object::as_str) {
                        self.show(s)?;
                    }
                }
                "'" => {
                    self.move_line(0.0, -self.state.leading);
                    if let Some(Ok(s)) = args.first().map(Object::as_str) {
                        self.show(s)?;
                    }
                }
                "\"" if args.len() == 3 => {
                    self.state.word_spacing = n(0);
                    self.state.char_spacing = n(1);
                    self.move_line(0.0, -self.state.leading);
                    if let Ok(s) = args[2].as_str() {
                        self.show(s)?;
                    }
                }
                "TJ" => {
                    if let Some(Ok(items)) = args.first().map(Object::as_array) {
                        for item in items {
                            match item {
                                Object::String(s, _) => self.show(s)?,
                                other => {
                                    let shift =
                                        -num(other) / 1000.0 * self.state.size * self.state.scale;
                                    self.tm = mul(&[1.0, 0.0, 0.0, 1.0, shift, 0.0], &self.tm);
                                }
                            }
                        }
                    }
                }
                "Do" if depth < MAX_FORM_DEPTH => {
                    if let Some(Ok(name)) = args.first().map(Object::as_name) {
                        self.form(name, resources, depth)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn move_line(&mut self, tx: f32, ty: f32) {
        self.tlm = mul(&[1.0, 0.0, 0.0, 1.0, tx, ty], &self.tlm);
        self.tm = self.tlm;
    }

    /// Draw a form XObject: its content, with its own resources first.
    fn form(
        &mut self,
        name: &[u8],
        resources: &[&'a Dictionary],
        depth: usize,
    ) -> Result<(), Stop> {
        let doc = self.doc;
        let Some(stream) = resources.iter().find_map(|r| {
            let xobjects = r.get_deref(b"XObject", doc).ok()?.as_dict().ok()?;
            xobjects.get_deref(name, doc).ok()?.as_stream().ok()
        }) else {
            return Ok(());
        };
        if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form") {
            return Ok(());
        }
        let Ok(content) = stream
            .decompressed_content_with_limit(MAX_STREAM)
            .or_else(|_| {
                // An unfiltered stream has nothing to decompress.
                if stream.dict.has(b"Filter") {
                    Err(())
                } else {
                    Ok(stream.content.clone())
                }
            })
        else {
            return Ok(());
        };
        let mut inner: Vec<&'a Dictionary> = stream
            .dict
            .get_deref(b"Resources", doc)
            .and_then(Object::as_dict)
            .into_iter()
            .collect();
        inner.extend_from_slice(resources);
        let saved = (self.state.clone(), self.tm, self.tlm);
        if let Ok(Object::Array(m)) = stream.dict.get(b"Matrix")
            && m.len() == 6
        {
            let m = [
                num(&m[0]),
                num(&m[1]),
                num(&m[2]),
                num(&m[3]),
                num(&m[4]),
                num(&m[5]),
            ];
            self.state.ctm = mul(&m, &self.state.ctm);
        }
        let result = self.run(&content, &inner, depth + 1);
        (self.state, self.tm, self.tlm) = saved;
        result
    }

    /// The font a resource name stands for, read once per page.
    fn font(&mut self, name: &[u8], resources: &[&'a Dictionary]) -> Option<Rc<Font<'a>>> {
        let doc = self.doc;
        let dict = resources.iter().find_map(|r| {
            let fonts = r.get_deref(b"Font", doc).ok()?.as_dict().ok()?;
            fonts.get_deref(name, doc).ok()?.as_dict().ok()
        })?;
        let key = dict as *const Dictionary as usize;
        if let Some(f) = self.fonts.get(&key) {
            return Some(f.clone());
        }
        let font = Rc::new(load_font(doc, dict));
        self.fonts.insert(key, font.clone());
        Some(font)
    }

    /// Show a string: one run, each glyph moving the text matrix by its width.
    fn show(&mut self, bytes: &[u8]) -> Result<(), Stop> {
        let Some(font) = self.state.font.clone() else {
            return Ok(());
        };
        let s = &self.state;
        let start = mul(
            &mul(&[s.size * s.scale, 0.0, 0.0, s.size, 0.0, s.rise], &self.tm),
            &s.ctm,
        );
        let mut text = String::new();
        let step = if font.two_byte { 2 } else { 1 };
        for code_bytes in bytes.chunks(step) {
            let code = code_bytes.iter().fold(0u32, |c, &b| c << 8 | b as u32);
            let glyph = font
                .encoding
                .bytes_to_string(code_bytes)
                .unwrap_or_else(|_| code_bytes.iter().map(|&b| b as char).collect());
            text.push_str(&glyph);
            let width = font
                .widths
                .get(&code)
                .copied()
                .unwrap_or(font.default_width);
            let spacing = if step == 1 && code == 32 {
                s.word_spacing
            } else {
                0.0
            };
            let advance = (width / 1000.0 * s.size + s.char_spacing + spacing) * s.scale;
            self.tm = mul(&[1.0, 0.0, 0.0, 1.0, advance, 0.0], &self.tm);
        }
        if self.budget.characters < text.len() {
            return Err(Stop::Limit("has more text than a leaflet".into()));
        }
        self.budget.characters -= text.len();
        let end = mul(&mul(&[1.0, 0.0, 0.0, 1.0, 0.0, s.rise], &self.tm), &s.ctm);
        let size = (start[2] * start[2] + start[3] * start[3]).sqrt();
        let rotated = start[1].abs() > 0.01 * size.max(1.0) || start[0] <= 0.0;
        if text.chars().any(|c| !c.is_whitespace()) || !text.is_empty() {
            self.runs.push(Run {
                x: start[4],
                y: start[5],
                end: end[4],
                size,
                bold: font.bold,
                symbol: font.symbol,
                rotated,
                text,
            });
        }
        Ok(())
    }
}

/// A font's name, weight, widths and the way its codes map to Unicode.
fn load_font<'a>(doc: &'a Document, dict: &'a Dictionary) -> Font<'a> {
    let base = dict
        .get(b"BaseFont")
        .and_then(Object::as_name)
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .unwrap_or_default();
    // A subset's name starts with six letters and a plus: ABCDEF+Arial-Bold.
    let name = match base.split_once('+') {
        Some((tag, rest)) if tag.len() == 6 => rest.to_string(),
        _ => base,
    };
    let two_byte = dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Type0");
    let descendant = two_byte
        .then(|| {
            dict.get_deref(b"DescendantFonts", doc)
                .and_then(Object::as_array)
                .ok()?
                .first()
                .and_then(|d| doc.dereference(d).ok())
                .and_then(|(_, d)| d.as_dict().ok())
        })
        .flatten();
    let descriptor = descendant
        .unwrap_or(dict)
        .get_deref(b"FontDescriptor", doc)
        .and_then(Object::as_dict)
        .ok();
    let weight = descriptor
        .and_then(|d| d.get(b"FontWeight").ok())
        .map(num)
        .unwrap_or(0.0);
    let flags = descriptor
        .and_then(|d| d.get(b"Flags").and_then(Object::as_i64).ok())
        .unwrap_or(0);
    let lower = name.to_ascii_lowercase();
    let bold = ["bold", "black", "heavy", "semibold", "demi"]
        .iter()
        .any(|w| lower.contains(w))
        || weight >= 600.0
        || flags & (1 << 18) != 0;
    let symbol = ["symbol", "wingding", "dingbat", "webding"]
        .iter()
        .any(|w| lower.contains(w));
    let (widths, default_width) = match descendant {
        Some(d) => cid_widths(doc, d),
        None => simple_widths(doc, dict, descriptor),
    };
    Font {
        bold,
        symbol,
        two_byte,
        encoding: encoding(doc, dict),
        widths,
        default_width,
    }
}

/// The font's map to Unicode. lopdf prefers `/Encoding` to `/ToUnicode`;
/// a ToUnicode map is what the producer wrote for extracting text, so it is
/// taken first when there is one.
fn encoding<'a>(doc: &'a Document, dict: &'a Dictionary) -> Encoding<'a> {
    if dict.has(b"ToUnicode") {
        let mut own = dict.clone();
        own.remove(b"Encoding");
        if let Ok(Encoding::UnicodeMapEncoding(map)) =
            own.get_font_encoding_with_limit(doc, MAX_STREAM)
        {
            return Encoding::UnicodeMapEncoding(map);
        }
    }
    dict.get_font_encoding_with_limit(doc, MAX_STREAM)
        .unwrap_or(Encoding::SimpleEncoding(b"WinAnsiEncoding"))
}

/// `/FirstChar` and `/Widths` of a simple font; for the standard fonts that
/// list none, half an em, near the average of Helvetica and Times.
fn simple_widths(
    doc: &Document,
    dict: &Dictionary,
    descriptor: Option<&Dictionary>,
) -> (HashMap<u32, f32>, f32) {
    let first = dict
        .get(b"FirstChar")
        .and_then(Object::as_i64)
        .unwrap_or(0)
        .clamp(0, 65535) as u32;
    let mut widths = HashMap::new();
    if let Ok(list) = dict.get_deref(b"Widths", doc).and_then(Object::as_array) {
        for (i, w) in list.iter().take(65536).enumerate() {
            let w = doc.dereference(w).map(|(_, o)| num(o)).unwrap_or(0.0);
            widths.insert(first + i as u32, w);
        }
    }
    let missing = descriptor
        .and_then(|d| d.get(b"MissingWidth").ok())
        .map(num)
        .filter(|w| *w > 0.0)
        .unwrap_or(500.0);
    (widths, missing)
}

/// `/W` and `/DW` of a CID font: `c [w1 w2 ...]` or `c_first c_last w`.
fn cid_widths(doc: &Document, dict: &Dictionary) -> (HashMap<u32, f32>, f32) {
    let default = dict.get(b"DW").map(num).unwrap_or(1000.0);
    let mut widths = HashMap::new();
    let Ok(list) = dict.get_deref(b"W", doc).and_then(Object::as_array) else {
        return (widths, default);
    };
    let mut i = 0;
    while i < list.len() && widths.len() < 65536 {
        let first = num(&list[i]) as u32;
        match list.get(i + 1).map(|o| doc.dereference(o).map(|(_, o)| o)) {
            Some(Ok(Object::Array(ws))) => {
                for (k, w) in ws.iter().take(65536).enumerate() {
                    widths.insert(first + k as u32, num(w));
                }
                i += 2;
            }
            Some(Ok(last)) if i + 2 < list.len() => {
                let last = (num(last) as u32).min(first + 65535);
                let w = num(&list[i + 2]);
                for c in first..=last {
                    widths.insert(c, w);
                }
                i += 3;
            }
            _ => break,
        }
    }
    (widths, default)
}
