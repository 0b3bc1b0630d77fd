//! `saring explain`: snapshots of the seed pages, agreement with `saring run`, and its errors (issue 14).

use std::collections::BTreeMap;
use std::io::Read;

use crate::util::*;

/// The steps of the config with every quality filter and pii, after the default pipeline's extract and
/// clean and a filtering langid.
const FILTER_STEPS: [&str; 8] = [
    "extract",
    "clean",
    "pii",
    "langid",
    "gopher_repetition",
    "fineweb_quality",
    "c4_quality",
    "gopher_quality",
];

/// The TOML of [`FILTER_STEPS`], every setting at its default.
fn filters_toml() -> String {
    FILTER_STEPS
        .iter()
        .map(|step| format!("[[step]]\ntype = \"{step}\"\n"))
        .collect()
}

/// Compares `actual` with the snapshot `tests/snapshots/NAME`; `UPDATE_SNAPSHOTS=1` rewrites it.
pub(crate) fn assert_snapshot(name: &str, actual: &str) {
    let path = repo().join("tests/snapshots").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; set UPDATE_SNAPSHOTS=1 to write it", path.display()));
    assert_eq!(
        actual,
        expected,
        "set UPDATE_SNAPSHOTS=1 to rewrite {}",
        path.display()
    );
}

