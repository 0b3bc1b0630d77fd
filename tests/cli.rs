//! The command line itself: version, help, exit codes, config errors, `saring extract`.

use crate::util::*;

#[test]
fn version_and_help() {
    let dir = Dir::new();
    let out = dir.saring(&["--version"]);
    assert_exit!(out, 0);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("saring "));
    for args in [&["--help"][..], &["run", "--help"], &["extract", "--help"]] {
        let out = dir.saring(args);
        assert_exit!(out, 0);
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage"), "{args:?}");
    }
    let help = String::from_utf8_lossy(&dir.saring(&["run", "--help"]).stdout).into_owned();
    for flag in ["--output", "--config", "--threads", "--fail-fast"] {
        assert!(help.contains(flag), "run --help lacks {flag}");
    }
}

#[test]
fn bad_arguments_exit_2() {
    let dir = Dir::new();
    assert_exit!(dir.saring(&[]), 2);
    assert_exit!(dir.saring(&["run", "x.warc"]), 2);
    assert_exit!(dir.saring(&["run", "x.warc", "-o", "out", "--threads", "0"]), 2);
}

#[test]
fn config_errors_name_the_key_and_its_place_and_exit_2() {
    let dir = Dir::new();
    let input = dir.write("in.jsonl", b"{\"text\": \"hello\"}\n");
    let config = dir.write(
        "bad.toml",
        b"[input]\nformat = \"jsonl\"\n\n[[step]]\ntype = \"min_length\"\nmin_char = 3\n",
    );
    let out = dir.saring(&[
        "run",
        input.to_str().unwrap(),
        "-o",
        "out",
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_exit!(out, 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 6: unknown field `min_char`") && err.contains("bad.toml"),
        "{err}"
    );
    assert!(
        !dir.path("out").exists(),
        "nothing is written when the config is bad"
    );

    let config = dir.write("invalid.toml", b"[output]\nmax_shard_bytes = 0\n");
    let out = dir.saring(&[
        "run",
        input.to_str().unwrap(),
        "-o",
        "out",
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_exit!(out, 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("max_shard_bytes = 0"));
}

#[test]
fn extract_prints_the_body_without_title_or_boilerplate() {
    let dir = Dir::new();
    let seed = shared("examples/seed/page.html");
    let out = dir.saring(&["extract", seed.to_str().unwrap()]);
    assert_exit!(out, 0);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Presiden Rusia Vladimir Putin"), "{text}");
    assert!(!text.contains("fbpx"));
    assert!(!text.contains("All Rights Reserved"));
    assert!(
        !text.starts_with("Korut Siap Bela Rusia"),
        "the title is metadata, not text"
    );
    assert!(text.ends_with('\n'));

    let gz = dir.write(
        "page.html.gz",
        &gzip(b"<html><body><p>compressed page</p></body></html>"),
    );
    let out = dir.saring(&["extract", gz.to_str().unwrap()]);
    assert_exit!(out, 0);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "compressed page\n");

    let out = dir.saring(&["extract", "missing.html"]);
    assert_exit!(out, 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.html"));
}

/// The seed pages: the exact expected text, and every field of `expected.json`.
#[test]
fn extract_gives_the_seed_pages_expected_text_and_metadata() {
    let dir = Dir::new();
    for (page, expected) in [
        ("page.html", "expected.txt"),
        ("syndicated.html", "syndicated.expected.txt"),
    ] {
        let out = dir.saring(&[
            "extract",
            shared(&format!("examples/seed/{page}")).to_str().unwrap(),
        ]);
        assert_exit!(out, 0);
        let want = std::fs::read_to_string(shared(&format!("examples/seed/{expected}"))).unwrap();
        assert_eq!(String::from_utf8(out.stdout).unwrap(), want, "{page}");
    }

    let out = dir.saring(&[
        "extract",
        "--format",
        "json",
        shared("examples/seed/page.html").to_str().unwrap(),
    ]);
    assert_exit!(out, 0);
    let got: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let want: serde_json::Value =
        serde_json::from_slice(&std::fs::read(shared("examples/seed/expected.json")).unwrap()).unwrap();
    for (key, value) in want.as_object().unwrap() {
        assert_eq!(&got[key], value, "field {key}");
    }
    assert!(got["text"].as_str().unwrap().starts_with("Putin Mengatakan"));

    let out = dir.saring(&[
        "extract",
        "--format",
        "markdown",
        shared("examples/seed/page.html").to_str().unwrap(),
    ]);
    assert_exit!(out, 0);
    let markdown = String::from_utf8(out.stdout).unwrap();
    assert!(markdown.starts_with("# Korut Siap Bela Rusia"), "{markdown}");
    assert!(markdown.contains("\n## Putin Mengatakan"), "{markdown}");
}
