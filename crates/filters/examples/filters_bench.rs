//! Times the four quality filters over `../shared/data/filters/documents.jsonl.gz` on one thread:
//! `cargo run --release -p saring-filters --example filters_bench [-- PATH [ROUNDS]]`.
//!
//! Each document goes through gopher_repetition, gopher_quality, c4_quality and fineweb_quality (each on
//! the original text, as datatrove's chain would see a kept document). Prints documents per CPU-second,
//! MB (of UTF-8 text) per CPU-second, and each filter's share.

use std::io::{BufRead, BufReader};
use std::time::Instant;

use saring_core::{Document, Step};
use saring_filters::{
    C4Quality, C4QualityConfig, FineWebQuality, FineWebQualityConfig, GopherQuality, GopherQualityConfig,
    GopherRepetition, GopherRepetitionConfig,
};

fn cpu_secs() -> f64 {
    // user + system CPU time of this process, from /proc (Linux); falls back to 0.
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks: f64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i).and_then(|v| v.parse::<f64>().ok()))
        .sum();
    ticks / 100.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "../shared/data/filters/documents.jsonl.gz".to_owned());
    let rounds: usize = args.next().map_or(Ok(1), |r| r.parse())?;
    let file = std::fs::File::open(&path)?;
    let mut texts = Vec::new();
    for line in BufReader::new(flate2::read::MultiGzDecoder::new(file)).lines() {
        let value: serde_json::Value = serde_json::from_str(&line?)?;
        texts.push(
            value
                .get("text")
                .and_then(|t| t.as_str())
                .unwrap_or_default()
                .to_owned(),
        );
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    let steps: Vec<Box<dyn Step>> = vec![
        Box::new(GopherRepetition::new(&GopherRepetitionConfig::default())),
        Box::new(GopherQuality::new(&GopherQualityConfig::default())),
        Box::new(C4Quality::new(&C4QualityConfig::default())),
        Box::new(FineWebQuality::new(&FineWebQualityConfig::default())),
    ];
    let mut per_step = vec![0.0f64; steps.len()];
    let mut kept = vec![0usize; steps.len()];
    let cpu0 = cpu_secs();
    let wall0 = Instant::now();
    for _ in 0..rounds {
        for text in &texts {
            for (i, step) in steps.iter().enumerate() {
                let t = Instant::now();
                let mut doc = Document::new(String::new(), text.clone());
                if step.process(&mut doc) == saring_core::Verdict::Keep
                    && let Some(k) = kept.get_mut(i)
                {
                    *k += 1;
                }
                if let Some(s) = per_step.get_mut(i) {
                    *s += t.elapsed().as_secs_f64();
                }
            }
        }
    }
    let wall = wall0.elapsed().as_secs_f64();
    let cpu = cpu_secs() - cpu0;
    let docs = texts.len() * rounds;
    println!(
        "{docs} documents ({:.1} MB) through 4 filters: {cpu:.2} CPU-s ({wall:.2} s wall), {:.0} docs/CPU-s, {:.2} MB/CPU-s",
        (bytes * rounds) as f64 / 1e6,
        docs as f64 / cpu,
        (bytes * rounds) as f64 / 1e6 / cpu
    );
    for ((step, secs), k) in steps.iter().zip(&per_step).zip(&kept) {
        println!("  {:<18} {secs:7.2} s  kept {}", step.name(), k / rounds.max(1));
    }
    Ok(())
}
