//! Sorted runs of `(u64, u64)` pairs on disk: the external sort every stage hands its keys over with
//! (line keys, exact-text keys, band buckets, edges), so no stage holds all of them in memory.
//!
//! A [`RunWriter`] buffers at most `cap` pairs; when the buffer is full it is sorted and appended to the
//! file as one run. A reader merges every run of any number of files into one sorted stream
//! ([`merge_runs`]), holding one buffered cursor per run.
//!
//! Layout (little-endian): magic `SRNGRUN1`; the runs, each a sorted sequence of 16-byte pairs; then the
//! length of every run (`u64` each), the number of runs (`u64`) and the magic `SRNGEND1`. The file is
//! written under a temporary name and renamed when complete, so a file with a final name is whole.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::collections::binary_heap::PeekMut;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use saring_io::AtomicFile;

use crate::work::{Durability, put_all};

/// One entry of a run, sorted by key then value.
pub(crate) type Pair = (u64, u64);

const MAGIC: &[u8; 8] = b"SRNGRUN1";
const END: &[u8; 8] = b"SRNGEND1";
const PAIR_BYTES: u64 = 16;
/// Pairs per write when a run is spilled.
const SPILL_BLOCK_PAIRS: usize = 4096;
/// Bytes of read buffer per run when merging.
const CURSOR_BUFFER: usize = 32 * 1024;

/// Writes pairs into a file of sorted runs, holding at most `cap` pairs in memory.
pub(crate) struct RunWriter {
    out: AtomicFile,
    /// The pairs, each as one `u128` (key in the high half): sorted as one integer, in the pairs' order,
    /// faster than tuples compared field by field.
    buffer: Vec<u128>,
    cap: usize,
    runs: Vec<u64>,
}

impl RunWriter {
    /// Starts `path` (written as a temporary file until [`RunWriter::finish`]) with `durability`.
    pub(crate) fn create(path: &Path, cap: usize, durability: Durability) -> io::Result<RunWriter> {
        let mut out = durability.create(path)?;
        out.write_all(MAGIC)?;
        let cap = cap.max(1);
        Ok(RunWriter {
            out,
            // Reserved whole at once (address space only: pages are touched as pairs come) rather than
            // grown by doubling, where every growth copied the pairs into fresh pages.
            buffer: Vec::with_capacity(cap),
            cap,
            runs: Vec::new(),
        })
    }

    /// Adds one pair; a full buffer is sorted and written as a run.
    pub(crate) fn push(&mut self, pair: Pair) -> io::Result<()> {
        if self.buffer.len() >= self.cap {
            self.spill()?;
        }
        self.buffer.push(u128::from(pair.0) << 64 | u128::from(pair.1));
        Ok(())
    }

    fn spill(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        self.buffer.sort_unstable();
        // Written a block of pairs at a time, not a call per field.
        let mut bytes = Vec::with_capacity(SPILL_BLOCK_PAIRS * PAIR_BYTES as usize);
        for block in self.buffer.chunks(SPILL_BLOCK_PAIRS) {
            bytes.clear();
            // The halves swapped, so the key's little-endian bytes come first.
            put_all(&mut bytes, block.iter(), |&pair| {
                pair.rotate_left(64).to_le_bytes()
            });
            self.out.write_all(&bytes)?;
        }
        self.runs.push(self.buffer.len() as u64);
        self.buffer.clear();
        Ok(())
    }

    /// Writes the last run and the trailer, and gives the file its final name.
    pub(crate) fn finish(mut self) -> io::Result<()> {
        self.spill()?;
        for &len in &self.runs {
            self.out.write_all(&len.to_le_bytes())?;
        }
        self.out.write_all(&(self.runs.len() as u64).to_le_bytes())?;
        self.out.write_all(END)?;
        self.out.finish()
    }
}

/// One run being read.
struct Cursor {
    input: BufReader<File>,
    left: u64,
}

impl Cursor {
    fn next(&mut self) -> io::Result<Option<u128>> {
        if self.left == 0 {
            return Ok(None);
        }
        // Straight from the read buffer when it holds the whole pair (every pair but the first after the
        // buffer runs dry, which `read_exact` refills): a 16-byte `read_exact` is a call to `memcpy`.
        let pair = match self.input.buffer().first_chunk::<16>() {
            Some(bytes) => {
                let pair = decode_pair(*bytes);
                self.input.consume(16);
                pair
            }
            None => {
                let mut bytes = [0u8; 16];
                self.input.read_exact(&mut bytes)?;
                decode_pair(bytes)
            }
        };
        self.left -= 1;
        Ok(Some(pair))
    }
}

