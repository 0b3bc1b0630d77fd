//! Tests of the report on synthetic run directories, and in a real headless browser.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure report

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use saring_core::{Document, RunStats, StepStats, Timeline, TimelinePoint};
use saring_io::{ShardWriter, WriterConfig};
use saring_report::{
    CARD_MARKER, CardOutcome, ReportOptions, RunInfo, record_run, render_card, render_report, write_card,
    write_report,
};

const XSS: &str = "<script>alert(1)</script>";

fn doc(i: usize, text: String) -> Document {
    let mut doc = Document::new(format!("doc-{i}"), text);
    doc.url = Some(format!("https://site{}.example.org/page/{i}", i % 7));
    doc.language = Some(["id", "en", "jv", "ms"][i % 4].to_owned());
    doc.signals
        .insert("min_length.chars".into(), doc.text.chars().count() as f64);
    doc.signals
        .insert("langid.score".into(), 0.5 + (i % 50) as f64 / 100.0);
    doc
}

/// A run directory with `n` kept documents (the first carries an XSS attempt in text, url, title and
/// language), stats with drops and errors, and an errors file.
fn run_dir(dir: &Path, n: usize, text_chars: usize) {
    let mut writer = ShardWriter::new(
        dir,
        0,
        &WriterConfig {
            max_shard_bytes: 4 * 1024 * 1024,
            ..WriterConfig::default()
        },
    )
    .unwrap();
    for i in 0..n {
        let mut text: String = format!("Dokumen {i}. ").repeat(text_chars / 12 + 1);
        text.truncate(text_chars + i % 500);
        let mut d = doc(i, text);
        if i == 0 {
            d.text = format!("Hello {XSS} & \"quotes\"");
            d.url = Some(format!("https://evil.example/{XSS}"));
            d.language = Some(XSS.into());
            d.metadata.insert("title".into(), XSS.into());
        }
        writer.write(&d).unwrap();
    }
    writer.finish().unwrap();
    let kept = n as u64;
    let mut stats = RunStats {
        read: kept + 15,
        kept,
        dropped: 12,
        errored: 3,
        bytes_in: 123_456_789,
        bytes_out: 23_456_789,
        wall_secs: 12.5,
        cpu_secs: 40.25,
        files: 2,
        ..RunStats::default()
    };
    stats.errors.insert("truncated".into(), 2);
    stats.errors.insert(format!("step:{XSS}"), 1);
    stats.skipped.insert("request".into(), 40);
    let mut extract = StepStats::named("extract");
    (extract.total, extract.kept, extract.dropped, extract.errored) = (kept + 13, kept + 10, 2, 1);
    extract.drop_reasons.insert("empty_text".into(), 2);
    let mut min_length = StepStats::named("min_length");
    (min_length.total, min_length.kept, min_length.dropped) = (kept + 10, kept, 10);
    min_length.drop_reasons.insert("min_chars".into(), 10);
    stats.steps = vec![extract, min_length];
    stats.languages_kept.insert("id".into(), kept);
    stats.languages_kept.insert(XSS.into(), 1);
    stats.languages_dropped.insert("(none)".into(), 2);
    stats.languages_dropped.insert("id".into(), 10);
    stats.sources.insert("crawl/*.warc.gz".into(), kept + 12);
    for rank in 0..2 {
        let mut timeline = Timeline::new(rank);
        for i in 0..Timeline::MAX_POINTS as u64 {
            timeline.points.push(TimelinePoint {
                secs: i as f64 * 0.5,
                docs: i * i * 10 + u64::from(rank) * i,
                bytes: i * 1_000_000,
            });
        }
        stats.timeline.push(timeline);
    }
    dropped_sample(dir, 30);
    fs::write(
        dir.join("stats.json"),
        serde_json::to_string_pretty(&stats).unwrap(),
    )
    .unwrap();
    fs::create_dir_all(dir.join("errors")).unwrap();
    fs::write(
        dir.join("errors/00000.jsonl"),
        format!("{{\"kind\":\"truncated\",\"message\":\"a.warc.gz record 3 {XSS}\"}}\n"),
    )
    .unwrap();
}

