//! Language ID from the command line and in a pipeline.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::util::*;

fn langid(args: &[&str], stdin: &str) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_saring"))
        .arg("langid")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap())
}

#[test]
fn one_label_and_score_per_line() {
    let text = "Presiden Rusia Vladimir Putin mengatakan negaranya siap memperluas hubungan dengan Korea Utara.\nThe quick brown fox jumps over the lazy dog near the river bank.\n";
    let (code, out) = langid(&[], text);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with("id\t0."), "{out}");
    assert!(lines[1].starts_with("en\t"), "{out}");
    let score: f64 = lines[1].split('\t').nth(1).unwrap().parse().unwrap();
    assert!(
        score > 0.5 && lines[1].split('\t').nth(1).unwrap().len() == 6,
        "{out}"
    );

    let (code, out) = langid(
        &["--field", "text"],
        "{\"text\": \"Das ist ein ganz normaler deutscher Satz über das Wetter.\"}\nnot json\n",
    );
    assert_eq!(code, 1);
    assert!(out.starts_with("de\t"), "{out}");
    assert_eq!(out.lines().count(), 2);
}

#[test]
fn the_langid_step_labels_the_seed_story_indonesian_and_filters_by_language() {
    let dir = Dir::new();
    let out = dir.run_example(
        "[[step]]\ntype = \"extract\"\n[[step]]\ntype = \"langid\"\nlanguages = [\"id\"]\n",
        "out",
    );
    assert_exit!(out, 0);
    let records = read_shards(&dir.path("out"));
    let urls: Vec<&str> = records.iter().map(|r| r["url"].as_str().unwrap()).collect();
    assert!(urls.iter().any(|u| u.contains("zidworld.example")), "{urls:?}");
    assert!(
        urls.iter().any(|u| u.contains("beritaharian.example")),
        "{urls:?}"
    );
    for record in &records {
        assert_eq!(record["metadata"]["language"], "id");
        assert!(record["metadata"]["signals"]["langid.score"].as_f64().unwrap() >= 0.65);
    }
    let stats = stats(&dir.path("out"));
    assert_reconciles(&stats);
    assert!(
        stats["steps"][1]["drop_reasons"]["languages"].as_u64().unwrap() > 20,
        "{stats:#}"
    );
}
