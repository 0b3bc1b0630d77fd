//! Per-document work files of fixed-size records: read in order ([`RecordReader`], [`IdReader`]) or by
//! document ([`ShardRecords`], positioned reads that leave no file data in the process's memory).
//!
//! - `info`: host key, text length and keep score of each document (from the `lines` stage);
//! - `ids` and `idx`: document ids and where each starts (from the `lines` stage);
//! - `sketch` and `sidx`: each document's MinHash sketch and line units, and where each record ends
//!   (from the `signatures` stage; read by document with [`ShardSketches`], from memory when every
//!   shard's sketches fit its budget, else by positioned reads through a bounded cache);
//! - `assign`: each document's representative, cluster size and whether it is kept (from `cluster`).

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::DedupError;
use crate::minhash::{LINE_PERMS, Signature};
use crate::runs::le_u64;
use crate::work::{AtomicFile, Durability, io_error, put_all, split_address};

/// What the cluster stage needs to know of a document besides its signature.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct DocInfo {
    /// Host key, when it has a URL.
    pub host: Option<u64>,
    /// Text length in bytes.
    pub text_bytes: u32,
    /// The value `keep` ranks copies by (higher is kept); `-inf` when missing.
    pub score: f64,
}

/// Bytes of one `info` record.
pub(crate) const INFO_BYTES: usize = 8 + 1 + 4 + 8;

impl DocInfo {
    pub(crate) fn encode(&self) -> [u8; INFO_BYTES] {
        let mut out = [0u8; INFO_BYTES];
        let bytes = self
            .host
            .unwrap_or(0)
            .to_le_bytes()
            .into_iter()
            .chain([u8::from(self.host.is_some())])
            .chain(self.text_bytes.to_le_bytes())
            .chain(self.score.to_le_bytes());
        for (slot, b) in out.iter_mut().zip(bytes) {
            *slot = b;
        }
        out
    }

    pub(crate) fn decode(b: &[u8]) -> DocInfo {
        let host = le_u64(b.get(..8).unwrap_or_default());
        DocInfo {
            host: (b.get(8) == Some(&1)).then_some(host),
            text_bytes: b
                .get(9..13)
                .and_then(|b| b.try_into().ok())
                .map_or(0, u32::from_le_bytes),
            score: b
                .get(13..21)
                .and_then(|b| b.try_into().ok())
                .map_or(f64::NEG_INFINITY, f64::from_le_bytes),
        }
    }
}

/// Writes a shard's `sketch` and `sidx` files: each document's record in `sketch` is its sketch
/// (`num_perm` little-endian `u16`s) followed by its line units (`LINE_PERMS` `u16`s each), or empty when it
/// has no signature; `sidx` holds where each record ends (`u64`, after a leading 0). One document's sketch
/// and units are then one positioned read.
pub(crate) struct SketchWriter {
    sketch: AtomicFile,
    sidx: AtomicFile,
    num_perm: usize,
    written: u64,
}

impl SketchWriter {
    pub(crate) fn create(
        sketch: &Path,
        sidx: &Path,
        num_perm: usize,
        durability: Durability,
    ) -> Result<SketchWriter, DedupError> {
        let mut sidx = AtomicFile::create(sidx, durability)?;
        sidx.write(&0u64.to_le_bytes())?;
        Ok(SketchWriter {
            sketch: AtomicFile::create(sketch, durability)?,
            sidx,
            num_perm,
            written: 0,
        })
    }

    /// Appends the next document's signature (`None` or a wrong shape: it has none).
    pub(crate) fn write(&mut self, sig: Option<&Signature>) -> Result<(), DedupError> {
        if let Some(sig) = sig.filter(|s| s.sketch.len() == self.num_perm) {
            let record = self.sketch.pending();
            let before = record.len();
            put_all(record, sig.sketch.iter(), |v| v.to_le_bytes());
            put_all(record, sig.lines.as_flattened().iter(), |v| v.to_le_bytes());
            self.written += (record.len() - before) as u64;
            self.sketch.gathered()?;
        }
        self.sidx.write(&self.written.to_le_bytes())
    }

    pub(crate) fn finish(self) -> Result<(), DedupError> {
        self.sketch.finish()?;
        self.sidx.finish()
    }
}

