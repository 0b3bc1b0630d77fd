//! Runs one-shot dedup without the `saring` binary, for measurements:
//! `cargo run --release -p saring-dedup --example dedup_files -- OUT CLUSTERS.tsv THREADS [CONFIG.toml] INPUT...`
//! (CONFIG.toml is taken as the config when its name ends in `.toml`).

use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [out, tsv, threads, rest @ ..] = args.as_slice() else {
        return Err("usage: dedup_files OUT CLUSTERS.tsv THREADS [CONFIG.toml] INPUT...".into());
    };
    let (config, inputs) = match rest {
        [first, inputs @ ..] if first.ends_with(".toml") => (
            saring_dedup::DedupConfig::from_toml(&std::fs::read_to_string(first)?)?,
            inputs,
        ),
        inputs => (saring_dedup::DedupConfig::default(), inputs),
    };
    let options = saring_dedup::RunOptions {
        threads: threads.parse()?,
    };
    let stats = saring_dedup::dedup_files_with(inputs, Path::new(out), Path::new(tsv), &config, &options)?;
    let mut shown = serde_json::to_value(&stats)?;
    if let Some(map) = shown.as_object_mut() {
        map.remove("over_merged");
    }
    println!("{}", serde_json::to_string_pretty(&shown)?);
    let sig_cluster = stats.signature_cpu_secs + stats.cluster_cpu_secs;
    println!(
        "docs per CPU-second, signatures + clustering: {:.0}; with line counting: {:.0}; whole run: {:.0}",
        stats.read as f64 / sig_cluster,
        stats.read as f64 / (sig_cluster + stats.lines_cpu_secs),
        stats.read as f64 / stats.cpu_secs
    );
    println!("over-merged clusters: {}", stats.over_merged.len());
    Ok(())
}
