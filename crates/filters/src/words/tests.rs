//! Unit tests of the word and sentence splitting.

use super::*;

#[test]
fn tables_compile() {
    let _ = english();
}

#[test]
fn splits_like_spacy_english() {
    let words = split_into_words(
        "Hello world, don't U.S. e.g. http://x.com/a?b=1 it's 10km (test) 'quoted' -- dash—x 3.5",
    );
    assert_eq!(
        words,
        [
            "Hello",
            "world",
            ",",
            "do",
            "n't",
            "U.S.",
            "e.g.",
            "http://x.com/a?b=1",
            "it",
            "'s",
            "10",
            "km",
            "(",
            "test",
            ")",
            "'",
            "quoted",
            "'",
            "--",
            "dash",
            "—",
            "x",
            "3.5"
        ]
    );
}

#[test]
fn counts_sentences_like_the_sentencizer() {
    assert_eq!(count_sentences("Hi there. This is it! Ok... fine"), 3);
    assert_eq!(count_sentences("One sentence only."), 1);
}
