//! Extracts every `*.html.gz` page of a directory and writes `{"id", "text"}` JSON lines for
//! `score-extraction`, then reports the extraction speed: raw HTML MB per CPU second of this thread
//! (as `BASELINES.md` measures the anchors, so a busy machine skews it less than wall time), and per
//! wall second; reading and gunzip are not counted.
//!
//! ```text
//! cargo run --release -p saring-extract --example extract_dir -- DIR/html OUT.jsonl
//! ```
//!
//! Bytes that are not valid UTF-8 are decoded as saring's readers do without an HTTP header: by their
//! `<meta charset>` if any, else by detection (`chardetng`), so that pages in legacy encodings score
//! as they would in a run; charset detection itself is not this crate's job.

use std::io::{BufWriter, Read, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// CPU time this thread has used so far.
fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; CLOCK_THREAD_CPUTIME_ID is supported on Linux.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(
        u64::try_from(ts.tv_sec).unwrap_or(0),
        u32::try_from(ts.tv_nsec).unwrap_or(0),
    )
}

use saring_extract::{ExtractConfig, Extractor};

/// The page as text: UTF-8 if valid, else by `<meta charset>` in the first 4 KiB, else detected.
fn decode(raw: &[u8]) -> String {
    if let Ok(text) = std::str::from_utf8(raw) {
        return text.to_owned();
    }
    let head = String::from_utf8_lossy(raw.get(..4096).unwrap_or(raw)).to_ascii_lowercase();
    let declared = head.find("charset=").and_then(|at| {
        let value = head.get(at + 8..)?.trim_start_matches(['"', '\'']);
        let end = value
            .find(|c: char| matches!(c, '"' | '\'' | ';' | '/' | '>') || c.is_ascii_whitespace())
            .unwrap_or(value.len());
        encoding_rs::Encoding::for_label(value.get(..end)?.as_bytes())
    });
    let encoding = declared
        .map(encoding_rs::Encoding::output_encoding)
        .unwrap_or_else(|| {
            let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            detector.feed(raw, true);
            detector.guess(None, chardetng::Utf8Detection::Allow)
        });
    encoding.decode(raw).0.into_owned()
}

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
    let (mut bytes, mut elapsed, mut cpu, mut empty) = (0usize, Duration::ZERO, Duration::ZERO, 0usize);
    for path in &paths {
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(path)?).read_to_end(&mut raw)?;
        let html = decode(&raw);
        let (start, start_cpu) = (Instant::now(), thread_cpu_time());
        let page = extractor.extract(&html);
        elapsed += start.elapsed();
        cpu += thread_cpu_time().saturating_sub(start_cpu);
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
        "{} pages, {mb:.1} MB, {:.2} CPU s extraction, {:.1} MB/CPU-s, {:.1} MB/wall-s, {empty} empty",
        paths.len(),
        cpu.as_secs_f64(),
        mb / cpu.as_secs_f64().max(1e-9),
        mb / elapsed.as_secs_f64().max(1e-9)
    );
    Ok(())
}
