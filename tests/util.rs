//! Shared helpers: a temp dir per test, running the binary, building WARC fixtures, reading shards.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A scratch directory for one test, removed when dropped.
pub struct Dir {
    tmp: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Dir {
        Dir {
            tmp: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// Runs `saring run` on the bundled example crawl into `out`, with the pipeline config `config` written
    /// to `out.toml` in this directory.
    pub fn run_example(&self, config: &str, out: &str) -> Output {
        let config_name = format!("{out}.toml");
        self.write(&config_name, config.as_bytes());
        let example = repo().join("examples/crawl.warc.gz");
        self.saring(&[
            "run",
            example.to_str().unwrap(),
            "-o",
            out,
            "--config",
            &config_name,
        ])
    }

    /// Runs `saring` with `args` in this directory.
    pub fn saring(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_saring"))
            .args(args)
            .current_dir(self.tmp.path())
            .output()
            .unwrap()
    }
}

/// The repository root (the bundled example and `../shared` are found from it).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/` beside the repository.
pub fn shared(rel: &str) -> PathBuf {
    repo().join("../shared").join(rel)
}

/// Asserts a process exited with `code`, printing its output in full when not.
macro_rules! assert_exit {
    ($output:expr, $code:expr) => {{
        let output = &$output;
        assert_eq!(
            output.status.code(),
            Some($code),
            "\nstdout:\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }};
}

/// One WARC record, uncompressed.
pub fn warc_record(kind: &str, id: &str, uri: &str, block: &[u8], extra: &[(&str, &str)]) -> Vec<u8> {
    let mut out = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{id}>\r\nWARC-Date: 2024-01-01T00:00:00Z\r\nWARC-Target-URI: {uri}\r\n"
    );
    for (k, v) in extra {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\n\r\n", block.len()));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(block);
    bytes.extend_from_slice(b"\r\n\r\n");
    bytes
}

/// A `response` record carrying an HTTP 200 with an HTML page.
pub fn html_response(id: &str, uri: &str, html: &str) -> Vec<u8> {
    let mut block = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
        html.len()
    )
    .into_bytes();
    block.extend_from_slice(html.as_bytes());
    warc_record(
        "response",
        id,
        uri,
        &block,
        &[("Content-Type", "application/http; msgtype=response")],
    )
}

/// An HTML page whose main text is `body` (long enough to pass the default min_length).
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<html lang=\"en\"><head><title>{title}</title></head><body><nav>Home | About</nav><article><h1>{title}</h1><p>{body}</p></article><footer>© 2024 Example</footer></body></html>"
    )
}

/// A paragraph of `n` distinct sentences.
pub fn sentences(seed: &str, n: usize) -> String {
    (0..n)
        .map(|i| format!("Sentence {i} of the {seed} story talks about something worth reading. "))
        .collect()
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// A WARC of `records`, each its own gzip member, as Common Crawl ships them.
pub fn gzip_members(records: &[Vec<u8>]) -> Vec<u8> {
    records.iter().flat_map(|r| gzip(r)).collect()
}

/// Every JSON record of every `.jsonl.zst` shard in `dir`, in shard order.
pub fn read_shards(dir: &Path) -> Vec<serde_json::Value> {
    read_shard_lines(dir)
        .iter()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// Every line of every `.jsonl.zst` shard in `dir`, in shard order.
pub fn read_shard_lines(dir: &Path) -> Vec<String> {
    let mut shards: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".jsonl.zst"))
        .collect();
    shards.sort();
    let mut records = Vec::new();
    for shard in shards {
        let mut text = String::new();
        zstd::stream::read::Decoder::new(std::fs::File::open(shard).unwrap())
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        records.extend(text.lines().map(str::to_owned));
    }
    records
}

pub fn stats(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("stats.json")).unwrap()).unwrap()
}

/// Asserts read = kept + dropped + errored.
pub fn assert_reconciles(stats: &serde_json::Value) {
    let n = |k: &str| stats[k].as_u64().unwrap();
    assert_eq!(n("read"), n("kept") + n("dropped") + n("errored"), "{stats:#}");
}

/// Every file directly in `dir` with its bytes, sorted by name, ignoring `stats.json` and `report.html`
/// (they hold timings) and `run.json` and `README.md` (they name the command).
pub fn output_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap();
            p.is_file()
                && !["stats.json", "report.html", "run.json", "README.md"]
                    .iter()
                    .any(|n| name == *n)
        })
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}
