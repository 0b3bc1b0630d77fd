//! Text cleaning, PII replacement and splitting: the steps and helpers that work on a document's text
//! after extraction and before the quality filters.
//!
//! - [`Clean`] (config [`CleanConfig`], step type `clean`): Unicode NFC, safe mojibake repair, no-break
//!   spaces, zero-width and control characters, whitespace, blank lines, and boilerplate lines by rule
//!   (C4's javascript and policy lines, tracking-pixel words, copyright lines, "designed by" credits,
//!   share prompts). Records `clean.lines_removed`, `clean.chars_removed` and `clean.mojibake_fixed`.
//! - [`Pii`] (config [`PiiConfig`], step type `pii`): replaces e-mail and IP addresses (and, when asked,
//!   phone numbers) with placeholders, as datatrove's `PIIFormatter` does, deterministically. Records
//!   `pii.emails`, `pii.ips` and, when on, `pii.phones`.
//! - [`words`], [`lines`], [`paragraphs`]: splitting for the filters; [`words`] handles scripts written
//!   without spaces (Chinese, Japanese, Thai) by giving one token per character there.
//!
//! ```
//! use saring_core::{Document, Step, Verdict};
//! use saring_text::{Clean, CleanConfig, Pii, PiiConfig};
//!
//! let clean = Clean::new(&CleanConfig::default());
//! let mut doc = Document::new("d".into(), "fbpx\nCaf\u{e9} d\u{c3}\u{a9}j\u{c3}\u{a0}  vu\u{a0}!\n\u{a0}\n\n\nMail me: kim@mail.test\n\u{a9} 2018 Zid World All Rights Reserved.".into());
//! assert_eq!(clean.process(&mut doc), Verdict::Keep);
//! assert_eq!(doc.text, "Café déjà vu !\n\nMail me: kim@mail.test");
//! assert_eq!(doc.signals["clean.lines_removed"], 2.0);
//!
//! let pii = Pii::new(&PiiConfig::default());
//! assert_eq!(pii.process(&mut doc), Verdict::Keep);
//! assert!(doc.text.ends_with("Mail me: email@example.com") || doc.text.ends_with("Mail me: firstname.lastname@example.org"));
//! assert_eq!(doc.signals["pii.emails"], 1.0);
//!
//! assert_eq!(saring_text::words("Hello, 世界!").collect::<Vec<_>>(), ["Hello", "世", "界"]);
//! ```
#![deny(missing_docs)]

mod boilerplate;
mod clean;
mod mojibake;
mod pii;
mod segment;

pub use clean::{Clean, CleanConfig};
pub use mojibake::fix_mojibake;
pub use pii::{Pii, PiiConfig};
pub use segment::{Paragraphs, dictionary_words, lines, paragraphs, words};
