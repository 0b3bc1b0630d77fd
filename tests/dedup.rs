//! `saring dedup` on the output of `saring run`: the seed story and its syndicated copy are one cluster.

use crate::util::*;

#[test]
fn the_seed_story_and_its_syndicated_copy_end_in_one_cluster() {
    let dir = Dir::new();
    let seed = shared("examples/seed/page.html");
    let syndicated = shared("examples/seed/syndicated.html");
    let other = dir.write(
        "other.html",
        page("Another story", &sentences("unrelated", 20)).as_bytes(),
    );
    let out = dir.saring(&[
        "run",
        seed.to_str().unwrap(),
        syndicated.to_str().unwrap(),
        other.to_str().unwrap(),
        "-o",
        "extracted",
    ]);
    assert_exit!(out, 0);
    assert_eq!(read_shards(&dir.path("extracted")).len(), 3);

    for threads in ["1", "2"] {
        let out_dir = format!("dedup-{threads}");
        let out = dir.saring(&["dedup", "extracted", "-o", &out_dir, "--threads", threads]);
        assert_exit!(out, 0);
        let kept = read_shards(&dir.path(&out_dir));
        assert_eq!(kept.len(), 2, "one copy of the story and the other page");
        let clusters = std::fs::read_to_string(dir.path(&format!("{out_dir}/clusters.tsv"))).unwrap();
        let rows: Vec<Vec<&str>> = clusters.lines().map(|l| l.split('\t').collect()).collect();
        assert_eq!(rows.len(), 2, "{clusters}");
        assert_eq!(rows[0][1], rows[1][1], "same cluster: {clusters}");
    }
    assert_eq!(
        output_files(&dir.path("dedup-1")),
        output_files(&dir.path("dedup-2"))
    );
}

/// The small near-dup corpus, split into three JSONL files of consecutive documents.
fn split_small_corpus(dir: &Dir) -> Vec<String> {
    use std::io::Read;
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(shared("data/dedup/small.jsonl.gz")).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let third = lines.len().div_ceil(3);
    lines
        .chunks(third)
        .enumerate()
        .map(|(i, chunk)| {
            let path = dir.write(&format!("part-{i}.jsonl"), (chunk.join("\n") + "\n").as_bytes());
            path.to_str().unwrap().to_owned()
        })
        .collect()
}

/// Runs every stage with `world_size` ranks (one after another) into `out`.
fn staged(dir: &Dir, inputs: &[String], work: &str, out: &str, world_size: u32, threads: &str) {
    staged_with(dir, inputs, work, out, world_size, &["--threads", threads]);
}

/// Runs every stage with `world_size` ranks (one after another) into `out`, each with `extra` arguments.
pub fn staged_with(dir: &Dir, inputs: &[String], work: &str, out: &str, world_size: u32, extra: &[&str]) {
    staged_into(dir, inputs, work, &["-o", out], world_size, extra);
}

/// Runs every stage with `world_size` ranks (one after another), each with `extra` arguments, the filter
/// stage also with `filter` (where it writes).
fn staged_into(dir: &Dir, inputs: &[String], work: &str, filter: &[&str], world_size: u32, extra: &[&str]) {
    let world = world_size.to_string();
    for stage in [
        "lines",
        "boilerplate",
        "signatures",
        "buckets",
        "cluster",
        "filter",
    ] {
        for rank in 0..world_size {
            let rank = rank.to_string();
            let mut args = vec!["dedup", stage];
            args.extend(inputs.iter().map(String::as_str));
            args.extend(["--work", work, "--rank", &rank, "--world-size", &world]);
            args.extend(extra);
            if stage == "filter" {
                args.extend(filter);
            }
            let result = dir.saring(&args);
            assert_exit!(result, 0);
        }
    }
}

