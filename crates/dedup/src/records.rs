//! Per-document work files of fixed-size records: read in order ([`RecordReader`]) or by document
//! ([`ShardRecords`], positioned reads that leave no file data in the process's memory).
//!
//! - `info`: host key, text length and keep score of each document (from the `lines` stage);
//! - `ids` and `idx`: document ids and where each starts (from the `lines` stage);
//! - `sketch` and `sidx`: each document's MinHash sketch and line units, and where each record ends
//!   (from the `signatures` stage; read by document with [`ShardSketches`]);
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
use crate::work::{AtomicFile, Durability, io_error, split_address};

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
    record: Vec<u8>,
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
            record: Vec::new(),
        })
    }

    /// Appends the next document's signature (`None` or a wrong shape: it has none).
    pub(crate) fn write(&mut self, sig: Option<&Signature>) -> Result<(), DedupError> {
        self.record.clear();
        if let Some(sig) = sig.filter(|s| s.sketch.len() == self.num_perm) {
            for v in sig.sketch.iter().chain(sig.lines.iter().flatten()) {
                self.record.extend_from_slice(&v.to_le_bytes());
            }
        }
        self.sketch.write(&self.record)?;
        self.written += self.record.len() as u64;
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

/// Reads of documents' sketches by address: every shard's record ends (`sidx`, 8 bytes per document) are
/// held in memory, so a sketch with its line units is one positioned read of `sketch`. Sketches read are
/// kept, up to [`SKETCH_CACHE_BYTES`]: the members of a band's buckets are mostly the same near copies
/// in every band, so most reads are repeats, and each was a system call and a copy.
pub(crate) struct ShardSketches {
    files: Vec<(PathBuf, File, Vec<u64>)>,
    num_perm: usize,
    cache: Mutex<SketchCache>,
}

/// Bytes of sketches a [`ShardSketches`] keeps at most (estimated); past that, further reads are not
/// kept, so the memory does not grow with the corpus.
const SKETCH_CACHE_BYTES: usize = 16 << 20;

/// The sketches a [`ShardSketches`] has read, by address, and their estimated bytes.
#[derive(Default)]
struct SketchCache {
    sketches: HashMap<u64, Arc<Sketch>>,
    bytes: usize,
}

impl ShardSketches {
    /// Opens `sketch(shard)` and reads `sidx(shard)` for every shard.
    pub(crate) fn open(
        shards: usize,
        sketch: impl Fn(usize) -> PathBuf,
        sidx: impl Fn(usize) -> PathBuf,
        num_perm: usize,
    ) -> Result<ShardSketches, DedupError> {
        let files = (0..shards)
            .map(|s| {
                let (path, index) = (sketch(s), sidx(s));
                let file = File::open(&path).map_err(|e| io_error(&path, e))?;
                let ends = std::fs::read(&index).map_err(|e| io_error(&index, e))?;
                let ends = ends.chunks_exact(8).map(le_u64).collect();
                Ok((path, file, ends))
            })
            .collect::<Result<_, DedupError>>()?;
        Ok(ShardSketches {
            files,
            num_perm,
            cache: Mutex::default(),
        })
    }

    /// The sketch of the document at `address` (`None`: it has no signature).
    pub(crate) fn sketch(&self, address: u64) -> Result<Option<Arc<Sketch>>, DedupError> {
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
            return Ok(Some(sketch));
        }
        let Some(sketch) = self.read(address)? else {
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
        Ok(Some(sketch))
    }

    /// Reads the sketch of the document at `address` from its shard's file.
    fn read(&self, address: u64) -> Result<Option<Sketch>, DedupError> {
        let (shard, index) = split_address(address);
        let bad = |path: &str, what: &str| DedupError::Io {
            path: path.to_owned(),
            source: io::Error::new(io::ErrorKind::InvalidData, format!("{what} (document {index})")),
        };
        let (path, file, ends) = self
            .files
            .get(shard)
            .ok_or_else(|| bad(&format!("shard {shard}"), "no such input shard"))?;
        let (start, end) = match ends.get(index as usize..index as usize + 2) {
            Some(&[start, end]) if start <= end => (start, end),
            _ => {
                return Err(bad(
                    &path.display().to_string(),
                    "no such document in the sketch index",
                ));
            }
        };
        if start == end {
            return Ok(None);
        }
        let mut rec = vec![0u8; (end - start) as usize];
        file.read_exact_at(&mut rec, start)
            .map_err(|e| io_error(path, e))?;
        let sketch_len = 2 * self.num_perm;
        let unit_bytes = 2 * LINE_PERMS;
        let (Some(head), Some(units)) = (rec.get(..sketch_len), rec.get(sketch_len..)) else {
            return Err(bad(
                &path.display().to_string(),
                "sketch record shorter than a sketch",
            ));
        };
        if units.len() % unit_bytes != 0 {
            return Err(bad(
                &path.display().to_string(),
                "sketch record with a partial line unit",
            ));
        }
        let sketch = head.chunks_exact(2).map(le_u16).collect();
        let lines = units
            .chunks_exact(unit_bytes)
            .map(|u| std::array::from_fn(|p| le_u16(u.get(2 * p..2 * p + 2).unwrap_or_default())))
            .collect();
        Ok(Some(Sketch { sketch, lines }))
    }
}

/// Positioned reads of one kind of per-shard file, by document address.
pub(crate) struct ShardRecords {
    files: Vec<(PathBuf, File)>,
    extra: Vec<(PathBuf, File)>,
}

impl ShardRecords {
    /// Opens `main(shard)` (and `extra(shard)` when given) for every shard.
    pub(crate) fn open(
        shards: usize,
        main: impl Fn(usize) -> PathBuf,
        extra: Option<&dyn Fn(usize) -> PathBuf>,
    ) -> Result<ShardRecords, DedupError> {
        let open = |path: PathBuf| -> Result<(PathBuf, File), DedupError> {
            let file = File::open(&path).map_err(|e| io_error(&path, e))?;
            Ok((path, file))
        };
        let files = (0..shards).map(|s| open(main(s))).collect::<Result<_, _>>()?;
        let extra = match extra {
            Some(extra) => (0..shards).map(|s| open(extra(s))).collect::<Result<_, _>>()?,
            None => Vec::new(),
        };
        Ok(ShardRecords { files, extra })
    }

    fn read(files: &[(PathBuf, File)], shard: usize, at: u64, len: usize) -> Result<Vec<u8>, DedupError> {
        let (path, file) = files.get(shard).ok_or_else(|| DedupError::Io {
            path: format!("shard {shard}"),
            source: io::Error::new(io::ErrorKind::InvalidData, "no such input shard"),
        })?;
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

fn le_u16(b: &[u8]) -> u16 {
    b.try_into().map(u16::from_le_bytes).unwrap_or(0)
}

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
            input: BufReader::new(file),
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
        let sketches = ShardSketches::open(2, |s| p("sketch", s), |s| p("sidx", s), 4).unwrap();
        assert_eq!(sketches.sketch(address(1, 0)).unwrap(), None);
        let back = sketches.sketch(address(1, 1)).unwrap().unwrap();
        assert_eq!((&back.sketch, &back.lines), (&sig.sketch, &sig.lines));
        let no_units = sketches.sketch(address(0, 2)).unwrap().unwrap();
        assert_eq!((&no_units.sketch, no_units.lines.len()), (&sig.sketch, 0));
        assert!(
            Arc::ptr_eq(&back, &sketches.sketch(address(1, 1)).unwrap().unwrap()),
            "a sketch read again comes from the cache"
        );
        assert_eq!(
            sketches.sketch(address(1, 3)).unwrap(),
            None,
            "a wrong shape is no signature"
        );
        assert!(sketches.sketch(address(1, 4)).is_err());
        assert!(sketches.sketch(address(2, 0)).is_err());
        let mut units = std::fs::read(p("sketch", 0)).unwrap();
        units.truncate(units.len() - 1);
        std::fs::write(p("sketch", 0), &units).unwrap();
        let sketches = ShardSketches::open(2, |s| p("sketch", s), |s| p("sidx", s), 4).unwrap();
        assert!(
            sketches.sketch(address(0, 2)).is_err(),
            "a record cut short is an error"
        );
        let ids = ShardRecords::open(2, |s| p("idx", s), Some(&|s| p("ids", s))).unwrap();
        assert_eq!(ids.id(address(1, 1)).unwrap(), "doc-1");
        assert_eq!(ids.id(address(0, 0)).unwrap(), "a");
        let info = DocInfo {
            host: Some(3),
            text_bytes: 9,
            score: 0.5,
        };
        assert_eq!(DocInfo::decode(&info.encode()), info);
    }
}
