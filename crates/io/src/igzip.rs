//! Streaming gzip decoding (every member of a file) with ISA-L's igzip inflate, for gzip files too large to
//! decode a member at a time in memory (a whole-file `gzip`, one member). On the dedup benchmark's 100k
//! corpus (90 MB, one member) `read_throughput --decompress-only` took 0.33 CPU-s with it, 0.45 with
//! flate2's zlib-rs inflate (medians of 3, 2026-11-27).
//!
//! igzip checks each member's CRC-32 and length. Memory stays bounded: one decoder state (about 85 KiB),
//! the compressed reader's buffer and an output buffer of [`OUTPUT_BYTES`].

use std::io::{self, BufRead, Read};

use isal_sys::igzip_lib as isal;

/// Bytes of decoded output handed out per decoder call.
const OUTPUT_BYTES: usize = 256 * 1024;

/// A decoder of all the gzip members of `input`, read as a stream.
pub(crate) struct IgzipMembers<R> {
    input: R,
    state: Box<isal::inflate_state>,
    output: Vec<u8>,
    /// The decoded bytes not yet consumed are `output[pos..len]`.
    pos: usize,
    len: usize,
    /// A member has started and not yet ended (with its trailer checked).
    in_member: bool,
    /// The input ended after a whole member.
    done: bool,
    /// Compressed bytes consumed so far, for error messages.
    compressed_offset: u64,
    /// Where the current member starts in the compressed input.
    member_start: u64,
}

// SAFETY: the decoder state is plain heap memory with no thread affinity; the pointers in it point into
// `input`'s and `output`'s buffers only during a call to `isal_inflate`, which takes `&mut self`.
unsafe impl<R: Send> Send for IgzipMembers<R> {}

impl<R: BufRead> IgzipMembers<R> {
    /// A decoder over the compressed stream `input`, which starts with a gzip member at byte `at` of the
    /// compressed file (for error messages).
    pub(crate) fn new(input: R, at: u64) -> IgzipMembers<R> {
        let layout = std::alloc::Layout::new::<isal::inflate_state>();
        // SAFETY: the layout is the struct's, which is not zero-sized; a null pointer is handled.
        let zeroed = unsafe { std::alloc::alloc_zeroed(layout) }.cast::<isal::inflate_state>();
        if zeroed.is_null() {
            std::alloc::handle_alloc_error(layout);
        }
        // SAFETY: `zeroed` was allocated with the global allocator and the layout of `inflate_state`, as
        // `Box` requires, and is owned by nothing else; `inflate_state` is a C struct of integers, arrays
        // and raw pointers, for which all zero bytes are a valid value. `isal_inflate_init` then sets it
        // up as the library wants.
        let mut state = unsafe { Box::from_raw(zeroed) };
        // SAFETY: `state` is a valid, exclusively borrowed `inflate_state`.
        unsafe { isal::isal_inflate_init(&mut *state) };
        state.crc_flag = isal::ISAL_GZIP;
        IgzipMembers {
            input,
            state,
            output: vec![0; OUTPUT_BYTES],
            pos: 0,
            len: 0,
            in_member: false,
            done: false,
            compressed_offset: at,
            member_start: at,
        }
    }

    fn invalid(&self, what: &str) -> io::Error {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "{what} in the gzip member at byte {} of the compressed file (near byte {})",
                self.member_start, self.compressed_offset
            ),
        )
    }

    /// One decoder call: fills `output` with what the next input decodes to (possibly nothing, at the end
    /// of an empty member); sets `done` at the end of the input. An error is final: the decoder must not
    /// be read on ([`GzipMembers`](crate::gzip::GzipMembers) returns it again on every later read).
    fn decode(&mut self) -> io::Result<()> {
        let input = self.input.fill_buf()?;
        if input.is_empty() && !self.in_member {
            self.done = true;
            return Ok(());
        }
        if !self.in_member {
            self.member_start = self.compressed_offset;
            self.in_member = true;
        }
        let available = input.len().min(u32::MAX as usize);
        self.state.next_in = input.as_ptr().cast_mut();
        self.state.avail_in = available as u32;
        self.state.next_out = self.output.as_mut_ptr();
        self.state.avail_out = self.output.len() as u32;
        // SAFETY: `next_in` points at `avail_in` readable bytes of `input`'s buffer and `next_out` at
        // `avail_out` writable bytes of `output`, both alive and unaliased for the call; igzip reads and
        // writes only within them (it never writes through `next_in`).
        let ret = unsafe { isal::isal_inflate(&mut *self.state) };
        (self.state.next_in, self.state.next_out) = (std::ptr::null_mut(), std::ptr::null_mut());
        // On some corrupt input igzip hands back bytes it buffered from an earlier call's input, which
        // this reader has already consumed: that is an error, never a negative count.
        let (Some(used), Some(written)) = (
            available.checked_sub(self.state.avail_in as usize),
            self.output.len().checked_sub(self.state.avail_out as usize),
        ) else {
            return Err(self.invalid("corrupt deflate data"));
        };
        self.input.consume(used);
        self.compressed_offset += used as u64;
        if ret < 0 {
            let what = match ret {
                isal::ISAL_INCORRECT_CHECKSUM => "wrong CRC-32 or length",
                isal::ISAL_INVALID_WRAPPER | isal::ISAL_UNSUPPORTED_METHOD => "not a gzip header",
                _ => "corrupt deflate data",
            };
            return Err(self.invalid(what));
        }
        // Output of a failed call is not handed out.
        (self.pos, self.len) = (0, written);
        if self.state.block_state == isal::isal_block_state_ISAL_BLOCK_FINISH {
            // SAFETY: as for `isal_inflate_init`.
            unsafe { isal::isal_inflate_reset(&mut *self.state) };
            self.state.crc_flag = isal::ISAL_GZIP;
            self.in_member = false;
        } else if used == 0 && written == 0 {
            // With input left the decoder always takes some; without, the member is cut short.
            return Err(self.invalid("truncated data"));
        }
        Ok(())
    }
}

