//! One-shot dedup on one machine: read the inputs three times (line counts, signatures, output), cluster
//! in memory, write the surviving documents, the clusters TSV and `stats.json`.
//!
//! Reading is sequential and in input order; the per-document work of each batch runs on a rayon pool,
//! and its results are collected back in input order, so every output is the same for any thread count.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use saring_core::Document;
use saring_io::{ReaderConfig, ShardWriter, list_inputs, open_input};
use serde::Serialize;
use serde_json::Value;

use crate::boilerplate::{BoilerplateLines, LineCounter};
use crate::cluster::{ClusterStats, Clusters, DocKeys, OverMerged, SignatureStore, cluster};
use crate::doc_hasher::{DocHasher, Scratch};
use crate::{DedupConfig, DedupError, Keep};

/// Documents handed to the worker threads at a time.
const BATCH_DOCS: usize = 4096;
/// Error messages kept in the stats.
const MAX_ERROR_MESSAGES: usize = 20;

/// How to run (not what to compute): flags, not config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// Worker threads; 0 means one per CPU. The output does not depend on it.
    pub threads: usize,
}

/// What a one-shot run did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DedupStats {
    /// Input files read.
    pub files: u64,
    /// Documents read (including errored records).
    pub read: u64,
    /// Documents written.
    pub kept: u64,
    /// Documents removed as duplicates of a kept one.
    pub removed: u64,
    /// Records or files that could not be read.
    pub errored: u64,
    /// Clusters of two or more documents.
    pub duplicate_clusters: u64,
    /// Documents in such clusters (lines of the clusters TSV).
    pub docs_in_clusters: u64,
    /// Size of the largest cluster.
    pub largest_cluster: u64,
    /// Documents with a MinHash signature (the others are matched as exact copies only).
    pub signed: u64,
    /// Distinct (host, line) pairs found to be boilerplate.
    pub boilerplate_keys: u64,
    /// Lines removed as boilerplate before shingling, over all documents.
    pub boilerplate_lines_removed: u64,
    /// Counts from clustering.
    pub cluster: ClusterStats,
    /// Clusters broken up by the size cap or looking over-merged (mostly one host).
    pub over_merged: Vec<OverMerged>,
    /// CPU seconds (all threads) counting boilerplate lines, reading excluded.
    pub lines_cpu_secs: f64,
    /// CPU seconds computing signatures, reading excluded.
    pub signature_cpu_secs: f64,
    /// CPU seconds clustering.
    pub cluster_cpu_secs: f64,
    /// CPU seconds reading and parsing inputs, over all passes.
    pub read_cpu_secs: f64,
    /// CPU seconds of the whole run.
    pub cpu_secs: f64,
    /// Wall-clock seconds of the whole run.
    pub wall_secs: f64,
    /// The first error messages (file, record, offset).
    pub first_errors: Vec<String>,
}

/// One-shot dedup with one worker thread per CPU; see [`dedup_files_with`].
pub fn dedup_files(
    inputs: &[String],
    out_dir: &Path,
    clusters_tsv: &Path,
    config: &DedupConfig,
) -> Result<DedupStats, DedupError> {
    dedup_files_with(inputs, out_dir, clusters_tsv, config, &RunOptions { threads: 0 })
}

/// Deduplicates the documents of `inputs` (files, directories, globs; JSONL with `id`, `text` and an
/// optional `url` by default) into shards in `out_dir`, keeping one document per duplicate cluster.
///
/// Writes `out_dir/00000-NNNNN.jsonl.zst` shards (per `config.output`) with the survivors in input order,
/// each carrying `dedup_cluster_size` (1 for a unique document) and, when in a cluster,
/// `dedup_cluster_id` in its metadata; `clusters_tsv` with `id<TAB>cluster_id` for every document in a
/// cluster of two or more, in input order (the cluster id is the id of its first document; tabs and
/// newlines in ids are written as `\t` and `\n`); and `out_dir/stats.json`.
pub fn dedup_files_with(
    inputs: &[String],
    out_dir: &Path,
    clusters_tsv: &Path,
    config: &DedupConfig,
    options: &RunOptions,
) -> Result<DedupStats, DedupError> {
    config.validate()?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .build()
        .map_err(|e| DedupError::Threads {
            threads: options.threads,
            message: e.to_string(),
        })?;
    pool.install(|| run(inputs, out_dir, clusters_tsv, config))
}

