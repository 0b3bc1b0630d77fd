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
fn widened_classes_keep_their_ascii_and_take_every_other_character() {
    assert_eq!(
        widen_non_ascii_classes(
            "^[\\x{30}-\\x{39}\\x{660}]\\x{2E}[\\x{41}-\\x{5A}][\\x{61}-\\x{2C1}\\x{3B1}]+$"
        ),
        "^[\\x{30}-\\x{39}\\x{80}-\\x{10FFFF}]\\x{2E}[\\x{41}-\\x{5A}][\\x{61}-\\x{7F}\\x{80}-\\x{10FFFF}]+$"
    );
    // classes of another form, and escaped brackets, are left alone
    assert_eq!(
        widen_non_ascii_classes("[^\\x{100}]\\[x[a-z]"),
        "[^\\x{100}]\\[x[a-z]"
    );
    // spaCy's URL pattern, widened, still matches every URL it matches, in any script
    let en = english();
    let superset = en.url_superset.as_ref().unwrap();
    for s in [
        "münchen.de",
        "пример.рф",
        "例え.jp",
        "http://例え.テスト/パス",
        "user:pässword@host.com",
        "١٢٣.com",
        "example.com:8080/é",
        "x.co",
    ] {
        assert!(
            superset.is_match(s) || !matches!(en.url.is_match(s), Ok(true)),
            "{s}"
        );
    }
    assert!(superset.is_match("пример.рф") && en.is_url("пример.рф"));
    assert!(!superset.is_match("слово.") && !superset.is_match("т.е."));
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

/// The tokens of `text` by the slow path alone: the whitespace split character by character as spaCy
/// writes it, every chunk through `tokenize_chunk` (no fast path, no cache), then the matcher pass.
fn slow_tokens(en: &EnglishTokenizer, text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let flush = |start: usize, end: usize, ws: bool, out: &mut Vec<Token>| {
        if ws {
            out.push(Token {
                start,
                end,
                space: true,
            });
        } else if let Some(chunk) = text.get(start..end) {
            en.tokenize_chunk(chunk, start, true, out);
        }
    };
    let Some(first) = text.chars().next() else {
        return out;
    };
    let (mut start, mut in_ws) = (0, is_py_space(first));
    for (i, c) in text.char_indices() {
        if is_py_space(c) != in_ws {
            if start < i {
                flush(start, i, in_ws, &mut out);
            }
            start = if c == ' ' { i + 1 } else { i };
            in_ws = !in_ws;
        }
    }
    if start < text.len() {
        flush(start, text.len(), in_ws, &mut out);
    }
    let mut spliced = Vec::new();
    if unfiltered().apply_special_matches(text, &out, &mut spliced) {
        spliced
    } else {
        out
    }
}

/// The tokenizer with every token looked up in the matcher (no filter by the next token).
fn unfiltered() -> &'static EnglishTokenizer {
    static PLAIN: OnceLock<EnglishTokenizer> = OnceLock::new();
    PLAIN.get_or_init(|| {
        let mut en = EnglishTokenizer::new();
        en.matcher_pairs = None;
        en
    })
}

/// The tokens of `text` by the tokenizer as it runs (fast paths and cache), twice, so that the second
/// run answers from the cache what the first put there.
fn fast_tokens(en: &EnglishTokenizer, text: &str) -> Vec<Token> {
    let (mut first, mut second) = (Vec::new(), Vec::new());
    en.tokens(text, &mut first);
    en.tokens(text, &mut second);
    assert_eq!(first, second, "{text:?}: the cached run differs");
    first
}

/// `infix_spans` by hand equals `infix`'s own matches on `text`.
fn assert_infix_spans_agree(en: &EnglishTokenizer, text: &str) {
    let fancy: Vec<(usize, usize)> = en
        .infix
        .find_iter(text)
        .map(|m| m.map(|m| (m.start(), m.end())).unwrap())
        .collect();
    assert_eq!(en.infix_spans(text), fancy, "{text:?}");
}

#[test]
fn matcher_rules_are_filtered_by_their_first_two_tokens() {
    let en = english();
    let pairs = en.matcher_pairs.as_deref().unwrap();
    let pair = |a: u8, b: u8| {
        let bit = usize::from(a) << 8 | usize::from(b);
        pairs[bit / 64] & (1 << (bit % 64)) != 0
    };
    // the rules' first two tokens begin with few of the 65,536 pairs of bytes
    assert!(pairs.iter().map(|w| w.count_ones()).sum::<u32>() < 300);
    // a word followed by a word of letters is not looked up (only after a quote or an apostrophe)
    assert!(pair(b'M', b'.') && pair(b'\'', b's') && !pair(b'M', b',') && !pair(b't', b'h'));
    let text = "Mr. Smith and/or e.g. :) (: 8) a.m. 10a.m. p.m. vs. co. Ill. doin' 'cause";
    assert_eq!(fast_tokens(en, text), slow_tokens(en, text));
}

