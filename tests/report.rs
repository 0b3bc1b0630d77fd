//! The run report and `saring inspect` on the bundled example.

use crate::util::*;

#[test]
fn a_run_writes_its_report_and_inspect_pages_through_the_output() {
    let dir = Dir::new();
    let out = dir.run_example(
        "[[step]]\ntype = \"extract\"\n[[step]]\ntype = \"langid\"\nlabel_only = true\n[[step]]\ntype = \"min_length\"\nmin_chars = 300\n",
        "out",
    );
    assert_exit!(out, 0);
    let report = std::fs::read_to_string(dir.path("out/report.html")).unwrap();
    assert!(
        report.starts_with("<!DOCTYPE html>") || report.starts_with("<!doctype html>"),
        "{}",
        &report[..100]
    );
    assert!(!report.contains("<script"), "self-contained, no script");
    for needle in ["langid", "min_length", "min_chars", "zidworld.example", "<svg"] {
        assert!(report.contains(needle), "report lacks {needle}");
    }

    let stats = stats(&dir.path("out"));
    assert!(stats["dropped"].as_u64().unwrap() > 0, "{stats:#}");
    assert!(report.contains("id=\"dropped-samples\"") && report.contains("id=\"dropped-0\""));
    let dropped = read_shards(&dir.path("out/dropped"));
    assert!(!dropped.is_empty());
    assert!(
        dropped.iter().all(|d| d["metadata"]["drop_reason"].is_string()),
        "{dropped:?}"
    );
    let card = std::fs::read_to_string(dir.path("out/README.md")).unwrap();
    assert!(
        card.starts_with(
            "---
pretty_name: \"out\"
language:
"
        ),
        "{card}"
    );
    assert!(
        card.contains(&std::fs::read_to_string(dir.path("out.toml")).unwrap()),
        "config verbatim"
    );
    assert!(card.contains("--config out.toml"), "{card}");

    let out = dir.saring(&["inspect", "out", "--reason", "min_chars", "--chars", "40"]);
    assert_exit!(out, 0);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("dropped by: min_length (min_chars)"), "{text}");
    assert!(!text.contains("dropped by: extract"), "{text}");

    let out = dir.saring(&["inspect", "out", "--language", "id", "--chars", "80"]);
    assert_exit!(out, 0);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("zidworld.example"), "{text}");
    assert!(
        !text.contains("\tde\t") && !text.contains("language: de"),
        "{text}"
    );
}

/// `n` JSONL documents: texts of 50 to ~2,000 characters (so `min_chars = 300` drops some), every tenth
/// a copy of an earlier one.
fn jsonl(n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        let source = if i % 10 == 9 { i - 5 } else { i };
        let text = sentences(&format!("doc{source}"), 1 + source % 37);
        let line = serde_json::json!({"id": format!("d{i}"), "text": text, "url": format!("https://h{}.example/{i}", i % 13)});
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
}

/// The report of a run over 10,000 documents stays under 5 MB, has every section, and a second
/// `saring report` gives the same dataset card. (The time to open it is measured in
/// `bench/results/report.md`.)
#[test]
fn the_report_of_ten_thousand_documents_is_small_and_the_card_stable() {
    let dir = Dir::new();
    dir.write("in.jsonl", jsonl(10_000).as_bytes());
    dir.write("p.toml", b"[[step]]\ntype = \"min_length\"\nmin_chars = 300\n");
    let out = dir.saring(&[
        "run",
        "in.jsonl",
        "-o",
        "out",
        "--config",
        "p.toml",
        "--threads",
        "2",
    ]);
    assert_exit!(out, 0);
    let stats = stats(&dir.path("out"));
    assert_eq!(stats["read"], 10_000);
    assert_eq!(stats["sources"]["in.jsonl"], 10_000);
    assert!(!stats["timeline"][0]["points"].as_array().unwrap().is_empty());
    let report = std::fs::read_to_string(dir.path("out/report.html")).unwrap();
    assert!(report.len() < 5_000_000, "report of {} bytes", report.len());
    for id in [
        "funnel-chart",
        "throughput-docs",
        "dropped-0",
        "length-histogram",
        "clusters-none",
    ] {
        assert!(report.contains(&format!("id=\"{id}\"")), "report lacks {id}");
    }
    let card = std::fs::read(dir.path("out/README.md")).unwrap();
    let out = dir.saring(&["report", "out", "--config", "p.toml"]);
    assert_exit!(out, 0);
    assert_eq!(std::fs::read(dir.path("out/README.md")).unwrap(), card);
}

/// `saring report` on a `saring dedup` output draws its clusters rather than failing on its stats.
#[test]
fn a_dedup_output_gets_a_report() {
    let dir = Dir::new();
    dir.write("in.jsonl", jsonl(300).as_bytes());
    let out = dir.saring(&["dedup", "in.jsonl", "-o", "deduped"]);
    assert_exit!(out, 0);
    let out = dir.saring(&["report", "deduped"]);
    assert_exit!(out, 0);
    let report = std::fs::read_to_string(dir.path("deduped/report.html")).unwrap();
    for id in ["dedup-stats", "clusters-chart", "largest-clusters"] {
        assert!(report.contains(&format!("id=\"{id}\"")), "report lacks {id}");
    }
    let card = std::fs::read_to_string(dir.path("deduped/README.md")).unwrap();
    assert!(card.contains("| removed | "), "{card}");
}
