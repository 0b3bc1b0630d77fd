//! Python's notions of whitespace, letters and punctuation, which datatrove's definitions rest on.

use super::spacy_en_tables::{ALPHA, DECIMAL, PUNCT};

/// The characters of the UTF-8 `bytes` (of a `str`): every byte but a continuation byte (`10xxxxxx`)
/// starts one. Inline and vectorisable, where `chars().count()` is a call into a general loop, a cost
/// that counts on short words.
pub(crate) fn char_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xc0 != 0x80).count()
}

/// Whether `c` lies in one of the sorted inclusive code-point `ranges`.
pub(super) fn in_ranges(ranges: &[(u32, u32)], c: char) -> bool {
    let cp = u32::from(c);
    ranges
        .binary_search_by(|&(lo, hi)| {
            if hi < cp {
                std::cmp::Ordering::Less
            } else if lo > cp {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Python's `str.isspace` for one character: Rust's `White_Space` plus the separators U+001C–U+001F.
pub(crate) fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.isalpha` for one character (general categories Lu, Ll, Lt, Lm, Lo). Inlined, so
/// the ASCII test runs in its caller (and only other characters pay for a call and a search).
#[inline]
pub(crate) fn is_alpha(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    in_ranges(ALPHA, c)
}

/// Python's `\\d` for one character (general category Nd).
pub(crate) fn is_decimal(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && in_ranges(DECIMAL, c))
}

/// Whether the character is punctuation (general categories P*).
pub(super) fn is_punct(c: char) -> bool {
    in_ranges(PUNCT, c)
}

/// Python's `str.strip()`.
pub(crate) fn py_strip(s: &str) -> &str {
    s.trim_matches(is_py_space)
}

/// Python's `str.lstrip()`.
pub(crate) fn py_strip_start(s: &str) -> &str {
    s.trim_start_matches(is_py_space)
}

/// Python's `str.rstrip()`.
pub(crate) fn py_strip_end(s: &str) -> &str {
    s.trim_end_matches(is_py_space)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_semantics() {
        assert!(is_py_space('\u{1c}') && is_py_space('\u{a0}') && !is_py_space('\u{200b}'));
        assert!(is_alpha('é') && is_alpha('中') && !is_alpha('\u{0903}') && !is_alpha('1'));
        assert!(is_punct('!') && is_punct('«') && !is_punct('$'));
        assert_eq!(py_strip("\u{1f} a \u{3000}"), "a");
    }
}