fn run(
    inputs: &[String],
    out_dir: &Path,
    clusters_tsv: &Path,
    config: &DedupConfig,
) -> Result<DedupStats, DedupError> {
    let start_wall = std::time::Instant::now();
    let start_cpu = process_cpu_secs();
    let mut stats = DedupStats::default();
    let (files, list_errors) = list_inputs(inputs);
    stats.files = files.len() as u64;
    for error in list_errors {
        note_error(&mut stats, error.to_string());
    }
    let doc_hasher = DocHasher::new(config.min_hasher(), config.min_tokens);

    // Pass 1: keys of every document, and boilerplate line counts.
    let mut keys: Vec<DocKeys> = Vec::new();
    let mut text_bytes: Vec<u32> = Vec::new();
    let mut counter = config
        .boilerplate_lines
        .then(|| LineCounter::new(config.boilerplate_min_docs));
    let lines = counter.is_some();
    let mut errors = Vec::new();
    read_batches(&files, &config.input, Some(&mut errors), |batch| {
        let t = process_cpu_secs();
        let firsts: Vec<_> = batch
            .par_iter()
            .map_init(Scratch::default, |scratch, doc| {
                doc_hasher.first_pass(&doc.text, doc.url.as_deref(), lines, scratch)
            })
            .collect();
        for mut first in firsts {
            if let (Some(counter), Some(host), Some(text_hash)) =
                (counter.as_mut(), first.keys.host, first.keys.text_hash)
            {
                counter.add(host, text_hash, &mut first.line_keys);
            }
            keys.push(first.keys);
            text_bytes.push(first.text_bytes);
        }
        stats.lines_cpu_secs += process_cpu_secs() - t;
        Ok(())
    })?;
    for error in errors {
        note_error(&mut stats, error);
    }
    let n = keys.len();
    if u32::try_from(n).is_err() {
        return Err(DedupError::TooManyDocuments);
    }
    for k in &mut keys {
        // Keys of the kinds of exact matching that are off are forgotten.
        if !config.exact {
            k.text_hash = None;
        }
        if !config.exact_url {
            k.url_hash = None;
        }
    }
    let t = process_cpu_secs();
    let boilerplate = counter.map(LineCounter::finish).unwrap_or_default();
    stats.lines_cpu_secs += process_cpu_secs() - t;
    stats.boilerplate_keys = boilerplate.len() as u64;

    // Pass 2: signatures.
    let hasher = doc_hasher.min_hasher();
    let mut sigs = SignatureStore::new(hasher.bands(), hasher.num_perm());
    signatures(&files, config, &doc_hasher, &boilerplate, &mut sigs, &mut stats)?;
    if sigs.len() != n {
        return Err(DedupError::InputChanged {
            pass: 2,
            seen: sigs.len() as u64,
            expected: n as u64,
        });
    }
    drop(boilerplate);
    stats.signed = sigs.signed() as u64;

    // Clustering.
    let t = process_cpu_secs();
    let clusters = cluster(&sigs, &keys, &config.cluster_params());
    drop(sigs);
    let keepers = keepers(&clusters, &text_bytes, config.keep);
    stats.cluster_cpu_secs = process_cpu_secs() - t;
    stats.cluster = clusters.stats.clone();
    stats.over_merged = clusters.over_merged.clone();
    stats.duplicate_clusters = clusters.duplicate_clusters() as u64;
    stats.largest_cluster = u64::from(clusters.largest());

    // Pass 3: output.
    write_output(
        &files,
        config,
        out_dir,
        clusters_tsv,
        &clusters,
        &keepers,
        &mut stats,
    )?;
    stats.read = n as u64 + stats.errored;
    stats.read_cpu_secs = 0.0;
    stats.cpu_secs = process_cpu_secs() - start_cpu;
    stats.wall_secs = start_wall.elapsed().as_secs_f64();
    stats.read_cpu_secs =
        (stats.cpu_secs - stats.lines_cpu_secs - stats.signature_cpu_secs - stats.cluster_cpu_secs).max(0.0);
    write_stats(out_dir, &stats)?;
    Ok(stats)
}

fn signatures(
    files: &[PathBuf],
    config: &DedupConfig,
    doc_hasher: &DocHasher,
    boilerplate: &BoilerplateLines,
    sigs: &mut SignatureStore,
    stats: &mut DedupStats,
) -> Result<(), DedupError> {
    read_batches(files, &config.input, None, |batch| {
        let t = process_cpu_secs();
        let seconds: Vec<_> = batch
            .par_iter()
            .map_init(Scratch::default, |scratch, doc| {
                doc_hasher.second_pass(&doc.text, doc.url.as_deref(), boilerplate, scratch)
            })
            .collect();
        for second in seconds {
            sigs.push(second.signature.as_ref());
            stats.boilerplate_lines_removed += u64::from(second.boilerplate_lines);
        }
        stats.signature_cpu_secs += process_cpu_secs() - t;
        Ok(())
    })
}

/// For each cluster representative, the document that survives.
fn keepers(clusters: &Clusters, text_bytes: &[u32], keep: Keep) -> Vec<u32> {
    let mut keeper: Vec<u32> = (0..clusters.len() as u32).collect();
    if keep == Keep::Longest {
        for (doc, &bytes) in text_bytes.iter().enumerate().take(clusters.len()) {
            let rep = clusters.representative(doc);
            if let Some(current) = keeper.get(rep).copied() {
                let current_bytes = text_bytes.get(current as usize).copied().unwrap_or(0);
                if bytes > current_bytes
                    && let Some(slot) = keeper.get_mut(rep)
                {
                    *slot = doc as u32;
                }
            }
        }
    }
    keeper
}

