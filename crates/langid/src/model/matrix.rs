//! The input and output matrices of a model, dense (`.bin`) or product-quantized (`.ftz`).
//!
//! Row `t` of fastText's `QuantMatrix` adds `alpha * centroid[n]` to each element
//! (`ProductQuantizer::addcode`) and takes dot products as `(Σ x[n] * centroid[n]) * alpha` (`mulcode`).
//! A quantized input matrix is kept as its codes and each row is decoded when it is added, with exactly
//! `addcode`'s products: loading it costs no expansion into a dense matrix (3.2 MB of fresh memory
//! written for lid.176, 16 times its codes), a decoded row reads 9 bytes where a dense one reads 64, and
//! callers cache what they add often (the per-thread token vectors of the model). A quantized output matrix, small and read by every dot
//! product, is expanded to dense rows when loaded, keeping `mulcode`'s products and order of summation.
//! Either way the values are bit-for-bit fastText's.

use super::bytes::Bytes;
use crate::ModelError;

/// The largest matrix (in bytes of `f32`) a quantized model may expand to.
const MAX_EXPANDED_BYTES: usize = 4 << 30;
/// Centroids per sub-quantizer: codes are one byte.
const KSUB: usize = 256;

/// A matrix held as dense rows (with an optional per-row factor applied after dot products), or as the
/// codes of a quantized input matrix.
#[derive(Debug)]
pub(crate) struct Matrix {
    rows: usize,
    dim: usize,
    /// Dense rows, one after another (empty for a quantized input matrix).
    data: Vec<f32>,
    /// For a quantized output matrix: each row's norm, which fastText multiplies a dot product by.
    dot_scale: Option<Vec<f32>>,
    /// For a quantized input matrix: its codes, decoded row by row in [`Matrix::add_row_to`].
    codes: Option<QuantRows>,
}

/// The rows of a quantized input matrix: each row's `nsubq` codes followed by its norm code (when the
/// matrix has norms), side by side so that decoding a row reads one place of memory.
#[derive(Debug)]
struct QuantRows {
    /// Row `i` spans `i * stride..(i + 1) * stride`.
    codes: Vec<u8>,
    stride: usize,
    pq: Quantizer,
    /// The quantizer of norms, when the matrix has norms (`qnorm`).
    npq: Option<Quantizer>,
}

