//! Word and sentence splitting as datatrove 0.10.1 does it for English: `split_into_words` is spaCy's blank
//! English tokenizer (`spacy.blank("en")`, spaCy 3.8) with whitespace-only tokens removed, and
//! `split_into_sentences` is that tokenizer followed by spaCy's rule-based `sentencizer`.
//!
//! The rules (prefix, suffix and infix patterns, the URL pattern, the special cases and the sentencizer's
//! punctuation) are generated from spaCy into `spacy_en_tables.rs` by
//! `tests/fixtures/make-spacy-tables.py`; the algorithm below follows spaCy's `tokenizer.pyx`
//! (`_tokenize_affixes`, `_split_affixes`, `_attach_tokens`, then the special-case matcher pass).

mod spacy_en_tables;
#[cfg(test)]
mod tests;
mod unicode;

use std::cell::RefCell;
use std::sync::OnceLock;

use fancy_regex::Regex;

use crate::prefiltered::PrefilteredMap;
use rustc_hash::{FxHashMap, FxHashSet};

pub(crate) use unicode::{
    char_count, is_alpha, is_decimal, is_py_space, py_strip, py_strip_end, py_strip_start,
};

/// One token: a byte range of the text, and whether it is a whitespace token (spaCy keeps runs of
/// whitespace other than a single space as tokens; datatrove's word lists drop them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Token {
    start: usize,
    end: usize,
    space: bool,
}

/// What one pass over a chunk learns of its characters, for the fast paths of
/// [`EnglishTokenizer::tokenize_span`]: bit sets of [`LETTER`] and [`DIGIT`], each set while every
/// character counted has the property.
#[derive(Debug, Clone, Copy)]
struct Shape {
    /// Of every character.
    all: u8,
    /// Of every character but the last.
    all_but_last: u8,
}

/// A [`Shape`] and [`ASCII_CLASS`] bit: a letter (Python's `isalpha`).
const LETTER: u8 = 1;
/// A [`Shape`] and [`ASCII_CLASS`] bit: an ASCII digit.
const DIGIT: u8 = 2;
/// An [`ASCII_CLASS`] bit: Python's `str.isspace` (`\t \n \v \f \r`, the separators `\x1c`–`\x1f`
/// and the space).
const SPACE: u8 = 4;

/// A [`EnglishTokenizer::sent_class`] bit: Python's `str.isspace`.
const SENT_SPACE: u8 = 1;
/// A [`EnglishTokenizer::sent_class`] bit: a character of one of the sentencizer's punctuation tokens.
const SENT_PUNCT: u8 = 2;
/// A [`EnglishTokenizer::sent_class`] bit: not punctuation (spaCy's `is_punct`).
const SENT_OTHER: u8 = 4;

/// The class bits of each ASCII byte: one lookup per byte in [`EnglishTokenizer::tokenize_affixes`].
const ASCII_CLASS: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut rest: &mut [u8] = &mut table;
    let mut b = 0u8;
    while let [class, tail @ ..] = rest {
        *class = if b.is_ascii_alphabetic() {
            LETTER
        } else if b.is_ascii_digit() {
            DIGIT
        } else if matches!(b, b'\t'..=b'\r' | 0x1c..=b' ') {
            SPACE
        } else {
            0
        };
        b += 1;
        rest = tail;
    }
    table
};

impl Default for Shape {
    /// The shape of the empty chunk, to which characters are pushed.
    fn default() -> Shape {
        Shape {
            all: LETTER | DIGIT,
            all_but_last: LETTER | DIGIT,
        }
    }
}

impl Shape {
    /// Counts one more character, of the given class bits.
    fn push(&mut self, class: u8) {
        self.all_but_last = self.all;
        self.all &= class;
    }

    /// Counts `n` more characters, all letters (`n` ≥ 1).
    fn push_letters(&mut self, n: usize) {
        debug_assert!(n >= 1, "push_letters counts at least one letter");
        let before = self.all;
        self.all &= LETTER;
        self.all_but_last = if n == 1 { before } else { self.all };
    }

    fn push_other(&mut self, c: char) {
        self.push(if is_alpha(c) { LETTER } else { 0 });
    }

    /// Every character is a letter.
    fn letters(self) -> bool {
        self.all & LETTER != 0
    }

    /// Every character is an ASCII digit.
    fn digits(self) -> bool {
        self.all & DIGIT != 0
    }

    /// Every character but the last is a letter.
    fn letters_but_last(self) -> bool {
        self.all_but_last & LETTER != 0
    }
}

/// How many of the 8 bytes from `i` on, counted from `i`, are ASCII letters before the first that is
/// not; 0 when fewer than 8 bytes remain. The 8 bytes are classed at once: each is folded to lower
/// case and tested against `a..=z` by two additions whose carries stop in the byte's top bit.
fn leading_ascii_letters(bytes: &[u8], i: usize) -> usize {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const EACH: u64 = 0x0101_0101_0101_0101;
    let Some(&[a, b, c, d, e, f, g, h]) = bytes.get(i..i + 8) else {
        return 0;
    };
    let v = u64::from_le_bytes([a, b, c, d, e, f, g, h]);
    let folded = (v | (EACH * 0x20)) & LOW7;
    // a byte's top bit: set from `a` (0x61) on, and from past `z` (0x7b) on
    let from_a = folded + EACH * (0x80 - 0x61);
    let past_z = folded + EACH * (0x80 - 0x7b);
    let letters = from_a & !past_z & !v & HIGH;
    ((!letters & HIGH).trailing_zeros() / 8) as usize
}

/// Python's `str.isspace` for an ASCII byte.
fn is_ascii_py_space(b: u8) -> bool {
    ASCII_CLASS
        .get(usize::from(b))
        .is_some_and(|&class| class & SPACE != 0)
}

/// A special case whose affix tokenization differs from a plain chunk: found by spaCy's second pass.
struct MatcherRule {
    /// The tokens of the key as the affix rules alone split it.
    pattern: Vec<String>,
}

