//! A fastText supervised model (`.bin` or quantized `.ftz`), loaded from bytes and run in pure Rust.

mod args;
mod bytes;
mod dictionary;
mod loss;
mod matrix;
mod token_cache;

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use sha2::{Digest, Sha256};

use self::args::Args;
use self::bytes::Bytes;
use self::dictionary::{Dictionary, FeatureScratch, RowsAhead};
use self::loss::{Loss, LossScratch};
use self::matrix::Matrix;
use self::token_cache::TokenCache;
use crate::{ModelError, Prediction};

/// A fastText supervised classifier, such as the lid.176 language identifier or GlotLID.
///
/// It reads fastText's binary format (versions 11 and 12): the dictionary, the input matrix (dense, or
/// product-quantized as in `.ftz` files, pruned or not), the output matrix (dense or quantized) and the
/// loss (hierarchical softmax, softmax, negative sampling or one-vs-all). Predictions are those of the
/// C++ fastText (`predict` on one line) up to the order of float summation: each distinct token's input
/// rows are summed once per thread and the line's hidden vector adds those sums, where fastText adds the
/// rows one by one, so scores are within 1e-5 of fastText's, not equal to the bit (the loss follows the
/// C++ types exactly). The model is immutable and `Send + Sync`; wrap it in a
/// [`LanguageId`](crate::LanguageId) to share it between threads.
#[derive(Debug)]
pub struct LanguageModel {
    dim: usize,
    dictionary: Dictionary,
    input: Matrix,
    output: Matrix,
    loss: Loss,
    /// Label name (without `__label__`) to label index.
    label_index: HashMap<String, usize>,
}

/// Buffers one thread reuses from prediction to prediction, so the hot path does not allocate per token.
#[derive(Debug, Default)]
struct Scratch {
    features: FeatureScratch,
    /// The vectors of tokens seen lately.
    tokens: TokenCache,
    /// The tokens [`LanguageModel::hidden_vectors`] has listed and not yet looked up (at most
    /// [`LOOKUP_CHUNK`] and the look-ahead).
    line: Vec<LineToken>,
    /// The rows of its tokens to come that most likely miss the token cache.
    ahead: RowsRing,
    hidden: Vec<f32>,
    loss: LossScratch,
}

impl Scratch {
    /// Brings buffers grown past their bounds back within them: the token cache is emptied but keeps its
    /// memory, the others are let go.
    fn trim(&mut self) {
        self.features.trim();
        self.tokens.trim();
    }
}

/// A token of the text [`LanguageModel::hidden_vectors`] is on.
#[derive(Debug, Clone, Copy)]
struct LineToken {
    /// Where it starts in the text.
    start: usize,
    /// Its length in bytes.
    len: usize,
    /// The fused part that holds it, if any.
    part: Option<usize>,
    /// Its FNV hash.
    hash: u32,
    /// Whether its rows are being worked out ahead, in its [`RowsRing`] entry (it most likely misses
    /// the token cache).
    ahead: bool,
}

/// The rows of the tokens to come that most likely miss the token cache, worked out a few tokens ahead
/// of their lookup ([`LanguageModel::hidden_vectors`]): token `i`'s, when its [`LineToken::ahead`] says
/// so, are entry `i % RowsRing::LEN` (which no later token takes before token `i` is looked up). Only
/// tokens short enough for the token cache take an entry, so the entries' buffers stay small and are kept.
#[derive(Debug, Default)]
struct RowsRing {
    entries: Vec<RowsAhead>,
}

impl RowsRing {
    /// Entries: more than the tokens from the first step to the lookup.
    const LEN: usize = 2 * ROWS_START_AHEAD;

    /// Token `token`'s entry.
    fn get(&self, token: usize) -> Option<&RowsAhead> {
        self.entries.get(token % Self::LEN)
    }

