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
pub(crate) const EOS: &[u8] = b"</s>";
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

/// Whether `text` holds the bytes `</s>`: a vectorised substring search (a comparison per byte would
/// cost more than the whole prediction; a byte loop that compares at each `<` cost a third of a percent
/// of the fineweb chain).
fn has_eos(text: &[u8]) -> bool {
    memchr::memmem::find(text, EOS).is_some()
}

/// fastText's `Dictionary::hash`.
pub(crate) fn fnv(bytes: &[u8]) -> u32 {
    bytes.iter().fold(FNV_OFFSET, |h, &b| fnv_step(h, b))
}

/// Buffers reused from line to line so that feature extraction does not allocate per token.
#[derive(Debug, Default)]
pub(crate) struct FeatureScratch {
    /// The hashes of the line's words, for word n-grams (only filled when `wordNgrams > 1`).
    pub(crate) word_hashes: Vec<i32>,
    /// The current token's rows, worked out in one go.
    pub(crate) rows: RowsAhead,
}

impl FeatureScratch {
    /// Lets go of buffers a huge token grew, so a thread does not keep them for good.
    pub(crate) fn trim(&mut self) {
        trim_over(&mut self.word_hashes);
        self.rows.trim();
    }
}

/// A token's subword rows, worked out in steps ([`Dictionary::rows_ahead_start`], `_filter`, `_map`,
/// then [`Dictionary::rows_ahead_finish`]), each reading memory the step before asked the processor to
/// load: the bucket bit filter, the pruned-bucket map, the dictionary's table, start offsets and text.
/// Those reads are most likely cache misses, and a token's addresses are known only once its n-grams are
/// hashed, so a caller that knows the tokens to come runs the steps a few tokens ahead of the lookup and
/// the misses overlap other work. Run in one go the steps are [`Dictionary::word_rows`].
#[derive(Debug, Default)]
pub(crate) struct RowsAhead {
    /// The token between `<` and `>`, for its character n-grams.
    bracketed: Vec<u8>,
    /// The bucket ids of the token's character n-grams in order, then the ids the bucket filter keeps,
    /// then their rows.
    buckets: Vec<u32>,
}

impl RowsAhead {
    /// Lets go of buffers a huge token grew.
    pub(crate) fn trim(&mut self) {
        trim_over(&mut self.bracketed);
        trim_over(&mut self.buckets);
    }
}

/// Drops `buffer` when it holds more than 64 KiB.
fn trim_over<T>(buffer: &mut Vec<T>) {
    const KEEP_BYTES: usize = 1 << 16;
    if buffer.capacity().saturating_mul(size_of::<T>()) > KEEP_BYTES {
        *buffer = Vec::new();
    }
}

/// Identifies a loaded dictionary, so that a thread's token cache never serves one model's vectors to
/// another.
static NEXT_DICTIONARY_ID: AtomicU64 = AtomicU64::new(1);

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

/// An open-addressing map from `i32` to `i32`, for the pruned-bucket index (the hot lookup: every
/// character n-gram of a new token is looked up, and most lookups miss the processor's caches). Each slot
/// packs the key and its value in one `u64`, so a probe reads one cache line, and the table is filled
/// to at most two thirds, so that it stays small (512 KB for lid.176) while a probe rarely leaves the line.
///
/// A bit per key value modulo a power of two (256 KB for lid.176, which has 2 million buckets: one bit per
/// bucket) says which keys may be present: most n-grams of a text fall in pruned buckets, and for those one
/// bit settles the lookup.
#[derive(Debug)]
struct IntMap {
    /// `key << 32 | value` (both as `u32`), or [`IntMap::EMPTY`].
    slots: Vec<u64>,
    shift: u32,
    /// Bit `key & (64 * maybe.len() - 1)` is set when a key with those low bits is present.
    maybe: Vec<u64>,
}

impl IntMap {
    /// No key packs to this: keys and values are bucket ids and rows, never -1 both.
    const EMPTY: u64 = u64::MAX;

    fn with_capacity(len: usize) -> IntMap {
        let slots = (len.max(1) * 3 / 2 + 1).next_power_of_two().max(8);
        let bits = (len.max(1) * 48).next_power_of_two().clamp(64, 1 << 24);
        IntMap {
            slots: vec![Self::EMPTY; slots],
            shift: 64 - slots.trailing_zeros(),
            maybe: vec![0; bits / 64],
        }
    }

    /// The word and bit of `key` in [`IntMap::maybe`].
    #[inline]
    fn bit(&self, key: i32) -> (usize, u64) {
        let bit = key as u32 as usize & (64 * self.maybe.len()).wrapping_sub(1);
        (bit / 64, 1 << (bit % 64))
    }

