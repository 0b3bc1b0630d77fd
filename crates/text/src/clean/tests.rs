use super::*;

fn clean(text: &str) -> String {
    Clean::new(&CleanConfig::default()).clean(text)
}

#[test]
fn whitespace_spaces_and_blank_lines() {
    assert_eq!(
        clean("  a \t b  \n\n\n\n c\u{a0}\u{202f}d\u{2007}e  "),
        "a b\n\nc d e"
    );
    assert_eq!(clean("\u{a0}\n \n\ta\n\u{a0}\n\u{a0}\nb\n\n"), "a\n\nb");
    assert_eq!(clean("a\r\nb\rc\u{2028}d\u{85}e"), "a\nb\nc\nd\ne");
    assert_eq!(clean(""), "");
    assert_eq!(clean(" \n\u{a0}\n\t"), "");
}

#[test]
fn zero_width_and_control_characters() {
    assert_eq!(clean("a\u{200b}b\u{feff}c\u{2060}d"), "abcd");
    assert_eq!(clean("x\u{0}y\u{7}z\u{1b}[0m\u{7f}\u{9f}"), "xyz[0m");
    assert_eq!(clean("page\u{c}break\u{b}here"), "page break here");
    // Joiners stay between visible characters, go elsewhere.
    assert_eq!(clean("می\u{200c}خواهم"), "می\u{200c}خواهم");
    assert_eq!(clean("👨\u{200d}👩\u{200d}👧"), "👨\u{200d}👩\u{200d}👧");
    assert_eq!(clean("\u{200d}a \u{200c}b\u{200c} c\u{200d}"), "a b c");
    let strict = Clean::new(&CleanConfig {
        keep_inner_joiners: false,
        ..CleanConfig::default()
    });
    assert_eq!(strict.clean("می\u{200c}خواهم"), "میخواهم");
}

#[test]
fn nfc_and_mojibake() {
    assert_eq!(clean("Cafe\u{301}"), "Café");
    assert_eq!(clean("dÃ©jÃ\u{a0}vu â€” itâ€™s"), "déjàvu — it’s");
    // Mojibake of a decomposed accent: repaired, then composed.
    assert_eq!(clean("e\u{cc}\u{81}"), "é");
    // A removed zero-width character joins a sequence: the text is cleaned again (found by proptest).
    assert_eq!(clean("Ã\u{200b}©a"), "éa");
    assert_eq!(clean("ÃÂ\u{feff}\u{301}"), "ÃẤ");
    // Composing makes a sequence (`e` + U+0301 before `©©` is `é©©`): repaired in the same pass, so a
    // second cleaning changes nothing (found by proptest).
    let once = clean("e\u{301}©©");
    assert_eq!(clean(&once), once);
    assert_eq!(once, clean("é©©"));
}

#[test]
fn switches_turn_each_part_off() {
    let off = Clean::new(&CleanConfig {
        fix_mojibake: false,
        nfc: false,
        normalize_spaces: false,
        remove_zero_width: false,
        keep_inner_joiners: false,
        remove_control: false,
        collapse_whitespace: false,
        drop_javascript_lines: false,
        drop_policy_lines: false,
        drop_tracking_lines: false,
        drop_copyright_lines: false,
        drop_credit_lines: false,
        drop_share_lines: false,
    });
    let text = "Ã©\u{a0}x\u{200b}\u{1}e\u{301}  y\nfbpx\n© 2018 X\nShare this\njavascript";
    assert_eq!(off.clean(text), text);
}

#[test]
fn process_records_signals_and_drops_only_empty_text() {
    let step = Clean::new(&CleanConfig::default());
    let mut doc = Document::new("d".into(), "fbpx\nHello\u{a0}world\n© 2018 X".into());
    assert_eq!(step.process(&mut doc), Verdict::Keep);
    assert_eq!(doc.text, "Hello world");
    assert_eq!(doc.signals["clean.lines_removed"], 2.0);
    assert_eq!(doc.signals["clean.chars_removed"], 14.0);
    assert_eq!(doc.signals["clean.mojibake_fixed"], 0.0);
    let mut doc = Document::new("e".into(), "Share this\n\u{a0}\n".into());
    assert_eq!(step.process(&mut doc), Verdict::Drop(DropReason::EmptyText));
    assert_eq!(doc.text, "");
    let mut doc = Document::new("f".into(), String::new());
    assert_eq!(step.process(&mut doc), Verdict::Drop(DropReason::EmptyText));
}

#[test]
fn odd_input_does_not_panic_and_is_idempotent() {
    let long_line = "x".repeat(1 << 20);
    let inputs = [
        "\u{0}\u{0}\u{0}",
        "🙂🙂🙂 ⭐ ✨",
        "Ã",
        "ð\u{9f}",
        "\r\r\r\n\n",
        "混合 scripts العربية and ไทย",
        long_line.as_str(),
        "\u{200d}\u{200d}\u{200c}",
        "a\u{85}\u{85}b",
    ];
    for input in inputs {
        let once = clean(input);
        assert_eq!(clean(&once), once, "{input:?}");
    }
}

#[test]
fn config_rejects_unknown_keys_and_has_a_default() {
    let config: CleanConfig = toml::from_str("").unwrap();
    assert_eq!(config, CleanConfig::default());
    let config: CleanConfig = toml::from_str("drop_javascript_lines = false").unwrap();
    assert!(!config.drop_javascript_lines);
    let err = toml::from_str::<CleanConfig>("drop_javascript = false")
        .unwrap_err()
        .to_string();
    assert!(err.contains("drop_javascript"), "{err}");
}

#[test]
fn line_rule_names_the_setting_that_removes_a_line() {
    let step = Clean::new(&CleanConfig::default());
    assert_eq!(step.line_rule("  fbpx  "), Some("drop_tracking_lines"));
    assert_eq!(
        step.line_rule("©\u{a0}2024  Example"),
        Some("drop_copyright_lines")
    );
    assert_eq!(step.line_rule("An article line."), None);
    assert_eq!(step.line_rule(" \u{a0} "), None);
    let off = Clean::new(&CleanConfig {
        drop_tracking_lines: false,
        ..CleanConfig::default()
    });
    assert_eq!(off.line_rule("fbpx"), None);
}
