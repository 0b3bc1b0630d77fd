//! `saring dedup`: one-shot exact and MinHash near-duplicate removal on one machine.

use std::path::PathBuf;

use anyhow::Context;
use saring_dedup::{DedupConfig, RunOptions, dedup_files_with};

use crate::Outcome;

/// Remove exact and near-duplicate documents from JSONL files, keeping one per cluster.
///
/// Inputs are JSONL (.jsonl, .jsonl.gz, .jsonl.zst) with `id`, `text` and an optional `url`; directories
/// are walked and globs expanded. OUT receives the surviving documents as shards (00000-00000.jsonl.zst,
/// …) with `dedup_cluster_size` (and `dedup_cluster_id` for documents in a cluster) in their metadata,
/// and stats.json. The clusters file lists `id<TAB>cluster_id` for every document in a cluster of two or
/// more. Lines repeated on many pages of one host (menus, footers) are ignored when comparing. The
/// output is byte-identical for any --threads.
#[derive(clap::Args)]
pub struct DedupArgs {
    /// Input files, directories or glob patterns.
    #[arg(required = true, value_name = "JSONL")]
    inputs: Vec<String>,

    /// Output directory for the surviving documents (created if missing).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    output: PathBuf,

    /// Where to write the clusters TSV [default: OUT/clusters.tsv].
    #[arg(long, value_name = "CLUSTERS.tsv")]
    clusters: Option<PathBuf>,

    /// Dedup config (TOML: seed, ngram_size, bands, rows, jaccard_threshold, keep, …); without it, the
    /// defaults.
    #[arg(long, value_name = "DEDUP.toml")]
    config: Option<PathBuf>,

    /// Worker threads [default: the number of CPUs].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=4096))]
    threads: Option<u32>,
}

pub fn dedup(args: DedupArgs) -> anyhow::Result<Outcome> {
    let config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read config {}", path.display()))?;
            DedupConfig::from_toml(&text).with_context(|| format!("in config {}", path.display()))?
        }
        None => DedupConfig::default(),
    };
    let clusters = args
        .clusters
        .clone()
        .unwrap_or_else(|| args.output.join("clusters.tsv"));
    let options = RunOptions {
        threads: args.threads.map_or(0, |n| n as usize),
    };
    let stats = dedup_files_with(&args.inputs, &args.output, &clusters, &config, &options)
        .with_context(|| format!("dedup into {} failed", args.output.display()))?;
    for message in &stats.first_errors {
        eprintln!("saring: warning: {message}");
    }
    if stats.errored > stats.first_errors.len() as u64 {
        eprintln!(
            "saring: warning: {} more records could not be read",
            stats.errored - stats.first_errors.len() as u64
        );
    }
    for cluster in stats.over_merged.iter().filter(|c| c.broken_up) {
        eprintln!(
            "saring: warning: cluster {} had {} documents (over max_cluster_size) and was broken into \
             exact-copy groups",
            cluster.first_id, cluster.size
        );
    }
    eprintln!(
        "saring: read {} documents: kept {}, removed {} as duplicates, errored {}; {} duplicate clusters \
         (largest {}) in {}; shards in {} ({:.1}s, {:.1} CPU-s)",
        stats.read,
        stats.kept,
        stats.removed,
        stats.errored,
        stats.duplicate_clusters,
        stats.largest_cluster,
        clusters.display(),
        args.output.display(),
        stats.wall_secs,
        stats.cpu_secs
    );
    Ok(if stats.errored > 0 {
        Outcome::SomeErrored
    } else {
        Outcome::Clean
    })
}
