//! The page parsed as a browser parses it: html5ever's tokenizer and tree
//! builder (the HTML standard's algorithm, so broken markup, implied tags and
//! entities come out as a browser shows them) building scraper's arena tree.
//!
//! Two limits sit between the tokenizer and the tree builder, where every tag
//! passes. A page with more than [`MAX_ELEMENTS`] tags is refused: no leaflet
//! comes near, and parsing stops there. Elements are nested at most
//! [`MAX_DEPTH`] deep, as in Chromium's parser: a start tag deeper than that
//! is left out (its words are read as part of the element around it), with a
//! warning. Without that cap the tree builder, which looks through the open
//! elements at every tag, takes minutes over 100,000 nested `<div>`s.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use ego_tree::NodeId;
use html5ever::TokenizerResult;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use html5ever::tree_builder::{Tracer, TreeBuilder, TreeBuilderOpts, TreeSink};
use html5ever::{LocalName, local_name};
use scraper::{Html, HtmlTreeSink};

/// The most tags a page may have. A long leaflet page with a large site menu
/// has a few thousand; a word processor's web page some tens of thousands.
pub const MAX_ELEMENTS: usize = 200_000;
/// How deep elements are nested at most (Chromium's parser stops at 512).
pub const MAX_DEPTH: usize = 512;

pub struct Parsed {
    pub html: Html,
    /// Start tags left out for being nested deeper than [`MAX_DEPTH`].
    pub flattened: usize,
}

pub fn parse(text: &str) -> Result<Parsed, String> {
    let builder = TreeBuilder::new(
        HtmlTreeSink::new(Html::new_document()),
        TreeBuilderOpts::default(),
    );
    let tokenizer = Tokenizer::new(Limits::new(builder), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(text));
    // A script, or a `<meta charset>` (the text is decoded already), only
    // pauses the tokenizer: go on to the end, unless the page is too large.
    while !matches!(tokenizer.feed(&input), TokenizerResult::Done) {
        if tokenizer.sink.over.get() {
            break;
        }
    }
    if tokenizer.sink.over.get() {
        return Err(format!(
            "has more than {MAX_ELEMENTS} HTML elements, far more than any leaflet page: is it the right file? Save the leaflet's own page (or its text) and try again"
        ));
    }
    tokenizer.end();
    let limits = tokenizer.sink;
    Ok(Parsed {
        flattened: limits.flattened.get(),
        html: limits.builder.sink.finish(),
    })
}

/// The tokenizer's sink: passes tokens on to the tree builder, counting
/// elements and keeping the nesting within [`MAX_DEPTH`].
struct Limits {
    builder: TreeBuilder<NodeId, HtmlTreeSink>,
    elements: Cell<usize>,
    over: Cell<bool>,
    flattened: Cell<usize>,
    /// End tags still to come for start tags that were left out, by name.
    unmatched: RefCell<HashMap<LocalName, usize>>,
}

impl Limits {
    fn new(builder: TreeBuilder<NodeId, HtmlTreeSink>) -> Limits {
        Limits {
            builder,
            elements: Cell::new(0),
            over: Cell::new(false),
            flattened: Cell::new(0),
            unmatched: RefCell::new(HashMap::new()),
        }
    }

    /// How many elements the tree builder holds open, at most: its open
    /// elements and the formatting elements it may reopen. Counting costs as
    /// much as the tree builder's own look through them at each tag.
    fn open(&self) -> usize {
        let count = Count(Cell::new(0));
        self.builder.trace_handles(&count);
        count.0.get()
    }
}

struct Count(Cell<usize>);

impl Tracer for Count {
    type Handle = NodeId;
    fn trace_handle(&self, _: &NodeId) {
        self.0.set(self.0.get() + 1);
    }
}

/// Tags that never hold other elements open: void elements, and those whose
/// content the tokenizer reads as text (which the tree builder must see, to
/// switch the tokenizer's state).
fn holds_nothing(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("area")
            | local_name!("base")
            | local_name!("br")
            | local_name!("col")
            | local_name!("embed")
            | local_name!("hr")
            | local_name!("img")
            | local_name!("input")
            | local_name!("link")
            | local_name!("meta")
            | local_name!("source")
            | local_name!("track")
            | local_name!("wbr")
            | local_name!("script")
            | local_name!("style")
            | local_name!("title")
            | local_name!("textarea")
            | local_name!("xmp")
            | local_name!("iframe")
            | local_name!("noembed")
            | local_name!("noframes")
            | local_name!("noscript")
            | local_name!("plaintext")
    )
}

impl TokenSink for Limits {
    type Handle = NodeId;

    fn process_token(&self, token: Token, line_number: u64) -> TokenSinkResult<NodeId> {
        if self.over.get() {
            return TokenSinkResult::Continue;
        }
        if let Token::TagToken(tag) = &token {
            match tag.kind {
                TagKind::StartTag => {
                    let count = self.elements.get() + 1;
                    self.elements.set(count);
                    if count > MAX_ELEMENTS {
                        // Pausing the tokenizer as a script would stops the
                        // parse here.
                        self.over.set(true);
                        return TokenSinkResult::Script(self.builder.sink.get_document());
                    }
                    if !holds_nothing(&tag.name) && self.open() >= MAX_DEPTH {
                        *self
                            .unmatched
                            .borrow_mut()
                            .entry(tag.name.clone())
                            .or_default() += 1;
                        self.flattened.set(self.flattened.get() + 1);
                        return TokenSinkResult::Continue;
                    }
                }
                TagKind::EndTag => {
                    let mut unmatched = self.unmatched.borrow_mut();
                    if let Some(n) = unmatched.get_mut(&tag.name).filter(|n| **n > 0) {
                        *n -= 1;
                        return TokenSinkResult::Continue;
                    }
                }
            }
        }
        self.builder.process_token(token, line_number)
    }

    fn end(&self) {
        self.builder.end();
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.builder
            .adjusted_current_node_present_but_not_in_html_namespace()
    }
}
