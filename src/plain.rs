//! Plain-text helpers shared by every stage.

/// White space squeezed to single spaces, trimmed: how text is kept once it
/// leaves the page's line breaks behind, and what one-line formats need.
pub fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