/// A document's sketch and line units, read back.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Sketch {
    /// Low 16 bits of every minimum.
    pub sketch: Vec<u16>,
    /// Line units.
    pub lines: Vec<[u16; LINE_PERMS]>,
}

/// A document's sketch and line units as [`ShardSketches::sketch`] gives them: borrowed from a shard's
/// records read whole when opened, or read by document (and perhaps cached).
#[derive(Debug, Clone)]
pub(crate) enum SketchRef<'a> {
    /// In a shard's records held in memory.
    Loaded {
        /// Low 16 bits of every minimum.
        sketch: &'a [u16],
        /// Line units.
        lines: &'a [[u16; LINE_PERMS]],
    },
    /// Read by a positioned read.
    Read(Arc<Sketch>),
}

impl SketchRef<'_> {
    /// Low 16 bits of every minimum.
    pub(crate) fn sketch(&self) -> &[u16] {
        match self {
            SketchRef::Loaded { sketch, .. } => sketch,
            SketchRef::Read(read) => &read.sketch,
        }
    }

    /// Line units.
    pub(crate) fn lines(&self) -> &[[u16; LINE_PERMS]] {
        match self {
            SketchRef::Loaded { lines, .. } => lines,
            SketchRef::Read(read) => &read.lines,
        }
    }
}

/// Reads of documents' sketches by address: every shard's record ends (`sidx`, 8 bytes per document) are
/// held in memory. When all the shards' records fit in [`LOADED_SKETCH_BYTES`], they are read whole when
/// opened, in large sequential reads, and served from memory; otherwise each sketch is one positioned
/// read of `sketch`, kept up to [`SKETCH_CACHE_BYTES`]: the members of a band's buckets are
/// mostly the same near copies in every band, so most reads are repeats, and each was a system call, an
/// allocation and a copy (on 100,000 documents, the bucket and cluster stages asked for about 37,000).
pub(crate) struct ShardSketches {
    files: Vec<ShardSketchFile>,
    num_perm: usize,
    cache: Mutex<SketchCache>,
}

/// One shard's sketch file in a [`ShardSketches`].
struct ShardSketchFile {
    path: PathBuf,
    file: File,
    /// The file's length: no record reaches past it.
    size: u64,
    /// Where each record ends, after a leading 0.
    ends: Vec<u64>,
    /// The file's records read whole, as `u16`s: those of the documents below `loaded_docs`.
    loaded: Vec<u16>,
    loaded_docs: usize,
}

/// Bytes of sketch records a [`ShardSketches`] reads into memory when opened, if they all fit (a fixed
/// budget, so the memory does not grow with the corpus: 100,000 documents take about 26 MB).
const LOADED_SKETCH_BYTES: u64 = 48 << 20;
/// Bytes of sketches read by document that a [`ShardSketches`] keeps at most (estimated); past that,
/// further reads are not kept, so the memory does not grow with the corpus.
const SKETCH_CACHE_BYTES: usize = 16 << 20;
/// Bytes read at a time when loading a shard's records.
const LOAD_CHUNK_BYTES: usize = 1 << 20;

/// The sketches a [`ShardSketches`] has read, by address, and their estimated bytes.
#[derive(Default)]
struct SketchCache {
    sketches: HashMap<u64, Arc<Sketch>>,
    bytes: usize,
}

impl ShardSketches {
    /// Opens `sketch(shard)` and reads `sidx(shard)` for every shard, and every shard's records when
    /// they fit the budget.
    pub(crate) fn open(
        shards: usize,
        sketch: impl Fn(usize) -> PathBuf,
        sidx: impl Fn(usize) -> PathBuf,
        num_perm: usize,
    ) -> Result<ShardSketches, DedupError> {
        ShardSketches::open_within(shards, sketch, sidx, num_perm, LOADED_SKETCH_BYTES)
    }

