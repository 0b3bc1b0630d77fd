//! Parity with datatrove 0.10.1: every document of `../shared/data/filters/documents.jsonl.gz` gets the
//! verdict, reason and signals that datatrove's four filters gave it (`fixtures/reference.jsonl.gz`, made
//! by `fixtures/make-reference.py`).

// Test code: a malformed fixture should fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;

use saring_core::{Document, Step, Verdict};
use saring_filters::{
    C4Quality, C4QualityConfig, FineWebQuality, FineWebQualityConfig, GopherQuality, GopherQualityConfig,
    GopherRepetition, GopherRepetitionConfig,
};
use serde_json::Value;

fn read_gz_lines(path: &PathBuf) -> Vec<Value> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    BufReader::new(flate2::read::MultiGzDecoder::new(file))
        .lines()
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect()
}

fn documents() -> Vec<Value> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    read_gz_lines(&dir.join("../../../shared/data/filters/documents.jsonl.gz"))
}

fn reference() -> Vec<Value> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    read_gz_lines(&dir.join("tests/fixtures/reference.jsonl.gz"))
}

fn verdict_str(v: &Verdict) -> String {
    match v {
        Verdict::Keep => "keep".to_owned(),
        Verdict::Drop(r) => r.as_str().to_owned(),
        Verdict::Error(e) => format!("error: {e}"),
    }
}

#[test]
fn verdicts_reasons_and_signals_match_datatrove() {
    let docs = documents();
    let refs = reference();
    assert_eq!(docs.len(), 2832);
    assert_eq!(refs.len(), docs.len());
    let steps: Vec<Box<dyn Step>> = vec![
        Box::new(GopherRepetition::new(&GopherRepetitionConfig::default())),
        Box::new(GopherQuality::new(&GopherQualityConfig::default())),
        Box::new(C4Quality::new(&C4QualityConfig::default())),
        Box::new(FineWebQuality::new(&FineWebQualityConfig::default())),
    ];
    let mut agree: BTreeMap<String, usize> = BTreeMap::new();
    let mut mismatches: Vec<String> = Vec::new();
    let mut signal_mismatches: Vec<String> = Vec::new();
    let mut signals_checked = 0usize;
    for (doc, want) in docs.iter().zip(&refs) {
        let id = doc["id"].as_str().unwrap();
        assert_eq!(want["id"].as_str().unwrap(), id);
        let text = doc["text"].as_str().unwrap();
        let mut signals = BTreeMap::new();
        for step in &steps {
            let mut d = Document::new(id.into(), text.into());
            let got = verdict_str(&step.process(&mut d));
            let expected = want[step.name()].as_str().unwrap();
            if got == expected {
                *agree.entry(step.name().to_owned()).or_default() += 1;
            } else {
                mismatches.push(format!(
                    "{id} {}: saring {got}, datatrove {expected}",
                    step.name()
                ));
            }
            signals.extend(d.signals);
        }
        for (name, value) in want["signals"].as_object().unwrap() {
            let expected = value.as_f64().unwrap();
            signals_checked += 1;
            match signals.get(name) {
                Some(got) if (got - expected).abs() <= 1e-6 => {}
                got => signal_mismatches.push(format!("{id} {name}: saring {got:?}, datatrove {expected}")),
            }
        }
    }
    eprintln!(
        "verdict+reason agreement per filter (of {}): {agree:?}",
        docs.len()
    );
    eprintln!(
        "signals checked: {signals_checked}, differing: {}",
        signal_mismatches.len()
    );
    for m in mismatches.iter().take(30) {
        eprintln!("{m}");
    }
    for m in signal_mismatches.iter().take(30) {
        eprintln!("{m}");
    }
    assert!(mismatches.is_empty(), "{} verdicts differ", mismatches.len());
    assert!(
        signal_mismatches.is_empty(),
        "{} signals differ",
        signal_mismatches.len()
    );
}

/// Word-level check against a dump of datatrove's `split_into_words` (the optional third argument of
/// `make-reference.py`); runs only when `SARING_WORDS_REF` names that file.
#[test]
fn words_match_datatrove_dump() {
    let Some(path) = std::env::var_os("SARING_WORDS_REF") else {
        return;
    };
    let want = read_gz_lines(&PathBuf::from(path));
    let docs = documents();
    let mut differ = 0;
    for (doc, want) in docs.iter().zip(&want) {
        let text = doc["text"].as_str().unwrap();
        let got = saring_filters::split_into_words(text);
        let expected: Vec<&str> = want["words"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_str().unwrap())
            .collect();
        if got != expected {
            differ += 1;
            if differ <= 10 {
                let i = got
                    .iter()
                    .zip(&expected)
                    .position(|(a, b)| a != b)
                    .unwrap_or(got.len().min(expected.len()));
                let lo = i.saturating_sub(3);
                eprintln!(
                    "{}: at word {i}: saring {:?} datatrove {:?}",
                    doc["id"],
                    &got[lo..(i + 4).min(got.len())],
                    &expected[lo..(i + 4).min(expected.len())]
                );
            }
        }
    }
    eprintln!("documents whose words differ: {differ} of {}", docs.len());
    assert_eq!(differ, 0);
}
