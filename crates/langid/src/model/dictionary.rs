//! The dictionary of a fastText model and the features fastText computes for a line of text.
//!
//! Everything here follows fastText's `dictionary.cc` to the bit: words split on ASCII whitespace and NUL,
//! the end-of-sentence token `</s>`, character n-grams of `<word>` hashed with FNV-1a over *signed* bytes
//! (the C++ casts each byte to `int8_t`, which matters for every non-ASCII character), word n-grams hashed
//! from the words' hashes sign-extended to 64 bits, and the pruned-bucket remapping of quantized models.

use std::sync::atomic::{AtomicU64, Ordering};

use super::args::Args;
use super::bytes::Bytes;
use crate::ModelError;

/// fastText's end-of-sentence token, which ends every line.
const EOS: &[u8] = b"</s>";
/// The prefix that makes a token a label rather than a word.
const LABEL_PREFIX: &[u8] = b"__label__";
const FNV_OFFSET: u32 = 2_166_136_261;
const FNV_PRIME: u32 = 16_777_619;
const NO_ENTRY: u32 = u32::MAX;

/// fastText's separators: the bytes `readWord` splits on.
pub(crate) const fn is_separator(byte: u8) -> bool {
    matches!(byte, b' ' | b'\n' | b'\r' | b'\t' | 0x0b | 0x0c | 0)
}

/// One step of fastText's FNV-1a: the byte is sign-extended, as the C++ `uint32_t(int8_t(c))` does.
#[inline]
fn fnv_step(hash: u32, byte: u8) -> u32 {
    (hash ^ (byte as i8 as u32)).wrapping_mul(FNV_PRIME)
}

/// Whether `text` holds the bytes `</s>` (checked at each `<` only: a slice comparison per byte would
/// cost more than the whole prediction).
fn has_eos(text: &[u8]) -> bool {
    text.iter()
        .enumerate()
        .any(|(i, &b)| b == b'<' && text.get(i..i + EOS.len()).is_some_and(|w| same_bytes(w, EOS)))
}

/// Whether two short byte strings are equal: a byte loop, cheaper than a `memcmp` call on words.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// fastText's `Dictionary::hash`.
pub(crate) fn fnv(bytes: &[u8]) -> u32 {
    bytes.iter().fold(FNV_OFFSET, |h, &b| fnv_step(h, b))
}

/// Buffers reused from line to line so that feature extraction does not allocate per token.
#[derive(Debug, Default)]
pub(crate) struct FeatureScratch {
    /// The current out-of-vocabulary token between `<` and `>`.
    bracketed: Vec<u8>,
    /// The hashes of the line's words, for word n-grams (only filled when `wordNgrams > 1`).
    word_hashes: Vec<i32>,
    /// The rows of tokens seen before on this thread.
    tokens: TokenCache,
}

impl FeatureScratch {
    /// Lets go of buffers a huge token grew, so a thread does not keep them for good.
    pub(crate) fn trim(&mut self) {
        const KEEP_BYTES: usize = 1 << 16;
        if self.bracketed.capacity() > KEEP_BYTES {
            self.bracketed = Vec::new();
        }
        if self.word_hashes.capacity() > KEEP_BYTES {
            self.word_hashes = Vec::new();
        }
        self.tokens.trim();
    }
}

/// Identifies a loaded dictionary, so that a thread's [`TokenCache`] never serves one model's rows to another.
static NEXT_DICTIONARY_ID: AtomicU64 = AtomicU64::new(1);

/// The input rows of tokens, remembered per thread: most words of a web page come back many times,
/// and looking a word up in the dictionary (a large table: a cache miss or three) or, for a word it lacks
/// (names, inflected forms, capitalised words), hashing its character n-grams and looking each up in the
/// pruned-bucket map, is most of the inference. A small table of the words seen lately stays in cache.
///
/// It holds the row lists, not their sums, so the hidden vector is added up in exactly fastText's order
/// and predictions stay bit-identical. Bounded: past [`TokenCache::MAX_BYTES`] it starts again empty.
#[derive(Debug, Default)]
struct TokenCache {
    /// The [`Dictionary::id`] the rows belong to (0: none yet).
    dictionary: u64,
    /// Open-addressing table from FNV hash to entry index (`NO_ENTRY` when empty); a power of two long.
    table: Vec<u32>,
    /// Every entry's token bytes, one after another; entry `i` spans `starts[i]..starts[i + 1]`.
    text: Vec<u8>,
    starts: Vec<u32>,
    /// Entry `i`'s FNV hash, checked before its bytes.
    hashes: Vec<u32>,
    /// Entry `i`'s rows span `row_starts[i]..row_starts[i + 1]`.
    rows: Vec<u32>,
    row_starts: Vec<u32>,
}

