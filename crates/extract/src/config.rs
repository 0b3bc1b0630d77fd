//! The extractor's settings: plain data, read from the pipeline's TOML.

use serde::{Deserialize, Serialize};

/// Default for [`ExtractConfig::max_html_bytes`]: 16 MiB.
const fn default_max_html_bytes() -> u64 {
    16 * 1024 * 1024
}

/// Default for [`ExtractConfig::max_nodes`]: one million tokens.
const fn default_max_nodes() -> u64 {
    1_000_000
}

/// Default for [`ExtractConfig::max_depth`]: 512 open elements.
const fn default_max_depth() -> u32 {
    512
}

/// How [`Extracted::text`] is written.
///
/// [`Extracted::text`]: crate::Extracted::text
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// Plain text: one block a line, a blank line between blocks (the default).
    #[default]
    Text,
    /// Markdown: the title as a `#` heading, then the same blocks with `#` headings, `-`/`1.` list
    /// items, `>` quotes, fenced `<pre>` and table rows as `a | b`; links as their text.
    Markdown,
}

/// Limits that bound the work and memory spent on one page, and the output format.
///
/// Every limit is counted in bytes or steps, never in time, so the same page gives the same output on every
/// machine. Missing fields take their defaults; unknown fields are an error, so that a typo in a config
/// file is reported instead of silently ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExtractConfig {
    /// Largest HTML input read, in bytes (default 16 MiB = 16 777 216). Longer input is cut to this many
    /// bytes, on a UTF-8 character boundary, before parsing, and [`Extracted::truncated`] is set.
    ///
    /// [`Extracted::truncated`]: crate::Extracted::truncated
    pub max_html_bytes: u64,
    /// Most tokens (start tags, end tags, text runs, comments) processed per page (default 1 000 000).
    /// Once reached, parsing stops, the text gathered so far is returned and
    /// [`Extracted::budget_exhausted`] is set. This bounds the work on hostile pages.
    ///
    /// [`Extracted::budget_exhausted`]: crate::Extracted::budget_exhausted
    pub max_nodes: u64,
    /// Deepest element nesting tracked, in open elements (default 512). Elements opened deeper than this
    /// are ignored (their text still flows into the enclosing block); the extractor never recurses.
    pub max_depth: u32,
    /// Output format of the text: `"text"` (default) or `"markdown"`.
    pub format: OutputFormat,
    /// Append the page's comment sections (elements whose class or id names comments, such as
    /// `<ol class="comment-list">` or `<div id="comments">`) after the main text, a blank line between
    /// blocks as everywhere (default `false`: the main text only).
    pub comments: bool,
}

impl Default for ExtractConfig {
    fn default() -> Self {
        Self {
            max_html_bytes: default_max_html_bytes(),
            max_nodes: default_max_nodes(),
            max_depth: default_max_depth(),
            format: OutputFormat::Text,
            comments: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_partial_config() {
        let config: ExtractConfig = serde_json::from_str(r#"{"max_depth": 8}"#).unwrap();
        assert_eq!(config.max_depth, 8);
        assert_eq!(config.max_html_bytes, 16 * 1024 * 1024);
        assert_eq!(config.max_nodes, 1_000_000);
        assert_eq!(config.format, OutputFormat::Text);
        assert!(!config.comments);
        let config: ExtractConfig = serde_json::from_str(r#"{"format": "markdown"}"#).unwrap();
        assert_eq!(config.format, OutputFormat::Markdown);
    }

    #[test]
    fn unknown_field_is_rejected() {
        let err = serde_json::from_str::<ExtractConfig>(r#"{"max_dept": 8}"#).unwrap_err();
        assert!(err.to_string().contains("max_dept"), "{err}");
    }
}