    /// Token `token`'s entry to work on.
    fn get_mut(&mut self, token: usize) -> Option<&mut RowsAhead> {
        if self.entries.is_empty() {
            self.entries.resize_with(Self::LEN, RowsAhead::default);
        }
        self.entries.get_mut(token % Self::LEN)
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Runs `f` with this thread's buffers, or with fresh ones when they are in use (re-entered) or gone (a
/// thread-local destructor).
fn with_scratch<R>(mut f: impl FnMut(&mut Scratch) -> R) -> R {
    let reused = SCRATCH.try_with(|cell| cell.try_borrow_mut().ok().map(|mut scratch| f(&mut scratch)));
    match reused {
        Ok(Some(result)) => result,
        _ => f(&mut Scratch::default()),
    }
}

impl LanguageModel {
    /// Parses a model held in memory (the contents of a `.bin` or `.ftz` file).
    ///
    /// Every size in the file is checked against the bytes present before anything is allocated, so a
    /// truncated or corrupt file gives an error naming the byte offset, never a panic.
    pub fn from_bytes(data: &[u8]) -> Result<LanguageModel, ModelError> {
        let mut bytes = Bytes::new(data);
        let args = Args::load(&mut bytes)?;
        let dictionary = Dictionary::load(&mut bytes, &args)?;
        let (input, quant_input) = Matrix::load_input(&mut bytes, args.dim)?;
        let output = Matrix::load_output(&mut bytes, args.dim, quant_input)?;
        let loss = Loss::new(args.loss, dictionary.label_counts(), &output)?;
        let mut label_index = HashMap::new();
        for (i, name) in dictionary.label_names().iter().enumerate() {
            label_index.entry(name.clone()).or_insert(i);
        }
        Ok(LanguageModel {
            dim: args.dim,
            dictionary,
            input,
            output,
            loss,
            label_index,
        })
    }

    /// Reads and parses a model file, checking its SHA-256 first when `expected_sha256` is given.
    ///
    /// Use it for another fastText-format model than the built-in lid.176 (GlotLID, a model of your own).
    /// The checksum (64 hex digits, any case) guards against a truncated download or the wrong file; the
    /// error names the path and both checksums. Nothing is downloaded.
    pub fn from_path(
        path: impl AsRef<Path>,
        expected_sha256: Option<&str>,
    ) -> Result<LanguageModel, ModelError> {
        let path = path.as_ref();
        let expected = match expected_sha256 {
            Some(hex) => {
                let hex = hex.trim().to_ascii_lowercase();
                if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(ModelError::BadChecksum(hex));
                }
                Some(hex)
            }
            None => None,
        };
        let data = std::fs::read(path).map_err(|source| ModelError::Read {
            path: path.to_owned(),
            source,
        })?;
        if let Some(expected) = expected {
            let actual = sha256_hex(&data);
            if actual != expected {
                return Err(ModelError::Checksum {
                    path: path.to_owned(),
                    expected,
                    actual,
                });
            }
        }
        LanguageModel::from_bytes(&data).map_err(|source| ModelError::InFile {
            path: path.to_owned(),
            source: Box::new(source),
        })
    }

    /// The model's labels without the `__label__` prefix (`en`, `id`, `ms`, …), in the model's order.
    pub fn labels(&self) -> &[String] {
        self.dictionary.label_names()
    }

    /// The dimension of the model's hidden vector (16 for lid.176).
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The `k` most probable labels of `text`, best first, each with its probability; only labels with
    /// a probability of at least `threshold` are returned (fastText's `predict(text, k, threshold)`).
    ///
    /// The whole text is one line: newlines separate words like spaces do, where fastText's own reader
    /// would stop at the first one. Empty when `k` is 0, or when the text has no feature the model knows
    /// (possible only with a model whose dictionary lacks `</s>`).
    pub fn predict(&self, text: &str, k: usize, threshold: f32) -> Vec<Prediction<'_>> {
        let mut out = Vec::with_capacity(k.min(16));
        self.predict_with(text, k, threshold, |label, score| {
            out.push(Prediction { label, score })
        });
        out
    }

