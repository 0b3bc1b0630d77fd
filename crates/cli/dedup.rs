//! `saring dedup`: exact and MinHash near-duplicate removal, in one process or as stages split over tasks.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use saring_dedup::{
    DedupConfig, DedupStats, RunOptions, Stage, StageTask, cluster_files_with, clusters_stats_path,
    dedup_files_with, run_stage,
};

use crate::Outcome;
use crate::ranks::RankArgs;

/// Remove exact and near-duplicate documents from JSONL files, keeping one per cluster.
///
/// Inputs are JSONL (.jsonl, .jsonl.gz, .jsonl.zst) with `id`, `text` and an optional `url`; directories
/// are walked and globs expanded. OUT receives the surviving documents as shards (SSSSS-NNNNN.jsonl.zst
/// per input file SSSSS in sorted order) with `dedup_cluster_size` (and `dedup_cluster_id` for documents
/// in a cluster) in their metadata, and stats.json. The clusters file lists `id<TAB>cluster_id` for every
/// document in a cluster of two or more. Without -o, only the clusters file is written (and its stats
/// beside it, CLUSTERS.stats.json): no documents, for joining cluster ids to a store of your own. Lines repeated on many pages of one host (menus, footers) are
/// ignored when comparing. The output is byte-identical for any --threads.
///
/// Without a stage, the whole run happens in this process. With a stage (lines, boilerplate, signatures,
/// buckets, cluster, filter, in that order), this process runs its rank's share of that stage in the
/// work directory; every rank of a stage must finish before the next stage starts, and the result is the
/// same for any number of ranks.
#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct DedupArgs {
    #[command(subcommand)]
    stage: Option<StageCommand>,

    /// Input files, directories or glob patterns.
    #[arg(required = true, value_name = "JSONL")]
    inputs: Vec<String>,

    #[command(flatten)]
    outputs: Outputs,

    #[command(flatten)]
    common: CommonArgs,
}

/// Where a run (or the filter stage) writes: the survivors, the clusters TSV, or both.
#[derive(clap::Args)]
struct Outputs {
    /// Output directory for the surviving documents (created if missing); without it, only the
    /// clusters TSV is written (and its stats beside it, CLUSTERS.stats.json).
    #[arg(
        short = 'o',
        long = "output",
        value_name = "OUT",
        required_unless_present = "clusters"
    )]
    output: Option<PathBuf>,

    /// Where to write the clusters TSV [default: OUT/clusters.tsv].
    #[arg(long, value_name = "CLUSTERS.tsv")]
    clusters: Option<PathBuf>,
}

/// Options of every dedup mode.
#[derive(clap::Args)]
struct CommonArgs {
    /// Dedup config (TOML: seed, ngram_size, bands, rows, jaccard_threshold, keep, …), or a run config
    /// whose [dedup] table holds them; without it, the defaults. Every stage and rank of a run must use
    /// the same.
    #[arg(long, value_name = "DEDUP.toml")]
    config: Option<PathBuf>,

    /// Worker threads [default: the number of CPUs].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=4096))]
    threads: Option<u32>,
}

/// The stages of a dedup run split over tasks.
#[derive(clap::Subcommand)]
enum StageCommand {
    /// Stage 1, per input file: document keys, line keys for the boilerplate count, ids.
    Lines(StageArgs),
    /// Stage 2, per part of the line-key space (16 parts): the boilerplate lines of each host.
    Boilerplate(StageArgs),
    /// Stage 3, per input file: MinHash signatures, as sketches and sorted band buckets.
    Signatures(StageArgs),
    /// Stage 4, per band: checked candidate pairs from each band's buckets.
    Buckets(StageArgs),
    /// Stage 5, one task (rank 0): clusters from exact groups and candidate pairs, and the survivors.
    Cluster(StageArgs),
    /// Stage 6, per input file: the surviving documents; the last task writes the clusters TSV and
    /// stats.json.
    Filter(FilterArgs),
}

/// Arguments of one stage.
#[derive(clap::Args)]
struct StageArgs {
    /// Input files, directories or glob patterns (the same for every stage and rank).
    #[arg(required = true, value_name = "JSONL")]
    inputs: Vec<String>,

    /// The work directory shared by every stage and rank of the run.
    #[arg(short = 'w', long = "work", value_name = "WORK")]
    work: PathBuf,

    #[command(flatten)]
    common: CommonArgs,

    #[command(flatten)]
    ranks: RankArgs,
}

/// Arguments of the filter stage.
#[derive(clap::Args)]
struct FilterArgs {
    #[command(flatten)]
    stage: StageArgs,

    #[command(flatten)]
    outputs: Outputs,
}

fn load_config(common: &CommonArgs) -> anyhow::Result<DedupConfig> {
    Ok(match &common.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read config {}", path.display()))?;
            saring_pipeline::dedup_config_from_toml(&text)
                .with_context(|| format!("in config {}", path.display()))?
        }
        None => DedupConfig::default(),
    })
}

