//! Language identification for saring: fastText models run in pure Rust, with lid.176 built in.
//!
//! - [`LanguageModel`] loads a fastText supervised model (`.bin`, or product-quantized `.ftz`) from bytes
//!   or from a path with a SHA-256 check, and predicts exactly as the C++ fastText does.
//! - [`LanguageId`] is what the pipeline shares between threads: [`LanguageId::lid176`] uses the
//!   `lid.176.ftz` model compiled into the binary (176 languages, CC BY-SA 3.0, see `models/README.md`);
//!   [`LanguageId::detect`] and [`LanguageId::top_k`] return [`Prediction`]s (label and probability).
//!   [`LanguageId::with_close_pairs`] adds a second stage for languages lid.176 confuses with a
//!   neighbour, such as Malay, Minangkabau and Bosnian, which it alone labels mostly `id`, `id` and
//!   `hr`: marker words, and for Malay/Indonesian lingua's models of the two (Apache-2.0, built in; see
//!   `models/README.md`).
//! - [`Langid`] is the `langid` pipeline step, configured by [`LangidConfig`]: it sets the document's
//!   language, records `langid.score`, and drops documents outside `languages` or under `min_score`.
//!
//! ```
//! use saring_langid::LanguageId;
//!
//! let lid = LanguageId::lid176()?;
//! let best = lid.detect("Saya suka makan nasi goreng di rumah.").unwrap();
//! assert_eq!(best.label, "id");
//! assert!(best.score > 0.4);
//! let top = lid.top_k("Das ist ein kleiner Test.", 3);
//! assert_eq!(top[0].label, "de");
//!
//! // lid.176 calls this Malay sentence Indonesian; the close-pair stage reads its Malay month name.
//! let malay = "Mereka tinggal di rumah itu sejak bulan Ogos tahun lepas.";
//! assert_eq!(lid.detect(malay).unwrap().label, "id");
//! assert_eq!(lid.clone().with_close_pairs(true).detect(malay).unwrap().label, "ms");
//! # Ok::<(), saring_langid::ModelError>(())
//! ```
#![deny(missing_docs)]

mod close_pairs;
mod config;
mod error;
mod language_id;
mod model;
mod second_opinion;
mod step;

pub use config::LangidConfig;
pub use error::ModelError;
pub use language_id::{LID176_FTZ, LID176_SHA256, LanguageId, Prediction};
pub use model::LanguageModel;
pub use step::Langid;
