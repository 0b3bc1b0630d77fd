//! Where a run's outputs go: a local directory or a prefix in an object store, behind one type.

use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart};

use super::{ObjectReader, Remote, block_on, is_url, store_error};

/// Files up to this size are uploaded with one PUT; larger ones in parts of this size (S3 takes parts of
/// 5 MiB and more, at most 10 000 of them: a 512 MiB shard is 64).
const PART_BYTES: usize = 8 * 1024 * 1024;
/// Parts of one file uploaded at once.
const PARTS_IN_FLIGHT: usize = 4;

/// The output of a run: a local directory, or a prefix (`s3://bucket/out/`) in an object store.
///
/// Files are named relative to it with `/` separators (`00000-00000.jsonl.zst`, `stats/00000.json`).
/// A file is built locally at [`staging_path`](OutputDir::staging_path) and then
/// [`publish`](OutputDir::publish)ed: renamed into place for a directory, uploaded (in parts when
/// large) and removed for a store; small files are written whole with [`write`](OutputDir::write). Either
/// way a reader sees a file complete or not at all. Cloning is cheap: clones share the staging directory.
#[derive(Debug, Clone)]
pub struct OutputDir {
    inner: Arc<Inner>,
}

#[derive(Debug)]
enum Inner {
    Local(PathBuf),
    Remote {
        remote: Remote,
        /// The prefix in the store, without a trailing slash (empty for a whole bucket).
        prefix: ObjectPath,
        /// Where files are built before they are uploaded.
        staging: tempfile::TempDir,
    },
}

impl From<&Path> for OutputDir {
    /// The output that is `path`: an object-store prefix when the path's text is an object URL, else a
    /// local directory. Use [`OutputDir::open`] to see the error of a malformed URL.
    fn from(path: &Path) -> OutputDir {
        OutputDir::open(path).unwrap_or_else(|_| OutputDir {
            inner: Arc::new(Inner::Local(path.to_path_buf())),
        })
    }
}

impl From<&PathBuf> for OutputDir {
    /// As for `&Path`.
    fn from(path: &PathBuf) -> OutputDir {
        OutputDir::from(path.as_path())
    }
}

impl OutputDir {
    /// The output named by `path`: an object-store prefix when its text is an object URL (`s3://…`),
    /// else a local directory. Fails for a URL no store can take, or when the local staging directory
    /// cannot be made.
    pub fn open(path: &Path) -> io::Result<OutputDir> {
        let text = path.to_string_lossy();
        let inner = if is_url(&text) {
            let (remote, prefix) = Remote::for_url(&text)?;
            let staging = tempfile::Builder::new().prefix("saring-staging-").tempdir()?;
            Inner::Remote {
                remote,
                prefix,
                staging,
            }
        } else {
            Inner::Local(path.to_path_buf())
        };
        Ok(OutputDir {
            inner: Arc::new(inner),
        })
    }

    /// Whether the output is in an object store.
    pub fn is_remote(&self) -> bool {
        matches!(*self.inner, Inner::Remote { .. })
    }

    /// The path of file `name` (for a store, a path whose text is the object's URL), as shown to users
    /// and given to [`open_input`](crate::open_input).
    pub fn location(&self, name: &str) -> PathBuf {
        match &*self.inner {
            Inner::Local(dir) => dir.join(name),
            Inner::Remote { remote, prefix, .. } => PathBuf::from(remote.url(&self.key(prefix, name))),
        }
    }

    /// The output itself, as shown to users.
    pub fn display(&self) -> String {
        match &*self.inner {
            Inner::Local(dir) => dir.display().to_string(),
            Inner::Remote { remote, prefix, .. } => format!("{}/", remote.url(prefix)),
        }
    }

    fn key(&self, prefix: &ObjectPath, name: &str) -> ObjectPath {
        name.split('/')
            .filter(|part| !part.is_empty())
            .fold(prefix.clone(), |key, part| key.join(part))
    }