    #[inline]
    fn slot(&self, key: i32) -> usize {
        ((key as u32 as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    #[inline]
    fn pack(key: i32, value: i32) -> u64 {
        (u64::from(key as u32) << 32) | u64::from(value as u32)
    }

    /// Inserts or replaces (the last pair for a key wins, as in fastText's `pruneidx_[first] = second`).
    fn insert(&mut self, key: i32, value: i32) {
        let mask = self.slots.len() - 1;
        let mut slot = self.slot(key);
        let cell = Self::pack(key, value);
        if cell == Self::EMPTY {
            return; // key and value -1: a pair that maps nothing to nothing
        }
        let (word, bit) = self.bit(key);
        if let Some(w) = self.maybe.get_mut(word) {
            *w |= bit;
        }
        loop {
            match self.slots.get_mut(slot) {
                Some(c) if *c == Self::EMPTY || (*c >> 32) as u32 == key as u32 => {
                    *c = cell;
                    return;
                }
                Some(_) => slot = (slot + 1) & mask,
                None => return, // cannot happen: slot is always masked into range
            }
        }
    }

    /// Whether `key` may be present: false settles it.
    #[inline]
    fn may_have(&self, key: i32) -> bool {
        let (word, bit) = self.bit(key);
        self.maybe.get(word).is_some_and(|&w| w & bit != 0)
    }

    /// Starts loading the filter word of `key`.
    #[inline]
    fn prefetch_bit(&self, key: i32) {
        if let Some(word) = self.maybe.get(self.bit(key).0) {
            super::prefetch(word);
        }
    }

    /// Starts loading the first slot a lookup of `key` reads.
    #[inline]
    fn prefetch_slot(&self, key: i32) {
        if let Some(slot) = self.slots.get(self.slot(key)) {
            super::prefetch(slot);
        }
    }

    #[inline]
    fn get(&self, key: i32) -> Option<i32> {
        if !self.may_have(key) {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut slot = self.slot(key);
        loop {
            match self.slots.get(slot).copied() {
                Some(Self::EMPTY) | None => return None,
                Some(c) if (c >> 32) as u32 == key as u32 => return Some(c as u32 as i32),
                Some(_) => slot = (slot + 1) & mask,
            }
        }
    }
}

/// A loaded fastText dictionary: words, labels and the hashing settings.
///
/// fastText's `initNgrams` precomputes every word's character n-grams when a model loads; here a word's
/// n-grams are computed when the word is met (the same rows: the n-grams of `<word>`), and the model's
/// per-thread token cache keeps them, so loading costs no pass over the dictionary.
#[derive(Debug)]
pub(crate) struct Dictionary {
    /// Unique per loaded dictionary in this process: the key of the per-thread token cache.
    id: u64,
    /// Every entry's bytes, one after another; entry `i` spans `starts[i]..starts[i + 1]`.
    text: Vec<u8>,
    starts: Vec<usize>,
    is_label: Vec<bool>,
    /// Open-addressing table from FNV hash to entry index (`NO_ENTRY` when empty).
    table: Vec<u32>,
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
    /// Reads the dictionary section (fastText's `Dictionary::load`).
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

    /// Identifies this dictionary among those loaded in the process.
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// Whether lines get word n-gram rows (`wordNgrams > 1`).
    pub(crate) fn has_word_ngrams(&self) -> bool {
        self.word_ngrams > 1
    }

    /// Label `i` without its `__label__` prefix.
    pub(crate) fn label_names(&self) -> &[String] {
        &self.label_names
    }

    /// How often each label occurred in training, in label order (the Huffman tree's weights).
    pub(crate) fn label_counts(&self) -> &[i64] {
        &self.label_counts
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

    /// Drops from `buckets` the ids the pruned-bucket map's filter bits settle as absent (most of them),
    /// keeping the order, and starts loading the map slot of each id kept. Every filter bit is read
    /// before any id is looked up, so those reads overlap instead of waiting on one another.
    fn filter_buckets(&self, buckets: &mut Vec<u32>) {
        let Prune::Map(map) = &self.prune else {
            return;
        };
        let mut kept = 0usize;
        for i in 0..buckets.len() {
            let id = buckets.get(i).copied().unwrap_or_default();
            if let Some(slot) = buckets.get_mut(kept) {
                *slot = id;
            }
            kept += usize::from(map.may_have(id as i32));
        }
        buckets.truncate(kept);
        for &id in buckets.iter() {
            map.prefetch_slot(id as i32);
        }
    }

    /// Replaces the bucket ids in `buckets` by their rows, in order (fastText's `pushHash` on each: a
    /// pruned id has none).
    fn map_buckets(&self, buckets: &mut Vec<u32>) {
        let mut rows = 0usize;
        for i in 0..buckets.len() {
            let id = buckets.get(i).copied().unwrap_or_default();
            self.push_bucket(id, &mut |row| {
                if let Some(slot) = buckets.get_mut(rows) {
                    *slot = row;
                }
                rows += 1;
            });
        }
        buckets.truncate(rows);
    }

    /// fastText's `computeSubwords` over a word already wrapped in `<` and `>`: the bucket ids of every
    /// n-gram of `minn` to `maxn` characters (UTF-8 aware), except the lone `<` and `>`, appended to
    /// `buckets` in fastText's order.
    fn char_ngrams(&self, word: &[u8], buckets: &mut Vec<u32>) {
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
                        self.ngram(chars, i == 0, false, hash, buckets);
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
                self.ngram(chars, i == 0, true, hash, buckets);
            }
        }
    }

    #[inline]
    fn ngram(&self, chars: usize, at_start: bool, at_end: bool, hash: u32, buckets: &mut Vec<u32>) {
        if chars >= self.minn && !(chars == 1 && (at_start || at_end)) {
            buckets.push(hash % self.bucket);
        }
    }

    /// The tokens of one line of text, in order, passed to `each`: the line ends at the end of `text`
    /// (newlines count as spaces) with fastText's end-of-sentence token `</s>`, or after a literal `</s>`
    /// token, as fastText's reader (`Dictionary::getLine`) stops there.
    pub(crate) fn line_tokens(&self, text: &[u8], mut each: impl FnMut(&[u8])) {
        let mut rest = text;
        while let Some(start) = rest.iter().position(|&b| !is_separator(b)) {
            let tail = rest.get(start..).unwrap_or_default();
            let len = tail.iter().position(|&b| is_separator(b)).unwrap_or(tail.len());
            let Some((token, after)) = tail.split_at_checked(len) else {
                break;
            };
            rest = after;
            each(token);
            if token == EOS {
                return;
            }
        }
        each(EOS);
    }

    /// The tokens of a line and, in the same pass, the part of it each belongs to: `each(token, hash,
    /// start, part)` gets every token but the end-of-sentence one, its FNV hash (computed as its end is
    /// sought, not in a second pass over its bytes), where it starts in `text`, and the index of
    /// the part whose byte range holds it. Each part must start and end at a token boundary, and
    /// `parts` be sorted and disjoint; each line (the whole and every part) then ends with [`EOS`]. Returns false, passing nothing, when one
    /// pass cannot give each part exactly its own features: with word n-grams, or when the text has a
    /// literal `</s>` (where fastText's reader stops).
    pub(crate) fn line_tokens_with_parts(
        &self,
        text: &[u8],
        parts: &[std::ops::Range<usize>],
        mut each: impl FnMut(&[u8], u32, usize, Option<usize>),
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
            // The token's hash in the same pass as its end.
            let mut hash = FNV_OFFSET;
            let mut len = 0usize;
            for &byte in tail.iter().take_while(|&&b| !is_separator(b)) {
                hash = fnv_step(hash, byte);
                len += 1;
            }
            let token = tail.get(..len).unwrap_or_default();
            while parts.get(part).is_some_and(|p| p.end <= start) {
                part += 1;
            }
            let inside = parts
                .get(part)
                .filter(|p| p.start <= start && start + len <= p.end)
                .map(|_| part);
            each(token, hash, start, inside);
            start += len;
        }
        true
    }

    /// The rows of one token, in fastText's order: its own row then the character n-grams of `<token>`
    /// if the dictionary has it (only its own row when the model has no subwords, or for `</s>`), else
    /// the character n-grams alone. False, with no rows, for a label: fastText keeps labels in the text
    /// apart from the features. The steps of [`RowsAhead`] in one go.
    pub(crate) fn word_rows(
        &self,
        token: &[u8],
        hash: u32,
        scratch: &mut FeatureScratch,
        emit: &mut impl FnMut(u32),
    ) -> bool {
        let rows = &mut scratch.rows;
        self.rows_ahead_start(token, hash, rows);
        self.rows_ahead_filter(hash, rows);
        self.rows_ahead_map(hash, rows, |_| {});
        self.rows_ahead_finish(token, hash, rows, emit)
    }

    /// The dictionary table slot of `hash`'s first probe.
    #[inline]
    fn first_slot(&self, hash: u32) -> Option<&u32> {
        self.table.get(hash as usize & self.table.len().wrapping_sub(1))
    }

    /// The first step of `token`'s rows (whose FNV hash is `hash`): the bucket ids of the character
    /// n-grams of `<token>` (none for `</s>`); starts loading their filter bits and the token's
    /// dictionary slot.
    pub(crate) fn rows_ahead_start(&self, token: &[u8], hash: u32, rows: &mut RowsAhead) {
        let RowsAhead { bracketed, buckets } = rows;
        buckets.clear();
        if token != EOS {
            bracketed.clear();
            bracketed.push(b'<');
            bracketed.extend_from_slice(token);
            bracketed.push(b'>');
            self.char_ngrams(bracketed, buckets);
        }
        if let Prune::Map(map) = &self.prune {
            for &id in buckets.iter() {
                map.prefetch_bit(id as i32);
            }
        }
        if let Some(slot) = self.first_slot(hash) {
            super::prefetch(slot);
        }
    }

    /// The second step: the ids the filter bits settle are dropped and the map slots of the others start
    /// loading, as does the start offset of the dictionary entry the token's slot names.
    pub(crate) fn rows_ahead_filter(&self, hash: u32, rows: &mut RowsAhead) {
        self.filter_buckets(&mut rows.buckets);
        if let Some(start) = self.first_slot(hash).and_then(|&i| self.starts.get(i as usize)) {
            super::prefetch(start);
        }
    }

    /// The third step: the ids become rows, each passed to `prefetch_row` (to start loading it), and the
    /// text of the dictionary entry the token's slot names starts loading.
    pub(crate) fn rows_ahead_map(&self, hash: u32, rows: &mut RowsAhead, prefetch_row: impl FnMut(u32)) {
        self.map_buckets(&mut rows.buckets);
        rows.buckets.iter().copied().for_each(prefetch_row);
        let entry = self.first_slot(hash).and_then(|&i| self.starts.get(i as usize));
        if let Some(text) = entry.and_then(|&start| self.text.get(start)) {
            super::prefetch(text);
        }
    }

    /// The last step: `token`'s rows passed to `emit` as [`Dictionary::word_rows`] does, given `rows`
    /// taken through the steps before for the same token and hash.
    pub(crate) fn rows_ahead_finish(
        &self,
        token: &[u8],
        hash: u32,
        rows: &RowsAhead,
        emit: &mut impl FnMut(u32),
    ) -> bool {
        match self.find(token, hash) {
            Some(id) => {
                if self.is_label.get(id as usize).copied().unwrap_or(true) {
                    return false;
                }
                emit(id);
                if self.no_subwords {
                    return true;
                }
            }
            None => {
                if token.starts_with(LABEL_PREFIX) {
                    return false;
                }
            }
        }
        rows.buckets.iter().copied().for_each(emit);
        true
    }

    /// fastText's `addWordNgrams`: the hashes are `int32_t` there, so they are sign-extended to 64 bits.
    pub(crate) fn word_ngram_rows(&self, hashes: &[i32], emit: &mut impl FnMut(u32)) {
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

    #[test]
    fn end_of_sentence_is_found_anywhere_and_only_whole() {
        for text in ["</s>", "a </s> b", "x</s>", "<</s>", "é</s>é"] {
            assert!(has_eos(text.as_bytes()), "{text}");
        }
        for text in ["", "<", "</", "</s", "< /s>", "<s>", "</S>", "<//s>"] {
            assert!(!has_eos(text.as_bytes()), "{text}");
        }
    }

    #[test]
    fn tokens_with_parts_come_with_their_hash() {
        let model = super::super::LanguageModel::from_bytes(crate::LID176_FTZ).unwrap();
        let text = " \tKonstantinopel\x0b日本語 a\0b\r\nПривет  é ";
        let mut seen = Vec::new();
        let one_pass = model.dictionary.line_tokens_with_parts(
            text.as_bytes(),
            std::slice::from_ref(&(0..text.len())),
            |token, hash, start, part| {
                assert_eq!(hash, fnv(token), "{token:?}");
                assert_eq!(text.as_bytes().get(start..start + token.len()), Some(token));
                assert_eq!(part, Some(0));
                seen.push(String::from_utf8_lossy(token).into_owned());
            },
        );
        assert!(one_pass);
        assert_eq!(seen, ["Konstantinopel", "日本語", "a", "b", "Привет", "é"]);
    }

    #[test]
    fn filtered_bucket_rows_are_the_rows_looked_up_one_by_one() {
        let model = super::super::LanguageModel::from_bytes(crate::LID176_FTZ).unwrap();
        let dict = &model.dictionary;
        assert!(matches!(dict.prune, Prune::Map(_)), "lid.176 is pruned");
        let mut buckets = Vec::new();
        let mut seen = 0;
        for word in [
            "<Konstantinopel>",
            "<zzqx>",
            "<Привет>",
            "<日本語>",
            "<a>",
            "<kucing-kucing>",
        ] {
            buckets.clear();
            dict.char_ngrams(word.as_bytes(), &mut buckets);
            assert!(!buckets.is_empty(), "{word}");
            let mut one_by_one = Vec::new();
            for &id in &buckets {
                dict.push_bucket(id, &mut |row| one_by_one.push(row));
            }
            dict.filter_buckets(&mut buckets);
            dict.map_buckets(&mut buckets);
            assert_eq!(buckets, one_by_one, "{word}");
            seen += buckets.len();
        }
        assert!(seen > 10, "some n-grams have rows");
    }
}
