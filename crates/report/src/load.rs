//! Reading a run's books: `stats.json` (or the sum of the ranks' `stats/RRRRR.json`) and the first lines of
//! `errors/*.jsonl`.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use saring_core::RunStats;
use saring_io::OutputDir;

use crate::ReportError;

/// The stats of a run and where they came from.
pub(crate) struct LoadedStats {
    /// The run's totals.
    pub stats: RunStats,
    /// `stats.json`, or how many rank files were added up when it is missing.
    pub source: String,
    /// The numbers of a `saring dedup` output's `stats.json` (whose totals are also in `stats`), in key
    /// order; empty for a `saring run` output.
    pub dedup: Vec<(String, serde_json::Value)>,
}

/// Largest stats file read, in bytes: stats files are small, and a bigger one is not ours.
const MAX_STATS_BYTES: u64 = 64 * 1024 * 1024;
/// Bytes read from each errors file at most.
const MAX_ERRORS_BYTES: u64 = 1024 * 1024;

/// Reads `dir/stats.json`, or adds up `dir/stats/*.json` when it is missing. `dir` may be an
/// object-store URL.
pub(crate) fn stats(dir: &Path) -> Result<LoadedStats, ReportError> {
    let out = OutputDir::open(dir).map_err(|e| ReportError::io(dir, e))?;
    if let Some(text) = read_text(&out, "stats.json")? {
        if let Some((stats, dedup)) = dedup_stats(&text) {
            return Ok(LoadedStats {
                stats,
                source: "stats.json (of saring dedup)".to_owned(),
                dedup,
            });
        }
        return Ok(LoadedStats {
            stats: parse_stats(&out.location("stats.json"), &text)?,
            source: "stats.json".to_owned(),
            dedup: Vec::new(),
        });
    }
    let ranks = rank_files(&out)?;
    if ranks.is_empty() {
        return Err(ReportError::NoStats { dir: dir.to_owned() });
    }
    let mut stats = RunStats::default();
    for name in &ranks {
        if let Some(text) = read_text(&out, name)? {
            stats += &parse_stats(&out.location(name), &text)?;
        }
    }
    Ok(LoadedStats {
        stats,
        source: format!(
            "the sum of {} rank file(s) in stats/ (no stats.json yet: the run may be unfinished)",
            ranks.len()
        ),
        dedup: Vec::new(),
    })
}

/// The text of file `name` of `out` (at most 64 MiB), or `None` when there is no such file.
fn read_text(out: &OutputDir, name: &str) -> Result<Option<String>, ReportError> {
    let path = out.location(name);
    let mut file = match out.open_file(name) {
        Ok(file) => file.take(MAX_STATS_BYTES),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(ReportError::io(path, e)),
    };
    let mut text = String::new();
    file.read_to_string(&mut text)
        .map_err(|e| ReportError::io(&path, e))?;
    Ok(Some(text))
}

fn parse_stats(path: &Path, text: &str) -> Result<RunStats, ReportError> {
    serde_json::from_str(text).map_err(|source| ReportError::BadStats {
        path: path.to_owned(),
        source,
    })
}

/// The stats of a `saring dedup` output (`DedupStats`: `read`, `kept`, `removed`, `duplicate_clusters`,
/// …) as run totals, with the duplicates as the drops of one step `dedup`, and its numbers as they are.
/// `None` when `text` is not such a file.
fn dedup_stats(text: &str) -> Option<(RunStats, Vec<(String, serde_json::Value)>)> {
    let serde_json::Value::Object(object) = serde_json::from_str(text).ok()? else {
        return None;
    };
    if !object.contains_key("removed") || !object.contains_key("duplicate_clusters") {
        return None;
    }
    let int = |key: &str| object.get(key).and_then(serde_json::Value::as_u64).unwrap_or(0);
    let float = |key: &str| object.get(key).and_then(serde_json::Value::as_f64).unwrap_or(0.0);
    let mut step = saring_core::StepStats::named("dedup");
    step.total = int("read").saturating_sub(int("errored"));
    step.kept = int("kept");
    step.dropped = int("removed");
    if step.dropped > 0 {
        step.drop_reasons.insert("duplicate".to_owned(), step.dropped);
    }
    let stats = RunStats {
        read: int("read"),
        kept: int("kept"),
        dropped: int("removed"),
        errored: int("errored"),
        files: int("files"),
        wall_secs: float("wall_secs"),
        cpu_secs: float("cpu_secs"),
        steps: vec![step],
        ..RunStats::default()
    };
    let numbers = object
        .into_iter()
        .filter(|(_, value)| value.is_number())
        .collect();
    Some((stats, numbers))
}

