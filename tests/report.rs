//! The run report and `saring inspect` on the bundled example.

use crate::util::*;

#[test]
fn a_run_writes_its_report_and_inspect_pages_through_the_output() {
    let dir = Dir::new();
    let example = repo().join("examples/crawl.warc.gz");
    dir.write("p.toml", b"[[step]]\ntype = \"extract\"\n[[step]]\ntype = \"langid\"\nlabel_only = true\n[[step]]\ntype = \"min_length\"\nmin_chars = 300\n");
    let out = dir.saring(&[
        "run",
        example.to_str().unwrap(),
        "-o",
        "out",
        "--config",
        "p.toml",
    ]);
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

    let out = dir.saring(&["inspect", "out", "--language", "id", "--chars", "80"]);
    assert_exit!(out, 0);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("zidworld.example"), "{text}");
    assert!(
        !text.contains("\tde\t") && !text.contains("language: de"),
        "{text}"
    );
}
