//! Resume within a rank: `kill -9` at seeded-random moments, then reruns, give byte for byte the output of
//! an uninterrupted run (shards, `dropped/`, `excluded/`, error log, markers, the dataset card and
//! `run.json`; stats minus their timing fields and the timeline's points but the last one's counts).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::*;

/// Extract (WARC pages; JSONL documents pass), then min_length, into shards of about 20 kB of records.
const CONFIG: &str = "[[step]]\ntype = \"extract\"\n[[step]]\ntype = \"min_length\"\nmin_chars = 100\n[output]\nmax_shard_bytes = 20000\n";

/// Added to [`CONFIG`]: every dropped document also written whole to `excluded/` (in shards as the data),
/// and a sample of 3 per (step, reason) in `dropped/`.
const WRITE_ALL: &str = "[dropped]\nwrite_all = true\nsample_per_reason = 3\n";

/// Fields of the stats files that measure time, not work: they may differ between runs.
const TIMING_FIELDS: [&str; 2] = ["wall_secs", "cpu_secs"];
/// The timing field of each step's stats.
const STEP_TIMING_FIELD: &str = "secs";

/// A small seeded generator (splitmix64), so the kill points are random but the same on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) % n.max(1)
    }
}

/// `n` JSONL documents of varied length; every `bad_every`-th line (if any) is not JSON.
fn jsonl(name: &str, n: usize, bad_every: Option<usize>) -> Vec<u8> {
    let mut text = String::new();
    for i in 0..n {
        if bad_every.is_some_and(|k| i % k == k - 1) {
            text.push_str("{not json\n");
            continue;
        }
        let body = format!("{name} document {i} says ") + &"something worth keeping ".repeat(i % 13);
        let line = serde_json::json!({"id": format!("{name}-{i}"), "text": body});
        text.push_str(&line.to_string());
        text.push('\n');
    }
    text.into_bytes()
}

/// The `saring run` command over `inputs` into `out`, with the test's config and two threads.
fn command(dir: &Dir, inputs: &[String], out: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_saring"));
    command
        .arg("run")
        .args(inputs)
        .args(["-o", out, "--config", "pipeline.toml", "--threads", "2"])
        .current_dir(dir.path("."));
    command
}

/// Each file under `out` by relative path: its bytes, or for the stats files their JSON without the
/// timing fields. `report.html` is listed but not compared (it shows timings); in `run.json` and the
/// dataset card `README.md` the output directory's name (in the command) reads `OUT`.
fn snapshot(out: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, files: &mut BTreeMap<String, String>) {
        let out_name = root.file_name().unwrap().to_string_lossy().into_owned();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, files);
                continue;
            }
            let name = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            let bytes = std::fs::read(&path).unwrap();
            let shown = if name == "report.html" {
                String::new()
            } else if name == "stats.json" || (name.starts_with("stats/") && name.ends_with(".json")) {
                let mut stats: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                without_timings(&mut stats);
                format!("{stats:#}")
            } else if name.ends_with(".zst") {
                // Compared as bytes; shown decompressed so a mismatch is readable.
                let text = zstd::stream::decode_all(bytes.as_slice()).unwrap();
                format!("{} bytes: {}", bytes.len(), String::from_utf8_lossy(&text))
            } else if name == "run.json" || name == "README.md" {
                String::from_utf8_lossy(&bytes).replace(&out_name, "OUT")
            } else {
                String::from_utf8_lossy(&bytes).into_owned()
            };
            files.insert(name, shown);
        }
    }
    let mut files = BTreeMap::new();
    walk(out, out, &mut files);
    files
}

fn without_timings(stats: &mut serde_json::Value) {
    let object = stats.as_object_mut().unwrap();
    for field in TIMING_FIELDS {
        assert!(object.remove(field).is_some(), "no {field} in {object:?}");
    }
    for step in object["steps"].as_array_mut().unwrap() {
        assert!(step.as_object_mut().unwrap().remove(STEP_TIMING_FIELD).is_some());
    }
    // When the timeline's points fall depends on the clock; the last one is the end of the run.
    for timeline in object["timeline"].as_array_mut().unwrap() {
        let last = timeline["points"].as_array().unwrap().last().unwrap().clone();
        timeline["points"] = serde_json::json!([{"docs": last["docs"], "bytes": last["bytes"]}]);
    }
}