    /// The most probable label of `text` and its probability, without allocating.
    pub fn predict_best(&self, text: &str) -> Option<Prediction<'_>> {
        let mut best = None;
        self.predict_with(text, 1, 0.0, |label, score| {
            best = Some(Prediction { label, score })
        });
        best
    }

    /// Runs the model on `text` with this thread's buffers and hands each prediction, best first, to
    /// `each`.
    fn predict_with<'m>(&'m self, text: &str, k: usize, threshold: f32, mut each: impl FnMut(&'m str, f32)) {
        with_scratch(|scratch| {
            if self.infer(text.as_bytes(), k, threshold, scratch) {
                for &(log_prob, label) in &scratch.loss.top {
                    if let Some(name) = self.labels().get(label as usize) {
                        each(name, log_prob.exp());
                    }
                }
            }
            scratch.trim();
        });
    }

    /// The best label of `text`; and when `group_of` gives that label a group of labels, each group
    /// label's probability written into `probabilities` (same order; 0 for a label the model lacks). One
    /// pass over the text: the group's probabilities come from the same hidden vector. `probabilities`
    /// must hold at least as many entries as the group; extra labels are not computed.
    pub(crate) fn predict_best_grouped(
        &self,
        text: &str,
        mut group_of: impl FnMut(&str) -> Option<&'static [&'static str]>,
        probabilities: &mut [f32],
    ) -> Option<Prediction<'_>> {
        with_scratch(|scratch| {
            let found = self.infer(text.as_bytes(), 1, 0.0, scratch);
            scratch.trim();
            let best = self.best_of(found, &mut scratch.loss)?;
            Some(self.group_probabilities(
                best,
                &scratch.hidden,
                &mut scratch.loss,
                &mut group_of,
                probabilities,
            ))
        })
    }

    /// [`LanguageModel::predict_best_grouped`] from a hidden vector of [`LanguageModel::hidden_vectors`].
    pub(crate) fn predict_best_grouped_hidden(
        &self,
        hidden: &[f32],
        mut group_of: impl FnMut(&str) -> Option<&'static [&'static str]>,
        probabilities: &mut [f32],
    ) -> Option<Prediction<'_>> {
        with_scratch(|scratch| {
            self.loss.predict(&self.output, hidden, 1, 0.0, &mut scratch.loss);
            let best = self.best_of(true, &mut scratch.loss)?;
            Some(self.group_probabilities(best, hidden, &mut scratch.loss, &mut group_of, probabilities))
        })
    }

    /// The top prediction the loss left in `loss`, if the text had features.
    fn best_of(&self, found: bool, loss: &mut LossScratch) -> Option<Prediction<'_>> {
        let &(log_prob, label) = loss.top.first().filter(|_| found)?;
        Some(Prediction {
            label: self.labels().get(label as usize)?,
            score: log_prob.exp(),
        })
    }

    /// Writes the probabilities of `best`'s group (by `group_of`) into `probabilities`; returns `best`.
    fn group_probabilities<'m>(
        &'m self,
        best: Prediction<'m>,
        hidden: &[f32],
        loss: &mut LossScratch,
        mut group_of: impl FnMut(&str) -> Option<&'static [&'static str]>,
        probabilities: &mut [f32],
    ) -> Prediction<'m> {
        probabilities.fill(0.0);
        let group = group_of(best.label).unwrap_or_default();
        for (probability, label) in probabilities.iter_mut().zip(group) {
            if let Some(&index) = self.label_index.get(*label) {
                *probability = self.loss.label_probability(&self.output, hidden, index, loss);
            }
        }
        best
    }

    /// The averaged hidden vectors of `text` and of each of `parts` (byte ranges of it) read as a line of
    /// its own, to the bit those of separate predictions: each vector adds its token vectors in
    /// fastText's order. Parts that start and end at a token boundary (paragraphs do) share the one pass
    /// over the text, so each token is looked up once and its vector added to the text's and its part's;
    /// any other part is computed alone.
    pub(crate) fn hidden_vectors(&self, text: &str, parts: &[Range<usize>]) -> HiddenVectors {
        let bytes = text.as_bytes();
        let separator_at = |i: usize| bytes.get(i).is_none_or(|&b| dictionary::is_separator(b));
        let boundary = |i: usize| i == 0 || separator_at(i) || separator_at(i - 1);
        let sorted = parts.windows(2).all(|w| matches!(w, [a, b] if a.end <= b.start));
        let fused: Vec<usize> = (0..parts.len())
            .filter(|&i| {
                sorted
                    && parts.get(i).is_some_and(|p| {
                        p.start <= p.end && p.end <= bytes.len() && boundary(p.start) && boundary(p.end)
                    })
            })
            .collect();
        let fused_ranges: Vec<Range<usize>> = fused.iter().filter_map(|&i| parts.get(i).cloned()).collect();
        let mut vectors = HiddenVectors {
            dim: self.dim,
            data: vec![0.0; (1 + parts.len()) * self.dim],
            counts: vec![0; 1 + parts.len()],
        };
        with_scratch(|scratch| {
            // The tokens are listed ahead of their lookup, so that the cache can be asked for a token's
            // slot and record a few tokens before it is looked up: those are most likely cache misses,
            // and otherwise each hit would wait on them in turn. The list is looked up a chunk at a
            // time as it grows, so it stays small whatever the text's length.
            let mut line = std::mem::take(&mut scratch.line);
            line.clear();
            scratch.tokens.reset_unless(self.dictionary.id(), self.dim);
            let mut listed = ListedTokens {
                bytes,
                fused: &fused,
                vectors: &mut vectors,
            };
            let one_pass =
                self.dictionary
                    .line_tokens_with_parts(bytes, &fused_ranges, |token, hash, start, part| {
                        line.push(LineToken {
                            start,
                            len: token.len(),
                            part,
                            hash,
                            ahead: false,
                        });
                        if line.len() == LOOKUP_CHUNK + PREFETCH_SLOTS_AHEAD {
                            self.look_up_listed(&mut listed, &mut line, LOOKUP_CHUNK, scratch);
                            line.drain(..LOOKUP_CHUNK);
                        }
                    });
            let all = line.len();
            self.look_up_listed(&mut listed, &mut line, all, scratch);
            scratch.line = line;
            if one_pass {
                // Each line ends with `</s>`: the whole text's and every fused part's.
                self.token_vector(
                    dictionary::EOS,
                    dictionary::fnv(dictionary::EOS),
                    scratch,
                    None,
                    |vector, rows| {
                        vectors.add(0, vector, rows);
                        for &i in &fused {
                            vectors.add(1 + i, vector, rows);
                        }
                    },
                );
            }
            for i in 0..=parts.len() {
                let alone = match i.checked_sub(1) {
                    None => !one_pass,
                    Some(part) => !one_pass || !fused.contains(&part),
                };
                if alone {
                    let line = match i.checked_sub(1).and_then(|part| parts.get(part)) {
                        Some(range) => bytes.get(range.clone()).unwrap_or_default(),
                        None => bytes,
                    };
                    if let Some((vector, count)) = vectors.slot(i) {
                        *count += self.line_vector(line, scratch, vector);
                    }
                }
            }
            scratch.trim();
        });
        vectors.average();
        vectors
    }

    /// Looks up the first `count` tokens of `line` (the tokens of [`ListedTokens::bytes`] listed so far, in
    /// order) and adds their vectors to the text's and their fused part's, in fastText's order. The
    /// tokens after them (up to [`PREFETCH_SLOTS_AHEAD`]) are only prepared: their slots and records
    /// loaded, the rows of those that most likely miss the cache worked out in steps. A caller that
    /// then drops the first `count` tokens (a multiple of [`RowsRing::LEN`], so each token keeps its
    /// ring entry) and goes on adds the same vectors in the same order as one call over the whole list.
    fn look_up_listed(
        &self,
        listed: &mut ListedTokens<'_>,
        line: &mut [LineToken],
        count: usize,
        scratch: &mut Scratch,
    ) {
        let bytes = listed.bytes;
        let token_bytes = |token: &LineToken| {
            bytes
                .get(token.start..token.start + token.len)
                .unwrap_or_default()
        };
        for i in 0..count {
            if let Some(ahead) = line.get(i + PREFETCH_SLOTS_AHEAD) {
                scratch.tokens.prefetch_slot(ahead.hash);
            }
            // A token the cache's slots do not name most likely misses: its rows are worked out in
            // steps as it comes nearer, each loading what the next one reads. Not a token too long to
            // be cached: rare, and its rows, as long as it is, would stay in a ring entry.
            let j = i + ROWS_START_AHEAD;
            if let Some(ahead) = line.get_mut(j)
                && ahead.len <= TokenCache::MAX_TOKEN_BYTES
                && !scratch.tokens.prefetch_record(ahead.hash)
                && let Some(rows) = scratch.ahead.get_mut(j)
            {
                ahead.ahead = true;
                self.dictionary
                    .rows_ahead_start(token_bytes(ahead), ahead.hash, rows);
            }
            let j = i + ROWS_FILTER_AHEAD;
            if let Some(ahead) = line.get(j).filter(|t| t.ahead)
                && let Some(rows) = scratch.ahead.get_mut(j)
            {
                self.dictionary.rows_ahead_filter(ahead.hash, rows);
            }
            let j = i + ROWS_MAP_AHEAD;
            if let Some(ahead) = line.get(j).filter(|t| t.ahead)
                && let Some(rows) = scratch.ahead.get_mut(j)
            {
                self.dictionary
                    .rows_ahead_map(ahead.hash, rows, |row| self.input.prefetch_row(row as usize));
            }
            let Some(&token) = line.get(i) else {
                break;
            };
            let (fused, vectors) = (listed.fused, &mut *listed.vectors);
            self.token_vector(
                token_bytes(&token),
                token.hash,
                scratch,
                token.ahead.then_some(i),
                |vector, rows| {
                    vectors.add(0, vector, rows);
                    if let Some(&i) = token.part.and_then(|j| fused.get(j)) {
                        vectors.add(1 + i, vector, rows);
                    }
                },
            );
        }
    }

    /// Adds the input rows of one line (its token vectors, then any word n-gram rows) to `hidden`, in
    /// fastText's order; returns how many rows that is.
    fn line_vector(&self, text: &[u8], scratch: &mut Scratch, hidden: &mut [f32]) -> usize {
        let mut count = 0usize;
        let ngrams = self.dictionary.has_word_ngrams();
        scratch.features.word_hashes.clear();
        self.dictionary.line_tokens(text, |token| {
            let word = self.token_vector(token, dictionary::fnv(token), scratch, None, |vector, rows| {
                add(hidden, vector);
                count += rows as usize;
            });
            if word && ngrams {
                scratch.features.word_hashes.push(dictionary::fnv(token) as i32);
            }
        });
        if ngrams {
            let input = &self.input;
            self.dictionary
                .word_ngram_rows(&scratch.features.word_hashes, &mut |row| {
                    input.add_row_to(hidden, row as usize);
                    count += 1;
                });
        }
        count
    }

    /// Hands `token`'s vector (the sum of its input rows) and row count to `each`, from this thread's
    /// cache or computed; false, calling nothing, for a label (not a feature). `line_token` is the
    /// token's index in [`Scratch::line`], whose rows may have been worked out ahead.
    fn token_vector(
        &self,
        token: &[u8],
        hash: u32,
        scratch: &mut Scratch,
        line_token: Option<usize>,
        each: impl FnOnce(&[f32], u32),
    ) -> bool {
        let Scratch {
            features,
            tokens,
            ahead,
            ..
        } = scratch;
        let compute = |vector: &mut [f32]| {
            let mut rows = 0u32;
            let mut add = |row: u32| {
                self.input.add_row_to(vector, row as usize);
                rows += 1;
            };
            let word = match line_token.and_then(|i| ahead.get(i)) {
                Some(ahead) => self.dictionary.rows_ahead_finish(token, hash, ahead, &mut add),
                None => self.dictionary.word_rows(token, hash, features, &mut add),
            };
            word.then_some(rows)
        };
        tokens.reset_unless(self.dictionary.id(), self.dim);
        match tokens.vector(token, hash, compute) {
            Some((vector, rows)) => {
                if rows > 0 {
                    each(vector, rows);
                }
                true
            }
            None => false,
        }
    }

    /// How many training lines the model saw with `label` (fastText stores each label's count), or 0 for
    /// a label it does not have. The counts are the model's prior: lid.176 saw 2.5 times more Indonesian
    /// than Malay.
    pub(crate) fn label_count(&self, label: &str) -> i64 {
        self.label_index
            .get(label)
            .and_then(|&index| self.dictionary.label_counts().get(index))
            .copied()
            .unwrap_or(0)
    }

    /// Features → averaged hidden vector → loss; false when the line has no features.
    fn infer(&self, text: &[u8], k: usize, threshold: f32, scratch: &mut Scratch) -> bool {
        let mut hidden = std::mem::take(&mut scratch.hidden);
        hidden.clear();
        hidden.resize(self.dim, 0.0);
        let count = self.line_vector(text, scratch, &mut hidden);
        let found = count > 0;
        if found {
            average(&mut hidden, count);
            self.loss
                .predict(&self.output, &hidden, k, threshold, &mut scratch.loss);
        } else {
            scratch.loss.top.clear();
        }
        scratch.hidden = hidden;
        found
    }
}