    /// [`ShardSketches::open`] with a budget of `budget` bytes of records read whole.
    fn open_within(
        shards: usize,
        sketch: impl Fn(usize) -> PathBuf,
        sidx: impl Fn(usize) -> PathBuf,
        num_perm: usize,
        budget: u64,
    ) -> Result<ShardSketches, DedupError> {
        let mut files = (0..shards)
            .map(|s| {
                let (path, index) = (sketch(s), sidx(s));
                let (file, size) = open_sized(&path)?;
                let ends = std::fs::read(&index).map_err(|e| io_error(&index, e))?;
                Ok(ShardSketchFile {
                    path,
                    file,
                    size,
                    ends: ends.chunks_exact(8).map(le_u64).collect(),
                    loaded: Vec::new(),
                    loaded_docs: 0,
                })
            })
            .collect::<Result<Vec<_>, DedupError>>()?;
        // All or nothing: with a part loaded, the cache beside it would make the memory of a large corpus
        // grow past that of a small one.
        if files.iter().map(|f| f.size).sum::<u64>() <= budget {
            for shard in &mut files {
                // Whole records in the file (one cut short stays out, for a positioned read to report).
                let size = shard.size;
                shard.loaded_docs = shard.ends.iter().skip(1).take_while(|&&end| end <= size).count();
                // Never past the file's end, even when a damaged `sidx` says so of its first record.
                let bytes = shard
                    .ends
                    .get(shard.loaded_docs)
                    .copied()
                    .filter(|&end| end <= size)
                    .unwrap_or(0);
                shard.loaded = load_u16s(&mut shard.file, bytes).map_err(|e| io_error(&shard.path, e))?;
            }
        }
        Ok(ShardSketches {
            files,
            num_perm,
            cache: Mutex::default(),
        })
    }

    /// The sketch of the document at `address` (`None`: it has no signature).
    pub(crate) fn sketch(&self, address: u64) -> Result<Option<SketchRef<'_>>, DedupError> {
        let (shard, index) = split_address(address);
        let shard_file = self.files.get(shard).ok_or_else(|| DedupError::Io {
            path: format!("shard {shard}"),
            source: io::Error::new(
                io::ErrorKind::InvalidData,
                format!("no such input shard (document {index})"),
            ),
        })?;
        if (index as usize) < shard_file.loaded_docs {
            return shard_file.loaded(index, self.num_perm);
        }
        // A poisoned lock only means another thread panicked; the map itself is whole.
        let cached = |cache: &Mutex<SketchCache>| {
            cache
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .sketches
                .get(&address)
                .cloned()
        };
        if let Some(sketch) = cached(&self.cache) {
            return Ok(Some(SketchRef::Read(sketch)));
        }
        let Some(sketch) = shard_file.read(index, self.num_perm)? else {
            return Ok(None);
        };
        let sketch = Arc::new(sketch);
        let bytes = 64 + 2 * sketch.sketch.len() + 2 * LINE_PERMS * sketch.lines.len();
        let mut cache = self
            .cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if cache.bytes + bytes <= SKETCH_CACHE_BYTES {
            cache.bytes += bytes;
            cache.sketches.insert(address, Arc::clone(&sketch));
        }
        Ok(Some(SketchRef::Read(sketch)))
    }
}

/// The error of a sketch record too short for a sketch.
const SHORT_RECORD: &str = "sketch record shorter than a sketch";
/// The error of a sketch record that ends inside a line unit.
const PARTIAL_UNIT: &str = "sketch record with a partial line unit";

/// Reads the first `bytes` bytes of `file` as little-endian `u16`s, a chunk at a time (so the bytes are
/// never held twice).
fn load_u16s(file: &mut File, bytes: u64) -> io::Result<Vec<u16>> {
    let mut out = Vec::with_capacity((bytes / 2) as usize);
    let mut chunk = vec![0u8; LOAD_CHUNK_BYTES.min(bytes as usize)];
    let mut left = bytes as usize;
    while left > 0 {
        let Some(part) = chunk.get_mut(..left.min(LOAD_CHUNK_BYTES)) else {
            break;
        };
        file.read_exact(part)?;
        out.extend(part.chunks_exact(2).map(le_u16));
        left -= part.len();
    }
    Ok(out)
}