    /// Makes sure the output can take files: creates the local directory (and `subdirs` in it); nothing
    /// for a store, where prefixes need no creating.
    pub fn create(&self, subdirs: &[&str]) -> io::Result<()> {
        if let Inner::Local(dir) = &*self.inner {
            fs::create_dir_all(dir).map_err(|e| at(dir, e))?;
            for sub in subdirs {
                let path = dir.join(sub);
                fs::create_dir_all(&path).map_err(|e| at(&path, e))?;
            }
        }
        Ok(())
    }

    /// Where to build file `name` before [`publish`](OutputDir::publish)ing it: a hidden temporary name
    /// beside it for a directory, a file in the staging directory for a store. Its parent exists.
    pub fn staging_path(&self, name: &str) -> io::Result<PathBuf> {
        let path = match &*self.inner {
            Inner::Local(dir) => temporary_name(&dir.join(name)),
            Inner::Remote { staging, .. } => staging.path().join(name),
        };
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| at(parent, e))?;
        }
        Ok(path)
    }

    /// Moves the finished file `staged` (from [`staging_path`](OutputDir::staging_path)) to `name`:
    /// synced and renamed for a directory; uploaded, in parts when larger than 8 MiB, then removed for
    /// a store. The staged file is removed if publishing fails.
    pub fn publish(&self, staged: &Path, name: &str) -> io::Result<()> {
        let result = match &*self.inner {
            Inner::Local(dir) => commit(staged, &dir.join(name)),
            Inner::Remote { remote, prefix, .. } => {
                let key = self.key(prefix, name);
                upload(remote, &key, staged).map_err(|e| store_error(&remote.url(&key), e))
            }
        };
        // Best effort: after a rename there is nothing left, and after a failure the error matters more.
        let _ = fs::remove_file(staged);
        result
    }

    /// Writes file `name` whole, atomically: see [`write_atomic`] for a directory; one PUT for a store.
    pub fn write(&self, name: &str, bytes: &[u8]) -> io::Result<()> {
        match &*self.inner {
            Inner::Local(dir) => write_atomic(&dir.join(name), |file| file.write_all(bytes)),
            Inner::Remote { remote, prefix, .. } => {
                let key = self.key(prefix, name);
                block_on(remote.store.put(&key, PutPayload::from(bytes.to_vec())))
                    .map(drop)
                    .map_err(|e| store_error(&remote.url(&key), e))
            }
        }
    }

    /// The bytes of file `name`, or `None` when it does not exist.
    pub fn read(&self, name: &str) -> io::Result<Option<Vec<u8>>> {
        let mut bytes = Vec::new();
        match self.open_file(name) {
            Ok(mut reader) => reader.read_to_end(&mut bytes).map(|_| Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Opens file `name` for reading, streamed from a store.
    pub fn open_file(&self, name: &str) -> io::Result<Box<dyn Read + Send>> {
        match &*self.inner {
            Inner::Local(dir) => {
                let path = dir.join(name);
                Ok(Box::new(File::open(&path).map_err(|e| at(&path, e))?))
            }
            Inner::Remote { remote, prefix, .. } => Ok(Box::new(ObjectReader::open(
                &remote.url(&self.key(prefix, name)),
            )?)),
        }
    }

    /// The names of the files directly in `sub` (`""` for the top), sorted; none when it does not exist.
    /// Names starting with `.` (temporary files) are left out.
    pub fn list(&self, sub: &str) -> io::Result<Vec<String>> {
        let mut names = match &*self.inner {
            Inner::Local(dir) => {
                let path = dir.join(sub);
                match fs::read_dir(&path) {
                    Ok(entries) => {
                        let mut names = Vec::new();
                        for entry in entries {
                            let entry = entry.map_err(|e| at(&path, e))?;
                            if entry.file_type().map_err(|e| at(&path, e))?.is_file() {
                                names.push(entry.file_name().to_string_lossy().into_owned());
                            }
                        }
                        names
                    }
                    Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
                    Err(e) => return Err(at(&path, e)),
                }
            }
            Inner::Remote { remote, prefix, .. } => {
                let key = self.key(prefix, sub);
                let listing = block_on(remote.store.list_with_delimiter(Some(&key)))
                    .map_err(|e| store_error(&remote.url(&key), e))?;
                listing
                    .objects
                    .into_iter()
                    .filter_map(|meta| meta.location.filename().map(str::to_owned))
                    .collect()
            }
        };
        names.retain(|name| !name.starts_with('.'));
        names.sort();
        Ok(names)
    }

    /// The size in bytes of file `name`.
    pub fn size(&self, name: &str) -> io::Result<u64> {
        match &*self.inner {
            Inner::Local(dir) => {
                let path = dir.join(name);
                fs::metadata(&path).map(|m| m.len()).map_err(|e| at(&path, e))
            }
            Inner::Remote { remote, prefix, .. } => {
                let key = self.key(prefix, name);
                block_on(remote.store.head(&key))
                    .map(|meta| meta.size)
                    .map_err(|e| store_error(&remote.url(&key), e))
            }
        }
    }

    /// Removes file `name` if it exists.
    pub fn remove(&self, name: &str) -> io::Result<()> {
        let result = match &*self.inner {
            Inner::Local(dir) => {
                let path = dir.join(name);
                fs::remove_file(&path).map_err(|e| at(&path, e))
            }
            Inner::Remote { remote, prefix, .. } => {
                let key = self.key(prefix, name);
                block_on(remote.store.delete(&key)).map_err(|e| store_error(&remote.url(&key), e))
            }
        };
        match result {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Removes the temporary files a killed writer left directly in directory `sub` (`""` for the top):
    /// those of file `name` only, or all of them when `name` is `None`. Only the one process that owns
    /// those files may call it, since it also removes a temporary file another process is writing. Nothing
    /// to do for a store, whose files are staged in the writing process's own directory.
    pub fn remove_temporaries(&self, sub: &str, name: Option<&str>) -> io::Result<()> {
        self.remove_hidden(sub, |file| is_temporary_of(file, name))
    }

    /// Removes the dot-named files directly in directory `sub` of a local output whose names satisfy
    /// `remove`; nothing for a store, whose listings hold no such files.
    fn remove_hidden(&self, sub: &str, remove: impl Fn(&str) -> bool) -> io::Result<()> {
        let Inner::Local(dir) = &*self.inner else {
            return Ok(());
        };
        let path = dir.join(sub);
        let entries = match fs::read_dir(&path) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(at(&path, e)),
        };
        for entry in entries {
            let file = entry.map_err(|e| at(&path, e))?.file_name();
            let file = file.to_string_lossy();
            if file.starts_with('.') && remove(&file) {
                self.remove(&join_name(sub, &file))?;
            }
        }
        Ok(())
    }

    /// Removes the files directly in `sub` whose names start with `prefix`, temporary (dot-named) files
    /// of a directory with such names included, but those whose [`location`](OutputDir::location) is in
    /// `keep` (the complete shards a resumed run goes on from).
    pub fn remove_prefixed(&self, sub: &str, prefix: &str, keep: &[PathBuf]) -> io::Result<()> {
        let hidden = format!(".{prefix}");
        self.remove_hidden(sub, |file| file.starts_with(&hidden))?;
        for name in self.list(sub)? {
            let name = join_name(sub, &name);
            if name.rsplit('/').next().is_some_and(|n| n.starts_with(prefix))
                && !keep.contains(&self.location(&name))
            {
                self.remove(&name)?;
            }
        }
        Ok(())
    }
}

/// Uploads a local file to `key`: one PUT when small, else a multipart upload (aborted on failure), so
/// the object appears only once complete.
fn upload(remote: &Remote, key: &ObjectPath, staged: &Path) -> object_store::Result<()> {
    let local = |e: io::Error| object_store::Error::Generic {
        store: "local staging",
        source: Box::new(at(staged, e)),
    };
    let mut file = File::open(staged).map_err(local)?;
    let size = file.metadata().map_err(local)?.len();
    if size <= PART_BYTES as u64 {
        let mut bytes = Vec::with_capacity(size as usize);
        file.read_to_end(&mut bytes).map_err(local)?;
        return block_on(remote.store.put(key, PutPayload::from(bytes))).map(drop);
    }
    block_on(async {
        let upload = remote.store.put_multipart(key).await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
        let mut buf = vec![0u8; PART_BYTES];
        loop {
            let n = match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) => {
                    // Best effort: the read error is the one worth reporting.
                    let _ = writer.abort().await;
                    return Err(local(e));
                }
            };
            if let Err(e) = writer.wait_for_capacity(PARTS_IN_FLIGHT).await {
                let _ = writer.abort().await;
                return Err(e);
            }
            writer.write(buf.get(..n).unwrap_or_default());
        }
        writer.finish().await.map(drop)
    })
}

fn at(path: &Path, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

/// The name of file `name` of directory `sub` (`""` for the top) of an output.
fn join_name(sub: &str, name: &str) -> String {
    if sub.is_empty() {
        name.to_owned()
    } else {
        format!("{sub}/{name}")
    }
}

/// `DIR/.NAME.tmp` for `DIR/NAME`: where a file is written before it is renamed into place.
fn temporary_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp"))
}

/// Syncs the finished file `tmp` and renames it to `path`.
fn commit(tmp: &Path, path: &Path) -> io::Result<()> {
    File::open(tmp)
        .and_then(|file| file.sync_all())
        .map_err(|e| at(tmp, e))?;
    fs::rename(tmp, path).map_err(|e| at(path, e))
}

/// `DIR/.NAME.PID-N.tmp` for `DIR/NAME`: a temporary name no other writer uses, neither another process
/// nor another call in this one. Ranks that finish together may write the same file (`stats.json`,
/// `run.json`, the report) with the same bytes; with one shared temporary name, one writer would truncate
/// the other's file and the later rename would find it gone.
fn private_temporary_name(path: &Path) -> PathBuf {
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let write = WRITES.fetch_add(1, Ordering::Relaxed);
    path.with_file_name(format!(".{name}.{}-{write}.tmp", std::process::id()))
}

/// Whether `file` is a temporary name of file `name` ([`temporary_name`] or [`private_temporary_name`]),
/// or of any file when `name` is `None`.
fn is_temporary_of(file: &str, name: Option<&str>) -> bool {
    let Some(rest) = file.strip_prefix('.') else {
        return false;
    };
    match name {
        None => rest.ends_with(".tmp"),
        Some(name) => rest
            .strip_prefix(name)
            .is_some_and(|tail| tail == ".tmp" || (tail.starts_with('.') && tail.ends_with(".tmp"))),
    }
}

/// A local file written under a temporary name beside it that no other writer uses, and renamed into
/// place once complete ([`finish`](AtomicFile::finish)), so a reader sees the old file or the new one,
/// never half of one, even when several processes write the same file at once. Dropped unfinished, it
/// leaves its temporary file for [`OutputDir::remove_temporaries`].
#[derive(Debug)]
pub struct AtomicFile {
    path: PathBuf,
    tmp: PathBuf,
    out: BufWriter<File>,
    /// Whether [`finish`](AtomicFile::finish) syncs the file before renaming it.
    sync: bool,
}

impl AtomicFile {
    /// Starts writing `path`. Errors name the temporary file.
    pub fn create(path: &Path) -> io::Result<AtomicFile> {
        let tmp = private_temporary_name(path);
        let file = File::create(&tmp).map_err(|e| at(&tmp, e))?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp,
            out: BufWriter::new(file),
            sync: true,
        })
    }

    /// The same file, renamed into place by [`finish`](AtomicFile::finish) without being synced first:
    /// for scratch files of a run that starts from an empty directory and removes it at its end, where a
    /// crash leaves nothing that is read again, so waiting for the disk buys nothing.
    pub fn unsynced(mut self) -> AtomicFile {
        self.sync = false;
        self
    }

    /// The temporary file being written, for error messages.
    pub fn temporary_path(&self) -> &Path {
        &self.tmp
    }

    /// Flushes and syncs the file (unless [`unsynced`](AtomicFile::unsynced)) and renames it to its final
    /// name.
    pub fn finish(self) -> io::Result<()> {
        let file = self.out.into_inner().map_err(|e| at(&self.tmp, e.into_error()))?;
        if self.sync {
            file.sync_all().map_err(|e| at(&self.tmp, e))?;
        }
        fs::rename(&self.tmp, &self.path).map_err(|e| at(&self.path, e))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.out.write(bytes)
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Writes a local file as an [`AtomicFile`]: `write` fills it, then it is renamed into place. The
/// temporary file is removed when anything fails. saring's one way of writing a small output file.
pub fn write_atomic(path: &Path, write: impl FnOnce(&mut AtomicFile) -> io::Result<()>) -> io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    let tmp = file.tmp.clone();
    let result = write(&mut file)
        .map_err(|e| at(&tmp, e))
        .and_then(|()| file.finish());
    if result.is_err() {
        // Best effort: the write error is the one worth reporting.
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_output_writes_publishes_lists_and_removes() {
        let dir = tempfile::tempdir().unwrap();
        let out = OutputDir::from(dir.path());
        assert!(!out.is_remote());
        out.create(&["stats"]).unwrap();
        out.write("stats/00001.json", b"{}").unwrap();
        let staged = out.staging_path("00001-00000.jsonl").unwrap();
        assert!(staged.file_name().unwrap().to_string_lossy().starts_with('.'));
        fs::write(&staged, b"x\n").unwrap();
        assert_eq!(out.list("").unwrap(), Vec::<String>::new());
        out.publish(&staged, "00001-00000.jsonl").unwrap();
        assert!(!staged.exists());
        assert_eq!(out.list("").unwrap(), ["00001-00000.jsonl"]);
        assert_eq!(out.list("stats").unwrap(), ["00001.json"]);
        assert_eq!(out.list("missing").unwrap(), Vec::<String>::new());
        assert_eq!(out.read("stats/00001.json").unwrap().unwrap(), b"{}");
        assert_eq!(out.read("nope").unwrap(), None);
        assert_eq!(out.size("00001-00000.jsonl").unwrap(), 2);
        fs::write(dir.path().join(".00001-00003.jsonl.tmp"), b"").unwrap();
        fs::write(dir.path().join("00001-00004.jsonl"), b"").unwrap();
        out.remove_prefixed("", "00001-", &[dir.path().join("00001-00004.jsonl")])
            .unwrap();
        assert!(dir.path().join("00001-00004.jsonl").exists());
        fs::remove_file(dir.path().join("00001-00004.jsonl")).unwrap();
        out.remove("stats/00001.json").unwrap();
        out.remove("stats/00001.json").unwrap();
        let left: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, ["stats"]);
    }

    #[test]
    fn write_atomic_leaves_nothing_behind_on_failure() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        write_atomic(&path, |f| f.write_all(b"one")).unwrap();
        let err = write_atomic(&path, |f| {
            f.write_all(b"two")?;
            Err(io::Error::other("boom"))
        })
        .unwrap_err();
        assert!(err.to_string().contains(".a.json."), "{err}");
        assert!(err.to_string().contains(".tmp"), "{err}");
        assert_eq!(fs::read(&path).unwrap(), b"one");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn writers_of_one_file_at_once_all_succeed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stats.json");
        let bytes = vec![b'x'; 1 << 20];
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    for _ in 0..20 {
                        write_atomic(&path, |f| f.write_all(&bytes)).unwrap();
                    }
                });
            }
        });
        assert_eq!(fs::read(&path).unwrap(), bytes);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn remove_temporaries_removes_those_of_a_name_or_all() {
        let dir = tempfile::tempdir().unwrap();
        let out = OutputDir::from(dir.path());
        for file in [
            ".a.json.tmp",
            ".a.json.12-3.tmp",
            ".b.json.4-0.tmp",
            ".a.jsonl.tmp",
            "a.json",
            ".a.json.partial",
        ] {
            fs::write(dir.path().join(file), b"").unwrap();
        }
        let left = || {
            let mut names: Vec<_> = fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };
        out.remove_temporaries("", Some("a.json")).unwrap();
        assert_eq!(
            left(),
            [".a.json.partial", ".a.jsonl.tmp", ".b.json.4-0.tmp", "a.json"]
        );
        out.remove_temporaries("", None).unwrap();
        assert_eq!(left(), [".a.json.partial", "a.json"]);
        out.remove_temporaries("missing", None).unwrap();
    }
}
