//! Quality filters: each module holds one filter's config (`…Config`, plain data from TOML) and its
//! runtime (a [`Step`](saring_core::Step)).
//!
//! A filter records the signals it computed on every document it sees, kept or not, so users can re-filter
//! without re-running, and drops with a [`DropReason`](saring_core::DropReason) named after the setting
//! that decided.
//!
//! ```
//! use saring_core::{Document, DropReason, Step, Verdict};
//! use saring_filters::{MinLength, MinLengthConfig};
//!
//! let filter = MinLength::new(&MinLengthConfig { min_chars: 10 });
//! let mut doc = Document::new("d".into(), "too short".into());
//! assert_eq!(filter.process(&mut doc), Verdict::Drop(DropReason::MinChars));
//! assert_eq!(doc.signals["min_length.chars"], 9.0);
//! ```
#![deny(missing_docs)]

mod min_length;

pub use min_length::{MinLength, MinLengthConfig};
