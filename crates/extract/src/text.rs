//! Builds text blocks: whitespace collapsing inside a block, verbatim text inside `<pre>`.

/// Appends `text` to `out` with every whitespace run (U+00A0 included) collapsed to one space, no
/// leading space, and control characters dropped. `pending_space` carries a space across calls, so a
/// trailing space is only written once more text follows. Returns the number of non-whitespace
/// characters of `text` (dropped ones included). Runs of characters kept as they are (printable ASCII,
/// and other characters that are neither whitespace, control nor invisible) are copied whole, and
/// ASCII bytes are handled without decoding.
pub(crate) fn push_collapsed(out: &mut String, pending_space: &mut bool, text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut seen = 0;
    let mut i = 0;
    while i < bytes.len() {
        let (run, run_chars) = kept_run(text, i);
        if run > i {
            // room for all that may still be written (the rest of the text, and a pending space), so
            // `out` grows at most once per call rather than doubling step by step (no-op once there is
            // room; a call that writes nothing, as for whitespace between blocks, allocates nothing)
            out.reserve(bytes.len() - i + usize::from(*pending_space));
            if *pending_space {
                out.push(' ');
                *pending_space = false;
            }
            out.push_str(text.get(i..run).unwrap_or_default());
            seen += run_chars;
            i = run;
        }
        // The character at `i`, if any, is whitespace, a control character or invisible.
        let Some(&b) = bytes.get(i) else { break };
        let (whitespace, len) = if b.is_ascii() {
            (matches!(b, b'\t'..=b'\r' | b' '), 1)
        } else {
            let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
                break;
            };
            (c.is_whitespace(), c.len_utf8())
        };
        i += len;
        if whitespace {
            *pending_space = !out.is_empty();
        } else {
            seen += 1;
        }
    }
    seen
}

/// The end of the run of characters from `from` on that [`push_collapsed`] copies as they are, and
/// how many non-whitespace characters it holds. A single ASCII space between two kept characters is
/// part of the run: collapsing would write it back as it is, and copying whole sentences at once spares
/// the per-word round of the caller's loop.
fn kept_run(text: &str, from: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let mut i = from;
    let mut chars = 0;
    while let Some(&b) = bytes.get(i) {
        if (b'!'..=b'~').contains(&b) {
            i += 1;
        } else if b == b' ' && i > from && bytes.get(i + 1).is_some_and(|b| (b'!'..=b'~').contains(b)) {
            // the space and the printable character after it (counted below)
            i += 2;
        } else if b.is_ascii() {
            break;
        } else {
            let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
                break;
            };
            if c.is_whitespace() || c.is_control() || is_invisible(c) {
                break;
            }
            i += c.len_utf8();
        }
        chars += 1;
    }
    (i, chars)
}

/// Invisible format characters dropped from text: soft hyphen, zero-width space, byte-order mark.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{200b}' | '\u{feff}')
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
    /// For each finished block: non-whitespace characters, and those inside links.
    pub(crate) stats: Vec<(usize, usize)>,
    /// Non-whitespace characters of `current`, and those inside links.
    current_stats: (usize, usize),
    /// The block being built.
    current: String,
    /// A space is owed before the next character of `current`.
    pending_space: bool,
    /// `current` holds `<pre>` text, kept verbatim.
    current_pre: bool,
    /// Markdown: written before `current` when it is kept (`## `, `- `, `> `).
    prefix: String,
    /// Markdown: `<pre>` blocks are fenced with ```` ``` ````.
    pub(crate) fence_pre: bool,
}

impl Blocks {
    /// Adds text to the current block, collapsed, or verbatim when `pre`; `link` when it is link text.
    pub(crate) fn push_text(&mut self, text: &str, pre: bool, link: bool) {
        if pre != self.current_pre {
            self.end_block();
            self.current_pre = pre;
        }
        let chars = if pre {
            self.current.extend(
                text.chars()
                    .map(|c| if c == '\u{a0}' { ' ' } else { c })
                    .filter(|&c| !c.is_control() || c == '\n' || c == '\t'),
            );
            text.chars().filter(|c| !c.is_whitespace()).count()
        } else {
            push_collapsed(&mut self.current, &mut self.pending_space, text)
        };
        self.current_stats.0 = self.current_stats.0.saturating_add(chars);
        if link {
            self.current_stats.1 = self.current_stats.1.saturating_add(chars);
        }
    }

    /// Whether the current block has no text yet.
    pub(crate) fn current_is_empty(&self) -> bool {
        self.current.is_empty()
    }

    /// Sets the Markdown prefix of the current block.
    pub(crate) fn set_prefix(&mut self, prefix: String) {
        self.prefix = prefix;
    }