/// The runs of one file: their byte offsets and lengths, checked against the file's size.
fn open_runs(path: &Path) -> io::Result<Vec<Cursor>> {
    let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, format!("{}: {what}", path.display()));
    let mut file = File::open(path)?;
    let size = file.metadata()?.len();
    let mut head = [0u8; 8];
    file.read_exact(&mut head)?;
    if &head != MAGIC || size < 24 {
        return Err(bad("not a saring run file"));
    }
    let mut tail = [0u8; 16];
    file.seek(SeekFrom::End(-16))?;
    file.read_exact(&mut tail)?;
    let (count, end) = tail.split_at(8);
    let count = le_u64(count);
    // The magic, the lengths and the trailer must fit the file (size >= 24 was checked above).
    if end != END || count > (size - 24) / 8 {
        return Err(bad("truncated run file"));
    }
    let lengths_at = size - 16 - count * 8;
    let mut lengths = vec![0u8; (count * 8) as usize];
    file.seek(SeekFrom::Start(lengths_at))?;
    file.read_exact(&mut lengths)?;
    let lengths: Vec<u64> = lengths.chunks_exact(8).map(le_u64).collect();
    let run_bytes = lengths
        .iter()
        .try_fold(0u64, |sum, &len| sum.checked_add(len))
        .and_then(|pairs| pairs.checked_mul(PAIR_BYTES))
        .and_then(|bytes| bytes.checked_add(8));
    if run_bytes != Some(lengths_at) {
        return Err(bad("run lengths do not match the file size"));
    }
    let mut cursors = Vec::with_capacity(lengths.len());
    let mut at = 8;
    for left in lengths {
        let mut file = File::open(path)?;
        file.seek(SeekFrom::Start(at))?;
        cursors.push(Cursor {
            input: BufReader::with_capacity(CURSOR_BUFFER, file),
            left,
        });
        at += left * PAIR_BYTES;
    }
    Ok(cursors)
}

/// A pair as written (key, then value, little-endian), as one `u128` with the key in the high half.
fn decode_pair(bytes: [u8; 16]) -> u128 {
    u128::from_le_bytes(bytes).rotate_left(64)
}

/// Every pair of every run of `paths`, in sorted order.
pub(crate) struct Merged {
    cursors: Vec<Cursor>,
    /// The next pair of each run not yet read to its end, as one `u128` (compared as one integer, in
    /// the pairs' order), and the run's cursor.
    heap: BinaryHeap<Reverse<(u128, usize)>>,
}

/// Opens the run files `paths` and merges all their runs.
pub(crate) fn merge_runs(paths: &[PathBuf]) -> io::Result<Merged> {
    let mut cursors = Vec::new();
    for path in paths {
        cursors.extend(open_runs(path)?);
    }
    let mut heap = BinaryHeap::with_capacity(cursors.len());
    for (i, cursor) in cursors.iter_mut().enumerate() {
        if let Some(pair) = cursor.next()? {
            heap.push(Reverse((pair, i)));
        }
    }
    Ok(Merged { cursors, heap })
}

impl Iterator for Merged {
    type Item = io::Result<Pair>;

    fn next(&mut self) -> Option<io::Result<Pair>> {
        // The smallest pair is replaced by its run's next one in place: one sift down instead of the
        // two sifts of a pop and a push.
        let mut top = self.heap.peek_mut()?;
        let Reverse((pair, i)) = *top;
        let pair = ((pair >> 64) as u64, pair as u64);
        match self.cursors.get_mut(i).map(Cursor::next) {
            Some(Ok(Some(next))) => *top = Reverse((next, i)),
            Some(Err(e)) => {
                PeekMut::pop(top);
                return Some(Err(e));
            }
            _ => {
                PeekMut::pop(top);
            }
        }
        Some(Ok(pair))
    }
}

