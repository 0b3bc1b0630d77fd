//! Object storage: runs that read from and write to an S3-compatible server (moto, started on loopback),
//! directly and through a proxy that answers 503 SlowDown and drops connections mid-body and mid-upload;
//! and an HTTP input served by the test itself, cut mid-body. Each must give a local run's bytes.
//!
//! The moto tests print SKIPPED when moto is not installed (`pip install 'moto[server]'`), unless
//! `SARING_REQUIRE_MOTO=1` (CI) makes that a failure. `SARING_MOTO_PYTHON` names the Python that has it
//! (default `python3`).

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::util::*;

/// A moto S3 server on a loopback port, stopped when dropped.
struct Moto {
    child: Child,
    port: u16,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts moto, or returns `None` (after printing SKIPPED) when it is not installed.
fn start_moto(test: &str) -> Option<Moto> {
    let python = std::env::var("SARING_MOTO_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let installed = Command::new(&python)
        .args(["-c", "import moto.server"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !installed {
        assert!(
            std::env::var_os("SARING_REQUIRE_MOTO").is_none(),
            "SARING_REQUIRE_MOTO is set but {python} cannot import moto.server (pip install 'moto[server]')"
        );
        eprintln!("SKIPPED {test}: moto is not installed (pip install 'moto[server]')");
        return None;
    }
    let port = free_port();
    let child = Command::new(&python)
        .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let moto = Moto { child, port };
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "moto did not start on port {port}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(moto)
}

/// Reads an HTTP head (through the blank line); `None` at the end of the stream.
fn read_head(reader: &mut impl BufRead) -> Option<String> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        head.push_str(&line);
        if line == "\r\n" {
            return Some(head);
        }
    }
}

fn header(head: &str, name: &str) -> Option<String> {
    head.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim().to_owned())
    })
}

fn content_length(head: &str) -> usize {
    header(head, "content-length").map_or(0, |n| n.parse().unwrap())
}

/// The head with its `Connection` header replaced by `Connection: close`.
fn closing(head: &str) -> String {
    let mut out: String = head
        .trim_end()
        .lines()
        .filter(|line| !line.to_ascii_lowercase().starts_with("connection:"))
        .map(|line| format!("{line}\r\n"))
        .collect();
    out.push_str("Connection: close\r\n\r\n");
    out
}

/// Splits a whole HTTP response into status, head and body (de-chunked).
fn parse_response(raw: &[u8]) -> (u16, String, Vec<u8>) {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let mut body = raw[split..].to_vec();
    if header(&head, "transfer-encoding").is_some_and(|t| t.contains("chunked")) {
        let mut reader = BufReader::new(&body[..]);
        let mut plain = Vec::new();
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).unwrap();
            let size = usize::from_str_radix(size.trim(), 16).unwrap();
            if size == 0 {
                break;
            }
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).unwrap();
            plain.extend_from_slice(&chunk[..size]);
        }
        body = plain;
    }
    (status, head, body)
}

/// One plain (unsigned) S3 request to moto: moto does not check signatures.
fn s3(port: u16, method: &str, target: &str, body: &[u8]) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let head = format!(
        "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let (status, _, body) = parse_response(&raw);
    (status, body)
}

fn put_object(port: u16, bucket_key: &str, body: &[u8]) {
    let (status, reply) = s3(port, "PUT", &format!("/{bucket_key}"), body);
    assert_eq!(
        status,
        200,
        "PUT {bucket_key}: {}",
        String::from_utf8_lossy(&reply)
    );
}

fn get_object(port: u16, bucket_key: &str) -> Vec<u8> {
    let (status, body) = s3(port, "GET", &format!("/{bucket_key}"), b"");
    assert_eq!(
        status,
        200,
        "GET {bucket_key}: {}",
        String::from_utf8_lossy(&body)
    );
    body
}

/// The keys under `prefix` in `bucket`, relative to the prefix, sorted.
fn list_keys(port: u16, bucket: &str, prefix: &str) -> Vec<String> {
    let (status, body) = s3(
        port,
        "GET",
        &format!("/{bucket}?list-type=2&prefix={prefix}"),
        b"",
    );
    assert_eq!(status, 200);
    let xml = String::from_utf8(body).unwrap();
    let mut keys: Vec<String> = xml
        .split("<Key>")
        .skip(1)
        .map(|rest| rest.split("</Key>").next().unwrap())
        .map(|key| key.strip_prefix(prefix).unwrap().to_owned())
        .collect();
    keys.sort();
    keys
}