/// How many listed tokens [`LanguageModel::hidden_vectors`] looks up at a time: the list holds at most
/// this many and [`PREFETCH_SLOTS_AHEAD`] more, whatever the text's length (a 100 MB line of one-letter
/// words would otherwise list 50 million tokens).
const LOOKUP_CHUNK: usize = 4096;
const _: () = assert!(
    LOOKUP_CHUNK.is_multiple_of(RowsRing::LEN),
    "a chunk keeps each token's ring entry"
);
const _: () = assert!(
    ROWS_MAP_AHEAD < ROWS_FILTER_AHEAD
        && ROWS_FILTER_AHEAD < ROWS_START_AHEAD
        && ROWS_START_AHEAD < RowsRing::LEN
        && ROWS_START_AHEAD <= PREFETCH_SLOTS_AHEAD,
    "the steps of a token's rows run in order, and its ring entry is not taken again before its lookup"
);

/// What [`LanguageModel::look_up_listed`] adds the listed tokens' vectors to.
struct ListedTokens<'a> {
    /// The text the tokens are of.
    bytes: &'a [u8],
    /// Part `j` of the fused parts is part `fused[j]` of the prediction's parts.
    fused: &'a [usize],
    /// The text's and the parts' hidden vectors.
    vectors: &'a mut HiddenVectors,
}

