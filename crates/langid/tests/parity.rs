//! Parity with the C++ fastText: on every FLORES-200 dev row of `../shared/data/langid/`, the top-1 label
//! equals the one `fasttext-predict` 0.9.2.4 gives with `lid.176.ftz`, and the score is within 1e-3; and
//! the scores of the model alone are within 1e-5 of `fasttext-predict`'s (they equal fastText's up to the
//! order of float summation: saring adds each token's rows once, then the tokens' sums).
//!
//! The reference labels are committed in `tests/fixtures/*.lid176.tsv` (`label<TAB>score`, the score to
//! 9 significant digits, one line per data row; `tests/fixtures/make-reference.py` regenerates them), so
//! the test needs no Python.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)] // test code: a panic is a failure report

use std::path::Path;

use saring_langid::LanguageId;

/// The text rows of `../shared/data/langid/<name>` (the header skipped).
fn read_rows(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/langid")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (the test reads ../shared beside the repository)",
            path.display()
        )
    })
}

/// Checks every row of `../shared/data/langid/<name>` against the committed reference.
fn check(name: &str, reference: &str, expected_rows: usize) {
    let data = read_rows(name);
    let lid = LanguageId::lid176().unwrap();
    let rows: Vec<&str> = data.split('\n').skip(1).filter(|line| !line.is_empty()).collect();
    let reference: Vec<&str> = reference.lines().collect();
    assert_eq!(rows.len(), expected_rows);
    assert_eq!(rows.len(), reference.len(), "one reference line per data row");

    let mut label_mismatches = Vec::new();
    let mut score_mismatches = Vec::new();
    let mut max_diff = 0.0f32;
    for (n, (row, expected)) in rows.iter().zip(&reference).enumerate() {
        let text = row.splitn(3, '\t').nth(2).unwrap();
        let (label, score) = expected.split_once('\t').unwrap();
        let score: f32 = score.parse().unwrap();
        let got = lid.detect(text).unwrap();
        if got.label != label {
            label_mismatches.push(format!(
                "row {}: {label} expected, {} {} got: {text}",
                n + 1,
                got.label,
                got.score
            ));
        }
        let diff = (got.score - score).abs();
        max_diff = max_diff.max(diff);
        if diff > 1e-3 {
            score_mismatches.push(format!(
                "row {}: score {score} expected, {} got",
                n + 1,
                got.score
            ));
        }
    }
    eprintln!(
        "{name}: {} rows, largest score difference {max_diff:e}",
        rows.len()
    );
    assert!(
        label_mismatches.is_empty(),
        "{name}: {} of {} labels differ:\n{}",
        label_mismatches.len(),
        rows.len(),
        label_mismatches[..label_mismatches.len().min(20)].join("\n")
    );
    assert!(
        score_mismatches.is_empty(),
        "{name}: {} scores differ:\n{}",
        score_mismatches.len(),
        score_mismatches[..score_mismatches.len().min(20)].join("\n")
    );
}

#[test]
fn top1_equals_fasttext_predict_on_every_flores_dev_sentence() {
    check(
        "flores_dev_sentences.tsv",
        include_str!("fixtures/flores_dev_sentences.lid176.tsv"),
        37_946,
    );
}

#[test]
fn top1_equals_fasttext_predict_on_every_flores_dev_paragraph() {
    check(
        "flores_dev_paragraphs5.tsv",
        include_str!("fixtures/flores_dev_paragraphs5.lid176.tsv"),
        7_582,
    );
}

/// The largest difference between the model's score and `fasttext-predict`'s on the rows of `name`.
fn largest_score_difference(name: &str, reference: &str) -> f32 {
    let data = read_rows(name);
    let model = LanguageId::lid176().unwrap();
    let rows = data.split('\n').skip(1).filter(|line| !line.is_empty());
    let mut max_diff = 0.0f32;
    for (row, expected) in rows.zip(reference.lines()) {
        let text = row.splitn(3, '\t').nth(2).unwrap();
        let (label, score) = expected.split_once('\t').unwrap();
        let got = model.detect(text).unwrap();
        assert_eq!(got.label, label, "{text}");
        max_diff = max_diff.max((got.score - score.parse::<f32>().unwrap()).abs());
    }
    max_diff
}

#[test]
fn scores_are_within_1e_5_of_fasttext_predict_on_every_flores_dev_row() {
    for (name, reference) in [
        (
            "flores_dev_sentences.tsv",
            include_str!("fixtures/flores_dev_sentences.lid176.tsv"),
        ),
        (
            "flores_dev_paragraphs5.tsv",
            include_str!("fixtures/flores_dev_paragraphs5.lid176.tsv"),
        ),
    ] {
        let diff = largest_score_difference(name, reference);
        eprintln!("{name}: largest score difference {diff:e}");
        assert!(diff <= 1e-5, "{name}: {diff:e}");
    }
}