/// spaCy's English tokenizer, compiled once.
pub(crate) struct EnglishTokenizer {
    /// The prefix pieces but `\+(?![0-9])` (applied by hand first).
    prefix_plain: regex::Regex,
    /// The look-around-free suffix alternatives (the `regex` crate, searched in reverse from the end).
    suffix_plain: regex::Regex,
    /// The `(?<=X)Y` suffix alternatives as `XY$`, with the width of X in characters.
    suffix_behind: Vec<(regex::Regex, usize)>,
    /// All of `suffix_behind` in one regex: where it finds nothing, none of them does (one search
    /// instead of one per alternative).
    suffix_behind_any: Option<regex::Regex>,
    infix: Regex,
    /// `infix`'s alternatives, each a plain regex that consumes its look-arounds (see
    /// [`InfixAlternative`]): matched by hand at the few positions an infix can start, instead of running
    /// `infix`'s backtracking engine over the whole string. `None` if the pattern is not of that form.
    infix_alternatives: Option<Vec<InfixAlternative>>,
    /// `infix` with its look-behinds and look-aheads turned into plain groups (they then consume their
    /// character): a plain regex that matches somewhere whenever `infix` does, so a miss here means no
    /// infix without running `infix`.
    infix_superset: Option<regex::Regex>,
    url: Regex,
    /// `url` without its negative look-aheads (the private-address exclusions) and with its non-ASCII
    /// classes widened: a plain regex that matches whenever `url` does, so a miss here settles most
    /// strings without the slower `url`.
    url_superset: Option<regex::Regex>,
    specials: PrefilteredMap<&'static str, &'static [&'static str]>,
    /// Matcher rules by the text of their first token.
    matcher: PrefilteredMap<String, Vec<MatcherRule>>,
    /// The pairs of first bytes of a matcher rule's first two tokens, as a set of 65,536 bits indexed by
    /// `first << 8 | second` (`None` unless every rule has two or more tokens): a token whose first byte
    /// and its next token's make no such pair starts no match, and is not looked up.
    matcher_pairs: Option<Box<[u64; 1024]>>,
    /// Whether a byte begins a token after the first of some matcher rule: a rule's match can run
    /// across the space before a chunk (or whitespace token) only when the chunk begins with such a byte.
    matcher_later: [bool; 256],
    sent_punct: FxHashSet<&'static str>,
    /// The characters of `sent_punct`'s tokens: the ASCII ones as a table, the others sorted.
    sent_ascii: [bool; 128],
    sent_other: Vec<char>,
    /// The [`SENT_SPACE`], [`SENT_PUNCT`] and [`SENT_OTHER`] bits of each ASCII byte, for the scan of
    /// [`EnglishTokenizer::count_sentences`].
    sent_class: [u8; 128],
}

/// Chunks (non-space runs) and their token spans, kept per thread like spaCy's own cache; emptied when it
/// holds `CACHE_CHUNKS` entries, so memory stays bounded. The cache never changes a result.
const CACHE_CHUNKS: usize = 100_000;

type ChunkCache = FxHashMap<Box<str>, Box<[(u32, u32)]>>;

thread_local! {
    static CACHE: RefCell<ChunkCache> = RefCell::new(FxHashMap::default());
    /// The token buffer, reused from text to text.
    static TOKENS: RefCell<Vec<Token>> = const { RefCell::new(Vec::new()) };
    /// The buffer the special-case matcher pass splices its tokens into, swapped with the token buffer
    /// (so neither is allocated afresh for each text).
    static SPLICED: RefCell<Vec<Token>> = const { RefCell::new(Vec::new()) };
}

/// The shared English tokenizer.
pub(crate) fn english() -> &'static EnglishTokenizer {
    static EN: OnceLock<EnglishTokenizer> = OnceLock::new();
    EN.get_or_init(EnglishTokenizer::new)
}

/// Runs `f` with this thread's token buffer, reused from text to text (a fresh one if re-entered).
fn with_token_buffer<R>(f: impl FnOnce(&mut Vec<Token>) -> R) -> R {
    with_buffer(&TOKENS, f)
}

/// Runs `f` with one of this thread's token buffers (a fresh one if re-entered).
fn with_buffer<R>(
    key: &'static std::thread::LocalKey<RefCell<Vec<Token>>>,
    f: impl FnOnce(&mut Vec<Token>) -> R,
) -> R {
    key.with(|cell| {
        let mut fresh = Vec::new();
        let mut borrowed = cell.try_borrow_mut();
        let tokens = match borrowed.as_deref_mut() {
            Ok(tokens) => tokens,
            Err(_) => &mut fresh, // re-entered on this thread: a buffer of its own
        };
        f(tokens)
    })
}

thread_local! {
    /// The last text split into words on this thread and its word spans: the filters of one pipeline
    /// run one after another on the same text in the same thread, so the words are computed once (as
    /// datatrove's `lru_cache` on `split_into_parts` does).
    static LAST_WORDS: RefCell<(String, Vec<(usize, usize)>)> = const { RefCell::new((String::new(), Vec::new())) };
}

/// datatrove's `split_into_words(text, "en")`.
pub(crate) fn split_into_words(text: &str) -> Vec<&str> {
    let cached = LAST_WORDS.with(|last| {
        let last = last.borrow();
        (last.0 == text).then(|| {
            last.1
                .iter()
                .filter_map(|&(a, b)| text.get(a..b))
                .collect::<Vec<&str>>()
        })
    });
    if let Some(words) = cached {
        return words;
    }
    let words = english().words(text);
    let base = text.as_ptr() as usize;
    LAST_WORDS.with(|last| {
        let mut last = last.borrow_mut();
        last.0.clear();
        last.0.push_str(text);
        last.1.clear();
        // each word is a slice of `text`, so its offset is its pointer minus the text's
        last.1.extend(words.iter().map(|w| {
            let start = w.as_ptr() as usize - base;
            (start, start + w.len())
        }));
    });
    words
}

