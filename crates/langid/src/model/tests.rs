//! Tests of model loading and prediction against fastText's own outputs.

use super::*;
use crate::LID176_FTZ;

fn lid176() -> LanguageModel {
    LanguageModel::from_bytes(LID176_FTZ).unwrap()
}

#[test]
fn odd_inputs_match_fasttext_predict_exactly() {
    // `fasttext-predict` 0.9.2.4, `model.predict(text, k=2)` with lid.176.ftz.
    let cases: &[(&str, [(&str, f64); 2])] = &[
        ("", [("en", 0.12450417876243591), ("ca", 0.08594832569360733)]),
        (" ", [("en", 0.12450417876243591), ("ca", 0.08594832569360733)]),
        ("hello", [("en", 0.24247202277183533), ("fr", 0.0951116755604744)]),
        // fastText's reader stops at a literal end-of-sentence token.
        (
            "hello </s> bonjour le monde le chat",
            [("en", 0.24247202277183533), ("fr", 0.0951116755604744)],
        ),
        // Labels in the text are not features.
        (
            "__label__fr bonjour le monde",
            [("fr", 0.950145423412323), ("en", 0.02840564213693142)],
        ),
        (
            "a\0b\x0bc\x0cd\re\tf",
            [("en", 0.12450417876243591), ("ca", 0.08594832569360733)],
        ),
        // U+00A0 and U+3000 are not separators for fastText.
        (
            "no\u{a0}break\u{3000}space",
            [("en", 0.3146468698978424), ("ru", 0.09105309844017029)],
        ),
        (
            "🙂🙂🙂",
            [("en", 0.12450417876243591), ("ca", 0.08594832569360733)],
        ),
        (
            "Привет, как дела?",
            [("ru", 0.9599800705909729), ("sr", 0.011184482835233212)],
        ),
        (
            "日本語のテキストです",
            [("ja", 0.999955415725708), ("zh", 7.42477277526632e-05)],
        ),
    ];
    let model = lid176();
    for (text, expected) in cases {
        let got = model.predict(text, 2, 0.0);
        let got: Vec<(&str, f64)> = got.iter().map(|p| (p.label, f64::from(p.score))).collect();
        assert_eq!(got, expected.to_vec(), "{text:?}");
    }
}

#[test]
fn a_label_probability_equals_its_score_in_the_ranking() {
    let model = lid176();
    for text in [
        "Saya suka makan nasi goreng di rumah.",
        "Eg veit ikkje.",
        "",
        "Non hai unha casa.",
    ] {
        let ranking = model.predict(text, 5, 0.0);
        let mut probabilities = [0.0f32; 2];
        for p in &ranking {
            let label: &'static str = Box::leak(p.label.to_owned().into_boxed_str());
            let group: &'static [&'static str] = Box::leak(vec![label, "xx"].into_boxed_slice());
            let best = model
                .predict_best_grouped(text, |_| Some(group), &mut probabilities)
                .unwrap();
            assert_eq!(best, ranking[0], "{text:?}");
            assert_eq!(probabilities, [p.score, 0.0], "{text:?}: {}", p.label);
        }
        model.predict_best_grouped(text, |_| Some(&["id", "ms"]), &mut probabilities);
        let pair = probabilities[0] + probabilities[1];
        let id_ms: f32 = model
            .predict(text, 176, 0.0)
            .iter()
            .filter(|p| p.label == "id" || p.label == "ms")
            .map(|p| p.score)
            .sum();
        // The ranking leaves out labels under 1e-5 (fastText's threshold), a path product does not.
        assert!((pair - id_ms).abs() < 3e-5, "{text:?}: {pair} {id_ms}");
    }
}

#[test]
fn newlines_are_spaces() {
    let model = lid176();
    let joined = model.predict("Ceci est une phrase. Et une autre.", 3, 0.0);
    assert_eq!(
        model.predict("Ceci est une phrase.\nEt une autre.", 3, 0.0),
        joined
    );
    assert_eq!(
        model.predict("Ceci est une phrase.\r\nEt une autre.\n", 3, 0.0),
        joined
    );
}

