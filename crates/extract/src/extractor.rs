//! [`Extractor`]: drives the tokenizer over a page into an arena DOM, selects the main content and
//! assembles the result.

use crate::config::{ExtractConfig, OutputFormat};
use crate::metadata::{self, Metadata};
use crate::render;
use crate::score::{self, Options};
use crate::sink::State;
use crate::tokenizer;

/// Selection attempts, strictest first; the first whose text reaches [`MIN_TEXT_CHARS`] wins, else the
/// longest (readability's retry order). The last three are fallbacks: nothing stripped when nothing was
/// found, then the whole body.
const ATTEMPTS: [Options; 6] = [
    Options {
        strip_soft: true,
        strip_strong: true,
        weight_classes: true,
        clean: true,
        whole_body: false,
    },
    Options {
        strip_soft: false,
        strip_strong: true,
        weight_classes: true,
        clean: true,
        whole_body: false,
    },
    Options {
        strip_soft: false,
        strip_strong: true,
        weight_classes: false,
        clean: true,
        whole_body: false,
    },
    Options {
        strip_soft: false,
        strip_strong: false,
        weight_classes: false,
        clean: false,
        whole_body: false,
    },
    Options {
        strip_soft: false,
        strip_strong: true,
        weight_classes: false,
        clean: false,
        whole_body: true,
    },
    Options {
        strip_soft: false,
        strip_strong: false,
        weight_classes: false,
        clean: false,
        whole_body: true,
    },
];

/// The whole body without page furniture is rendered when scoring found fewer characters than this
/// (very short pages, where a byline can outscore two short paragraphs).
const SHORT_PAGE_CHARS: usize = 100;

/// Characters of main text an attempt must find to be accepted at once.
const MIN_TEXT_CHARS: usize = 500;

/// What [`Extractor::extract`] returns for one page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    /// The main text: one block (paragraph, heading, list item, cell, …) a line, a blank line between
    /// blocks and no final newline; empty when nothing was found or the page is an index of teasers.
    /// Whitespace inside a block is collapsed to single spaces (U+00A0 included), except inside
    /// `<pre>`; soft hyphens and zero-width spaces are dropped. The title is not repeated at the start.
    pub text: String,
    /// The page title, as [`Metadata::title`]: the only `<h1>` if there is exactly one, else
    /// `og:title`/JSON-LD `headline`, else `<title>`, whitespace collapsed and a site-name suffix
    /// removed; `None` when all are missing or empty.
    pub title: Option<String>,
    /// The raw, trimmed value of `<html lang>` (for example `id-ID`); `None` when absent or empty.
    pub language: Option<String>,
    /// The input was longer than [`ExtractConfig::max_html_bytes`] and only its start was read.
    pub truncated: bool,
    /// The [`ExtractConfig::max_nodes`] token budget ran out before the end of the page.
    pub budget_exhausted: bool,
    /// Title, author, date, site name, canonical URL, description, categories, tags, language and
    /// cited sources, from `<meta>`, OpenGraph, JSON-LD and the text.
    pub metadata: Metadata,
}

/// The main-text extractor: one tokenizer pass into an arena DOM, then readability-style container
/// scoring and cleaning (see the crate docs).
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
    /// The page is parsed once into an arena; then paragraphs score their containers, the best container
    /// and its good siblings are kept, and boilerplate inside them is removed. When that finds under 500
    /// characters, the selection is retried with looser rules (unlikely-candidate patterns kept, then
    /// class weights ignored), and the longest result wins; when nothing is found, furniture is kept too;
    /// when under 100 characters are found, the whole body without furniture is taken.
    pub fn extract(&self, html: &str) -> Extracted {
        let max = usize::try_from(self.config.max_html_bytes).unwrap_or(usize::MAX);
        let (input, truncated) = truncate(html, max);
        let state = self.run(input);
        let markdown = self.config.format == OutputFormat::Markdown;
        let mut best: Vec<String> = Vec::new();
        let mut best_containers: Vec<u32> = Vec::new();
        let mut best_chars = 0usize;
        for (attempt, options) in ATTEMPTS.into_iter().enumerate() {
            let fallback_needed = match attempt {
                3 | 5 => best_chars == 0,
                4 => best_chars < SHORT_PAGE_CHARS,
                _ => true,
            };
            if !fallback_needed {
                continue;
            }
            let selection = score::select(&state.dom, options);
            if selection.index_page {
                best = Vec::new();
                best_containers = selection.containers;
                break;
            }
            let blocks = render::render(&state.dom, &selection.containers, &selection.excluded, markdown);
            let chars: usize = blocks.iter().map(|b| b.chars().count()).sum();
            if chars > best_chars || best.is_empty() {
                best = blocks;
                best_containers = selection.containers;
                best_chars = chars;
            }
            if best_chars >= MIN_TEXT_CHARS {
                break;
            }
        }
        let comments = if self.config.comments {
            let (roots, excluded) = score::comments(&state.dom, &best_containers);
            render::render(&state.dom, &roots, &excluded, markdown)
        } else {
            Vec::new()
        };
        let mut out = assemble(state, best, &comments, self.config.format);
        out.truncated = truncated;
        out
    }

    /// Tokenizes `input` once and returns the sink's final state, with the arena complete.
    fn run(&self, input: &str) -> State {
        let mut state = State::new(self.config.max_nodes, self.config.max_depth);
        tokenizer::tokenize(input, &mut state);
        state.finish();
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

/// Chooses the title, drops its leading copies from the blocks and joins the blocks, then the comment
/// blocks.
fn assemble(state: State, blocks: Vec<String>, comments: &[String], format: OutputFormat) -> Extracted {
    let h1 = Some(state.h1_text.as_str()).filter(|t| state.h1_count == 1 && !t.is_empty());
    let leading_titles =
        |title: Option<&str>| blocks.iter().take_while(|b| title == Some(b.as_str())).count();
    // Metadata reads the sources off the text's last block, so the text goes first, cut of its
    // leading title copies (the title is known before the blocks are needed).
    let provisional = metadata::build(
        &state.head,
        h1,
        state.title.as_deref(),
        state.language.as_deref(),
        &[],
    );
    let skip = leading_titles(provisional.title.as_deref());
    let body = blocks.get(skip..).unwrap_or_default();
    let metadata = Metadata {
        sources: metadata::sources(body),
        ..provisional
    };
    let mut text = body
        .iter()
        .chain(comments)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("\n\n");
    if format == OutputFormat::Markdown
        && let Some(title) = metadata.title.as_deref()
    {
        text = if text.is_empty() {
            format!("# {title}")
        } else {
            format!("# {title}\n\n{text}")
        };
    }
    Extracted {
        text,
        title: metadata.title.clone(),
        language: state.language,
        truncated: false,
        budget_exhausted: state.budget_exhausted,
        metadata,
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
}