/// The number of words `split_into_words(text)` returns, counted without collecting them.
pub(crate) fn count_words(text: &str) -> usize {
    let cached = LAST_WORDS.with(|last| {
        let last = last.borrow();
        (last.0 == text).then_some(last.1.len())
    });
    cached.unwrap_or_else(|| {
        let en = english();
        en.with_tokens(text, |tokens| tokens.iter().filter_map(|t| word(text, t)).count())
    })
}

/// The word a token is, if any: its text, unless it is whitespace. Inlined into the per-token walks.
#[inline]
fn word<'t>(text: &'t str, t: &Token) -> Option<&'t str> {
    text.get(t.start..t.end)
        .filter(|w| !t.space && !w.chars().all(is_py_space))
}

/// The number of sentences datatrove's `split_into_sentences(text, "en")` returns.
pub(crate) fn count_sentences(text: &str) -> usize {
    english().count_sentences(text)
}

/// `pattern` with every negative look-ahead group `(?!…)` removed: a pattern matching a superset of
/// what `pattern` matches (a negative look-ahead only ever rules a match out). Escapes (`\x`) and
/// bracketed classes are skipped over when matching parentheses.
fn without_negative_lookaheads(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    // the nesting depth inside a removed group (0: keeping), and whether inside `[…]`
    let (mut depth, mut in_class) = (0usize, false);
    let mut chars = pattern.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let keep = depth == 0;
        match c {
            '\\' => {
                let next = chars.next().map(|(_, n)| n);
                if keep {
                    out.push(c);
                    out.extend(next);
                }
                continue;
            }
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => {
                if depth > 0 {
                    depth += 1;
                } else if pattern.get(i..).is_some_and(|rest| rest.starts_with("(?!")) {
                    depth = 1;
                }
            }
            ')' if !in_class && depth > 0 => {
                depth -= 1;
                continue;
            }
            _ => {}
        }
        if depth == 0 {
            out.push(c);
        }
    }
    out
}

