//! Feeds arbitrary bytes, as lossy UTF-8, to the extractor with tight and default limits, as text and as
//! Markdown: it may not panic or loop, the text keeps its shape (no blank-line runs, no final newline), and
//! extracting the same page twice gives the same result.
#![no_main]

use libfuzzer_sys::fuzz_target;
use saring_extract::{ExtractConfig, Extractor, OutputFormat};

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    let tight = ExtractConfig {
        max_html_bytes: 512,
        max_nodes: 64,
        max_depth: 4,
        format: OutputFormat::Text,
        comments: false,
    };
    for config in [
        tight.clone(),
        ExtractConfig {
            format: OutputFormat::Markdown,
            comments: true,
            ..tight
        },
        ExtractConfig::default(),
    ] {
        let extractor = Extractor::new(&config);
        let page = extractor.extract(&html);
        assert!(!page.text.contains("\n\n\n"), "a run of blank lines");
        assert!(!page.text.ends_with('\n'), "a final newline");
        assert_eq!(page, extractor.extract(&html), "not deterministic");
        if u64::try_from(html.len()).unwrap_or(u64::MAX) > config.max_html_bytes {
            assert!(page.truncated);
        }
    }
});