/// `dir/dropped/00000-00000.jsonl.zst` as the runner writes it: `per_reason` documents of each of two
/// (step, reason) pairs, the first with an XSS attempt in its text.
fn dropped_sample(dir: &Path, per_reason: usize) {
    let mut writer = ShardWriter::new(&dir.join("dropped"), 0, &WriterConfig::default()).unwrap();
    for (step, reason) in [("extract", "empty_text"), ("min_length", "min_chars")] {
        for i in 0..per_reason {
            let mut d = doc(i, format!("dropped by {reason} {i} {XSS}"));
            d.id = format!("{reason}-{i}");
            d.metadata.insert("drop_step".into(), step.into());
            d.metadata.insert("drop_reason".into(), reason.into());
            writer.write(&d).unwrap();
        }
    }
    writer.finish().unwrap();
}

fn config(dir: &Path) -> PathBuf {
    let path = dir.join("pipeline.toml");
    fs::write(
        &path,
        "[[step]]\ntype = \"extract\"\n[[step]]\ntype = \"langid\"\nmin_score = 0.65\n[[step]]\ntype = \"min_length\"\nmin_chars = 200\n",
    )
    .unwrap();
    path
}

#[test]
fn every_section_is_present() {
    let dir = tempfile::tempdir().unwrap();
    run_dir(dir.path(), 50, 400);
    let options = ReportOptions {
        config: Some(config(dir.path())),
        ..ReportOptions::default()
    };
    let html = render_report(dir.path(), &options).unwrap();
    for id in [
        "id=\"overview\"",
        "id=\"funnel\"",
        "id=\"funnel-chart\"",
        "id=\"bytes-chart\"",
        "id=\"drop-reasons-chart\"",
        "id=\"errors-chart\"",
        "id=\"languages-chart\"",
        "id=\"domains-chart\"",
        "id=\"domains-dropped-chart\"",
        "id=\"length-histogram\"",
        "id=\"signal-0\"",
        "id=\"signal-1\"",
        "id=\"samples\"",
        "id=\"throughput-docs\"",
        "id=\"throughput-bytes\"",
        "id=\"dropped-samples\"",
        "id=\"dropped-0\"",
        "id=\"dropped-1\"",
        "id=\"clusters-none\"",
    ] {
        assert!(html.contains(id), "missing {id}");
    }
    // Five dropped documents per reason (the default), in the order of the sample file.
    for i in 0..5 {
        assert!(html.contains(&format!(">min_chars-{i}<")), "dropped sample {i}");
    }
    assert!(!html.contains(">min_chars-5<"));
    assert!(html.contains("extract: <code>empty_text</code>"));
    // Languages of the whole run, kept and dropped, from the stats.
    assert!(html.contains("Languages, kept and dropped"));
    assert!(html.contains("50 kept, 10 dropped"), "id: 50 kept, 10 dropped");
    assert_eq!(html.matches("<polyline").count(), 4, "two ranks, two charts");
    assert!(html.contains(">rank 1</text>"));
    assert!(html.contains("min_length: min_chars"));
    assert!(html.contains("extract: empty_text"));
    assert!(
        html.contains("min_chars = 200"),
        "threshold line on min_length.chars"
    );
    assert!(
        html.contains("min_score = 0.65"),
        "threshold line on langid.score"
    );
    assert!(html.contains("site3.example.org"));
    assert!(html.contains("the first 50 kept document(s) of 1 shard(s) read (of 1)"));
    assert!(
        !html.contains("http://") && !html.contains("<script"),
        "no network, no script"
    );
}

#[test]
fn everything_from_the_data_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    run_dir(dir.path(), 5, 300);
    let html = render_report(dir.path(), &ReportOptions::default()).unwrap();
    assert!(
        !html.contains(XSS),
        "raw markup from the data leaked into the page"
    );
    assert!(!html.to_lowercase().contains("<script"));
    let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;";
    // text, url, title, language (bar label and table), error kind and error message, dropped samples
    assert!(
        html.matches(escaped).count() >= 16,
        "{}",
        html.matches(escaped).count()
    );
    assert!(html.contains("Hello &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"));
}