/// `pattern` with every bracketed class of `\x{…}` characters and ranges that holds a character past
/// ASCII widened to hold them all (its ASCII members kept, then `\x{80}-\x{10FFFF}`): a pattern matching
/// a superset of what `pattern` matches (a wider class never rules a match out), and far cheaper to
/// compile. spaCy's URL pattern repeats Unicode's letter and digit classes dozens of times (`{1,3}`,
/// `{2,63}`); compiled as they are, they took 6 to 9 ms of every run's start, widened well under one.
/// Other classes (negated, or of other syntax) are kept as they are.
fn widen_non_ascii_classes(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(at) = rest.find(['\\', '[']) {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        if let Some(escaped) = from.strip_prefix('\\') {
            // an escape outside a class: copied with the character it escapes
            let len = 1 + escaped.chars().next().map_or(0, char::len_utf8);
            out.push_str(from.get(..len).unwrap_or(from));
            rest = from.get(len..).unwrap_or_default();
            continue;
        }
        let Some(end) = class_len(from) else {
            out.push_str(from);
            return out;
        };
        let class = from.get(..end).unwrap_or_default();
        match class_ranges(class) {
            Some(ranges) if ranges.iter().any(|&(_, hi)| hi > 0x7f) => {
                out.push('[');
                for (lo, hi) in ranges.into_iter().filter(|&(lo, _)| lo <= 0x7f) {
                    out.push_str(&format!("\\x{{{lo:X}}}-\\x{{{:X}}}", hi.min(0x7f)));
                }
                out.push_str("\\x{80}-\\x{10FFFF}]");
            }
            _ => out.push_str(class),
        }
        rest = from.get(end..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// The characters of a positive class `[…]` written only as `\x{…}` and `\x{…}-\x{…}`, as inclusive
/// ranges; `None` for any other class.
fn class_ranges(class: &str) -> Option<Vec<(u32, u32)>> {
    let mut body = class.strip_prefix('[')?.strip_suffix(']')?;
    let mut ranges = Vec::new();
    let hex = |s: &str| -> Option<(u32, usize)> {
        let digits = s.strip_prefix("\\x{")?;
        let close = digits.find('}')?;
        Some((u32::from_str_radix(digits.get(..close)?, 16).ok()?, close + 4))
    };
    while !body.is_empty() {
        let (lo, len) = hex(body)?;
        body = body.get(len..)?;
        let hi = match body.strip_prefix('-') {
            Some(after) => {
                let (hi, len) = hex(after)?;
                body = after.get(len..)?;
                hi
            }
            None => lo,
        };
        ranges.push((lo, hi));
    }
    Some(ranges)
}

/// One top-level alternative `(?<=[B])M(?=[A])` of spaCy's infix pattern (each look-around optional, and
/// one character wide), as the plain regex `^[B]M[A]`: matched from the character before a position (when
/// it has `[B]`), its match less the last character (when it has `[A]`) is the infix. A backtracking
/// engine tries M's choices in order and keeps the first that the look-ahead accepts; `regex`'s
/// leftmost-first search returns that same match.
struct InfixAlternative {
    regex: regex::Regex,
    behind: bool,
    ahead: bool,
}

/// The top-level alternatives of `(?:a|b|…)`, split at the `|` outside groups, classes and escapes.
fn top_level_alternatives(pattern: &str) -> Option<Vec<&str>> {
    let body = pattern.strip_prefix("(?:")?.strip_suffix(')')?;
    let mut alternatives = Vec::new();
    let (mut depth, mut in_class, mut start) = (0usize, false, 0);
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => depth = depth.checked_sub(1)?,
            '|' if !in_class && depth == 0 => {
                alternatives.push(body.get(start..i)?);
                start = i + 1;
            }
            _ => {}
        }
    }
    alternatives.push(body.get(start..)?);
    (depth == 0).then_some(alternatives)
}

/// The length of the bracketed class at the start of `s` (`[` to its closing `]`), if `s` starts with one.
fn class_len(s: &str) -> Option<usize> {
    let mut chars = s.char_indices();
    if chars.next()?.1 != '[' {
        return None;
    }
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' => return None, // nested classes: not the generated form
            ']' => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// `pattern`'s alternatives as [`InfixAlternative`]s, or `None` if one is not of that form.
fn infix_alternatives(pattern: &str) -> Option<Vec<InfixAlternative>> {
    top_level_alternatives(pattern)?
        .into_iter()
        .map(|alternative| {
            let (behind, rest) = match alternative.strip_prefix("(?<=") {
                Some(rest) => {
                    let len = class_len(rest)?;
                    (rest.get(..len), rest.get(len..)?.strip_prefix(')')?)
                }
                None => (None, alternative),
            };
            let (body, ahead) = match rest.rfind("(?=") {
                Some(i) => {
                    let class = rest.get(i + 3..)?.strip_suffix(')')?;
                    if class_len(class)? != class.len() {
                        return None;
                    }
                    (rest.get(..i)?, Some(class))
                }
                None => (rest, None),
            };
            if ["(?=", "(?!", "(?<"].iter().any(|look| body.contains(look)) {
                return None;
            }
            let regex = regex::Regex::new(&format!(
                "^{}(?:{body}){}",
                behind.unwrap_or_default(),
                ahead.unwrap_or_default()
            ))
            .ok()?;
            Some(InfixAlternative {
                regex,
                behind: behind.is_some(),
                ahead: ahead.is_some(),
            })
        })
        .collect()
}

fn compile(pattern: &str) -> Regex {
    // The patterns are generated constants; the unit test `tables_compile` proves they compile, so a
    // failure here is a broken build, not bad input.
    #[allow(clippy::expect_used)]
    Regex::new(pattern).expect("generated spaCy pattern compiles")
}

fn compile_plain(pattern: &str) -> regex::Regex {
    // As `compile`: generated constants, proven by `tables_compile`.
    #[allow(clippy::expect_used)]
    regex::Regex::new(pattern).expect("generated spaCy pattern compiles")
}

/// spaCy's sentencizer part-way through a text: the sentences so far and whether the last token that
/// was not punctuation was followed by one of the sentencizer's punctuation tokens.
#[derive(Debug, Clone, Copy)]
struct Sentencizer {
    sentences: usize,
    seen_period: bool,
}

impl Default for Sentencizer {
    /// Before the first token: one sentence.
    fn default() -> Sentencizer {
        Sentencizer {
            sentences: 1,
            seen_period: false,
        }
    }
}

/// Consecutive pieces (chunks and whitespace tokens) of a text that the special-case matcher may join,
/// for [`EnglishTokenizer::count_sentences`]: their byte range, whether one holds a character of the
/// sentencizer's punctuation, and whether one holds a character that is not punctuation.
#[derive(Debug, Default)]
struct Segment {
    range: std::ops::Range<usize>,
    punct: bool,
    other: bool,
}

impl EnglishTokenizer {
    fn new() -> EnglishTokenizer {
        let mut tokenizer = EnglishTokenizer {
            prefix_plain: compile_plain(spacy_en_tables::PREFIX_PLAIN),
            suffix_plain: compile_plain(spacy_en_tables::SUFFIX_PLAIN),
            suffix_behind: spacy_en_tables::SUFFIX_BEHIND
                .iter()
                .map(|&(pattern, width)| (compile_plain(pattern), width))
                .collect(),
            suffix_behind_any: regex::Regex::new(
                &spacy_en_tables::SUFFIX_BEHIND
                    .iter()
                    .map(|&(pattern, _)| format!("(?:{pattern})"))
                    .collect::<Vec<String>>()
                    .join("|"),
            )
            .ok(),
            infix: compile(spacy_en_tables::INFIX),
            infix_alternatives: infix_alternatives(spacy_en_tables::INFIX),
            infix_superset: regex::Regex::new(
                &spacy_en_tables::INFIX
                    .replace("(?<=", "(?:")
                    .replace("(?=", "(?:"),
            )
            .ok(),
            url: compile(spacy_en_tables::URL),
            url_superset: regex::Regex::new(&widen_non_ascii_classes(&without_negative_lookaheads(
                spacy_en_tables::URL,
            )))
            .ok(),
            specials: PrefilteredMap::new(spacy_en_tables::SPECIALS.iter().copied().collect()),
            matcher: PrefilteredMap::new(FxHashMap::default()),
            matcher_pairs: None,
            matcher_later: [false; 256],
            sent_punct: spacy_en_tables::SENT_PUNCT.iter().copied().collect(),
            sent_ascii: [false; 128],
            sent_other: Vec::new(),
            sent_class: [0; 128],
        };
        for c in spacy_en_tables::SENT_PUNCT.iter().flat_map(|p| p.chars()) {
            match tokenizer.sent_ascii.get_mut(c as usize) {
                Some(flag) => *flag = true,
                None => tokenizer.sent_other.push(c),
            }
        }
        for (b, class) in (0u8..).zip(tokenizer.sent_class.iter_mut()) {
            let c = char::from(b);
            *class = if is_ascii_py_space(b) {
                SENT_SPACE
            } else {
                let punct = tokenizer.sent_ascii.get(usize::from(b)) == Some(&true);
                u8::from(punct) * SENT_PUNCT + u8::from(!unicode::is_punct(c)) * SENT_OTHER
            };
        }
        tokenizer.sent_other.sort_unstable();
        tokenizer.sent_other.dedup();
        // spaCy (faster_heuristics) adds to its matcher the special cases containing an affix or a space.
        let mut matcher: FxHashMap<String, Vec<MatcherRule>> = FxHashMap::default();
        for &(key, _) in spacy_en_tables::SPECIALS {
            if key.chars().all(is_py_space) {
                continue; // whitespace tokens never reach a word list
            }
            let has_affix = tokenizer.find_prefix(key) != 0
                || tokenizer.find_suffix(key) != 0
                || tokenizer.has_infix(key)
                || key.contains(' ');
            if !has_affix {
                continue;
            }
            let mut tokens = Vec::new();
            tokenizer.tokenize_affixes(key, false, &mut tokens);
            let pattern: Vec<String> = tokens
                .iter()
                .filter_map(|t| key.get(t.start..t.end))
                .map(str::to_owned)
                .collect();
            // a one-token rule whose special case is that token changes nothing (it is taken after every
            // longer match, so it blocks none)
            let unchanged = |parts: &&[&str]| parts.len() == 1 && parts.first() == Some(&key);
            if pattern.len() == 1 && tokenizer.specials.get(key).is_some_and(unchanged) {
                continue;
            }
            if let Some(first) = pattern.first() {
                matcher
                    .entry(first.clone())
                    .or_default()
                    .push(MatcherRule { pattern });
            }
        }
        let rules = || matcher.values().flatten();
        for token in rules().flat_map(|rule| rule.pattern.iter().skip(1)) {
            if let Some(flag) = token
                .bytes()
                .next()
                .and_then(|b| tokenizer.matcher_later.get_mut(usize::from(b)))
            {
                *flag = true;
            }
        }
        if rules().all(|rule| rule.pattern.len() >= 2) {
            let mut pairs = Box::new([0u64; 1024]);
            for rule in rules() {
                let first_byte = |k: usize| rule.pattern.get(k).and_then(|token| token.bytes().next());
                if let (Some(a), Some(b)) = (first_byte(0), first_byte(1)) {
                    let bit = usize::from(a) << 8 | usize::from(b);
                    if let Some(word) = pairs.get_mut(bit / 64) {
                        *word |= 1 << (bit % 64);
                    }
                }
            }
            tokenizer.matcher_pairs = Some(pairs);
        }
        tokenizer.matcher = PrefilteredMap::new(matcher);
        tokenizer
    }

    /// spaCy's `find_prefix` (`prefix_search`, the first piece in order that matches at the start): the
    /// look-ahead piece `\+(?![0-9])` comes before every other piece that can match a `+`, so it is
    /// tried first, then the others.
    fn find_prefix(&self, s: &str) -> usize {
        let mut chars = s.chars();
        if chars.next() == Some('+') && !chars.next().is_some_and(|c| c.is_ascii_digit()) {
            return 1;
        }
        self.prefix_plain.find(s).map_or(0, |m| m.end() - m.start())
    }

    /// spaCy's `find_suffix` (`suffix_search`, a search for `alt1$|alt2$|…`): every alternative ends at
    /// the end, so the leftmost match starts at the smallest position from which any alternative matches
    /// to the end; its length is returned (0 for none).
    fn find_suffix(&self, s: &str) -> usize {
        let mut start = self.suffix_plain.find(s).map_or(s.len(), |m| m.start());
        if self
            .suffix_behind_any
            .as_ref()
            .is_some_and(|any| !any.is_match(s))
        {
            return s.len() - start;
        }
        for (re, width) in &self.suffix_behind {
            if let Some(m) = re.find(s) {
                // the match begins with the look-behind's `width` characters: skip them
                let tail = s.get(m.start()..).unwrap_or_default();
                let skip: usize = tail.chars().take(*width).map(char::len_utf8).sum();
                start = start.min(m.start() + skip);
            }
        }
        s.len() - start
    }

    /// spaCy's `url_match`. Both of its branches (a host name with a top-level domain, or an IPv4 address)
    /// need a `.`, so a string without one is not tried.
    fn is_url(&self, s: &str) -> bool {
        s.contains('.')
            && self.url_superset.as_ref().is_none_or(|re| re.is_match(s))
            && matches!(self.url.is_match(s), Ok(true))
    }

    /// Whether `s` has a character an infix match can start with (if not, it has no infix).
    fn may_have_infix(s: &str) -> bool {
        s.chars()
            .any(|c| unicode::in_ranges(spacy_en_tables::INFIX_FIRST, c))
    }

    /// Where `infix` matches in `s`, in order, as `re.finditer` finds them: the matches as byte ranges.
    fn infix_spans(&self, s: &str) -> Vec<(usize, usize)> {
        let Some(alternatives) = &self.infix_alternatives else {
            return self
                .infix
                .find_iter(s)
                .map_while(Result::ok)
                .map(|m| (m.start(), m.end()))
                .collect();
        };
        let mut spans = Vec::new();
        let (mut at, mut before) = (0usize, 0usize); // a position, and the width of the character before it
        while let Some(c) = s.get(at..).and_then(|rest| rest.chars().next()) {
            let end = unicode::in_ranges(spacy_en_tables::INFIX_FIRST, c)
                .then(|| {
                    alternatives.iter().find_map(|alternative| {
                        let from = if alternative.behind {
                            at.checked_sub(before).filter(|_| before > 0)?
                        } else {
                            at
                        };
                        let found = alternative.regex.find(s.get(from..)?)?;
                        let mut end = from + found.end();
                        if alternative.ahead {
                            end -= found.as_str().chars().next_back()?.len_utf8();
                        }
                        (end > at).then_some(end)
                    })
                })
                .flatten();
            match end {
                Some(end) => {
                    spans.push((at, end));
                    before = s
                        .get(..end)
                        .and_then(|done| done.chars().next_back())
                        .map_or(0, char::len_utf8);
                    at = end;
                }
                None => {
                    before = c.len_utf8();
                    at += before;
                }
            }
        }
        spans
    }

    fn has_infix(&self, s: &str) -> bool {
        Self::may_have_infix(s) && matches!(self.infix.find(s), Ok(Some(_)))
    }

    fn is_special(&self, s: &str, with_specials: bool) -> bool {
        with_specials && self.specials.contains_key(s)
    }

    fn push_special(&self, chunk: &str, base: usize, out: &mut Vec<Token>) -> bool {
        let Some(parts) = self.specials.get(chunk) else {
            return false;
        };
        let mut at = base;
        for part in parts.iter() {
            out.push(Token {
                start: at,
                end: at + part.len(),
                space: false,
            });
            at += part.len();
        }
        true
    }

    /// spaCy's `_tokenize_affixes`: splits at whitespace, then tokenizes each chunk. One pass over the
    /// bytes finds each chunk's end and its [`Shape`]; a single space after a chunk is that chunk's
    /// trailing space, any other run of whitespace a whitespace token.
    fn tokenize_affixes(&self, text: &str, with_specials: bool, out: &mut Vec<Token>) {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let start = i;
            let mut shape = Shape::default();
            // most chunks begin with a run of ASCII letters: up to 8 of them are taken at once
            let letters = leading_ascii_letters(bytes, i);
            if letters > 0 {
                shape.push_letters(letters);
                i += letters;
            }
            while let Some(&b) = bytes.get(i) {
                if let Some(&class) = ASCII_CLASS.get(usize::from(b)) {
                    if class & SPACE != 0 {
                        break;
                    }
                    shape.push(class);
                    i += 1;
                } else {
                    let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
                        break;
                    };
                    if is_py_space(c) {
                        break;
                    }
                    shape.push_other(c);
                    i += c.len_utf8();
                }
            }
            if start < i {
                self.tokenize_span(text, start, i, shape, with_specials, out);
            }
            let ws_from = i;
            while let Some(&b) = bytes.get(i) {
                if b.is_ascii() {
                    if !is_ascii_py_space(b) {
                        break;
                    }
                    i += 1;
                } else {
                    match text.get(i..).and_then(|rest| rest.chars().next()) {
                        Some(c) if is_py_space(c) => i += c.len_utf8(),
                        _ => break,
                    }
                }
            }
            // after a chunk (not at the start of the text), a first ' ' belongs to the chunk
            let ws_start = if ws_from > 0 && bytes.get(ws_from) == Some(&b' ') {
                ws_from + 1
            } else {
                ws_from
            };
            if ws_start < i {
                out.push(Token {
                    start: ws_start,
                    end: i,
                    space: true,
                });
            }
        }
    }

    /// One chunk (a non-space run) at `start..end` of `text`, of the given shape.
    fn tokenize_span(
        &self,
        text: &str,
        start: usize,
        end: usize,
        shape: Shape,
        with_specials: bool,
        out: &mut Vec<Token>,
    ) {
        let Some(chunk) = text.get(start..end) else {
            return;
        };
        if !with_specials {
            self.tokenize_chunk(chunk, start, false, out);
            return;
        }
        // fast path: letters only (Python's `isalpha`), or ASCII digits only, and no special case: no
        // prefix, suffix or infix rule applies (each needs a symbol or punctuation, or letters and digits
        // together), and a URL needs a `.`, so the chunk is one token
        if (shape.letters() || shape.digits()) && !self.specials.contains_key(chunk) {
            out.push(Token {
                start,
                end,
                space: false,
            });
            return;
        }
        // fast path: letters and one final `,` `;` `:` `!` `?` (or `.` after an ASCII lowercase
        // letter), not a special case: the mark is the only suffix (spaCy's LIST_PUNCT, or its `.` after
        // a lowercase letter), and the letters are one token or a special case
        if let Some((&last, letters)) = chunk.as_bytes().split_last()
            && !letters.is_empty()
            && shape.letters_but_last()
            && (matches!(last, b',' | b';' | b':' | b'!' | b'?')
                || (last == b'.' && letters.last().is_some_and(u8::is_ascii_lowercase)))
            && !self.specials.contains_key(chunk)
        {
            let cut = end - 1;
            let base = text.get(start..cut).unwrap_or_default();
            if !self.push_special(base, start, out) {
                out.push(Token {
                    start,
                    end: cut,
                    space: false,
                });
            }
            out.push(Token {
                start: cut,
                end,
                space: false,
            });
            return;
        }
        let hit = CACHE.with(|cache| {
            let cache = cache.borrow();
            let spans = cache.get(chunk)?;
            out.extend(spans.iter().map(|&(a, b)| Token {
                start: start + a as usize,
                end: start + b as usize,
                space: false,
            }));
            Some(())
        });
        if hit.is_some() {
            return;
        }
        let first = out.len();
        self.tokenize_chunk(chunk, start, true, out);
        let spans: Option<Box<[(u32, u32)]>> = out
            .get(first..)
            .unwrap_or_default()
            .iter()
            .map(|t| {
                Some((
                    u32::try_from(t.start - start).ok()?,
                    u32::try_from(t.end - start).ok()?,
                ))
            })
            .collect();
        if let Some(spans) = spans {
            CACHE.with(|cache| {
                let mut cache = cache.borrow_mut();
                if cache.len() >= CACHE_CHUNKS {
                    cache.clear();
                }
                cache.insert(chunk.into(), spans);
            });
        }
    }

    /// One non-space chunk: special case, or `_split_affixes` then `_attach_tokens`.
    fn tokenize_chunk(&self, chunk: &str, base: usize, with_specials: bool, out: &mut Vec<Token>) {
        if with_specials && self.push_special(chunk, base, out) {
            return;
        }
        let mut lo = 0usize;
        let mut hi = chunk.len();
        let mut prefixes: Vec<(usize, usize)> = Vec::new();
        let mut suffixes: Vec<(usize, usize)> = Vec::new();
        let mut last_size = 0usize;
        while lo < hi && hi - lo != last_size {
            let Some(cur) = chunk.get(lo..hi) else { break };
            if self.is_special(cur, with_specials) {
                break;
            }
            last_size = hi - lo;
            let pre_len = self.find_prefix(cur);
            if pre_len != 0 {
                let minus_pre = cur.get(pre_len..).unwrap_or_default();
                if !minus_pre.is_empty() && self.is_special(minus_pre, with_specials) {
                    prefixes.push((lo, lo + pre_len));
                    lo += pre_len;
                    break;
                }
            }
            let suf_len = self.find_suffix(cur.get(pre_len..).unwrap_or_default());
            if suf_len != 0 {
                let minus_suf = cur.get(..cur.len() - suf_len).unwrap_or_default();
                if !minus_suf.is_empty() && self.is_special(minus_suf, with_specials) {
                    suffixes.push((hi - suf_len, hi));
                    hi -= suf_len;
                    break;
                }
            }
            if pre_len != 0 && suf_len != 0 && pre_len + suf_len <= cur.len() {
                prefixes.push((lo, lo + pre_len));
                suffixes.push((hi - suf_len, hi));
                lo += pre_len;
                hi -= suf_len;
            } else if pre_len != 0 {
                prefixes.push((lo, lo + pre_len));
                lo += pre_len;
            } else if suf_len != 0 {
                suffixes.push((hi - suf_len, hi));
                hi -= suf_len;
            }
        }
        let push = |out: &mut Vec<Token>, a: usize, b: usize| {
            out.push(Token {
                start: base + a,
                end: base + b,
                space: false,
            })
        };
        for &(a, b) in &prefixes {
            push(out, a, b);
        }
        if lo < hi {
            let rest = chunk.get(lo..hi).unwrap_or_default();
            if with_specials && self.push_special(rest, base + lo, out) {
                // special case
            } else if self.is_url(rest)
                || !Self::may_have_infix(rest)
                || self.infix_superset.as_ref().is_some_and(|re| !re.is_match(rest))
            {
                push(out, lo, hi);
            } else {
                let mut start = 0usize;
                let mut any = false;
                for (m_start, m_end) in self.infix_spans(rest) {
                    any = true;
                    if m_start == 0 {
                        continue;
                    }
                    if m_start != start {
                        push(out, lo + start, lo + m_start);
                    }
                    if m_start != m_end {
                        push(out, lo + m_start, lo + m_end);
                    }
                    start = m_end;
                }
                if !any {
                    push(out, lo, hi);
                } else if start < rest.len() {
                    push(out, lo + start, hi);
                }
            }
        }
        for &(a, b) in suffixes.iter().rev() {
            push(out, a, b);
        }
    }

    /// The whole of spaCy's tokenizer on `text`: affixes, then the special-case matcher pass.
    fn tokens(&self, text: &str, tokens: &mut Vec<Token>) {
        tokens.clear();
        self.tokenize_affixes(text, true, tokens);
        with_buffer(&SPLICED, |spliced| {
            if self.apply_special_matches(text, tokens, spliced) {
                std::mem::swap(tokens, spliced);
            }
        });
    }

    /// Runs `f` on the tokens of `text`, in a buffer this thread reuses from text to text.
    fn with_tokens<R>(&self, text: &str, f: impl FnOnce(&[Token]) -> R) -> R {
        with_token_buffer(|tokens| {
            self.tokens(text, tokens);
            f(tokens)
        })
    }

    /// spaCy's special-case matcher pass: when it changes any token, writes the tokens after it to `out`
    /// (emptied first) and returns true; otherwise returns false and leaves `out` as it was. The tokens
    /// between matches are copied a run at a time.
    fn apply_special_matches(&self, text: &str, tokens: &[Token], out: &mut Vec<Token>) -> bool {
        let kept = self.special_matches(text, tokens);
        if kept.is_empty() {
            return false;
        }
        out.clear();
        out.reserve(tokens.len());
        // the kept matches do not overlap: copy the run before each, then the match's special case
        let mut i = 0;
        for &(s, e) in &kept {
            out.extend_from_slice(tokens.get(i..s).unwrap_or_default());
            let (Some(first), Some(last)) = (tokens.get(s), tokens.get(e - 1)) else {
                break;
            };
            let span_text = text.get(first.start..last.end).unwrap_or_default();
            if !self.push_special(span_text, first.start, out) {
                out.extend_from_slice(tokens.get(s..e).unwrap_or_default());
            }
            i = e;
        }
        out.extend_from_slice(tokens.get(i..).unwrap_or_default());
        true
    }

    /// The token ranges `(start, end)` the matcher pass replaces, in order and not overlapping: every
    /// window of tokens that is a rule's pattern, taken longest first (spaCy's `len_start_cmp`), unless
    /// its first or last token is in one taken before.
    fn special_matches(&self, text: &str, tokens: &[Token]) -> Vec<(usize, usize)> {
        let tok_text = |t: &Token| text.get(t.start..t.end).unwrap_or_default();
        // (start, end) token ranges of every match
        let mut found: Vec<(usize, usize)> = Vec::new();
        let bytes = text.as_bytes();
        // the rules matching at token i, added to `found`
        let mut match_at = |i: usize, t: &Token| {
            let Some(rules) = self.matcher.get(tok_text(t)) else {
                return;
            };
            for rule in rules {
                let n = rule.pattern.len();
                let Some(window) = tokens.get(i..i + n) else {
                    continue;
                };
                if window
                    .iter()
                    .zip(&rule.pattern)
                    .all(|(t, p)| tok_text(t) == p.as_str())
                {
                    found.push((i, i + n));
                }
            }
        };
        match self.matcher_pairs.as_deref() {
            Some(pairs) => {
                // every rule has a second token: the last token starts none, and a token is looked up
                // only when its first byte and the next token's are a rule's pair (each token's first
                // byte is read once, carried from the pair before)
                let first_byte = |t: &Token| bytes.get(t.start).copied();
                let mut a = tokens.first().and_then(first_byte);
                for (i, pair) in tokens.windows(2).enumerate() {
                    let [t, next] = pair else { continue };
                    let b = first_byte(next);
                    if let (Some(a), Some(b)) = (a, b) {
                        let bit = usize::from(a) << 8 | usize::from(b);
                        if pairs
                            .get(bit / 64)
                            .is_some_and(|word| word & (1 << (bit % 64)) != 0)
                        {
                            match_at(i, t);
                        }
                    }
                    a = b;
                }
            }
            None => {
                for (i, t) in tokens.iter().enumerate() {
                    match_at(i, t);
                }
            }
        }
        if found.is_empty() {
            return found;
        }
        found.sort_unstable();
        found.dedup();
        // spaCy's len_start_cmp (shorter first; equal lengths by descending start), taken from the back
        found.sort_by(|a, b| (a.1 - a.0).cmp(&(b.1 - b.0)).then(b.0.cmp(&a.0)));
        let mut seen = FxHashSet::default();
        let mut kept: Vec<(usize, usize)> = Vec::new();
        for &(s, e) in found.iter().rev() {
            if !seen.contains(&s) && !seen.contains(&(e - 1)) {
                kept.push((s, e));
            }
            seen.extend(s..e);
        }
        kept.sort_by_key(|span| span.0);
        kept
    }

    /// The word list of `text` (whitespace tokens removed).
    pub(crate) fn words<'t>(&self, text: &'t str) -> Vec<&'t str> {
        self.with_tokens(text, |tokens| {
            tokens.iter().filter_map(|t| word(text, t)).collect()
        })
    }

    /// The number of sentences spaCy's `sentencizer` finds in `text` (at least 1 for non-empty text).
    /// The sentencizer starts a sentence only after a token of its punctuation, so a text without any of
    /// those tokens' characters is one sentence, known without splitting it.
    pub(crate) fn count_sentences(&self, text: &str) -> usize {
        if !text.chars().any(|c| self.in_sentence_punct(c)) {
            return 1;
        }
        with_token_buffer(|tokens| self.count_sentences_in(text, tokens))
    }

    /// [`EnglishTokenizer::count_sentences`] on a text with some of the sentencizer's punctuation, with
    /// a token buffer.
    fn count_sentences_in(&self, text: &str, tokens: &mut Vec<Token>) -> usize {
        let mut state = Sentencizer::default();
        let mut segment = Segment::default();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // a chunk (a non-space run), as `tokenize_affixes` finds it
            let start = i;
            let (mut punct, mut other) = (false, false);
            while let Some(&b) = bytes.get(i) {
                if let Some(&class) = self.sent_class.get(usize::from(b)) {
                    if class & SENT_SPACE != 0 {
                        break;
                    }
                    punct |= class & SENT_PUNCT != 0;
                    other |= class & SENT_OTHER != 0;
                    i += 1;
                    continue;
                }
                let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
                    break;
                };
                if is_py_space(c) {
                    break;
                }
                punct |= self.in_sentence_punct(c);
                // one character that is not punctuation settles it: the search is skipped after
                other = other || !unicode::is_punct(c);
                i += c.len_utf8();
            }
            if start < i {
                self.sentence_piece(text, start..i, punct, other, &mut segment, &mut state, tokens);
            }
            // the whitespace after it, a token unless it is the chunk's single trailing space
            let ws_from = i;
            while let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) {
                if !is_py_space(c) {
                    break;
                }
                i += c.len_utf8();
            }
            let ws_start = if ws_from > 0 && bytes.get(ws_from) == Some(&b' ') {
                ws_from + 1
            } else {
                ws_from
            };
            if ws_start < i {
                self.sentence_piece(text, ws_start..i, false, true, &mut segment, &mut state, tokens);
            }
        }
        self.sentence_segment(text, &segment, &mut state, tokens);
        state.sentences
    }

    /// Adds one piece of text (a chunk or a whitespace token, at `range`) to the current segment: the
    /// pieces a matcher rule may join are tokenized together, so each segment's tokens are the whole
    /// text's. A piece that no rule can continue into closes the segment before it (see
    /// [`EnglishTokenizer::sentence_segment`]). `punct`: the piece has a character of the sentencizer's
    /// punctuation; `other`: a character that is not punctuation.
    #[allow(clippy::too_many_arguments)]
    fn sentence_piece(
        &self,
        text: &str,
        range: std::ops::Range<usize>,
        punct: bool,
        other: bool,
        segment: &mut Segment,
        state: &mut Sentencizer,
        tokens: &mut Vec<Token>,
    ) {
        let joined = text
            .as_bytes()
            .get(range.start)
            .is_some_and(|&b| self.matcher_later.get(usize::from(b)) == Some(&true));
        if !joined && !segment.range.is_empty() {
            self.sentence_segment(text, segment, state, tokens);
            *segment = Segment {
                range: range.start..range.start,
                ..Segment::default()
            };
        }
        if segment.range.is_empty() {
            segment.range.start = range.start;
        }
        segment.range.end = range.end;
        segment.punct |= punct;
        segment.other |= other;
    }

    /// Runs the sentencizer over one segment's tokens. A segment without a character of the
    /// sentencizer's punctuation has no token that marks a period, so only whether it has a token that
    /// is not punctuation (a character that is not; whitespace tokens are not) matters, and it is not
    /// tokenized.
    fn sentence_segment(
        &self,
        text: &str,
        segment: &Segment,
        state: &mut Sentencizer,
        tokens: &mut Vec<Token>,
    ) {
        if !segment.punct {
            if state.seen_period && segment.other {
                state.sentences += 1;
                state.seen_period = false;
            }
            return;
        }
        let part = text.get(segment.range.clone()).unwrap_or_default();
        self.tokens(part, tokens);
        for t in tokens.iter() {
            self.sentence_step(part.get(t.start..t.end).unwrap_or_default(), state);
        }
    }

    /// Whether `c` is a character of one of the sentencizer's punctuation tokens.
    fn in_sentence_punct(&self, c: char) -> bool {
        match self.sent_ascii.get(c as usize) {
            Some(&flag) => flag,
            None => self.sent_other.binary_search(&c).is_ok(),
        }
    }

    /// The sentencizer over all of a text's tokens: what [`EnglishTokenizer::count_sentences`] gives
    /// without skipping any piece (the tests' reference).
    #[cfg(test)]
    fn count_sentences_of(&self, text: &str, tokens: &[Token]) -> usize {
        // datatrove's span arithmetic yields one (empty) sentence for no tokens
        let mut state = Sentencizer::default();
        for t in tokens {
            self.sentence_step(text.get(t.start..t.end).unwrap_or_default(), &mut state);
        }
        state.sentences
    }

    /// spaCy's sentencizer on one more token: a token that is neither punctuation nor of the
    /// sentencizer's punctuation starts a sentence after one that is of it.
    fn sentence_step(&self, s: &str, state: &mut Sentencizer) {
        // a token of the sentencizer's punctuation starts with one of its characters
        let in_punct_chars =
            s.chars().next().is_some_and(|c| self.in_sentence_punct(c)) && self.sent_punct.contains(s);
        let is_punct = || !s.is_empty() && s.chars().all(unicode::is_punct);
        if state.seen_period && !in_punct_chars && !is_punct() {
            // a period was seen, so this is not the first token
            state.sentences += 1;
            state.seen_period = false;
        } else if in_punct_chars {
            state.seen_period = true;
        }
    }
}
