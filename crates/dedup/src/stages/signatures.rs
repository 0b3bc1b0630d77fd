//! Stage 3, per input shard: MinHash signatures of the documents without their boilerplate lines, from the
//! token lines of the `lines` stage's work copy. Writes
//! the shard's sketches and line units (read back by document in later stages) and, per band, its sorted
//! `(band key, document)` pairs.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{BATCH_DOCS, LinesCounts, SORT_BUFFER_PAIRS, StageOutcome, StageTask, check_count, for_my_tasks};
use crate::copy::CopyReader;
use crate::doc_hasher::{DocHasher, Scratch};
use crate::records::SketchWriter;
use crate::runs::RunWriter;
use crate::work::{Plan, address, io_error, shard_name};
use crate::{DedupConfig, DedupError};

/// Counts of one shard's signatures.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct SignatureCounts {
    /// Documents with a signature.
    pub signed: u64,
    /// Lines left out as boilerplate.
    pub boilerplate_lines_removed: u64,
    /// CPU seconds.
    pub cpu_secs: f64,
}

/// The run file of band `band` of input shard `shard`.
pub(super) fn band_file(shard: usize, band: usize) -> String {
    format!("{}.b{band:03}.runs", shard_name(shard))
}

pub(super) fn run(plan: &Plan, task: &StageTask, config: &DedupConfig) -> Result<StageOutcome, DedupError> {
    let doc_hasher = DocHasher::new(config.min_hasher(), config.min_tokens);
    let hasher = doc_hasher.min_hasher();
    let bands = hasher.bands();
    let mut boilerplate = None;
    for_my_tasks(plan, task, "signatures", plan.files.len(), shard_name, |shard| {
        let Some(file) = plan.files.get(shard) else {
            return Ok(());
        };
        let lines: LinesCounts = plan.require("lines", &shard_name(shard))?;
        if boilerplate.is_none() {
            boilerplate = Some(super::boilerplate::load(plan)?);
        }
        let Some(boilerplate) = boilerplate.as_ref() else {
            return Ok(());
        };
        let t = saring_io::process_cpu_secs();
        let name = shard_name(shard);
        let path = |file: &str| plan.path("signatures", file);
        let mut sketches = SketchWriter::create(
            &path(&format!("{name}.sketch")),
            &path(&format!("{name}.sidx")),
            hasher.num_perm(),
            plan.durability,
        )?;
        let mut band_runs = (0..bands)
            .map(|b| {
                let p = path(&band_file(shard, b));
                RunWriter::create(&p, SORT_BUFFER_PAIRS / bands, plan.durability).map_err(|e| io_error(&p, e))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut counts = SignatureCounts::default();
        let mut docs = 0u64;
        let mut copy = CopyReader::open(&plan.path("lines", &format!("{name}.tokens")))?;
        loop {
            let mut batch = Vec::with_capacity(BATCH_DOCS);
            while batch.len() < BATCH_DOCS
                && let Some(doc) = copy.next_tokens()?
            {
                batch.push(doc);
            }
            if batch.is_empty() {
                break;
            }
            let seconds: Vec<_> = batch
                .par_iter()
                .map_init(Scratch::default, |scratch, (host, tokens)| {
                    doc_hasher.signature_of_lines(*host, tokens, boilerplate, scratch)
                })
                .collect();
            for second in seconds {
                let index = u32::try_from(docs).map_err(|_| DedupError::TooManyDocuments)?;
                docs += 1;
                counts.boilerplate_lines_removed += u64::from(second.boilerplate_lines);
                sketches.write(second.signature.as_ref())?;
                if let Some(sig) = &second.signature {
                    counts.signed += 1;
                    for (b, (&key, runs)) in sig.band_keys.iter().zip(band_runs.iter_mut()).enumerate() {
                        runs.push((key, address(shard, index)))
                            .map_err(|e| io_error(&path(&band_file(shard, b)), e))?;
                    }
                }
            }
        }
        check_count("signatures", file, docs, lines.docs)?;
        sketches.finish()?;
        for (b, runs) in band_runs.into_iter().enumerate() {
            runs.finish()
                .map_err(|e| io_error(&path(&band_file(shard, b)), e))?;
        }
        counts.cpu_secs = saring_io::process_cpu_secs() - t;
        plan.mark_done("signatures", &name, &counts)
    })
}
