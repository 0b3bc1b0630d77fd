//! Unit tests of `gopher_repetition`.

use super::*;

fn run(text: &str) -> Verdict {
    let filter = GopherRepetition::new(&GopherRepetitionConfig::default());
    let mut doc = Document::new("d".into(), text.into());
    filter.process(&mut doc)
}

#[test]
fn helpers_follow_datatrove() {
    assert_eq!(find_duplicates(["a", "bb", "a", "bb", "bb"]), (3, 5));
    assert_eq!(split_paragraphs("a\n\nb\n\n\nc\nd"), ["a", "b", "c\nd"]);
    assert_eq!(split_lines("\na\n\nb\n"), ["", "a", "b", ""]);
    let words = ["x", "y", "x", "y", "x"];
    let lens = [1; 5];
    // "x y" appears twice, first: 3 chars * 2
    assert_eq!(top_n_gram_chars(&words, &lens, &word_hashes(&words), 2), Some(6));
    // ties go to the first n-gram seen
    let words = ["a", "bb", "a", "c"];
    assert_eq!(
        top_n_gram_chars(&words, &[1, 2, 1, 1], &word_hashes(&words), 2),
        Some(4)
    );
    // joined without a separator: "ab"+"c" equals "a"+"bc"
    let words = ["ab", "c", "a", "bc"];
    assert_eq!(
        dup_n_gram_chars(&words, &[2, 1, 1, 2], &word_hashes(&words), 2),
        3
    );
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