fn threads(common: &CommonArgs) -> usize {
    common.threads.map_or(0, |n| n as usize)
}

pub fn dedup(args: DedupArgs) -> anyhow::Result<Outcome> {
    if let Some(stage) = args.stage {
        return run_stage_command(stage);
    }
    let config = load_config(&args.common)?;
    let options = RunOptions {
        threads: threads(&args.common),
    };
    match (args.outputs.output, args.outputs.clusters) {
        (Some(output), clusters) => {
            let clusters = clusters.unwrap_or_else(|| output.join("clusters.tsv"));
            let stats = dedup_files_with(&args.inputs, &output, &clusters, &config, &options)
                .with_context(|| format!("dedup into {} failed", output.display()))?;
            record_run_books(&output, &stats)?;
            Ok(summary(&stats, Some(&output), &clusters))
        }
        (None, Some(clusters)) => {
            let stats = cluster_files_with(&args.inputs, &clusters, &config, &options)
                .with_context(|| format!("dedup into {} failed", clusters.display()))?;
            Ok(summary(&stats, None, &clusters))
        }
        (None, None) => bail!("give an output directory (-o OUT), a clusters TSV (--clusters), or both"),
    }
}

fn run_stage_command(command: StageCommand) -> anyhow::Result<Outcome> {
    let (stage, args, output) = match command {
        StageCommand::Lines(a) => (Stage::Lines, a, None),
        StageCommand::Boilerplate(a) => (Stage::Boilerplate, a, None),
        StageCommand::Signatures(a) => (Stage::Signatures, a, None),
        StageCommand::Buckets(a) => (Stage::Buckets, a, None),
        StageCommand::Cluster(a) => (Stage::Cluster, a, None),
        StageCommand::Filter(f) => (
            Stage::Filter,
            f.stage,
            Some((f.outputs.output, f.outputs.clusters)),
        ),
    };
    let config = load_config(&args.common)?;
    let (rank, world_size) = args.ranks.resolve()?;
    let (out_dir, clusters_tsv) = match output {
        Some((Some(out), clusters)) => {
            let clusters = clusters.unwrap_or_else(|| out.join("clusters.tsv"));
            (Some(out), Some(clusters))
        }
        Some((None, clusters)) => (None, clusters),
        None => (None, None),
    };
    let task = StageTask {
        inputs: args.inputs,
        work: args.work,
        out_dir,
        clusters_tsv,
        rank,
        world_size,
        threads: threads(&args.common),
    };
    let outcome = run_stage(stage, &task, &config)
        .with_context(|| format!("dedup stage {stage:?} (rank {rank} of {world_size}) failed"))?;
    eprintln!(
        "saring: dedup {stage:?} rank {rank} of {world_size}: {} task(s) run, {} already done in {}",
        outcome.ran,
        outcome.skipped,
        task.work.display()
    );
    Ok(match (&outcome.stats, &task.clusters_tsv) {
        (Some(stats), Some(clusters)) => {
            if let Some(out) = &task.out_dir {
                record_run_books(out, stats)?;
            }
            summary(stats, task.out_dir.as_deref(), clusters)
        }
        _ => Outcome::Clean,
    })
}

/// When OUT is the output of a run with `[dedup]` (the stages read its `.pre-dedup/`), completes the
/// run's books: `stats.json` with dedup as the last step, the dedup's own stats in `dedup.json`.
fn record_run_books(out: &Path, stats: &DedupStats) -> anyhow::Result<()> {
    if saring_pipeline::record_dedup(out, stats)
        .with_context(|| format!("cannot complete the run's books in {}", out.display()))?
        .is_some()
    {
        eprintln!(
            "saring: the books of the run in {} now count the duplicates removed (stats.json; the dedup's own in {})",
            out.display(),
            saring_pipeline::DEDUP_STATS_FILE
        );
    }
    Ok(())
}

/// Prints the warnings and the summary of a finished run (`output`: where the survivors went, if
/// written).
fn summary(stats: &DedupStats, output: Option<&Path>, clusters: &Path) -> Outcome {
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
    let (kept, removed, written) = match output {
        Some(output) => ("kept", "removed", format!("shards in {}", output.display())),
        None => (
            "would keep",
            "would remove",
            format!(
                "no documents written, stats in {}",
                clusters_stats_path(clusters).display()
            ),
        ),
    };
    eprintln!(
        "saring: read {} documents: {kept} {}, {removed} {} as duplicates, errored {}; {} duplicate clusters \
         (largest {}) in {}; {written} ({:.1}s, {:.1} CPU-s)",
        stats.read,
        stats.kept,
        stats.removed,
        stats.errored,
        stats.duplicate_clusters,
        stats.largest_cluster,
        clusters.display(),
        stats.wall_secs,
        stats.cpu_secs
    );
    if stats.errored > 0 {
        Outcome::SomeErrored
    } else {
        Outcome::Clean
    }
}
