//! Unit tests of `gopher_repetition`.

use super::*;

fn run(text: &str) -> Verdict {
    let filter = GopherRepetition::new(&GopherRepetitionConfig::default());
    let mut doc = Document::new("d".into(), text.into());
    filter.process(&mut doc)
}

#[test]
fn helpers_follow_datatrove() {
    assert_eq!(find_duplicates(&["a", "bb", "a", "bb", "bb"]), (3, 5));
    assert_eq!(split_paragraphs("a\n\nb\n\n\nc\nd"), ["a", "b", "c\nd"]);
    assert_eq!(split_paragraphs("\n\na\n\n"), ["", "a", ""]);
    assert_eq!(split_paragraphs("\n"), ["\n"]);
    assert_eq!(split_paragraphs(""), [""]);
    assert_eq!(split_paragraphs("é\n\n\n\nü\nx\n\n"), ["é", "ü\nx", ""]);
    assert_eq!(split_lines("\na\n\nb\n"), ["", "a", "b", ""]);
    let mut prefixes = WordPrefixes::default();
    let mut index = SeenIndex::default();
    let (mut repeated, mut class) = (Vec::new(), Vec::new());
    let mut top = |words: &[&str], n: usize| {
        prefixes.fill(words);
        repeated.clear();
        top_n_gram_chars(words, &prefixes, &mut index, n, &mut repeated, &mut class)
    };
    // "x y" appears twice, first: 3 chars * 2
    assert_eq!(top(&["x", "y", "x", "y", "x"], 2), Some(6));
    // ties go to the first n-gram seen
    assert_eq!(top(&["a", "bb", "a", "c"], 2), Some(4));
    // a later n-gram overtaking an earlier one; characters, not bytes
    assert_eq!(top(&["é", "b", "x", "é", "b", "y", "y", "é", "b"], 2), Some(9));
    assert_eq!(top(&["a"], 2), None);
    // n after n - 1: only starts whose (n-1)-grams repeat are looked up, with the same answers
    let words = ["a", "b", "c", "x", "a", "b", "c", "a", "b", "y", "b", "c"];
    prefixes.fill(&words);
    for n in 2..=4 {
        let mut cold = (Vec::new(), Vec::new());
        let expected = top_n_gram_chars(&words, &prefixes, &mut index, n, &mut cold.0, &mut cold.1);
        let mut chained = (Vec::new(), Vec::new());
        let mut got = None;
        for m in 2..=n {
            got = top_n_gram_chars(&words, &prefixes, &mut index, m, &mut chained.0, &mut chained.1);
        }
        assert_eq!(got, expected, "{n}");
    }
    let mut flags = (Vec::new(), Vec::new());
    // "a b" and "b c" thrice each (the first seen wins): 3 chars * 3; "a b c" twice: 5 * 2
    assert_eq!(
        top_n_gram_chars(&words, &prefixes, &mut index, 2, &mut flags.0, &mut flags.1),
        Some(9)
    );
    assert_eq!(
        top_n_gram_chars(&words, &prefixes, &mut index, 3, &mut flags.0, &mut flags.1),
        Some(10)
    );
    let mut dup = |words: &[&str], n: usize| {
        prefixes.fill(words);
        prefixes.mark_may_repeat(&mut index, n);
        dup_n_gram_chars(words, &prefixes, &mut index, n)
    };
    // joined without a separator: "ab"+"c" equals "a"+"bc"
    assert_eq!(dup(&["ab", "c", "a", "bc"], 2), 3);
    // a repeat skips n words: the overlapping third "a a" is not counted
    assert_eq!(dup(&["a", "a", "a", "a", "a"], 2), 4);
    assert_eq!(dup(&["a", "b"], 3), 0);
    // n-grams of 16 bytes and more: a repeat found through the window pass, also when the words
    // split differently ("abcdefgh"+"ijklmnopq" against "abcdefghijklmnop"+"q"), and one kept apart
    // from a lookalike that differs after the window
    let long = ["abcdefgh", "ijklmnopq", "x", "abcdefghijklmnop", "q", "y"];
    assert_eq!(dup(&long, 2), 17);
    let differ = ["abcdefghijklmnop", "1", "abcdefghijklmnop", "2"];
    assert_eq!(dup(&differ, 2), 0);
    let same = ["abcdefghijklmnop", "1", "z", "abcdefghijklmnop", "1"];
    assert_eq!(dup(&same, 2), 17);
}

#[test]
fn word_hash_is_the_bytewise_polynomial() {
    // the four-bytes-at-a-time hash against its byte-at-a-time definition
    for w in [
        "",
        "a",
        "abc",
        "abcd",
        "abcde",
        "internationalization",
        "é",
        "naïve",
        "日本語の",
        "a😀bc",
    ] {
        let bytewise = w
            .bytes()
            .fold(0u64, |h, b| h.wrapping_mul(POLY).wrapping_add(u64::from(b) + 1));
        assert_eq!(word_hash(w.as_bytes()), bytewise, "{w}");
    }
}