/// `saring explain` of the seed file `name` (copied under its own name, so ids and paths are the same
/// on every machine), with the default pipeline or [`FILTER_STEPS`]; its stdout.
fn explain_seed(name: &str, filters: bool, format: &str) -> String {
    let dir = Dir::new();
    dir.write(name, &std::fs::read(shared("examples/seed").join(name)).unwrap());
    dir.write("filters.toml", filters_toml().as_bytes());
    let mut args = vec!["explain", name, "--format", format];
    if filters {
        args.extend(["--config", "filters.toml"]);
    }
    let out = dir.saring(&args);
    assert_exit!(out, 0);
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn seed_pages_explained_match_the_snapshots() {
    for name in ["page.html", "syndicated.html", "scraped.txt"] {
        for (filters, config) in [(false, "default"), (true, "filters")] {
            let text = explain_seed(name, filters, "text");
            assert_snapshot(&format!("explain/{name}.{config}.txt"), &text);
        }
    }
    let json = explain_seed("page.html", true, "json");
    assert_snapshot("explain/page.html.filters.json", &json);
}

#[test]
fn the_seed_page_shows_its_metadata_and_the_threshold_that_dropped_it() {
    let json: serde_json::Value = serde_json::from_str(&explain_seed("page.html", true, "json")).unwrap();
    assert_eq!(json["input"], "html");
    let steps = json["steps"].as_array().unwrap();
    let names: Vec<&str> = steps.iter().map(|s| s["step"].as_str().unwrap()).collect();
    assert_eq!(names, FILTER_STEPS);
    assert!(
        json["metadata"]["title"]
            .as_str()
            .unwrap()
            .contains("Korut Siap Bela Rusia")
    );
    assert_eq!(json["language"]["label"], "id");
    // The Indonesian article has none of Gopher's English stop words: gopher_quality drops it, and the
    // explanation names the setting, its value and the signal that crossed it.
    assert_eq!(json["outcome"]["step"], "gopher_quality");
    assert_eq!(json["outcome"]["reason"], "gopher_enough_stop_words");
    let gopher = steps.last().unwrap();
    let stop_words = gopher["signals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "gopher_quality.stop_words")
        .unwrap();
    let check = &stop_words["thresholds"][0];
    assert_eq!(check["key"], "min_stop_words");
    assert_eq!(check["value"], 2.0);
    assert_eq!(check["drops_when"], "below");
    assert_eq!(check["decided"], true);
    // Every other threshold that decided nothing is marked so.
    let decided: usize = steps
        .iter()
        .flat_map(|s| s["signals"].as_array().unwrap())
        .flat_map(|s| s["thresholds"].as_array().cloned().unwrap_or_default())
        .filter(|t| t["decided"] == true)
        .count();
    assert_eq!(decided, 1);
}

#[test]
fn a_text_file_skips_extract_and_says_so() {
    let text = explain_seed("scraped.txt", false, "text");
    assert!(
        text.contains("input     scraped.txt, record 0: text (no HTML)"),
        "{text}"
    );
    assert!(
        text.contains("not applicable: the document has no HTML"),
        "{text}"
    );
    assert!(text.contains("- [clean: drop_tracking_lines] fbpx"), "{text}");
    assert!(
        text.contains("- [clean: drop_copyright_lines] © 2018 Zid World All Rights Reserved."),
        "{text}"
    );
}

/// The `WARC-Record-ID`s of the `response` records of a WARC.
fn response_ids(warc: &[u8]) -> Vec<String> {
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(warc)
        .read_to_string(&mut text)
        .unwrap();
    let mut ids = Vec::new();
    let mut response = false;
    for line in text.lines() {
        if line.starts_with("WARC/1.") {
            response = false;
        } else if line == "WARC-Type: response" {
            response = true;
        } else if let Some(id) = line.strip_prefix("WARC-Record-ID: ")
            && response
        {
            ids.push(id.to_owned());
        }
    }
    ids
}

#[test]
fn explain_by_id_agrees_with_a_run_of_the_bundled_crawl() {
    let dir = Dir::new();
    let example = repo().join("examples/crawl.warc.gz");
    let example = example.to_str().unwrap();
    dir.write("filters.toml", filters_toml().as_bytes());
    let out = dir.saring(&["run", example, "-o", "out", "--config", "filters.toml"]);
    assert_exit!(out, 0);
    let written: BTreeMap<String, String> = read_shards(&dir.path("out"))
        .into_iter()
        .map(|doc| {
            (
                doc["id"].as_str().unwrap().to_owned(),
                doc["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let ids = response_ids(&std::fs::read(example).unwrap());
    let (mut kept, mut dropped) = (0, 0);
    for id in &ids {
        let out = dir.saring(&[
            "explain",
            example,
            "--id",
            id,
            "--config",
            "filters.toml",
            "--format",
            "json",
        ]);
        if out.status.code() == Some(2) {
            // a response that is not an HTML page is not a document
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stderr.contains("no document with id"), "{stderr}");
            assert!(!written.contains_key(id));
            continue;
        }
        assert_exit!(out, 0);
        let e: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(e["id"], id.as_str());
        match e["outcome"]["outcome"].as_str().unwrap() {
            "kept" => {
                kept += 1;
                assert_eq!(written.get(id).map(String::as_str), e["text"].as_str(), "{id}");
            }
            _ => {
                dropped += 1;
                assert!(
                    !written.contains_key(id),
                    "{id} dropped by explain, written by run"
                );
            }
        }
    }
    assert_eq!(kept, written.len(), "every written document explained as kept");
    assert!(kept > 0 && dropped > 0, "kept {kept}, dropped {dropped}");
}

#[test]
fn errors_name_the_problem_and_how_to_fix_it() {
    let dir = Dir::new();
    let example = repo().join("examples/crawl.warc.gz");
    let example = example.to_str().unwrap();

    let out = dir.saring(&["explain", example]);
    assert_exit!(out, 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("holds more than one document")
            && stderr.contains("--id")
            && stderr.contains("record "),
        "{stderr}"
    );

    let out = dir.saring(&["explain", example, "--id", "<urn:uuid:no-such-record>"]);
    assert_exit!(out, 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no document with id or record number <urn:uuid:no-such-record>"),
        "{stderr}"
    );

    let out = dir.saring(&["explain", "missing.html"]);
    assert_exit!(out, 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("missing.html"), "{stderr}");

    dir.write("bad.toml", b"[[step]]\ntype = \"min_length\"\nmin_char = 3\n");
    dir.write("p.txt", b"Some text.");
    let out = dir.saring(&["explain", "p.txt", "--config", "bad.toml"]);
    assert_exit!(out, 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("min_char"));
}
