//! [`Extractor`]: drives html5ever's streaming tokenizer over a page and assembles the result.

use std::cell::{Cell, RefCell};

use html5ever::TokenizerResult;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{BufferQueue, Tokenizer, TokenizerOpts};

use crate::config::ExtractConfig;
use crate::sink::{Sink, State};
use crate::text;

/// Input is fed to the tokenizer in pieces of at most this many bytes, so no single buffer nears
/// the tokenizer's 4 GiB buffer limit whatever `max_html_bytes` is.
const CHUNK_BYTES: usize = 1 << 20;

/// Most passes over one page: the first, plus re-reads that keep misfired boilerplate wrappers.
const MAX_PASSES: usize = 3;

/// What [`Extractor::extract`] returns for one page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    /// The main text: one block (paragraph, heading, list item, cell, …) a line, a blank line between
    /// blocks and no final newline; empty when nothing was found. Whitespace inside a block is collapsed to
    /// single spaces (U+00A0 included), except inside `<pre>`. The title is not repeated at the start.
    pub text: String,
    /// The page title: the text of the only `<h1>` if there is exactly one, else the `<title>`, with
    /// whitespace collapsed; `None` when both are missing or empty.
    pub title: Option<String>,
    /// The raw, trimmed value of `<html lang>` (for example `id-ID`); `None` when absent or empty.
    pub language: Option<String>,
    /// The input was longer than [`ExtractConfig::max_html_bytes`] and only its start was read.
    pub truncated: bool,
    /// The [`ExtractConfig::max_nodes`] token budget ran out before the end of the page.
    pub budget_exhausted: bool,
}

/// A simple, fast main-text extractor: it streams the page's tokens once, skips non-content and page
/// furniture by tag, attribute and class/id words, and joins the remaining text blocks.
///
/// Build it once with [`Extractor::new`] and share it: it holds only its limits, so it is `Send + Sync`
/// and each [`extract`](Extractor::extract) call is independent.
#[derive(Debug, Clone)]
pub struct Extractor {
    /// The limits from the config.
    config: ExtractConfig,
}

impl Extractor {
    /// Builds an extractor with the given limits.
    pub fn new(config: &ExtractConfig) -> Self {
        Self {
            config: config.clone(),
        }
    }

    /// Extracts the main text, title and language of one HTML page. Never panics; work and memory are
    /// linear in the input and bounded by the config's limits.
    ///
    /// The class/id word rule and `<form>` skipping are heuristics that misfire on page-wide wrappers
    /// (`<div class="has-sidebar">`, ASP.NET's page `<form>`). When one such element removed more than half
    /// of the page's text, the page is read again with that element kept (but the rules still apply inside
    /// it); at most three passes.
    pub fn extract(&self, html: &str) -> Extracted {
        let max = usize::try_from(self.config.max_html_bytes).unwrap_or(usize::MAX);
        let (input, truncated) = truncate(html, max);
        let mut exempt = Vec::new();
        let mut state = self.run(input, exempt.clone());
        for _ in 1..MAX_PASSES {
            let removed: u64 = state.soft_skipped.iter().map(|(_, chars)| *chars).sum();
            let total = state.emitted_chars.saturating_add(removed);
            let before = exempt.len();
            let wrappers = state
                .soft_skipped
                .iter()
                .filter(|(_, chars)| chars.saturating_mul(2) > total);
            exempt.extend(wrappers.map(|(ordinal, _)| *ordinal));
            if exempt.len() == before {
                break;
            }
            state = self.run(input, exempt.clone());
        }
        let mut out = assemble(state);
        out.truncated = truncated;
        out
    }

    /// Tokenizes `input` once and returns the sink's final state.
    fn run(&self, input: &str, exempt: Vec<u64>) -> State {
        let sink = Sink {
            state: RefCell::new(State::new(self.config.max_nodes, self.config.max_depth, exempt)),
            ending: Cell::new(false),
        };
        let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
        let queue = BufferQueue::default();
        let mut paused = false;
        for chunk in chunks(input, CHUNK_BYTES) {
            queue.push_back(StrTendril::from_slice(chunk));
            if let TokenizerResult::Script(()) = tokenizer.feed(&queue) {
                // The sink pauses the tokenizer only when the token budget is spent.
                paused = true;
                break;
            }
        }
        if !paused {
            tokenizer.sink.ending.set(true);
            tokenizer.end();
        }
        let mut state = tokenizer.sink.state.into_inner();
        state.blocks.end_block();
        state
    }
}

/// Cuts `html` to at most `max` bytes on a character boundary; `true` if anything was cut.
fn truncate(html: &str, max: usize) -> (&str, bool) {
    if html.len() <= max {
        return (html, false);
    }
    let mut end = max;
    while !html.is_char_boundary(end) {
        end = end.saturating_sub(1);
    }
    (html.get(..end).unwrap_or_default(), true)
}

/// Splits `s` into pieces of at most about `size` bytes, on character boundaries.
fn chunks(s: &str, size: usize) -> impl Iterator<Item = &str> {
    let mut rest = s;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut end = size.min(rest.len()).max(1);
        while !rest.is_char_boundary(end) {
            end = end.saturating_add(1);
        }
        let (head, tail) = rest.split_at_checked(end).unwrap_or((rest, ""));
        rest = tail;
        Some(head)
    })
}

/// Chooses the title, drops its leading copies from the blocks and joins the blocks.
fn assemble(state: State) -> Extracted {
    let h1 = Some(state.h1_text).filter(|t| state.h1_count == 1 && !t.is_empty());
    let title = h1.or_else(|| state.title.map(|t| text::collapse(&t)).filter(|t| !t.is_empty()));
    let blocks = state.blocks.done;
    let leading_titles = blocks
        .iter()
        .take_while(|b| title.as_deref() == Some(b.as_str()))
        .count();
    let mut text = String::new();
    for block in blocks.iter().skip(leading_titles) {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(block);
    }
    Extracted {
        text,
        title,
        language: state.language,
        truncated: false,
        budget_exhausted: state.budget_exhausted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_on_char_boundary() {
        assert_eq!(truncate("héllo", 2), ("h", true));
        assert_eq!(truncate("héllo", 3), ("hé", true));
        assert_eq!(truncate("héllo", 100), ("héllo", false));
        assert_eq!(truncate("é", 0), ("", true));
    }

    #[test]
    fn chunks_cover_input_on_boundaries() {
        let s = "aé€😀b".repeat(10);
        for size in 1..8 {
            let pieces: Vec<&str> = chunks(&s, size).collect();
            assert_eq!(pieces.concat(), s);
        }
        assert_eq!(chunks("", 4).count(), 0);
    }
}
