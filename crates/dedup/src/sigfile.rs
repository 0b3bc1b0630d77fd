//! Signature files: the on-disk form of one input shard's signatures, the hand-over between the
//! `signatures` stage and the bucket and cluster stages of a multi-task run.
//!
//! Layout (all integers little-endian):
//!
//! - header: magic `SRNGSIG1`, then `u32` version (1), `u64` seed, `u32` ngram size, `u32` bands,
//!   `u32` rows, `u32` line permutations;
//! - one record per document, in input order: `u8` 1 and the signature (`bands` × `u64` band keys,
//!   `bands × rows` × `u16` sketch, `u32` line units, each `LINE_PERMS` × `u16`), or `u8` 0 for a document
//!   without one;
//! - footer: `u8` 0xFF, `u64` record count, `u64` XXH3-64 of every byte before the footer.
//!
//! A reader checks the header against the config it expects and the footer against what it read, so a
//! truncated, mixed-up or corrupt file is an error, never wrong signatures.

use std::io::{self, Read, Write};

use xxhash_rust::xxh3::Xxh3;

use crate::minhash::{LINE_PERMS, MinHasher, Signature};

const MAGIC: &[u8; 8] = b"SRNGSIG1";
const VERSION: u32 = 1;
const FOOTER: u8 = 0xFF;
/// Most line units a record may claim; more means a corrupt file.
const MAX_LINE_UNITS: u32 = 1 << 24;

/// The parameters a signature file was written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SigFileHeader {
    /// Permutation seed.
    pub seed: u64,
    /// Tokens per shingle.
    pub ngram_size: u32,
    /// LSH bands.
    pub bands: u32,
    /// Rows per band.
    pub rows: u32,
}

impl SigFileHeader {
    /// The header for signatures made by `hasher` with `seed`.
    pub fn new(hasher: &MinHasher, seed: u64) -> SigFileHeader {
        let as_u32 = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        SigFileHeader {
            seed,
            ngram_size: as_u32(hasher.ngram_size()),
            bands: as_u32(hasher.bands()),
            rows: as_u32(hasher.num_perm() / hasher.bands().max(1)),
        }
    }
}

/// Writes a signature file.
pub struct SigFileWriter<W: Write> {
    out: W,
    header: SigFileHeader,
    hash: Xxh3,
    records: u64,
}

impl<W: Write> SigFileWriter<W> {
    /// Starts a file with `header`.
    pub fn new(out: W, header: SigFileHeader) -> io::Result<SigFileWriter<W>> {
        let mut writer = SigFileWriter {
            out,
            header,
            hash: Xxh3::new(),
            records: 0,
        };
        writer.put(MAGIC)?;
        writer.put(&VERSION.to_le_bytes())?;
        writer.put(&header.seed.to_le_bytes())?;
        for v in [header.ngram_size, header.bands, header.rows, LINE_PERMS as u32] {
            writer.put(&v.to_le_bytes())?;
        }
        Ok(writer)
    }

    /// Appends the next document's signature (`None`: it has none). A signature whose shape does not
    /// match the header is an `InvalidInput` error.
    pub fn write(&mut self, sig: Option<&Signature>) -> io::Result<()> {
        let Some(sig) = sig else {
            self.records += 1;
            return self.put(&[0]);
        };
        let (bands, perms) = (
            self.header.bands as usize,
            (self.header.bands * self.header.rows) as usize,
        );
        if sig.band_keys.len() != bands || sig.sketch.len() != perms {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "signature shape differs from the header",
            ));
        }
        let units = u32::try_from(sig.lines.len())
            .ok()
            .filter(|&n| n <= MAX_LINE_UNITS)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "too many line units"))?;
        let mut buf = Vec::with_capacity(1 + bands * 8 + perms * 2 + 4 + sig.lines.len() * LINE_PERMS * 2);
        buf.push(1);
        for key in &sig.band_keys {
            buf.extend_from_slice(&key.to_le_bytes());
        }
        for v in &sig.sketch {
            buf.extend_from_slice(&v.to_le_bytes());
        }
        buf.extend_from_slice(&units.to_le_bytes());
        for unit in &sig.lines {
            for v in unit {
                buf.extend_from_slice(&v.to_le_bytes());
            }
        }
        self.records += 1;
        self.put(&buf)
    }

    /// Writes the footer and returns the output.
    pub fn finish(mut self) -> io::Result<W> {
        let digest = self.hash.digest();
        self.out.write_all(&[FOOTER])?;
        self.out.write_all(&self.records.to_le_bytes())?;
        self.out.write_all(&digest.to_le_bytes())?;
        self.out.flush()?;
        Ok(self.out)
    }

    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.hash.update(bytes);
        self.out.write_all(bytes)
    }
}

/// Reads a signature file written by [`SigFileWriter`], as an iterator of per-document signatures.
pub struct SigFileReader<R: Read> {
    input: R,
    header: SigFileHeader,
    hash: Xxh3,
    records: u64,
    done: bool,
}

impl<R: Read> SigFileReader<R> {
    /// Opens a file and checks that its header is `expected`.
    pub fn new(mut input: R, expected: SigFileHeader) -> io::Result<SigFileReader<R>> {
        let mut hash = Xxh3::new();
        let mut head = [0u8; 8 + 4 + 8 + 4 * 4];
        input.read_exact(&mut head)?;
        hash.update(&head);
        let u32_at = |at: usize| {
            head.get(at..at + 4)
                .and_then(|b| b.try_into().ok())
                .map(u32::from_le_bytes)
        };
        let seed = head
            .get(12..20)
            .and_then(|b| b.try_into().ok())
            .map(u64::from_le_bytes);
        let found = (
            head.get(..8),
            u32_at(8),
            seed,
            u32_at(20),
            u32_at(24),
            u32_at(28),
            u32_at(32),
        );
        let (Some(magic), Some(version), Some(seed), Some(ngram_size), Some(bands), Some(rows), Some(lp)) =
            found
        else {
            return Err(invalid("short header"));
        };
        if magic != MAGIC || version != VERSION || lp != LINE_PERMS as u32 {
            return Err(invalid("not a saring signature file of version 1"));
        }
        let header = SigFileHeader {
            seed,
            ngram_size,
            bands,
            rows,
        };
        if header != expected {
            return Err(invalid(format!("written with {header:?}, expected {expected:?}")));
        }
        Ok(SigFileReader {
            input,
            header,
            hash,
            records: 0,
            done: false,
        })
    }

