//! `inspect`: the documents of a run's output shards as plain text for a terminal, filtered by language or
//! id, or a random sample of them with a seed.

use std::io::Write;
use std::path::Path;

use saring_core::Document;
use saring_io::{ReaderConfig, open_input};

use crate::ReportError;
use crate::escape::cut;
use crate::sample::{DROPPED_DIR, EXCLUDED_DIR, shard_files};

/// What `inspect` shows.
#[derive(Debug, Clone, PartialEq)]
pub struct InspectOptions {
    /// Only documents whose `metadata.language` is this label. Default: all.
    pub language: Option<String>,
    /// Only the document with this id. Default: all.
    pub id: Option<String>,
    /// Show a uniform random sample of this many of the matching documents (read through every shard)
    /// instead of the first ones. Default: none, the first [`InspectOptions::limit`] in shard order.
    pub sample: Option<usize>,
    /// The seed of the random sample: the same seed and shards give the same sample. Default 0.
    pub seed: u64,
    /// Most documents shown when not sampling. Default 20.
    pub limit: usize,
    /// Characters of each text shown; 0 shows the whole text. Default 500.
    pub text_chars: usize,
    /// Show dropped documents instead of kept ones: those in `OUT/excluded/` when the run wrote them all
    /// (`[dropped] write_all`), else the run's sample in `OUT/dropped/`. Default false.
    pub dropped: bool,
    /// Only dropped documents with this drop reason (`min_chars`), or step and reason
    /// (`min_length:min_chars`); implies [`InspectOptions::dropped`]. Default: all.
    pub reason: Option<String>,
}

impl Default for InspectOptions {
    fn default() -> InspectOptions {
        InspectOptions {
            language: None,
            id: None,
            sample: None,
            seed: 0,
            limit: 20,
            text_chars: 500,
            dropped: false,
            reason: None,
        }
    }
}

/// What an `inspect` saw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InspectSummary {
    /// Documents read from the shards.
    pub read: u64,
    /// Documents that matched the filters.
    pub matched: u64,
    /// Documents shown.
    pub shown: u64,
    /// Records that could not be read.
    pub unreadable: u64,
}

/// Writes the documents of the shards in `out_dir` that match `options` to `to`, one block each: a header
/// line with the position and id, then url, language, length and signals, then the text (cut at
/// [`InspectOptions::text_chars`]).
///
/// Without [`InspectOptions::sample`], reading stops after [`InspectOptions::limit`] matches; with it,
/// every shard is read and a reservoir keeps the sample, so memory stays bounded. The output shards hold
/// kept documents; [`InspectOptions::dropped`] reads the dropped ones the run kept instead.
pub fn inspect(
    out_dir: &Path,
    options: &InspectOptions,
    to: &mut dyn Write,
) -> Result<InspectSummary, ReportError> {
    let mut summary = InspectSummary::default();
    let mut reservoir: Vec<(u64, Document)> = Vec::new();
    let mut rng = SplitMix64(options.seed);
    let config = ReaderConfig::default();
    let dir = if options.dropped || options.reason.is_some() {
        let all = out_dir.join(EXCLUDED_DIR);
        if all.is_dir() {
            all
        } else {
            out_dir.join(DROPPED_DIR)
        }
    } else {
        out_dir.to_path_buf()
    };
    'shards: for shard in shard_files(&dir)? {
        let reader = match open_input(&shard, &config) {
            Ok(reader) => reader,
            Err(_) => {
                summary.unreadable += 1;
                continue;
            }
        };
        for doc in reader {
            let Ok(doc) = doc else {
                summary.unreadable += 1;
                continue;
            };
            summary.read += 1;
            if !matches(&doc, options) {
                continue;
            }
            if options.sample.is_none() && summary.shown >= options.limit as u64 {
                break 'shards;
            }
            let index = summary.matched;
            summary.matched += 1;
            match options.sample {
                Some(size) => {
                    // Reservoir sampling (Algorithm R): each match ends up in the sample with equal chance.
                    if reservoir.len() < size {
                        reservoir.push((index, doc));
                    } else if let Some(slot) = reservoir.get_mut(rng.below(summary.matched) as usize) {
                        *slot = (index, doc);
                    }
                }
                None => {
                    summary.shown += 1;
                    show(to, index, &doc, options.text_chars).map_err(ReportError::Write)?;
                }
            }
        }
    }
    reservoir.sort_by_key(|(index, _)| *index);
    for (index, doc) in &reservoir {
        summary.shown += 1;
        show(to, *index, doc, options.text_chars).map_err(ReportError::Write)?;
    }
    Ok(summary)
}

fn matches(doc: &Document, options: &InspectOptions) -> bool {
    options
        .language
        .as_ref()
        .is_none_or(|l| doc.language.as_ref() == Some(l))
        && options.id.as_ref().is_none_or(|id| doc.id == *id)
        && options.reason.as_ref().is_none_or(|wanted| {
            let (step, reason) = drop_step_and_reason(doc);
            reason == wanted || format!("{step}:{reason}") == *wanted
        })
}

/// The `drop_step` and `drop_reason` the runner put in a dropped document's metadata (empty when absent).
fn drop_step_and_reason(doc: &Document) -> (&str, &str) {
    let field = |key: &str| {
        doc.metadata
            .get(key)
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
    };
    (field("drop_step"), field("drop_reason"))
}

