//! A bounded sample of the output shards: the first documents in shard order, read with
//! [`saring_io::open_input`], summed into counts and value lists.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use saring_core::Document;
use saring_io::{OutputDir, ReaderConfig, open_input};

use crate::ReportError;

/// The directory of the runner's samples of dropped documents (`saring_pipeline::DROPPED_DIR`).
pub(crate) const DROPPED_DIR: &str = "dropped";
/// The directory of every dropped document, when the run wrote them (`saring_pipeline::EXCLUDED_DIR`).
pub(crate) const EXCLUDED_DIR: &str = "excluded";
use crate::escape::cut;

/// What the sample of the shards holds.
#[derive(Debug, Default)]
pub(crate) struct Sample {
    /// Output shards in the directory.
    pub shards_total: usize,
    /// Shards opened (all of them unless the document cap was reached first).
    pub shards_read: usize,
    /// Documents read.
    pub docs: u64,
    /// Whether the cap stopped the reading before the end of the shards.
    pub capped: bool,
    /// Records or shards that could not be read, with the first message.
    pub unreadable: u64,
    /// The first read error's message.
    pub first_unreadable: Option<String>,
    /// Documents by `metadata.language` (`(none)` when unset).
    pub languages: BTreeMap<String, u64>,
    /// Documents by URL host (`(no url)` when unset).
    pub domains: BTreeMap<String, u64>,
    /// Text length of each document, in characters.
    pub lengths: Vec<f64>,
    /// UTF-8 bytes of the texts read.
    pub text_bytes: u64,
    /// The values of each signal, over the documents that have it.
    pub signals: BTreeMap<String, Vec<f64>>,
    /// Documents for the sample table.
    pub examples: Vec<Example>,
    /// `(metadata.dedup_cluster_size, id)` of the documents that have it (the output of `saring dedup`).
    pub cluster_sizes: Vec<(u64, String)>,
}

/// The samples of dropped documents in `OUT/dropped/`, by (step, reason).
#[derive(Debug, Default)]
pub(crate) struct DroppedSample {
    /// Sample files read.
    pub files: usize,
    /// Documents read.
    pub docs: u64,
    /// Records or files that could not be read.
    pub unreadable: u64,
    /// The first `per_reason` documents of each (step, reason), in file order.
    pub by_reason: BTreeMap<(String, String), Vec<Example>>,
    /// Documents of the samples by the host of their URL.
    pub domains: BTreeMap<String, u64>,
}

/// One row of the sample table.
#[derive(Debug)]
pub(crate) struct Example {
    /// The document id.
    pub id: String,
    /// Its URL.
    pub url: Option<String>,
    /// Its language label.
    pub language: Option<String>,
    /// Its title, when the metadata has one.
    pub title: Option<String>,
    /// Its length in characters.
    pub chars: usize,
    /// The start of its text.
    pub text: String,
    /// Its signals.
    pub signals: BTreeMap<String, f64>,
}

/// The output shards in `dir` (a directory or an object-store URL): files named `RRRRR-SSSSS.jsonl[.zst|.gz]`
/// or `RRRRR-SSSSS.parquet`, sorted.
pub(crate) fn shard_files(dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
    let out = OutputDir::open(dir).map_err(|e| ReportError::io(dir, e))?;
    let names = out.list("").map_err(|e| ReportError::io(dir, e))?;
    Ok(names
        .iter()
        .filter(|name| is_shard_name(name))
        .map(|name| out.location(name))
        .collect())
}

fn is_shard_name(name: &str) -> bool {
    let Some((stem, ext)) = name.split_once('.') else {
        return false;
    };
    let Some((rank, shard)) = stem.split_once('-') else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(rank) && digits(shard) && matches!(ext, "jsonl" | "jsonl.zst" | "jsonl.gz" | "parquet")
}

/// Reads at most `max_docs` documents of the shards in `dir`, keeping every `stride`-th as an example
/// (`stride` chosen from `expected_docs` so that about `max_examples` are kept).
pub(crate) fn read(
    dir: &Path,
    max_docs: usize,
    max_examples: usize,
    example_chars: usize,
    expected_docs: u64,
) -> Result<Sample, ReportError> {
    let shards = shard_files(dir)?;
    let mut sample = Sample {
        shards_total: shards.len(),
        ..Sample::default()
    };
    let seen = expected_docs.min(max_docs as u64).max(1);
    let stride = (seen / max_examples.max(1) as u64).max(1);
    let config = ReaderConfig::default();
    'shards: for shard in &shards {
        if sample.docs >= max_docs as u64 {
            sample.capped = true;
            break;
        }
        sample.shards_read += 1;
        let reader = match open_input(shard, &config) {
            Ok(reader) => reader,
            Err(e) => {
                sample.unreadable(e.to_string());
                continue;
            }
        };
        for doc in reader {
            if sample.docs >= max_docs as u64 {
                sample.capped = true;
                break 'shards;
            }
            match doc {
                Ok(doc) => {
                    let take = sample.docs.is_multiple_of(stride) && sample.examples.len() < max_examples;
                    sample.add(&doc, take.then_some(example_chars));
                }
                Err(e) => sample.unreadable(e.to_string()),
            }
        }
    }
    Ok(sample)
}