#[test]
fn top_k_is_sorted_bounded_and_thresholded() {
    let model = lid176();
    assert!(model.predict("bonjour", 0, 0.0).is_empty());
    let all = model.predict("Selamat pagi, apa kabar?", 1000, 0.0);
    assert!(all.len() <= 176 && all.len() > 10);
    assert!(all.windows(2).all(|w| w[0].score >= w[1].score));
    // Probabilities under 1e-5 are cut by fastText's own threshold of 0 (`log(0 + 1e-5)`).
    assert!(all.iter().all(|p| p.score >= 1e-5));
    let sure = model.predict("Selamat pagi, apa kabar?", 1000, 0.05);
    assert!(sure.iter().all(|p| p.score >= 0.05) && sure.len() < all.len());
    assert_eq!(
        model.predict_best("Selamat pagi, apa kabar?"),
        all.first().copied()
    );
}

#[test]
fn hash_is_fnv1a_over_signed_bytes() {
    assert_eq!(dictionary::fnv(b""), 2_166_136_261);
    assert_eq!(dictionary::fnv(b"hello"), 1_335_831_723);
    // 'é' is 0xC3 0xA9: each byte is sign-extended to 0xFFFFFFxx before the XOR.
    let unsigned = [0xC3u8, 0xA9].iter().fold(2_166_136_261u32, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(16_777_619)
    });
    let signed = [0xC3u8, 0xA9].iter().fold(2_166_136_261u32, |h, &b| {
        (h ^ (b as i8 as u32)).wrapping_mul(16_777_619)
    });
    assert_ne!(unsigned, signed);
    assert_eq!(dictionary::fnv("é".as_bytes()), signed);
}

#[test]
fn a_truncated_model_is_an_error_at_every_length() {
    for len in (0..LID176_FTZ.len()).step_by(4099).chain([LID176_FTZ.len() - 1]) {
        let err = LanguageModel::from_bytes(&LID176_FTZ[..len]).unwrap_err();
        assert!(
            matches!(
                err,
                ModelError::Truncated { .. } | ModelError::Invalid { .. } | ModelError::BadMagic(_)
            ),
            "{len}: {err}"
        );
    }
}

#[test]
fn a_corrupt_model_never_panics() {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut loaded = 0;
    for round in 0..120 {
        let mut data = LID176_FTZ.to_vec();
        // Mostly the header, dictionary sizes and pruning index; sometimes anywhere.
        let span = if round % 4 == 0 { data.len() } else { 200_000 };
        for _ in 0..1 + next() % 4 {
            let at = (next() as usize) % span;
            data[at] = next() as u8;
        }
        if let Ok(model) = LanguageModel::from_bytes(&data) {
            loaded += 1;
            for text in ["", "hello world", "Saya suka makan nasi goreng", "日本語 🙂"] {
                let _ = model.predict(text, 3, 0.0);
            }
        }
    }
    assert!(loaded > 0);
}