impl TokenCache {
    /// Token bytes plus four bytes per row, past which the cache is emptied (about 4 MB a thread).
    const MAX_BYTES: usize = 4 << 20;
    /// Longer tokens (a URL, a run of symbols) are hashed every time rather than remembered.
    const MAX_TOKEN_BYTES: usize = 64;

    /// Empties the cache when it has grown past its bound or belongs to another dictionary.
    fn reset_unless(&mut self, dictionary: u64) {
        let bytes = self.text.len() + 4 * self.rows.len() + 4 * self.table.len();
        if self.dictionary != dictionary || bytes > Self::MAX_BYTES {
            *self = TokenCache {
                dictionary,
                table: vec![NO_ENTRY; 1 << 12],
                text: Vec::new(),
                starts: vec![0],
                hashes: Vec::new(),
                rows: Vec::new(),
                row_starts: vec![0],
            };
        }
    }

    /// Lets go of a cache that has grown past its bound.
    fn trim(&mut self) {
        if self.dictionary != 0 {
            self.reset_unless(self.dictionary);
        }
    }

    /// Item range `i` of `items`, by the offsets in `starts`.
    fn span<'a, T>(items: &'a [T], starts: &[u32], i: usize) -> &'a [T] {
        match (starts.get(i), starts.get(i + 1)) {
            (Some(&a), Some(&b)) => items.get(a as usize..b as usize).unwrap_or_default(),
            _ => &[],
        }
    }

    /// The slot of `token` (whose FNV hash is `hash`): where it is, or the empty slot where it goes.
    fn slot(&self, token: &[u8], hash: u32) -> (usize, Option<usize>) {
        let mask = self.table.len().wrapping_sub(1);
        let mut slot = hash as usize & mask;
        loop {
            match self.table.get(slot).copied() {
                None | Some(NO_ENTRY) => return (slot, None),
                Some(i)
                    if self.hashes.get(i as usize) == Some(&hash)
                        && same_bytes(Self::span(&self.text, &self.starts, i as usize), token) =>
                {
                    return (slot, Some(i as usize));
                }
                Some(_) => slot = (slot + 1) & mask,
            }
        }
    }

    /// The rows of `token`, computed by `compute` (which appends them to the vector it is given) the
    /// first time this cache sees the token; `None`, and nothing remembered, when `compute` returns false.
    fn rows(
        &mut self,
        token: &[u8],
        hash: u32,
        compute: impl FnOnce(&mut Vec<u32>) -> bool,
    ) -> Option<&[u32]> {
        let entry = match self.slot(token, hash) {
            (_, Some(entry)) => entry,
            (slot, None) => {
                let before = self.rows.len();
                if !compute(&mut self.rows) {
                    self.rows.truncate(before);
                    return None;
                }
                let entry = self.starts.len() - 1;
                self.text.extend_from_slice(token);
                self.hashes.push(hash);
                // Both fit: the cache is emptied long before either reaches 4 GB.
                self.starts
                    .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
                self.row_starts
                    .push(u32::try_from(self.rows.len()).unwrap_or(u32::MAX));
                if let Some(cell) = self.table.get_mut(slot) {
                    *cell = entry as u32;
                }
                if 2 * (entry + 1) > self.table.len() {
                    self.grow();
                }
                entry
            }
        };
        Some(Self::span(&self.rows, &self.row_starts, entry))
    }

    /// Doubles the table and places every entry again.
    fn grow(&mut self) {
        let slots = self.table.len() * 2;
        let mask = slots - 1;
        let mut table = vec![NO_ENTRY; slots];
        for (i, &hash) in self.hashes.iter().enumerate() {
            let mut slot = hash as usize & mask;
            while table.get(slot).is_some_and(|&cell| cell != NO_ENTRY) {
                slot = (slot + 1) & mask;
            }
            if let Some(cell) = table.get_mut(slot) {
                *cell = i as u32;
            }
        }
        self.table = table;
    }
}

