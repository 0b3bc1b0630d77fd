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

#[test]
fn negative_lookaheads_are_removed_whole() {
    assert_eq!(
        without_negative_lookaheads("^(?!a(b)c)x[(?!]\\(?!y)$"),
        "^x[(?!]\\(?!y)$"
    );
    assert_eq!(without_negative_lookaheads("a(?!(b|c)d)(e)"), "a(e)");
    // the superset agrees with spaCy's URL pattern wherever the pattern matches
    let en = english();
    assert!(en.url_superset.is_some());
    for s in [
        "example.com",
        "http://x.com/a?b=1",
        "10.0.0.1",
        "192.168.1.1",
        "8.8.8.8",
        "U.S",
        "3.5",
    ] {
        let full = matches!(en.url.is_match(s), Ok(true));
        let superset = en.url_superset.as_ref().is_some_and(|re| re.is_match(s));
        assert!(superset || !full, "{s}");
        assert_eq!(en.is_url(s), full, "{s}");
    }
    assert!(en.is_url("example.com") && !en.is_url("10.0.0.1") && !en.is_url("U.S"));
}

#[test]
fn one_search_for_the_look_behind_suffixes() {
    let en = english();
    let any = en.suffix_behind_any.as_ref().unwrap();
    for s in ["10+", "20°C.", "5$", "10km", "word", "(word", "ABC.", "x.", "3"] {
        let each = en.suffix_behind.iter().any(|(re, _)| re.is_match(s));
        assert_eq!(any.is_match(s), each, "{s}");
    }
}

#[test]
fn infix_superset_never_misses_an_infix() {
    let en = english();
    let superset = en.infix_superset.as_ref().unwrap();
    for s in [
        "U.S",
        "3.5",
        "well-known",
        "a/b",
        "x,y",
        "1,000",
        "3+4",
        "end.Next",
        "a...b",
        "word",
        "a:b",
    ] {
        let full = matches!(en.infix.find(s), Ok(Some(_)));
        assert!(superset.is_match(s) || !full, "{s}");
    }
    assert!(!superset.is_match("3.5") && superset.is_match("well-known"));
}
