//! Sentences per CPU-second of `LanguageId::detect` with the built-in lid.176, on one thread.
//!
//! ```sh
//! cargo run --release -p saring-langid --example langid_bench -- ../shared/data/langid/flores_dev_sentences.tsv
//! ```
//!
//! Reads the TSV (`label<TAB>flores_code<TAB>text`, one header line), predicts every row's text a few
//! times over (5 rounds, or the second argument), and prints rows and characters per CPU-second of the
//! predicting thread (one core's throughput), once with lid.176 alone and once with the close-pair stage
//! on, then the top-1 accuracy against the `label` column over all rows and for every label whose
//! accuracy the stage changed. Last, the cost of `paragraph_shares`: the `langid` step (label only,
//! close pairs on) over documents of five consecutive rows joined as paragraphs, with the switch off and
//! on.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Instant;

use saring_core::{Document, Step};
use saring_langid::{Langid, LangidConfig, LanguageId};

/// This thread's CPU time in seconds: `/proc/thread-self/schedstat` (nanoseconds on the CPU), else the
/// process's user + system ticks from `/proc/self/stat`; NaN where neither exists.
fn cpu_secs() -> f64 {
    if let Ok(schedstat) = std::fs::read_to_string("/proc/thread-self/schedstat")
        && let Some(Ok(ns)) = schedstat.split_whitespace().next().map(str::parse::<f64>)
    {
        return ns / 1e9;
    }
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return f64::NAN;
    };
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    // utime and stime, in clock ticks of 1/100 s on Linux.
    (ticks(11) + ticks(12)) / 100.0
}

/// Rows and correct top-1 labels, over all rows and per `label` column value.
fn accuracy(lid: &LanguageId, rows: &[(&str, &str)]) -> BTreeMap<String, (usize, usize)> {
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (label, text) in rows {
        let ok = usize::from(lid.detect(text).is_some_and(|best| best.label == *label));
        for key in ["(all rows)", label] {
            let entry = counts.entry(key.to_owned()).or_default();
            entry.0 += 1;
            entry.1 += ok;
        }
    }
    counts
}

fn pct((total, right): (usize, usize)) -> f64 {
    100.0 * right as f64 / total.max(1) as f64
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/data/langid/flores_dev_sentences.tsv".to_owned());
    let rounds: usize = std::env::args().nth(2).and_then(|r| r.parse().ok()).unwrap_or(5);
    let data = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let rows: Vec<(&str, &str)> = data
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut fields = line.splitn(3, '\t');
            let label = fields.next()?;
            let text = fields.nth(1)?;
            Some((label, text))
        })
        .collect();
    let chars: usize = rows.iter().map(|(_, text)| text.chars().count()).sum();

    let mut out = std::io::stdout().lock();
    let load_start = Instant::now();
    let plain = LanguageId::lid176()?;
    writeln!(
        out,
        "model load: {:.1} ms",
        load_start.elapsed().as_secs_f64() * 1e3
    )?;
    writeln!(out, "{}: {} rows x {rounds} rounds, one thread", path, rows.len())?;
    let mut tables = Vec::new();
    for lid in [plain.clone(), plain.with_close_pairs(true)] {
        let cpu_start = cpu_secs();
        let wall_start = Instant::now();
        let mut labelled = 0usize;
        for _ in 0..rounds {
            for (_, text) in &rows {
                labelled += usize::from(lid.detect(text).is_some());
            }
        }
        let wall = wall_start.elapsed().as_secs_f64();
        let cpu = cpu_secs() - cpu_start;
        let cpu = if cpu.is_finite() && cpu > 0.0 { cpu } else { wall };
        writeln!(
            out,
            "close pairs {:3}: {:.0} rows per CPU-second, {:.1} M chars per CPU-second ({cpu:.2} CPU-s, \
             {wall:.2} s wall, {labelled} labelled)",
            if lid.close_pairs() { "on" } else { "off" },
            (rows.len() * rounds) as f64 / cpu,
            (chars * rounds) as f64 / cpu / 1e6,
        )?;
        tables.push(accuracy(&lid, &rows));
    }
    writeln!(
        out,
        "top-1 accuracy (%), lid.176 alone -> with close pairs (labels whose accuracy changed):"
    )?;
    if let [plain, two_stage] = tables.as_slice() {
        for (label, counts) in plain {
            let after = two_stage.get(label).copied().unwrap_or_default();
            if after != *counts || label == "(all rows)" {
                writeln!(
                    out,
                    "  {label:10} {:6.2} -> {:6.2}  ({} rows)",
                    pct(*counts),
                    pct(after),
                    counts.0
                )?;
            }
        }
    }
    let documents: Vec<String> = rows
        .chunks(5)
        .map(|chunk| {
            chunk
                .iter()
                .map(|(_, text)| *text)
                .collect::<Vec<_>>()
                .join("\n\n")
        })
        .collect();
    for paragraph_shares in [false, true] {
        let step = Langid::new(&LangidConfig {
            label_only: true,
            paragraph_shares,
            ..LangidConfig::default()
        });
        let cpu_start = cpu_secs();
        let mut mixed = 0usize;
        for _ in 0..rounds {
            for text in &documents {
                let mut doc = Document::new(String::new(), text.clone());
                step.process(&mut doc);
                mixed += usize::from(doc.metadata.contains_key("language_shares"));
            }
        }
        let cpu = cpu_secs() - cpu_start;
        writeln!(
            out,
            "paragraph_shares {:3}: {:.0} documents of 5 paragraphs per CPU-second ({} of {} mixed)",
            if paragraph_shares { "on" } else { "off" },
            (documents.len() * rounds) as f64 / cpu,
            mixed / rounds,
            documents.len()
        )?;
    }
    Ok(())
}
