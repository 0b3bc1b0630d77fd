//! Stage 6, per input shard: rewrites the shard (from the `lines` stage's work copy) keeping one document
//! per cluster, each survivor with `dedup_cluster_size` (and, in a cluster, `dedup_cluster_id`: the id of
//! the cluster's first document) in its metadata, as `OUT/SSSSS-NNNNN` shards; and the shard's lines of
//! the clusters TSV. The task that finds every shard written joins the TSV parts in order into the
//! clusters TSV and writes `OUT/stats.json`. Without an output directory it writes no documents and reads
//! none back (the ids of clustered documents come from the `lines` stage's id files), and the stats go
//! beside the clusters TSV ([`clusters_stats_path`]).

use std::collections::HashMap;
use std::path::Path;

use saring_io::ShardWriter;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::cluster::ASSIGN_BYTES;
use super::signatures::SignatureCounts;
use super::{LinesCounts, StageOutcome, StageTask, check_count, for_my_tasks, keep_messages};
use crate::copy::CopyReader;
use crate::records::{IdReader, RecordReader, ShardRecords};
use crate::work::{AtomicFile, Durability, Plan, address, io_error, shard_name, write_atomic};
use crate::{DedupConfig, DedupError, DedupStats, clusters_stats_path};

/// Counts of one shard's output.
#[derive(Debug, Default, Serialize, Deserialize)]
struct FilterCounts {
    kept: u64,
    removed: u64,
    docs_in_clusters: u64,
    cpu_secs: f64,
}

pub(super) fn run(plan: &Plan, task: &StageTask, config: &DedupConfig) -> Result<StageOutcome, DedupError> {
    let out_dir = task.out_dir.as_deref();
    let (clusters_tsv, stats_json) = match (out_dir, &task.clusters_tsv) {
        (Some(out_dir), clusters) => (
            clusters.clone().unwrap_or_else(|| out_dir.join("clusters.tsv")),
            out_dir.join("stats.json"),
        ),
        (None, Some(clusters)) => (clusters.clone(), clusters_stats_path(clusters)),
        (None, None) => {
            return Err(DedupError::Config(
                "the filter stage needs an output directory or a clusters TSV".to_owned(),
            ));
        }
    };
    super::cluster::counts(plan)?;
    let to_address = super::cluster::numbering(plan)?;
    let ids = ShardRecords::open(
        plan.files.len(),
        |s| plan.path("lines", &format!("{}.idx", shard_name(s))),
        Some(&|s| plan.path("lines", &format!("{}.ids", shard_name(s)))),
    )?;
    let mut outcome = for_my_tasks(plan, task, "filter", plan.files.len(), shard_name, |shard| {
        let Some(file) = plan.files.get(shard) else {
            return Ok(());
        };
        let t = saring_io::process_cpu_secs();
        let name = shard_name(shard);
        let lines: LinesCounts = plan.require("lines", &name)?;
        let mut writer = match out_dir {
            Some(out_dir) => {
                remove_shards(out_dir, &name)?;
                Some(ShardWriter::new(out_dir, shard as u32, &config.output)?)
            }
            None => None,
        };
        let mut copy = match out_dir {
            Some(_) => Some(CopyReader::open(&plan.path("lines", &format!("{name}.docs")))?),
            None => None,
        };
        let mut shard_ids = IdReader::open(
            &plan.path("lines", &format!("{name}.idx")),
            &plan.path("lines", &format!("{name}.ids")),
        )?;
        let mut assign = RecordReader::open(&plan.path("cluster", &format!("{name}.assign")), ASSIGN_BYTES)?;
        let tsv_path = plan.path("filter", &format!("{name}.tsv"));
        let mut tsv = plan.create(&tsv_path)?;
        let mut cluster_ids: HashMap<u32, String> = HashMap::new();
        let mut counts = FilterCounts::default();
        let mut docs = 0u64;
        loop {
            // With documents, the work copy says where the shard ends; without, the `lines` count.
            let mut doc = match &mut copy {
                Some(copy) => match copy.next_doc(file)? {
                    Some(doc) => Some(doc),
                    None => break,
                },
                None if docs < lines.docs => None,
                None => break,
            };
            let index = u32::try_from(docs).map_err(|_| DedupError::TooManyDocuments)?;
            docs += 1;
            let record = assign.next_record()?;
            let word = |at: usize| {
                record
                    .get(at..at + 4)
                    .and_then(|b| b.try_into().ok())
                    .map_or(0, u32::from_le_bytes)
            };
            let (rep, size, kept) = (word(0), word(4), record.get(8) == Some(&1));
            if size > 1 {
                let id = match &doc {
                    Some(doc) => doc.id.clone(),
                    None => shard_ids.id(index)?,
                };
                // A representative is its cluster's smallest index, so one in this shard comes first:
                // only those of earlier shards are looked up.
                let rep_address = to_address(rep);
                if rep_address == address(shard, index) {
                    cluster_ids.insert(rep, id.clone());
                }
                let cluster_id = match cluster_ids.get(&rep) {
                    Some(id) => id.clone(),
                    None => {
                        let id = ids.id(rep_address)?;
                        cluster_ids.insert(rep, id.clone());
                        id
                    }
                };
                tsv.write(format!("{}\t{}\n", escape(&id), escape(&cluster_id)).as_bytes())?;
                counts.docs_in_clusters += 1;
                if let Some(doc) = &mut doc {
                    doc.metadata
                        .insert("dedup_cluster_id".to_owned(), Value::String(cluster_id));
                }
            }
            if kept {
                if let (Some(writer), Some(mut doc)) = (&mut writer, doc) {
                    doc.metadata
                        .insert("dedup_cluster_size".to_owned(), Value::from(size));
                    writer.write(&doc)?;
                }
                counts.kept += 1;
            } else {
                counts.removed += 1;
            }
        }
        check_count("filter", file, docs, lines.docs)?;
        if let Some(writer) = writer {
            writer.finish()?;
        }
        tsv.finish()?;
        counts.cpu_secs = saring_io::process_cpu_secs() - t;
        plan.mark_done("filter", &name, &counts)
    })?;
    let all_done =
        (0..plan.files.len()).all(|s| plan.done::<FilterCounts>("filter", &shard_name(s)).is_some());
    if all_done {
        outcome.stats = Some(finish(plan, &stats_json, &clusters_tsv)?);
    }
    Ok(outcome)
}