/// The matcher pass token by token, as it was written before it copied runs: the reference of
/// `special_matches_splice_runs_between_matches`.
fn splice_token_by_token(
    en: &EnglishTokenizer,
    text: &str,
    tokens: &[Token],
    kept: &[(usize, usize)],
) -> Vec<Token> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut next = kept.iter().peekable();
    while let Some(t) = tokens.get(i) {
        match next.peek() {
            Some(&&(s, e)) if s == i => {
                next.next();
                let span = text.get(t.start..tokens[e - 1].end).unwrap();
                if !en.push_special(span, t.start, &mut out) {
                    out.extend(&tokens[s..e]);
                }
                i = e;
            }
            _ => {
                out.push(*t);
                i += 1;
            }
        }
    }
    out
}

#[test]
fn special_matches_splice_runs_between_matches() {
    let en = english();
    // matches at the start, the end, next to each other and apart; and a text without any
    let texts = [
        "He's sure Mr . Smith said e.g . so , He's",
        "no special case here at all",
        "e.g . e.g . He's",
    ];
    for (i, text) in texts.into_iter().enumerate() {
        let mut affixes = Vec::new();
        en.tokenize_affixes(text, true, &mut affixes);
        let mut fresh = Vec::new();
        let changed = en.apply_special_matches(text, &affixes, &mut fresh);
        // only the second text holds no special case
        assert_eq!(changed, i != 1, "{text:?}");
        // a buffer holding stale tokens is emptied first, and left alone when nothing changes
        let stale = Token {
            start: 0,
            end: 1,
            space: true,
        };
        let mut dirty = vec![stale; 3];
        assert_eq!(
            en.apply_special_matches(text, &affixes, &mut dirty),
            changed,
            "{text:?}"
        );
        if changed {
            assert_eq!(dirty, fresh, "{text:?}");
            let kept = en.special_matches(text, &affixes);
            assert!(!kept.is_empty(), "{text:?}");
            assert_eq!(
                fresh,
                splice_token_by_token(en, text, &affixes, &kept),
                "{text:?}"
            );
        } else {
            assert_eq!(dirty, vec![stale; 3], "{text:?}");
        }
    }
}

#[test]
fn leading_ascii_letters_agree_with_the_byte_classes() {
    let reference = |bytes: &[u8], i: usize| match bytes.get(i..i + 8) {
        Some(window) => window.iter().take_while(|b| b.is_ascii_alphabetic()).count(),
        None => 0,
    };
    // every byte value in every position of a window of letters, and the ends of a text
    for b in 0..=255u8 {
        for at in 0..8 {
            let mut window = *b"abcdWXYZ";
            window[at] = b;
            assert_eq!(
                leading_ascii_letters(&window, 0),
                reference(&window, 0),
                "{b} at {at}"
            );
        }
    }
    let text = b"Hello, world! @[`{ 0123456789 the end";
    for i in 0..text.len() + 2 {
        assert_eq!(leading_ascii_letters(text, i), reference(text, i), "{i}");
    }
}

#[test]
fn infix_alternatives_match_like_the_pattern() {
    let en = english();
    assert_eq!(en.infix_alternatives.as_ref().map(Vec::len), Some(8));
    for text in [
        "",
        "well-known",
        "a--b",
        "a---b",
        "a——b",
        "a~b",
        "a-",
        "-a",
        "3-4",
        "3*-4",
        "2^3",
        "x..y",
        "x.....",
        "…",
        "U.S",
        "end.Next",
        "a.b",
        "é.É",
        "a,b",
        "1,000",
        "a/b",
        "a:b",
        "a<b",
        "a=b",
        "a>b",
        "x😀y",
        "©2024",
        "Straße-Bahn",
        "中.文",
        "a-—b",
        "--",
        "a--",
        "7-8-9",
        "x.'y",
        "'.x",
    ] {
        assert_infix_spans_agree(en, text);
    }
    assert!(top_level_alternatives("(?:a|(b|c)|[|]|\\|)").is_some_and(|a| a == ["a", "(b|c)", "[|]", "\\|"]));
    assert!(infix_alternatives("(?:a(?=b)c)").is_none());
}

/// The sentencizer's count over all the tokens of `text` (no shortcut).
fn all_sentences(en: &EnglishTokenizer, text: &str) -> usize {
    en.with_tokens(text, |tokens| en.count_sentences_of(text, tokens))
}

