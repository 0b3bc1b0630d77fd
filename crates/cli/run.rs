//! `saring run`: the whole pipeline over crawl files into output shards.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use saring_pipeline::{PipelineConfig, Progress, RunOptions};
use saring_report::ReportOptions;

use crate::Outcome;
use crate::progress::ProgressDisplay;

/// Run the pipeline over INPUT files into shards in OUT.
///
/// Inputs are WARC/WET (.warc, .warc.gz, .warc.zst), ARC, HTML files, JSONL or Parquet; directories are
/// walked and globs expanded, and the files are processed in sorted order. OUT receives data shards named
/// RANK-SHARD (00000-00000.jsonl.zst, …), stats.json (the whole run, once every rank is done), stats/RANK.json,
/// a completion marker stats/RANK.done, and errors/RANK.jsonl. The output is byte-identical for any --threads,
/// and a rerun of a completed rank with the same config and inputs does nothing.
#[derive(clap::Args)]
pub struct RunArgs {
    /// Input files, directories or glob patterns; or object URLs: s3://bucket/prefix/,
    /// s3://bucket/dir/*.warc.gz, gs://…, az://…, abfs://…, http(s)://… (credentials and endpoint from the
    /// environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL, AWS_REGION, …).
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<String>,

    /// Output directory (created if missing; this rank's earlier shards in it are replaced), or an
    /// object-store prefix such as s3://bucket/out/ (files are staged locally and uploaded when complete).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    output: PathBuf,

    /// Pipeline config (TOML); without it, the default pipeline: extract, then min_length (200 chars).
    #[arg(long, value_name = "PIPELINE.toml")]
    config: Option<PathBuf>,

    /// Worker threads running the steps [default: the number of CPUs].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=4096))]
    threads: Option<u32>,

    /// Stop at the first record that cannot be read or processed, instead of counting it and going on.
    #[arg(long)]
    fail_fast: bool,

    /// This task's rank, 0..WORLD_SIZE: it processes every WORLD_SIZE-th input file of the sorted list,
    /// starting at RANK [default: $SLURM_ARRAY_TASK_ID, $JOB_COMPLETION_INDEX, or 0].
    #[arg(long, value_name = "RANK", requires = "world_size")]
    rank: Option<u32>,

    /// How many tasks share the inputs [default: $SLURM_ARRAY_TASK_COUNT, or 1].
    #[arg(long, value_name = "WORLD_SIZE", value_parser = clap::value_parser!(u32).range(1..))]
    world_size: Option<u32>,
}

/// The rank and world size from the flags, else from the array-job environment (Slurm, Kubernetes
/// indexed jobs), else a single task.
fn rank_and_world_size(args: &RunArgs) -> anyhow::Result<(u32, u32)> {
    let env = |name: &str| -> anyhow::Result<Option<u32>> {
        match std::env::var(name) {
            Ok(value) => value
                .trim()
                .parse()
                .map(Some)
                .with_context(|| format!("${name} = {value:?} is not a rank number")),
            Err(_) => Ok(None),
        }
    };
    let rank = match args.rank {
        Some(rank) => rank,
        None => env("SLURM_ARRAY_TASK_ID")?
            .or(env("JOB_COMPLETION_INDEX")?)
            .unwrap_or(0),
    };
    let world_size = match args.world_size {
        Some(n) => n,
        None => env("SLURM_ARRAY_TASK_COUNT")?.unwrap_or(if args.rank.is_some() { 0 } else { 1 }),
    };
    if rank >= world_size {
        bail!(
            "rank {rank} is not below the world size {world_size}; set --world-size (or $SLURM_ARRAY_TASK_COUNT)"
        );
    }
    Ok((rank, world_size))
}

pub fn run(args: RunArgs) -> anyhow::Result<Outcome> {
    let config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read config {}", path.display()))?;
            PipelineConfig::from_toml(&text).with_context(|| format!("in config {}", path.display()))?
        }
        None => PipelineConfig::default(),
    };
    let pipeline = config.build().with_context(|| match &args.config {
        Some(path) => format!("in config {}", path.display()),
        None => "in the default config".to_owned(),
    })?;
    let threads = match args.threads {
        Some(n) => n as usize,
        None => std::thread::available_parallelism().map_or(1, usize::from),
    };
    let (rank, world_size) = rank_and_world_size(&args)?;
    let options = RunOptions {
        threads,
        fail_fast: args.fail_fast,
        rank,
        world_size,
    };
    let progress = Arc::new(Progress::default());
    let display = ProgressDisplay::start(&progress);
    let result = saring_pipeline::run(
        &args.inputs,
        &args.output,
        &config,
        &pipeline,
        &options,
        &progress,
    );
    display.finish();
    let outcome = result.with_context(|| format!("run into {} failed", args.output.display()))?;
    if outcome.already_complete {
        eprintln!(
            "saring: rank {rank} of {world_size} already completed this work in {}; nothing redone",
            args.output.display()
        );
    }

    for message in &outcome.first_errors {
        eprintln!("saring: warning: {message}");
    }
    let stats = &outcome.stats;
    if stats.errored > outcome.first_errors.len() as u64 {
        eprintln!(
            "saring: warning: {} more errors, all in {}",
            stats.errored - outcome.first_errors.len() as u64,
            args.output.join("errors").display()
        );
    }
    if outcome.stopped_early {
        eprintln!("saring: stopped at the first error (--fail-fast)");
    }
    eprintln!(
        "saring: read {} records: kept {}, dropped {}, errored {}; {} shard(s) in {} ({:.2} s, {:.2} CPU-s)",
        stats.read,
        stats.kept,
        stats.dropped,
        stats.errored,
        outcome.shards.len(),
        args.output.display(),
        stats.wall_secs,
        stats.cpu_secs
    );
    let merged = saring_io::OutputDir::open(&args.output).and_then(|out| out.size("stats.json"));
    if merged.is_ok() {
        let options = ReportOptions {
            config: args.config.clone(),
            ..ReportOptions::default()
        };
        match saring_report::write_report(&args.output, &options) {
            Ok(path) => eprintln!("saring: report in {}", path.display()),
            Err(err) => eprintln!("saring: warning: no report: {err:#}"),
        }
    }
    Ok(if stats.errored > 0 {
        Outcome::SomeErrored
    } else {
        Outcome::Clean
    })
}
