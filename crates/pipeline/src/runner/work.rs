//! The workers: every document of a batch through the steps, with what became of each.

use std::time::Instant;

use crossbeam_channel::{Receiver, Sender};
use saring_core::Verdict;

use super::dropped::DroppedDoc;
use super::{Batch, ErrorRecord, Fate, Item, Outcome, Processed};
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
        outcomes: Vec::with_capacity(batch.items.len()),
        step_secs: vec![0.0; steps.len()],
    };
    'docs: for (item, after) in batch.items {
        let mut doc = match item {
            Item::Doc(doc) => doc,
            Item::Failed(error) => {
                out.outcomes.push(Outcome {
                    after,
                    fate: Fate::Errored { step: None, error },
                });
                continue;
            }
        };
        for (index, (step, secs)) in steps.iter().zip(out.step_secs.iter_mut()).enumerate() {
            let started = Instant::now();
            let verdict = step.process(&mut doc);
            *secs += started.elapsed().as_secs_f64();
            let fate = match verdict {
                Verdict::Keep => continue,
                Verdict::Drop(reason) => {
                    doc.html = None;
                    Fate::Dropped(DroppedDoc {
                        doc,
                        step: index,
                        reason: reason.as_str(),
                    })
                }
                Verdict::Error(message) => {
                    let p = &doc.provenance;
                    Fate::Errored {
                        step: Some(index),
                        error: ErrorRecord {
                            kind: format!("step:{}", step.name()),
                            message: format!(
                                "{}: record {} at byte {}: step {}: {message}",
                                p.path,
                                p.record,
                                p.offset,
                                step.name()
                            ),
                        },
                    }
                }
            };
            out.outcomes.push(Outcome { after, fate });
            continue 'docs;
        }
        out.outcomes.push(Outcome {
            after,
            fate: Fate::Kept(doc),
        });
    }
    out
}
