//! The dataset card: `OUT/README.md` in the Hugging Face dataset-card style (YAML front matter, then
//! sections), written from the run's stats and `OUT/run.json`, the record of what `saring run` was asked.
//!
//! The card holds no time of day, so the same run gives the same card. It carries [`CARD_MARKER`]; a
//! `README.md` without it was not written by saring and is never replaced.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::escape::html;
use crate::load::{self, LoadedStats};
use crate::{ReportError, ReportOptions, sample};
use saring_io::OutputDir;

/// The card's file name in the output directory.
pub const CARD_FILE: &str = "README.md";
/// The file `saring run` records its command in.
pub const RUN_INFO_FILE: &str = "run.json";
/// The line that marks a card saring wrote (and may rewrite).
pub const CARD_MARKER: &str = "<!-- saring-dataset-card: written by saring run and saring report, which \
                               rewrite it; delete this line to keep your edits -->";

/// What `saring run` was asked to do, kept in `OUT/run.json` for the card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    /// saring's version.
    pub saring_version: String,
    /// The command line, program name first.
    pub command: Vec<String>,
    /// The input arguments (files, directories, glob patterns) as given.
    pub inputs: Vec<String>,
    /// The pipeline config used, as TOML text: the file given, or the default pipeline written out.
    pub config: String,
    /// The config file given, if any.
    pub config_path: Option<String>,
}

impl RunInfo {
    /// Writes `out_dir/run.json` atomically (`out_dir` may be an object-store URL).
    pub fn write(&self, out_dir: &Path) -> Result<(), ReportError> {
        let mut json = serde_json::to_string_pretty(self).map_err(|e| ReportError::io(out_dir, e.into()))?;
        json.push('\n');
        write_file(out_dir, RUN_INFO_FILE, json.as_bytes())
    }

    /// Reads `out_dir/run.json`; `None` when it is missing or not such a record.
    pub fn read(out_dir: &Path) -> Option<RunInfo> {
        let bytes = OutputDir::open(out_dir).ok()?.read(RUN_INFO_FILE).ok()??;
        serde_json::from_slice(&bytes).ok()
    }
}

/// What [`write_card`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardOutcome {
    /// The card was written to this path.
    Written(PathBuf),
    /// A `README.md` saring did not write is there; it was left alone.
    KeptExisting(PathBuf),
    /// The run had been complete before and its card is there: it was left as it was.
    Unchanged(PathBuf),
}

/// Writes the dataset card of the run in `out_dir` to `out_dir/README.md`, atomically, unless a
/// `README.md` without [`CARD_MARKER`] is there. Languages come from the stats, or, for stats without
/// language counts (a `saring dedup` output), from the sample of the shards `options` bounds.
pub fn write_card(out_dir: &Path, options: &ReportOptions) -> Result<CardOutcome, ReportError> {
    let out = OutputDir::open(out_dir).map_err(|e| ReportError::io(out_dir, e))?;
    let path = out.location(CARD_FILE);
    if let Ok(Some(existing)) = out.read(CARD_FILE)
        && !String::from_utf8_lossy(&existing).contains(CARD_MARKER)
    {
        return Ok(CardOutcome::KeptExisting(path));
    }
    let card = render_card(out_dir, options)?;
    write_file(out_dir, CARD_FILE, card.as_bytes())?;
    Ok(CardOutcome::Written(path))
}

/// Writes file `name` of the output `out_dir` (a directory or an object-store URL) whole, atomically.
fn write_file(out_dir: &Path, name: &str, bytes: &[u8]) -> Result<(), ReportError> {
    let out = OutputDir::open(out_dir).map_err(|e| ReportError::io(out_dir, e))?;
    out.write(name, bytes)
        .map_err(|e| ReportError::io(out.location(name), e))
}

/// The dataset card of the run in `out_dir`, as Markdown with YAML front matter.
pub fn render_card(out_dir: &Path, options: &ReportOptions) -> Result<String, ReportError> {
    let loaded = load::stats(out_dir)?;
    let info = RunInfo::read(out_dir);
    let languages = if loaded.stats.languages_kept.is_empty() {
        sample::read(out_dir, options.max_docs, 0, 0, loaded.stats.kept)?.languages
    } else {
        loaded.stats.languages_kept.clone()
    };
    // A directory by its real name (`out/.` is `out`), an object-store prefix by its last part.
    let name = out_dir
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .or_else(|| out_dir.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "saring output".to_owned());
    Ok(Card {
        name: &name,
        loaded: &loaded,
        info: info.as_ref(),
        languages: &languages,
    }
    .render())
}

struct Card<'a> {
    name: &'a str,
    loaded: &'a LoadedStats,
    info: Option<&'a RunInfo>,
    languages: &'a BTreeMap<String, u64>,
}