fn show(to: &mut dyn Write, index: u64, doc: &Document, text_chars: usize) -> std::io::Result<()> {
    writeln!(to, "── #{} {}", index + 1, doc.id)?;
    if let Some(url) = &doc.url {
        writeln!(to, "url: {url}")?;
    }
    let chars = doc.text.chars().count();
    writeln!(
        to,
        "language: {}  chars: {chars}",
        doc.language.as_deref().unwrap_or("-")
    )?;
    if let Some(title) = doc.metadata.get("title").and_then(|t| t.as_str()) {
        writeln!(to, "title: {}", one_line(title))?;
    }
    let (step, reason) = drop_step_and_reason(doc);
    if !reason.is_empty() {
        writeln!(to, "dropped by: {} ({})", one_line(step), one_line(reason))?;
    }
    if !doc.signals.is_empty() {
        let signals: Vec<String> = doc.signals.iter().map(|(k, v)| format!("{k}={v}")).collect();
        writeln!(to, "signals: {}", signals.join(" "))?;
    }
    let text = if text_chars == 0 {
        doc.text.clone()
    } else {
        cut(&doc.text, text_chars)
    };
    writeln!(to, "\n{}\n", strip_controls(&text))
}

/// A title on one line.
fn one_line(text: &str) -> String {
    strip_controls(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Text without terminal control characters (escape sequences in data must not drive the terminal).
fn strip_controls(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

/// A small, fixed pseudo-random generator (SplitMix64), so that a seed gives the same sample everywhere.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0), by multiply-shift.
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use saring_io::{ShardWriter, WriterConfig};

    fn shards(n: usize) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = ShardWriter::new(dir.path(), 0, &WriterConfig::default()).unwrap();
        for i in 0..n {
            let mut doc = Document::new(format!("d{i}"), format!("text {i}\u{1b}[31m"));
            doc.language = Some(if i % 2 == 0 { "id" } else { "en" }.into());
            doc.url = Some(format!("https://x.org/{i}"));
            doc.signals.insert("min_length.chars".into(), i as f64);
            writer.write(&doc).unwrap();
        }
        writer.finish().unwrap();
        dir
    }

    fn run(dir: &Path, options: &InspectOptions) -> (String, InspectSummary) {
        let mut out = Vec::new();
        let summary = inspect(dir, options, &mut out).unwrap();
        (String::from_utf8(out).unwrap(), summary)
    }

    #[test]
    fn shows_the_first_matches_and_stops() {
        let dir = shards(50);
        let options = InspectOptions {
            language: Some("en".into()),
            limit: 3,
            ..InspectOptions::default()
        };
        let (text, summary) = run(dir.path(), &options);
        assert_eq!(summary.shown, 3);
        assert_eq!(summary.matched, 3);
        assert!(
            text.starts_with(
                "── #1 d1\nurl: https://x.org/1\nlanguage: en  chars: 11\nsignals: min_length.chars=1\n"
            ),
            "{text}"
        );
        assert!(text.contains("── #3 d5"));
        assert!(!text.contains('\u{1b}'), "control characters reach the terminal");
    }

    #[test]
    fn finds_one_id() {
        let dir = shards(10);
        let options = InspectOptions {
            id: Some("d7".into()),
            ..InspectOptions::default()
        };
        let (text, summary) = run(dir.path(), &options);
        assert_eq!((summary.read, summary.matched, summary.shown), (10, 1, 1));
        assert!(text.contains("── #1 d7"));
    }

    #[test]
    fn dropped_documents_by_reason_from_the_sample_or_all_of_them() {
        let dir = tempfile::tempdir().unwrap();
        let write = |sub: &str, n: usize| {
            let mut writer = ShardWriter::new(&dir.path().join(sub), 0, &WriterConfig::default()).unwrap();
            for i in 0..n {
                let mut doc = Document::new(format!("{sub}{i}"), "short".into());
                let (step, reason) = [("min_length", "min_chars"), ("langid", "language")][i % 2];
                doc.metadata.insert("drop_step".into(), step.into());
                doc.metadata.insert("drop_reason".into(), reason.into());
                writer.write(&doc).unwrap();
            }
            writer.finish().unwrap();
        };
        write("dropped", 4);
        let options = InspectOptions {
            reason: Some("min_length:min_chars".into()),
            ..InspectOptions::default()
        };
        let (text, summary) = run(dir.path(), &options);
        assert_eq!((summary.read, summary.shown), (4, 2));
        assert!(
            text.contains("── #1 dropped0\nlanguage: -  chars: 5\ndropped by: min_length (min_chars)\n"),
            "{text}"
        );
        assert!(text.contains("── #2 dropped2"));
        write("excluded", 10);
        let options = InspectOptions {
            reason: Some("language".into()),
            ..InspectOptions::default()
        };
        let (text, summary) = run(dir.path(), &options);
        assert_eq!((summary.read, summary.shown), (10, 5));
        assert!(text.contains("── #5 excluded9"), "{text}");
        let (_, summary) = run(dir.path(), &InspectOptions::default());
        assert_eq!(summary.read, 0, "no kept shards");
    }

    #[test]
    fn samples_are_seeded_and_bounded() {
        let dir = shards(200);
        let options = |seed| InspectOptions {
            sample: Some(5),
            seed,
            ..InspectOptions::default()
        };
        let (a, summary) = run(dir.path(), &options(1));
        let (b, _) = run(dir.path(), &options(1));
        let (c, _) = run(dir.path(), &options(2));
        assert_eq!(summary.read, 200);
        assert_eq!(summary.shown, 5);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.matches("── #").count(), 5);
    }
}
