//! Where the page's own content is: its `<main>` (or `role="main"`), else
//! its articles, else the whole body. Everything outside is left out.

use std::collections::HashSet;

use ego_tree::{NodeId, NodeRef};
use scraper::{Html, Node};

use super::element::attr;

pub struct Content {
    /// The elements read; the page's title heading may be one of them.
    roots: HashSet<NodeId>,
    /// The roots and every element around them, never left out for their
    /// class or for being hidden (a page saved with a cookie dialog open
    /// may have `aria-hidden` on everything behind it).
    holders: HashSet<NodeId>,
}

impl Content {
    pub fn find(html: &Html, warnings: &mut Vec<String>) -> Content {
        let mut mains = Vec::new();
        let mut articles = Vec::new();
        let mut body = None;
        for node in html.tree.root().descendants() {
            let Node::Element(el) = node.value() else {
                continue;
            };
            let role = attr(el, "role").map(|r| r.trim().to_ascii_lowercase());
            let shown = attr(el, "hidden").is_none();
            match el.name() {
                "main" if shown => mains.push(node),
                "article" if shown => articles.push(node),
                "body" if body.is_none() => body = Some(node),
                _ if shown && role.as_deref() == Some("main") => mains.push(node),
                _ => {}
            }
        }
        let mut roots = outermost(if mains.is_empty() { articles } else { mains });
        let mut found = !roots.is_empty();
        if found && !roots.iter().any(|r| has_words(*r)) {
            warnings.push(
                "the page's main content has no words, so the whole page was read".to_string(),
            );
            roots.clear();
            found = false;
        }
        if found {
            if let Some(h1) = title_outside(html, &roots) {
                roots.insert(0, h1);
            }
        } else {
            roots.push(body.unwrap_or(html.tree.root()));
        }
        let mut holders = HashSet::new();
        for r in &roots {
            holders.insert(r.id());
            holders.extend(r.ancestors().map(|a| a.id()));
        }
        Content {
            roots: roots.iter().map(|r| r.id()).collect(),
            holders,
        }
    }

    pub fn is_root(&self, id: NodeId) -> bool {
        self.roots.contains(&id)
    }

    pub fn holds_content(&self, id: NodeId) -> bool {
        self.holders.contains(&id)
    }
}

/// The candidates that are not inside another, in page order.
fn outermost(candidates: Vec<NodeRef<Node>>) -> Vec<NodeRef<Node>> {
    let ids: HashSet<NodeId> = candidates.iter().map(|c| c.id()).collect();
    candidates
        .into_iter()
        .filter(|c| !c.ancestors().any(|a| ids.contains(&a.id())))
        .collect()
}

/// The page's title when it stands above the main content (a banner with
/// the `<h1>` before `<main>`): the first `<h1>` outside the roots and
/// outside the site's furniture, when the roots hold no `<h1>` of their own.
fn title_outside<'a>(html: &'a Html, roots: &[NodeRef<'a, Node>]) -> Option<NodeRef<'a, Node>> {
    let is_h1 = |n: &NodeRef<Node>| matches!(n.value(), Node::Element(e) if e.name() == "h1");
    if roots.iter().any(|r| r.descendants().any(|d| is_h1(&d))) {
        return None;
    }
    let furniture = |n: NodeRef<Node>| match n.value() {
        Node::Element(e) => {
            matches!(e.name(), "nav" | "header" | "footer" | "aside" | "form")
                || attr(e, "hidden").is_some()
                || attr(e, "aria-hidden").is_some_and(|h| h.trim() == "true")
        }
        _ => false,
    };
    html.tree.root().descendants().find(|n| {
        is_h1(n)
            && !n.ancestors().any(furniture)
            && has_words(*n)
            && !roots
                .iter()
                .any(|r| n.ancestors().any(|a| a.id() == r.id()))
    })
}

/// Whether any text inside a node has a letter or a digit.
fn has_words(node: NodeRef<Node>) -> bool {
    node.descendants()
        .any(|d| matches!(d.value(), Node::Text(t) if t.chars().any(char::is_alphanumeric)))
}
