//! What a rank keeps of the documents its steps dropped:
//!
//! ```text
//! OUT/dropped/RRRRR-00000.jsonl.zst    a sample: the first `sample_per_reason` documents of each
//!                                      (step, reason), in input order, text cut to `sample_chars`
//! OUT/excluded/RRRRR-SSSSS.<ext>       every dropped document, when `write_all` (shards as [output])
//! ```
//!
//! Each dropped document carries `drop_step` and `drop_reason` in its metadata. The writer thread sees
//! batches in input order, so the sample is the same for any number of threads. Both are written through
//! [`ShardWriter`], under temporary names renamed when complete; the sample at the end of the rank.

use std::collections::BTreeMap;
use std::path::PathBuf;

use saring_core::Document;
use saring_io::{OutputDir, ShardWriter, WriterConfig};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::RunError;
use super::checkpoint::{Sink, SinkMark};
use super::read::Position;

/// The sample's directory in the output directory.
pub const DROPPED_DIR: &str = "dropped";
/// The directory of every dropped document (with `write_all`) in the output directory.
pub const EXCLUDED_DIR: &str = "excluded";

/// What to keep of dropped documents: the `[dropped]` table of a pipeline config.
///
/// ```toml
/// [dropped]
/// sample_per_reason = 20
/// sample_chars = 4000
/// write_all = false
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DroppedConfig {
    /// Dropped documents kept per (step, reason) and rank in `OUT/dropped/`, the first in input order; 0
    /// keeps none. Default 20.
    #[serde(default = "default_sample_per_reason")]
    pub sample_per_reason: usize,
    /// Characters of text kept of each sampled document. Default 4000.
    #[serde(default = "default_sample_chars")]
    pub sample_chars: usize,
    /// Also write every dropped document, whole, to shards in `OUT/excluded/` (in the `[output]` format),
    /// as datatrove's exclusion writer does. Default false.
    #[serde(default)]
    pub write_all: bool,
}

const fn default_sample_per_reason() -> usize {
    20
}

const fn default_sample_chars() -> usize {
    4000
}

impl Default for DroppedConfig {
    fn default() -> DroppedConfig {
        DroppedConfig {
            sample_per_reason: default_sample_per_reason(),
            sample_chars: default_sample_chars(),
            write_all: false,
        }
    }
}

/// A document a step dropped, on its way to the writer thread.
pub(super) struct DroppedDoc {
    /// The document as the step left it (its HTML already released).
    pub(super) doc: Document,
    /// The index of the step that dropped it.
    pub(super) step: usize,
    /// The drop reason.
    pub(super) reason: &'static str,
}

/// A document of the sample, with the (step, reason) it counts toward: what a checkpoint keeps of the
/// sample so far, so that a resumed run's sample is the uninterrupted run's. Provenance is not kept (it
/// is never written).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Sampled {
    step: usize,
    reason: String,
    id: String,
    url: Option<String>,
    date: Option<String>,
    text: String,
    language: Option<String>,
    metadata: BTreeMap<String, Value>,
    signals: BTreeMap<String, f64>,
}

impl Sampled {
    fn new(step: usize, reason: String, doc: Document) -> Sampled {
        Sampled {
            step,
            reason,
            id: doc.id,
            url: doc.url,
            date: doc.date,
            text: doc.text,
            language: doc.language,
            metadata: doc.metadata,
            signals: doc.signals,
        }
    }

    fn to_document(&self) -> Document {
        Document {
            id: self.id.clone(),
            url: self.url.clone(),
            date: self.date.clone(),
            text: self.text.clone(),
            language: self.language.clone(),
            metadata: self.metadata.clone(),
            signals: self.signals.clone(),
            ..Document::default()
        }
    }
}

/// The writer of a rank's dropped documents: the bounded sample, and all of them when configured.
pub(super) struct DroppedWriter<'a> {
    config: &'a DroppedConfig,
    sample_dir: PathBuf,
    rank: u32,
    sample: Vec<Sampled>,
    /// Documents sampled so far per (step index, reason).
    taken: BTreeMap<(usize, String), usize>,
    all: Option<Sink>,
}