impl Card<'_> {
    fn render(&self) -> String {
        let mut out = String::new();
        self.front_matter(&mut out);
        let _ = writeln!(out, "{CARD_MARKER}\n");
        let _ = writeln!(out, "# {}\n", md(self.name));
        out.push_str(
            "> **Licence: to be filled in.** `license: other` above is a placeholder: the licence of this \
             dataset depends on its sources and on how you may use them. Replace it (and this note) before \
             publishing.\n\n",
        );
        let s = &self.loaded.stats;
        let _ = writeln!(
            out,
            "Web text cleaned, filtered and language-labelled with saring: {} document(s) kept of {} read.\n",
            s.kept, s.read
        );
        self.sources(&mut out);
        self.counts(&mut out);
        self.languages_section(&mut out);
        self.format(&mut out);
        self.config(&mut out);
        self.how(&mut out);
        out
    }

    fn front_matter(&self, out: &mut String) {
        out.push_str("---\n");
        let _ = writeln!(out, "pretty_name: {}", yaml_string(self.name));
        let codes: Vec<&String> = self
            .languages
            .keys()
            .filter(|code| is_language_code(code))
            .collect();
        if codes.is_empty() {
            out.push_str("language: []\n");
        } else {
            out.push_str("language:\n");
            for code in codes {
                let _ = writeln!(out, "- {code}");
            }
        }
        out.push_str("license: other\n");
        let _ = writeln!(
            out,
            "size_categories:\n- {}",
            size_category(self.loaded.stats.kept)
        );
        out.push_str("task_categories:\n- text-generation\ntags:\n- saring\n- web-crawl\n---\n");
    }

    fn sources(&self, out: &mut String) {
        out.push_str("## Sources\n\n");
        let s = &self.loaded.stats;
        if !s.sources.is_empty() {
            out.push_str(
                "Documents read (kept or dropped; errored records not counted) per input as given:\n\n",
            );
            out.push_str("| input | documents |\n|---|---:|\n");
            for (input, n) in &s.sources {
                let _ = writeln!(out, "| `{}` | {n} |", md(input));
            }
            out.push('\n');
        } else if let Some(info) = self.info {
            out.push_str("Inputs as given (no per-input counts in these stats):\n\n");
            for input in &info.inputs {
                let _ = writeln!(out, "- `{}`", md(input));
            }
            out.push('\n');
        } else {
            out.push_str("Not recorded: this directory has no `run.json`.\n\n");
        }
        let _ = writeln!(out, "Input files opened: {}.\n", s.files);
    }

    fn counts(&self, out: &mut String) {
        let s = &self.loaded.stats;
        out.push_str("## Counts\n\n| | documents |\n|---|---:|\n");
        for (name, n) in [
            ("read", s.read),
            ("kept", s.kept),
            ("dropped", s.dropped),
            ("errored", s.errored),
        ] {
            let _ = writeln!(out, "| {name} | {n} |");
        }
        let _ = writeln!(
            out,
            "\nBytes read (as stored): {}; bytes written: {}.\n",
            s.bytes_in, s.bytes_out
        );
        let drops: Vec<(&str, &str, u64)> = s
            .steps
            .iter()
            .flat_map(|step| {
                step.drop_reasons
                    .iter()
                    .map(|(reason, n)| (step.name.as_str(), reason.as_str(), *n))
            })
            .collect();
        if !drops.is_empty() {
            out.push_str("Dropped, by step and reason:\n\n| step | reason | documents |\n|---|---|---:|\n");
            for (step, reason, n) in drops {
                let _ = writeln!(out, "| {} | `{}` | {n} |", md(step), md(reason));
            }
            out.push('\n');
        }
        if !s.errors.is_empty() {
            out.push_str("Errored, by kind:\n\n| kind | records |\n|---|---:|\n");
            for (kind, n) in &s.errors {
                let _ = writeln!(out, "| `{}` | {n} |", md(kind));
            }
            out.push('\n');
        }
        if !self.loaded.dedup.is_empty() {
            out.push_str("Deduplication (`saring dedup`):\n\n| | |\n|---|---:|\n");
            for (key, value) in &self.loaded.dedup {
                if !key.ends_with("_secs") {
                    let _ = writeln!(out, "| {} | {value} |", md(key));
                }
            }
            out.push('\n');
        }
    }

    fn languages_section(&self, out: &mut String) {
        out.push_str("## Languages\n\n");
        if self.languages.is_empty() {
            out.push_str("No language counts.\n\n");
            return;
        }
        let source = if self.loaded.stats.languages_kept.is_empty() {
            "in a sample of the output shards"
        } else {
            "of all kept documents"
        };
        let _ = writeln!(
            out,
            "By `metadata.language` (fastText lid.176 labels), {source}:\n\n| language | documents |\n|---|---:|"
        );
        let mut sorted: Vec<(&String, &u64)> = self.languages.iter().collect();
        sorted.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        for (language, n) in sorted {
            let _ = writeln!(out, "| {} | {n} |", md(language));
        }
        out.push('\n');
    }

    fn format(&self, out: &mut String) {
        let (format, compression) = self
            .info
            .and_then(|info| output_settings(&info.config))
            .unwrap_or_else(|| ("jsonl".to_owned(), "zstd".to_owned()));
        let files = match (format.as_str(), compression.as_str()) {
            ("parquet", _) => "RRRRR-SSSSS.parquet".to_owned(),
            (_, "none") => "RRRRR-SSSSS.jsonl".to_owned(),
            (_, "gzip") => "RRRRR-SSSSS.jsonl.gz".to_owned(),
            _ => "RRRRR-SSSSS.jsonl.zst".to_owned(),
        };
        out.push_str("## Format and fields\n\n");
        let _ = writeln!(
            out,
            "Shards `{files}` (rank, shard), {format}, compression {compression}. Each document has:\n"
        );
        out.push_str(
            "| field | what |\n|---|---|\n\
             | `id` | the WARC-Record-ID, the input's own id, or a hash of source path and offset |\n\
             | `text` | the main text |\n\
             | `url` | the URL the page was fetched from, or null |\n\
             | `metadata.language` | the language label, when a `langid` step ran |\n\
             | `metadata.date` | the fetch date, when known |\n\
             | `metadata.signals` | the numbers each step recorded, keyed `step.signal` |\n\
             | `metadata.*` | everything else known: title, author, published date, site name, input fields |\n\n",
        );
        out.push_str(
            "Beside the shards: `stats.json` (the counts above), `report.html` (the run report), \
             `dropped/` (a sample of dropped documents per reason) and `errors/` (one line per errored record).\n\n",
        );
    }

    fn config(&self, out: &mut String) {
        out.push_str("## Pipeline config\n\n");
        let Some(info) = self.info else {
            out.push_str("Not recorded: this directory has no `run.json`.\n\n");
            return;
        };
        match &info.config_path {
            Some(path) => {
                let _ = writeln!(out, "`{}`, as used:\n", md(path));
            }
            None => out.push_str("The default pipeline, written out:\n\n"),
        }
        let mut fence = "```".to_owned();
        while info.config.contains(&fence) {
            fence.push('`');
        }
        let _ = writeln!(out, "{fence}toml\n{}\n{fence}\n", info.config.trim_end());
    }

    fn how(&self, out: &mut String) {
        out.push_str("## How it was made\n\n");
        match self.info {
            Some(info) => {
                let command: Vec<String> = info.command.iter().map(|a| shell_word(a)).collect();
                let _ = writeln!(
                    out,
                    "saring {}:\n\n```sh\n{}\n```\n",
                    md(&info.saring_version),
                    command.join(" ")
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "With saring (`saring report` {}); the command was not recorded.\n",
                    env!("CARGO_PKG_VERSION")
                );
            }
        }
    }
}

