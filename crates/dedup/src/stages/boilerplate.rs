//! Stage 2, per part of the line-key space (16 parts by the key's top 4 bits, which are its host's):
//! merges the sorted `(line key, text key)` runs of every shard and keeps the line keys found on at
//! least `boilerplate_min_docs` distinct text keys and on at least `boilerplate_min_share` of the
//! distinct texts of their host ([`LineCounter`]). A line key starts with the host, so the lines of
//! one host come together and this counts distinct texts of one host. A rank reads every shard's runs
//! once for all its parts.

use serde::{Deserialize, Serialize};

use super::{StageOutcome, StageTask, for_my_tasks};
use crate::boilerplate::{BoilerplateLines, LineCounter};
use crate::runs::{RunWriter, merge_runs};
use crate::work::{Plan, io_error, is_mine, shard_name};
use crate::{DedupConfig, DedupError};

/// Parts of the line-key space.
pub(super) const PARTS: usize = 16;

/// Counts of one part.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct BoilerplateCounts {
    /// Boilerplate line keys in the part.
    pub keys: u64,
    /// CPU seconds of the whole rank's merge, on its first part.
    pub cpu_secs: f64,
}

fn part_name(part: usize) -> String {
    format!("{part:02}")
}

fn part_of(key: u64) -> usize {
    (key >> 60) as usize
}

pub(super) fn run(plan: &Plan, task: &StageTask, config: &DedupConfig) -> Result<StageOutcome, DedupError> {
    plan.stage_dir("boilerplate")?;
    let pending: Vec<usize> = (0..PARTS)
        .filter(|&p| is_mine(p, task.rank, task.world_size))
        .filter(|&p| {
            plan.done::<BoilerplateCounts>("boilerplate", &part_name(p))
                .is_none()
        })
        .collect();
    let mut counts: Vec<BoilerplateCounts> = (0..PARTS).map(|_| BoilerplateCounts::default()).collect();
    if !pending.is_empty() {
        let t = saring_io::process_cpu_secs();
        let part_path = |p: usize| plan.path("boilerplate", &format!("{}.runs", part_name(p)));
        let mut writers: Vec<Option<RunWriter>> = (0..PARTS)
            .map(|p| {
                pending
                    .contains(&p)
                    .then(|| {
                        RunWriter::create(&part_path(p), 1 << 16, plan.durability)
                            .map_err(|e| io_error(&part_path(p), e))
                    })
                    .transpose()
            })
            .collect::<Result<_, _>>()?;
        if config.boilerplate_lines {
            let inputs: Vec<_> = (0..plan.files.len())
                .map(|s| {
                    plan.require::<serde_json::Value>("lines", &shard_name(s))?;
                    Ok(plan.path("lines", &format!("{}.lines.runs", shard_name(s))))
                })
                .collect::<Result<_, DedupError>>()?;
            let merged = merge_runs(&inputs).map_err(|e| io_error(&plan.work, e))?;
            let mut counter = LineCounter::new(config.boilerplate_min_docs, config.boilerplate_min_share);
            let mut emit = |key: u64, texts: u64| -> Result<(), DedupError> {
                if let Some(Some(writer)) = writers.get_mut(part_of(key)) {
                    writer.push((key, texts)).map_err(|e| io_error(&plan.work, e))?;
                    if let Some(c) = counts.get_mut(part_of(key)) {
                        c.keys += 1;
                    }
                }
                Ok(())
            };
            for pair in merged {
                let (key, text) = pair.map_err(|e| io_error(&plan.work, e))?;
                counter.push(key, text, &mut emit)?;
            }
            counter.finish(&mut emit)?;
        }
        for (p, writer) in writers.into_iter().enumerate() {
            if let Some(writer) = writer {
                writer.finish().map_err(|e| io_error(&part_path(p), e))?;
            }
        }
        if let Some(c) = pending.first().and_then(|&p| counts.get_mut(p)) {
            c.cpu_secs = saring_io::process_cpu_secs() - t;
        }
    }
    for_my_tasks(plan, task, "boilerplate", PARTS, part_name, |p| {
        let c = counts.get(p).map(|c| (c.keys, c.cpu_secs)).unwrap_or_default();
        plan.mark_done(
            "boilerplate",
            &part_name(p),
            &BoilerplateCounts {
                keys: c.0,
                cpu_secs: c.1,
            },
        )
    })
}

/// The boilerplate lines of every part, which must all be done.
pub(super) fn load(plan: &Plan) -> Result<BoilerplateLines, DedupError> {
    let mut paths = Vec::with_capacity(PARTS);
    for p in 0..PARTS {
        plan.require::<BoilerplateCounts>("boilerplate", &part_name(p))?;
        paths.push(plan.path("boilerplate", &format!("{}.runs", part_name(p))));
    }
    let merged = merge_runs(&paths).map_err(|e| io_error(&plan.work, e))?;
    let keys = merged
        .map(|pair| pair.map(|(key, _)| key))
        .collect::<std::io::Result<Vec<u64>>>()
        .map_err(|e| io_error(&plan.work, e))?;
    Ok(BoilerplateLines::from_keys(keys))
}

/// Boilerplate keys and CPU seconds over all parts.
pub(super) fn totals(plan: &Plan) -> (u64, f64) {
    (0..PARTS)
        .filter_map(|p| plan.done::<BoilerplateCounts>("boilerplate", &part_name(p)))
        .fold((0, 0.0), |(keys, cpu), c| (keys + c.keys, cpu + c.cpu_secs))
}
