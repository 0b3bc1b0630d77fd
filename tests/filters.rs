//! The FineWeb chain of quality filters in a run: signals recorded on every document, drops named.

use crate::util::*;

#[test]
fn the_fineweb_chain_records_signals_and_names_its_drops() {
    let dir = Dir::new();
    let out = dir.run_example(
        "[[step]]\ntype = \"extract\"\n[[step]]\ntype = \"gopher_repetition\"\n[[step]]\ntype = \"gopher_quality\"\n[[step]]\ntype = \"c4_quality\"\n[[step]]\ntype = \"fineweb_quality\"\n",
        "out",
    );
    assert_exit!(out, 0);
    let stats = stats(&dir.path("out"));
    assert_reconciles(&stats);
    let names: Vec<&str> = stats["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "extract",
            "gopher_repetition",
            "gopher_quality",
            "c4_quality",
            "fineweb_quality"
        ]
    );
    assert!(stats["dropped"].as_u64().unwrap() > 0, "{stats:#}");
    let records = read_shards(&dir.path("out"));
    assert!(!records.is_empty());
    for record in &records {
        let signals = record["metadata"]["signals"].as_object().unwrap();
        for key in [
            "gopher_repetition.dup_line_frac",
            "gopher_quality.mean_word_length",
            "fineweb_quality.line_punct_ratio",
        ] {
            assert!(signals.contains_key(key), "{key} missing in {signals:?}");
        }
    }

    let out = dir.run_example(
        "[[step]]\ntype = \"gopher_quality\"\nmin_doc_words = 50\nmax_doc_words = 10\n",
        "bad",
    );
    assert_exit!(out, 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("step 1 (gopher_quality)"));
}
