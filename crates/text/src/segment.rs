//! Splitting text into words, lines and paragraphs, for the quality filters.

use unicode_segmentation::UnicodeSegmentation;

/// The words of `text`: Unicode (UAX #29) word segments that hold at least one letter or digit.
///
/// Punctuation and whitespace are not words. Scripts written without spaces come out one character per
/// word, because UAX #29 puts a boundary around each Han ideograph, Hiragana character and Thai
/// character (a base with its combining marks); Katakana runs stay together. That is the cheap
/// fallback, not dictionary segmentation: Thai and Chinese word counts are character counts.
///
/// ```
/// let words: Vec<_> = saring_text::words("Don't stop — 東京タワー ไทย 3.5%").collect();
/// assert_eq!(words, ["Don't", "stop", "東", "京", "タワー", "ไ", "ท", "ย", "3.5"]);
/// ```
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.unicode_words()
}

/// The non-blank lines of `text`, trimmed (lines end at `\n`; a `\r` before it is dropped).
///
/// ```
/// let lines: Vec<_> = saring_text::lines(" a \r\n\n  \nb").collect();
/// assert_eq!(lines, ["a", "b"]);
/// ```
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|line| !line.is_empty())
}

/// The paragraphs of `text`: runs of non-blank lines, separated by one or more blank (or
/// whitespace-only) lines, trimmed at both ends.
///
/// ```
/// let paragraphs: Vec<_> = saring_text::paragraphs("a\nb\n\n \n\nc\n").collect();
/// assert_eq!(paragraphs, ["a\nb", "c"]);
/// ```
pub fn paragraphs(text: &str) -> Paragraphs<'_> {
    Paragraphs { rest: text }
}

/// Iterator over the paragraphs of a text; see [`paragraphs`].
#[derive(Debug, Clone)]
pub struct Paragraphs<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Paragraphs<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        loop {
            if self.rest.is_empty() {
                return None;
            }
            // Find the end of the paragraph: the first blank line after some non-blank line.
            let mut end = 0;
            let mut seen_text = false;
            let mut consumed = self.rest.len();
            for line in self.rest.split_inclusive('\n') {
                if line.trim().is_empty() {
                    if seen_text {
                        consumed = end + line.len();
                        break;
                    }
                } else {
                    seen_text = true;
                }
                end += line.len();
            }
            let (paragraph, _) = self.rest.split_at_checked(end).unwrap_or((self.rest, ""));
            self.rest = self.rest.get(consumed.min(self.rest.len())..).unwrap_or_default();
            let paragraph = paragraph.trim();
            if !paragraph.is_empty() {
                return Some(paragraph);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_of_spaced_and_unspaced_scripts() {
        assert_eq!(words("Hello, world!").collect::<Vec<_>>(), ["Hello", "world"]);
        assert_eq!(words("我爱北京").count(), 4);
        assert_eq!(words("こんにちは").count(), 5);
        assert_eq!(words("ภาษาไทย").count(), 7); // ภ า ษ า ไ ท ย
        assert_eq!(words("ที่นี่").count(), 2); // ท + marks, น + marks
        assert_eq!(words("Saya makan nasi goreng.").count(), 4);
        assert_eq!(words("").count(), 0);
        assert_eq!(words("!!! ... 🙂").count(), 0);
    }

    #[test]
    fn paragraphs_and_lines() {
        assert_eq!(paragraphs("").count(), 0);
        assert_eq!(paragraphs("\n\n \n").count(), 0);
        assert_eq!(paragraphs("one").collect::<Vec<_>>(), ["one"]);
        assert_eq!(
            paragraphs("\n\na\nb\r\n\r\nc\n\n\n d \n").collect::<Vec<_>>(),
            ["a\nb", "c", "d"]
        );
        assert_eq!(lines("a\n\n b \n").collect::<Vec<_>>(), ["a", "b"]);
    }
}
