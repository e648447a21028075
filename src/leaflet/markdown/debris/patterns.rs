//! The kinds of site furniture, and how a whole short unit is recognised as
//! one. Every rule matches the whole unit (a heading, a paragraph or a
//! link-only list item), never a phrase inside longer prose.

use std::sync::LazyLock;

use regex::Regex;

use crate::leaflet::cleanup::is_address_like;
use crate::leaflet::count_words;
use crate::leaflet::markdown::units::{Kind, Unit};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Furniture {
    Skip,
    Menu,
    Search,
    Breadcrumb,
    Contents,
    Share,
    Feedback,
    Review,
    Cookies,
    BackToTop,
    PageLink,
    Footer,
    Navigation,
}

impl Furniture {
    pub fn reason(self) -> &'static str {
        match self {
            Furniture::Skip => "skip link",
            Furniture::Menu => "site menu",
            Furniture::Search => "search box",
            Furniture::Breadcrumb => "breadcrumb trail",
            Furniture::Contents => "list of links to parts of the page",
            Furniture::Share => "share or social media buttons",
            Furniture::Feedback => "page feedback form",
            Furniture::Review => "page review dates",
            Furniture::Cookies => "cookie banner",
            Furniture::BackToTop => "back-to-top link",
            Furniture::PageLink => "link to another page of the site",
            Furniture::Footer => "site footer",
            Furniture::Navigation => "site navigation (links around the content)",
        }
    }

    /// Whether a unit after this one still belongs to it: the buttons of a
    /// feedback form, the rest of a cookie banner, the links under "On this
    /// page", everything after "Footer". A heading ends all but the footer.
    pub fn takes(self, u: &Unit) -> bool {
        if self == Furniture::Footer {
            return true;
        }
        if u.is_heading() {
            return false;
        }
        let t = u.text.as_str();
        match self {
            Furniture::Cookies => {
                COOKIE_WORD.is_match(t) && count_words(t) <= 80 || is_button(&COOKIE_BUTTON, t)
            }
            Furniture::Feedback => is_button(&FEEDBACK_BUTTON, t),
            Furniture::Share => u.all_link && count_words(t) <= 4 || SOCIAL.is_match(bare(t)),
            Furniture::Menu | Furniture::Contents | Furniture::Breadcrumb => u.all_link,
            _ => false,
        }
    }
}

/// The rules for a unit on its own: the kind, the most words the unit may
/// have, and the pattern for the whole unit (lower case, without leading
/// symbols or trailing punctuation).
static RULES: LazyLock<Vec<(Furniture, usize, Regex)>> = LazyLock::new(|| {
    let rule = |f, words, re: &str| (f, words, Regex::new(&format!("^(?:{re})$")).unwrap());
    vec![
        rule(
            Furniture::Skip,
            6,
            r"(?:skip|jump) (?:to|over) (?:the )?(?:main |page |site )?(?:content|navigation|nav|menu|search|footer|main|links)|skip navigation",
        ),
        rule(
            Furniture::BackToTop,
            6,
            r"(?:(?:back|return|go|jump|scroll) )?(?:to )?(?:the )?top(?: of (?:the )?page)?",
        ),
        rule(
            Furniture::Footer,
            3,
            r"(?:site |page )?footer(?: links| navigation| menu)?",
        ),
        rule(
            Furniture::Menu,
            3,
            r"(?:(?:main|site|primary|global|open|close|toggle|show|hide) )?(?:menu|navigation|nav)(?: menu)?",
        ),
        rule(Furniture::Breadcrumb, 3, r"you are here|breadcrumbs?"),
        rule(
            Furniture::Search,
            8,
            r"search(?: (?:this|the|our) (?:[\w' ]{1,30} )?(?:website|site|service)| button| box| query| terms?)?|enter (?:a |your )?search(?: term| query)?|search for a (?:condition|topic|service)",
        ),
        rule(
            Furniture::Review,
            16,
            r"(?:page |content |this page was )?(?:last (?:reviewed|updated|modified|revised)|next review due)\s*(?::|on\b|[0-9]).*[0-9].*",
        ),
        rule(
            Furniture::Feedback,
            12,
            r"(?:was|is|did)(?: you find)? (?:this|the) (?:page|information|article|website|site|content)\b.*\b(?:helpful|useful|help|right)\b.*|(?:is there anything wrong with|report a problem (?:with|on)|give (?:us )?feedback (?:about|on)|help us improve|rate) (?:this|the|our) (?:page|website|site|article|information)\b.*|tell us (?:why|more|what)\b.*|thank you for (?:your )?feedback\b.*",
        ),
        rule(
            Furniture::Share,
            6,
            r"share\b(?: this(?: page| article| link)?)?(?: (?:on|via|by|to|with) [\w .+]{1,20})?|(?:email|e-mail|print|copy|send) (?:the )?(?:this )?(?:page|link|article)|follow us\b.*",
        ),
    ]
});

