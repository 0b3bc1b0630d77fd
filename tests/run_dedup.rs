//! `[dedup]` in the run config (issue 12: the dedup stages callable from `saring run` via config): the
//! run ends with the shards `saring dedup` would write over its own, and its books count the duplicates.

use crate::util::*;

/// The example crawl and the seed story with its syndicated copy (a near-duplicate pair).
fn inputs() -> Vec<String> {
    [
        repo().join("examples/crawl.warc.gz"),
        shared("examples/seed/page.html"),
        shared("examples/seed/syndicated.html"),
    ]
    .iter()
    .map(|p| p.to_str().unwrap().to_owned())
    .collect()
}

/// `saring ARGS INPUTS…`.
fn saring_on_inputs(dir: &Dir, args: &[&str]) -> std::process::Output {
    let inputs = inputs();
    let mut all: Vec<&str> = args.to_vec();
    all.extend(inputs.iter().map(String::as_str));
    dir.saring(&all)
}

/// The deduplicated shards and the clusters TSV of `out`, by name.
fn dedup_files(out: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let files: Vec<_> = output_files(out)
        .into_iter()
        .filter(|(name, _)| name != "dedup.json")
        .collect();
    assert!(files.iter().any(|(name, _)| name == "clusters.tsv"), "{out:?}");
    files
}

#[test]
fn a_run_with_dedup_gives_run_then_saring_dedup_and_counts_the_duplicates() {
    let dir = Dir::new();
    dir.write("run.toml", b"[dedup]\nkeep = \"first\"\n");
    assert_exit!(saring_on_inputs(&dir, &["run", "-o", "plain"]), 0);
    assert_exit!(dir.saring(&["dedup", "plain", "-o", "deduped"]), 0);
    let with = saring_on_inputs(&dir, &["run", "-o", "with", "--config", "run.toml"]);
    assert_exit!(with, 0);

    let expected = dedup_files(&dir.path("deduped"));
    assert_eq!(dedup_files(&dir.path("with")), expected);
    // The pipeline's shards are kept aside, as a plain run writes them.
    let shards = |out: &str| -> Vec<(String, Vec<u8>)> {
        output_files(&dir.path(out))
            .into_iter()
            .filter(|(name, _)| name.ends_with(".jsonl.zst"))
            .collect()
    };
    assert_eq!(shards("with/.pre-dedup"), shards("plain"));

    let plain = stats(&dir.path("plain"));
    let dedup = stats(&dir.path("deduped"));
    let books = stats(&dir.path("with"));
    assert_reconciles(&books);
    let removed = dedup["removed"].as_u64().unwrap();
    assert!(removed > 0, "{dedup:#}");
    assert_eq!(books["read"], plain["read"]);
    assert_eq!(books["kept"], dedup["kept"]);
    assert_eq!(
        books["dropped"].as_u64().unwrap(),
        plain["dropped"].as_u64().unwrap() + removed
    );
    let step = books["steps"].as_array().unwrap().last().unwrap();
    assert_eq!(step["name"], "dedup");
    assert_eq!(step["total"], plain["kept"]);
    assert_eq!(step["drop_reasons"]["duplicate"], removed);
    let own: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path("with/dedup.json")).unwrap()).unwrap();
    assert_eq!(own["removed"], removed);
    assert!(dir.path("with/report.html").is_file());

    // A rerun redoes nothing and changes no shard.
    let again = saring_on_inputs(&dir, &["run", "-o", "with", "--config", "run.toml"]);
    assert_exit!(again, 0);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("(0 task(s) run, "), "{stderr}");
    assert_eq!(dedup_files(&dir.path("with")), expected);
    assert_eq!(stats(&dir.path("with"))["steps"], books["steps"]);

    // Other dedup settings rerun the dedup stages only: the pipeline's rank is complete.
    dir.write("run.toml", b"[dedup]\nkeep = \"longest\"\n");
    let longest = saring_on_inputs(&dir, &["run", "-o", "with", "--config", "run.toml"]);
    assert_exit!(longest, 0);
    let stderr = String::from_utf8_lossy(&longest.stderr);
    assert!(stderr.contains("already completed this work"), "{stderr}");
    assert!(!stderr.contains("(0 task(s) run, "), "{stderr}");
    assert_eq!(shards("with/.pre-dedup"), shards("plain"));
}

#[test]
fn ranks_with_dedup_leave_the_stages_to_saring_dedup_with_the_run_config() {
    let dir = Dir::new();
    dir.write("run.toml", b"[dedup]\nkeep = \"longest\"\n");
    assert_exit!(
        saring_on_inputs(&dir, &["run", "-o", "one", "--config", "run.toml"]),
        0
    );
    let run = [
        "run",
        "-o",
        "two",
        "--config",
        "run.toml",
        "--world-size",
        "2",
        "--rank",
    ];
    for rank in ["0", "1"] {
        let out = saring_on_inputs(&dir, &[&run[..], &[rank]].concat());
        assert_exit!(out, 0);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("once every rank is done"), "{stderr}");
    }
    assert!(read_shard_lines(&dir.path("two")).is_empty(), "no dedup yet");
    let pre = ["two/.pre-dedup".to_owned()];
    crate::dedup::staged_with(&dir, &pre, "two/.dedup-work", "two", 2, &["--config", "run.toml"]);
    // The same documents are found duplicates, and the longest copy of each is kept (the first copy
    // would follow the order of the ranks' shards).
    let clustered = |out: &str| {
        let tsv = std::fs::read_to_string(dir.path(&format!("{out}/clusters.tsv"))).unwrap();
        let mut ids: Vec<String> = tsv
            .lines()
            .map(|l| l.split('\t').next().unwrap().to_owned())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(clustered("two"), clustered("one"));
    assert!(clustered("one").len() >= 2);
    let kept_ids = |out: &str| {
        let mut ids: Vec<String> = read_shards(&dir.path(out))
            .iter()
            .map(|doc| doc["id"].as_str().unwrap().to_owned())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(kept_ids("two"), kept_ids("one"));
    let (one, two) = (stats(&dir.path("one")), stats(&dir.path("two")));
    assert_reconciles(&two);
    for key in ["read", "kept", "dropped", "errored"] {
        assert_eq!(one[key], two[key], "{key}");
    }
    assert_eq!(two["steps"].as_array().unwrap().last().unwrap()["name"], "dedup");
}

/// Asserts that `out` failed as a bad config does (exit 2) with every one of `needles` in its message.
fn assert_config_error(out: &std::process::Output, needles: &[&str]) {
    assert_exit!(out, 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(needles.iter().all(|n| stderr.contains(n)), "{stderr}");
}

#[test]
fn unknown_keys_and_bad_values_in_dedup_are_named() {
    let dir = Dir::new();
    let out = dir.run_example("[dedup]\nbands = 14\nband = 3\n", "out");
    assert_config_error(&out, &["unknown field `band`", "line 3"]);
    let out = dir.run_example("[dedup]\nbands = 0\nrows = 0\n", "out");
    assert_config_error(&out, &["dedup: invalid dedup config: bands = 0", "rows = 0"]);
    // `saring dedup` reads the same table from the run config, with the same message.
    let bad = b"[[step]]\ntype = \"min_length\"\n[dedup]\nband = 3\n";
    dir.write("bad.toml", bad);
    let out = dir.saring(&["dedup", "in", "-o", "d", "--config", "bad.toml"]);
    assert_config_error(&out, &["in config bad.toml", "unknown field `band`", "line 4"]);
}