/// The names of the `stats/RRRRR.json` files, sorted; an absent directory has none.
fn rank_files(out: &OutputDir) -> Result<Vec<String>, ReportError> {
    let names = out
        .list("stats")
        .map_err(|e| ReportError::io(out.location("stats"), e))?;
    Ok(names
        .into_iter()
        .filter(|name| {
            name.strip_suffix(".json")
                .is_some_and(|stem| !stem.is_empty() && stem.bytes().all(|b| b.is_ascii_digit()))
        })
        .map(|name| format!("stats/{name}"))
        .collect())
}

/// One line of an errors file.
pub(crate) struct ErrorLine {
    /// The error kind, when the line is JSON with a `kind`.
    pub kind: String,
    /// The message (or the raw line).
    pub message: String,
}

/// The first `max` lines of `dir/errors/*.jsonl`, in file order, and the number of files. `dir` may be an
/// object-store URL.
pub(crate) fn error_lines(dir: &Path, max: usize) -> (Vec<ErrorLine>, usize) {
    let Ok(out) = OutputDir::open(dir) else {
        return (Vec::new(), 0);
    };
    let files: Vec<String> = out
        .list("errors")
        .unwrap_or_default()
        .into_iter()
        .filter(|name| name.ends_with(".jsonl"))
        .collect();
    let mut lines = Vec::new();
    for name in &files {
        if lines.len() >= max {
            break;
        }
        let Ok(file) = out.open_file(&format!("errors/{name}")) else {
            continue;
        };
        let reader = BufReader::new(file.take(MAX_ERRORS_BYTES));
        for line in reader.lines() {
            if lines.len() >= max {
                break;
            }
            let Ok(line) = line else { break };
            if line.trim().is_empty() {
                continue;
            }
            lines.push(parse_error_line(&line));
        }
    }
    (lines, files.len())
}

fn parse_error_line(line: &str) -> ErrorLine {
    match serde_json::from_str::<serde_json::Value>(line) {
        Ok(serde_json::Value::Object(object)) => {
            let field = |name: &str| match object.get(name) {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
                None => String::new(),
            };
            let message = field("message");
            ErrorLine {
                kind: field("kind"),
                message: if message.is_empty() {
                    line.to_owned()
                } else {
                    message
                },
            }
        }
        _ => ErrorLine {
            kind: String::new(),
            message: line.to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    #[test]
    fn merges_rank_files_when_stats_json_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("stats")).unwrap();
        let rank = |read, kept, dropped| {
            serde_json::to_string(&RunStats {
                read,
                kept,
                dropped,
                ..RunStats::default()
            })
            .unwrap()
        };
        fs::write(dir.path().join("stats/00000.json"), rank(2, 2, 0)).unwrap();
        fs::write(dir.path().join("stats/00001.json"), rank(3, 1, 2)).unwrap();
        fs::write(dir.path().join("stats/00001.done"), "x").unwrap();
        let loaded = stats(dir.path()).unwrap();
        assert_eq!(
            (loaded.stats.read, loaded.stats.kept, loaded.stats.dropped),
            (5, 3, 2)
        );
        assert!(loaded.source.contains("2 rank file(s)"));
    }

    #[test]
    fn no_stats_is_an_error_and_bad_stats_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(stats(dir.path()), Err(ReportError::NoStats { .. })));
        fs::write(dir.path().join("stats.json"), "[1,2").unwrap();
        let err = stats(dir.path()).err().unwrap();
        assert!(err.to_string().contains("stats.json"), "{err}");
    }

    #[test]
    fn reads_the_stats_of_a_dedup_output() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("stats.json"),
            r#"{"files":1,"read":10,"kept":6,"removed":3,"errored":1,"duplicate_clusters":2,
                "largest_cluster":3,"cluster":{"pairs":4},"wall_secs":0.5,"first_errors":[]}"#,
        )
        .unwrap();
        let loaded = stats(dir.path()).unwrap();
        let s = &loaded.stats;
        assert_eq!((s.read, s.kept, s.dropped, s.errored), (10, 6, 3, 1));
        assert_eq!(s.steps[0].drop_reasons["duplicate"], 3);
        assert_eq!(s.steps[0].total, s.steps[0].kept + s.steps[0].dropped);
        assert!(loaded.source.contains("dedup"));
        let keys: Vec<&str> = loaded.dedup.iter().map(|(k, _)| k.as_str()).collect();
        assert!(
            keys.contains(&"largest_cluster") && !keys.contains(&"cluster"),
            "{keys:?}"
        );
    }

    #[test]
    fn reads_error_lines_json_or_not() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("errors")).unwrap();
        fs::write(
            dir.path().join("errors/00000.jsonl"),
            "{\"kind\":\"truncated\",\"message\":\"a.warc.gz: record 3\"}\nnot json\n",
        )
        .unwrap();
        let (lines, files) = error_lines(dir.path(), 10);
        assert_eq!(files, 1);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].kind, "truncated");
        assert_eq!(lines[1].message, "not json");
    }
}
