//! Builds text blocks: whitespace collapsing inside a block, verbatim text inside `<pre>`.

/// Appends `text` to `out` with every whitespace run (U+00A0 included) collapsed to one space, no
/// leading space, and control characters dropped. `pending_space` carries a space across calls, so a
/// trailing space is only written once more text follows.
pub(crate) fn push_collapsed(out: &mut String, pending_space: &mut bool, text: &str) {
    for c in text.chars() {
        if c.is_whitespace() {
            *pending_space = !out.is_empty();
        } else if !c.is_control() {
            if *pending_space {
                out.push(' ');
                *pending_space = false;
            }
            out.push(c);
        }
    }
}

/// Collapses all whitespace in `text` to single spaces and trims it.
pub(crate) fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending = false;
    push_collapsed(&mut out, &mut pending, text);
    out
}

/// The blocks of a page in document order, and the block being built.
#[derive(Debug, Default)]
pub(crate) struct Blocks {
    /// Finished, non-empty blocks.
    pub(crate) done: Vec<String>,
    /// The block being built.
    current: String,
    /// A space is owed before the next character of `current`.
    pending_space: bool,
    /// `current` holds `<pre>` text, kept verbatim.
    current_pre: bool,
}

impl Blocks {
    /// Adds text to the current block, collapsed, or verbatim when `pre`.
    pub(crate) fn push_text(&mut self, text: &str, pre: bool) {
        if pre != self.current_pre {
            self.end_block();
            self.current_pre = pre;
        }
        if pre {
            self.current.extend(
                text.chars()
                    .map(|c| if c == '\u{a0}' { ' ' } else { c })
                    .filter(|&c| !c.is_control() || c == '\n' || c == '\t'),
            );
        } else {
            push_collapsed(&mut self.current, &mut self.pending_space, text);
        }
    }

    /// Ends the current block; a block that is only whitespace is dropped.
    pub(crate) fn end_block(&mut self) {
        let block = std::mem::take(&mut self.current);
        self.pending_space = false;
        let kept = if self.current_pre {
            let trimmed = block.trim_end().trim_start_matches(['\n', '\r']);
            if trimmed.trim().is_empty() {
                None
            } else {
                Some(trimmed.to_owned())
            }
        } else if block.is_empty() {
            None
        } else {
            Some(block)
        };
        self.done.extend(kept);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_whitespace_and_nbsp() {
        assert_eq!(collapse("  a \u{a0}\n\t b  "), "a b");
        assert_eq!(collapse("\u{a0}"), "");
        assert_eq!(collapse("a\u{1}b"), "ab");
    }

    #[test]
    fn blocks_drop_empty_and_keep_pre() {
        let mut blocks = Blocks::default();
        blocks.push_text(" one ", false);
        blocks.push_text(" two", false);
        blocks.end_block();
        blocks.push_text("\u{a0} ", false);
        blocks.end_block();
        blocks.push_text("\n  x = 1\n    y\n", true);
        blocks.end_block();
        assert_eq!(blocks.done, ["one two", "  x = 1\n    y"]);
    }
}
