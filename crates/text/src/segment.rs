//! Splitting text into words, lines and paragraphs, for the quality filters.

use icu_segmenter::WordSegmenter;
use icu_segmenter::options::WordBreakInvariantOptions;
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

/// The words of `text` by dictionary segmentation, for scripts written without spaces: ICU4X's word
/// segmenter with its built-in dictionaries (Thai, Lao, Khmer, Burmese, and one for Chinese and
/// Japanese) and UAX #29 rules elsewhere.
///
/// Every segment between two boundaries that is not only whitespace is returned, punctuation included
/// (as spaCy keeps punctuation tokens, so callers that skip symbol-only words can do so as they do for
/// spaced languages). Mean word length and word counts of Thai, Chinese and Japanese text then count
/// words, not characters as [`words`] does.
///
/// ```
/// let words = saring_text::dictionary_words("ภาษาไทยง่ายนิดเดียว 東京タワーへ行きます。");
/// assert!(words.contains(&"ภาษา") && words.contains(&"東京") && words.contains(&"。"));
/// ```
pub fn dictionary_words(text: &str) -> Vec<&str> {
    let segmenter = WordSegmenter::new_dictionary(WordBreakInvariantOptions::default());
    let mut words = Vec::new();
    let mut start = 0;
    for end in segmenter.segment_str(text) {
        if let Some(segment) = text.get(start..end)
            && !segment.trim().is_empty()
        {
            words.push(segment);
        }
        start = end;
    }
    words
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
    fn dictionary_words_split_thai_chinese_and_japanese_into_words() {
        // Thai: "I like to eat Thai food very much" — five words, none a lone character.
        let thai = dictionary_words("ฉันชอบกินอาหารไทยมาก");
        assert_eq!(thai, ["ฉัน", "ชอบ", "กิน", "อาหาร", "ไทย", "มาก"]);
        // Chinese: "Beijing is the capital of China." — the dictionary joins 北京, 中国 and 首都.
        let chinese = dictionary_words("北京是中国的首都。");
        assert_eq!(chinese, ["北京", "是", "中国", "的", "首都", "。"]);
        // Japanese: "I go to school tomorrow."
        let japanese = dictionary_words("私は明日学校へ行きます。");
        assert!(
            japanese.contains(&"学校") && japanese.contains(&"明日"),
            "{japanese:?}"
        );
        assert!(japanese.len() < "私は明日学校へ行きます。".chars().count());
        // Spaced scripts keep their words; whitespace is never a word; odd input gives no panic.
        assert_eq!(
            dictionary_words("Saya makan  nasi."),
            ["Saya", "makan", "nasi", "."]
        );
        assert!(dictionary_words("").is_empty());
        assert!(dictionary_words(" \n\t").is_empty());
        assert_eq!(dictionary_words("🙂🙂").concat(), "🙂🙂");
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
