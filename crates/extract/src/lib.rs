//! saring's main-content extractor: HTML in, the article's text blocks out. No I/O.
//!
//! [`Extractor`] streams its own WHATWG-style tokenizer (byte scanning with `memchr`, tokens borrowed from
//! the input) over the page once and builds a compact arena DOM (nodes in pre-order, so every subtree is an index range and no walk recurses). Non-content never enters it:
//! `script`, `style`, `noscript`, `template`, `svg`, `math`, `iframe`, `object`, `head`, buttons and
//! form controls, hidden elements and ARIA navigation landmarks. Then, readability style:
//!
//! 1. page furniture is set aside: `nav`, `header`, `footer`, `aside`, `form` and elements whose class or
//!    id holds a boilerplate word (`cookie`, `share`, `menu`, `comment`, `related`, `ad`, …), unless one
//!    wraps most of the page; and, in the first attempt, readability's "unlikely candidates";
//! 2. every paragraph scores its ancestors (by its length and commas), weighted by class/id patterns
//!    (`article`, `content`, `entry-content`, `itemprop="articleBody"` up; `sidebar`, `promo` down) and
//!    by link density; the best container is kept with its good siblings and with same-class chunks;
//! 3. inside it, link-dense, input-heavy and image-only blocks, short captions, "Read also: <link>"
//!    lines, trailing link lists and copyright lines are removed.
//!
//! When that finds little text the selection is retried with looser rules, and a very short page falls
//! back to its whole body without furniture. A page whose best "content" is a row of three or more short
//! teasers is an index, not an article, and gets no text. Attribute text (`alt`, `title`) is never emitted. Block
//! elements end a line; the output has one block a line and a blank line between blocks; with
//! [`ExtractConfig::comments`] the page's comment sections follow the main text. The page title
//! comes from the only `<h1>` or else `<title>`, and the language from `<html lang>`. [`ExtractConfig`]
//! bounds input bytes, tokens and nesting depth; the work after parsing is linear in the arena.
//!
//! ```
//! use saring_extract::{ExtractConfig, Extractor};
//!
//! let extractor = Extractor::new(&ExtractConfig::default());
//! let page = extractor.extract(
//!     r#"<html lang="en"><head><title>Hi</title><script>var x;</script></head><body>
//!        <nav>Home | About</nav><h1>Hello</h1><p>First&nbsp;paragraph, <em>with</em> markup.</p>
//!        <div class="share-buttons">Share</div><p>Second.</p></body></html>"#,
//! );
//! assert_eq!(page.text, "First paragraph, with markup.\n\nSecond.");
//! assert_eq!(page.title.as_deref(), Some("Hello"));
//! assert_eq!(page.language.as_deref(), Some("en"));
//! assert!(!page.truncated && !page.budget_exhausted);
//! ```
#![deny(missing_docs)]

mod config;
mod dom;
mod extractor;
mod metadata;
mod render;
mod rules;
mod score;
mod sink;
mod text;
mod tokenizer;

pub use config::{ExtractConfig, OutputFormat};
pub use extractor::{Extracted, Extractor};
pub use metadata::Metadata;

#[cfg(test)]
mod tests;
