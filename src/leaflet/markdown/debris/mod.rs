//! Site furniture in text saved from web pages (skip links, menus,
//! breadcrumbs, cookie banners, feedback forms, footers), marked as dropped
//! with a reason, by general rules rather than any one site's wording.
//!
//! Three kinds of evidence, from surest to weakest:
//! 1. a whole short unit that is furniture on its own ("Skip to main
//!    content", "Was this page helpful?"), and the units that belong to it
//!    ("Yes", "No" after the feedback question; the links under "On this page");
//! 2. lists that are furniture wherever they are: links into the page itself,
//!    and breadcrumb lists starting at "Home";
//! 3. lists of links around the content (menus before it, footer links after
//!    it), but only on a page that showed furniture of the first kinds, so a
//!    leaflet's own list of useful websites is never taken for a menu.

mod patterns;

use patterns::{Furniture, furniture, is_contents_label};

use super::units::{Kind, Unit};
use crate::leaflet::count_words;

pub fn mark(units: &mut [Unit]) {
    let mut found = by_pattern(units);
    for group in groups(units) {
        let rule = if group.iter().all(|&i| units[i].in_page_links) {
            Some(Furniture::Contents)
        } else {
            is_breadcrumb_list(units, &group).then_some(Furniture::Breadcrumb)
        };
        if let Some(f) = rule {
            drop_all(units, &group, f, &mut found);
        }
    }
    if found.iter().any(|&f| f) {
        around_the_content(units, &mut found);
    }
}

/// Units that are furniture on their own, and the units that follow and
/// belong to them. Returns which units were dropped as furniture.
fn by_pattern(units: &mut [Unit]) -> Vec<bool> {
    let mut found = vec![false; units.len()];
    let mut open: Option<Furniture> = None;
    for i in 0..units.len() {
        if units[i].is_dropped() {
            continue;
        }
        let f =
            furniture(&units[i]).or_else(|| labels_links(units, i).then_some(Furniture::Contents));
        let taken = f.or(open.filter(|o| o.takes(&units[i])));
        if let Some(t) = taken {
            units[i].drop_as(t.reason());
            found[i] = true;
        }
        // Everything after a footer marker is footer, whatever else it is.
        if open != Some(Furniture::Footer) {
            open = f.or(taken.and(open));
        }
    }
    found
}

/// A label such as "On this page" directly followed by links.
fn labels_links(units: &[Unit], i: usize) -> bool {
    let next = units[i + 1..].iter().find(|u| !u.is_dropped());
    is_contents_label(&units[i]) && next.is_some_and(|n| n.all_link && !n.is_heading())
}

/// The page's kept lists (one group per outermost list) and lone paragraphs
/// that are wholly a link, as groups of unit indices in reading order.
fn groups(units: &[Unit]) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, u) in units.iter().enumerate() {
        if u.is_dropped() || u.is_heading() || (u.kind == Kind::Paragraph && !u.all_link) {
            continue;
        }
        match groups.last_mut() {
            Some(g) if u.list.is_some() && units[g[0]].list == u.list => g.push(i),
            _ => groups.push(vec![i]),
        }
    }
    groups
}

/// A list starting at "Home" whose entries are all short names: the
/// breadcrumb trail written as a numbered or bulleted list.
fn is_breadcrumb_list(units: &[Unit], group: &[usize]) -> bool {
    let first = &units[group[0]];
    group.len() >= 2
        && first.list.is_some()
        && matches!(
            first.text.to_lowercase().as_str(),
            "home" | "homepage" | "home page"
        )
        && group.iter().all(|&i| {
            let t = &units[i].text;
            count_words(t) <= 6 && !t.ends_with('.')
        })
}

/// Lists of links before the content starts (before the first real text
/// and before any section heading, the page title allowed) or after it ends
/// (after the last text or heading, beyond furniture such as "Page last
/// reviewed"): a site's menus and footer links. A list directly under its own
/// heading at the end, with no furniture between, is the section's content.
fn around_the_content(units: &mut [Unit], found: &mut [bool]) {
    let is_text = |u: &Unit| !u.is_dropped() && !u.is_heading() && !u.all_link;
    let Some(first_text) = units.iter().position(is_text) else {
        return;
    };
    let second_heading = units
        .iter()
        .enumerate()
        .filter(|(_, u)| u.is_heading())
        .nth(1)
        .map_or(usize::MAX, |(i, _)| i);
    let lead_end = first_text.min(second_heading);
    let last = units
        .iter()
        .rposition(|u| is_text(u) || u.is_heading())
        .unwrap_or(0);
    let trail_start = (last..units.len())
        .find(|&i| found[i])
        .unwrap_or(usize::MAX);
    let lead_has_furniture = found[..lead_end.min(units.len())].iter().any(|&f| f);
    for group in groups(units) {
        let (start, end) = (group[0], group[group.len() - 1]);
        let lead = lead_has_furniture && end < lead_end;
        let trail = start > trail_start;
        if (lead || trail) && group.iter().all(|&i| units[i].all_link) {
            drop_all(units, &group, Furniture::Navigation, found);
        }
    }
}

fn drop_all(units: &mut [Unit], group: &[usize], f: Furniture, found: &mut [bool]) {
    for &i in group {
        units[i].drop_as(f.reason());
        found[i] = true;
    }
}

#[cfg(test)]
mod tests;
