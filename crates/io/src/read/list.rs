//! Expanding input arguments (files, directories, globs) into a sorted list of files.

use std::fs;
use std::path::{Path, PathBuf};

use super::{InputFormat, ReadError, ReadErrorKind};
use crate::store::list_objects;

/// Expands paths, directories (recursively, files whose names have a known format) and glob patterns
/// into one sorted, de-duplicated list of files.
///
/// - A file is kept whatever its name (opening it reports an unknown format).
/// - A directory is walked recursively; files whose names [`InputFormat::from_name`] recognises are kept,
///   hidden files and directories (names starting with `.`) and a run's own books (`stats.json`,
///   `run.json`, `stats/RRRRR.json`, `errors/RRRRR.jsonl`, the dropped documents in `dropped/` and
///   `excluded/`) are skipped, symbolic links to directories
///   are not followed (so a link cycle cannot loop).
/// - An argument containing `*`, `?` or `[` that is not itself an existing path is a glob pattern (the
///   `glob` crate's syntax, `**` included); matched files are kept, matched directories are walked, and
///   `*` does not match a leading dot.
///
/// - An object URL (`s3://bucket/prefix/`, `s3://bucket/dir/*.warc.gz`, `gs://…`, `az://…`, `http(s)://…`)
///   is listed in its store: a prefix is walked like a directory (same name rules), a glob is
///   matched against the listing, and the result is kept as paths whose text is the object's URL.
///
/// The list is sorted byte-wise by path and de-duplicated, so every run (and every rank) sees the same
/// order. A path that does not exist and matches no glob is returned as a [`ReadErrorKind::NotFound`]
/// error beside the files found, so the run can count it and go on.
pub fn list_inputs(args: &[String]) -> (Vec<PathBuf>, Vec<ReadError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for arg in args {
        let path = Path::new(arg);
        if crate::is_url(arg) {
            list_remote(arg, &mut files, &mut errors);
            continue;
        }
        let is_pattern = arg.contains(['*', '?', '[']);
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, &mut files, &mut errors),
            Ok(_) => files.push(path.to_path_buf()),
            Err(_) if is_pattern => expand_glob(arg, &mut files, &mut errors),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => errors.push(not_found(path)),
            Err(e) => errors.push(ReadError::from_io(path, None, None, e)),
        }
    }
    files.sort_by(|a, b| {
        a.as_os_str()
            .as_encoded_bytes()
            .cmp(b.as_os_str().as_encoded_bytes())
    });
    files.dedup();
    (files, errors)
}

/// Adds the objects an object URL names, keeping from a walked prefix only what [`walk`] would keep.
fn list_remote(url: &str, files: &mut Vec<PathBuf>, errors: &mut Vec<ReadError>) {
    let listed = match list_objects(url) {
        Ok(listed) => listed,
        Err(e) => return errors.push(ReadError::from_io(Path::new(url), None, None, e)),
    };
    for object in listed {
        let relative = Path::new(&object.relative);
        let name = relative.file_name().unwrap_or_default().to_string_lossy();
        let dir = relative.parent().unwrap_or(Path::new(""));
        let hidden = object.relative.split('/').any(|part| part.starts_with('.'));
        if !object.walked
            || (!hidden && !is_run_record(dir, &name) && InputFormat::from_name(&name).is_some())
        {
            files.push(PathBuf::from(object.url));
        }
    }
}

fn not_found(path: &Path) -> ReadError {
    ReadError::new(
        path,
        None,
        None,
        ReadErrorKind::NotFound,
        "no such file or directory",
    )
}

fn expand_glob(pattern: &str, files: &mut Vec<PathBuf>, errors: &mut Vec<ReadError>) {
    let options = glob::MatchOptions {
        require_literal_leading_dot: true,
        ..glob::MatchOptions::new()
    };
    let paths = match glob::glob_with(pattern, options) {
        Ok(paths) => paths,
        Err(e) => {
            let message = format!("no such file or directory, and not a valid glob pattern: {e}");
            errors.push(ReadError::new(
                Path::new(pattern),
                None,
                None,
                ReadErrorKind::NotFound,
                message,
            ));
            return;
        }
    };
    let mut matched = false;
    for entry in paths {
        match entry {
            Ok(path) => {
                matched = true;
                if path.is_dir() {
                    walk(&path, files, errors);
                } else {
                    files.push(path);
                }
            }
            Err(e) => {
                matched = true;
                let path = e.path().to_path_buf();
                errors.push(ReadError::from_io(&path, None, None, e.into()));
            }
        }
    }
    if !matched {
        errors.push(not_found(Path::new(pattern)));
    }
}