impl<'a> DroppedWriter<'a> {
    /// A writer into `OUT/dropped/` (and `OUT/excluded/` with `write_all`) for `rank`, going on
    /// from `sample` (the sample a checkpoint holds; empty for a fresh run) and, for the excluded shards,
    /// from `all` (where a checkpoint says they are complete up to).
    pub(super) fn new(
        out: &OutputDir,
        rank: u32,
        config: &'a DroppedConfig,
        output: &WriterConfig,
        sample: Vec<Sampled>,
        all: SinkMark,
    ) -> Result<DroppedWriter<'a>, RunError> {
        let all = match config.write_all {
            true => Some(Sink::new(
                ShardWriter::new(&out.location(EXCLUDED_DIR), rank, output)?,
                all,
            )),
            false => None,
        };
        let mut taken = BTreeMap::new();
        for doc in &sample {
            *taken.entry((doc.step, doc.reason.clone())).or_default() += 1;
        }
        Ok(DroppedWriter {
            config,
            sample_dir: out.location(DROPPED_DIR),
            rank,
            sample,
            taken,
            all,
        })
    }

    /// Takes one dropped document, read up to `after`: into the excluded shards with `write_all` (unless
    /// their complete shards hold it already), and, unless `replayed` (a resumed run reading again
    /// records its checkpoint counted), into the sample while its (step, reason) has room. Returns true
    /// when it completed an excluded shard.
    pub(super) fn add(
        &mut self,
        dropped: DroppedDoc,
        step_name: &str,
        after: Position,
        replayed: bool,
    ) -> Result<bool, RunError> {
        let DroppedDoc {
            mut doc,
            step,
            reason,
        } = dropped;
        doc.metadata
            .insert("drop_step".to_owned(), Value::from(step_name));
        doc.metadata.insert("drop_reason".to_owned(), Value::from(reason));
        let completed = match &mut self.all {
            Some(all) => all.write(&doc, after)?,
            None => false,
        };
        if replayed {
            return Ok(completed);
        }
        let taken = self.taken.entry((step, reason.to_owned())).or_default();
        if *taken < self.config.sample_per_reason {
            *taken += 1;
            if let Some((end, _)) = doc.text.char_indices().nth(self.config.sample_chars) {
                doc.text.truncate(end);
            }
            self.sample.push(Sampled::new(step, reason.to_owned(), doc));
        }
        Ok(completed)
    }

    /// The sample so far, for a checkpoint.
    pub(super) fn sample(&self) -> &[Sampled] {
        &self.sample
    }

    /// How far the excluded shards are complete (nothing written without `write_all`).
    pub(super) fn all_mark(&self) -> Option<SinkMark> {
        self.all.as_ref().map(|all| all.mark)
    }

    /// Writes the sample (one shard; nothing when no document was dropped) and closes the excluded shards.
    pub(super) fn finish(self) -> Result<(), RunError> {
        if !self.sample.is_empty() {
            let config = WriterConfig {
                max_shard_bytes: u64::MAX,
                ..WriterConfig::default()
            };
            let mut writer = ShardWriter::new(&self.sample_dir, self.rank, &config)?;
            for doc in &self.sample {
                writer.write(&doc.to_document())?;
            }
            writer.finish()?;
        }
        if let Some(all) = self.all {
            all.shards.finish()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::Path;

    use saring_io::{ReaderConfig, open_input};

    use super::*;
    use crate::runner::tests::{FILTER, jsonl_input, run_with};

    fn read_all(path: &Path) -> Vec<Document> {
        open_input(path, &ReaderConfig::default())
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn the_sample_is_bounded_in_input_order_and_the_same_for_any_threads() {
        let dir = tempfile::tempdir().unwrap();
        let input = jsonl_input(dir.path(), 3000);
        let config = format!("{FILTER}[dropped]\nsample_per_reason = 7\nsample_chars = 10\n");
        let one = run_with(&input, &dir.path().join("one"), &config, 1);
        run_with(&input, &dir.path().join("four"), &config, 4);
        let sample =
            |run: &str| fs::read(dir.path().join(run).join("dropped/00000-00000.jsonl.zst")).unwrap();
        assert_eq!(sample("one"), sample("four"));
        let docs = read_all(&dir.path().join("one/dropped/00000-00000.jsonl.zst"));
        assert!(one.stats.dropped > 7);
        assert_eq!(docs.len(), 7);
        // The first seven dropped documents of the input: ids 0..=6 have fewer than 100 characters.
        let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["0", "1", "2", "3", "4", "5", "6"]);
        for doc in &docs {
            assert_eq!(doc.metadata["drop_step"], "min_length");
            assert_eq!(doc.metadata["drop_reason"], "min_chars");
            assert!(doc.text.chars().count() <= 10, "{:?}", doc.text);
            assert!(doc.signals.contains_key("min_length.chars"));
        }
        assert!(!dir.path().join("one/excluded").exists());
    }

    #[test]
    fn write_all_keeps_every_dropped_document() {
        let dir = tempfile::tempdir().unwrap();
        let input = jsonl_input(dir.path(), 1000);
        let config = format!("{FILTER}[dropped]\nwrite_all = true\n");
        let out = dir.path().join("out");
        let stats = run_with(&input, &out, &config, 2).stats;
        let excluded = read_all(&out.join("excluded/00000-00000.jsonl.zst"));
        assert_eq!(excluded.len() as u64, stats.dropped);
        assert!(excluded.iter().all(|d| d.metadata["drop_reason"] == "min_chars"));
        // Whole texts: the longest dropped document is 20 times "word " (99 characters without the
        // trailing space, under min_chars = 100).
        assert_eq!(excluded.iter().map(|d| d.text.len()).max(), Some(100));
        let (files, _) = saring_io::list_inputs(&[out.display().to_string()]);
        assert!(!files.is_empty());
        assert!(
            files.iter().all(|f| f.parent() == Some(&out)),
            "books are not inputs: {files:?}"
        );
    }

    #[test]
    fn the_run_counts_languages_and_sources_and_keeps_a_timeline() {
        let dir = tempfile::tempdir().unwrap();
        let input = jsonl_input(dir.path(), 1000);
        let stats = run_with(&input, &dir.path().join("out"), FILTER, 2).stats;
        assert_eq!(stats.sources[&input], stats.kept + stats.dropped);
        assert_eq!(stats.languages_kept["(none)"], stats.kept);
        assert_eq!(stats.languages_dropped["(none)"], stats.dropped);
        let timeline = &stats.timeline[0];
        assert_eq!(timeline.rank, 0);
        let last = timeline.points.last().unwrap();
        assert_eq!(last.docs, 1000);
        assert_eq!(last.bytes, stats.bytes_in);
    }

    #[test]
    fn the_table_parses_and_rejects_unknown_keys() {
        let config: DroppedConfig = toml::from_str("sample_per_reason = 3\nwrite_all = true\n").unwrap();
        assert_eq!(config.sample_per_reason, 3);
        assert_eq!(config.sample_chars, 4000);
        assert!(config.write_all);
        assert!(toml::from_str::<DroppedConfig>("sample = 3\n").is_err());
        assert_eq!(
            toml::from_str::<DroppedConfig>("").unwrap(),
            DroppedConfig::default()
        );
    }
}
