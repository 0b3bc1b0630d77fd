//! Reads one input file (WARC, ARC, …) through `open_input` and reports how fast, as JSON:
//! `{"docs", "errors", "payload_bytes", "uncompressed_bytes", "stored_bytes", "cpu_secs", "wall_secs",
//! "decompress_only_cpu_secs", "mb_per_cpu_sec"}`.
//!
//! `uncompressed_bytes` is the size of the decompressed stream (counted here by decompressing the file a
//! second time, outside the timed part, which also gives `decompress_only_cpu_secs`, the floor any reader
//! pays); `cpu_secs` is user + system CPU time of the process from
//! `getrusage`, for the timed read only; `mb_per_cpu_sec` is uncompressed MB (10^6 bytes) per CPU second.
//!
//! Usage: `cargo run --release -p saring-io --example read_throughput -- FILE.warc.gz`

use std::io::Read;
use std::path::PathBuf;
use std::time::Instant;

use saring_io::{ReaderConfig, open_decompressed, open_input};

fn cpu_secs() -> f64 {
    // SAFETY: getrusage only writes into the zeroed struct we pass; RUSAGE_SELF is always valid.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path: PathBuf = std::env::args_os()
        .nth(1)
        .ok_or("usage: read_throughput FILE")?
        .into();
    let config = ReaderConfig::default();

    let (cpu_start, wall_start) = (cpu_secs(), Instant::now());
    let mut reader = open_input(&path, &config)?;
    let (mut docs, mut errors, mut payload_bytes) = (0u64, 0u64, 0u64);
    for item in reader.by_ref() {
        match item {
            Ok(doc) => {
                docs += 1;
                payload_bytes += doc.html.as_ref().map_or(doc.text.len(), String::len) as u64;
            }
            Err(err) => {
                errors += 1;
                eprintln!("{err}");
            }
        }
    }
    let cpu = cpu_secs() - cpu_start;
    let wall = wall_start.elapsed().as_secs_f64();
    let stored_bytes = reader.bytes_read();

    let decompress_start = cpu_secs();
    let (mut stream, _) = open_decompressed(&path)?;
    let uncompressed_bytes = std::io::copy(&mut stream.by_ref().take(u64::MAX), &mut std::io::sink())?;
    let decompress_cpu = cpu_secs() - decompress_start;

    println!(
        "{}",
        serde_json::json!({
            "docs": docs,
            "errors": errors,
            "payload_bytes": payload_bytes,
            "uncompressed_bytes": uncompressed_bytes,
            "stored_bytes": stored_bytes,
            "cpu_secs": (cpu * 1000.0).round() / 1000.0,
            "wall_secs": (wall * 1000.0).round() / 1000.0,
            "decompress_only_cpu_secs": (decompress_cpu * 1000.0).round() / 1000.0,
            "mb_per_cpu_sec": (uncompressed_bytes as f64 / 1e6 / cpu).round(),
        })
    );
    Ok(())
}
