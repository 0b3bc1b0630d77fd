//! Per-document work of both passes: the keys of a document (host, exact text hash, line keys) and its
//! MinHash signature over the non-boilerplate lines. Takes `&str`, returns values; no I/O.

use crate::boilerplate::{BoilerplateLines, line_key, line_key_finish, line_key_start, line_key_step};
use crate::cluster::DocKeys;
use crate::minhash::{MinHasher, Signature, shingle_finish, shingle_hash, shingle_step};
use crate::tokens::Tokenizer;
use crate::url::{host_key, url_key};

/// Scratch space for one worker thread, reused across documents.
#[derive(Debug, Default)]
pub struct Scratch {
    tokenizer: Tokenizer,
    /// The token lines being built, copied out at their final size (no regrowth per document).
    lines: TokenLines,
    tokens: Vec<u64>,
    unit_starts: Vec<usize>,
    mins: Vec<u32>,
}

/// What the first pass learns about one document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FirstPass {
    /// Host and exact-text keys.
    pub keys: DocKeys,
    /// Keys of its lines ([`line_key`]), empty without a host or when not asked for.
    pub line_keys: Vec<u64>,
    /// Its text's length in bytes (saturating at `u32::MAX`).
    pub text_bytes: u32,
    /// The token hashes of its lines that have tokens, all in order: what the second pass needs, so it
    /// need not tokenise the text again.
    pub tokens: TokenLines,
}

/// A document's token hashes, cut into its lines that have any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenLines {
    /// Every token hash, in order.
    pub tokens: Vec<u64>,
    /// The number of tokens of each line (none is 0); they add up to `tokens.len()`.
    pub line_lens: Vec<u32>,
}

impl TokenLines {
    /// The lines' tokens, in order.
    pub fn lines(&self) -> impl Iterator<Item = &[u64]> {
        let mut start = 0usize;
        self.line_lens.iter().map(move |&len| {
            let end = start + len as usize;
            let line = self.tokens.get(start..end).unwrap_or_default();
            start = end;
            line
        })
    }
}

/// What the second pass computes for one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecondPass {
    /// The signature, or `None` when too few tokens are left after removing boilerplate.
    pub signature: Option<Signature>,
    /// Lines removed as boilerplate.
    pub boilerplate_lines: u32,
}

/// Computes document keys and signatures with one fixed configuration.
#[derive(Debug, Clone)]
pub struct DocHasher {
    hasher: MinHasher,
    min_tokens: usize,
}

impl DocHasher {
    /// A document hasher using `hasher` for signatures; documents with fewer than `min_tokens` tokens
    /// left get none.
    pub fn new(hasher: MinHasher, min_tokens: usize) -> DocHasher {
        DocHasher { hasher, min_tokens }
    }

    /// The MinHash parameters.
    pub fn min_hasher(&self) -> &MinHasher {
        &self.hasher
    }

    /// First pass: host key, hash of the whole normalised text, and (with `lines`) the line keys.
    pub fn first_pass(&self, text: &str, url: Option<&str>, lines: bool, scratch: &mut Scratch) -> FirstPass {
        let host = url.and_then(host_key);
        tokenize_lines(text, &mut scratch.tokenizer, &mut scratch.lines);
        let tokens = scratch.lines.clone();
        let (text_hash, line_keys) = match host.filter(|_| lines) {
            Some(host) => text_hash_and_line_keys(host, &tokens),
            None => (shingle_hash(&tokens.tokens), Vec::new()),
        };
        let text_hash = (!tokens.tokens.is_empty()).then_some(text_hash);
        FirstPass {
            keys: DocKeys {
                text_hash,
                host,
                url_hash: url.and_then(url_key),
            },
            line_keys,
            text_bytes: u32::try_from(text.len()).unwrap_or(u32::MAX),
            tokens,
        }
    }

    /// Second pass: the signature of the text without its boilerplate lines.
    pub fn second_pass(
        &self,
        text: &str,
        url: Option<&str>,
        boilerplate: &BoilerplateLines,
        scratch: &mut Scratch,
    ) -> SecondPass {
        let host = url.and_then(host_key);
        let mut tokens = std::mem::take(&mut scratch.lines);
        tokenize_lines(text, &mut scratch.tokenizer, &mut tokens);
        let second = self.signature_of_lines(host, &tokens, boilerplate, scratch);
        scratch.lines = tokens;
        second
    }

    /// The second pass from the token lines of the first ([`FirstPass::tokens`]): the signature of the
    /// document of host `host` without its boilerplate lines.
    pub fn signature_of_lines(
        &self,
        host: Option<u64>,
        tokens: &TokenLines,
        boilerplate: &BoilerplateLines,
        scratch: &mut Scratch,
    ) -> SecondPass {
        let host = host.filter(|_| !boilerplate.is_empty());
        scratch.tokens.clear();
        scratch.unit_starts.clear();
        let n = self.hasher.ngram_size();
        let mut unit_start = 0;
        let mut removed = 0;
        for line in tokens.lines() {
            if let Some(host) = host
                && boilerplate.contains(line_key(host, line))
            {
                removed += 1;
                continue;
            }
            scratch.tokens.extend_from_slice(line);
            // A line unit closes once it has n tokens; shorter lines join the next.
            if scratch.tokens.len() - unit_start >= n {
                scratch.unit_starts.push(unit_start);
                unit_start = scratch.tokens.len();
            }
        }
        // A short tail joins the last unit.
        if scratch.unit_starts.is_empty() {
            scratch.unit_starts.push(0);
        }
        let signature = if scratch.tokens.len() >= self.min_tokens {
            self.hasher
                .signature_with_lines(&scratch.tokens, &scratch.unit_starts, &mut scratch.mins)
        } else {
            None
        };
        SecondPass {
            signature,
            boilerplate_lines: removed,
        }
    }
}

