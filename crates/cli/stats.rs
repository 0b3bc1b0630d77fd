//! `saring stats`: the books of runs.

use std::path::PathBuf;

use anyhow::Context;

use crate::Outcome;

/// Work with the stats of a run.
#[derive(clap::Args)]
pub struct StatsArgs {
    #[command(subcommand)]
    command: StatsCommand,
}

#[derive(clap::Subcommand)]
enum StatsCommand {
    /// Add up the stats of every rank in OUT/stats/ and write OUT/stats.json (printed too).
    ///
    /// `saring run` does this by itself once every rank has finished; use it to see a partial total, or
    /// after copying ranks' outputs together.
    Merge {
        /// The output directory of a run.
        #[arg(value_name = "OUT")]
        dir: PathBuf,
    },
}

pub fn stats(args: StatsArgs) -> anyhow::Result<Outcome> {
    match args.command {
        StatsCommand::Merge { dir } => {
            let merged = saring_pipeline::merge_stats(&dir)
                .with_context(|| format!("cannot merge the stats in {}", dir.join("stats").display()))?;
            println!("{}", serde_json::to_string_pretty(&merged)?);
            Ok(Outcome::Clean)
        }
    }
}