/// A cookie banner's opening, whatever its length.
static COOKIE_OPENING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:this (?:web)?site uses (?:some )?cookies|we use (?:some )?(?:essential |necessary |analytics |additional )?cookies|we(?:'d| would|’d) (?:also )?like to (?:use|set|put)\b.{0,40}\bcookies|cookies on (?:the|this|our)\b|(?:your )?cookie (?:settings|preferences|choices|consent|policy|notice)|(?:manage|change|set) (?:your )?cookie)").unwrap()
});
static COOKIE_WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\bcookies?\b").unwrap());
/// Words that make a short line mentioning cookies a consent button, so that
/// "biscuits and cookies" in a diet leaflet stays.
static CONSENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:accept|reject|allow|deny|decline|ok|okay|settings|preferences|policy|manage|analytics|essential|necessary|additional|optional|consent|choices|agree)\b").unwrap()
});
static COOKIE_BUTTON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:accept|reject|allow|deny|decline|ok|okay|hide|close|dismiss|got it|i agree|agree|continue|save|change)\b").unwrap()
});
static FEEDBACK_BUTTON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:yes|no|maybe|not really|partly|submit|send|skip|continue|thank you|thanks|tell us|give feedback|send feedback|report a problem)\b").unwrap()
});
static SOCIAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:facebook|twitter|x|linkedin|whatsapp|instagram|youtube|tiktok|pinterest|threads|bluesky|mastodon|reddit|telegram|email|print)$").unwrap()
});
/// A link to the neighbouring or parent page: "Back to Health A to Z",
/// "Next: Treatment". Only when the whole unit is the link.
static PAGE_LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:back|return|go back) to\b|(?:previous|next)(?: page| section| article)?\b)")
        .unwrap()
});
/// A phone number: digits in groups, eight characters or more.
static PHONE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[0-9][0-9 ]{6,}[0-9]").unwrap());

/// The furniture a unit is on its own, if any. Plain list items are left to
/// the context rules: a bulleted line of a leaflet is rarely furniture unless
/// it is a link. A unit that gives an address or a phone number is content.
pub fn furniture(u: &Unit) -> Option<Furniture> {
    if u.kind == Kind::Item && !u.all_link {
        return None;
    }
    let t = bare(&u.text).to_lowercase();
    let words = count_words(&t);
    if words == 0 {
        return None;
    }
    if COOKIE_OPENING.is_match(&t) && words <= 60 || cookie_button(&t, words) {
        return Some(Furniture::Cookies);
    }
    if gives_contact(&t) {
        return None;
    }
    if let Some((f, ..)) = RULES
        .iter()
        .find(|(_, max, re)| words <= *max && re.is_match(&t))
    {
        return Some(*f);
    }
    if is_breadcrumb(&t) {
        return Some(Furniture::Breadcrumb);
    }
    let link_only = |re: &Regex| u.all_link && words <= 8 && re.is_match(&t);
    if link_only(&SOCIAL) {
        return Some(Furniture::Share);
    }
    link_only(&PAGE_LINK).then_some(Furniture::PageLink)
}

/// "On this page", "Contents", "In this section", "Related pages": a label
/// that is furniture when links follow it (checked by the caller).
pub fn is_contents_label(u: &Unit) -> bool {
    static LABEL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:on this page|page contents|contents|table of contents|in this (?:section|article|guide|page)|jump to|more (?:in|on|from) (?:this|the) (?:section|topic|site)|related(?: pages| links| content| articles| topics| conditions| services)?)$").unwrap()
    });
    u.kind != Kind::Item && LABEL.is_match(&bare(&u.text).to_lowercase())
}

/// "Home > Health A to Z > Asthma", "You are here: Home / Conditions": short
/// parts joined by one kind of separator, starting at the home page (or
/// after "You are here"), so an instruction like "Settings > Display" stays.
fn is_breadcrumb(t: &str) -> bool {
    let (labelled, rest) = match t.strip_prefix("you are here") {
        Some(rest) => (true, rest.trim_start_matches([':', ' '])),
        None => (false, t),
    };
    ['>', '»', '›', '/', '|', '→', '\\'].into_iter().any(|sep| {
        let parts: Vec<&str> = rest.split(sep).map(str::trim).collect();
        parts.len() >= 2
            && (labelled || matches!(parts[0], "home" | "homepage" | "home page"))
            && parts
                .iter()
                .all(|p| (1..=6).contains(&count_words(p)) && !p.ends_with('.'))
    })
}