/// `[output] format` and `compression` of a pipeline config, with their defaults.
fn output_settings(config: &str) -> Option<(String, String)> {
    let value: toml::Table = toml::from_str(config).ok()?;
    let output = value.get("output").and_then(toml::Value::as_table);
    let get = |key: &str, default: &str| {
        output
            .and_then(|t| t.get(key))
            .and_then(toml::Value::as_str)
            .unwrap_or(default)
            .to_owned()
    };
    Some((get("format", "jsonl"), get("compression", "zstd")))
}

/// The Hugging Face size category of `n` documents.
fn size_category(n: u64) -> &'static str {
    match n {
        0..1_000 => "n<1K",
        1_000..10_000 => "1K<n<10K",
        10_000..100_000 => "10K<n<100K",
        100_000..1_000_000 => "100K<n<1M",
        1_000_000..10_000_000 => "1M<n<10M",
        10_000_000..100_000_000 => "10M<n<100M",
        100_000_000..1_000_000_000 => "100M<n<1B",
        1_000_000_000..10_000_000_000 => "1B<n<10B",
        _ => "n>10B",
    }
}

/// Whether a language label can stand in the YAML `language:` list: a lid.176 code (`id`, `jv`, `zh`,
/// `als`, `bxr`) or a tagged one (`zh-Hant`, `sr_Latn`); not `(none)`.
fn is_language_code(label: &str) -> bool {
    let mut parts = label.split(['-', '_']);
    let first = parts.next().unwrap_or_default();
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// A YAML double-quoted string (a JSON string is one).
fn yaml_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}

/// Text for a Markdown table cell or code span: no pipes, backticks or line breaks, and HTML-escaped,
/// since Markdown passes HTML through.
fn md(text: &str) -> String {
    let plain: String = text
        .chars()
        .map(|c| match c {
            '|' => '¦',
            '`' => '‘',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    html(&plain)
}

/// `word` quoted for a POSIX shell when it needs to be.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,+@%".contains(&b));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(size_category(999), "n<1K");
        assert_eq!(size_category(10_000), "10K<n<100K");
        assert!(is_language_code("id") && is_language_code("als") && is_language_code("zh-Hant"));
        assert!(!is_language_code("(none)") && !is_language_code("<b>") && !is_language_code("ID"));
        assert_eq!(yaml_string("a \"b\"\n"), r#""a \"b\"\n""#);
        assert_eq!(md("a|b`c\n<x>&"), "a¦b‘c &lt;x&gt;&amp;");
        assert_eq!(shell_word("out/"), "out/");
        assert_eq!(shell_word("my dir/*.gz"), "'my dir/*.gz'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(
            output_settings("[output]\nformat = \"parquet\"\n"),
            Some(("parquet".to_owned(), "zstd".to_owned()))
        );
    }
}
