use std::collections::BTreeMap;
use std::ops::AddAssign;

use serde::{Deserialize, Serialize};

/// The books of one run (or one rank, or one shard): written as `stats.json`.
///
/// The counts always reconcile: `read = kept + dropped + errored`. Stats of parts of a run add up with
/// `+=`, so threads, shards and ranks can each keep their own and merge at the end.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunStats {
    /// Documents read from the inputs, including records that failed to parse.
    pub read: u64,
    /// Documents written to the output.
    pub kept: u64,
    /// Documents a step removed on purpose.
    pub dropped: u64,
    /// Documents lost to an error: a record that could not be parsed, or a step that failed on it.
    pub errored: u64,
    /// Bytes read from the input files, as stored (compressed bytes for compressed inputs).
    pub bytes_in: u64,
    /// Bytes written to the output shards, as stored.
    pub bytes_out: u64,
    /// Wall-clock duration of the run.
    pub wall_secs: f64,
    /// CPU time (user + system) the run used, over all threads.
    pub cpu_secs: f64,
    /// Input files opened.
    pub files: u64,
    /// Records present in the inputs but not documents (WARC `request`, `metadata`, …), by kind.
    pub skipped: BTreeMap<String, u64>,
    /// Errors by kind (`truncated_gzip`, `bad_content_length`, `step:extract`, …).
    pub errors: BTreeMap<String, u64>,
    /// Per step, in pipeline order: what went in and what came out.
    pub steps: Vec<StepStats>,
}

/// What one step saw and decided.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StepStats {
    /// The step's name (its config `type`).
    pub name: String,
    /// Documents the step was given.
    pub total: u64,
    /// Documents it passed on.
    pub kept: u64,
    /// Documents it dropped, in all.
    pub dropped: u64,
    /// Documents it failed on.
    pub errored: u64,
    /// Dropped documents by [`crate::DropReason`] string.
    pub drop_reasons: BTreeMap<String, u64>,
    /// CPU time spent in the step, summed over threads.
    pub secs: f64,
}

impl StepStats {
    /// Empty stats for the step called `name`.
    pub fn named(name: &str) -> StepStats {
        StepStats {
            name: name.to_owned(),
            ..StepStats::default()
        }
    }
}

impl AddAssign<&StepStats> for StepStats {
    fn add_assign(&mut self, other: &StepStats) {
        self.total += other.total;
        self.kept += other.kept;
        self.dropped += other.dropped;
        self.errored += other.errored;
        add_counts(&mut self.drop_reasons, &other.drop_reasons);
        self.secs += other.secs;
    }
}

impl AddAssign<&RunStats> for RunStats {
    /// Adds another part of the run. Steps are matched by position; `wall_secs` takes the longer of the two,
    /// since parts of one run overlap in time.
    fn add_assign(&mut self, other: &RunStats) {
        self.read += other.read;
        self.kept += other.kept;
        self.dropped += other.dropped;
        self.errored += other.errored;
        self.bytes_in += other.bytes_in;
        self.bytes_out += other.bytes_out;
        self.wall_secs = self.wall_secs.max(other.wall_secs);
        self.cpu_secs += other.cpu_secs;
        self.files += other.files;
        add_counts(&mut self.skipped, &other.skipped);
        add_counts(&mut self.errors, &other.errors);
        for (i, step) in other.steps.iter().enumerate() {
            match self.steps.get_mut(i) {
                Some(mine) => *mine += step,
                None => self.steps.push(step.clone()),
            }
        }
    }
}

fn add_counts(into: &mut BTreeMap<String, u64>, from: &BTreeMap<String, u64>) {
    for (key, n) in from {
        *into.entry(key.clone()).or_default() += n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_add_up() {
        let mut a = RunStats {
            read: 3,
            kept: 2,
            dropped: 1,
            wall_secs: 2.0,
            ..RunStats::default()
        };
        a.steps.push(StepStats {
            name: "extract".into(),
            total: 3,
            kept: 2,
            dropped: 1,
            ..StepStats::default()
        });
        a.steps[0].drop_reasons.insert("empty_text".into(), 1);
        let mut b = a.clone();
        b.wall_secs = 5.0;
        b.errored = 1;
        b.read = 4;
        a += &b;
        assert_eq!((a.read, a.kept, a.dropped, a.errored), (7, 4, 2, 1));
        assert_eq!(a.wall_secs, 5.0);
        assert_eq!(a.steps[0].total, 6);
        assert_eq!(a.steps[0].drop_reasons["empty_text"], 2);
    }

    #[test]
    fn stats_json_has_the_documented_top_level_keys() {
        let json = serde_json::to_value(RunStats::default()).unwrap();
        for key in [
            "read",
            "kept",
            "dropped",
            "errored",
            "bytes_in",
            "bytes_out",
            "wall_secs",
            "cpu_secs",
            "steps",
        ] {
            assert!(json.get(key).is_some(), "missing {key}");
        }
    }
}