#[test]
fn without_config_no_threshold_and_without_shards_still_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let stats = RunStats {
        read: 3,
        dropped: 3,
        ..RunStats::default()
    };
    fs::write(
        dir.path().join("stats.json"),
        serde_json::to_string(&stats).unwrap(),
    )
    .unwrap();
    let html = render_report(dir.path(), &ReportOptions::default()).unwrap();
    assert!(!html.contains("class=\"threshold\""));
    assert!(html.contains("No document in the sample has signals"));
    assert!(html.contains("No step dropped any document"));
}

#[test]
fn a_missing_config_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    run_dir(dir.path(), 2, 300);
    let options = ReportOptions {
        config: Some(dir.path().join("nope.toml")),
        ..ReportOptions::default()
    };
    let err = render_report(dir.path(), &options).unwrap_err();
    assert!(err.to_string().contains("nope.toml"), "{err}");
}

#[test]
fn a_corrupt_shard_is_counted_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    run_dir(dir.path(), 3, 300);
    fs::write(
        dir.path().join("00000-00009.jsonl"),
        "{\"id\":\"x\",\"text\":\"ok\"}\nnot json\n",
    )
    .unwrap();
    let html = render_report(dir.path(), &ReportOptions::default()).unwrap();
    assert!(
        html.contains("1 record(s) or shard(s) could not be read"),
        "{html}"
    );
}

