//! The input and output matrices of a model, dense (`.bin`) or product-quantized (`.ftz`).
//!
//! Quantized matrices are expanded to dense rows when the model is loaded. Row `t` of fastText's
//! `QuantMatrix` adds `alpha * centroid[n]` to each element (`ProductQuantizer::addcode`) and takes dot
//! products as `(Σ x[n] * centroid[n]) * alpha` (`mulcode`); the expansion keeps exactly those products and
//! that order of summation, so the results are bit-for-bit the same as fastText's and the hot path is one
//! contiguous row per feature.

use super::bytes::Bytes;
use crate::ModelError;

/// The largest matrix (in bytes of `f32`) a quantized model may expand to.
const MAX_EXPANDED_BYTES: usize = 4 << 30;
/// Centroids per sub-quantizer: codes are one byte.
const KSUB: usize = 256;

/// A matrix held as dense rows, with an optional per-row factor applied after dot products.
#[derive(Debug)]
pub(crate) struct Matrix {
    rows: usize,
    dim: usize,
    data: Vec<f32>,
    /// For a quantized output matrix: each row's norm, which fastText multiplies a dot product by.
    dot_scale: Option<Vec<f32>>,
}

/// A product quantizer as stored (fastText's `ProductQuantizer`).
struct Quantizer {
    nsubq: usize,
    dsub: usize,
    lastdsub: usize,
    centroids: Vec<f32>,
}

impl Quantizer {
    fn load(bytes: &mut Bytes<'_>, dim: usize) -> Result<Quantizer, ModelError> {
        let pq_dim = bytes.size_i32("quantizer dim")?;
        let nsubq = bytes.size_i32("quantizer nsubq")?;
        let dsub = bytes.size_i32("quantizer dsub")?;
        let lastdsub = bytes.size_i32("quantizer lastdsub")?;
        let consistent = nsubq > 0
            && pq_dim == dim
            && (nsubq - 1)
                .checked_mul(dsub)
                .and_then(|d| d.checked_add(lastdsub))
                == Some(dim);
        if !consistent {
            return Err(bytes.invalid(format!(
                "quantizer dim {pq_dim}, nsubq {nsubq}, dsub {dsub}, lastdsub {lastdsub} do not fit dim {dim}"
            )));
        }
        let len = pq_dim
            .checked_mul(KSUB)
            .filter(|len| len.saturating_mul(4) <= bytes.remaining())
            .ok_or_else(|| bytes.invalid(format!("quantizer dim {pq_dim} exceeds the file")))?;
        let centroids = bytes.f32s(len, "quantizer centroids")?;
        Ok(Quantizer {
            nsubq,
            dsub,
            lastdsub,
            centroids,
        })
    }

    /// Sub-quantizer `m`'s centroid for `code` (fastText's `get_centroids`), and the output offset.
    fn centroid(&self, m: usize, code: u8) -> (usize, &[f32]) {
        let code = code as usize;
        let (start, len) = if m + 1 == self.nsubq {
            (m * KSUB * self.dsub + code * self.lastdsub, self.lastdsub)
        } else {
            ((m * KSUB + code) * self.dsub, self.dsub)
        };
        let centroid = self.centroids.get(start..start + len).unwrap_or_default();
        (m * self.dsub, centroid)
    }
}

impl Matrix {
    /// A dense matrix as stored: rows, columns, then the values row by row.
    fn load_dense(bytes: &mut Bytes<'_>, dim: usize) -> Result<Matrix, ModelError> {
        let rows = bytes.size_i64("matrix rows")?;
        let cols = bytes.size_i64("matrix columns")?;
        if cols != dim {
            return Err(bytes.invalid(format!("matrix has {cols} columns, the model's dim is {dim}")));
        }
        let len = rows
            .checked_mul(cols)
            .filter(|len| len.saturating_mul(4) <= bytes.remaining())
            .ok_or_else(|| bytes.invalid(format!("a {rows} x {cols} matrix exceeds the file")))?;
        let data = bytes.f32s(len, "matrix values")?;
        Ok(Matrix {
            rows,
            dim,
            data,
            dot_scale: None,
        })
    }

