//! gzip files of many small members (Common Crawl's one member per record), decoded member by member with
//! libdeflate, which needs about a quarter less CPU than flate2's streaming zlib-rs inflate on such files
//! (0.99 against 1.35 CPU-s for the 1.34 GB of `bench/data/big.warc.gz`).
//!
//! libdeflate only decodes whole members held in memory. So [`GzipMembers`] reads the compressed file in
//! large blocks, decodes the member at the front of its block into an output buffer (libdeflate reports how
//! many input bytes the member took, so the next member starts right after it), and serves that buffer as
//! a [`BufRead`]. A member whose compressed or decompressed size is over a cap, and a first member that does
//! not fit the first block (1 MiB in and out: a whole-file gzip, detected without retries), is handed,
//! with everything after it, to a streaming decoder (flate2's zlib-rs; ISA-L's igzip, about a quarter
//! less CPU, when built with the `isal` feature), so memory stays bounded whatever the file holds. A
//! member that is truncated or corrupt is an `InvalidData` error naming its offset in the compressed file.

use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::ptr::NonNull;

/// Compressed bytes read from the file at a time.
const READ_BYTES: usize = 4 << 20;
/// Compressed bytes kept buffered ahead of a member before decoding it: most members fit, so most are
/// decoded on the first try.
const READ_AHEAD_BYTES: usize = 1 << 20;
/// First size of the output buffer; it grows (and stays grown) for larger members.
const FIRST_OUTPUT_BYTES: usize = 1 << 20;
/// Buffer size of the streaming fallback.
const STREAM_BUFFER_BYTES: usize = 256 * 1024;

/// Caps on what one member may take in memory before it is streamed instead.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MemberLimits {
    /// Largest compressed member decoded in one piece.
    pub(crate) max_input: usize,
    /// Largest decompressed member decoded in one piece.
    pub(crate) max_output: usize,
}

impl Default for MemberLimits {
    fn default() -> MemberLimits {
        MemberLimits {
            max_input: 16 << 20,
            max_output: 64 << 20,
        }
    }
}

/// Grows `buf` to `size` zeroed bytes. An empty buffer is allocated zeroed (the allocator hands out fresh
/// zero pages, touched only when written) instead of filled with zeros byte by byte: a small file then
/// costs a few pages, not the 4 MiB of the read block.
fn grow_zeroed(buf: &mut Vec<u8>, size: usize) {
    if buf.is_empty() {
        *buf = vec![0; size];
    } else {
        buf.resize(size, 0);
    }
}

/// An owned libdeflate decompressor.
struct Decompressor(NonNull<libdeflate_sys::libdeflate_decompressor>);

// SAFETY: a libdeflate decompressor is plain heap state with no thread affinity; `&mut self` on every use
// keeps it to one thread at a time.
unsafe impl Send for Decompressor {}

/// Why libdeflate could not decode a member.
enum Failure {
    /// The output buffer is too small for the member.
    OutputFull,
    /// The member is corrupt, or runs past the end of the input given.
    BadData,
}

impl Decompressor {
    fn new() -> io::Result<Decompressor> {
        // SAFETY: takes no arguments; returns null when it cannot allocate.
        let ptr = unsafe { libdeflate_sys::libdeflate_alloc_decompressor() };
        NonNull::new(ptr)
            .map(Decompressor)
            .ok_or_else(|| io::Error::new(io::ErrorKind::OutOfMemory, "cannot allocate a gzip decompressor"))
    }

    /// Decodes the gzip member at the start of `input` into `output`; returns the input bytes the member
    /// took and the bytes written.
    fn member(&mut self, input: &[u8], output: &mut [u8]) -> Result<(usize, usize), Failure> {
        let (mut used, mut written) = (0usize, 0usize);
        // SAFETY: both pointers and lengths come from live slices that nothing else touches during the
        // call; libdeflate reads at most `input.len()` bytes, writes at most `output.len()` bytes, and
        // writes the two counts through valid pointers.
        let result = unsafe {
            libdeflate_sys::libdeflate_gzip_decompress_ex(
                self.0.as_ptr(),
                input.as_ptr().cast(),
                input.len(),
                output.as_mut_ptr().cast(),
                output.len(),
                &mut used,
                &mut written,
            )
        };
        match result {
            libdeflate_sys::libdeflate_result_LIBDEFLATE_SUCCESS => Ok((used, written)),
            libdeflate_sys::libdeflate_result_LIBDEFLATE_INSUFFICIENT_SPACE => Err(Failure::OutputFull),
            _ => Err(Failure::BadData),
        }
    }
}

