//! Template awareness: lines that repeat on many documents of one host are boilerplate (menus, footers,
//! copyright lines, "most read" lists) and are left out before shingling.
//!
//! A line is compared by its normalised tokens (case, punctuation and spacing ignored), keyed together
//! with the document's host, and counted once per *distinct* document text of that host, so exact
//! copies of one page (print and tracking-parameter URLs) do not make their own body look like
//! boilerplate. A line is boilerplate on a host when it is seen on at least `boilerplate_min_docs`
//! distinct texts of the host **and** on at least `boilerplate_min_share` of them
//! ([`boilerplate_threshold`]): a site's template repeats on a large share of its pages, whereas on a
//! big site a paragraph of content (a quote, a syndicated passage, a stock sentence) turns up on a few
//! pages by chance, and more of them the bigger the site. With a fixed count such paragraphs became
//! "boilerplate" on big hosts and were cut out of their pages before shingling, so a story on a big
//! site lost most of its body and no longer matched its copies elsewhere. The `lines` and
//! `boilerplate` stages count lines out of core; line keys start with the host
//! ([`line_key`]), so the lines of one host are counted together and the host's page count is known.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

/// A hasher for keys that are already 64-bit hashes whose low half is uniformly distributed (a
/// [`line_key`]'s high half is its host's, shared by all lines of the host): one multiplication
/// spreads the low half over the whole hash.
#[derive(Default, Clone, Copy)]
pub(crate) struct PrehashedHasher(u64);

