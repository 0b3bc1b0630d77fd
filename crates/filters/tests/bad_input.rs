//! Odd inputs: no filter panics, and each gives a verdict and its signals.

use saring_core::{Document, Step, Verdict};
use saring_filters::{
    C4Quality, C4QualityConfig, FineWebQuality, FineWebQualityConfig, GopherQuality, GopherQualityConfig,
    GopherRepetition, GopherRepetitionConfig,
};

fn steps() -> Vec<Box<dyn Step>> {
    vec![
        Box::new(GopherRepetition::new(&GopherRepetitionConfig::default())),
        Box::new(GopherQuality::new(&GopherQualityConfig::default())),
        Box::new(C4Quality::new(&C4QualityConfig::default())),
        Box::new(FineWebQuality::new(&FineWebQualityConfig::default())),
    ]
}

#[test]
fn odd_texts_get_verdicts_without_panicking() {
    let long_token = "a.b/c:d-e".repeat(20_000);
    let long_line = "word ".repeat(50_000);
    let texts = [
        "",
        " ",
        "\n\n\n",
        "\u{1c}\u{1d}\u{85}\u{2028}",
        "{{{}}}",
        "😀😀😀 🎉🎉 👍🏽👍🏽👍🏽",
        "!!!??? ... … ### --- •••",
        "Ελληνικά и русский 中文混合 text عربي हिन्दी ไทย",
        "\u{0}\u{1}\u{7f}\u{fffd}",
        long_token.as_str(),
        long_line.as_str(),
    ];
    for text in texts {
        for step in steps() {
            let mut doc = Document::new("d".into(), text.into());
            let verdict = step.process(&mut doc);
            assert!(
                !matches!(verdict, Verdict::Error(_)),
                "{}: {verdict:?}",
                step.name()
            );
            for (name, value) in &doc.signals {
                assert!(!value.is_nan(), "{name} is NaN for {:?}", text.get(..40));
            }
        }
    }
}

#[test]
fn verdicts_do_not_depend_on_what_ran_before() {
    let a = "The cat sat on the mat. It was happy with that and the dog.\n".repeat(10);
    let b = "Another text, with words of its own, and the usual stop words to have.".to_owned();
    let first: Vec<_> = steps()
        .iter()
        .map(|s| s.process(&mut Document::new("a".into(), a.clone())))
        .collect();
    for s in steps() {
        s.process(&mut Document::new("b".into(), b.clone()));
    }
    let again: Vec<_> = steps()
        .iter()
        .map(|s| s.process(&mut Document::new("a".into(), a.clone())))
        .collect();
    assert_eq!(first, again);
}