#[test]
fn write_report_is_atomic_and_in_the_run_dir() {
    let dir = tempfile::tempdir().unwrap();
    run_dir(dir.path(), 3, 300);
    let path = write_report(dir.path(), &ReportOptions::default()).unwrap();
    assert_eq!(path, dir.path().join("report.html"));
    assert!(fs::read_to_string(&path).unwrap().starts_with("<!DOCTYPE html>"));
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn a_big_run_gives_a_small_report() {
    let dir = tempfile::tempdir().unwrap();
    run_dir(dir.path(), 12_000, 2_000);
    let options = ReportOptions {
        max_docs: 10_000,
        max_bars: 3,
        ..ReportOptions::default()
    };
    let start = Instant::now();
    let html = render_report(dir.path(), &options).unwrap();
    let secs = start.elapsed().as_secs_f64();
    assert!(html.len() < 5_000_000, "report is {} bytes", html.len());
    assert!(html.contains("id=\"throughput-docs\"") && html.contains("id=\"dropped-1\""));
    assert!(html.contains("reading stopped at the cap of 10\u{202F}000 documents"));
    // 60 kept samples, and 5 dropped ones of each of the two reasons.
    assert_eq!(html.matches("<tr><td><div class=\"id\">").count(), 70);
    assert!(
        html.contains("And 5 more, with "),
        "hosts past max_bars are summed"
    );
    eprintln!("report of 12k docs: {} bytes in {secs:.2}s", html.len());
}

/// Renders the report in headless Chromium: the DOM must hold every chart, and a screenshot is taken.
/// Skips when `/usr/bin/chromium` is absent, unless `SARING_REQUIRE_CHROMIUM=1` (CI) makes that a failure.
#[test]
fn renders_in_headless_chromium() {
    let chromium = Path::new("/usr/bin/chromium");
    if !chromium.exists() {
        assert!(
            std::env::var_os("SARING_REQUIRE_CHROMIUM").is_none(),
            "SARING_REQUIRE_CHROMIUM is set but /usr/bin/chromium is missing (apt-get install -y chromium)"
        );
        eprintln!(
            "SKIPPED renders_in_headless_chromium: /usr/bin/chromium is absent (apt-get install -y chromium)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    run_dir(dir.path(), 200, 800);
    let options = ReportOptions {
        config: Some(config(dir.path())),
        ..ReportOptions::default()
    };
    let path = write_report(dir.path(), &options).unwrap();
    let url = format!("file://{}", path.display());
    let browser = |extra: &[&str]| {
        let profile = tempfile::tempdir().unwrap();
        let output = Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--window-size=1280,2000",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(extra)
            .arg(&url)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "chromium failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    };
    let dom = String::from_utf8(browser(&["--dump-dom"]).stdout).unwrap();
    for id in [
        "funnel-chart",
        "bytes-chart",
        "drop-reasons-chart",
        "errors-chart",
        "languages-chart",
        "domains-chart",
        "domains-dropped-chart",
        "length-histogram",
        "signal-0",
        "signal-1",
        "throughput-docs",
        "throughput-bytes",
        "dropped-samples",
    ] {
        assert!(
            dom.contains(&format!("id=\"{id}\"")),
            "{id} not in the rendered DOM"
        );
    }
    assert!(dom.matches("<rect").count() > 50, "charts have no bars");
    assert!(dom.contains("class=\"threshold\""));
    assert!(!dom.contains("<script"), "the page must run no script");
    let shot = dir.path().join("shot.png");
    browser(&[&format!("--screenshot={}", shot.display())]);
    let png = fs::read(&shot).unwrap();
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "screenshot of {} bytes",
        png.len()
    );
}

/// A `saring dedup` output: its own `stats.json` (`DedupStats`), `clusters.tsv` and shards whose
/// documents carry `dedup_cluster_size`.
#[test]
fn a_dedup_output_gets_a_report_with_its_clusters_and_a_card() {
    let dir = tempfile::tempdir().unwrap();
    let mut writer = ShardWriter::new(dir.path(), 0, &WriterConfig::default()).unwrap();
    let mut tsv = String::new();
    for (i, size) in [1u64, 2, 2, 3, 5, 17, 1].iter().enumerate() {
        let mut d = doc(i, format!("document {i}"));
        d.metadata.insert("dedup_cluster_size".into(), (*size).into());
        writer.write(&d).unwrap();
        if *size > 1 {
            for j in 0..*size {
                tsv.push_str(&format!("doc-{i}-{j}\tdoc-{i}\n"));
            }
        }
    }
    writer.finish().unwrap();
    fs::write(dir.path().join("clusters.tsv"), tsv).unwrap();
    fs::write(
        dir.path().join("stats.json"),
        r#"{"files":1,"read":31,"kept":7,"removed":24,"errored":0,"duplicate_clusters":5,
            "docs_in_clusters":29,"largest_cluster":17,"cluster":{"pairs":40},"over_merged":[],
            "wall_secs":0.5,"cpu_secs":0.7,"first_errors":[]}"#,
    )
    .unwrap();
    let html = render_report(dir.path(), &ReportOptions::default()).unwrap();
    for id in [
        "dedup-stats",
        "clusters-chart",
        "largest-clusters",
        "funnel-chart",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "missing {id}");
    }
    assert!(html.contains("5 cluster(s) of two or more documents, 29 document(s)"));
    // Buckets 2, 3–4, 5–8, 9–16, 17–32.
    assert!(html.contains(">2 documents</text>") && html.contains(">17–32 documents</text>"));
    let largest = html.find(">doc-5<").unwrap();
    assert!(largest < html.find(">doc-4<").unwrap(), "largest cluster first");
    assert!(html.contains("dedup: duplicate"));

    // Without clusters.tsv, the sizes come from the shards' metadata.
    fs::remove_file(dir.path().join("clusters.tsv")).unwrap();
    let html = render_report(dir.path(), &ReportOptions::default()).unwrap();
    assert!(html.contains("5 cluster(s) of two or more documents, 29 document(s)"));

    let card = render_card(dir.path(), &ReportOptions::default()).unwrap();
    assert!(card.contains("| removed | 24 |"), "{card}");
    assert!(card.contains("language:\n- en\n- id\n- jv\n- ms\n"), "{card}");
}

fn run_info() -> RunInfo {
    RunInfo {
        saring_version: "0.1.0".into(),
        command: [
            "saring",
            "run",
            "crawl/*.warc.gz",
            "-o",
            "my out",
            "--config",
            "p.toml",
        ]
        .map(String::from)
        .to_vec(),
        inputs: vec!["crawl/*.warc.gz".into()],
        config: "[[step]]\ntype = \"min_length\"\nmin_chars = 200\n\n[output]\nformat = \"parquet\"\n".into(),
        config_path: Some("p.toml".into()),
    }
}

#[test]
fn the_card_describes_the_run_and_is_the_same_every_time() {
    let dir = tempfile::tempdir().unwrap();
    run_dir(dir.path(), 20, 300);
    run_info().write(dir.path()).unwrap();
    assert_eq!(RunInfo::read(dir.path()), Some(run_info()));
    let path = match write_card(dir.path(), &ReportOptions::default()).unwrap() {
        CardOutcome::Written(path) => path,
        other => panic!("{other:?}"),
    };
    let card = fs::read_to_string(&path).unwrap();
    let name = dir.path().canonicalize().unwrap();
    let name = name.file_name().unwrap().to_str().unwrap();
    let front = format!(
        "---\npretty_name: \"{name}\"\nlanguage:\n- id\nlicense: other\nsize_categories:\n- n<1K\n\
         task_categories:\n- text-generation\ntags:\n- saring\n- web-crawl\n---\n{CARD_MARKER}\n"
    );
    assert!(card.starts_with(&front), "{card}");
    for needle in [
        "**Licence: to be filled in.**",
        "| `crawl/*.warc.gz` | 32 |",
        "| read | 35 |\n| kept | 20 |\n| dropped | 12 |\n| errored | 3 |",
        "| min_length | `min_chars` | 10 |",
        "| `truncated` | 2 |",
        "| id | 20 |",
        "Shards `RRRRR-SSSSS.parquet`",
        "`p.toml`, as used:\n\n```toml\n[[step]]\ntype = \"min_length\"\nmin_chars = 200\n\n[output]\nformat = \"parquet\"\n```",
        "saring 0.1.0:\n\n```sh\nsaring run 'crawl/*.warc.gz' -o 'my out' --config p.toml\n```",
    ] {
        assert!(card.contains(needle), "card lacks {needle:?}:\n{card}");
    }
    assert!(
        !card.contains("<script"),
        "the XSS language label is not a code and not in the list"
    );
    write_card(dir.path(), &ReportOptions::default()).unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), card, "deterministic");
}