impl Drop for Decompressor {
    fn drop(&mut self) {
        // SAFETY: the pointer came from libdeflate_alloc_decompressor and is freed only here, once.
        unsafe { libdeflate_sys::libdeflate_free_decompressor(self.0.as_ptr()) }
    }
}

/// The decompressed bytes of a gzip stream of any number of members, as a [`BufRead`].
pub(crate) struct GzipMembers<R> {
    /// The compressed file; `None` once handed to the streaming fallback.
    inner: Option<R>,
    limits: MemberLimits,
    decompressor: Decompressor,
    /// Compressed bytes; `input[start..end]` are read and not yet decoded.
    input: Vec<u8>,
    start: usize,
    end: usize,
    input_ended: bool,
    /// Offset in the compressed file of `input[start]`.
    compressed_offset: u64,
    /// Members decoded so far.
    members: u64,
    /// The last member decoded; `output[pos..len]` is not yet consumed.
    output: Vec<u8>,
    pos: usize,
    len: usize,
    /// The streaming decoder that takes over after a member over the caps.
    stream: Option<Box<dyn BufRead + Send>>,
    /// The error that ended the stream, returned again on every later read.
    failed: Option<(io::ErrorKind, String)>,
}

impl<R: Read + Send + 'static> GzipMembers<R> {
    /// A decoder over the compressed stream `inner`, which starts with a gzip member.
    pub(crate) fn new(inner: R, limits: MemberLimits) -> io::Result<GzipMembers<R>> {
        Ok(GzipMembers {
            inner: Some(inner),
            limits,
            decompressor: Decompressor::new()?,
            input: Vec::new(),
            start: 0,
            end: 0,
            input_ended: false,
            compressed_offset: 0,
            members: 0,
            output: Vec::new(),
            pos: 0,
            len: 0,
            stream: None,
            failed: None,
        })
    }

    /// Makes sure at least `want` undecoded bytes are buffered, unless the input ends first.
    fn fill_input(&mut self, want: usize) -> io::Result<()> {
        if self.end - self.start >= want || self.input_ended {
            return Ok(());
        }
        self.input.copy_within(self.start..self.end, 0);
        self.end -= self.start;
        self.start = 0;
        let size = want.max(READ_BYTES);
        if self.input.len() < size {
            grow_zeroed(&mut self.input, size);
        }
        let Some(inner) = self.inner.as_mut() else {
            self.input_ended = true;
            return Ok(());
        };
        while let Some(free) = self.input.get_mut(self.end..).filter(|free| !free.is_empty()) {
            match inner.read(free) {
                Ok(0) => {
                    self.input_ended = true;
                    break;
                }
                Ok(n) => self.end += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Decodes the next member into `output`, or hands the rest to the streaming decoder; `Ok(false)` at
    /// the end of the input.
    fn next_member(&mut self) -> io::Result<bool> {
        self.fill_input(READ_AHEAD_BYTES)?;
        if self.start == self.end {
            return Ok(false);
        }
        if self.output.is_empty() {
            grow_zeroed(
                &mut self.output,
                FIRST_OUTPUT_BYTES.min(self.limits.max_output.max(1)),
            );
        }
        loop {
            let input = self.input.get(self.start..self.end).unwrap_or_default();
            let unread = input.len();
            match self.decompressor.member(input, &mut self.output) {
                Ok((used, written)) => {
                    self.start += used;
                    self.compressed_offset += used as u64;
                    self.members += 1;
                    (self.pos, self.len) = (0, written);
                    return Ok(true);
                }
                // A first member larger than the first block is almost surely a whole-file gzip (one
                // member, `gzip file`): retrying with ever larger buffers would decode its start up to
                // five times before giving up, so it is streamed at once.
                Err(Failure::OutputFull) if self.members == 0 => return self.stream_rest(),
                Err(Failure::BadData) if self.members == 0 && !self.input_ended => return self.stream_rest(),
                Err(Failure::OutputFull) if self.output.len() < self.limits.max_output => {
                    let size = self.output.len().saturating_mul(4).min(self.limits.max_output);
                    // What the failed attempt wrote is not kept, so a fresh zeroed buffer will do.
                    self.output = vec![0; size];
                }
                Err(Failure::BadData) if !self.input_ended && unread < self.limits.max_input => {
                    self.fill_input(unread.saturating_mul(2).min(self.limits.max_input))?;
                }
                Err(Failure::OutputFull) => return self.stream_rest(),
                Err(Failure::BadData) if !self.input_ended => return self.stream_rest(),
                Err(Failure::BadData) => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!(
                            "truncated or corrupt gzip member at byte {} of the compressed file",
                            self.compressed_offset
                        ),
                    ));
                }
            }
        }
    }

    /// Hands the undecoded input, from the current member on, to the streaming decoder.
    fn stream_rest(&mut self) -> io::Result<bool> {
        let Some(inner) = self.inner.take() else {
            return Ok(false);
        };
        let mut input = std::mem::take(&mut self.input);
        input.truncate(self.end);
        let mut buffered = Cursor::new(input);
        buffered.set_position(self.start as u64);
        let compressed = BufReader::with_capacity(STREAM_BUFFER_BYTES, buffered.chain(inner));
        #[cfg(feature = "isal")]
        let stream = crate::igzip::IgzipMembers::new(compressed, self.compressed_offset);
        #[cfg(not(feature = "isal"))]
        let stream = BufReader::with_capacity(
            STREAM_BUFFER_BYTES,
            flate2::bufread::MultiGzDecoder::new(compressed),
        );
        self.stream = Some(Box::new(stream));
        self.output = Vec::new();
        (self.start, self.end, self.pos, self.len) = (0, 0, 0, 0);
        Ok(true)
    }
}

