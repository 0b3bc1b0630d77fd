//! Bad input never panics and is never lost: each case is reported with file, record and offset, counted as
//! errored, and the run goes on (or stops with `--fail-fast`).

use crate::util::*;

fn good(n: u32) -> Vec<u8> {
    let id = format!("00000000-0000-0000-0000-{n:012}");
    html_response(
        &id,
        &format!("https://ok.example/{n}"),
        &page("Good", &sentences(&format!("good {n}"), 8)),
    )
}

/// Runs `saring run` on the given inputs and returns (exit code, stderr, stats).
fn run(dir: &Dir, args: &[&str]) -> (i32, String, serde_json::Value) {
    let mut full = vec!["run"];
    full.extend_from_slice(args);
    full.extend_from_slice(&["-o", "out"]);
    let out = dir.saring(&full);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let stats = stats(&dir.path("out"));
    assert_reconciles(&stats);
    (out.status.code().unwrap(), stderr, stats)
}

#[test]
fn truncated_gzip_member_keeps_what_came_before() {
    let dir = Dir::new();
    let mut bytes = gzip_members(&[good(1), good(2)]);
    let last = gzip(&good(3));
    bytes.extend_from_slice(&last[..last.len() / 2]);
    dir.write("cut.warc.gz", &bytes);
    let (code, stderr, stats) = run(&dir, &["cut.warc.gz"]);
    assert_eq!(code, 1);
    assert_eq!(stats["kept"], 2);
    assert_eq!(stats["errored"], 1);
    assert_eq!(stats["errors"]["truncated"], 1, "{stats:#}");
    assert!(stderr.contains("cut.warc.gz: record 2 at byte"), "{stderr}");
}

