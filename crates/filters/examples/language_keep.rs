//! How many documents each language-aware filter keeps against datatrove's English defaults, by
//! language: reads `{"id", "text"}` JSON lines (e.g. `extract_dir`'s output), labels each with the
//! `langid` step (lid.176 built in, close pairs on, label only), runs `gopher_repetition`,
//! `gopher_quality` and `fineweb_quality` on it alone, once with `language_aware = false` and once with
//! `true`, and prints a Markdown table.
//!
//! ```sh
//! cargo run -p saring-extract --example extract_dir -- ../shared/data/extraction/trafilatura_eval/html pages.jsonl
//! cargo run -p saring-filters --example language_keep -- pages.jsonl
//! ```

use std::collections::BTreeMap;

use saring_core::{Document, Step, Verdict};
use saring_filters::{
    FineWebQuality, FineWebQualityConfig, GopherQuality, GopherQualityConfig, GopherRepetition,
    GopherRepetitionConfig, language_settings,
};
use saring_langid::{Langid, LangidConfig};

fn filters(language_aware: bool) -> Vec<Box<dyn Step>> {
    vec![
        Box::new(GopherRepetition::new(&GopherRepetitionConfig {
            language_aware,
            ..GopherRepetitionConfig::default()
        })),
        Box::new(GopherQuality::new(&GopherQualityConfig {
            language_aware,
            ..GopherQualityConfig::default()
        })),
        Box::new(FineWebQuality::new(&FineWebQualityConfig {
            language_aware,
            ..FineWebQualityConfig::default()
        })),
    ]
}

/// Per language: documents, then kept by each filter with defaults and language-aware.
type Counts = BTreeMap<String, (usize, [[usize; 2]; 3])>;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: language_keep PAGES.jsonl")?;
    let langid = Langid::new(&LangidConfig {
        label_only: true,
        ..LangidConfig::default()
    });
    let runs = [filters(false), filters(true)];
    let mut counts = Counts::new();
    for line in std::fs::read_to_string(&path)?.lines() {
        let value: serde_json::Value = serde_json::from_str(line)?;
        let field = |name: &str| {
            value
                .get(name)
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
        };
        let mut doc = Document::new(field("id").into(), field("text").into());
        langid.process(&mut doc);
        let language = doc.language.clone().unwrap_or_else(|| "?".into());
        let entry = counts.entry(language).or_default();
        entry.0 += 1;
        for (aware, steps) in runs.iter().enumerate() {
            for (i, step) in steps.iter().enumerate() {
                let kept = step.process(&mut doc.clone()) == Verdict::Keep;
                if let Some(slot) = entry.1.get_mut(i).and_then(|f| f.get_mut(aware)) {
                    *slot += usize::from(kept);
                }
            }
        }
    }
    println!(
        "| language | settings | docs | gopher_repetition default → aware | gopher_quality default → aware | fineweb_quality default → aware |"
    );
    println!("|---|---|---:|---:|---:|---:|");
    let mut total = (0, [[0usize; 2]; 3]);
    for (language, (docs, kept)) in &counts {
        let settings = language_settings(language).map_or("defaults", |s| s.source.as_str());
        let cells: Vec<String> = kept.iter().map(|[d, a]| format!("{d} → {a}")).collect();
        println!("| {language} | {settings} | {docs} | {} |", cells.join(" | "));
        total.0 += docs;
        for (t, k) in total.1.iter_mut().zip(kept) {
            t[0] += k[0];
            t[1] += k[1];
        }
    }
    let cells: Vec<String> = total.1.iter().map(|[d, a]| format!("{d} → {a}")).collect();
    println!("| all | | {} | {} |", total.0, cells.join(" | "));
    Ok(())
}
