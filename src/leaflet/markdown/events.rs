//! The Markdown events flattened into [`Unit`]s, in order, with [`html`] for
//! embedded HTML.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::html;
use super::units::{Kind, Unit};
use crate::plain::one_line;

/// Letters and digits seen in the open block, by where they sit: this is how
/// "all bold" and "all links" are judged, ignoring punctuation and spaces
/// between the bold or linked words.
#[derive(Debug, Default)]
struct Counts {
    strong: usize,
    plain: usize,
    linked: usize,
    unlinked: usize,
    links: Vec<String>,
}

/// Walks the parser's events, collecting the text of the open block.
#[derive(Default)]
struct Walker {
    units: Vec<Unit>,
    buf: String,
    counts: Counts,
    /// How deep in strong emphasis, links and block quotes the text is.
    strong: usize,
    links: usize,
    quotes: usize,
    /// The next number of each open list, `None` for a bulleted one.
    lists: Vec<Option<u64>>,
    /// Outermost lists opened so far: the id of the current one.
    list_count: usize,
    /// The open item's number, taken by its first block.
    number: Option<u64>,
    /// The alt text of an open image, which is not read.
    image: Option<(String, String)>,
    /// The raw lines of an open HTML block.
    html: Option<String>,
}

pub fn units(text: &str) -> Vec<Unit> {
    let mut w = Walker::default();
    for event in Parser::new(text) {
        w.event(event);
    }
    w.flush();
    w.units
}

impl Walker {
    fn event(&mut self, event: Event) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) | Event::Code(t) => self.text(&t),
            Event::Html(t) | Event::InlineHtml(t) => match self.html.as_mut() {
                Some(block) => block.push_str(&t),
                None => self.inline_html(&t),
            },
            Event::SoftBreak | Event::HardBreak => self.buf.push(' '),
            Event::Rule => self.flush(),
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Heading { .. } | Tag::CodeBlock(_) => self.flush(),
            Tag::BlockQuote(_) => {
                self.flush();
                self.quotes += 1;
            }
            Tag::List(start) => self.open_list(start),
            Tag::Item => self.open_item(),
            Tag::HtmlBlock => {
                self.flush();
                self.html = Some(String::new());
            }
            Tag::Strong => self.strong += 1,
            Tag::Link { dest_url, .. } => {
                self.links += 1;
                self.counts.links.push(dest_url.to_string());
            }
            Tag::Image { dest_url, .. } => self.image = Some((String::new(), dest_url.to_string())),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(level) => self.heading(level as u8),
            TagEnd::Paragraph | TagEnd::Item | TagEnd::CodeBlock => self.flush(),
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.quotes -= 1;
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
            }
            TagEnd::HtmlBlock => self.html_block(),
            TagEnd::Strong => self.strong -= 1,
            TagEnd::Link => self.links -= 1,
            TagEnd::Image => self.image(),
            _ => {}
        }
    }

    fn open_list(&mut self, start: Option<u64>) {
        self.flush();
        if self.lists.is_empty() {
            self.list_count += 1;
        }
        self.lists.push(start);
    }

    fn open_item(&mut self) {
        self.flush();
        self.number = self.lists.last_mut().and_then(|next| {
            let n = next.as_mut()?;
            *n += 1;
            Some(*n - 1)
        });
    }

    fn text(&mut self, text: &str) {
        if let Some((alt, _)) = self.image.as_mut() {
            alt.push_str(text);
            return;
        }
        self.buf.push_str(text);
        let n = text.chars().filter(|c| c.is_alphanumeric()).count();
        let c = &mut self.counts;
        *(if self.strong > 0 {
            &mut c.strong
        } else {
            &mut c.plain
        }) += n;
        *(if self.links > 0 {
            &mut c.linked
        } else {
            &mut c.unlinked
        }) += n;
    }

    /// Inline HTML: a line break is a pause; any other tag is not read (the
    /// text between tags is), and is recorded so staff can see it went.
    fn inline_html(&mut self, raw: &str) {
        if html::is_line_break(raw) {
            self.buf.push(' ');
            return;
        }
        self.units.extend(html::inline(raw));
    }

    fn html_block(&mut self) {
        let raw = self.html.take().unwrap_or_default();
        self.units.extend(html::block(&raw));
    }

    fn image(&mut self) {
        if let Some((alt, dest)) = self.image.take() {
            let alt = one_line(&alt);
            let text = if alt.is_empty() { dest } else { alt };
            self.units.push(Unit::dropped(text, "image"));
        }
    }

    fn heading(&mut self, level: u8) {
        self.counts = Counts::default();
        let text = self.take_text();
        let unit = if text.is_empty() {
            Unit::dropped("", "empty heading")
        } else {
            Unit::new(Kind::Heading(level), text)
        };
        self.units.push(unit);
    }

    /// End the open block: its text becomes a paragraph or a list item.
    fn flush(&mut self) {
        let counts = std::mem::take(&mut self.counts);
        let text = self.take_text();
        if text.is_empty() {
            return;
        }
        let in_list = !self.lists.is_empty();
        let kind = if in_list { Kind::Item } else { Kind::Paragraph };
        self.units.push(Unit {
            number: if in_list { self.number.take() } else { None },
            list: in_list.then_some(self.list_count),
            all_strong: counts.strong > 0 && counts.plain == 0,
            all_link: counts.linked > 0 && counts.unlinked == 0,
            in_page_links: !counts.links.is_empty()
                && counts.links.iter().all(|l| l.starts_with('#')),
            nested: in_list || self.quotes > 0,
            ..Unit::new(kind, text)
        });
    }

    fn take_text(&mut self) -> String {
        let text = one_line(&self.buf);
        self.buf.clear();
        text
    }
}
