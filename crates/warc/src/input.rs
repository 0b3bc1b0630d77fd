//! A byte-counting wrapper over the caller's `BufRead`, with the bounded line reads both readers share.

use std::io::{self, BufRead, Read};

/// Counts every byte consumed from the inner reader, so that records and errors know their offsets.
pub(crate) struct Tracked<R> {
    inner: R,
    pos: u64,
}

/// How a bounded line read ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Line {
    /// A whole line, ending in `\n`, was read.
    Complete,
    /// The limit was reached before a `\n`; the rest of the line is still unread.
    TooLong,
    /// The input ended before a `\n` (the bytes read so far, possibly none, are in the buffer).
    Eof,
}

impl<R: BufRead> Tracked<R> {
    pub(crate) fn new(inner: R) -> Tracked<R> {
        Tracked { inner, pos: 0 }
    }

    /// Bytes consumed so far.
    pub(crate) fn pos(&self) -> u64 {
        self.pos
    }

    /// Reads one line (with its `\n`) into `buf`, which is cleared first, reading at most `limit` bytes.
    pub(crate) fn read_line(&mut self, buf: &mut Vec<u8>, limit: u64) -> io::Result<Line> {
        buf.clear();
        let n = self.by_ref().take(limit).read_until(b'\n', buf)?;
        Ok(if buf.last() == Some(&b'\n') {
            Line::Complete
        } else if n as u64 >= limit {
            Line::TooLong
        } else {
            Line::Eof
        })
    }

    /// Consumes any run of CR, LF, space and tab bytes; returns whether any input remains.
    pub(crate) fn skip_blank(&mut self) -> io::Result<bool> {
        loop {
            let buf = self.inner.fill_buf()?;
            if buf.is_empty() {
                return Ok(false);
            }
            let n = buf
                .iter()
                .position(|b| !matches!(b, b'\r' | b'\n' | b' ' | b'\t'))
                .unwrap_or(buf.len());
            let more = n < buf.len();
            self.consume(n);
            if more {
                return Ok(true);
            }
        }
    }

    /// Discards bytes up to and including the next `\n` (or to the end of input), without buffering them.
    pub(crate) fn skip_line(&mut self) -> io::Result<()> {
        loop {
            let buf = self.inner.fill_buf()?;
            if buf.is_empty() {
                return Ok(());
            }
            match buf.iter().position(|&b| b == b'\n') {
                Some(at) => {
                    self.consume(at + 1);
                    return Ok(());
                }
                None => {
                    let n = buf.len();
                    self.consume(n);
                }
            }
        }
    }

    /// Reads exactly `len` bytes (or fewer at the end of input) into a new vector. The first allocation is
    /// capped so that a lying length cannot reserve memory the data never fills: at 1 MiB, or at what the
    /// input already holds buffered (a whole decoded gzip member), so a large body is not grown by copies.
    pub(crate) fn read_body(&mut self, len: u64) -> io::Result<Vec<u8>> {
        const FIRST_ALLOCATION_BYTES: u64 = 1 << 20;
        let buffered = self.inner.fill_buf().map_or(0, <[u8]>::len) as u64;
        let cap = usize::try_from(len.min(FIRST_ALLOCATION_BYTES.max(buffered))).unwrap_or(0);
        let mut body = Vec::with_capacity(cap);
        // Copies straight from the inner buffer: `read_to_end` would zero the spare capacity first.
        let mut left = len;
        while left > 0 {
            let buf = match self.inner.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                break;
            }
            let n = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            body.extend_from_slice(buf.get(..n).unwrap_or_default());
            self.consume(n);
            left -= n as u64;
        }
        Ok(body)
    }

    /// Discards `len` bytes (or to the end of input); returns how many were discarded.
    pub(crate) fn skip_bytes(&mut self, len: u64) -> io::Result<u64> {
        io::copy(&mut self.by_ref().take(len), &mut io::sink())
    }
}

impl<R: BufRead> Read for Tracked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Tracked<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        self.inner.consume(amt);
        self.pos += amt as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_body_allocates_a_buffered_body_once_and_caps_a_lying_length() {
        let data = vec![7u8; 3 << 20];
        let body = Tracked::new(&data[..]).read_body(data.len() as u64).unwrap();
        assert_eq!((body.len(), body.capacity()), (data.len(), data.len()));
        // The length claims more than the input holds: the allocation is capped at 1 MiB, not the claim.
        let small = [1u8; 10];
        let body = Tracked::new(&small[..]).read_body(1 << 40).unwrap();
        assert_eq!(body, small);
        assert!(body.capacity() <= 1 << 20);
        // Read through a small buffer, a large body is still read whole.
        let mut input = Tracked::new(io::BufReader::with_capacity(4096, &data[..]));
        assert_eq!(input.read_body(data.len() as u64).unwrap(), data);
        assert_eq!(input.pos(), data.len() as u64);
    }
}
