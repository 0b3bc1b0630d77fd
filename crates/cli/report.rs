//! `saring report`: one self-contained HTML page showing what a run kept, dropped and why; and
//! `saring inspect`: the documents of a run's shards, in the terminal.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use saring_report::{
    CardOutcome, InspectOptions, ReportError, ReportOptions, RunRecords, write_card, write_report,
    write_report_to,
};

use crate::Outcome;

/// Write the HTML report of a run: the funnel through each step, drop reasons, errors, languages,
/// domains, histograms of text length and signals, duplicate clusters, throughput over time, and sample
/// kept and dropped documents; and the dataset card OUT/README.md.
///
/// The page needs no network (inline SVG and CSS, no script). It reads stats.json (or adds up
/// stats/*.json) and at most the first 20 000 documents of the shards.
#[derive(clap::Args)]
pub struct ReportArgs {
    /// The output directory of a run (or its object-store prefix, s3://bucket/out/).
    #[arg(value_name = "OUT")]
    run_dir: PathBuf,

    /// The run's pipeline config, to draw its thresholds (min_chars, min_score, …) on the histograms;
    /// without it, the config the run recorded in OUT/run.json.
    #[arg(long, value_name = "CONFIG.toml")]
    config: Option<PathBuf>,

    /// Where to write the report. Default OUT/report.html.
    #[arg(short = 'o', long, value_name = "FILE.html")]
    output: Option<PathBuf>,
}

pub fn report(args: ReportArgs) -> anyhow::Result<Outcome> {
    let options = ReportOptions {
        config: args.config,
        ..ReportOptions::default()
    };
    let written = match &args.output {
        Some(path) => write_report_to(&args.run_dir, &options, path).map(|()| path.clone()),
        None => write_report(&args.run_dir, &options),
    };
    let path = written.with_context(|| format!("cannot write the report of {}", args.run_dir.display()))?;
    eprintln!("saring: wrote {}", path.display());
    say_card(&write_card(&args.run_dir, &options));
    Ok(Outcome::Clean)
}

/// Says what [`record_run`](saring_report::record_run) wrote after a run; a part it could not write is a
/// warning, not a failure.
pub fn say_records(records: &RunRecords) {
    if let Err(err) = &records.run_info {
        eprintln!("saring: warning: {err:#}");
    }
    if let Some((report, card)) = &records.report_and_card {
        say_report(report);
        say_card(card);
    }
}

/// Says where the report went, or why there is none (a warning).
fn say_report(report: &Result<PathBuf, ReportError>) {
    match report {
        Ok(path) => eprintln!("saring: report in {}", path.display()),
        Err(err) => eprintln!("saring: warning: no report: {err:#}"),
    }
}

/// Says where the dataset card went, or why there is none (a warning).
fn say_card(card: &Result<CardOutcome, ReportError>) {
    match card {
        Ok(CardOutcome::Written(path) | CardOutcome::Unchanged(path)) => {
            eprintln!("saring: dataset card in {}", path.display())
        }
        Ok(CardOutcome::KeptExisting(path)) => eprintln!(
            "saring: warning: {} was not written by saring; left as it is (no dataset card)",
            path.display()
        ),
        Err(err) => eprintln!("saring: warning: no dataset card: {err:#}"),
    }
}

/// Print documents of a run's output shards: id, url, language, length, signals and the start of the text.
///
/// Shows the first matches in shard order, or with --sample a seeded random sample of all matches. The
/// shards hold kept documents; --dropped and --reason show the dropped documents the run kept.
#[derive(clap::Args)]
pub struct InspectArgs {
    /// The output directory of a run.
    #[arg(value_name = "OUT")]
    run_dir: PathBuf,

    /// Only documents with this language label (lid.176 code, as in metadata.language).
    #[arg(long, value_name = "LABEL")]
    language: Option<String>,

    /// Only the document with this id.
    #[arg(long)]
    id: Option<String>,

    /// A random sample of N of the matching documents (reads every shard).
    #[arg(long, value_name = "N")]
    sample: Option<usize>,

    /// The seed of --sample: the same seed gives the same sample.
    #[arg(long, default_value_t = 0)]
    seed: u64,

    /// Most documents shown without --sample.
    #[arg(long, default_value_t = 20)]
    limit: usize,

    /// Characters of each text shown; 0 for the whole text.
    #[arg(long, default_value_t = 500)]
    chars: usize,

    /// Show dropped documents: all of them from OUT/excluded/ when the run wrote them (write_all = true),
    /// else the run's sample in OUT/dropped/ (the first 20 of each step and reason).
    #[arg(long)]
    dropped: bool,

    /// Only dropped documents with this drop reason (min_chars) or STEP:REASON (min_length:min_chars);
    /// implies --dropped.
    #[arg(long, value_name = "REASON")]
    reason: Option<String>,
}

pub fn inspect(args: InspectArgs) -> anyhow::Result<Outcome> {
    let options = InspectOptions {
        language: args.language,
        id: args.id,
        sample: args.sample,
        seed: args.seed,
        limit: args.limit,
        text_chars: args.chars,
        dropped: args.dropped,
        reason: args.reason,
    };
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let summary = saring_report::inspect(&args.run_dir, &options, &mut stdout)
        .with_context(|| format!("cannot inspect {}", args.run_dir.display()))?;
    stdout.flush().context("cannot write to stdout")?;
    let mut note = format!(
        "saring: {} document(s) shown of {} matching, {} read",
        summary.shown, summary.matched, summary.read
    );
    if summary.unreadable > 0 {
        note.push_str(&format!(", {} unreadable record(s)", summary.unreadable));
    }
    eprintln!("{note}");
    Ok(Outcome::Clean)
}
