//! A first, simple main-text extractor for saring: HTML in, clean text blocks out. No I/O.
//!
//! [`Extractor`] streams html5ever's tokenizer over the page (no DOM, no recursion), keeps a bounded
//! stack of open elements, and emits the text of every element that is not skipped:
//!
//! - non-content (`script`, `style`, `noscript`, `template`, `svg`, `math`, `iframe`, `object`, `head`),
//! - page furniture (`nav`, `header`, `footer`, `aside`, `form`, `button`, `select`, `label`), hidden
//!   elements, ARIA navigation landmarks, and elements whose class or id holds a boilerplate word such as
//!   `cookie`, `share`, `menu` or `comment`.
//!
//! Attribute text (`alt`, `title`) is never emitted. Block elements end a line; the output has one block a
//! line and a blank line between blocks. The page title comes from the only `<h1>` or else `<title>`, and
//! the language from `<html lang>`. [`ExtractConfig`] bounds input bytes, tokens and nesting depth.
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
mod extractor;
mod rules;
mod sink;
mod text;

pub use config::ExtractConfig;
pub use extractor::{Extracted, Extractor};

#[cfg(test)]
mod tests;
