//! `saring run`: the whole pipeline over crawl files into output shards.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use saring_pipeline::{PipelineConfig, Progress, RunOptions};
use saring_report::{ReportOptions, RunInfo};

use crate::Outcome;
use crate::progress::ProgressDisplay;
use crate::ranks::RankArgs;

/// The default pipeline written out, recorded as the config of a run without `--config` (a test checks
/// that it parses to [`PipelineConfig::default`]).
const DEFAULT_PIPELINE: &str = include_str!("../../examples/pipeline.toml");

/// The built-in pipelines of `--preset`, by name: the config files of `presets/`.
pub const PRESETS: &[(&str, &str)] = &[
    ("fineweb", include_str!("../../presets/fineweb.toml")),
    ("fineweb2", include_str!("../../presets/fineweb2.toml")),
    ("c4", include_str!("../../presets/c4.toml")),
    ("gopher", include_str!("../../presets/gopher.toml")),
];

/// The config of `--preset NAME`, its text and its value.
fn read_preset(name: &str) -> anyhow::Result<(String, PipelineConfig)> {
    let (_, text) = PRESETS
        .iter()
        .find(|(preset, _)| *preset == name)
        .with_context(|| format!("no preset named {name}"))?;
    let config = PipelineConfig::from_toml(text).with_context(|| format!("in preset {name}"))?;
    Ok(((*text).to_owned(), config))
}

/// Run the pipeline over INPUT files into shards in OUT.
///
/// Inputs are WARC/WET (.warc, .warc.gz, .warc.zst), ARC, HTML files, JSONL or Parquet; directories are
/// walked and globs expanded, and the files are processed in sorted order. OUT receives data shards named
/// RANK-SHARD (00000-00000.jsonl.zst, …), stats.json (the whole run, once every rank is done), stats/RANK.json,
/// a completion marker stats/RANK.done, errors/RANK.jsonl, a sample of dropped documents in dropped/, run.json
/// (the command and config), and, once every rank is done, report.html and a dataset card README.md. The output is byte-identical for any --threads,
/// and a rerun of a completed rank with the same config and inputs does nothing; a rerun of an interrupted
/// one resumes from stats/RANK.checkpoint, written each time a shard is complete.
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

    /// Pipeline config (TOML); without it (and without --preset), the default pipeline: extract, then
    /// min_length (200 chars).
    #[arg(long, value_name = "PIPELINE.toml")]
    config: Option<PathBuf>,

    /// A built-in pipeline instead of --config: fineweb (datatrove's FineWeb chain), fineweb2 (the same
    /// with per-language thresholds), c4, gopher. Their configs are the files in presets/.
    #[arg(long, value_name = "NAME", conflicts_with = "config", value_parser = PRESETS.iter().map(|(name, _)| *name).collect::<Vec<_>>())]
    preset: Option<String>,

    /// Worker threads running the steps [default: the number of CPUs].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=4096))]
    threads: Option<u32>,

    /// Stop at the first record that cannot be read or processed, instead of counting it and going on.
    #[arg(long)]
    fail_fast: bool,

    #[command(flatten)]
    ranks: RankArgs,
}

/// The pipeline config at `path`, its text and its value, or the default pipeline (written out) without one.
pub fn read_config_and_text(path: Option<&Path>) -> anyhow::Result<(String, PipelineConfig)> {
    match path {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read config {}", path.display()))?;
            let config =
                PipelineConfig::from_toml(&text).with_context(|| format!("in config {}", path.display()))?;
            Ok((text, config))
        }
        None => Ok((DEFAULT_PIPELINE.to_owned(), PipelineConfig::default())),
    }
}

/// The pipeline config at `path`, or the default pipeline without one.
pub fn read_config(path: Option<&Path>) -> anyhow::Result<PipelineConfig> {
    Ok(read_config_and_text(path)?.1)
}

pub fn run(args: RunArgs) -> anyhow::Result<Outcome> {
    let (config_text, config) = match &args.preset {
        Some(name) => read_preset(name)?,
        None => read_config_and_text(args.config.as_deref())?,
    };
    let pipeline = config
        .build()
        .with_context(|| match (&args.config, &args.preset) {
            (Some(path), _) => format!("in config {}", path.display()),
            (None, Some(name)) => format!("in preset {name}"),
            (None, None) => "in the default config".to_owned(),
        })?;
    let threads = match args.threads {
        Some(n) => n as usize,
        None => std::thread::available_parallelism().map_or(1, usize::from),
    };
    let (rank, world_size) = args.ranks.resolve()?;
    let options = RunOptions {
        threads,
        fail_fast: args.fail_fast,
        rank,
        world_size,
    };
    let progress = Arc::new(Progress::default());
    let display = ProgressDisplay::start(&progress);
    let pipeline_out = saring_pipeline::pipeline_dir(&args.output, &config);
    let result = saring_pipeline::run(
        &args.inputs,
        &pipeline_out,
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
    if let Some(why) = &outcome.checkpoint_set_aside {
        eprintln!("saring: warning: rank {rank} started afresh, not resuming from {why}");
    }
    if let Some(shards) = outcome.resumed_after_shards {
        eprintln!("saring: rank {rank} resumed an interrupted run after its {shards} complete shard(s)");
    }

    for message in &outcome.first_errors {
        eprintln!("saring: warning: {message}");
    }
    let stats = &outcome.stats;
    if stats.errored > outcome.first_errors.len() as u64 {
        eprintln!(
            "saring: warning: {} more errors, all in {}",
            stats.errored - outcome.first_errors.len() as u64,
            pipeline_out.join("errors").display()
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
        pipeline_out.display(),
        stats.wall_secs,
        stats.cpu_secs
    );
    crate::run_dedup::dedup_after_run(&args.output, &config, &options, &outcome)?;
    let info = RunInfo {
        saring_version: env!("CARGO_PKG_VERSION").to_owned(),
        command: command_line(),
        inputs: args.inputs.clone(),
        config: config_text,
        config_path: match (&args.config, &args.preset) {
            (Some(path), _) => Some(path.display().to_string()),
            (None, Some(name)) => Some(format!("--preset {name}")),
            (None, None) => None,
        },
    };
    let options = ReportOptions {
        config: args.config.clone(),
        ..ReportOptions::default()
    };
    crate::report::say_records(&saring_report::record_run(
        &args.output,
        &info,
        &options,
        outcome.already_complete,
    ));
    Ok(if stats.errored > 0 {
        Outcome::SomeErrored
    } else {
        Outcome::Clean
    })
}

/// The command line as typed, the program named by its file name only (`saring run …`): the card and
/// `run.json` should not carry the path of the binary on the machine that ran it.
fn command_line() -> Vec<String> {
    let mut args: Vec<String> = std::env::args().collect();
    if let Some(program) = args.first_mut()
        && let Some(name) = Path::new(program.as_str()).file_name()
    {
        *program = name.to_string_lossy().into_owned();
    }
    args
}
