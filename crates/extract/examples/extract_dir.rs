//! Extracts every `*.html.gz` page of a directory and writes `{"id", "text"}` JSON lines for
//! `score-extraction`, then reports the extraction speed (raw HTML MB per second, one thread, reading and
//! gunzip not counted).
//!
//! ```text
//! cargo run --release -p saring-extract --example extract_dir -- DIR/html OUT.jsonl
//! ```
//!
//! Bytes are decoded as UTF-8 with replacement characters; charset detection is not this crate's job.

use std::io::{BufWriter, Read, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use saring_extract::{ExtractConfig, Extractor};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args_os().skip(1);
    let (Some(dir), Some(out)) = (args.next(), args.next()) else {
        return Err("usage: extract_dir HTML_DIR OUT.jsonl".into());
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".html.gz"))
        .collect();
    paths.sort();

    let extractor = Extractor::new(&ExtractConfig::default());
    let mut out = BufWriter::new(std::fs::File::create(out)?);
    let (mut bytes, mut elapsed, mut empty) = (0usize, Duration::ZERO, 0usize);
    for path in &paths {
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(path)?).read_to_end(&mut raw)?;
        let html = String::from_utf8_lossy(&raw);
        let start = Instant::now();
        let page = extractor.extract(&html);
        elapsed += start.elapsed();
        bytes += raw.len();
        empty += usize::from(page.text.is_empty());
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let id = name.trim_end_matches(".html.gz");
        writeln!(out, "{}", serde_json::json!({ "id": id, "text": page.text }))?;
    }
    out.flush()?;
    let mb = bytes as f64 / 1e6;
    eprintln!(
        "{} pages, {mb:.1} MB, {:.2} s extraction, {:.1} MB/s, {empty} empty",
        paths.len(),
        elapsed.as_secs_f64(),
        mb / elapsed.as_secs_f64().max(1e-9)
    );
    Ok(())
}