#[test]
fn from_path_checks_the_checksum() {
    let dir = std::env::temp_dir().join(format!("saring-langid-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("lid.176.ftz");
    std::fs::write(&path, LID176_FTZ).unwrap();
    let upper = crate::LID176_SHA256.to_ascii_uppercase();
    assert!(LanguageModel::from_path(&path, Some(&upper)).is_ok());
    assert!(LanguageModel::from_path(&path, None).is_ok());
    let wrong = "0".repeat(64);
    let err = LanguageModel::from_path(&path, Some(&wrong)).unwrap_err();
    assert!(err.to_string().contains(crate::LID176_SHA256), "{err}");
    assert!(matches!(
        LanguageModel::from_path(&path, Some("abc")),
        Err(ModelError::BadChecksum(_))
    ));
    assert!(matches!(
        LanguageModel::from_path(dir.join("missing"), None),
        Err(ModelError::Read { .. })
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn label_counts_are_the_training_prior() {
    let model = lid176();
    assert_eq!(model.label_count("id"), 158_394);
    assert_eq!(model.label_count("ms"), 63_899);
    assert_eq!(model.label_count("xx"), 0);
}

/// `token`'s rows summed one by one, without the cache, and their count (`None` for a label).
fn summed_rows(model: &LanguageModel, token: &str) -> Option<(Vec<f32>, u32)> {
    let mut vector = vec![0.0; model.dim];
    let mut rows = 0;
    let word = model.dictionary.word_rows(
        token.as_bytes(),
        dictionary::fnv(token.as_bytes()),
        &mut FeatureScratch::default(),
        &mut |row| {
            model.input.add_row_to(&mut vector, row as usize);
            rows += 1;
        },
    );
    word.then_some((vector, rows))
}

/// The vector and row count `token_vector` gives `token` with `scratch`.
fn cached_vector(model: &LanguageModel, token: &str, scratch: &mut Scratch) -> Option<(Vec<f32>, u32)> {
    let mut got = None;
    let hash = dictionary::fnv(token.as_bytes());
    let word = model.token_vector(token.as_bytes(), hash, scratch, None, |vector, rows| {
        got = Some((vector.to_vec(), rows))
    });
    word.then(|| got.unwrap_or((vec![0.0; model.dim], 0)))
}

#[test]
fn token_vectors_are_their_rows_summed_cold_warm_and_after_a_reset() {
    let model = lid176();
    let long = "x".repeat(TokenCache::MAX_TOKEN_BYTES + 1);
    let tokens = [
        "the",
        "The",
        "THE",
        "Konstantinopel",
        "__label__en",
        "zzqx",
        "zzqx",
        "Привет",
        "日本語",
        &long,
        "</s>",
        "__label__nope",
    ];
    let mut scratch = Scratch::default();
    for round in ["cold", "warm"] {
        for token in tokens {
            assert_eq!(
                cached_vector(&model, token, &mut scratch),
                summed_rows(&model, token),
                "{round}: {token}"
            );
        }
    }
    assert!(
        summed_rows(&model, "Konstantinopel").unwrap().1 > 1,
        "several rows summed"
    );
    assert_eq!(summed_rows(&model, "__label__en"), None);
    // Labels and over-long tokens are never remembered; each other distinct token once.
    assert_eq!(scratch.tokens.len(), 8);

    // Fill the cache past its bound with distinct tokens: it starts again, and vectors stay right.
    for i in 0..100_000 {
        let token = format!("w{i}q");
        assert_eq!(
            cached_vector(&model, &token, &mut scratch),
            summed_rows(&model, &token)
        );
    }
    assert!(scratch.tokens.len() < 100_000, "never emptied");
    scratch.trim();
    assert!(scratch.tokens.bytes() <= 4 << 20);
    assert_eq!(
        cached_vector(&model, "the", &mut scratch),
        summed_rows(&model, "the"),
        "after a reset"
    );

    // Another dictionary (another load) never reads this one's vectors; the cache starts again in the
    // buffers it had.
    let buffer = scratch.tokens.vector_buffer();
    let other = lid176();
    assert_ne!(other.dictionary.id(), model.dictionary.id());
    cached_vector(&other, "zzqx", &mut scratch);
    assert_eq!(scratch.tokens.dictionary(), other.dictionary.id());
    assert_eq!(scratch.tokens.len(), 1);
    assert_eq!(scratch.tokens.vector_buffer(), buffer);
    assert_eq!(
        cached_vector(&other, "zzqx", &mut scratch),
        summed_rows(&other, "zzqx")
    );
}

/// The averaged hidden vector of `line` computed token by token with fresh buffers (no rows worked out
/// ahead), or `None` without features.
fn line_alone(model: &LanguageModel, line: &str) -> Option<Vec<f32>> {
    let mut hidden = vec![0.0; model.dim];
    let count = model.line_vector(line.as_bytes(), &mut Scratch::default(), &mut hidden);
    (count > 0).then(|| {
        average(&mut hidden, count);
        hidden
    })
}

/// Checks `hidden_vectors` of `text` and of its newline-separated paragraphs against each line
/// computed alone, to the bit.
fn assert_hidden_vectors_are_lines_alone(model: &LanguageModel, text: &str) {
    let mut parts = Vec::new();
    let mut start = 0;
    for paragraph in text.split('\n') {
        parts.push(start..start + paragraph.len());
        start += paragraph.len() + 1;
    }
    let vectors = model.hidden_vectors(text, &parts);
    assert_eq!(
        vectors.get(0).map(<[f32]>::to_vec),
        line_alone(model, text),
        "{text:?}"
    );
    for (i, paragraph) in text.split('\n').enumerate() {
        let alone = line_alone(model, paragraph);
        assert_eq!(
            vectors.get(1 + i).map(<[f32]>::to_vec),
            alone,
            "{text:?} part {i}"
        );
    }
}

#[test]
fn rows_worked_out_ahead_are_the_rows_of_each_token_alone() {
    let model = lid176();
    let long = "y".repeat(TokenCache::MAX_TOKEN_BYTES + 3);
    // New tokens (worked out ahead) next to repeats within the look-ahead, labels, over-long tokens,
    // `</s>` and non-ASCII words; the same texts twice, so the second time most tokens are hits.
    let texts = [
        format!("a b c d e f g h i j k l m n o p q r s t u v w x y z {long} zzqx zzqx"),
        "Konstantinopel war __label__en die Hauptstadt\nKonstantinopel war die Stadt Привет 日本語"
            .to_owned(),
        format!("{long} {long} {long} __label__de __label__de one two three four five six seven"),
        "short".to_owned(),
        String::new(),
    ];
    for _ in 0..2 {
        for text in &texts {
            assert_hidden_vectors_are_lines_alone(&model, text);
        }
    }
}

#[test]
fn a_text_of_many_tokens_is_looked_up_a_chunk_at_a_time_with_the_same_vectors() {
    let model = lid176();
    // Over two chunks of tokens: new words (worked out ahead) and repeats, paragraphs that run across
    // the chunk boundaries, a label and an over-long token near the first boundary.
    let long = "q".repeat(TokenCache::MAX_TOKEN_BYTES + 1);
    let words: Vec<String> = (0..2 * LOOKUP_CHUNK + 700)
        .map(|i| match i {
            _ if i == LOOKUP_CHUNK - 3 => "__label__en".to_owned(),
            _ if i == LOOKUP_CHUNK + 5 => long.clone(),
            _ if i % 3 == 0 => format!("kata{}", i % 500),
            _ => format!("w{i}x"),
        })
        .collect();
    let text = words
        .chunks(37)
        .map(|paragraph| paragraph.join(" "))
        .collect::<Vec<_>>()
        .join("\n");
    assert_hidden_vectors_are_lines_alone(&model, &text);
    // the list of tokens never held more than a chunk and its look-ahead
    let listed = with_scratch(|scratch| scratch.line.capacity());
    assert!(listed <= 2 * (LOOKUP_CHUNK + PREFETCH_SLOTS_AHEAD), "{listed}");
}

proptest::proptest! {
    /// Texts of words from a small alphabet (so that new words, repeats within the look-ahead and
    /// words seen in earlier texts all occur), with paragraphs, give every vector the rows of each line
    /// computed alone.
    #[test]
    fn hidden_vectors_equal_lines_alone(
        texts in proptest::collection::vec(
            proptest::collection::vec(("[abé\\n]{1,6}", 0u8..8), 0..60),
            1..4,
        )
    ) {
        let model = lid176();
        for words in texts {
            let text = words
                .iter()
                .map(|(word, kind)| match kind {
                    0 => "__label__xx".to_owned(),
                    1 => "w".repeat(TokenCache::MAX_TOKEN_BYTES + 1),
                    _ => word.clone(),
                })
                .collect::<Vec<_>>()
                .join(" ");
            assert_hidden_vectors_are_lines_alone(&model, &text);
        }
    }
}