/// Every file under `dir`, as `/`-separated relative names, sorted.
fn local_tree(dir: &Path) -> Vec<String> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            names.extend(local_tree(&path).into_iter().map(|sub| format!("{name}/{sub}")));
        } else {
            names.push(name);
        }
    }
    names.sort();
    names
}

/// The `saring` command with the S3 settings of a local endpoint.
fn s3_command(dir: &Dir, port: u16, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_saring"));
    command
        .args(args)
        .current_dir(dir.path(""))
        .env("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}"))
        .env("AWS_ALLOW_HTTP", "true")
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1");
    command
}

/// Runs `saring` with the S3 settings of a local endpoint.
fn saring_s3(dir: &Dir, port: u16, args: &[&str]) -> Output {
    s3_command(dir, port, args).output().unwrap()
}

/// The counts of a `stats.json` that do not depend on timing.
fn counts(stats: &serde_json::Value) -> serde_json::Value {
    let keys = [
        "read",
        "kept",
        "dropped",
        "errored",
        "files",
        "bytes_in",
        "bytes_out",
        "errors",
        "skipped",
    ];
    keys.iter().map(|k| (k.to_string(), stats[*k].clone())).collect()
}

/// Asserts the objects under `s3://dst/<prefix>` are the files of the local run in `local`: the same names
/// (the report, the dataset card and `run.json` among them), the same bytes for the shards, the dropped
/// documents and the error log, the same counts in `stats.json`.
fn assert_same_as_local(port: u16, prefix: &str, local: &Path) {
    let keys = list_keys(port, "dst", prefix);
    let tree = local_tree(local);
    assert_eq!(keys, tree);
    for name in ["report.html", "README.md", "run.json"] {
        assert!(tree.iter().any(|n| n == name), "no {name} in {tree:?}");
    }
    for (name, bytes) in output_files(local) {
        assert!(name.ends_with(".jsonl.zst"), "{name}");
        assert!(
            get_object(port, &format!("dst/{prefix}{name}")) == bytes,
            "{name} differs"
        );
    }
    for name in tree.iter().filter(|n| {
        ["dropped/", "excluded/", "errors/"]
            .iter()
            .any(|d| n.starts_with(d))
    }) {
        let bytes = std::fs::read(local.join(name)).unwrap();
        assert!(
            get_object(port, &format!("dst/{prefix}{name}")) == bytes,
            "{name} differs"
        );
    }
    let remote: serde_json::Value =
        serde_json::from_slice(&get_object(port, &format!("dst/{prefix}stats.json"))).unwrap();
    assert_eq!(counts(&remote), counts(&stats(local)));
    assert_reconciles(&remote);
    let report = get_object(port, &format!("dst/{prefix}report.html"));
    assert!(String::from_utf8_lossy(&report).contains("saring run report"));
}

fn example() -> Vec<u8> {
    std::fs::read(repo().join("examples/crawl.warc.gz")).unwrap()
}

