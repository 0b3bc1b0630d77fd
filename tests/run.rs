//! `saring run` end to end: records out, counts that reconcile, deterministic bytes.

use crate::util::*;

fn small_crawl() -> Vec<u8> {
    gzip_members(&[
        warc_record(
            "warcinfo",
            "00000000-0000-0000-0000-000000000000",
            "",
            b"software: test\r\n",
            &[],
        ),
        warc_record(
            "request",
            "00000000-0000-0000-0000-000000000001",
            "https://a.example/1",
            b"GET / HTTP/1.1\r\n\r\n",
            &[],
        ),
        html_response(
            "00000000-0000-0000-0000-000000000002",
            "https://a.example/1",
            &page("First", &sentences("first", 8)),
        ),
        html_response(
            "00000000-0000-0000-0000-000000000003",
            "https://a.example/2",
            &page("Short", "Too short."),
        ),
        html_response(
            "00000000-0000-0000-0000-000000000004",
            "https://a.example/3",
            "<html><script>only()</script></html>",
        ),
        warc_record(
            "metadata",
            "00000000-0000-0000-0000-000000000005",
            "https://a.example/3",
            b"fetchTimeMs: 1\r\n",
            &[],
        ),
        html_response(
            "00000000-0000-0000-0000-000000000006",
            "https://b.example/4",
            &page("Fourth", &sentences("fourth", 6)),
        ),
    ])
}

#[test]
fn warc_records_become_documents_and_counts_reconcile() {
    let dir = Dir::new();
    dir.write("crawl.warc.gz", &small_crawl());
    let out = dir.saring(&["run", "crawl.warc.gz", "-o", "out"]);
    assert_exit!(out, 0);

    let records = read_shards(&dir.path("out"));
    assert_eq!(records.len(), 2);
    let first = &records[0];
    assert_eq!(first["id"], "<urn:uuid:00000000-0000-0000-0000-000000000002>");
    assert_eq!(first["url"], "https://a.example/1");
    assert!(
        first["text"]
            .as_str()
            .unwrap()
            .starts_with("Sentence 0 of the first story")
    );
    assert!(!first["text"].as_str().unwrap().contains("Home | About"));
    assert_eq!(first["metadata"]["title"], "First");
    assert_eq!(first["metadata"]["date"], "2024-01-01T00:00:00Z");
    assert!(first["metadata"]["signals"]["min_length.chars"].as_f64().unwrap() > 200.0);
    let line = &read_shard_lines(&dir.path("out"))[0];
    let order: Vec<usize> = ["\"id\":", "\"text\":", "\"url\":", "\"metadata\":"]
        .iter()
        .map(|k| line.find(k).unwrap())
        .collect();
    assert!(order.is_sorted() && order[0] == 1, "field order: {line}");
    assert_eq!(records[1]["url"], "https://b.example/4");

    let stats = stats(&dir.path("out"));
    assert_reconciles(&stats);
    assert_eq!(
        (
            stats["read"].as_u64(),
            stats["kept"].as_u64(),
            stats["dropped"].as_u64()
        ),
        (Some(4), Some(2), Some(2))
    );
    assert_eq!(stats["errored"], 0);
    assert_eq!(stats["skipped"]["warcinfo"], 1);
    assert_eq!(stats["skipped"]["request"], 1);
    assert_eq!(stats["skipped"]["metadata"], 1);
    for key in ["bytes_in", "bytes_out", "wall_secs", "cpu_secs"] {
        assert!(stats[key].as_f64().unwrap() > 0.0, "{key}: {stats:#}");
    }
    let steps = stats["steps"].as_array().unwrap();
    assert_eq!(steps[0]["name"], "extract");
    assert_eq!(steps[0]["drop_reasons"]["empty_text"], 1);
    let names: Vec<&str> = steps.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["extract", "clean", "langid", "min_length"]);
    assert_eq!(steps[3]["drop_reasons"]["min_chars"], 1);
    assert_eq!(steps[3]["total"], 3);
    assert_eq!(first["metadata"]["language"], "en");
    assert!(dir.path("out/00000-00000.jsonl.zst").exists());
}

#[test]
fn wet_conversion_records_are_text_documents() {
    let dir = Dir::new();
    let text = sentences("wet", 6);
    let wet = warc_record(
        "conversion",
        "00000000-0000-0000-0000-0000000000aa",
        "https://w.example/",
        text.as_bytes(),
        &[("Content-Type", "text/plain")],
    );
    dir.write("x.warc.wet.gz", &gzip(&wet));
    let out = dir.saring(&["run", "x.warc.wet.gz", "-o", "out"]);
    assert_exit!(out, 0);
    let records = read_shards(&dir.path("out"));
    assert_eq!(records.len(), 1);
    assert_eq!(
        records[0]["text"],
        text.trim_end(),
        "the clean step trims line ends"
    );
    assert_eq!(records[0]["url"], "https://w.example/");
}

