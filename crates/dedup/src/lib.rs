//! Dedup for saring: exact copies and MinHash near-duplicates, template-aware and deterministic.
//!
//! The parts, each usable on its own (they take text and return values; only [`dedup_files`] does I/O):
//!
//! - [`Tokenizer`]: normalisation (case, punctuation and white space ignored) and language-aware word
//!   splitting into stable 64-bit token hashes; scripts without spaces become one token per character.
//! - [`MinHasher`]: word n-gram shingles hashed from token hashes, `bands × rows` permutations derived
//!   from a seed, a [`Signature`] of band keys plus a 16-bit sketch for estimating Jaccard similarity.
//! - [`BoilerplateLines`]: lines repeated on many documents of one host (menus, footers) are counted in
//!   a first pass and left out before shingling, so pages of one site that share only a template do not
//!   look alike.
//! - [`run_stage`]: the stages of a run as independent tasks over a work directory (`lines`,
//!   `boilerplate`, `signatures`, `buckets`, `cluster`, `filter`), each split over ranks and skipped when
//!   already done. Keys, band buckets and candidate pairs are sorted runs on disk; exact-text (and
//!   optionally URL) groups and checked bucket pairs are streamed through a union-find whose
//!   representatives are the smallest document index; oversized clusters are reported and broken up.
//! - [`SigFileWriter`] and [`SigFileReader`]: a checksummed file of signatures, for tools that hand
//!   signatures over between machines.
//! - [`dedup_files`]: the one-shot mode for one machine (the stages in sequence), JSONL in,
//!   deduplicated shards and a clusters TSV out; [`cluster_files_with`], the same writing only the
//!   clusters TSV (no documents), for joining cluster ids to a store of one's own.
//!
//! ```
//! use saring_dedup::{DedupConfig, DocHasher, Scratch, jaccard_estimate};
//! use saring_dedup::BoilerplateLines;
//!
//! let config = DedupConfig::default();
//! let hasher = DocHasher::new(config.min_hasher(), config.min_tokens);
//! let mut scratch = Scratch::default();
//! let story = "Presiden Rusia Vladimir Putin mengatakan kepada pemimpin Korea Utara Kim Jong Un \
//!              bahwa dia ingin memperluas hubungan antara Moskow dan Pyongyang.";
//! let copy = format!("JAKARTA – {story}");
//! let none = BoilerplateLines::default();
//! let a = hasher.second_pass(story, None, &none, &mut scratch).signature.unwrap();
//! let b = hasher.second_pass(&copy, None, &none, &mut scratch).signature.unwrap();
//! assert!(jaccard_estimate(&a.sketch, &b.sketch) > 0.6);
//! ```
#![deny(missing_docs)]

mod boilerplate;
mod cluster;
mod config;
mod copy;
mod doc_hasher;
mod error;
mod minhash;
mod oneshot;
mod records;
mod runs;
mod sigfile;
mod stages;
mod tokens;
mod url;
mod work;

#[cfg(test)]
mod eval_tests;

pub use boilerplate::{BoilerplateLines, line_key};
pub use cluster::{ClusterParams, ClusterStats, DocKeys, OverMerged, UnionFind};
pub use config::{DedupConfig, Keep};
pub use doc_hasher::{DocHasher, FirstPass, Scratch, SecondPass, TokenLines};
pub use error::DedupError;
pub use minhash::{LINE_PERMS, MinHasher, Signature, jaccard_estimate, line_coverage, shingle_hash};
pub use oneshot::{
    DedupStats, RunOptions, cluster_files_with, clusters_stats_path, dedup_files, dedup_files_with,
};
pub use sigfile::{SigFileHeader, SigFileReader, SigFileWriter};
pub use stages::{Stage, StageOutcome, StageTask, run_stage};
pub use tokens::Tokenizer;
pub use url::{host_key, url_key};