/// How bucket ids of character and word n-grams map to rows of the input matrix.
#[derive(Debug)]
enum Prune {
    /// Not pruned (`pruneidx_size < 0`): bucket id `b` is row `nwords + b`.
    Keep,
    /// Every n-gram was pruned (`pruneidx_size == 0`).
    All,
    /// Quantized with a cutoff: only the buckets in the map survive, renumbered.
    Map(IntMap),
}

/// An open-addressing map from `i32` to `i32`, for the pruned-bucket index (the hot lookup).
#[derive(Debug)]
struct IntMap {
    keys: Vec<i32>,
    values: Vec<i32>,
    shift: u32,
}

impl IntMap {
    const EMPTY: i32 = -1;

    fn with_capacity(len: usize) -> IntMap {
        let slots = (len.max(1) * 2).next_power_of_two().max(8);
        IntMap {
            keys: vec![Self::EMPTY; slots],
            values: vec![0; slots],
            shift: 64 - slots.trailing_zeros(),
        }
    }

    #[inline]
    fn slot(&self, key: i32) -> usize {
        ((key as u32 as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    /// Inserts or replaces (the last pair for a key wins, as in fastText's `pruneidx_[first] = second`).
    fn insert(&mut self, key: i32, value: i32) {
        let mask = self.keys.len() - 1;
        let mut slot = self.slot(key);
        loop {
            match self.keys.get(slot).copied() {
                Some(Self::EMPTY) => {
                    if let (Some(k), Some(v)) = (self.keys.get_mut(slot), self.values.get_mut(slot)) {
                        *k = key;
                        *v = value;
                    }
                    return;
                }
                Some(k) if k == key => {
                    if let Some(v) = self.values.get_mut(slot) {
                        *v = value;
                    }
                    return;
                }
                Some(_) => slot = (slot + 1) & mask,
                None => return, // cannot happen: slot is always masked into range
            }
        }
    }

    #[inline]
    fn get(&self, key: i32) -> Option<i32> {
        let mask = self.keys.len() - 1;
        let mut slot = self.slot(key);
        loop {
            match self.keys.get(slot).copied() {
                Some(k) if k == key => return self.values.get(slot).copied(),
                Some(Self::EMPTY) | None => return None,
                Some(_) => slot = (slot + 1) & mask,
            }
        }
    }
}

/// A loaded fastText dictionary: words, labels, their precomputed subword rows and the hashing settings.
#[derive(Debug)]
pub(crate) struct Dictionary {
    /// Unique per loaded dictionary in this process: the key of the per-thread [`TokenCache`].
    id: u64,
    /// Every entry's bytes, one after another; entry `i` spans `starts[i]..starts[i + 1]`.
    text: Vec<u8>,
    starts: Vec<usize>,
    is_label: Vec<bool>,
    /// Open-addressing table from FNV hash to entry index (`NO_ENTRY` when empty).
    table: Vec<u32>,
    /// Entry `i`'s input rows (itself, then its character n-grams) span `sub_starts[i]..sub_starts[i + 1]`.
    sub_starts: Vec<usize>,
    sub_rows: Vec<u32>,
    nwords: u32,
    label_names: Vec<String>,
    label_counts: Vec<i64>,
    prune: Prune,
    bucket: u32,
    minn: usize,
    maxn: usize,
    /// `maxn <= 0` in the args: in-vocabulary words contribute only their own row.
    no_subwords: bool,
    word_ngrams: usize,
}

impl Dictionary {
    /// Reads the dictionary section (fastText's `Dictionary::load`) and precomputes subwords (`initNgrams`).
    pub(crate) fn load(bytes: &mut Bytes<'_>, args: &Args) -> Result<Dictionary, ModelError> {
        let size = bytes.size_i32("dictionary size")?;
        let nwords = bytes.size_i32("nwords")?;
        let nlabels = bytes.size_i32("nlabels")?;
        let _ntokens = bytes.i64("ntokens")?;
        let pruneidx_size = bytes.i64("pruneidx_size")?;
        if nwords.checked_add(nlabels) != Some(size) {
            return Err(bytes.invalid(format!("nwords {nwords} + nlabels {nlabels} != size {size}")));
        }
        if nlabels == 0 {
            return Err(bytes.invalid("the model has no labels".to_owned()));
        }
        // An entry takes at least 10 bytes (NUL, count, type), so `size` is bounded by the file.
        let mut text = Vec::new();
        let mut starts = Vec::with_capacity(size.min(1 << 24) + 1);
        let mut is_label = Vec::with_capacity(size.min(1 << 24));
        let mut label_names = Vec::with_capacity(nlabels.min(1 << 20));
        let mut label_counts = Vec::with_capacity(nlabels.min(1 << 20));
        starts.push(0);
        for i in 0..size {
            let word = bytes.cstr("dictionary entry")?;
            let count = bytes.i64("entry count")?;
            let label = match bytes.u8("entry type")? {
                0 => false,
                1 => true,
                other => return Err(bytes.invalid(format!("entry {i}: unknown entry type {other}"))),
            };
            if label != (i >= nwords) {
                return Err(bytes.invalid(format!(
                    "entry {i}: {} where the dictionary expects {}",
                    if label { "a label" } else { "a word" },
                    if i >= nwords { "labels" } else { "words" }
                )));
            }
            if label {
                let name = String::from_utf8_lossy(word);
                label_names.push(name.strip_prefix("__label__").unwrap_or(&name).to_owned());
                label_counts.push(count);
            }
            text.extend_from_slice(word);
            starts.push(text.len());
            is_label.push(label);
        }
        let prune = match pruneidx_size {
            ..0 => Prune::Keep,
            0 => Prune::All,
            len => {
                let len = usize::try_from(len).unwrap_or(usize::MAX);
                if len > (usize::MAX / 8) || len.saturating_mul(8) > bytes.remaining() {
                    return Err(bytes.invalid(format!("pruneidx_size = {pruneidx_size} exceeds the file")));
                }
                let mut map = IntMap::with_capacity(len);
                for _ in 0..len {
                    let first = bytes.i32("pruneidx key")?;
                    let second = bytes.i32("pruneidx value")?;
                    map.insert(first, second);
                }
                Prune::Map(map)
            }
        };
        let mut dict = Dictionary {
            id: NEXT_DICTIONARY_ID.fetch_add(1, Ordering::Relaxed),
            text,
            starts,
            is_label,
            table: Vec::new(),
            sub_starts: Vec::new(),
            sub_rows: Vec::new(),
            nwords: u32::try_from(nwords).map_err(|_| bytes.invalid("too many words".to_owned()))?,
            label_names,
            label_counts,
            prune,
            bucket: u32::try_from(args.bucket).unwrap_or(0),
            // fastText compares these `int`s with `size_t`, so a negative value never matches.
            minn: usize::try_from(args.minn).unwrap_or(usize::MAX),
            maxn: usize::try_from(args.maxn).unwrap_or(usize::MAX),
            no_subwords: args.maxn <= 0,
            word_ngrams: usize::try_from(args.word_ngrams).unwrap_or(0),
        };
        dict.build_table();
        dict.init_ngrams();
        Ok(dict)
    }

    fn entry(&self, i: usize) -> &[u8] {
        match (self.starts.get(i), self.starts.get(i + 1)) {
            (Some(&a), Some(&b)) => self.text.get(a..b).unwrap_or_default(),
            _ => &[],
        }
    }

    fn len(&self) -> usize {
        self.is_label.len()
    }

    fn build_table(&mut self) {
        let slots = (self.len().max(1) * 2).next_power_of_two();
        let mask = slots - 1;
        let mut table = vec![NO_ENTRY; slots];
        for i in 0..self.len() {
            let word = self.entry(i);
            let mut slot = fnv(word) as usize & mask;
            // As fastText's `find`: probe until an empty slot or the same word; a repeated word keeps the
            // last index.
            while let Some(&found) = table.get(slot) {
                if found == NO_ENTRY || self.entry(found as usize) == word {
                    break;
                }
                slot = (slot + 1) & mask;
            }
            if let Some(cell) = table.get_mut(slot) {
                *cell = i as u32;
            }
        }
        self.table = table;
    }

    /// The entry index of `word` (whose FNV hash is `hash`), if the dictionary has it.
    #[inline]
    fn find(&self, word: &[u8], hash: u32) -> Option<u32> {
        let mask = self.table.len().wrapping_sub(1);
        let mut slot = hash as usize & mask;
        loop {
            match self.table.get(slot).copied() {
                None | Some(NO_ENTRY) => return None,
                Some(i) if self.entry(i as usize) == word => return Some(i),
                Some(_) => slot = (slot + 1) & mask,
            }
        }
    }

    fn init_ngrams(&mut self) {
        let mut sub_starts = Vec::with_capacity(self.len() + 1);
        let mut sub_rows = Vec::new();
        let mut bracketed = Vec::new();
        sub_starts.push(0);
        for i in 0..self.len() {
            sub_rows.push(i as u32);
            let word = self.entry(i);
            if word != EOS {
                bracketed.clear();
                bracketed.push(b'<');
                bracketed.extend_from_slice(word);
                bracketed.push(b'>');
                self.char_ngrams(&bracketed, &mut |row| sub_rows.push(row));
            }
            sub_starts.push(sub_rows.len());
        }
        self.sub_starts = sub_starts;
        self.sub_rows = sub_rows;
    }

    /// Label `i` without its `__label__` prefix.
    pub(crate) fn label_names(&self) -> &[String] {
        &self.label_names
    }

    /// How often each label occurred in training, in label order (the Huffman tree's weights).
    pub(crate) fn label_counts(&self) -> &[i64] {
        &self.label_counts
    }

    /// The input rows of entry `i`: itself, then its character n-grams.
    fn subword_rows(&self, i: u32) -> &[u32] {
        let i = i as usize;
        match (self.sub_starts.get(i), self.sub_starts.get(i + 1)) {
            (Some(&a), Some(&b)) => self.sub_rows.get(a..b).unwrap_or_default(),
            _ => &[],
        }
    }

    /// fastText's `pushHash`: a bucket id becomes an input row, or nothing if it was pruned.
    #[inline]
    fn push_bucket(&self, id: u32, emit: &mut impl FnMut(u32)) {
        let row = match &self.prune {
            Prune::Keep => id,
            Prune::All => return,
            Prune::Map(map) => match map.get(id as i32) {
                Some(remapped) if remapped >= 0 => remapped as u32,
                _ => return,
            },
        };
        if let Some(row) = self.nwords.checked_add(row) {
            emit(row);
        }
    }

    /// fastText's `computeSubwords` over a word already wrapped in `<` and `>`: every n-gram of `minn` to
    /// `maxn` characters (UTF-8 aware), except the lone `<` and `>`.
    fn char_ngrams(&self, word: &[u8], emit: &mut impl FnMut(u32)) {
        if self.maxn == 0 || self.bucket == 0 {
            return;
        }
        for (i, &first) in word.iter().enumerate() {
            if first & 0xC0 == 0x80 {
                continue;
            }
            let mut hash = FNV_OFFSET;
            let mut chars = 0usize;
            let mut complete = false;
            for &byte in word.get(i..).unwrap_or_default() {
                if byte & 0xC0 != 0x80 {
                    if chars > 0 {
                        // The n-gram of `chars` characters ends here, before the end of the word.
                        self.ngram(chars, i == 0, false, hash, emit);
                        if chars == self.maxn {
                            complete = true;
                            break;
                        }
                    }
                    chars += 1;
                }
                hash = fnv_step(hash, byte);
            }
            if !complete && chars > 0 {
                // The last n-gram from `i` runs to the end of the word.
                self.ngram(chars, i == 0, true, hash, emit);
            }
        }
    }

    #[inline]
    fn ngram(&self, chars: usize, at_start: bool, at_end: bool, hash: u32, emit: &mut impl FnMut(u32)) {
        if chars >= self.minn && !(chars == 1 && (at_start || at_end)) {
            self.push_bucket(hash % self.bucket, emit);
        }
    }

    /// The input rows of one line of text, in fastText's order (`Dictionary::getLine`), passed to `emit`.
    ///
    /// The line ends at the end of `text` (newlines count as spaces), or after a literal `</s>` token, as
    /// fastText's reader stops there.
    pub(crate) fn line_rows(&self, text: &[u8], scratch: &mut FeatureScratch, emit: &mut impl FnMut(u32)) {
        scratch.word_hashes.clear();
        let mut rest = text;
        let mut ended = false;
        while let Some(start) = rest.iter().position(|&b| !is_separator(b)) {
            let tail = rest.get(start..).unwrap_or_default();
            let len = tail.iter().position(|&b| is_separator(b)).unwrap_or(tail.len());
            let Some((token, after)) = tail.split_at_checked(len) else {
                break;
            };
            rest = after;
            self.token_rows(token, scratch, emit);
            if token == EOS {
                ended = true;
                break;
            }
        }
        if !ended {
            self.token_rows(EOS, scratch, emit);
        }
        if self.word_ngrams > 1 {
            self.word_ngram_rows(&scratch.word_hashes, emit);
        }
    }

    /// The rows of a line and, in the same pass, of parts of it as lines of their own: `emit(row, in_line,
    /// part)` gets each of the line's rows (`in_line`) with the part whose byte range holds its token,
    /// then the line's end-of-sentence rows, then each part's (`in_line` false). Each part must start
    /// and end at a token boundary, and `parts` be sorted and disjoint. Returns false, emitting nothing,
    /// when one pass cannot give each part exactly its own rows: with word n-grams, or when the text has
    /// a literal `</s>` (where fastText's reader stops).
    pub(crate) fn line_rows_with_parts(
        &self,
        text: &[u8],
        parts: &[std::ops::Range<usize>],
        scratch: &mut FeatureScratch,
        emit: &mut impl FnMut(u32, bool, Option<usize>),
    ) -> bool {
        if self.word_ngrams > 1 || has_eos(text) {
            return false;
        }
        let mut part = 0usize;
        let mut start = 0usize;
        while let Some(skip) = text
            .get(start..)
            .and_then(|rest| rest.iter().position(|&b| !is_separator(b)))
        {
            start += skip;
            let tail = text.get(start..).unwrap_or_default();
            let len = tail.iter().position(|&b| is_separator(b)).unwrap_or(tail.len());
            let token = tail.get(..len).unwrap_or_default();
            while parts.get(part).is_some_and(|p| p.end <= start) {
                part += 1;
            }
            let inside = parts
                .get(part)
                .filter(|p| p.start <= start && start + len <= p.end)
                .map(|_| part);
            self.token_rows(token, scratch, &mut |row| emit(row, true, inside));
            start += len;
        }
        self.token_rows(EOS, scratch, &mut |row| emit(row, true, None));
        for i in 0..parts.len() {
            self.token_rows(EOS, scratch, &mut |row| emit(row, false, Some(i)));
        }
        true
    }

    /// The rows of one token (through this thread's [`TokenCache`]), and its hash for word n-grams.
    fn token_rows(&self, token: &[u8], scratch: &mut FeatureScratch, emit: &mut impl FnMut(u32)) {
        let hash = fnv(token);
        let FeatureScratch {
            bracketed,
            word_hashes,
            tokens,
        } = scratch;
        let is_word = if token.len() > TokenCache::MAX_TOKEN_BYTES {
            self.word_rows(token, hash, bracketed, emit)
        } else {
            tokens.reset_unless(self.id);
            match tokens.rows(token, hash, |rows| {
                self.word_rows(token, hash, bracketed, &mut |row| rows.push(row))
            }) {
                Some(rows) => {
                    for &row in rows {
                        emit(row);
                    }
                    true
                }
                None => false,
            }
        };
        if is_word && self.word_ngrams > 1 {
            word_hashes.push(hash as i32);
        }
    }

    /// The rows of one token, computed: its own row and precomputed subwords if the dictionary has it,
    /// else its character n-grams. False, with no rows, for a label: fastText keeps labels in the text
    /// apart from the features.
    fn word_rows(
        &self,
        token: &[u8],
        hash: u32,
        bracketed: &mut Vec<u8>,
        emit: &mut impl FnMut(u32),
    ) -> bool {
        match self.find(token, hash) {
            Some(id) => {
                if self.is_label.get(id as usize).copied().unwrap_or(true) {
                    return false;
                }
                if self.no_subwords {
                    emit(id);
                } else {
                    for &row in self.subword_rows(id) {
                        emit(row);
                    }
                }
            }
            None => {
                if token.starts_with(LABEL_PREFIX) {
                    return false;
                }
                if token != EOS {
                    bracketed.clear();
                    bracketed.push(b'<');
                    bracketed.extend_from_slice(token);
                    bracketed.push(b'>');
                    self.char_ngrams(bracketed, emit);
                }
            }
        }
        true
    }

    /// fastText's `addWordNgrams`: the hashes are `int32_t` there, so they are sign-extended to 64 bits.
    fn word_ngram_rows(&self, hashes: &[i32], emit: &mut impl FnMut(u32)) {
        if self.bucket == 0 {
            return;
        }
        let bucket = u64::from(self.bucket);
        for (i, &first) in hashes.iter().enumerate() {
            let mut h = first as i64 as u64;
            let end = hashes.len().min(i.saturating_add(self.word_ngrams));
            for &next in hashes.get(i + 1..end).unwrap_or_default() {
                h = h.wrapping_mul(116_049_371).wrapping_add(next as i64 as u64);
                self.push_bucket((h % bucket) as u32, emit);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LID176_FTZ;
    use crate::model::LanguageModel;

    /// The rows of `text` computed token by token without the cache, in fastText's order.
    fn uncached_line(dict: &Dictionary, text: &[u8]) -> Vec<u32> {
        let mut rows = Vec::new();
        let mut bracketed = Vec::new();
        for token in text.split(|&b| is_separator(b)).filter(|t| !t.is_empty()) {
            dict.word_rows(token, fnv(token), &mut bracketed, &mut |row| rows.push(row));
        }
        dict.word_rows(EOS, fnv(EOS), &mut bracketed, &mut |row| rows.push(row));
        rows
    }

    fn cached_line(dict: &Dictionary, text: &[u8], scratch: &mut FeatureScratch) -> Vec<u32> {
        let mut rows = Vec::new();
        dict.line_rows(text, scratch, &mut |row| rows.push(row));
        rows
    }

    #[test]
    fn the_token_cache_gives_the_computed_rows_cold_warm_and_after_a_reset() {
        let model = LanguageModel::from_bytes(LID176_FTZ).unwrap();
        let dict = &model.dictionary;
        let long = "x".repeat(TokenCache::MAX_TOKEN_BYTES + 1);
        let text = format!(
            "the The THE Konstantinopel __label__en zzqx zzqx Привет 日本語 {long} the __label__nope"
        );
        let expected = uncached_line(dict, text.as_bytes());
        assert!(expected.len() > 10, "{}", expected.len());
        let mut scratch = FeatureScratch::default();
        assert_eq!(cached_line(dict, text.as_bytes(), &mut scratch), expected, "cold");
        assert_eq!(cached_line(dict, text.as_bytes(), &mut scratch), expected, "warm");
        // Labels and over-long tokens are never remembered; each other distinct token once.
        assert_eq!(scratch.tokens.hashes.len(), 8);

        // Fill the cache past its bound with distinct tokens: it starts again, and rows stay right.
        let many: String = (0..300_000).map(|i| format!("w{i}q ")).collect();
        assert_eq!(
            cached_line(dict, many.as_bytes(), &mut scratch),
            uncached_line(dict, many.as_bytes())
        );
        assert!(scratch.tokens.hashes.len() < 300_000, "never emptied");
        scratch.trim();
        assert!(scratch.tokens.text.len() + 4 * scratch.tokens.rows.len() <= TokenCache::MAX_BYTES);
        assert_eq!(
            cached_line(dict, text.as_bytes(), &mut scratch),
            expected,
            "after a reset"
        );

        // Another dictionary (another load) never reads this one's rows.
        let other = LanguageModel::from_bytes(LID176_FTZ).unwrap();
        assert_ne!(other.dictionary.id, dict.id);
        cached_line(&other.dictionary, b"zzqx", &mut scratch);
        assert_eq!(scratch.tokens.dictionary, other.dictionary.id);
        assert_eq!(scratch.tokens.hashes.len(), 2, "zzqx and </s>");
    }
}