/// Removes the output shards of input shard `name` an earlier, unfinished run left.
fn remove_shards(out_dir: &Path, name: &str) -> Result<(), DedupError> {
    let prefix = format!("{name}-");
    let hidden = format!(".{prefix}");
    let Ok(entries) = std::fs::read_dir(out_dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let file = file.to_string_lossy();
        if file.starts_with(&prefix) || file.starts_with(&hidden) {
            std::fs::remove_file(entry.path()).map_err(|e| io_error(&entry.path(), e))?;
        }
    }
    Ok(())
}

/// Joins the TSV parts into `clusters_tsv` and writes the stats to `stats_json`.
fn finish(plan: &Plan, stats_json: &Path, clusters_tsv: &Path) -> Result<DedupStats, DedupError> {
    if let Some(parent) = clusters_tsv.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
    }
    let mut tsv = AtomicFile::create(clusters_tsv, Durability::Synced)?;
    let mut stats = DedupStats {
        files: plan.files.len() as u64,
        errored: plan.listing_errors.len() as u64,
        ..DedupStats::default()
    };
    keep_messages(&mut stats.first_errors, plan.listing_errors.iter().cloned());
    for shard in 0..plan.files.len() {
        let name = shard_name(shard);
        let part = plan.path("filter", &format!("{name}.tsv"));
        tsv.write(&std::fs::read(&part).map_err(|e| io_error(&part, e))?)?;
        let lines: LinesCounts = plan.require("lines", &name)?;
        let sigs: SignatureCounts = plan.require("signatures", &name)?;
        let filter: FilterCounts = plan.require("filter", &name)?;
        stats.read += lines.docs + lines.errored;
        stats.errored += lines.errored;
        keep_messages(&mut stats.first_errors, lines.first_errors);
        stats.kept += filter.kept;
        stats.removed += filter.removed;
        stats.docs_in_clusters += filter.docs_in_clusters;
        stats.signed += sigs.signed;
        stats.boilerplate_lines_removed += sigs.boilerplate_lines_removed;
        stats.lines_cpu_secs += lines.cpu_secs;
        stats.signature_cpu_secs += sigs.cpu_secs;
        stats.read_cpu_secs += filter.cpu_secs;
    }
    stats.read += plan.listing_errors.len() as u64;
    tsv.finish()?;
    let (keys, cpu) = super::boilerplate::totals(plan);
    stats.boilerplate_keys = keys;
    stats.lines_cpu_secs += cpu;
    let cluster = super::cluster::counts(plan)?;
    stats.cluster = cluster.stats;
    stats.over_merged = cluster.over_merged;
    stats.duplicate_clusters = cluster.duplicate_clusters;
    stats.largest_cluster = cluster.largest_cluster;
    stats.cluster_cpu_secs = cluster.cpu_secs;
    stats.cpu_secs =
        stats.lines_cpu_secs + stats.signature_cpu_secs + stats.cluster_cpu_secs + stats.read_cpu_secs;
    write_stats(stats_json, &stats)?;
    Ok(stats)
}

/// Writes the stats of a run to `path` (`OUT/stats.json`, or beside a clusters-only run's TSV), creating
/// its directory.
pub(crate) fn write_stats(path: &Path, stats: &DedupStats) -> Result<(), DedupError> {
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
    }
    let mut json = serde_json::to_vec_pretty(stats).map_err(|e| io_error(path, e.into()))?;
    json.push(b'\n');
    write_atomic(path, &json)
}

/// An id made safe for one TSV field.
fn escape(id: &str) -> String {
    if id.contains(['\t', '\n', '\r', '\\']) {
        id.replace('\\', "\\\\")
            .replace('\t', "\\t")
            .replace('\n', "\\n")
            .replace('\r', "\\r")
    } else {
        id.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_ids() {
        assert_eq!(escape("a\tb\nc\\"), "a\\tb\\nc\\\\");
        assert_eq!(escape("plain"), "plain");
    }
}
