//! The seed page's scraped text, cleaned: a snapshot test (issue 11, "Cleaning").

use saring_core::{Document, Step, Verdict};
use saring_text::{Clean, CleanConfig};

const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/examples/seed/");
const SNAPSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/scraped.clean.txt");

#[test]
fn scraped_seed_cleans_to_the_snapshot() {
    let scraped = std::fs::read_to_string(format!("{SEED}scraped.txt")).unwrap();
    let expected = std::fs::read_to_string(format!("{SEED}expected.txt")).unwrap();
    let mut doc = Document::new("seed".into(), scraped.clone());
    assert_eq!(
        Clean::new(&CleanConfig::default()).process(&mut doc),
        Verdict::Keep
    );
    let cleaned = doc.text;

    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(SNAPSHOT, &cleaned).unwrap();
    }
    let snapshot = std::fs::read_to_string(SNAPSHOT).unwrap();
    assert_eq!(
        cleaned, snapshot,
        "set UPDATE_SNAPSHOTS=1 to rewrite the snapshot"
    );

    // The whole article survives: every line of expected.txt that is in scraped.txt.
    let kept: Vec<&str> = cleaned.lines().collect();
    for line in expected.lines().filter(|l| !l.is_empty()) {
        if scraped.lines().any(|s| s == line) {
            assert!(kept.contains(&line), "lost article line: {line}");
        }
    }
    // The boilerplate and the no-break-space lines go.
    assert!(!kept.contains(&"fbpx"));
    assert!(!cleaned.contains("Designed By JoomShaper"));
    assert!(!cleaned.contains('\u{a0}'));
    assert!(!cleaned.contains("\n\n\n"));
    assert_eq!(doc.signals["clean.lines_removed"], 2.0);
}
