//! Raw-line repairs made before parsing: headings wrapped onto a second line.

/// Join a heading that was wrapped onto the next line back into one line, as
/// a person reads it: `## What happens after` directly followed by `the
/// operation?` is one heading. Markdown would make the second line a paragraph
/// of its own, so this is done on the raw lines, outside code fences.
pub fn join_wrapped_headings(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut fence: Option<&str> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        fence = next_fence_state(fence, line);
        let next = lines.get(i + 1).copied();
        match next.filter(|n| fence.is_none() && is_open_heading(line) && continues(n)) {
            Some(n) => {
                out.push(format!("{} {}", line.trim_end(), n.trim()));
                i += 2;
            }
            None => {
                out.push(line.to_string());
                i += 1;
            }
        }
    }
    let mut joined = out.join("\n");
    if text.ends_with('\n') {
        joined.push('\n');
    }
    joined
}

/// Whether we are inside a fenced code block after `line`: the fence marker
/// (``` or ~~~) that opened it, if so.
fn next_fence_state<'a>(fence: Option<&'a str>, line: &'a str) -> Option<&'a str> {
    let t = line.trim_start();
    let indent = line.len() - t.len();
    let marker = ["```", "~~~"].into_iter().find(|m| t.starts_with(m));
    match (fence, marker) {
        (None, Some(m)) if indent <= 3 => Some(m),
        (Some(open), Some(m))
            if open == m && t.trim_end().chars().all(|c| c == m.as_bytes()[0] as char) =>
        {
            None
        }
        (state, _) => state,
    }
}

/// An ATX heading whose text could still go on: not closed with `#`s, not
/// ended by sentence punctuation.
fn is_open_heading(line: &str) -> bool {
    let t = line.trim_start();
    if line.len() - t.len() > 3 {
        return false;
    }
    let hashes = t.chars().take_while(|&c| c == '#').count();
    let rest = &t[hashes..];
    (1..=6).contains(&hashes)
        && rest.starts_with([' ', '\t'])
        && !rest.trim().is_empty()
        && !rest.trim_end().ends_with(['#', '.', '?', '!', ':', ';'])
}

/// A line that ends a wrapped heading: it starts in lower case (so it is not
/// a new block or a new sentence), is short, and ends as a heading would,
/// with a question mark or no sentence punctuation at all.
fn continues(line: &str) -> bool {
    let t = line.trim();
    let indent = line.len() - line.trim_start().len();
    indent <= 3
        && t.chars().next().is_some_and(char::is_lowercase)
        && t.split_whitespace().count() <= 8
        && !t.ends_with(['.', '!', ':', ';', ','])
}

#[cfg(test)]
mod tests {
    use super::join_wrapped_headings as join;

    #[test]
    fn a_heading_wrapped_onto_a_lower_case_line_is_joined() {
        assert_eq!(
            join("## What happens after\nthe operation?\nYou wake up.\n"),
            "## What happens after the operation?\nYou wake up.\n"
        );
        assert_eq!(
            join("### Caring for\nyour wound"),
            "### Caring for your wound"
        );
    }

    #[test]
    fn complete_headings_sentences_and_code_are_left_alone() {
        for text in [
            "## Is it safe?\nmostly, yes",
            "## Recovery\nmost people go home the same day and walk without help after a week.",
            "## Recovery\n- rest",
            "## Closed ##\nthe end",
            "```\n## not a heading\nin code\n```",
            "    ## indented code\nmore code",
        ] {
            assert_eq!(join(text), text);
        }
    }
}