/// Asserts two outputs hold the same files with the same contents, naming the first that differs.
fn assert_same_output(expected: &BTreeMap<String, String>, actual: &BTreeMap<String, String>, what: &str) {
    assert_eq!(
        expected.keys().collect::<Vec<_>>(),
        actual.keys().collect::<Vec<_>>(),
        "{what}: the files differ"
    );
    for (name, contents) in expected {
        assert!(
            contents == &actual[name],
            "{what}: {name} differs:\nexpected:\n{contents}\nactual:\n{}",
            actual[name]
        );
    }
}

/// When to kill a run.
#[derive(Debug, Clone, Copy)]
enum KillPoint {
    /// As soon as shard `n` has its final name: at a shard boundary.
    ShardDone(u32),
    /// `delay_ms` after shard `n` was begun (its temporary file appeared): inside a shard.
    InShard(u32, u64),
}

impl KillPoint {
    fn random(rng: &mut Rng, shards: u32) -> KillPoint {
        // Shard 0 onwards, but not the last: a kill must come before the end.
        let n = rng.below(u64::from(shards - 1)) as u32;
        if rng.below(2) == 0 {
            KillPoint::ShardDone(n)
        } else {
            KillPoint::InShard(n, rng.below(20))
        }
    }

    /// The shard the point is in or after.
    fn shard(self) -> u32 {
        match self {
            KillPoint::ShardDone(n) | KillPoint::InShard(n, _) => n,
        }
    }

    /// The file whose appearance triggers the kill.
    fn trigger(self, out: &Path) -> PathBuf {
        match self {
            KillPoint::ShardDone(n) => out.join(format!("00000-{n:05}.jsonl.zst")),
            KillPoint::InShard(n, _) => out.join(format!(".00000-{n:05}.jsonl.zst.tmp")),
        }
    }
}

/// Starts a run and SIGKILLs it at `point`, polling for the trigger file. Returns false when the run
/// ended by itself before the point was reached.
fn kill_at(mut child: Child, out: &Path, point: KillPoint) -> bool {
    let trigger = point.trigger(out);
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        if trigger.exists() {
            break;
        }
        assert!(Instant::now() < deadline, "{point:?} never reached");
        std::thread::sleep(Duration::from_micros(200));
    }
    if let KillPoint::InShard(_, delay_ms) = point {
        std::thread::sleep(Duration::from_millis(delay_ms));
    }
    // `Child::kill` is SIGKILL on Unix: the run gets no chance to tidy up.
    child.kill().unwrap();
    child.wait().unwrap();
    !out.join("stats/00000.done").exists()
}

/// Runs `inputs` once uninterrupted, then `rounds` times with two seeded-random kills each (the second in
/// the resumed run) before a rerun to the end, comparing each result with the uninterrupted one. Returns
/// how many kills landed before the end of a run, and how many final reruns resumed from a checkpoint.
fn kill_and_resume(dir: &Dir, inputs: &[String], config: &str, seed: u64, rounds: usize) -> (usize, usize) {
    dir.write("pipeline.toml", config.as_bytes());
    let clean = command(dir, inputs, "uninterrupted").output().unwrap();
    let expected = snapshot(&dir.path("uninterrupted"));
    let shards = expected
        .keys()
        .filter(|name| name.starts_with("00000-") && name.ends_with(".jsonl.zst"))
        .count() as u32;
    assert!(
        shards >= 6,
        "the fixture should make several shards, got {shards}"
    );
    assert!(expected.contains_key("stats/00000.done"));
    assert!(!expected.contains_key("stats/00000.checkpoint"));

    let mut rng = Rng(seed);
    let mut kills = 0;
    let mut resumes = 0;
    for round in 0..rounds {
        let out_name = format!("killed-{round}");
        let out = dir.path(&out_name);
        let mut points = [
            KillPoint::random(&mut rng, shards),
            KillPoint::random(&mut rng, shards),
        ];
        points.sort_by_key(|p| p.shard());
        for point in points {
            let child = command(dir, inputs, &out_name)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            if kill_at(child, &out, point) {
                kills += 1;
            }
        }
        // A checkpoint is left unless the run completed (or was killed as it removed the checkpoint,
        // just before its completion marker).
        let checkpointed = out.join("stats/00000.checkpoint").exists();
        let last = command(dir, inputs, &out_name).output().unwrap();
        assert_eq!(last.status.code(), clean.status.code());
        let stderr = String::from_utf8_lossy(&last.stderr);
        let resumed = stderr.contains("resumed an interrupted run");
        assert_eq!(resumed, checkpointed, "{points:?}\n{stderr}");
        resumes += usize::from(resumed);
        assert_same_output(
            &expected,
            &snapshot(&out),
            &format!("round {round}, killed at {points:?}"),
        );
    }
    (kills, resumes)
}

