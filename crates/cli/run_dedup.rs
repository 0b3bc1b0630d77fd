//! The `[dedup]` table of `saring run`: dedup the run's shards after the pipeline (one rank), or say how
//! the stages run once every rank is done.

use std::path::Path;

use anyhow::Context;
use saring_pipeline::{DEDUP_WORK_DIR, PRE_DEDUP_DIR, PipelineConfig, RunOptions, RunOutcome};

/// Runs the dedup stages over a one-rank run's shards, or tells a rank of many what is left to do.
pub fn dedup_after_run(
    out: &Path,
    config: &PipelineConfig,
    options: &RunOptions,
    outcome: &RunOutcome,
) -> anyhow::Result<()> {
    if config.dedup.is_none() {
        return Ok(());
    }
    if options.world_size > 1 {
        eprintln!(
            "saring: [dedup]: this rank's shards are in {pre}; once every rank is done, run each dedup stage \
             (lines, boilerplate, signatures, buckets, cluster, filter) over them: `saring dedup STAGE {pre} \
             --work {work} --config RUN.toml --rank R --world-size N`, the filter stage with `-o {out}` \
             (or use `python -m saring.ray`)",
            pre = out.join(PRE_DEDUP_DIR).display(),
            work = out.join(DEDUP_WORK_DIR).display(),
            out = out.display(),
        );
        return Ok(());
    }
    let dedup = saring_pipeline::dedup_after_run(out, config, options, outcome).with_context(|| {
        format!(
            "dedup of the shards in {} failed",
            out.join(PRE_DEDUP_DIR).display()
        )
    })?;
    if let Some(done) = dedup {
        let stats = &done.dedup;
        eprintln!(
            "saring: dedup: kept {}, removed {} as duplicates, errored {}; {} duplicate clusters; \
             shards in {} ({} task(s) run, {} already done)",
            stats.kept,
            stats.removed,
            stats.errored,
            stats.duplicate_clusters,
            out.display(),
            done.ran,
            done.skipped
        );
    }
    Ok(())
}
