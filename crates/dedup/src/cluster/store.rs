//! `SignatureStore`: the signatures of all documents, stored flat for clustering.

use crate::minhash::{LINE_PERMS, Signature};

/// Signatures of documents `0..len`, stored flat: `bands` keys and `num_perm` sketch values per
/// document, and whether the document has a signature at all.
#[derive(Debug, Clone)]
pub struct SignatureStore {
    bands: usize,
    num_perm: usize,
    band_keys: Vec<u64>,
    sketches: Vec<u16>,
    /// Line units of all documents, and where each document's begin (`len + 1` entries).
    lines: Vec<[u16; LINE_PERMS]>,
    line_offsets: Vec<u64>,
    present: Vec<bool>,
}

impl SignatureStore {
    /// An empty store for signatures of `bands` bands and `num_perm` permutations.
    pub fn new(bands: usize, num_perm: usize) -> SignatureStore {
        SignatureStore {
            bands,
            num_perm,
            band_keys: Vec::new(),
            sketches: Vec::new(),
            lines: Vec::new(),
            line_offsets: vec![0],
            present: Vec::new(),
        }
    }

    /// Appends the next document's signature (`None`: the document takes part in exact matching only).
    /// A signature of the wrong shape is stored as `None`.
    pub fn push(&mut self, sig: Option<&Signature>) {
        match sig {
            Some(sig) if sig.band_keys.len() == self.bands && sig.sketch.len() == self.num_perm => {
                self.band_keys.extend_from_slice(&sig.band_keys);
                self.sketches.extend_from_slice(&sig.sketch);
                self.lines.extend_from_slice(&sig.lines);
                self.present.push(true);
            }
            _ => {
                self.band_keys.extend(std::iter::repeat_n(0, self.bands));
                self.sketches.extend(std::iter::repeat_n(0, self.num_perm));
                self.present.push(false);
            }
        }
        self.line_offsets.push(self.lines.len() as u64);
    }

    /// Number of documents stored.
    pub fn len(&self) -> usize {
        self.present.len()
    }

    /// Whether no document is stored.
    pub fn is_empty(&self) -> bool {
        self.present.is_empty()
    }

    /// Number of documents with a signature.
    pub fn signed(&self) -> usize {
        self.present.iter().filter(|&&p| p).count()
    }

    pub(super) fn band_key(&self, doc: usize, band: usize) -> Option<u64> {
        if !*self.present.get(doc)? {
            return None;
        }
        self.band_keys.get(doc * self.bands + band).copied()
    }

    pub(super) fn lines(&self, doc: usize) -> &[[u16; LINE_PERMS]] {
        let start = self.line_offsets.get(doc).copied().unwrap_or(0) as usize;
        let end = self.line_offsets.get(doc + 1).copied().unwrap_or(0) as usize;
        self.lines.get(start..end).unwrap_or_default()
    }

    pub(super) fn sketch(&self, doc: usize) -> &[u16] {
        self.sketches
            .get(doc * self.num_perm..(doc + 1) * self.num_perm)
            .unwrap_or_default()
    }

    /// Number of bands per signature.
    pub fn bands(&self) -> usize {
        self.bands
    }

    /// Whether document `doc` has a signature.
    pub(super) fn is_signed(&self, doc: usize) -> bool {
        self.present.get(doc).copied().unwrap_or(false)
    }
}