impl<R: Read + Send + 'static> BufRead for GzipMembers<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        // A decoding error is returned again on every later call: a decoder that failed must not be read
        // on (flate2's streaming decoder, for one, reports a bad trailer once and then a clean end).
        if let Some((kind, message)) = &self.failed {
            return Err(io::Error::new(*kind, message.clone()));
        }
        if self.pos >= self.len && self.stream.is_none() {
            // Empty members decode to nothing: go on to the next one.
            loop {
                match self.next_member() {
                    Ok(true) if self.len == 0 && self.stream.is_none() => {}
                    Ok(_) => break,
                    Err(e) => {
                        self.failed = Some((e.kind(), e.to_string()));
                        return Err(e);
                    }
                }
            }
        }
        if let Some(stream) = self.stream.as_mut()
            && let Some(e) = stream.fill_buf().err()
        {
            self.failed = Some((e.kind(), e.to_string()));
            return Err(e);
        }
        match self.stream {
            // Buffered by the call above: this one only hands the buffer out.
            Some(ref mut stream) => stream.fill_buf(),
            None => Ok(self.output.get(self.pos..self.len).unwrap_or_default()),
        }
    }

    fn consume(&mut self, amt: usize) {
        match self.stream {
            Some(ref mut stream) => stream.consume(amt),
            None => self.pos = self.pos.saturating_add(amt).min(self.len),
        }
    }
}

impl<R: Read + Send + 'static> Read for GzipMembers<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        read_through_buffer(self, buf)
    }
}