    /// Ends the current block; a block that is only whitespace is dropped.
    pub(crate) fn end_block(&mut self) {
        let block = std::mem::take(&mut self.current);
        let stats = std::mem::take(&mut self.current_stats);
        let prefix = std::mem::take(&mut self.prefix);
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
        if let Some(block) = kept {
            let block = if self.current_pre && self.fence_pre {
                format!("{prefix}```\n{block}\n```")
            } else if prefix.is_empty() {
                block
            } else {
                prefix + &block
            };
            self.done.push(block);
            self.stats.push(stats);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_whitespace_and_nbsp() {
        let (mut out, mut pending) = (String::from("x"), true);
        assert_eq!(push_collapsed(&mut out, &mut pending, "ab\u{1}\u{ad} c\u{a0}"), 5);
        assert_eq!((out.as_str(), pending), ("x ab c", true));
        assert_eq!(collapse("  a \u{a0}\n\t b  "), "a b");
        assert_eq!(collapse("\u{a0}"), "");
        assert_eq!(collapse("a\u{1}b"), "ab");
        assert_eq!(collapse("Mit\u{ad}tel\u{200b}al\u{feff}ter"), "Mittelalter");
    }

    #[test]
    fn single_spaces_stay_inside_a_run() {
        assert_eq!(kept_run("a b c", 0), (5, 3));
        assert_eq!(kept_run("ab c  d", 0), (4, 3));
        assert_eq!(kept_run("a b ", 0), (3, 2));
        assert_eq!(kept_run(" a", 0), (0, 0));
        assert_eq!(kept_run("a é", 0), (1, 1));
        let (mut out, mut pending) = (String::new(), true);
        assert_eq!(
            push_collapsed(&mut out, &mut pending, " one two  three\tfour five "),
            19
        );
        assert_eq!((out.as_str(), pending), ("one two three four five", true));
    }

    #[test]
    fn push_collapsed_grows_once_per_call_and_not_for_whitespace() {
        // many short runs: one reservation for the rest of the text, not a doubling per few runs
        let text = "ab ".repeat(100);
        let (mut out, mut pending) = (String::new(), false);
        push_collapsed(&mut out, &mut pending, &text);
        assert_eq!(out, text.trim_end());
        // doubling run by run would have ended at 512 bytes
        assert!(out.capacity() < 400, "capacity {}", out.capacity());
        // `collapse` sizes its buffer for the text, and the first run needs no more
        assert_eq!(collapse("plain words").capacity(), "plain words".len());
        // text with nothing to write allocates nothing
        let (mut empty, mut pending) = (String::new(), false);
        assert_eq!(push_collapsed(&mut empty, &mut pending, " \n\t\u{a0}\u{1}"), 1);
        assert_eq!((empty.capacity(), pending), (0, false));
    }

    #[test]
    fn blocks_drop_empty_and_keep_pre() {
        let mut blocks = Blocks::default();
        blocks.push_text(" one ", false, false);
        blocks.push_text(" two", false, true);
        blocks.end_block();
        blocks.push_text("\u{a0} ", false, false);
        blocks.end_block();
        blocks.push_text("\n  x = 1\n    y\n", true, false);
        blocks.end_block();
        assert_eq!(blocks.done, ["one two", "  x = 1\n    y"]);
        assert_eq!(blocks.stats, [(6, 3), (4, 0)]);
    }

    proptest::proptest! {
        /// The printable-ASCII runs give what the plain character loop gives, text and count alike.
        #[test]
        fn push_collapsed_equals_char_loop(
            pieces in proptest::collection::vec(0usize..12, 0..40),
            start_pending: bool,
        ) {
            let alphabet = ["a", "Zz", " ", "\n\t", "\u{a0}", "\u{1}", "\u{ad}", "é", "日本", "\u{3000}", "~!", "\u{7f}"];
            let text: String = pieces.iter().filter_map(|&i| alphabet.get(i).copied()).collect();
            let (mut fast, mut fast_pending) = (String::from("x"), start_pending);
            let seen = push_collapsed(&mut fast, &mut fast_pending, &text);
            let (mut plain, mut plain_pending) = (String::from("x"), start_pending);
            for c in text.chars() {
                if c.is_whitespace() {
                    plain_pending = true;
                } else if !c.is_control() && !is_invisible(c) {
                    if plain_pending {
                        plain.push(' ');
                        plain_pending = false;
                    }
                    plain.push(c);
                }
            }
            proptest::prop_assert_eq!(&fast, &plain);
            proptest::prop_assert_eq!(fast_pending, plain_pending);
            proptest::prop_assert_eq!(seen, text.chars().filter(|c| !c.is_whitespace()).count());
        }
    }
}