pub(crate) fn le_u64(b: &[u8]) -> u64 {
    b.try_into().map(u64::from_le_bytes).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spilled_runs_of_several_files_merge_sorted() {
        let dir = tempfile::tempdir().unwrap();
        let mut expected = Vec::new();
        let mut paths = Vec::new();
        for f in 0..3u64 {
            let path = dir.path().join(format!("{f}.runs"));
            let mut w = RunWriter::create(&path, 7, Durability::Synced).unwrap();
            for i in 0..50u64 {
                let pair = ((i * 7919 + f * 13) % 101, f);
                w.push(pair).unwrap();
                expected.push(pair);
            }
            w.finish().unwrap();
            paths.push(path);
        }
        expected.sort_unstable();
        let merged: Vec<Pair> = merge_runs(&paths).unwrap().collect::<io::Result<_>>().unwrap();
        assert_eq!(merged, expected);
        // An empty file merges to nothing; a truncated one is an error.
        let empty = dir.path().join("empty.runs");
        RunWriter::create(&empty, 4, Durability::Scratch)
            .unwrap()
            .finish()
            .unwrap();
        assert_eq!(merge_runs(&[empty]).unwrap().count(), 0);
        let bytes = std::fs::read(&paths[0]).unwrap();
        let cut = dir.path().join("cut.runs");
        std::fs::write(&cut, &bytes[..bytes.len() - 20]).unwrap();
        assert!(merge_runs(&[cut]).is_err());
    }

    #[test]
    fn damaged_run_counts_and_lengths_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        // A run file with no pairs, these run lengths and this count of runs in its trailer.
        let damaged = |name: &str, lengths: &[u64], count: u64| {
            let mut bytes = MAGIC.to_vec();
            for len in lengths {
                bytes.extend_from_slice(&len.to_le_bytes());
            }
            bytes.extend_from_slice(&count.to_le_bytes());
            bytes.extend_from_slice(END);
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            merge_runs(&[path]).err().map(|e| e.to_string())
        };
        // More runs than the file has room for their lengths.
        let e = damaged("count.runs", &[], 2).unwrap();
        assert!(e.contains("truncated run file"), "{e}");
        // Lengths whose sum does not fit in 64 bits, or whose size in bytes does not.
        let e = damaged("sum.runs", &[1 << 63, 1 << 63], 2).unwrap();
        assert!(e.contains("run lengths do not match"), "{e}");
        let e = damaged("bytes.runs", &[u64::MAX / 8], 1).unwrap();
        assert!(e.contains("run lengths do not match"), "{e}");
        // The same file with honest lengths opens.
        assert_eq!(damaged("empty-runs.runs", &[0, 0], 2), None);
    }

    #[test]
    fn a_pair_split_across_two_buffer_fills_reads_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("one.runs");
        let pairs: Vec<Pair> = (0..5u64).map(|i| (i << 60 | i, u64::MAX - i)).collect();
        let mut w = RunWriter::create(&path, 8, Durability::Scratch).unwrap();
        for &pair in &pairs {
            w.push(pair).unwrap();
        }
        w.finish().unwrap();
        // A 24-byte buffer holds one and a half pairs: every other pair is read across two fills.
        let mut file = File::open(&path).unwrap();
        file.seek(SeekFrom::Start(8)).unwrap();
        let mut cursor = Cursor {
            input: BufReader::with_capacity(24, file),
            left: pairs.len() as u64,
        };
        let read: Vec<u128> = std::iter::from_fn(|| cursor.next().unwrap()).collect();
        let expected: Vec<u128> = pairs
            .iter()
            .map(|&(k, v)| u128::from(k) << 64 | u128::from(v))
            .collect();
        assert_eq!(read, expected);
    }

    #[test]
    fn runs_sort_by_key_then_value_over_the_whole_range() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.runs");
        // Runs longer than a spill block; few keys, so each key has many values; high bits set.
        let mut w = RunWriter::create(&path, SPILL_BLOCK_PAIRS + 123, Durability::Scratch).unwrap();
        let mut expected = Vec::new();
        let mut x = 0x0123_4567_89ab_cdefu64;
        for _ in 0..3 * SPILL_BLOCK_PAIRS {
            x = x.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(1);
            let pair = (
                [0, 1, u64::MAX - 1, u64::MAX][(x >> 62) as usize],
                x.rotate_left(7),
            );
            w.push(pair).unwrap();
            expected.push(pair);
        }
        w.finish().unwrap();
        expected.sort_unstable();
        let merged: Vec<Pair> = merge_runs(&[path]).unwrap().collect::<io::Result<_>>().unwrap();
        assert_eq!(merged, expected);
    }
}