#[test]
fn drops_repeated_lines_and_keeps_varied_text() {
    assert_eq!(run(""), Verdict::Drop(DropReason::Empty));
    assert_eq!(
        run("same line\nsame line\nsame line\nother"),
        Verdict::Drop(DropReason::DupLineFrac)
    );
    let varied: String = (0..60).map(|i| format!("w{i} ")).collect();
    assert_eq!(run(&varied), Verdict::Keep);
    // as in datatrove, a short text's first n-gram alone can pass a top-n-gram fraction
    let short = "Alpha beta gamma delta. Epsilon zeta eta theta iota kappa lambda mu nu xi omicron.";
    assert_eq!(run(short), Verdict::Drop(DropReason::Top3Gram));
}

#[test]
fn config_validates_n() {
    let config: GopherRepetitionConfig = toml::from_str("top_n_grams = [[2, 0.2]]").unwrap();
    assert_eq!(config.top_n_grams, [(2, 0.2)]);
    let bad = GopherRepetitionConfig {
        top_n_grams: vec![(7, 0.1)],
        ..GopherRepetitionConfig::default()
    };
    assert_eq!(bad.validate().len(), 1);
    assert!(toml::from_str::<GopherRepetitionConfig>("dup_lines = 1").is_err());
}

proptest::proptest! {
    /// `mark_may_repeat` against its definition: word i may start a repeat exactly when its n-grams are
    /// shorter than the window or its window of bytes also starts at another word; and `chars` counts
    /// an n-gram's characters as `str::chars` does.
    #[test]
    fn may_repeat_and_chars_follow_their_definitions(
        words in proptest::collection::vec("[ab]{1,3}|é[ab]{0,2}|abcdefghijklmnopq", 0..40),
        min_n in 1usize..6,
    ) {
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        let mut prefixes = WordPrefixes::default();
        prefixes.fill(&words);
        prefixes.mark_may_repeat(&mut SeenIndex::default(), min_n);
        let joined = words.concat();
        let starts: Vec<usize> = (0..=words.len()).map(|k| words[..k].concat().len()).collect();
        let window = |i: usize| joined.as_bytes().get(starts[i]..starts[i] + WINDOW);
        let expected: Vec<u32> = (0..words.len())
            .filter(|&i| {
                let short = starts.get(i + min_n).is_none_or(|&end| end - starts[i] < WINDOW);
                let again = window(i).is_some()
                    && (0..words.len()).any(|j| j != i && window(j) == window(i));
                short || again
            })
            .map(|i| i as u32)
            .collect();
        proptest::prop_assert_eq!(&prefixes.may_repeat, &expected);
        for i in 0..words.len() {
            for j in i..=words.len() {
                let count: usize = words[i..j].iter().map(|w| w.chars().count()).sum();
                proptest::prop_assert_eq!(prefixes.chars(i, j), count);
            }
        }
    }
}

proptest::proptest! {
    /// The top n-gram walk chained over n = 2, 3, 4 (each n looking up only the starts the previous
    /// one found repeated, from its list of looked-up starts) answers as a walk of all starts.
    #[test]
    fn chained_top_n_grams_match_cold_walks(
        words in proptest::collection::vec("[abc]{1,2}", 0..60),
    ) {
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        let mut prefixes = WordPrefixes::default();
        prefixes.fill(&words);
        let mut index = SeenIndex::default();
        let mut chained = (Vec::new(), Vec::new());
        for n in 2..=4 {
            let got = top_n_gram_chars(&words, &prefixes, &mut index, n, &mut chained.0, &mut chained.1);
            let mut cold = (Vec::new(), Vec::new());
            let expected = top_n_gram_chars(&words, &prefixes, &mut index, n, &mut cold.0, &mut cold.1);
            proptest::prop_assert_eq!(got, expected, "n = {}", n);
        }
    }
}

/// datatrove's `find_all_duplicate(words, n)` as written: the reference of the duplicate walks.
fn find_all_duplicate(words: &[&str], n: usize) -> usize {
    let mut unique = std::collections::HashSet::new();
    let (mut repeated_chars, mut idx) = (0, 0);
    while idx + n <= words.len() {
        let n_gram = words[idx..idx + n].concat();
        if unique.contains(&n_gram) {
            repeated_chars += n_gram.chars().count();
            idx += n;
        } else {
            unique.insert(n_gram);
            idx += 1;
        }
    }
    repeated_chars
}

proptest::proptest! {
    /// The duplicate walks for n from the shortest one up, each visiting only the starts that may
    /// repeat at its own n, count as datatrove does.
    #[test]
    fn dup_n_grams_match_datatrove(
        words in proptest::collection::vec("[ab]{1,3}|é|abcdefghijklmnopq", 0..50),
        min_n in 1usize..6,
    ) {
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        let mut prefixes = WordPrefixes::default();
        let mut index = SeenIndex::default();
        prefixes.fill(&words);
        prefixes.mark_may_repeat(&mut index, min_n);
        for n in min_n..min_n + 5 {
            let got = dup_n_gram_chars(&words, &prefixes, &mut index, n);
            proptest::prop_assert_eq!(got, find_all_duplicate(&words, n), "n = {}", n);
        }
    }
}

#[test]
fn poly_power_multiplies_out() {
    // by lookup below 256, by squaring above: both are `POLY` multiplied n times
    let mut p = 1u64;
    for n in 0..700 {
        assert_eq!(poly_power(n), p, "{n}");
        p = p.wrapping_mul(POLY);
    }
}
