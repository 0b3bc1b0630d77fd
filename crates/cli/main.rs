//! The `saring` binary: parse the command line, run the command, turn the outcome into an exit code.
//!
//! Exit codes: 0 success; 1 the run finished but some records errored (the output is still written);
//! 2 saring could not run (bad arguments or config, unwritable output).

mod dedup;
mod explain;
mod extract;
mod langid;
mod progress;
mod ranks;
mod report;
mod run;
mod run_dedup;
mod stats;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Turns raw web crawls into clean, deduplicated, language-labelled text.
#[derive(Parser)]
#[command(name = "saring", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Run(run::RunArgs),
    Extract(extract::ExtractArgs),
    Dedup(dedup::DedupArgs),
    Langid(langid::LangidArgs),
    Stats(stats::StatsArgs),
    Report(report::ReportArgs),
    Inspect(report::InspectArgs),
    Explain(explain::ExplainArgs),
}

/// What a command achieved, as the process reports it.
pub enum Outcome {
    /// Everything was read and processed.
    Clean,
    /// Finished, but some records errored.
    SomeErrored,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run::run(args),
        Command::Extract(args) => extract::extract(args),
        Command::Dedup(args) => dedup::dedup(args),
        Command::Langid(args) => langid::langid(args),
        Command::Stats(args) => stats::stats(args),
        Command::Report(args) => report::report(args),
        Command::Inspect(args) => report::inspect(args),
        Command::Explain(args) => explain::explain(args),
    };
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::SomeErrored) => ExitCode::from(1),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("saring: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// A closed pipe on stdout (`saring extract page.html | head`) is a normal way to stop.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