/// How many tokens ahead of the one looked up [`LanguageModel::hidden_vectors`] has the token cache
/// start loading a token's table slot.
const PREFETCH_SLOTS_AHEAD: usize = 16;
/// How many tokens ahead it starts loading a token's record (its slot loaded by then), and for a token
/// that most likely misses the cache, takes the first step of its rows ([`RowsAhead`]).
const ROWS_START_AHEAD: usize = 8;
/// How many tokens ahead such a token's n-grams are filtered (their filter bits loaded by then).
const ROWS_FILTER_AHEAD: usize = 4;
/// How many tokens ahead its n-grams become rows (their map slots loaded by then).
const ROWS_MAP_AHEAD: usize = 2;

/// Asks the processor to load the cache line of `value` (a hint: it changes no value, and does
/// nothing where the architecture has no such instruction here).
#[inline]
fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `_mm_prefetch` needs SSE, which every x86-64 processor has; a prefetch reads nothing
    // into the program and cannot fault, and the pointer comes from a live reference anyway.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
            std::ptr::from_ref(value).cast(),
        );
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// Adds `vector` to `hidden`, element by element.
#[inline]
fn add(hidden: &mut [f32], vector: &[f32]) {
    for (h, &v) in hidden.iter_mut().zip(vector) {
        *h += v;
    }
}