/// Starts moto with buckets `src` and `dst`, and a scratch directory; `None` when moto is not installed.
fn moto_with_buckets(test: &str) -> Option<(Moto, Dir)> {
    let moto = start_moto(test)?;
    for bucket in ["src", "dst"] {
        put_object(moto.port, bucket, b"");
        // Anyone may read: the checks here read objects with plain unsigned GETs.
        let policy = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{bucket}/*"}}]}}"#
        );
        let (status, _) = s3(moto.port, "PUT", &format!("/{bucket}?policy"), policy.as_bytes());
        assert_eq!(status, 200);
    }
    Some((moto, Dir::new()))
}

/// Runs the bundled example locally into `dir/local`, the run the remote ones must equal.
fn local_example_run(dir: &Dir) {
    let warc = dir.write("crawl.warc.gz", &example());
    assert_exit!(dir.saring(&["run", warc.to_str().unwrap(), "-o", "local"]), 0);
}

#[test]
fn s3_inputs_and_outputs_give_a_local_runs_bytes() {
    let Some((moto, dir)) = moto_with_buckets("s3_inputs_and_outputs_give_a_local_runs_bytes") else {
        return;
    };
    local_example_run(&dir);
    put_object(moto.port, "src/crawls/a/crawl.warc.gz", &example());
    put_object(moto.port, "src/crawls/a/notes.txt", b"not a crawl");
    put_object(moto.port, "src/crawls/a/.hidden.warc.gz", b"hidden");

    let run = ["run", "s3://src/crawls/", "-o", "s3://dst/run/", "--threads", "2"];
    let output = saring_s3(&dir, moto.port, &run);
    assert_exit!(output, 0);
    assert_same_as_local(moto.port, "run/", &dir.path("local"));

    // A rerun reads the completion marker from the store and does nothing.
    let again = saring_s3(&dir, moto.port, &run);
    assert_exit!(again, 0);
    assert!(String::from_utf8_lossy(&again.stderr).contains("already completed"));

    // A missing input is an error naming the URL; the run goes on and counts it.
    let missing = saring_s3(
        &dir,
        moto.port,
        &["run", "s3://src/nothing/here.warc.gz", "-o", "s3://dst/missing/"],
    );
    assert_exit!(missing, 1);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("s3://src/nothing/here.warc.gz"));
}

/// What the fault-injecting proxy should do.
#[derive(Clone, Copy)]
struct Faults {
    /// Answer 503 SlowDown to every this-many-th request (the first included); 0 for never.
    slowdown_every: u64,
    /// Cut the first response of each object GET halfway through its body.
    cut_gets: bool,
    /// Close the connection halfway through the body of the first PUT of each large object or part.
    cut_puts: bool,
}

/// What the proxy did.
#[derive(Default)]
struct Seen {
    requests: u64,
    slowdowns: u64,
    gets_cut: u64,
    puts_cut: u64,
    cut: HashSet<String>,
}

/// Starts a proxy to `upstream` on a loopback port that injects `faults`; one request per connection.
fn start_proxy(upstream: u16, faults: Faults) -> (u16, Arc<Mutex<Seen>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let shared = Arc::clone(&seen);
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let seen = Arc::clone(&shared);
            std::thread::spawn(move || proxy_one(client, upstream, faults, &seen));
        }
    });
    (port, seen)
}

fn proxy_one(mut client: TcpStream, upstream: u16, faults: Faults, seen: &Mutex<Seen>) {
    let mut reader = BufReader::new(client.try_clone().unwrap());
    let Some(head) = read_head(&mut reader) else {
        return;
    };
    let mut words = head.split(' ');
    let method = words.next().unwrap().to_owned();
    let target = words.next().unwrap().to_owned();
    let length = content_length(&head);
    let n = {
        let mut seen = seen.lock().unwrap();
        seen.requests += 1;
        seen.requests
    };
    if faults.slowdown_every > 0 && n % faults.slowdown_every == 1 {
        let mut body = vec![0; length];
        let _ = reader.read_exact(&mut body);
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>";
        let reply = format!(
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{xml}",
            xml.len()
        );
        let _ = client.write_all(reply.as_bytes());
        seen.lock().unwrap().slowdowns += 1;
        return;
    }
    let cut_put = faults.cut_puts
        && method == "PUT"
        && length > 1000
        && seen.lock().unwrap().cut.insert(format!("PUT {target}"));
    if cut_put {
        let mut half = vec![0; length / 2];
        let _ = reader.read_exact(&mut half);
        let _ = client.shutdown(Shutdown::Both);
        seen.lock().unwrap().puts_cut += 1;
        return;
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    let mut up = TcpStream::connect(("127.0.0.1", upstream)).unwrap();
    up.write_all(closing(&head).as_bytes()).unwrap();
    up.write_all(&body).unwrap();
    let mut raw = Vec::new();
    up.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let response_head = closing(&String::from_utf8_lossy(&raw[..split]));
    let response_body = &raw[split..];
    let cut_get = faults.cut_gets
        && method == "GET"
        && !target.contains('?')
        && response_body.len() > 1000
        && seen.lock().unwrap().cut.insert(format!("GET {target}"));
    let _ = client.write_all(response_head.as_bytes());
    if cut_get {
        let _ = client.write_all(&response_body[..response_body.len() / 2]);
        let _ = client.shutdown(Shutdown::Both);
        seen.lock().unwrap().gets_cut += 1;
        return;
    }
    let _ = client.write_all(response_body);
}

#[test]
fn throttling_and_dropped_connections_change_nothing() {
    let Some((moto, dir)) = moto_with_buckets("throttling_and_dropped_connections_change_nothing") else {
        return;
    };
    local_example_run(&dir);
    put_object(moto.port, "src/2024/crawl-1.warc.gz", &example());
    put_object(moto.port, "src/2024/crawl-1.wet.txt", b"not matched by the glob");

    let faults = Faults {
        slowdown_every: 3,
        cut_gets: true,
        cut_puts: true,
    };
    let (proxy, seen) = start_proxy(moto.port, faults);
    let output = saring_s3(
        &dir,
        proxy,
        &["run", "s3://src/2024/*.warc.gz", "-o", "s3://dst/flaky/"],
    );
    assert_exit!(output, 0);
    assert_same_as_local(moto.port, "flaky/", &dir.path("local"));
    let seen = seen.lock().unwrap();
    assert!(seen.slowdowns >= 3, "{} slowdowns", seen.slowdowns);
    assert!(seen.gets_cut >= 1, "no GET was cut");
    assert!(seen.puts_cut >= 1, "no PUT was cut");
}

#[test]
fn a_large_shard_is_uploaded_in_parts_through_dropped_connections() {
    let test = "a_large_shard_is_uploaded_in_parts_through_dropped_connections";
    let Some((moto, dir)) = moto_with_buckets(test) else {
        return;
    };
    // About 10 MB of JSONL, written uncompressed into one shard: more than one 8 MiB part.
    let mut input = String::new();
    for i in 0..2500 {
        let text = sentences(&format!("large shard {i}"), 60);
        input.push_str(&serde_json::json!({"id": i.to_string(), "text": text}).to_string());
        input.push('\n');
    }
    assert!(input.len() > 9 << 20, "{} bytes", input.len());
    let jsonl = dir.write("docs.jsonl", input.as_bytes());
    let config = dir.write(
        "pipeline.toml",
        b"[[step]]\ntype = \"min_length\"\nmin_chars = 1\n[output]\ncompression = \"none\"\n",
    );
    let config = config.to_str().unwrap();
    assert_exit!(
        dir.saring(&["run", jsonl.to_str().unwrap(), "-o", "local", "--config", config]),
        0
    );
    put_object(moto.port, "src/docs.jsonl", input.as_bytes());
    let faults = Faults {
        slowdown_every: 5,
        cut_gets: true,
        cut_puts: true,
    };
    let (proxy, seen) = start_proxy(moto.port, faults);
    let run = [
        "run",
        "s3://src/docs.jsonl",
        "-o",
        "s3://dst/large/",
        "--config",
        config,
    ];
    assert_exit!(saring_s3(&dir, proxy, &run), 0);
    let shard = get_object(moto.port, "dst/large/00000-00000.jsonl");
    assert!(shard.len() > 8 << 20);
    assert!(shard == std::fs::read(dir.path("local/00000-00000.jsonl")).unwrap());
    let seen = seen.lock().unwrap();
    let parts = seen
        .cut
        .iter()
        .filter(|c| c.starts_with("PUT ") && c.contains("partNumber="))
        .count();
    assert!(parts >= 2, "parts cut: {:?}", seen.cut);
}

/// Serves `bytes` at any path over HTTP on a loopback port, honouring `Range: bytes=N-` (to the end), with an ETag; the
/// first GET is cut halfway through its body. Returns the port and the `Range` headers received.
fn serve_file(bytes: Vec<u8>) -> (u16, Arc<Mutex<Vec<Option<String>>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let ranges = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&ranges);
    std::thread::spawn(move || {
        for mut client in listener.incoming().flatten() {
            let mut reader = BufReader::new(client.try_clone().unwrap());
            let Some(head) = read_head(&mut reader) else {
                continue;
            };
            let range = header(&head, "range");
            let get = head.starts_with("GET ");
            let first = get && {
                let mut seen = seen.lock().unwrap();
                seen.push(range.clone());
                seen.len() == 1
            };
            let start: usize = range
                .as_deref()
                .and_then(|r| r.strip_prefix("bytes=")?.split('-').next()?.parse().ok())
                .unwrap_or(0);
            let body = &bytes[start..];
            let status = if range.is_some() {
                format!(
                    "206 Partial Content\r\nContent-Range: bytes {start}-{}/{}",
                    bytes.len() - 1,
                    bytes.len()
                )
            } else {
                "200 OK".to_owned()
            };
            let reply = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nETag: \"v1\"\r\nLast-Modified: Mon, 01 Jan 2024 00:00:00 GMT\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = client.write_all(reply.as_bytes());
            if get {
                let _ = client.write_all(if first { &body[..body.len() / 2] } else { body });
            }
            let _ = client.shutdown(Shutdown::Both);
        }
    });
    (port, ranges)
}

#[test]
fn an_http_input_cut_mid_body_is_resumed_from_its_offset() {
    let dir = Dir::new();
    local_example_run(&dir);
    let (port, ranges) = serve_file(example());
    let url = format!("http://127.0.0.1:{port}/data/crawl.warc.gz");
    assert_exit!(dir.saring(&["run", &url, "-o", "remote"]), 0);
    assert_eq!(
        output_files(&dir.path("remote")),
        output_files(&dir.path("local"))
    );
    assert_eq!(
        counts(&stats(&dir.path("remote"))),
        counts(&stats(&dir.path("local")))
    );
    let ranges = ranges.lock().unwrap();
    let half = example().len() / 2;
    assert!(
        ranges
            .iter()
            .flatten()
            .any(|r| r.starts_with(&format!("bytes={half}-"))),
        "no ranged GET from byte {half}: {ranges:?}"
    );
}

/// JSONL documents of varied length, every 37th line not JSON (an errored record).
fn jsonl_with_errors(n: usize) -> String {
    let mut text = String::new();
    for i in 0..n {
        if i % 37 == 36 {
            text.push_str("{not json\n");
            continue;
        }
        let body = format!("document {i} says ") + &"something worth keeping ".repeat(i % 13);
        text.push_str(&serde_json::json!({"id": i.to_string(), "text": body}).to_string());
        text.push('\n');
    }
    text
}

#[test]
fn a_rank_writing_to_s3_killed_resumes_from_its_checkpoint_in_the_store() {
    let test = "a_rank_writing_to_s3_killed_resumes_from_its_checkpoint_in_the_store";
    let Some((moto, dir)) = moto_with_buckets(test) else {
        return;
    };
    dir.write("docs.jsonl", jsonl_with_errors(6000).as_bytes());
    let config = "[[step]]\ntype = \"min_length\"\nmin_chars = 100\n[output]\nmax_shard_bytes = 20000\n\
                  [dropped]\nwrite_all = true\nsample_per_reason = 3\n";
    dir.write("pipeline.toml", config.as_bytes());
    let run = |out| ["run", "docs.jsonl", "-o", out, "--config", "pipeline.toml"];
    assert_exit!(dir.saring(&run("local")), 1);

    // Killed with SIGKILL as soon as its first checkpoint is in the store.
    let mut child = s3_command(&dir, moto.port, &run("s3://dst/killed/"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while !list_keys(moto.port, "dst", "killed/")
        .iter()
        .any(|k| k == "stats/00000.checkpoint")
    {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before its first checkpoint"
        );
        assert!(Instant::now() < deadline, "no checkpoint in the store");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let keys = list_keys(moto.port, "dst", "killed/");
    assert!(!keys.iter().any(|k| k == "stats/00000.done"), "{keys:?}");

    let rerun = saring_s3(&dir, moto.port, &run("s3://dst/killed/"));
    assert_exit!(rerun, 1);
    let stderr = String::from_utf8_lossy(&rerun.stderr);
    assert!(stderr.contains("resumed an interrupted run"), "{stderr}");
    assert_same_as_local(moto.port, "killed/", &dir.path("local"));
    let excluded = local_tree(&dir.path("local"))
        .iter()
        .filter(|n| n.starts_with("excluded/"))
        .count();
    assert!(excluded >= 2, "{excluded} excluded shards");
}