impl<R: BufRead> BufRead for IgzipMembers<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.pos >= self.len && !self.done {
            self.decode()?;
        }
        Ok(self.output.get(self.pos..self.len).unwrap_or_default())
    }

    fn consume(&mut self, amt: usize) {
        self.pos = self.pos.saturating_add(amt).min(self.len);
    }
}

impl<R: BufRead> Read for IgzipMembers<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        crate::gzip::read_through_buffer(self, buf)
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufReader, Cursor, Write};

    use super::*;

    fn gzip(data: &[u8], level: u32) -> Vec<u8> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(level));
        gz.write_all(data).unwrap();
        gz.finish().unwrap()
    }

    /// Text-like bytes that compress well but not to nothing.
    fn data(size: usize, seed: u64) -> Vec<u8> {
        let mut state = seed;
        (0..size)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                b'a' + (state >> 61) as u8
            })
            .collect()
    }

    fn decode(packed: Vec<u8>, buffer: usize) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        IgzipMembers::new(BufReader::with_capacity(buffer, Cursor::new(packed)), 0).read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn decodes_every_member_through_any_input_buffer() {
        let parts = [data(10, 1), Vec::new(), data(700_000, 2), data(1, 3), Vec::new()];
        let mut packed = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            packed.extend(gzip(part, [1, 6, 9][i % 3]));
        }
        let plain = parts.concat();
        // One byte at a time splits headers, symbols and trailers across calls.
        for buffer in [1, 7, 4096, 1 << 20] {
            assert!(
                decode(packed.clone(), buffer).unwrap() == plain,
                "buffer {buffer}"
            );
        }
        // A file of one empty member is empty.
        assert!(decode(gzip(b"", 6), 64).unwrap().is_empty());
    }

    #[test]
    fn truncated_corrupt_and_trailing_input_is_invalid_data() {
        let first = gzip(&data(1000, 4), 6);
        let mut packed = first.clone();
        packed.extend(gzip(&data(4000, 5), 6));

        let mut cut = packed.clone();
        cut.truncate(packed.len() - 10);
        let err = decode(cut, 4096).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(
            err.to_string().contains(&format!("at byte {} ", first.len())),
            "{err}"
        );

        // A damaged CRC-32 is caught by igzip's check of the trailer.
        let mut crc = packed.clone();
        let at = first.len() - 6;
        crc[at] ^= 0x55;
        let err = decode(crc, 4096).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(err.to_string().contains("CRC-32"), "{err}");

        let mut trailing = packed;
        trailing.extend_from_slice(b"not gzip");
        let err = decode(trailing, 4096).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Cut or damaged input never panics, and a read that succeeds gave exactly the true bytes (the
        /// CRC-32 and length of every member are checked).
        #[test]
        fn damage_gives_an_error_or_the_true_bytes(
            sizes in proptest::collection::vec(0usize..20_000, 1..4),
            at in proptest::prelude::any::<proptest::sample::Index>(),
            mask in 1u8..=255,
            cut in proptest::prelude::any::<bool>(),
            buffer in 1usize..5000,
        ) {
            let parts: Vec<Vec<u8>> = sizes.iter().map(|&size| data(size, size as u64)).collect();
            let members: Vec<Vec<u8>> = parts.iter().map(|part| gzip(part, 6)).collect();
            let mut packed = members.concat();
            let at = at.index(packed.len());
            if cut {
                packed.truncate(at);
            } else {
                packed[at] ^= mask;
            }
            // A cut between two members leaves a shorter file of whole members.
            let whole = if cut {
                (0..=members.len()).find(|&n| members[..n].iter().map(Vec::len).sum::<usize>() == at)
            } else {
                Some(parts.len())
            };
            if let Ok(out) = decode(packed, buffer) {
                proptest::prop_assert!(whole.is_some_and(|n| out == parts[..n].concat()));
            }
        }
    }
}