#[test]
fn bad_content_length_is_errored_and_the_next_record_is_read() {
    let dir = Dir::new();
    let bad = String::from_utf8(good(2))
        .unwrap()
        .replacen("Content-Length: ", "Content-Length: x", 1);
    let bytes = [good(1), bad.into_bytes(), good(3)].concat();
    dir.write("bad.warc", &bytes);
    let (code, stderr, stats) = run(&dir, &["bad.warc"]);
    assert_eq!(code, 1);
    assert_eq!(stats["kept"], 2, "{stats:#}");
    assert_eq!(stats["errors"]["bad_content_length"], 1, "{stats:#}");
    assert!(stderr.contains("bad.warc: record 1 at byte"), "{stderr}");
    let urls: Vec<_> = read_shards(&dir.path("out"))
        .iter()
        .map(|r| r["url"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(urls, ["https://ok.example/1", "https://ok.example/3"]);
}

#[test]
fn record_over_the_size_cap_is_errored_and_skipped() {
    let dir = Dir::new();
    let big = html_response(
        "00000000-0000-0000-0000-00000000b16b",
        "https://big.example/",
        &page("Big", &sentences("big", 400)),
    );
    dir.write("big.warc.gz", &gzip_members(&[good(1), big, good(3)]));
    dir.write("cap.toml", b"[input]\nmax_record_bytes = 10000\n");
    let (code, stderr, stats) = run(&dir, &["big.warc.gz", "--config", "cap.toml"]);
    assert_eq!(code, 1);
    assert_eq!(stats["kept"], 2);
    assert_eq!(stats["errors"]["too_large"], 1, "{stats:#}");
    assert!(stderr.contains("big.warc.gz: record 1"), "{stderr}");
}

#[test]
fn invalid_utf8_html_becomes_valid_text_and_invalid_utf8_jsonl_is_errored() {
    let dir = Dir::new();
    let html = page("Bytes", &sentences("bytes", 8));
    let at = html.find("Sentence 3").unwrap();
    let mut html = html.into_bytes();
    html.splice(at..at, [0xff, 0xfe, 0xc3]);
    let mut block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n".to_vec();
    block.extend_from_slice(&html);
    dir.write(
        "bytes.warc",
        &warc_record(
            "response",
            "00000000-0000-0000-0000-0000000000ff",
            "https://u.example/",
            &block,
            &[],
        ),
    );
    let (code, _, stats) = run(&dir, &["bytes.warc"]);
    assert_eq!((code, stats["kept"].as_u64()), (0, Some(1)));
    assert!(
        read_shards(&dir.path("out"))[0]["text"]
            .as_str()
            .unwrap()
            .contains('\u{fffd}')
    );

    let dir = Dir::new();
    dir.write(
        "bytes.jsonl",
        b"{\"text\": \"ok one\"}\n{\"text\": \"bad \xff\xfe\"}\n{\"text\": \"ok two\"}\n",
    );
    dir.write("none.toml", b"step = []\n");
    let (code, stderr, stats) = run(&dir, &["bytes.jsonl", "--config", "none.toml"]);
    assert_eq!(code, 1);
    assert_eq!(
        (stats["kept"].as_u64(), stats["errored"].as_u64()),
        (Some(2), Some(1))
    );
    assert!(stderr.contains("bytes.jsonl: record 1 at byte 19"), "{stderr}");
}

#[test]
fn empty_file_and_missing_path_are_errored_and_the_run_goes_on() {
    let dir = Dir::new();
    dir.write("empty.warc.gz", b"");
    dir.write("ok.warc.gz", &gzip(&good(1)));
    let (code, stderr, stats) = run(&dir, &["empty.warc.gz", "missing.warc.gz", "ok.warc.gz"]);
    assert_eq!(code, 1);
    assert_eq!(stats["kept"], 1);
    assert_eq!(stats["errors"]["empty_file"], 1, "{stats:#}");
    assert_eq!(stats["errors"]["not_found"], 1, "{stats:#}");
    assert!(stderr.contains("empty.warc.gz"), "{stderr}");
    assert!(stderr.contains("missing.warc.gz"), "{stderr}");
    assert!(dir.path("out/errors/00000.jsonl").exists());
    assert_eq!(
        std::fs::read_to_string(dir.path("out/errors/00000.jsonl"))
            .unwrap()
            .lines()
            .count(),
        2
    );
}

#[test]
fn jsonl_line_that_is_not_json_is_errored() {
    let dir = Dir::new();
    dir.write(
        "docs.jsonl",
        b"{\"text\": \"one\"}\n{\"text\": \"two\"\nnot json at all\n{\"text\": \"three\"}\n",
    );
    dir.write("none.toml", b"step = []\n");
    let (code, stderr, stats) = run(&dir, &["docs.jsonl", "--config", "none.toml"]);
    assert_eq!(code, 1);
    assert_eq!(
        (stats["kept"].as_u64(), stats["errored"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(stats["errors"]["invalid_json"], 2);
    assert!(stderr.contains("docs.jsonl: record 1 at byte 16"), "{stderr}");
    assert!(stderr.contains("docs.jsonl: record 2 at byte 31"), "{stderr}");
}

#[test]
fn parquet_without_the_text_column_is_errored() {
    let dir = Dir::new();
    dir.write("docs.jsonl", b"{\"text\": \"one\"}\n");
    dir.write("parquet.toml", b"step = []\n[output]\nformat = \"parquet\"\n");
    assert_exit!(
        dir.saring(&["run", "docs.jsonl", "-o", "pq", "--config", "parquet.toml"]),
        0
    );
    dir.write("body.toml", b"step = []\n[input]\ntext_field = \"body\"\n");
    let (code, stderr, stats) = run(&dir, &["pq/00000-00000.parquet", "--config", "body.toml"]);
    assert_eq!(code, 1);
    assert_eq!(stats["errors"]["missing_field"], 1, "{stats:#}");
    assert!(
        stderr.contains("00000-00000.parquet") && stderr.contains("body"),
        "{stderr}"
    );
}

#[test]
fn fail_fast_stops_at_the_first_error() {
    let dir = Dir::new();
    dir.write("a.warc.gz", &gzip(&good(1)));
    dir.write("b.warc.gz", b"");
    dir.write("c.warc.gz", &gzip(&good(3)));
    let (code, stderr, stats) = run(&dir, &["a.warc.gz", "b.warc.gz", "c.warc.gz", "--fail-fast"]);
    assert_eq!(code, 1);
    assert_eq!(stats["errored"], 1);
    assert!(stats["read"].as_u64().unwrap() <= 2, "{stats:#}");
    assert!(stderr.contains("--fail-fast"), "{stderr}");
}

#[test]
fn garbage_bytes_never_panic() {
    let dir = Dir::new();
    let mut noise = Vec::new();
    let mut x: u32 = 12345;
    for _ in 0..50_000 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        noise.push((x >> 16) as u8);
    }
    dir.write("noise.warc", &noise);
    dir.write("noise.warc.gz", &gzip(&noise));
    dir.write("noise.jsonl", &noise);
    dir.write("noise.html", &noise);
    dir.write("noise.parquet", &noise);
    dir.write("noise.arc", &noise);
    let (_, _, stats) = run(
        &dir,
        &[
            "noise.warc",
            "noise.warc.gz",
            "noise.jsonl",
            "noise.html",
            "noise.parquet",
            "noise.arc",
        ],
    );
    assert!(stats["errored"].as_u64().unwrap() >= 4, "{stats:#}");
}