fn write_output(
    files: &[PathBuf],
    config: &DedupConfig,
    out_dir: &Path,
    clusters_tsv: &Path,
    clusters: &Clusters,
    keepers: &[u32],
    stats: &mut DedupStats,
) -> Result<(), DedupError> {
    let mut writer = ShardWriter::new(out_dir, 0, &config.output)?;
    let tsv_tmp = tmp_path(clusters_tsv);
    if let Some(parent) = clusters_tsv.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
    }
    let mut tsv = BufWriter::new(File::create(&tsv_tmp).map_err(|e| io_error(&tsv_tmp, e))?);
    // Ids of cluster representatives, by document index; a representative is its cluster's first
    // document, so its id is known before any other member is written.
    let mut rep_ids: std::collections::HashMap<usize, String> = std::collections::HashMap::new();
    let mut over_merged_ids: std::collections::HashMap<u64, usize> = stats
        .over_merged
        .iter()
        .enumerate()
        .map(|(i, o)| (o.first_doc, i))
        .collect();
    let mut index = 0usize;
    let result = read_batches(files, &config.input, None, |batch| {
        for mut doc in batch {
            let i = index;
            index += 1;
            if let Some(slot) = over_merged_ids.remove(&(i as u64))
                && let Some(o) = stats.over_merged.get_mut(slot)
            {
                o.first_id = doc.id.clone();
            }
            let size = clusters.size(i);
            let rep = clusters.representative(i);
            if size > 1 {
                if rep == i {
                    rep_ids.insert(i, doc.id.clone());
                }
                let cluster_id = rep_ids.get(&rep).cloned().unwrap_or_default();
                writeln!(tsv, "{}\t{}", escape(&doc.id), escape(&cluster_id))
                    .map_err(|e| io_error(&tsv_tmp, e))?;
                stats.docs_in_clusters += 1;
                doc.metadata
                    .insert("dedup_cluster_id".to_owned(), Value::String(cluster_id));
            }
            doc.metadata
                .insert("dedup_cluster_size".to_owned(), Value::from(size));
            if keepers.get(rep).is_some_and(|&k| k as usize == i) {
                writer.write(&doc)?;
                stats.kept += 1;
            } else {
                stats.removed += 1;
            }
        }
        Ok(())
    });
    result?;
    if index != clusters.len() {
        return Err(DedupError::InputChanged {
            pass: 3,
            seen: index as u64,
            expected: clusters.len() as u64,
        });
    }
    writer.finish()?;
    let file = tsv.into_inner().map_err(|e| io_error(&tsv_tmp, e.into_error()))?;
    file.sync_all().map_err(|e| io_error(&tsv_tmp, e))?;
    std::fs::rename(&tsv_tmp, clusters_tsv).map_err(|e| io_error(clusters_tsv, e))?;
    Ok(())
}

/// Reads every document of `files` in order, in batches. Read errors are collected into `errors` when
/// given (the first pass) and skipped otherwise.
fn read_batches(
    files: &[PathBuf],
    reader: &ReaderConfig,
    mut errors: Option<&mut Vec<String>>,
    mut f: impl FnMut(Vec<Document>) -> Result<(), DedupError>,
) -> Result<(), DedupError> {
    let mut batch = Vec::with_capacity(BATCH_DOCS);
    for path in files {
        let docs = match open_input(path, reader) {
            Ok(docs) => docs,
            Err(e) => {
                if let Some(errors) = errors.as_deref_mut() {
                    errors.push(e.to_string());
                }
                continue;
            }
        };
        for doc in docs {
            match doc {
                Ok(doc) => {
                    batch.push(doc);
                    if batch.len() >= BATCH_DOCS {
                        f(std::mem::replace(&mut batch, Vec::with_capacity(BATCH_DOCS)))?;
                    }
                }
                Err(e) => {
                    if let Some(errors) = errors.as_deref_mut() {
                        errors.push(e.to_string());
                    }
                }
            }
        }
    }
    if !batch.is_empty() {
        f(batch)?;
    }
    Ok(())
}

fn note_error(stats: &mut DedupStats, message: String) {
    stats.errored += 1;
    if stats.first_errors.len() < MAX_ERROR_MESSAGES {
        stats.first_errors.push(message);
    }
}

fn write_stats(out_dir: &Path, stats: &DedupStats) -> Result<(), DedupError> {
    std::fs::create_dir_all(out_dir).map_err(|e| io_error(out_dir, e))?;
    let path = out_dir.join("stats.json");
    let tmp = tmp_path(&path);
    let mut json = serde_json::to_vec_pretty(stats).map_err(|e| io_error(&path, e.into()))?;
    json.push(b'\n');
    std::fs::write(&tmp, json).map_err(|e| io_error(&tmp, e))?;
    std::fs::rename(&tmp, &path).map_err(|e| io_error(&path, e))
}

fn tmp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp"))
}

fn io_error(path: &Path, source: std::io::Error) -> DedupError {
    DedupError::Io {
        path: path.display().to_string(),
        source,
    }
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

/// User plus system CPU time used so far by every thread of this process, in seconds.
fn process_cpu_secs() -> f64 {
    // SAFETY: getrusage only writes into the struct we pass; a zeroed rusage is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: RUSAGE_SELF is a valid `who`, and `usage` is a valid, writable rusage.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return 0.0;
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
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