/// A product quantizer as stored (fastText's `ProductQuantizer`).
#[derive(Debug)]
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

    /// The norm a norm quantizer (dimension 1) gives `code`.
    #[inline]
    fn norm(&self, code: u8) -> f32 {
        self.centroid(0, code).1.first().copied().unwrap_or(0.0)
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
            codes: None,
        })
    }

    /// A quantized matrix (fastText's `QuantMatrix::load`). The input matrix (`input`) keeps its codes,
    /// each row decoded when added, multiplied by its norm as `addcode` does; the output matrix is
    /// expanded to dense rows, its norms kept apart and applied after the dot product as `mulcode` does.
    fn load_quantized(bytes: &mut Bytes<'_>, dim: usize, input: bool) -> Result<Matrix, ModelError> {
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
            Some((norm_codes.to_vec(), Quantizer::load(bytes, 1)?))
        } else {
            None
        };
        if input {
            let stride = pq.nsubq + usize::from(norms.is_some());
            let mut packed = Vec::with_capacity(rows * stride);
            for (i, row_codes) in codes.chunks(pq.nsubq).take(rows).enumerate() {
                packed.extend_from_slice(row_codes);
                if let Some((norm_codes, _)) = &norms {
                    packed.push(norm_codes.get(i).copied().unwrap_or(0));
                }
            }
            return Ok(Matrix {
                rows,
                dim,
                data: Vec::new(),
                dot_scale: None,
                codes: Some(QuantRows {
                    codes: packed,
                    stride,
                    pq,
                    npq: norms.map(|(_, npq)| npq),
                }),
            });
        }
        let len = rows
            .checked_mul(dim)
            .filter(|len| len.saturating_mul(4) <= MAX_EXPANDED_BYTES)
            .ok_or_else(|| {
                bytes.invalid(format!(
                    "a {rows} x {dim} quantized matrix is too large to expand"
                ))
            })?;
        let mut data = vec![0.0f32; len];
        for (row, row_codes) in data.chunks_exact_mut(dim).zip(codes.chunks(pq.nsubq)) {
            for (m, &code) in row_codes.iter().enumerate() {
                let (offset, centroid) = pq.centroid(m, code);
                for (x, &c) in row.iter_mut().skip(offset).zip(centroid) {
                    *x = c;
                }
            }
        }
        let dot_scale =
            norms.map(|(norm_codes, npq)| norm_codes.iter().map(|&code| npq.norm(code)).collect());
        Ok(Matrix {
            rows,
            dim,
            data,
            dot_scale,
            codes: None,
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

    /// Dense row `i`, or an empty slice past the end (and for a quantized input matrix).
    #[inline]
    fn row(&self, i: usize) -> &[f32] {
        let start = i.saturating_mul(self.dim);
        self.data
            .get(start..start.saturating_add(self.dim))
            .unwrap_or_default()
    }

    /// Adds row `i` to `x` (fastText's `addRowToVector`, or `addcode` for a quantized input matrix: each
    /// element gets `alpha * centroid[n]`); a row past the end adds nothing.
    #[inline]
    pub(crate) fn add_row_to(&self, x: &mut [f32], i: usize) {
        let Some(quant) = &self.codes else {
            for (x, &w) in x.iter_mut().zip(self.row(i)) {
                *x += w;
            }
            return;
        };
        if i >= self.rows {
            return;
        }
        let nsubq = quant.pq.nsubq;
        let row = quant
            .codes
            .get(i * quant.stride..(i + 1) * quant.stride)
            .unwrap_or_default();
        let (row_codes, norm_code) = row.split_at(nsubq.min(row.len()));
        let alpha = match (&quant.npq, norm_code.first()) {
            (Some(npq), Some(&code)) => npq.norm(code),
            _ => 1.0,
        };
        let (dsub, centroids) = (quant.pq.dsub, quant.pq.centroids.as_slice());
        if quant.pq.lastdsub == dsub && dsub == 2 {
            // lid.176's shape (two columns a sub-quantizer), with the pair as fixed-size patterns: the same
            // additions in the same order as below, without a loop per pair
            for ((m, &code), x) in row_codes.iter().enumerate().zip(x.chunks_exact_mut(2)) {
                let start = (m * KSUB + code as usize) * 2;
                if let ([x0, x1], Some(&[c0, c1])) = (x, centroids.get(start..start + 2)) {
                    *x0 += alpha * c0;
                    *x1 += alpha * c1;
                }
            }
            return;
        }
        if quant.pq.lastdsub == dsub && dsub > 0 {
            // Every sub-quantizer has `dsub` columns: centroid `(m, code)` starts at `(m * KSUB + code) * dsub`.
            for ((m, &code), x) in row_codes.iter().enumerate().zip(x.chunks_exact_mut(dsub)) {
                let start = (m * KSUB + code as usize) * dsub;
                for (x, &c) in x
                    .iter_mut()
                    .zip(centroids.get(start..start + dsub).unwrap_or_default())
                {
                    *x += alpha * c;
                }
            }
            return;
        }
        for (m, &code) in row_codes.iter().enumerate() {
            let (offset, centroid) = quant.pq.centroid(m, code);
            for (x, &c) in x.get_mut(offset..).unwrap_or_default().iter_mut().zip(centroid) {
                *x += alpha * c;
            }
        }
    }

    /// Starts loading the codes of row `i` of a quantized matrix (a row may straddle two cache lines:
    /// its first and last bytes are asked for); does nothing for a dense one, or past the end.
    #[inline]
    pub(crate) fn prefetch_row(&self, i: usize) {
        if let Some(quant) = &self.codes {
            let start = i.saturating_mul(quant.stride);
            let last = start.saturating_add(quant.stride.saturating_sub(1));
            if let (Some(first), Some(last)) = (quant.codes.get(start), quant.codes.get(last)) {
                super::prefetch(first);
                super::prefetch(last);
            }
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
