//! The training arguments stored at the head of a model file: they decide how text becomes features
//! and which loss turns the hidden vector into label scores.

use super::bytes::Bytes;
use crate::ModelError;

/// How the output layer scores labels (fastText's `loss_name`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LossKind {
    /// Hierarchical softmax over a Huffman tree of the labels (`-loss hs`; lid.176).
    HierarchicalSoftmax,
    /// Negative sampling: one sigmoid per label (`-loss ns`).
    NegativeSampling,
    /// Softmax over all labels (`-loss softmax`, the default for supervised models).
    Softmax,
    /// One-vs-all: one sigmoid per label (`-loss ova`).
    OneVsAll,
}

/// The fields of fastText's `Args` that inference needs.
#[derive(Debug, Clone)]
pub(crate) struct Args {
    pub(crate) dim: usize,
    pub(crate) word_ngrams: i32,
    pub(crate) loss: LossKind,
    pub(crate) bucket: i32,
    pub(crate) minn: i32,
    pub(crate) maxn: i32,
}

const MAGIC: u32 = 0x2f4f_16ba;
const SUPERVISED: i32 = 3;

impl Args {
    /// Checks the magic number and version, then reads the arguments (fastText's `Args::load`).
    pub(crate) fn load(bytes: &mut Bytes<'_>) -> Result<Args, ModelError> {
        let magic = bytes.i32("magic number")? as u32;
        if magic != MAGIC {
            return Err(ModelError::BadMagic(magic));
        }
        let version = bytes.i32("format version")?;
        if !(11..=12).contains(&version) {
            return Err(ModelError::Version(version));
        }
        let dim = bytes.size_i32("dim")?;
        let _ws = bytes.i32("ws")?;
        let _epoch = bytes.i32("epoch")?;
        let _min_count = bytes.i32("minCount")?;
        let _neg = bytes.i32("neg")?;
        let word_ngrams = bytes.i32("wordNgrams")?;
        let loss = match bytes.i32("loss")? {
            1 => LossKind::HierarchicalSoftmax,
            2 => LossKind::NegativeSampling,
            3 => LossKind::Softmax,
            4 => LossKind::OneVsAll,
            other => return Err(bytes.invalid(format!("unknown loss {other}"))),
        };
        let model = bytes.i32("model")?;
        if model != SUPERVISED {
            return Err(bytes.invalid(format!(
                "model type {model} is not a supervised classifier (cbow = 1, skipgram = 2)"
            )));
        }
        let bucket = bytes.i32("bucket")?;
        let minn = bytes.i32("minn")?;
        let mut maxn = bytes.i32("maxn")?;
        let _lr_update_rate = bytes.i32("lrUpdateRate")?;
        let _t = bytes.f64("t")?;
        if version == 11 {
            // As fastText does: supervised models of format 11 were trained without character n-grams.
            maxn = 0;
        }
        if dim == 0 || dim > 1 << 16 {
            return Err(bytes.invalid(format!("dim = {dim} is out of range")));
        }
        Ok(Args {
            dim,
            word_ngrams,
            loss,
            bucket,
            minn,
            maxn,
        })
    }
}