    /// A quantized matrix (fastText's `QuantMatrix::load`), expanded to dense rows. For the input matrix
    /// (`scale_rows`) each row is multiplied by its norm as `addcode` does; for the output matrix the norm is
    /// kept apart and applied after the dot product, as `mulcode` does.
    fn load_quantized(bytes: &mut Bytes<'_>, dim: usize, scale_rows: bool) -> Result<Matrix, ModelError> {
        let qnorm = bytes.bool("qnorm")?;
        let rows = bytes.size_i64("matrix rows")?;
        let cols = bytes.size_i64("matrix columns")?;
        let codesize = bytes.size_i32("codesize")?;
        if cols != dim {
            return Err(bytes.invalid(format!("matrix has {cols} columns, the model's dim is {dim}")));
        }
        let codes = bytes.take(codesize, "codes")?;
        let pq = Quantizer::load(bytes, dim)?;
        if rows.checked_mul(pq.nsubq).is_none_or(|need| need > codes.len()) {
            return Err(bytes.invalid(format!("{codesize} codes cannot describe {rows} rows")));
        }
        let norms = if qnorm {
            let norm_codes = bytes.take(rows, "norm codes")?;
            let npq = Quantizer::load(bytes, 1)?;
            norm_codes
                .iter()
                .map(|&code| npq.centroid(0, code).1.first().copied().unwrap_or(0.0))
                .collect()
        } else {
            vec![1.0; rows]
        };
        let len = rows
            .checked_mul(dim)
            .filter(|len| len.saturating_mul(4) <= MAX_EXPANDED_BYTES)
            .ok_or_else(|| {
                bytes.invalid(format!(
                    "a {rows} x {dim} quantized matrix is too large to expand"
                ))
            })?;
        let mut data = vec![0.0f32; len];
        for ((row, row_codes), &norm) in data.chunks_exact_mut(dim).zip(codes.chunks(pq.nsubq)).zip(&norms) {
            let alpha = if scale_rows { norm } else { 1.0 };
            for (m, &code) in row_codes.iter().enumerate() {
                let (offset, centroid) = pq.centroid(m, code);
                for (x, &c) in row.iter_mut().skip(offset).zip(centroid) {
                    *x = alpha * c;
                }
            }
        }
        Ok(Matrix {
            rows,
            dim,
            data,
            dot_scale: (!scale_rows && qnorm).then_some(norms),
        })
    }

    /// The input matrix: quantized if the flag before it says so.
    pub(crate) fn load_input(bytes: &mut Bytes<'_>, dim: usize) -> Result<(Matrix, bool), ModelError> {
        let quantized = bytes.bool("quant_input")?;
        let matrix = if quantized {
            Matrix::load_quantized(bytes, dim, true)?
        } else {
            Matrix::load_dense(bytes, dim)?
        };
        Ok((matrix, quantized))
    }

    /// The output matrix: quantized only if the input is and the `qout` flag says so (as fastText reads it).
    pub(crate) fn load_output(
        bytes: &mut Bytes<'_>,
        dim: usize,
        quant_input: bool,
    ) -> Result<Matrix, ModelError> {
        let qout = bytes.bool("qout")?;
        if quant_input && qout {
            Matrix::load_quantized(bytes, dim, false)
        } else {
            Matrix::load_dense(bytes, dim)
        }
    }

    /// How many rows the matrix has.
    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    /// Row `i`, or an empty slice past the end.
    #[inline]
    pub(crate) fn row(&self, i: usize) -> &[f32] {
        let start = i.saturating_mul(self.dim);
        self.data
            .get(start..start.saturating_add(self.dim))
            .unwrap_or_default()
    }

    /// Adds row `i` to `x` (fastText's `addRowToVector`); a row past the end adds nothing.
    #[inline]
    pub(crate) fn add_row_to(&self, x: &mut [f32], i: usize) {
        for (x, &w) in x.iter_mut().zip(self.row(i)) {
            *x += w;
        }
    }

    /// The dot product of row `i` with `x`, summed in order as fastText's `dotRow` does.
    #[inline]
    pub(crate) fn dot_row(&self, x: &[f32], i: usize) -> f32 {
        let dot = self
            .row(i)
            .iter()
            .zip(x)
            .fold(0.0f32, |acc, (&w, &x)| acc + x * w);
        match &self.dot_scale {
            Some(scale) => dot * scale.get(i).copied().unwrap_or(1.0),
            None => dot,
        }
    }
}
