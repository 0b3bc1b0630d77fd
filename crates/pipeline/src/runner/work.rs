//! The workers: every document of a batch through the steps, with the books of each step.

use std::time::Instant;

use crossbeam_channel::{Receiver, Sender};
use saring_core::{StepStats, Verdict};

use super::dropped::DroppedDoc;
use super::{Batch, ErrorRecord, Item, Processed};
use crate::registry::Pipeline;

/// A worker: runs every document of each batch through the steps.
pub(super) fn process_all(pipeline: &Pipeline, batch_rx: Receiver<Batch>, done_tx: Sender<Processed>) {
    for batch in batch_rx {
        let processed = process_batch(pipeline, batch);
        if done_tx.send(processed).is_err() {
            return;
        }
    }
}

fn process_batch(pipeline: &Pipeline, batch: Batch) -> Processed {
    let steps = pipeline.steps();
    let mut out = Processed {
        seq: batch.seq,
        read: batch.items.len() as u64,
        kept: Vec::with_capacity(batch.items.len()),
        dropped: Vec::new(),
        errors: Vec::new(),
        steps: steps.iter().map(|s| StepStats::named(s.name())).collect(),
    };
    'docs: for item in batch.items {
        let mut doc = match item {
            Item::Doc(doc) => doc,
            Item::Failed(error) => {
                out.errors.push(error);
                continue;
            }
        };
        for (index, (step, step_stats)) in steps.iter().zip(out.steps.iter_mut()).enumerate() {
            let started = Instant::now();
            let verdict = step.process(&mut doc);
            step_stats.secs += started.elapsed().as_secs_f64();
            step_stats.total += 1;
            match verdict {
                Verdict::Keep => step_stats.kept += 1,
                Verdict::Drop(reason) => {
                    step_stats.dropped += 1;
                    *step_stats
                        .drop_reasons
                        .entry(reason.as_str().to_owned())
                        .or_default() += 1;
                    doc.html = None;
                    out.dropped.push(DroppedDoc {
                        doc,
                        step: index,
                        reason: reason.as_str().to_owned(),
                    });
                    continue 'docs;
                }
                Verdict::Error(message) => {
                    step_stats.errored += 1;
                    let p = &doc.provenance;
                    out.errors.push(ErrorRecord {
                        kind: format!("step:{}", step.name()),
                        message: format!(
                            "{}: record {} at byte {}: step {}: {message}",
                            p.path,
                            p.record,
                            p.offset,
                            step.name()
                        ),
                    });
                    continue 'docs;
                }
            }
        }
        out.kept.push(doc);
    }
    out
}