#[test]
fn a_readme_saring_did_not_write_is_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    run_dir(dir.path(), 3, 300);
    fs::write(dir.path().join("README.md"), "# my notes\n").unwrap();
    let outcome = write_card(dir.path(), &ReportOptions::default()).unwrap();
    assert_eq!(outcome, CardOutcome::KeptExisting(dir.path().join("README.md")));
    assert_eq!(
        fs::read_to_string(dir.path().join("README.md")).unwrap(),
        "# my notes\n"
    );
    // Without run.json the card says what it does not know, rather than failing.
    fs::remove_file(dir.path().join("README.md")).unwrap();
    write_card(dir.path(), &ReportOptions::default()).unwrap();
    let card = fs::read_to_string(dir.path().join("README.md")).unwrap();
    assert!(
        card.contains("Not recorded: this directory has no `run.json`."),
        "{card}"
    );
}

#[test]
fn record_run_writes_the_records_and_a_complete_rerun_leaves_them() {
    let dir = tempfile::tempdir().unwrap();
    let files = ["run.json", "report.html", "README.md"].map(|name| dir.path().join(name));
    let mtimes = || {
        files
            .clone()
            .map(|path| fs::metadata(path).unwrap().modified().unwrap())
    };

    // A rank of several before the merge: run.json only.
    run_dir(dir.path(), 5, 300);
    fs::rename(dir.path().join("stats.json"), dir.path().join("merged")).unwrap();
    let records = record_run(dir.path(), &run_info(), &ReportOptions::default(), false);
    assert!(records.run_info.is_ok() && records.report_and_card.is_none());
    assert!(files[0].exists() && !files[1].exists() && !files[2].exists());

    fs::rename(dir.path().join("merged"), dir.path().join("stats.json")).unwrap();
    let records = record_run(dir.path(), &run_info(), &ReportOptions::default(), false);
    let (report, card) = records.report_and_card.unwrap();
    assert_eq!(report.unwrap(), files[1]);
    assert_eq!(card.unwrap(), CardOutcome::Written(files[2].clone()));
    let written = mtimes();

    std::thread::sleep(std::time::Duration::from_millis(20));
    let records = record_run(dir.path(), &run_info(), &ReportOptions::default(), true);
    let (_, card) = records.report_and_card.unwrap();
    assert_eq!(card.unwrap(), CardOutcome::Unchanged(files[2].clone()));
    assert_eq!(mtimes(), written, "a run found complete rewrites nothing");

    // ... unless something is missing, as after a kill between the stats and the report.
    fs::remove_file(&files[1]).unwrap();
    record_run(dir.path(), &run_info(), &ReportOptions::default(), true);
    assert!(files[1].exists());
    assert_ne!(mtimes()[0], written[0]);
}