impl Sample {
    fn unreadable(&mut self, message: String) {
        self.unreadable += 1;
        self.first_unreadable.get_or_insert(message);
    }

    fn add(&mut self, doc: &Document, example_chars: Option<usize>) {
        self.docs += 1;
        let language = doc.language.clone().unwrap_or_else(|| "(none)".to_owned());
        *self.languages.entry(language).or_default() += 1;
        *self.domains.entry(domain_of(doc)).or_default() += 1;
        self.lengths.push(doc.text.chars().count() as f64);
        self.text_bytes += doc.text.len() as u64;
        for (name, value) in &doc.signals {
            if value.is_finite() {
                self.signals.entry(name.clone()).or_default().push(*value);
            }
        }
        if let Some(size) = doc
            .metadata
            .get("dedup_cluster_size")
            .and_then(serde_json::Value::as_u64)
        {
            self.cluster_sizes.push((size, doc.id.clone()));
        }
        if let Some(max_chars) = example_chars {
            self.examples.push(Example::of(doc, max_chars));
        }
    }
}

impl Example {
    /// The row of `doc`, its text cut at `max_chars` characters.
    fn of(doc: &Document, max_chars: usize) -> Example {
        Example {
            id: doc.id.clone(),
            url: doc.url.clone(),
            language: doc.language.clone(),
            title: doc
                .metadata
                .get("title")
                .and_then(|t| t.as_str())
                .map(|t| cut(t, 120)),
            chars: doc.text.chars().count(),
            text: cut(&doc.text, max_chars),
            signals: doc.signals.clone(),
        }
    }
}

/// Reads the samples of dropped documents in `dir/dropped/` (written by the runner, each document with
/// `drop_step` and `drop_reason` in its metadata), keeping the first `per_reason` of each (step, reason).
pub(crate) fn dropped(dir: &Path, per_reason: usize, example_chars: usize) -> DroppedSample {
    let mut sample = DroppedSample::default();
    let Ok(files) = shard_files(&dir.join(DROPPED_DIR)) else {
        return sample;
    };
    let config = ReaderConfig::default();
    for file in &files {
        sample.files += 1;
        let Ok(reader) = open_input(file, &config) else {
            sample.unreadable += 1;
            continue;
        };
        for doc in reader {
            let Ok(doc) = doc else {
                sample.unreadable += 1;
                continue;
            };
            sample.docs += 1;
            *sample.domains.entry(domain_of(&doc)).or_default() += 1;
            let field = |key: &str| {
                doc.metadata
                    .get(key)
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or("?")
                    .to_owned()
            };
            let rows = sample
                .by_reason
                .entry((field("drop_step"), field("drop_reason")))
                .or_default();
            if rows.len() < per_reason {
                rows.push(Example::of(&doc, example_chars));
            }
        }
    }
    sample
}

/// The host of a document's URL, or `(no url)`.
fn domain_of(doc: &Document) -> String {
    doc.url
        .as_deref()
        .and_then(host)
        .unwrap_or_else(|| "(no url)".to_owned())
}

/// The host of a URL, lower-cased, without user info or port: `https://u@Example.org:80/x` → `example.org`.
pub(crate) fn host(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let host = if authority.starts_with('[') {
        // An IPv6 literal keeps its colons.
        authority
            .split_once(']')
            .map_or(authority, |(h, _)| h)
            .trim_start_matches('[')
    } else {
        authority.split(':').next().unwrap_or(authority)
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(
            host("https://u:p@Example.org:8080/a?b").as_deref(),
            Some("example.org")
        );
        assert_eq!(host("http://www.x.id").as_deref(), Some("www.x.id"));
        assert_eq!(host("http://[::1]:80/").as_deref(), Some("::1"));
        assert_eq!(host("x.com/path").as_deref(), Some("x.com"));
        assert_eq!(host("https:///nohost"), None);
        assert_eq!(host(""), None);
    }

    #[test]
    fn shard_names() {
        assert!(is_shard_name("00000-00001.jsonl.zst"));
        assert!(is_shard_name("00003-00000.parquet"));
        assert!(!is_shard_name(".00000-00001.jsonl.zst.tmp"));
        assert!(!is_shard_name("stats.json"));
        assert!(!is_shard_name("report.html"));
    }
}