#[test]
fn stages_with_any_ranks_and_threads_give_the_one_shot_output() {
    let dir = Dir::new();
    let inputs = split_small_corpus(&dir);
    let mut args = vec!["dedup"];
    args.extend(inputs.iter().map(String::as_str));
    args.extend(["-o", "oneshot", "--threads", "1"]);
    assert_exit!(dir.saring(&args), 0);
    let expected = output_files(&dir.path("oneshot"));
    let names: Vec<&str> = expected.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "00000-00000.jsonl.zst",
            "00001-00000.jsonl.zst",
            "00002-00000.jsonl.zst",
            "clusters.tsv"
        ]
    );
    let tsv = std::fs::read_to_string(dir.path("oneshot/clusters.tsv")).unwrap();
    assert!(tsv.lines().count() > 300, "few clusters found:\n{tsv}");
    // Clusters span the input files: ids are `d` and the line number, and each file holds 1,667 lines.
    let file_of = |id: &str| id[1..].parse::<usize>().unwrap() / 1667;
    assert!(tsv.lines().any(|l| {
        let (id, cluster) = l.split_once('\t').unwrap();
        file_of(id) != file_of(cluster)
    }));
    let summary = stats(&dir.path("oneshot"));
    assert_eq!(summary["read"], 5000);
    assert_eq!(
        summary["kept"].as_u64().unwrap() + summary["removed"].as_u64().unwrap(),
        5000
    );

    let mut args = vec!["dedup"];
    args.extend(inputs.iter().map(String::as_str));
    args.extend(["-o", "oneshot-2", "--threads", "2"]);
    assert_exit!(dir.saring(&args), 0);
    assert!(
        output_files(&dir.path("oneshot-2")) == expected,
        "2 threads differ"
    );

    staged(&dir, &inputs, "work-1", "staged-1", 1, "1");
    assert!(output_files(&dir.path("staged-1")) == expected, "1 rank differs");
    staged(&dir, &inputs, "work-4", "staged-4", 4, "2");
    assert!(output_files(&dir.path("staged-4")) == expected, "4 ranks differ");
    assert_eq!(stats(&dir.path("staged-4"))["removed"], summary["removed"]);

    // A finished task is not redone; a stage whose inputs are missing says which stage to run.
    let mut args = vec!["dedup", "signatures"];
    args.extend(inputs.iter().map(String::as_str));
    args.extend(["--work", "work-4"]);
    let again = dir.saring(&args);
    assert_exit!(again, 0);
    assert!(String::from_utf8_lossy(&again.stderr).contains("0 task(s) run, 3 already done"));
    let mut args = vec!["dedup", "buckets"];
    args.extend(inputs.iter().map(String::as_str));
    args.extend(["--work", "fresh-work"]);
    let early = dir.saring(&args);
    assert_exit!(early, 2);
    assert!(
        String::from_utf8_lossy(&early.stderr).contains("run `saring dedup signatures` first"),
        "{}",
        String::from_utf8_lossy(&early.stderr)
    );
}

/// Runs the one-shot `saring dedup INPUTS… ARGS…`.
fn one_shot(dir: &Dir, inputs: &[String], args: &[&str]) -> std::process::Output {
    let mut all = vec!["dedup"];
    all.extend(inputs.iter().map(String::as_str));
    all.extend(args);
    dir.saring(&all)
}

#[test]
fn a_clusters_only_run_writes_the_same_clusters_and_no_documents() {
    let dir = Dir::new();
    let inputs = split_small_corpus(&dir);
    assert_exit!(one_shot(&dir, &inputs, &["-o", "full", "--threads", "1"]), 0);
    let full_tsv = std::fs::read(dir.path("full/clusters.tsv")).unwrap();
    let full_stats = stats(&dir.path("full"));

    let out = one_shot(&dir, &inputs, &["--clusters", "only/c.tsv", "--threads", "2"]);
    assert_exit!(out, 0);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no documents written"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read(dir.path("only/c.tsv")).unwrap(), full_tsv);
    // Only the TSV and its stats: no shards, and the work directory is gone.
    let mut names: Vec<String> = std::fs::read_dir(dir.path("only"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["c.stats.json", "c.tsv"]);
    let only: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path("only/c.stats.json")).unwrap()).unwrap();
    for key in [
        "read",
        "kept",
        "removed",
        "duplicate_clusters",
        "docs_in_clusters",
    ] {
        assert_eq!(only[key], full_stats[key], "{key}");
    }

    // The staged filter without -o writes the same clusters from a work directory.
    staged_into(&dir, &inputs, "work", &["--clusters", "staged.tsv"], 2, &[]);
    assert_eq!(std::fs::read(dir.path("staged.tsv")).unwrap(), full_tsv);
    assert!(dir.path("staged.stats.json").exists());

    // Neither an output directory nor a clusters file: a usage error.
    assert_exit!(one_shot(&dir, &inputs, &[]), 2);
}