/// Whether a file is one of the books a saring run keeps beside its shards (`stats.json`, `run.json`,
/// `report.html`, `stats/RRRRR.json`, `stats/RRRRR.done`, `errors/RRRRR.jsonl`) or one of its samples of
/// dropped documents (`dropped/RRRRR-SSSSS.*`, `excluded/RRRRR-SSSSS.*`), which are not data: an output
/// directory can then be read back as input.
fn is_run_record(dir: &Path, name: &str) -> bool {
    let in_dir = |names: &[&str]| dir.file_name().is_some_and(|d| names.iter().any(|n| d == *n));
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let (stem, ext) = name.split_once('.').unwrap_or((name, ""));
    let rank_file = digits(stem, 5) && matches!(ext, "json" | "jsonl" | "done");
    let rank_shard = stem
        .split_once('-')
        .is_some_and(|(rank, shard)| digits(rank, 5) && digits(shard, 5));
    matches!(name, "stats.json" | "run.json" | "report.html")
        || (in_dir(&["stats", "errors"]) && rank_file)
        || (in_dir(&["dropped", "excluded"]) && rank_shard)
}

/// Adds the files of known formats under `dir`, recursively, skipping hidden entries and run records.
fn walk(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<ReadError>) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(ReadError::from_io(dir, None, None, e));
            return;
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                errors.push(ReadError::from_io(dir, None, None, e));
                continue;
            }
        };
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || is_run_record(dir, &name) {
            continue;
        }
        let path = entry.path();
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_dir() {
            walk(&path, files, errors);
        } else if InputFormat::from_name(&name).is_some() && path.is_file() {
            // `is_file` follows a symbolic link, so a link to a file is kept and one to a directory not.
            files.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(path: &Path) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, b"x").unwrap();
    }

    #[test]
    fn walks_directories_skipping_hidden_and_unknown_files_sorted() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        touch(&root.join("b/2.jsonl.zst"));
        touch(&root.join("b/1.warc.gz"));
        touch(&root.join("a.parquet"));
        touch(&root.join("README.md"));
        touch(&root.join(".hidden.jsonl"));
        touch(&root.join(".git/x.jsonl"));
        touch(&root.join("stats.json"));
        touch(&root.join("report.html"));
        touch(&root.join("stats/00000.json"));
        touch(&root.join("b/errors/00003.jsonl"));
        touch(&root.join("run.json"));
        touch(&root.join("dropped/00000-00000.jsonl.zst"));
        touch(&root.join("excluded/00001-00002.parquet"));
        touch(&root.join("excluded/notes.jsonl"));
        touch(&root.join("B/z.html"));
        let (files, errors) = list_inputs(&[root.display().to_string()]);
        assert!(errors.is_empty(), "{errors:?}");
        let names: Vec<_> = files
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().to_owned())
            .collect();
        let expected: Vec<PathBuf> = [
            "B/z.html",
            "a.parquet",
            "b/1.warc.gz",
            "b/2.jsonl.zst",
            "excluded/notes.jsonl",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        assert_eq!(names, expected);
    }

    #[test]
    fn globs_files_and_dedups_with_explicit_paths() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        touch(&root.join("x/1.jsonl"));
        touch(&root.join("x/2.jsonl"));
        touch(&root.join("x/3.txt"));
        touch(&root.join("x/.4.jsonl"));
        let pattern = format!("{}/x/*.jsonl", root.display());
        let explicit = format!("{}/x/2.jsonl", root.display());
        let txt = format!("{}/x/3.txt", root.display());
        let (files, errors) = list_inputs(&[explicit, pattern, txt]);
        assert!(errors.is_empty(), "{errors:?}");
        let names: Vec<_> = files
            .iter()
            .map(|p| p.file_name().unwrap().to_str().unwrap())
            .collect();
        assert_eq!(names, ["1.jsonl", "2.jsonl", "3.txt"]);
    }

    #[test]
    fn missing_paths_and_empty_globs_are_not_found_errors() {
        let dir = tempfile::tempdir().unwrap();
        touch(&dir.path().join("ok.jsonl"));
        let missing = format!("{}/nope.jsonl", dir.path().display());
        let no_match = format!("{}/*.parquet", dir.path().display());
        let ok = format!("{}/ok.jsonl", dir.path().display());
        let (files, errors) = list_inputs(&[missing.clone(), ok, no_match.clone()]);
        assert_eq!(files.len(), 1);
        assert_eq!(errors.len(), 2);
        assert!(errors.iter().all(|e| e.kind == ReadErrorKind::NotFound));
        assert_eq!(errors[0].path, missing);
        assert_eq!(errors[0].message, "no such file or directory");
        assert_eq!(errors[1].path, no_match);
    }
}
