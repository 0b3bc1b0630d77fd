//! Stage 1, per input shard: each document's keys. Writes the shard's `(line key, text key)` pairs for the
//! boilerplate count (a text key is the host and exact text hash, so copies of one page count once), its
//! `(text hash, document)` and `(URL key, document)` pairs for exact matching, and per document its host,
//! length, keep score and id; and the shard's work copy ([`copy`](crate::copy)): the documents (unless
//! the run writes only clusters) and their token lines, which the later stages read instead of the
//! input. Unreadable records are counted here, once.

use rayon::prelude::*;

use super::{
    LinesCounts, SORT_BUFFER_PAIRS, StageOutcome, StageTask, for_my_tasks, keep_messages, read_batches,
};
use crate::copy::CopyWriter;
use crate::doc_hasher::{DocHasher, Scratch};
use crate::records::{DocInfo, IdWriter};
use crate::runs::RunWriter;
use crate::work::{Plan, address, io_error, shard_name};
use crate::{DedupConfig, DedupError};

/// Runs rank `task.rank`'s shards; `documents`: whether to keep the documents in the work copy (the
/// `filter` stage of a run that writes them reads them back).
pub(super) fn run(
    plan: &Plan,
    task: &StageTask,
    config: &DedupConfig,
    documents: bool,
) -> Result<StageOutcome, DedupError> {
    let doc_hasher = DocHasher::new(config.min_hasher(), config.min_tokens);
    for_my_tasks(plan, task, "lines", plan.files.len(), shard_name, |shard| {
        let Some(file) = plan.files.get(shard) else {
            return Ok(());
        };
        let t = saring_io::process_cpu_secs();
        let name = shard_name(shard);
        let path = |ext: &str| plan.path("lines", &format!("{name}.{ext}"));
        let runs = |ext: &str| {
            let p = path(ext);
            RunWriter::create(&p, SORT_BUFFER_PAIRS / 2, plan.durability).map_err(|e| io_error(&p, e))
        };
        let (mut lines, mut exact, mut urls) = (runs("lines.runs")?, runs("exact.runs")?, runs("urls.runs")?);
        let mut info = plan.create(&path("info"))?;
        let mut ids = IdWriter::create(&path("ids"), &path("idx"), plan.durability)?;
        let mut copy = CopyWriter::create(
            documents.then(|| path("docs")).as_deref(),
            &path("tokens"),
            plan.durability,
        )?;
        let mut errors = Vec::new();
        let mut docs = 0u64;
        read_batches(file, &config.input, &mut errors, |batch| {
            let firsts: Vec<_> = batch
                .par_iter()
                .map_init(Scratch::default, |scratch, doc| {
                    doc_hasher.first_pass(&doc.text, doc.url.as_deref(), config.boilerplate_lines, scratch)
                })
                .collect();
            for (doc, first) in batch.iter().zip(firsts) {
                let index = u32::try_from(docs).map_err(|_| DedupError::TooManyDocuments)?;
                let at = address(shard, index);
                docs += 1;
                let keys = first.keys;
                if let (Some(host), Some(text_hash)) = (keys.host, keys.text_hash) {
                    let text_key = host ^ text_hash.rotate_left(17);
                    // A line repeated in the document is pushed as often (0.3% more pairs on the 100k
                    // corpus): its pairs sort next to each other, and the boilerplate stage counts
                    // distinct texts, so a sort and dedup per document would be work for nothing.
                    for &key in &first.line_keys {
                        lines
                            .push((key, text_key))
                            .map_err(|e| io_error(&path("lines.runs"), e))?;
                    }
                }
                if let Some(text_hash) = keys.text_hash.filter(|_| config.exact) {
                    exact
                        .push((text_hash, at))
                        .map_err(|e| io_error(&path("exact.runs"), e))?;
                }
                if let Some(url_hash) = keys.url_hash.filter(|_| config.exact_url) {
                    urls.push((url_hash, at))
                        .map_err(|e| io_error(&path("urls.runs"), e))?;
                }
                let record = DocInfo {
                    host: keys.host,
                    text_bytes: first.text_bytes,
                    score: config.keep.score(doc, first.text_bytes),
                };
                info.write(&record.encode())?;
                ids.write(&doc.id)?;
                copy.write(doc, keys.host, &first.tokens)?;
            }
            Ok(())
        })?;
        for (writer, ext) in [(lines, "lines.runs"), (exact, "exact.runs"), (urls, "urls.runs")] {
            writer.finish().map_err(|e| io_error(&path(ext), e))?;
        }
        info.finish()?;
        ids.finish()?;
        copy.finish()?;
        let mut counts = LinesCounts {
            docs,
            errored: errors.len() as u64,
            ..LinesCounts::default()
        };
        keep_messages(&mut counts.first_errors, errors);
        counts.cpu_secs = saring_io::process_cpu_secs() - t;
        plan.mark_done("lines", &name, &counts)
    })
}