    fn read_record(&mut self) -> io::Result<Option<Option<Signature>>> {
        let mut tag = [0u8; 1];
        self.input.read_exact(&mut tag)?;
        match tag {
            [0] => {
                self.hash.update(&tag);
                self.records += 1;
                Ok(Some(None))
            }
            [1] => {
                self.hash.update(&tag);
                let bands = self.header.bands as usize;
                let perms = bands * self.header.rows as usize;
                let band_keys = self.take(bands * 8)?.chunks_exact(8).map(le_u64).collect();
                let sketch = self.take(perms * 2)?.chunks_exact(2).map(le_u16).collect();
                let units = le_u32(&self.take(4)?);
                if units > MAX_LINE_UNITS {
                    return Err(invalid("too many line units"));
                }
                let lines = self
                    .take(units as usize * LINE_PERMS * 2)?
                    .chunks_exact(LINE_PERMS * 2)
                    .map(|unit| {
                        std::array::from_fn(|p| le_u16(unit.get(p * 2..p * 2 + 2).unwrap_or_default()))
                    })
                    .collect();
                self.records += 1;
                Ok(Some(Some(Signature {
                    band_keys,
                    sketch,
                    lines,
                })))
            }
            [FOOTER] => {
                let footer = self.take_unhashed(16)?;
                let (count, digest) = (
                    le_u64(footer.get(..8).unwrap_or_default()),
                    le_u64(footer.get(8..).unwrap_or_default()),
                );
                if count != self.records || digest != self.hash.digest() {
                    return Err(invalid("checksum or record count mismatch: the file is corrupt"));
                }
                Ok(None)
            }
            _ => Err(invalid("bad record tag")),
        }
    }

    fn take(&mut self, n: usize) -> io::Result<Vec<u8>> {
        let bytes = self.take_unhashed(n)?;
        self.hash.update(&bytes);
        Ok(bytes)
    }

    fn take_unhashed(&mut self, n: usize) -> io::Result<Vec<u8>> {
        let mut bytes = vec![0u8; n];
        self.input.read_exact(&mut bytes)?;
        Ok(bytes)
    }
}

impl<R: Read> Iterator for SigFileReader<R> {
    type Item = io::Result<Option<Signature>>;

    /// The next document's signature; after an error (a truncated or corrupt file) the reader ends.
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.read_record() {
            Ok(Some(sig)) => Some(Ok(sig)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

fn invalid(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.into())
}

fn le_u64(b: &[u8]) -> u64 {
    b.try_into().map(u64::from_le_bytes).unwrap_or(0)
}

fn le_u32(b: &[u8]) -> u32 {
    b.try_into().map(u32::from_le_bytes).unwrap_or(0)
}

fn le_u16(b: &[u8]) -> u16 {
    b.try_into().map(u16::from_le_bytes).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Tokenizer;

    fn sigs() -> (MinHasher, Vec<Option<Signature>>) {
        let hasher = MinHasher::new(5, 14, 8, 1);
        let mut out = Vec::new();
        for text in [
            "one two three four five six",
            "",
            "a b c d e f g h i j k l m n o p",
        ] {
            let mut tokens = Vec::new();
            Tokenizer::default().hash_tokens(text, &mut tokens);
            out.push(hasher.signature(&tokens, &mut Vec::new()));
        }
        (hasher, out)
    }

    fn write(hasher: &MinHasher, sigs: &[Option<Signature>]) -> Vec<u8> {
        let mut w = SigFileWriter::new(Vec::new(), SigFileHeader::new(hasher, 1)).unwrap();
        for s in sigs {
            w.write(s.as_ref()).unwrap();
        }
        w.finish().unwrap()
    }

    #[test]
    fn round_trip() {
        let (hasher, sigs) = sigs();
        let bytes = write(&hasher, &sigs);
        let back: Vec<_> = SigFileReader::new(&bytes[..], SigFileHeader::new(&hasher, 1))
            .unwrap()
            .collect::<io::Result<_>>()
            .unwrap();
        assert_eq!(back, sigs);
    }

    #[test]
    fn corrupt_truncated_or_foreign_files_are_errors() {
        let (hasher, sigs) = sigs();
        let bytes = write(&hasher, &sigs);
        let header = SigFileHeader::new(&hasher, 1);
        let read_all =
            |b: &[u8]| -> io::Result<Vec<Option<Signature>>> { SigFileReader::new(b, header)?.collect() };
        for cut in [0, 10, 40, bytes.len() / 2, bytes.len() - 1] {
            assert!(read_all(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut flipped = bytes.clone();
        flipped[60] ^= 1;
        assert!(read_all(&flipped).is_err());
        let other = SigFileHeader { seed: 2, ..header };
        assert!(SigFileReader::new(&bytes[..], other).is_err());
        let mut w = SigFileWriter::new(Vec::new(), header).unwrap();
        let bad = Signature {
            band_keys: vec![1],
            sketch: vec![],
            lines: vec![],
        };
        assert!(w.write(Some(&bad)).is_err());
    }
}