#[test]
fn kill_9_then_rerun_gives_the_uninterrupted_output() {
    let dir = Dir::new();
    std::fs::create_dir(dir.path("in")).unwrap();
    dir.write("in/docs.jsonl", &jsonl("one", 3000, None));
    let (kills, resumes) = kill_and_resume(&dir, &["in/docs.jsonl".to_owned()], CONFIG, 13, 4);
    assert!(kills >= 5, "only {kills} kills landed inside a run");
    assert!(resumes >= 2, "only {resumes} reruns resumed");
}

#[test]
fn kill_9_with_several_inputs_and_errors() {
    let dir = Dir::new();
    std::fs::create_dir(dir.path("in")).unwrap();
    dir.write("in/a.jsonl", &jsonl("a", 900, Some(37)));
    dir.write("in/b.jsonl.gz", &gzip(&jsonl("b", 700, Some(101))));
    dir.write("in/c.jsonl", &jsonl("c", 1200, None));
    let inputs = [
        "in/a.jsonl".to_owned(),
        "in/b.jsonl.gz".to_owned(),
        repo().join("examples/crawl.warc.gz").display().to_string(),
        "in/c.jsonl".to_owned(),
        "in/missing.jsonl".to_owned(),
    ];
    let config = format!("{CONFIG}{WRITE_ALL}");
    let (kills, resumes) = kill_and_resume(&dir, &inputs, &config, 1313, 4);
    assert!(kills >= 5, "only {kills} kills landed inside a run");
    assert!(resumes >= 2, "only {resumes} reruns resumed");
    let errors = std::fs::read_to_string(dir.path("uninterrupted/errors/00000.jsonl")).unwrap();
    assert!(errors.lines().count() > 30, "{errors}");
    let files = snapshot(&dir.path("uninterrupted"));
    let excluded = files.keys().filter(|name| name.starts_with("excluded/")).count();
    assert!(
        excluded >= 2,
        "the dropped documents should fill several shards: {files:?}"
    );
    assert!(files.contains_key("dropped/00000-00000.jsonl.zst"));
}

#[test]
fn a_checkpoint_of_other_work_is_set_aside() {
    let dir = Dir::new();
    std::fs::create_dir(dir.path("in")).unwrap();
    dir.write("in/docs.jsonl", &jsonl("one", 3000, None));
    dir.write("pipeline.toml", CONFIG.as_bytes());
    let inputs = ["in/docs.jsonl".to_owned()];
    let child = command(&dir, &inputs, "rerun")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    assert!(kill_at(child, &dir.path("rerun"), KillPoint::ShardDone(2)));
    assert!(dir.path("rerun/stats/00000.checkpoint").exists());

    // Another min_chars: the checkpoint is of other work, so the rank starts afresh.
    dir.write("pipeline.toml", CONFIG.replace("100", "150").as_bytes());
    let rerun = command(&dir, &inputs, "rerun").output().unwrap();
    assert_exit!(rerun, 0);
    let stderr = String::from_utf8_lossy(&rerun.stderr);
    assert!(stderr.contains("started afresh"), "{stderr}");
    assert!(stderr.contains("checkpoint is of other work"), "{stderr}");
    assert!(!stderr.contains("resumed"), "{stderr}");
    assert_exit!(command(&dir, &inputs, "uninterrupted").output().unwrap(), 0);
    assert_same_output(
        &snapshot(&dir.path("uninterrupted")),
        &snapshot(&dir.path("rerun")),
        "fresh start",
    );
}

#[test]
fn a_rank_killed_after_its_marker_still_leaves_the_merged_stats_and_report() {
    let dir = Dir::new();
    std::fs::create_dir(dir.path("in")).unwrap();
    dir.write("in/docs.jsonl", &jsonl("one", 300, None));
    dir.write("pipeline.toml", CONFIG.as_bytes());
    let inputs = ["in/docs.jsonl".to_owned()];
    assert_exit!(command(&dir, &inputs, "uninterrupted").output().unwrap(), 0);
    assert_exit!(command(&dir, &inputs, "killed").output().unwrap(), 0);
    // What a kill between the completion marker and the merge leaves behind.
    for name in ["stats.json", "report.html", "README.md"] {
        std::fs::remove_file(dir.path(&format!("killed/{name}"))).unwrap();
    }
    let rerun = command(&dir, &inputs, "killed").output().unwrap();
    assert_exit!(rerun, 0);
    assert!(String::from_utf8_lossy(&rerun.stderr).contains("already completed"));
    assert_same_output(
        &snapshot(&dir.path("uninterrupted")),
        &snapshot(&dir.path("killed")),
        "rerun of a complete rank",
    );
}
