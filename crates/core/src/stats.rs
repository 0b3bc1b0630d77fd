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
    /// Documents read (kept or dropped; errored records not included) per input argument, as given on the
    /// command line: a file, a directory or a glob pattern.
    #[serde(default)]
    pub sources: BTreeMap<String, u64>,
    /// Kept documents by language label (`(none)` when no step labelled them).
    #[serde(default)]
    pub languages_kept: BTreeMap<String, u64>,
    /// Dropped documents by language label (`(none)` when dropped before, or without, a language step).
    #[serde(default)]
    pub languages_dropped: BTreeMap<String, u64>,
    /// Throughput over time, one timeline per rank, ordered by rank.
    #[serde(default)]
    pub timeline: Vec<Timeline>,
}

/// How far one rank had got at moments of its run: at most [`Timeline::MAX_POINTS`] points, however long
/// the run, so that a report can draw documents/s over time.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Timeline {
    /// The rank.
    pub rank: u32,
    /// Points in time order; the last is the end of the rank's run.
    pub points: Vec<TimelinePoint>,
}

/// Progress at one moment of a rank's run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct TimelinePoint {
    /// Seconds since the rank started.
    pub secs: f64,
    /// Records done (kept, dropped or errored) by then.
    pub docs: u64,
    /// Input bytes (as stored) read by then.
    pub bytes: u64,
}

impl Timeline {
    /// Most points kept: when full, every other point is dropped and points are taken half as often.
    pub const MAX_POINTS: usize = 200;

    /// An empty timeline of `rank`.
    pub fn new(rank: u32) -> Timeline {
        Timeline {
            rank,
            points: Vec::new(),
        }
    }

    /// Adds a point if at least `min_gap_secs` passed since the last one, thinning the points once there
    /// are [`Timeline::MAX_POINTS`]; returns the gap to pass next time (doubled on each thinning).
    pub fn record(&mut self, point: TimelinePoint, min_gap_secs: f64) -> f64 {
        if self
            .points
            .last()
            .is_some_and(|last| point.secs - last.secs < min_gap_secs)
        {
            return min_gap_secs;
        }
        self.points.push(point);
        if self.points.len() < Timeline::MAX_POINTS {
            return min_gap_secs;
        }
        let mut i = 0;
        self.points.retain(|_| {
            i += 1;
            i % 2 == 1
        });
        min_gap_secs * 2.0
    }

    /// Sets the last point to `point` (the end of the run), keeping at most [`Timeline::MAX_POINTS`].
    pub fn finish(&mut self, point: TimelinePoint) {
        if self.points.last().is_some_and(|last| last.secs >= point.secs) {
            self.points.pop();
        }
        if self.points.len() >= Timeline::MAX_POINTS {
            self.points.pop();
        }
        self.points.push(point);
    }
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
        add_counts(&mut self.sources, &other.sources);
        add_counts(&mut self.languages_kept, &other.languages_kept);
        add_counts(&mut self.languages_dropped, &other.languages_dropped);
        // Ranks run at different times, so their timelines are kept apart; a rank's later timeline (a
        // rerun) replaces its earlier one.
        for timeline in &other.timeline {
            self.timeline.retain(|t| t.rank != timeline.rank);
            self.timeline.push(timeline.clone());
        }
        self.timeline.sort_by_key(|t| t.rank);
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
    fn timelines_stay_short_and_merge_by_rank() {
        let mut timeline = Timeline::new(1);
        let mut gap = 0.5;
        for i in 0..10_000u32 {
            let point = TimelinePoint {
                secs: f64::from(i) * 0.1,
                docs: u64::from(i) * 10,
                bytes: u64::from(i) * 1000,
            };
            gap = timeline.record(point, gap);
            assert!(timeline.points.len() < Timeline::MAX_POINTS);
        }
        let end = TimelinePoint {
            secs: 1000.0,
            docs: 100_000,
            bytes: 10_000_000,
        };
        timeline.finish(end);
        assert!(timeline.points.len() <= Timeline::MAX_POINTS);
        assert!(
            timeline.points.len() > Timeline::MAX_POINTS / 4,
            "{}",
            timeline.points.len()
        );
        assert_eq!(timeline.points.last(), Some(&end));
        assert!(timeline.points.windows(2).all(|w| w[0].secs < w[1].secs));

        let mut a = RunStats {
            timeline: vec![Timeline::new(2)],
            ..RunStats::default()
        };
        a.languages_kept.insert("id".into(), 3);
        let mut b = RunStats {
            timeline: vec![timeline.clone()],
            ..RunStats::default()
        };
        b.languages_kept.insert("id".into(), 2);
        b.sources.insert("in/*.warc.gz".into(), 5);
        a += &b;
        a += &b;
        assert_eq!(a.timeline.iter().map(|t| t.rank).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(a.languages_kept["id"], 7);
        assert_eq!(a.sources["in/*.warc.gz"], 10);
    }

    #[test]
    fn stats_without_the_newer_fields_still_parse() {
        let old = r#"{"read":1,"kept":1,"dropped":0,"errored":0,"bytes_in":1,"bytes_out":1,"wall_secs":0.1,
            "cpu_secs":0.1,"files":1,"skipped":{},"errors":{},"steps":[]}"#;
        let stats: RunStats = serde_json::from_str(old).unwrap();
        assert!(stats.timeline.is_empty() && stats.sources.is_empty());
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
