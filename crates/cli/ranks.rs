//! `--rank` and `--world-size`, shared by every command that runs as one task of an array job.

use anyhow::{Context, bail};

/// This task's place in an array job.
#[derive(clap::Args, Debug, Clone, Copy)]
pub struct RankArgs {
    /// This task's rank, 0..WORLD_SIZE: it takes every WORLD_SIZE-th task (input file, band, …), starting
    /// at RANK [default: $SLURM_ARRAY_TASK_ID, $JOB_COMPLETION_INDEX, or 0].
    #[arg(long, value_name = "RANK", requires = "world_size")]
    rank: Option<u32>,

    /// How many tasks share the work [default: $SLURM_ARRAY_TASK_COUNT, or 1].
    #[arg(long, value_name = "WORLD_SIZE", value_parser = clap::value_parser!(u32).range(1..))]
    world_size: Option<u32>,
}

impl RankArgs {
    /// The rank and world size from the flags, else from the array-job environment (Slurm, Kubernetes
    /// indexed jobs), else a single task.
    pub fn resolve(&self) -> anyhow::Result<(u32, u32)> {
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
        let rank = match self.rank {
            Some(rank) => rank,
            None => env("SLURM_ARRAY_TASK_ID")?
                .or(env("JOB_COMPLETION_INDEX")?)
                .unwrap_or(0),
        };
        let world_size = match self.world_size {
            Some(n) => n,
            None => env("SLURM_ARRAY_TASK_COUNT")?.unwrap_or(if self.rank.is_some() { 0 } else { 1 }),
        };
        if rank >= world_size {
            bail!(
                "rank {rank} is not below the world size {world_size}; set --world-size (or $SLURM_ARRAY_TASK_COUNT)"
            );
        }
        Ok((rank, world_size))
    }
}
