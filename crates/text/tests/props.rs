//! Property tests: no input makes `clean` or `pii` panic, and cleaning is idempotent.

use proptest::prelude::*;
use saring_core::{Document, Step};
use saring_text::{Clean, CleanConfig, Pii, PiiConfig};

/// Strings rich in the characters the steps care about.
fn texty() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "a",
        "B",
        " ",
        "  ",
        "\t",
        "\n",
        "\n\n",
        "\r",
        "\r\n",
        "\u{a0}",
        "\u{200b}",
        "\u{200c}",
        "\u{200d}",
        "\u{feff}",
        "\u{0}",
        "\u{85}",
        "\u{2028}",
        "Ã",
        "Â",
        "â",
        "ð",
        "©",
        "€",
        "™",
        "\u{9d}",
        "Ÿ",
        "é",
        "e\u{301}",
        "\u{301}",
        "日",
        "ไ",
        "🙂",
        "fbpx",
        "javascript",
        "privacy policy",
        "© 2018",
        "All Rights Reserved",
        "Designed By",
        "Share this",
        ":",
        "::",
        "@",
        ".",
        "1",
        "8.8.8.8",
        "a@b.com",
        "2a00:1450::1",
        "+62",
        "-",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn clean_never_panics_and_is_idempotent(text in texty()) {
        let clean = Clean::new(&CleanConfig::default());
        let once = clean.clean(&text);
        prop_assert_eq!(clean.clean(&once), once.clone());
        prop_assert!(!once.starts_with('\n') && !once.ends_with('\n'));
        prop_assert!(!once.contains("\n\n\n"));
    }

    #[test]
    fn arbitrary_unicode_never_panics(text in any::<String>()) {
        let mut doc = Document::new("p".into(), text);
        Clean::new(&CleanConfig::default()).process(&mut doc);
        let config = PiiConfig { phones: true, ..PiiConfig::default() };
        Pii::new(&config).process(&mut doc);
    }

    #[test]
    fn pii_never_panics(text in texty(), id in any::<String>()) {
        let config = PiiConfig { phones: true, only_public_ips: false, ..PiiConfig::default() };
        let mut doc = Document::new(id, text);
        Pii::new(&config).process(&mut doc);
    }
}