/// The [`shingle_hash`] of all of `tokens` and the [`line_key`] of each of its lines on host `host`, in
/// one pass: the two hashes are chains of dependent multiplies, and interleaved their latencies overlap.
fn text_hash_and_line_keys(host: u64, tokens: &TokenLines) -> (u64, Vec<u64>) {
    let mut text = tokens.tokens.len() as u64;
    let keys = tokens
        .lines()
        .map(|line| {
            let mut acc = line_key_start(host);
            for &t in line {
                text = shingle_step(text, t);
                acc = line_key_step(acc, t);
            }
            line_key_finish(host, acc)
        })
        .collect();
    (shingle_finish(text), keys)
}

/// The token hashes of `text`, line by line (lines without tokens left out), into `out` (cleared first).
fn tokenize_lines(text: &str, tokenizer: &mut Tokenizer, out: &mut TokenLines) {
    out.tokens.clear();
    out.line_lens.clear();
    tokenizer.hash_lines(text, &mut out.tokens, &mut out.line_lens);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boilerplate_lines_are_left_out_of_the_signature() {
        let dh = DocHasher::new(MinHasher::new(5, 14, 8, 1), 3);
        let mut scratch = Scratch::default();
        let url = Some("https://site.example/a");
        let footer = "© 2018 Zid World All Rights Reserved. Designed By JoomShaper";
        let body = "one two three four five six seven";
        // The footer is on two texts of the host; the `boilerplate` stage would keep its key.
        let mut keys = Vec::new();
        for text in [format!("{body}\n{footer}"), format!("other words here\n{footer}")] {
            let first = dh.first_pass(&text, url, true, &mut scratch);
            assert_eq!(first.line_keys.len(), 2);
            keys.push(first.line_keys[1]);
        }
        assert_eq!(keys[0], keys[1]);
        let boilerplate = BoilerplateLines::from_keys(keys);
        assert_eq!(boilerplate.len(), 1);
        let with_footer = dh.second_pass(&format!("{body}\n{footer}"), url, &boilerplate, &mut scratch);
        let without = dh.second_pass(body, url, &boilerplate, &mut scratch);
        assert_eq!(with_footer.boilerplate_lines, 1);
        assert_eq!(with_footer.signature, without.signature);
        // On another host the footer is not boilerplate.
        let elsewhere = dh.second_pass(
            &format!("{body}\n{footer}"),
            Some("https://b.example/"),
            &boilerplate,
            &mut scratch,
        );
        assert_ne!(elsewhere.signature, without.signature);
        // Too few tokens left: no signature.
        assert_eq!(
            dh.second_pass(&format!("a b\n{footer}"), url, &boilerplate, &mut scratch)
                .signature,
            None
        );
    }

    #[test]
    fn one_pass_hashes_equal_the_separate_ones() {
        let dh = DocHasher::new(MinHasher::new(5, 14, 8, 1), 3);
        let mut scratch = Scratch::default();
        let url = Some("https://x.example/1");
        let host = url.and_then(host_key).unwrap();
        let text = "First line, here.\n\n  Ünïcode Wörds and 漢字テキスト\nlast";
        let first = dh.first_pass(text, url, true, &mut scratch);
        let lines: Vec<&[u64]> = first.tokens.lines().collect();
        assert_eq!(lines.len(), 3);
        let keys: Vec<u64> = lines.iter().map(|line| line_key(host, line)).collect();
        assert_eq!(first.line_keys, keys);
        assert_eq!(first.keys.text_hash, Some(shingle_hash(&first.tokens.tokens)));
        // Without line keys, the same text hash.
        let plain = dh.first_pass(text, url, false, &mut scratch);
        assert_eq!(plain.keys.text_hash, first.keys.text_hash);
    }

    #[test]
    fn first_pass_keys() {
        let dh = DocHasher::new(MinHasher::new(5, 14, 8, 1), 3);
        let mut scratch = Scratch::default();
        let a = dh.first_pass(
            "Hello, world!\n\nBye",
            Some("https://x.example/1"),
            true,
            &mut scratch,
        );
        let b = dh.first_pass(
            "hello world bye",
            Some("https://x.example/2"),
            false,
            &mut scratch,
        );
        assert_eq!((a.keys.text_hash, a.keys.host), (b.keys.text_hash, b.keys.host));
        assert_ne!(a.keys.url_hash, b.keys.url_hash);
        assert_eq!(a.line_keys.len(), 2);
        assert!(b.line_keys.is_empty());
        assert_eq!(
            dh.first_pass(" ,. ", None, true, &mut scratch).keys,
            DocKeys::default()
        );
    }
}