impl Hasher for PrehashedHasher {
    fn finish(&self) -> u64 {
        self.0.wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

pub(crate) type PrehashedSet = HashSet<u64, BuildHasherDefault<PrehashedHasher>>;

/// The key of one line on one host: the high 32 bits are the host's, so sorted
/// line keys come grouped by host; the low 32 bits fold the host key with the line's token hashes (never
/// 0).
pub fn line_key(host: u64, line_tokens: &[u64]) -> u64 {
    let acc = line_tokens
        .iter()
        .fold(line_key_start(host), |acc, &t| line_key_step(acc, t));
    line_key_finish(host, acc)
}

/// The state of a [`line_key`] before the line's first token.
#[inline(always)]
pub(crate) fn line_key_start(host: u64) -> u64 {
    host ^ 0x6c69_6e65 // "line"
}

/// Folds token hash `t` into the state of a [`line_key`].
#[inline(always)]
pub(crate) fn line_key_step(acc: u64, t: u64) -> u64 {
    (acc.rotate_left(27) ^ t).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// The [`line_key`] of host `host` from its state after the line's last token.
#[inline(always)]
pub(crate) fn line_key_finish(host: u64, acc: u64) -> u64 {
    let line = (acc ^ (acc >> 31)) as u32;
    (host & HOST_BITS) | u64::from(line.max(1))
}

/// The high 32 bits of a line key.
const HOST_BITS: u64 = 0xffff_ffff_0000_0000;

/// The host part of a [`line_key`]: equal for every line of one host (and, rarely, of hosts whose keys
/// share their high 32 bits, which are then counted as one).
pub(crate) fn host_of_line_key(key: u64) -> u64 {
    key & HOST_BITS
}

/// The least number of distinct texts of a host with `host_texts` distinct texts that a line must be
/// on to be boilerplate there: `min_docs`, or `min_share` of `host_texts` (rounded up) when that is
/// more.
pub(crate) fn boilerplate_threshold(host_texts: u64, min_docs: u32, min_share: f64) -> u64 {
    let share = (host_texts as f64 * min_share).ceil();
    let share = if share.is_finite() && share > 0.0 {
        share as u64
    } else {
        0
    };
    u64::from(min_docs).max(share)
}

/// The set of boilerplate line keys, counted by the `boilerplate` stage.
#[derive(Debug, Default)]
pub struct BoilerplateLines {
    lines: PrehashedSet,
}

impl BoilerplateLines {
    /// The set of these line keys.
    pub fn from_keys(keys: impl IntoIterator<Item = u64>) -> BoilerplateLines {
        BoilerplateLines {
            lines: keys.into_iter().collect(),
        }
    }

    /// Whether the line with this [`line_key`] is boilerplate.
    pub fn contains(&self, line_key: u64) -> bool {
        self.lines.contains(&line_key)
    }

    /// Number of distinct (host, line) pairs that are boilerplate.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether no line is boilerplate.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

/// Counts, from `(line key, text key)` pairs sorted by line key then text key (the merged runs of the
/// `lines` stage), on how many distinct texts each line of each host is, and passes every boilerplate
/// line key with that count on, in key order. Holds the distinct text keys of one host at a time and its
/// lines seen on at least `min_docs` texts.
#[derive(Debug)]
pub(crate) struct LineCounter {
    min_docs: u32,
    min_share: f64,
    /// The current host ([`host_of_line_key`]) and the distinct text keys seen on it.
    host: Option<u64>,
    host_texts: PrehashedSet,
    /// The current line: its key, its last text key, its distinct texts so far.
    line: Option<(u64, u64, u64)>,
    /// The current host's lines on at least `min_docs` texts, with their counts.
    frequent: Vec<(u64, u64)>,
}

impl LineCounter {
    /// A counter for the thresholds of [`boilerplate_threshold`].
    pub(crate) fn new(min_docs: u32, min_share: f64) -> LineCounter {
        LineCounter {
            min_docs,
            min_share,
            host: None,
            host_texts: PrehashedSet::default(),
            line: None,
            frequent: Vec::new(),
        }
    }

    /// Counts one pair; calls `emit` for the boilerplate lines of a host once all its pairs are in.
    pub(crate) fn push<E>(
        &mut self,
        key: u64,
        text: u64,
        emit: &mut impl FnMut(u64, u64) -> Result<(), E>,
    ) -> Result<(), E> {
        let host = host_of_line_key(key);
        if self.host != Some(host) {
            self.finish_host(emit)?;
            self.host = Some(host);
        }
        self.host_texts.insert(text);
        match self.line.as_mut() {
            Some((k, last, texts)) if *k == key => {
                if *last != text {
                    *last = text;
                    *texts += 1;
                }
            }
            _ => {
                self.end_line();
                self.line = Some((key, text, 1));
            }
        }
        Ok(())
    }

    /// Passes on the boilerplate lines of the last host.
    pub(crate) fn finish<E>(mut self, emit: &mut impl FnMut(u64, u64) -> Result<(), E>) -> Result<(), E> {
        self.finish_host(emit)
    }

    fn end_line(&mut self) {
        if let Some((key, _, texts)) = self.line.take()
            && texts >= u64::from(self.min_docs)
        {
            self.frequent.push((key, texts));
        }
    }

    fn finish_host<E>(&mut self, emit: &mut impl FnMut(u64, u64) -> Result<(), E>) -> Result<(), E> {
        self.end_line();
        let threshold = boilerplate_threshold(self.host_texts.len() as u64, self.min_docs, self.min_share);
        for (key, texts) in self.frequent.drain(..) {
            if texts >= threshold {
                emit(key, texts)?;
            }
        }
        self.host_texts.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The boilerplate lines `LineCounter` finds in these `(line key, text key)` pairs.
    fn count(pairs: &[(u64, u64)], min_docs: u32, min_share: f64) -> Vec<(u64, u64)> {
        let mut sorted = pairs.to_vec();
        sorted.sort_unstable();
        let mut out = Vec::new();
        let mut emit = |key, texts| -> Result<(), ()> {
            out.push((key, texts));
            Ok(())
        };
        let mut counter = LineCounter::new(min_docs, min_share);
        for &(key, text) in &sorted {
            counter.push(key, text, &mut emit).unwrap();
        }
        counter.finish(&mut emit).unwrap();
        out
    }

    #[test]
    fn line_keys_group_by_host() {
        let (a, b) = (0x1234_5678_9abc_def0, 0x0fed_cba9_8765_4321);
        let line = [1u64, 2, 3];
        assert_eq!(
            host_of_line_key(line_key(a, &line)),
            host_of_line_key(line_key(a, &[4]))
        );
        assert_ne!(
            host_of_line_key(line_key(a, &line)),
            host_of_line_key(line_key(b, &line))
        );
        assert_ne!(line_key(a, &line), line_key(a, &[4]));
        assert_ne!(line_key(a, &line) as u32, 0);
    }

    #[test]
    fn threshold_scales_with_the_host() {
        assert_eq!(boilerplate_threshold(10, 3, 0.01), 3);
        assert_eq!(boilerplate_threshold(300, 3, 0.01), 3);
        assert_eq!(boilerplate_threshold(301, 3, 0.01), 4);
        assert_eq!(boilerplate_threshold(20_000, 3, 0.01), 200);
        assert_eq!(boilerplate_threshold(20_000, 3, 0.0), 3);
    }

    #[test]
    fn a_paragraph_on_a_few_pages_of_a_big_host_is_not_boilerplate() {
        // Host `big` has 1,000 pages: a footer on all of them, and a quoted paragraph on 5. Host `small`
        // has 5 pages sharing one line. With a fixed count of 3 all three lines are boilerplate; with the
        // share rule (1%: 10 pages on `big`) the paragraph is content again.
        let (big, small) = (0xaaaa_0000_0000_0000u64, 0xbbbb_0000_0000_0000u64);
        let (footer, quote, shared) = (line_key(big, &[1]), line_key(big, &[2]), line_key(small, &[3]));
        let mut pairs = Vec::new();
        for page in 0..1000u64 {
            pairs.push((footer, big ^ page));
            if page < 5 {
                pairs.push((quote, big ^ page));
                pairs.push((shared, small ^ page));
            }
        }
        let mut fixed = vec![(footer, 1000), (quote, 5), (shared, 5)];
        fixed.sort_unstable();
        assert_eq!(count(&pairs, 3, 0.0), fixed);
        let mut scaled = vec![(footer, 1000), (shared, 5)];
        scaled.sort_unstable();
        assert_eq!(count(&pairs, 3, 0.01), scaled);
        // Copies of one text count once.
        assert_eq!(
            count(&[(quote, 7), (quote, 7), (quote, 8)], 2, 0.0),
            vec![(quote, 2)]
        );
        assert_eq!(count(&[(quote, 7), (quote, 7)], 2, 0.0), vec![]);
    }
}