impl ShardSketchFile {
    /// The start and end of document `index`'s record.
    fn range(&self, index: u32) -> Result<(u64, u64), DedupError> {
        match self.ends.get(index as usize..index as usize + 2) {
            Some(&[start, end]) if start <= end && end <= self.size => Ok((start, end)),
            Some(&[_, end]) if end > self.size => {
                Err(self.bad(index, "sketch record past the end of the file"))
            }
            _ => Err(self.bad(index, "no such document in the sketch index")),
        }
    }

    fn bad(&self, index: u32, what: &str) -> DedupError {
        DedupError::Io {
            path: self.path.display().to_string(),
            source: io::Error::new(io::ErrorKind::InvalidData, format!("{what} (document {index})")),
        }
    }

    /// Splits a record of `units` (`u16`s) into its sketch of `num_perm` and its line units.
    fn split<'a>(
        &self,
        index: u32,
        units: &'a [u16],
        num_perm: usize,
    ) -> Result<(&'a [u16], &'a [[u16; LINE_PERMS]]), DedupError> {
        let Some((sketch, rest)) = units.split_at_checked(num_perm) else {
            return Err(self.bad(index, SHORT_RECORD));
        };
        match rest.as_chunks::<LINE_PERMS>() {
            (lines, []) => Ok((sketch, lines)),
            _ => Err(self.bad(index, PARTIAL_UNIT)),
        }
    }

    /// The sketch of loaded document `index`.
    fn loaded(&self, index: u32, num_perm: usize) -> Result<Option<SketchRef<'_>>, DedupError> {
        let (start, end) = self.range(index)?;
        if start == end {
            return Ok(None);
        }
        if start % 2 != 0 || end % 2 != 0 {
            return Err(self.bad(index, "sketch record not on a 2-byte boundary"));
        }
        let record = self
            .loaded
            .get((start / 2) as usize..(end / 2) as usize)
            .ok_or_else(|| self.bad(index, "sketch record outside the sketches read"))?;
        let (sketch, lines) = self.split(index, record, num_perm)?;
        Ok(Some(SketchRef::Loaded { sketch, lines }))
    }

    /// Reads the sketch of document `index` from the file.
    fn read(&self, index: u32, num_perm: usize) -> Result<Option<Sketch>, DedupError> {
        let (start, end) = self.range(index)?;
        if start == end {
            return Ok(None);
        }
        let mut rec = vec![0u8; (end - start) as usize];
        self.file
            .read_exact_at(&mut rec, start)
            .map_err(|e| io_error(&self.path, e))?;
        let unit_bytes = 2 * LINE_PERMS;
        let Some((head, units)) = rec.split_at_checked(2 * num_perm) else {
            return Err(self.bad(index, SHORT_RECORD));
        };
        if units.len() % unit_bytes != 0 {
            return Err(self.bad(index, PARTIAL_UNIT));
        }
        Ok(Some(Sketch {
            sketch: head.chunks_exact(2).map(le_u16).collect(),
            lines: units
                .chunks_exact(unit_bytes)
                .map(|u| std::array::from_fn(|p| le_u16(u.get(2 * p..2 * p + 2).unwrap_or_default())))
                .collect(),
        }))
    }
}

/// Positioned reads of one kind of per-shard file, by document address.
pub(crate) struct ShardRecords {
    files: Vec<SizedFile>,
    extra: Vec<SizedFile>,
}

/// An open file, its path and its length.
type SizedFile = (PathBuf, File, u64);

/// `path` opened, with its length.
fn open_sized(path: &Path) -> Result<(File, u64), DedupError> {
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let size = file.metadata().map_err(|e| io_error(path, e))?.len();
    Ok((file, size))
}

impl ShardRecords {
    /// Opens `main(shard)` (and `extra(shard)` when given) for every shard.
    pub(crate) fn open(
        shards: usize,
        main: impl Fn(usize) -> PathBuf,
        extra: Option<&dyn Fn(usize) -> PathBuf>,
    ) -> Result<ShardRecords, DedupError> {
        let open = |path: PathBuf| -> Result<SizedFile, DedupError> {
            let (file, size) = open_sized(&path)?;
            Ok((path, file, size))
        };
        let files = (0..shards).map(|s| open(main(s))).collect::<Result<_, _>>()?;
        let extra = match extra {
            Some(extra) => (0..shards).map(|s| open(extra(s))).collect::<Result<_, _>>()?,
            None => Vec::new(),
        };
        Ok(ShardRecords { files, extra })
    }