/// The bundled example: the same bytes on a rerun and with any number of threads.
#[test]
fn bundled_example_output_is_deterministic_across_runs_and_threads() {
    let dir = Dir::new();
    let example = repo().join("examples/crawl.warc.gz");
    let example = example.to_str().unwrap();
    let config = repo().join("examples/pipeline.toml");
    let config = config.to_str().unwrap();
    let small_shards = dir.write(
        "small-shards.toml",
        format!(
            "{}\n",
            std::fs::read_to_string(config)
                .unwrap()
                .replace("max_shard_bytes = 536870912", "max_shard_bytes = 20000")
        )
        .as_bytes(),
    );
    let small_shards = small_shards.to_str().unwrap();
    assert_exit!(
        dir.saring(&[
            "run",
            example,
            "-o",
            "one",
            "--threads",
            "1",
            "--config",
            small_shards
        ]),
        0
    );
    assert_exit!(
        dir.saring(&[
            "run",
            example,
            "-o",
            "two",
            "--threads",
            "2",
            "--config",
            small_shards
        ]),
        0
    );
    assert_exit!(
        dir.saring(&[
            "run",
            example,
            "-o",
            "two",
            "--threads",
            "2",
            "--config",
            small_shards
        ]),
        0
    );
    assert_exit!(
        dir.saring(&[
            "run",
            example,
            "-o",
            "many",
            "--threads",
            "7",
            "--config",
            small_shards
        ]),
        0
    );
    let one = output_files(&dir.path("one"));
    assert!(
        one.len() > 3,
        "several shards expected: {:?}",
        one.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    assert_eq!(one, output_files(&dir.path("two")));
    assert_eq!(one, output_files(&dir.path("many")));
    assert!(one.iter().all(|(name, _)| !name.ends_with(".tmp")));

    let stats = stats(&dir.path("one"));
    assert_reconciles(&stats);
    assert!(stats["kept"].as_u64().unwrap() >= 20, "{stats:#}");
    assert_eq!(stats["errored"], 0);

    // The default config gives the same documents as the bundled config written out.
    assert_exit!(dir.saring(&["run", example, "-o", "default"]), 0);
    assert_exit!(
        dir.saring(&["run", example, "-o", "bundled", "--config", config]),
        0
    );
    assert_eq!(
        output_files(&dir.path("default")),
        output_files(&dir.path("bundled"))
    );
    assert_eq!(read_shards(&dir.path("default")), read_shards(&dir.path("one")));
}

#[test]
fn jsonl_in_jsonl_out_keeps_every_field() {
    let dir = Dir::new();
    let lines = [
        r#"{"id": "a", "text": "first text", "url": "https://x.example/a", "metadata": {"language": "en", "source": "s1"}}"#,
        r#"{"id": 7, "text": "second text", "lang_score": 0.5}"#,
        r#"{"text": "third text without id"}"#,
    ];
    dir.write("in.jsonl", lines.join("\n").as_bytes());
    dir.write("none.toml", b"step = []\n");
    let out = dir.saring(&["run", "in.jsonl", "-o", "out", "--config", "none.toml"]);
    assert_exit!(out, 0);
    let records = read_shards(&dir.path("out"));
    assert_eq!(records.len(), 3);
    assert_eq!(records[0]["id"], "a");
    assert_eq!(records[0]["metadata"]["language"], "en");
    assert_eq!(records[0]["metadata"]["source"], "s1");
    assert_eq!(records[1]["id"], "7");
    assert_eq!(records[1]["metadata"]["lang_score"], 0.5);
    assert_eq!(records[2]["id"].as_str().unwrap().len(), 16, "a stable hash id");
    assert_eq!(records[2]["text"], "third text without id");

    // Reading saring's own output gives the same records back.
    let out = dir.saring(&["run", "out", "-o", "again", "--config", "none.toml"]);
    assert_exit!(out, 0);
    assert_eq!(read_shards(&dir.path("again")), records);
}

#[test]
fn parquet_output_reads_back_as_the_same_documents() {
    let dir = Dir::new();
    dir.write("crawl.warc.gz", &small_crawl());
    dir.write("parquet.toml", b"[output]\nformat = \"parquet\"\n");
    dir.write("none.toml", b"step = []\n");
    assert_exit!(
        dir.saring(&["run", "crawl.warc.gz", "-o", "pq", "--config", "parquet.toml"]),
        0
    );
    assert!(dir.path("pq/00000-00000.parquet").exists());
    assert_exit!(dir.saring(&["run", "crawl.warc.gz", "-o", "js"]), 0);
    assert_exit!(
        dir.saring(&["run", "pq", "-o", "back", "--config", "none.toml"]),
        0
    );
    assert_eq!(read_shards(&dir.path("back")), read_shards(&dir.path("js")));
}
