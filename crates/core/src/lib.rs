//! The vocabulary every saring crate shares: no I/O lives here.
//!
//! - [`Document`] is one crawl record on its way through the pipeline: its stable id, URL, fetch date,
//!   decoded HTML, text, language, metadata and the signals steps record about it.
//! - A [`Step`] looks at one document and returns a [`Verdict`]: keep it, drop it for a documented
//!   [`DropReason`], or mark it errored.
//! - [`RunStats`] and [`StepStats`] keep the books, so that `read = kept + dropped + errored` holds for
//!   every run; they add up across threads, shards and ranks.
//!
//! ```
//! use saring_core::{Document, DropReason, Step, Verdict};
//!
//! struct NonEmpty;
//! impl Step for NonEmpty {
//!     fn name(&self) -> &str { "non_empty" }
//!     fn process(&self, doc: &mut Document) -> Verdict {
//!         if doc.text.trim().is_empty() { Verdict::Drop(DropReason::EmptyText) } else { Verdict::Keep }
//!     }
//! }
//!
//! let mut doc = Document::new("doc-1".into(), "hello".into());
//! assert_eq!(NonEmpty.process(&mut doc), Verdict::Keep);
//! ```
#![deny(missing_docs)]

mod document;
mod stats;
mod step;

pub use document::{Document, Provenance, stable_id};
pub use stats::{RunStats, StepStats, Timeline, TimelinePoint};
pub use step::{DropReason, Step, Verdict};