fn cookie_button(t: &str, words: usize) -> bool {
    words <= 8 && COOKIE_WORD.is_match(t) && CONSENT.is_match(t)
}

fn is_button(re: &Regex, t: &str) -> bool {
    let t = bare(t).to_lowercase();
    count_words(&t) <= 6 && !t.contains(". ") && re.is_match(&t)
}

fn gives_contact(t: &str) -> bool {
    PHONE.is_match(t) || t.split_whitespace().any(is_address_like)
}

/// The unit's text without leading symbols (arrows, bullets, icons) or
/// trailing punctuation, for matching the whole of it.
fn bare(text: &str) -> &str {
    text.trim_start_matches(|c: char| !c.is_alphanumeric())
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '.' | '!' | '?' | '…'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(text: &str) -> Unit {
        Unit::new(Kind::Paragraph, text)
    }

    fn link(text: &str) -> Unit {
        Unit {
            all_link: true,
            ..Unit::new(Kind::Item, text)
        }
    }

    #[test]
    fn whole_short_lines_of_furniture_are_recognised() {
        for (text, f) in [
            ("Skip to main content", Furniture::Skip),
            ("↑ Back to top", Furniture::BackToTop),
            ("Close menu", Furniture::Menu),
            ("Search this site", Furniture::Search),
            ("Search the Westshire Health website", Furniture::Search),
            ("Home > Health A to Z > Asthma", Furniture::Breadcrumb),
            ("You are here: Conditions / Shingles", Furniture::Breadcrumb),
            ("Share this page", Furniture::Share),
            ("Share on Facebook", Furniture::Share),
            ("Was this page helpful?", Furniture::Feedback),
            (
                "Is there anything wrong with this page?",
                Furniture::Feedback,
            ),
            ("Page last reviewed: 3 March 2025", Furniture::Review),
            ("Next review due: 3 March 2028", Furniture::Review),
            ("Accept all cookies", Furniture::Cookies),
            ("Cookie settings", Furniture::Cookies),
            (
                "We use cookies to make this site work and to see how it is used. You can change this at any time in your settings.",
                Furniture::Cookies,
            ),
        ] {
            assert_eq!(furniture(&para(text)), Some(f), "{text}");
        }
        assert_eq!(
            furniture(&link("Back to Health A to Z")),
            Some(Furniture::PageLink)
        );
        assert_eq!(furniture(&link("LinkedIn")), Some(Furniture::Share));
    }

    #[test]
    fn prose_that_mentions_the_same_words_stays() {
        for text in [
            "Cut down on biscuits, cookies and cakes.",
            "Biscuits and cookies",
            "Updated guidance in 2024 says most people can return to work after a week",
            "If you have feedback on this page, email feedback@westshire.nhs.uk",
            "Searching online for symptoms can be worrying.",
            "Was this leaflet helpful? Please tell the nurse when you next visit the clinic, so we can improve it for other patients.",
            "Go to Settings > Accessibility > Spoken content",
            "Back to the ward after the scan",
            "Top tips for a good night's sleep",
            "Email",
            // A leaflet's own back matter, read as the PDF reader reads it.
            "Review date: 10/2026",
            "Date of last review: March 2025",
        ] {
            assert_eq!(furniture(&para(text)), None, "{text}");
        }
        assert_eq!(
            furniture(&para("Search for a support group near you")),
            None
        );
    }

    #[test]
    fn contents_labels_and_trails() {
        assert!(is_contents_label(&para("On this page")));
        assert!(is_contents_label(&Unit::new(
            Kind::Heading(2),
            "Related conditions"
        )));
        assert!(!is_contents_label(&para("More information")));
        assert!(Furniture::Feedback.takes(&para("No")));
        assert!(!Furniture::Feedback.takes(&para(
            "No two people have the same symptoms. Some have none."
        )));
        assert!(Furniture::Cookies.takes(&para("Hide this message")));
        assert!(!Furniture::Cookies.takes(&Unit::new(Kind::Heading(1), "Cookies")));
        assert!(Furniture::Footer.takes(&Unit::new(Kind::Heading(2), "About us")));
    }
}