/// `Read::read` of a decoder that serves its output as a [`BufRead`]: copies from its buffer.
pub(crate) fn read_through_buffer(reader: &mut impl BufRead, buf: &mut [u8]) -> io::Result<usize> {
    let available = reader.fill_buf()?;
    let n = available.len().min(buf.len());
    if let (Some(to), Some(from)) = (buf.get_mut(..n), available.get(..n)) {
        to.copy_from_slice(from);
    }
    reader.consume(n);
    Ok(n)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use proptest::prelude::*;

    use super::*;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(data).unwrap();
        gz.finish().unwrap()
    }

    fn members(sizes: &[usize]) -> (Vec<u8>, Vec<u8>) {
        let (mut plain, mut packed) = (Vec::new(), Vec::new());
        for (i, &size) in sizes.iter().enumerate() {
            let data: Vec<u8> = (0..size).map(|j| (j * 31 / (i + 1) % 251) as u8).collect();
            plain.extend_from_slice(&data);
            packed.extend(gzip(&data));
        }
        (plain, packed)
    }

    fn decode(packed: Vec<u8>, limits: MemberLimits) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        GzipMembers::new(Cursor::new(packed), limits)?.read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn decodes_every_member_including_empty_ones() {
        let (plain, packed) = members(&[10, 0, 5000, 1, 300_000, 0]);
        assert_eq!(decode(packed, MemberLimits::default()).unwrap(), plain);
    }

    #[test]
    fn members_over_the_caps_are_streamed() {
        let (plain, packed) = members(&[100, 50_000, 10, 200_000, 7]);
        let small_output = MemberLimits {
            max_input: 1 << 20,
            max_output: 1000,
        };
        assert_eq!(decode(packed.clone(), small_output).unwrap(), plain);
        let small_input = MemberLimits {
            max_input: 64,
            max_output: 1 << 20,
        };
        assert_eq!(decode(packed, small_input).unwrap(), plain);
    }

    #[test]
    fn a_streamed_member_with_a_bad_trailer_fails_on_every_later_read() {
        let (_, mut packed) = members(&[50_000]);
        let crc = packed.len() - 8;
        packed[crc] ^= 0xff;
        let small_output = MemberLimits {
            max_input: 1 << 20,
            max_output: 1000,
        };
        let mut reader = GzipMembers::new(Cursor::new(packed), small_output).unwrap();
        let mut out = Vec::new();
        let first = reader.read_to_end(&mut out).unwrap_err();
        let again = reader.fill_buf().unwrap_err();
        assert_eq!(
            (again.kind(), again.to_string()),
            (first.kind(), first.to_string())
        );
    }

    #[test]
    fn large_members_span_many_reads() {
        // Incompressible-ish data makes members larger than one read of the compressed file.
        let mut state = 1u64;
        let data: Vec<u8> = (0..(READ_BYTES + READ_BYTES / 2))
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (state >> 56) as u8
            })
            .collect();
        let mut packed = gzip(b"first");
        packed.extend(gzip(&data));
        packed.extend(gzip(b"last"));
        let out = decode(packed.clone(), MemberLimits::default()).unwrap();
        assert_eq!(out.len(), 5 + data.len() + 4);
        assert!(out.get(5..5 + data.len()) == Some(&data[..]));
        assert!(out.ends_with(b"last"));
        // The same member over the input cap goes to the streaming decoder.
        let capped = MemberLimits {
            max_input: 1 << 20,
            max_output: 64 << 20,
        };
        assert_eq!(decode(packed, capped).unwrap(), out);
    }

    #[test]
    fn a_large_first_member_is_streamed_without_retries() {
        // One member of 3 MiB that compresses to over 1 MiB: the first try fails, and the reader goes
        // streaming at once instead of growing its buffers.
        let mut state = 7u64;
        let data: Vec<u8> = (0..3 << 20)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                b'a' + (state >> 60) as u8
            })
            .collect();
        let mut reader = GzipMembers::new(Cursor::new(gzip(&data)), MemberLimits::default()).unwrap();
        assert!(!reader.fill_buf().unwrap().is_empty());
        assert!(reader.stream.is_some());
        assert!(reader.input.is_empty() && reader.output.is_empty());
        let mut out = Vec::new();
        reader.read_to_end(&mut out).unwrap();
        assert!(out == data);
        // A later member as large is still decoded whole by libdeflate, after the buffers grow.
        let mut packed = gzip(b"first");
        packed.extend(gzip(&data));
        let mut reader = GzipMembers::new(Cursor::new(packed), MemberLimits::default()).unwrap();
        let mut out = Vec::new();
        reader.read_to_end(&mut out).unwrap();
        assert!(reader.stream.is_none());
        assert_eq!(out.len(), 5 + data.len());
    }

    #[test]
    fn truncated_and_corrupt_members_are_invalid_data() {
        let (_, packed) = members(&[1000, 4000]);
        let first = gzip(&members(&[1000]).0).len();
        let mut cut = packed.clone();
        cut.truncate(packed.len() - 10);
        let mut reader = GzipMembers::new(Cursor::new(cut), MemberLimits::default()).unwrap();
        let mut out = Vec::new();
        let err = reader.read_to_end(&mut out).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(err.to_string().contains(&format!("at byte {first} ")), "{err}");
        assert_eq!(out.len(), 1000);
        // The error stays.
        assert!(reader.fill_buf().is_err());

        let mut corrupt = packed;
        corrupt[first + 20] ^= 0xff;
        let err = decode(corrupt, MemberLimits::default()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);

        let mut trailing = gzip(b"x");
        trailing.extend_from_slice(b"not gzip");
        assert!(decode(trailing, MemberLimits::default()).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Cut or damaged input never panics; whatever is handed out before an error is exactly the start
        /// of the real data (members are checked whole before any of their bytes are served), and a read
        /// that succeeds gave all of it.
        #[test]
        fn damage_gives_an_error_or_the_true_bytes(
            sizes in proptest::collection::vec(0usize..3000, 1..6),
            cut in any::<prop::sample::Index>(),
            flip in any::<prop::sample::Index>(),
            mask in 1u8..=255,
            mode in 0u8..3,
        ) {
            let (plain, mut packed) = members(&sizes);
            match mode {
                0 => packed.truncate(cut.index(packed.len())),
                1 => {
                    let at = flip.index(packed.len());
                    packed[at] ^= mask;
                }
                _ => {}
            }
            if packed.is_empty() {
                return Ok(());
            }
            let mut reader = GzipMembers::new(Cursor::new(packed), MemberLimits::default()).unwrap();
            let mut out = Vec::new();
            let result = reader.read_to_end(&mut out);
            prop_assert!(plain.starts_with(&out));
            if mode == 2 {
                prop_assert!(result.is_ok());
                prop_assert_eq!(out.len(), plain.len());
            }
        }
    }
}