#[test]
fn sentences_without_their_punctuation_are_one() {
    let en = english();
    for text in [
        "",
        " ",
        "No stop here",
        "a\n\nb",
        "Done。 Next",
        "x ! y",
        "ok?",
        "end. Start",
        "१। २",
    ] {
        assert_eq!(en.count_sentences(text), all_sentences(en, text), "{text:?}");
    }
    assert!(en.in_sentence_punct('.') && en.in_sentence_punct('。') && !en.in_sentence_punct(','));
}

#[test]
fn sentences_counted_by_segments_agree_where_special_cases_meet_spaces() {
    // `count_sentences` tokenizes only the pieces with sentence punctuation, joined to their neighbours
    // where a special-case rule may run across the space (a rule's later token begins the next piece)
    let en = english();
    assert!(en.matcher_later[usize::from(b'.')], "e.g. is `e.g` then `.`");
    for text in [
        "e.g . Next one",
        "e.g .. x",
        "U.S . a. b",
        "Mr . Smith. ok . then",
        "e.g e.g. now. Then",
        "x. e.g. y",
        ":) . x",
        "a .  . b",
        "end.\t\tStart here",
        "end.  \u{a0} next",
        "!!! ??? ... x",
        "(a.) [b.] c",
        "wait... what?! yes.",
        "3.5 . 4",
        " lead. in",
        // `o.O` (a rule running across the space) wins over `o.` and keeps `o` and `.` apart: the
        // period then ends a sentence. Tokenized alone, `x-o.` would end in the token `o.`, no period.
        "x-o. O",
    ] {
        assert_eq!(en.count_sentences(text), all_sentences(en, text), "{text:?}");
    }
}

#[test]
fn fast_paths_agree_with_the_slow_path_on_mixed_text() {
    let en = english();
    for text in [
        "",
        " ",
        "  lead",
        " a  b\n\nc\t d \u{a0}e\u{3000}f\u{1c}g",
        "Größe, Maße; Straße: für! wäre? Café. ÉCOLE. naïve",
        "Москва, Россия. 東京は大きい。 l'été, Don't it's e.g. U.S. a.m. 3.5km 10+ $5 US$3",
        "well-known self—made x/y a:b 8-) :) <3 http://x.com/a?b=1 www.example.org 😀 👍🏽, 😀.",
        "Mr. Smith went to Washington. He said \"hi!\" (really) [1] {x} 'quoted' — done…",
        "ªº µm ǅ ʰ ᾼ ǈ ß. ÀÉ. ɐ. Ϳ,",
    ] {
        assert_eq!(fast_tokens(en, text), slow_tokens(en, text), "{text:?}");
    }
}

#[test]
fn letters_alone_meet_no_affix_rule() {
    // the fast path's premise, for every letter on its own and in a run of all of them
    let en = english();
    let letters: Vec<char> = spacy_en_tables::ALPHA
        .iter()
        .flat_map(|&(lo, hi)| (lo..=hi).filter_map(char::from_u32))
        .collect();
    assert!(letters.len() > 100_000);
    for &c in &letters {
        let s = c.to_string();
        assert_eq!(en.find_prefix(&s), 0, "{c:?}");
        assert_eq!(en.find_suffix(&s), 0, "{c:?}");
        assert_eq!(en.find_suffix(&format!("a{c}")), 0, "{c:?}");
    }
    // the infix pattern has only positive look-arounds, so a match inside any run of letters would be
    // a match inside this one, and its superset (the look-arounds made plain groups) would match too
    let run: String = letters.iter().collect();
    let superset = en.infix_superset.as_ref().unwrap();
    assert!(!superset.is_match(&run));
}

#[test]
fn fast_paths_agree_with_the_slow_path_on_the_filter_documents() {
    use std::io::{BufRead, BufReader};
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/filters/documents.jsonl.gz");
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let en = english();
    let mut documents = 0;
    for line in BufReader::new(flate2::read::MultiGzDecoder::new(file)).lines() {
        let line = line.unwrap();
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        let text = value["text"].as_str().unwrap();
        assert_eq!(fast_tokens(en, text), slow_tokens(en, text), "{}", value["id"]);
        for line in text.lines() {
            assert_eq!(en.count_sentences(line), all_sentences(en, line), "{line:?}");
        }
        for chunk in text.split(is_py_space) {
            assert_infix_spans_agree(en, chunk);
        }
        documents += 1;
    }
    assert_eq!(documents, 2832);
}

mod random {
    use super::*;
    use proptest::prelude::*;

