//! Ranks: N tasks share the inputs, write into one directory, and together give the single run's records.

use crate::util::*;

/// Six WARC files of three pages each in `dir/crawl/`.
fn crawl(dir: &Dir) {
    std::fs::create_dir_all(dir.path("crawl")).unwrap();
    for file in 0..6 {
        let records: Vec<Vec<u8>> = (0..3)
            .map(|i| {
                let n = file * 10 + i;
                html_response(
                    &format!("00000000-0000-0000-0000-{n:012}"),
                    &format!("https://r.example/{n}"),
                    &page("Page", &sentences(&format!("rank test {n}"), 6)),
                )
            })
            .collect();
        dir.write(&format!("crawl/part-{file}.warc.gz"), &gzip_members(&records));
    }
}

fn sorted_ids(records: &[serde_json::Value]) -> Vec<String> {
    let mut ids: Vec<String> = records
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

#[test]
fn four_ranks_give_the_records_of_one_run() {
    let dir = Dir::new();
    crawl(&dir);
    assert_exit!(dir.saring(&["run", "crawl", "-o", "single"]), 0);
    for rank in 0..4 {
        let rank = rank.to_string();
        let out = dir.saring(&[
            "run",
            "crawl",
            "-o",
            "ranked",
            "--rank",
            &rank,
            "--world-size",
            "4",
        ]);
        assert_exit!(out, 0);
        let merged_yet = dir.path("ranked/stats.json").exists();
        assert_eq!(
            merged_yet,
            rank == "3",
            "stats.json appears once every rank is done"
        );
    }
    let single = read_shards(&dir.path("single"));
    let ranked = read_shards(&dir.path("ranked"));
    assert_eq!(single.len(), 18);
    assert_eq!(sorted_ids(&single), sorted_ids(&ranked));
    let mut single_lines = read_shard_lines(&dir.path("single"));
    let mut ranked_lines = read_shard_lines(&dir.path("ranked"));
    single_lines.sort();
    ranked_lines.sort();
    assert_eq!(single_lines, ranked_lines, "byte for byte after a stable sort");
    for rank in 0..4 {
        assert!(dir.path(&format!("ranked/stats/{rank:05}.json")).exists());
        assert!(dir.path(&format!("ranked/stats/{rank:05}.done")).exists());
    }
    let total = stats(&dir.path("ranked"));
    assert_reconciles(&total);
    assert_eq!(total["read"], 18);
    assert_eq!(total["files"], 6);

    // `saring stats merge` gives the same totals.
    std::fs::remove_file(dir.path("ranked/stats.json")).unwrap();
    let out = dir.saring(&["stats", "merge", "ranked"]);
    assert_exit!(out, 0);
    let merged = stats(&dir.path("ranked"));
    assert_eq!(
        (merged["read"].clone(), merged["kept"].clone()),
        (total["read"].clone(), total["kept"].clone())
    );
}

#[test]
fn rank_comes_from_the_array_job_environment() {
    let dir = Dir::new();
    crawl(&dir);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_saring"))
        .args(["run", "crawl", "-o", "out"])
        .env("SLURM_ARRAY_TASK_ID", "1")
        .env("SLURM_ARRAY_TASK_COUNT", "3")
        .current_dir(dir.path(""))
        .output()
        .unwrap();
    assert_exit!(out, 0);
    assert!(dir.path("out/stats/00001.json").exists());
    let urls: Vec<String> = read_shards(&dir.path("out"))
        .iter()
        .map(|r| r["url"].as_str().unwrap().to_owned())
        .collect();
    // Files 1 and 4 of the sorted six.
    assert_eq!(
        urls,
        [
            "https://r.example/10",
            "https://r.example/11",
            "https://r.example/12",
            "https://r.example/40",
            "https://r.example/41",
            "https://r.example/42"
        ]
    );
    assert_exit!(
        dir.saring(&["run", "crawl", "-o", "bad", "--rank", "3", "--world-size", "3"]),
        2
    );
}

#[test]
fn a_completed_rank_is_not_redone_unless_its_work_changed() {
    let dir = Dir::new();
    crawl(&dir);
    assert_exit!(dir.saring(&["run", "crawl", "-o", "out"]), 0);
    let before = output_files(&dir.path("out"));
    let out = dir.saring(&["run", "crawl", "-o", "out"]);
    assert_exit!(out, 0);
    assert!(String::from_utf8_lossy(&out.stderr).contains("already completed"));
    assert_eq!(before, output_files(&dir.path("out")));

    // A different pipeline is different work.
    dir.write(
        "short.toml",
        b"[[step]]\ntype = \"extract\"\n[[step]]\ntype = \"min_length\"\nmin_chars = 5000\n",
    );
    let out = dir.saring(&["run", "crawl", "-o", "out", "--config", "short.toml"]);
    assert_exit!(out, 0);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("already completed"));
    assert_eq!(stats(&dir.path("out"))["kept"], 0);
    assert!(
        read_shards(&dir.path("out")).is_empty(),
        "the earlier shards are gone"
    );
}
