//! Reads one input file (WARC, ARC, …) through `open_input` and reports how fast, as JSON:
//! `{"docs", "errors", "payload_bytes", "uncompressed_bytes", "stored_bytes", "cpu_secs", "wall_secs",
//! "mb_per_cpu_sec"}`.
//!
//! One pass does all the work and all the counting: every document is read with its decoded HTML (or
//! text); `payload_bytes` adds up those UTF-8 strings, `uncompressed_bytes` is the size of the decompressed
//! stream the reader parsed (its position at the end, from `DocReader::decompressed_bytes`), and
//! `stored_bytes` the bytes read from disk. `cpu_secs` is user + system CPU time of the process from
//! `getrusage`, from opening the file to the last document; `mb_per_cpu_sec` is uncompressed MB (10^6 bytes)
//! per CPU second.
//!
//! With `--decompress-only`, it only decompresses the file (`open_decompressed`, the stream consumed in
//! place, no parsing) and reports `uncompressed_bytes`, `stored_bytes`, `cpu_secs`, `wall_secs` and
//! `mb_per_cpu_sec`: the floor that any reader over the same decompression pays.
//!
//! Usage: `cargo run --release -p saring-io --example read_throughput -- [--decompress-only] FILE.warc.gz`

use std::io::BufRead;
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

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut decompress_only = false;
    let mut path = None;
    for arg in std::env::args_os().skip(1) {
        if arg == "--decompress-only" {
            decompress_only = true;
        } else {
            path = Some(PathBuf::from(arg));
        }
    }
    let path = path.ok_or("usage: read_throughput [--decompress-only] FILE")?;
    let (cpu_start, wall_start) = (cpu_secs(), Instant::now());

    if decompress_only {
        let (mut stream, stored) = open_decompressed(&path)?;
        let mut uncompressed_bytes = 0u64;
        loop {
            let n = stream.fill_buf()?.len();
            if n == 0 {
                break;
            }
            stream.consume(n);
            uncompressed_bytes += n as u64;
        }
        let cpu = cpu_secs() - cpu_start;
        println!(
            "{}",
            serde_json::json!({
                "uncompressed_bytes": uncompressed_bytes,
                "stored_bytes": stored.get(),
                "cpu_secs": round3(cpu),
                "wall_secs": round3(wall_start.elapsed().as_secs_f64()),
                "mb_per_cpu_sec": (uncompressed_bytes as f64 / 1e6 / cpu).round(),
            })
        );
        return Ok(());
    }

    let mut reader = open_input(&path, &ReaderConfig::default())?;
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
    let uncompressed_bytes = reader.decompressed_bytes();
    println!(
        "{}",
        serde_json::json!({
            "docs": docs,
            "errors": errors,
            "payload_bytes": payload_bytes,
            "uncompressed_bytes": uncompressed_bytes,
            "stored_bytes": reader.bytes_read(),
            "cpu_secs": round3(cpu),
            "wall_secs": round3(wall),
            "mb_per_cpu_sec": uncompressed_bytes.map(|n| (n as f64 / 1e6 / cpu).round()),
        })
    );
    Ok(())
}
