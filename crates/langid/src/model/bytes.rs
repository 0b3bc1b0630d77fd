//! A bounds-checked little-endian reader over a model file held in memory.

use crate::ModelError;

/// Reads fastText's binary fields in order; every read checks that the bytes exist.
pub(crate) struct Bytes<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Bytes<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Bytes<'a> {
        Bytes { data, pos: 0 }
    }

    /// How many bytes are left to read.
    pub(crate) fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.pos)
    }

    /// An error at the current offset.
    pub(crate) fn invalid(&self, message: String) -> ModelError {
        ModelError::Invalid {
            offset: self.pos,
            message,
        }
    }

    /// The next `len` bytes.
    pub(crate) fn take(&mut self, len: usize, what: &'static str) -> Result<&'a [u8], ModelError> {
        let truncated = ModelError::Truncated {
            offset: self.pos,
            what,
        };
        let end = self.pos.checked_add(len).ok_or(truncated)?;
        let Some(bytes) = self.data.get(self.pos..end) else {
            return Err(ModelError::Truncated {
                offset: self.pos,
                what,
            });
        };
        self.pos = end;
        Ok(bytes)
    }

    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], ModelError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N, what)?);
        Ok(out)
    }

    pub(crate) fn u8(&mut self, what: &'static str) -> Result<u8, ModelError> {
        let [byte] = self.array::<1>(what)?;
        Ok(byte)
    }

    pub(crate) fn bool(&mut self, what: &'static str) -> Result<bool, ModelError> {
        Ok(self.u8(what)? != 0)
    }

    pub(crate) fn i32(&mut self, what: &'static str) -> Result<i32, ModelError> {
        Ok(i32::from_le_bytes(self.array(what)?))
    }

    pub(crate) fn i64(&mut self, what: &'static str) -> Result<i64, ModelError> {
        Ok(i64::from_le_bytes(self.array(what)?))
    }

    pub(crate) fn f64(&mut self, what: &'static str) -> Result<f64, ModelError> {
        Ok(f64::from_le_bytes(self.array(what)?))
    }

    /// A count or size that must not be negative.
    pub(crate) fn size_i32(&mut self, what: &'static str) -> Result<usize, ModelError> {
        let value = self.i32(what)?;
        usize::try_from(value).map_err(|_| self.invalid(format!("{what} = {value} is negative")))
    }

    /// A count or size that must not be negative.
    pub(crate) fn size_i64(&mut self, what: &'static str) -> Result<usize, ModelError> {
        let value = self.i64(what)?;
        usize::try_from(value).map_err(|_| self.invalid(format!("{what} = {value} is negative")))
    }

    /// A NUL-terminated byte string (a dictionary entry), without its NUL.
    pub(crate) fn cstr(&mut self, what: &'static str) -> Result<&'a [u8], ModelError> {
        let rest = self.data.get(self.pos..).unwrap_or_default();
        let Some(len) = rest.iter().position(|&b| b == 0) else {
            return Err(ModelError::Truncated {
                offset: self.pos,
                what,
            });
        };
        let bytes = self.take(len, what)?;
        self.pos += 1; // the NUL, which `position` found
        Ok(bytes)
    }

    /// `len` little-endian `f32`s. The length is checked against the bytes left before allocating.
    pub(crate) fn f32s(&mut self, len: usize, what: &'static str) -> Result<Vec<f32>, ModelError> {
        let byte_len = len
            .checked_mul(4)
            .ok_or_else(|| self.invalid(format!("{what}: size overflows")))?;
        let bytes = self.take(byte_len, what)?;
        Ok(bytes
            .chunks_exact(4)
            .map(|c| {
                let mut le = [0u8; 4];
                le.copy_from_slice(c);
                f32::from_le_bytes(le)
            })
            .collect())
    }
}