    /// Pieces of web text the fast paths and the affix rules treat differently.
    const PIECES: &[&str] = &[
        "a",
        "Z",
        "word",
        "The",
        "don",
        "'t",
        "'s",
        "’s",
        "n't",
        "’",
        "'",
        "\"",
        "-",
        "--",
        "—",
        "–",
        ".",
        "..",
        "...",
        "…",
        ",",
        ";",
        ":",
        "!",
        "?",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        "<",
        ">",
        "/",
        "\\",
        "+",
        "*",
        "=",
        "#",
        "%",
        "$",
        "£",
        "€",
        "US$",
        "°",
        "°C",
        "&",
        "_",
        "@",
        "0",
        "7",
        "42",
        "3.5",
        "1,000",
        "km",
        "kg",
        "a.m.",
        "p.m",
        "e.g.",
        "U.S.",
        "Mr.",
        "vs.",
        "co",
        "http://x.com/a?b=1",
        "https://www.example.org/p",
        "www.site.de",
        "mail@example.com",
        "10.0.0.1",
        "😀",
        "👍🏽",
        "❤",
        "é",
        "ü",
        "ß",
        "Größe",
        "É",
        "ª",
        "µ",
        "ǅ",
        "ʰ",
        "Москва",
        "Ж",
        "東京",
        "。",
        "，",
        "ข",
        "ا",
        "अ",
        "ि",
        "\u{301}",
        " ",
        " ",
        "  ",
        "\n",
        "\n\n",
        "\t",
        "\u{a0}",
        "\u{3000}",
        "\u{1c}",
        "\r\n",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn fast_paths_agree_with_the_slow_path(
            pieces in prop::collection::vec(prop::sample::select(PIECES), 0..24),
            extra in prop::collection::vec(any::<char>(), 0..4),
        ) {
            let mut text: String = pieces.concat();
            text.extend(extra);
            let en = english();
            prop_assert_eq!(fast_tokens(en, &text), slow_tokens(en, &text), "{:?}", text);
            prop_assert_eq!(en.count_sentences(&text), all_sentences(en, &text), "{:?}", text);
            assert_infix_spans_agree(en, &text);
        }
    }
}

/// Pieces of URLs, in several scripts.
const URL_PIECES: &[&str] = &[
    "http://",
    "https://",
    "ftp://",
    "www.",
    "example",
    "пример",
    "例え",
    "münchen",
    "١٢٣",
    "ελ",
    "ß",
    ".",
    ".com",
    ".рф",
    ".jp",
    ".co.uk",
    ":8080",
    "/",
    "path",
    "?q=1",
    "#x",
    "user@",
    "user:pw@",
    "-",
    "xn--",
    "10.0.0.1",
    "é",
    "_",
    "~",
];

#[test]
fn the_url_prefilter_takes_every_url_the_exact_pattern_takes() {
    let en = english();
    let superset = en.url_superset.as_ref().unwrap();
    let mut urls = 0;
    for a in URL_PIECES {
        for b in URL_PIECES {
            for c in URL_PIECES.iter().chain([&""]) {
                let text = format!("{a}{b}{c}");
                if matches!(en.url.is_match(&text), Ok(true)) {
                    urls += 1;
                    assert!(superset.is_match(&text), "{text:?}");
                }
            }
        }
    }
    // the pieces make URLs in many scripts, so the check has cases to fail on
    assert!(urls > 1000, "{urls}");
}

#[test]
fn words_are_counted_as_split() {
    for text in [
        "",
        " \n ",
        "Hello world, don't U.S. e.g.",
        "a\u{a0}b\u{3000}c\t\td",
        "😀 👍🏽 ...",
    ] {
        let n = split_into_words(text).len();
        assert_eq!(count_words(text), n, "{text:?}"); // from the last split
        assert_eq!(
            english().with_tokens(text, |t| t.iter().filter_map(|t| word(text, t)).count()),
            n
        );
        assert_eq!(count_words(&format!("{text} x")), n + 1, "{text:?}"); // counted afresh
    }
}

#[test]
fn ascii_classes_agree_with_python() {
    for b in 0u8..128 {
        let class = ASCII_CLASS[usize::from(b)];
        let c = char::from(b);
        assert_eq!(class & LETTER != 0, is_alpha(c), "{b:#x} isalpha");
        assert_eq!(class & DIGIT != 0, c.is_ascii_digit(), "{b:#x} digit");
        assert_eq!(class & SPACE != 0, is_py_space(c), "{b:#x} isspace");
        assert_eq!(is_ascii_py_space(b), is_py_space(c), "{b:#x}");
    }
}
