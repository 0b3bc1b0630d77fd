//! Micro benchmark of the `clean` and `pii` steps on `../shared/data/filters/documents.jsonl.gz`
//! (2,832 real documents): MB of input text per CPU-second of the measuring thread (its CPU time, not
//! the wall clock, so a busy machine does not skew the figure).
//!
//! ```sh
//! cargo run --release -p saring-text --example clean_bench [PATH] [ROUNDS]
//! ```

use std::io::{BufRead, BufReader};

use saring_core::{Document, Step};
use saring_text::{Clean, CleanConfig, Pii, PiiConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/filters/documents.jsonl.gz"
        )
        .to_owned()
    });
    let rounds: u32 = args.next().map_or(Ok(5), |r| r.parse())?;
    let reader = BufReader::new(flate2::read::GzDecoder::new(std::fs::File::open(&path)?));
    let mut docs = Vec::new();
    for line in reader.lines() {
        let value: serde_json::Value = serde_json::from_str(&line?)?;
        let id = value
            .get("id")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned();
        let text = value
            .get("text")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned();
        docs.push(Document::new(id, text));
    }
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let mb = bytes as f64 / 1e6;
    println!("{} documents, {mb:.1} MB of text, {rounds} rounds", docs.len());

    let steps: [(&str, Box<dyn Step>); 2] = [
        ("clean", Box::new(Clean::new(&CleanConfig::default()))),
        ("pii", Box::new(Pii::new(&PiiConfig::default()))),
    ];
    for (name, step) in &steps {
        let mut best = f64::INFINITY;
        let mut changed = 0;
        for _ in 0..rounds {
            let mut batch = docs.clone();
            let start = thread_cpu_secs();
            for doc in &mut batch {
                step.process(doc);
            }
            best = best.min(thread_cpu_secs() - start);
            changed = batch.iter().zip(&docs).filter(|(a, b)| a.text != b.text).count();
        }
        println!(
            "{name:>6}: {:.1} MB per CPU-second ({:.1} CPU-ms per round, best of {rounds}; {changed} documents changed)",
            mb / best,
            best * 1e3
        );
    }
    Ok(())
}

/// CPU time of the calling thread, in seconds.
fn thread_cpu_secs() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; CLOCK_THREAD_CPUTIME_ID is supported on Linux.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}