    /// `len` bytes at `at` of shard `shard`'s file; a range past the file's end (a damaged index) is an
    /// error before any memory is taken for it.
    fn read(files: &[SizedFile], shard: usize, at: u64, len: usize) -> Result<Vec<u8>, DedupError> {
        let (path, file, size) = files.get(shard).ok_or_else(|| DedupError::Io {
            path: format!("shard {shard}"),
            source: io::Error::new(io::ErrorKind::InvalidData, "no such input shard"),
        })?;
        if at.checked_add(len as u64).is_none_or(|end| end > *size) {
            return Err(io_error(
                path,
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("record past the end of the file (at {at})"),
                ),
            ));
        }
        let mut buf = vec![0u8; len];
        file.read_exact_at(&mut buf, at).map_err(|e| io_error(path, e))?;
        Ok(buf)
    }

    /// The id of the document at `address`; the files are the `idx` files, with the `ids` files as
    /// extra.
    pub(crate) fn id(&self, address: u64) -> Result<String, DedupError> {
        let (shard, index) = split_address(address);
        let range = Self::read(&self.files, shard, u64::from(index) * 8, 16)?;
        let (start, end) = (
            le_u64(range.get(..8).unwrap_or_default()),
            le_u64(range.get(8..).unwrap_or_default()),
        );
        let bytes = Self::read(&self.extra, shard, start, end.saturating_sub(start) as usize)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// Reads a shard's ids in input order: its `idx` and `ids` files are read forward, buffered, skipping the
/// documents not asked for, instead of two positioned reads per id (the clusters TSV of 100,000
/// documents asked for about 14,000).
pub(crate) struct IdReader {
    idx: RecordReader,
    ids_path: PathBuf,
    ids: BufReader<File>,
    /// The next document whose end `idx` gives.
    next: u32,
    /// Where document `next` starts in `ids`.
    start: u64,
    /// Bytes of `ids` consumed.
    at: u64,
}

impl IdReader {
    /// Opens a shard's `idx` and `ids` files.
    pub(crate) fn open(idx: &Path, ids: &Path) -> Result<IdReader, DedupError> {
        let mut idx = RecordReader::open(idx, 8)?;
        let start = le_u64(idx.next_record()?);
        let file = File::open(ids).map_err(|e| io_error(ids, e))?;
        Ok(IdReader {
            idx,
            ids_path: ids.to_path_buf(),
            ids: BufReader::with_capacity(RECORD_READ_BUFFER_BYTES, file),
            next: 0,
            start,
            at: 0,
        })
    }

    /// The id of document `index`, which must come after every document asked for before.
    pub(crate) fn id(&mut self, index: u32) -> Result<String, DedupError> {
        let bad = |what: &str| {
            io_error(
                &self.ids_path,
                io::Error::new(io::ErrorKind::InvalidData, format!("{what} (document {index})")),
            )
        };
        if index < self.next {
            return Err(bad("ids asked for out of order"));
        }
        while self.next < index {
            self.start = le_u64(self.idx.next_record()?);
            self.next += 1;
        }
        let end = le_u64(self.idx.next_record()?);
        let start = std::mem::replace(&mut self.start, end);
        self.next += 1;
        if start < self.at || end < start {
            return Err(bad("id index out of order"));
        }
        let skip = i64::try_from(start - self.at).map_err(|_| bad("id index out of range"))?;
        self.ids
            .seek_relative(skip)
            .map_err(|e| io_error(&self.ids_path, e))?;
        // Read through `take`, so a damaged index cannot ask for more memory than the file holds.
        let mut bytes = Vec::new();
        (&mut self.ids)
            .take(end - start)
            .read_to_end(&mut bytes)
            .map_err(|e| io_error(&self.ids_path, e))?;
        if bytes.len() as u64 != end - start {
            return Err(bad("ids file truncated"));
        }
        self.at = end;
        Ok(String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }
}

fn le_u16(b: &[u8]) -> u16 {
    b.try_into().map(u16::from_le_bytes).unwrap_or(0)
}

/// Buffer of a [`RecordReader`]: a shard's `info` file is read twice by the cluster stage, 21 bytes per
/// document.
const RECORD_READ_BUFFER_BYTES: usize = 64 << 10;

/// Reads a file of fixed-size records in order.
pub(crate) struct RecordReader {
    path: PathBuf,
    input: BufReader<File>,
    record: Vec<u8>,
}

impl RecordReader {
    pub(crate) fn open(path: &Path, record_bytes: usize) -> Result<RecordReader, DedupError> {
        let file = File::open(path).map_err(|e| io_error(path, e))?;
        Ok(RecordReader {
            path: path.to_path_buf(),
            input: BufReader::with_capacity(RECORD_READ_BUFFER_BYTES, file),
            record: vec![0u8; record_bytes],
        })
    }

    /// The next record; an error when the file ends early.
    pub(crate) fn next_record(&mut self) -> Result<&[u8], DedupError> {
        self.input
            .read_exact(&mut self.record)
            .map_err(|e| io_error(&self.path, e))?;
        Ok(&self.record)
    }
}

/// Writes a shard's `ids` and `idx` files.
pub(crate) struct IdWriter {
    ids: AtomicFile,
    idx: AtomicFile,
    written: u64,
}

impl IdWriter {
    pub(crate) fn create(ids: &Path, idx: &Path, durability: Durability) -> Result<IdWriter, DedupError> {
        let mut idx = AtomicFile::create(idx, durability)?;
        idx.write(&0u64.to_le_bytes())?;
        Ok(IdWriter {
            ids: AtomicFile::create(ids, durability)?,
            idx,
            written: 0,
        })
    }

    pub(crate) fn write(&mut self, id: &str) -> Result<(), DedupError> {
        self.ids.write(id.as_bytes())?;
        self.written += id.len() as u64;
        self.idx.write(&self.written.to_le_bytes())
    }

    pub(crate) fn finish(self) -> Result<(), DedupError> {
        self.ids.finish()?;
        self.idx.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::work::address;

    #[test]
    fn records_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let p = |name: &str, s: usize| dir.path().join(format!("{s}.{name}"));
        let sig = Signature {
            band_keys: vec![1, 2],
            sketch: vec![5, 6, 7, 8],
            lines: vec![[1, 2, 3, 4], [9, 9, 9, 9]],
        };
        for s in 0..2 {
            let mut w = SketchWriter::create(&p("sketch", s), &p("sidx", s), 4, Durability::Synced).unwrap();
            w.write(None).unwrap();
            w.write(Some(&sig)).unwrap();
            w.write(Some(&Signature {
                lines: Vec::new(),
                ..sig.clone()
            }))
            .unwrap();
            w.write(Some(&Signature {
                sketch: vec![1],
                ..sig.clone()
            }))
            .unwrap();
            w.finish().unwrap();
            let mut ids = IdWriter::create(&p("ids", s), &p("idx", s), Durability::Scratch).unwrap();
            ids.write("a").unwrap();
            ids.write(&format!("doc-{s}")).unwrap();
            ids.finish().unwrap();
        }
        let open = |budget| ShardSketches::open_within(2, |s| p("sketch", s), |s| p("sidx", s), 4, budget);
        // Read by document: without a budget, or with one too small for every shard's records.
        for (budget, loaded) in [(0, false), (63, false), (64, true), (LOADED_SKETCH_BYTES, true)] {
            let sketches = open(budget).unwrap();
            assert!(sketches.sketch(address(1, 0)).unwrap().is_none());
            let back = sketches.sketch(address(1, 1)).unwrap().unwrap();
            assert_eq!((back.sketch(), back.lines()), (&sig.sketch[..], &sig.lines[..]));
            assert_eq!(
                matches!(back, SketchRef::Loaded { .. }),
                loaded,
                "budget {budget}"
            );
            let first = sketches.sketch(address(0, 1)).unwrap().unwrap();
            assert_eq!(matches!(first, SketchRef::Loaded { .. }), loaded);
            assert_eq!((first.sketch(), first.lines()), (&sig.sketch[..], &sig.lines[..]));
            let no_units = sketches.sketch(address(0, 2)).unwrap().unwrap();
            assert_eq!((no_units.sketch(), no_units.lines().len()), (&sig.sketch[..], 0));
            if let (SketchRef::Read(a), Some(SketchRef::Read(b))) =
                (&back, sketches.sketch(address(1, 1)).unwrap())
            {
                assert!(Arc::ptr_eq(a, &b), "a sketch read again comes from the cache");
            }
            assert!(
                sketches.sketch(address(1, 3)).unwrap().is_none(),
                "a wrong shape is no signature"
            );
            assert!(sketches.sketch(address(1, 4)).is_err());
            assert!(sketches.sketch(address(2, 0)).is_err());
        }
        let mut units = std::fs::read(p("sketch", 0)).unwrap();
        units.truncate(units.len() - 1);
        std::fs::write(p("sketch", 0), &units).unwrap();
        for budget in [0, LOADED_SKETCH_BYTES] {
            let sketches = open(budget).unwrap();
            assert!(
                sketches.sketch(address(0, 2)).is_err(),
                "a record cut short is an error"
            );
            assert!(sketches.sketch(address(0, 1)).unwrap().is_some());
        }
        // A record of an odd length, or one shorter than a sketch, read whole or by document.
        std::fs::write(p("sketch", 0), [0u8; 32]).unwrap();
        let ends: Vec<u8> = [0u64, 0, 7, 9, 9].iter().flat_map(|e| e.to_le_bytes()).collect();
        std::fs::write(p("sidx", 0), ends).unwrap();
        for budget in [0, LOADED_SKETCH_BYTES] {
            let sketches = open(budget).unwrap();
            assert!(sketches.sketch(address(0, 1)).is_err(), "shorter than a sketch");
            let err = sketches.sketch(address(0, 2)).unwrap_err().to_string();
            if budget > 0 {
                assert!(err.contains("not on a 2-byte boundary (document 2)"), "{err}");
            }
        }
        // A damaged index that points far past the file's end: an error naming it, and no memory taken
        // for the range (a terabyte here), whether the records are read whole or by document.
        let ends: Vec<u8> = [0u64, 1 << 40].iter().flat_map(|e| e.to_le_bytes()).collect();
        std::fs::write(p("sidx", 0), ends).unwrap();
        for budget in [0, LOADED_SKETCH_BYTES] {
            let err = open(budget)
                .unwrap()
                .sketch(address(0, 0))
                .unwrap_err()
                .to_string();
            assert!(err.contains("past the end of the file (document 0)"), "{err}");
        }
        let mut ids = IdReader::open(&p("idx", 1), &p("ids", 1)).unwrap();
        assert_eq!(ids.id(1).unwrap(), "doc-1");
        assert!(ids.id(0).is_err(), "ids are read forward only");
        let mut ids = IdReader::open(&p("idx", 0), &p("ids", 0)).unwrap();
        assert_eq!(
            (ids.id(0).unwrap(), ids.id(1).unwrap()),
            ("a".to_owned(), "doc-0".to_owned())
        );
        assert!(ids.id(2).is_err(), "past the last document");
        let ids = ShardRecords::open(2, |s| p("idx", s), Some(&|s| p("ids", s))).unwrap();
        assert_eq!(ids.id(address(1, 1)).unwrap(), "doc-1");
        assert_eq!(ids.id(address(0, 0)).unwrap(), "a");
        let mut idx = std::fs::read(p("idx", 1)).unwrap();
        let last = idx.len() - 8;
        idx[last..].copy_from_slice(&(1u64 << 40).to_le_bytes());
        std::fs::write(p("idx", 1), &idx).unwrap();
        let ids = ShardRecords::open(2, |s| p("idx", s), Some(&|s| p("ids", s))).unwrap();
        let err = ids.id(address(1, 1)).unwrap_err().to_string();
        assert!(err.contains("past the end of the file"), "{err}");
        let mut forward = IdReader::open(&p("idx", 1), &p("ids", 1)).unwrap();
        let err = forward.id(1).unwrap_err().to_string();
        assert!(err.contains("ids file truncated (document 1)"), "{err}");
        let info = DocInfo {
            host: Some(3),
            text_bytes: 9,
            score: 0.5,
        };
        assert_eq!(DocInfo::decode(&info.encode()), info);
    }
}