/// fastText's `hidden.mul(1.0 / input.size())`: the factor computed in double and used as float.
fn average(hidden: &mut [f32], count: usize) {
    let scale = (1.0 / count as f64) as f32;
    for h in hidden.iter_mut() {
        *h *= scale;
    }
}

/// The hidden vectors of a text and of parts of it, from [`LanguageModel::hidden_vectors`].
#[derive(Debug)]
pub(crate) struct HiddenVectors {
    dim: usize,
    /// Vector `i` spans `i * dim..(i + 1) * dim`: 0 is the whole text, `1 + j` part `j`.
    data: Vec<f32>,
    /// How many rows each vector summed.
    counts: Vec<usize>,
}

impl HiddenVectors {
    /// Vector `i` (0: the whole text; `1 + j`: part `j`), or `None` when that line had no features.
    pub(crate) fn get(&self, i: usize) -> Option<&[f32]> {
        self.counts.get(i).filter(|&&count| count > 0)?;
        self.data.get(i * self.dim..(i + 1) * self.dim)
    }

    /// Adds a token vector of `rows` rows to vector `i`.
    #[inline]
    fn add(&mut self, i: usize, vector: &[f32], rows: u32) {
        if let Some((hidden, count)) = self.slot(i) {
            add(hidden, vector);
            *count += rows as usize;
        }
    }

    /// Vector `i` and its row count, to add to.
    fn slot(&mut self, i: usize) -> Option<(&mut [f32], &mut usize)> {
        Some((
            self.data.get_mut(i * self.dim..(i + 1) * self.dim)?,
            self.counts.get_mut(i)?,
        ))
    }

    /// Divides each vector by its row count.
    fn average(&mut self) {
        for (vector, &count) in self.data.chunks_exact_mut(self.dim.max(1)).zip(&self.counts) {
            if count > 0 {
                average(vector, count);
            }
        }
    }
}

/// Lowercase hex SHA-256 of `data`.
pub(crate) fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests;
