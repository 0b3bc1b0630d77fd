//! Behaviour tests of the whole extractor, from HTML to [`Extracted`].

use std::time::{Duration, Instant};

use proptest::prelude::*;

use crate::{ExtractConfig, Extracted, Extractor, OutputFormat};

fn extract(html: &str) -> Extracted {
    Extractor::new(&ExtractConfig::default()).extract(html)
}

fn text(html: &str) -> String {
    extract(html).text
}

#[test]
fn extractor_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Extractor>();
}

#[test]
fn entities_and_nbsp_are_decoded_and_collapsed() {
    let html = "<p>Tom&nbsp;&amp;\u{a0}Jerry &ldquo;x&rdquo; &#8211; &#x41;&lt;b&gt;   \n  end</p>";
    assert_eq!(text(html), "Tom & Jerry \u{201c}x\u{201d} \u{2013} A<b> end");
}

#[test]
fn inline_markup_is_flattened_and_blocks_are_separated() {
    let html = "<div>One <em>two</em><a href=x>three</a></div><p>Four</p>line<br>break<ul><li>a<li>b</ul>";
    assert_eq!(text(html), "One twothree\n\nFour\n\nline\n\nbreak\n\na\n\nb");
}

#[test]
fn whitespace_only_blocks_are_dropped() {
    assert_eq!(text("<p>&nbsp;</p><div> \u{a0} </div><p>x</p><br><br>"), "x");
    assert_eq!(text(""), "");
    assert_eq!(text("<html><body> </body></html>"), "");
}

#[test]
fn script_style_and_other_non_content_are_skipped() {
    let html = "<p>a<script>var s = '<p>bad</p>';</script>b</p><style>p{color:red}</style>\
                <template><p>tpl</p></template><svg><text>svg</text></svg><iframe>frame</iframe>\
                <textarea>input</textarea><p>c</p>";
    assert_eq!(text(html), "ab\n\nc");
}

#[test]
fn noscript_tracking_pixel_alt_is_not_emitted() {
    let html = r#"<body><noscript><img height="1" width="1" style="display:none" alt="fbpx"
        src="https://www.facebook.com/tr?id=000&ev=PageView&noscript=1" /></noscript>
        <p>Body <img src=x alt="an image" title="tip"> text</p></body>"#;
    let out = text(html);
    assert_eq!(out, "Body text");
    assert!(!out.contains("fbpx"));
}

#[test]
fn boilerplate_containers_and_hidden_elements_are_skipped() {
    let html = r#"<nav>Menu</nav><header>Site</header><div class="share-bar">Share this</div>
        <div id="cookie_notice">We use cookies</div><ul class="menu"><li>Home</li></ul>
        <p>Keep me</p><div hidden>h1</div><div aria-hidden="true">h2</div><div style="DISPLAY: none">h3</div>
        <div role="navigation">h4</div><form><input value=v>Search</form><button>Click</button>
        <aside>Side</aside><footer>All Rights Reserved</footer><div class="shareholders">Also keep</div>"#;
    assert_eq!(text(html), "Keep me\n\nAlso keep");
}

#[test]
fn boilerplate_word_on_a_page_wide_wrapper_is_kept() {
    let article = "<p>The article text is long enough to be most of the page here.</p>".repeat(5);
    let html = format!(
        r#"<body><div class="sidebar">Side links</div><div class="layout has-sidebar">{article}
        <div class="comments">A comment</div></div></body>"#
    );
    let out = text(&html);
    assert!(out.starts_with("The article text"), "{out}");
    assert!(!out.contains("Side links") && !out.contains("A comment"), "{out}");

    let aspnet = format!(r#"<body><form id="aspnetForm"><nav>Menu</nav>{article}</form></body>"#);
    let out = text(&aspnet);
    assert!(
        out.starts_with("The article text") && !out.contains("Menu"),
        "{out}"
    );
}

#[test]
fn unclosed_and_stray_tags_are_tolerated() {
    assert_eq!(
        text("<p>one<p>two<div>three</span></p></div>four"),
        "one\n\ntwo\n\nthree\n\nfour"
    );
    assert_eq!(text("<ul><li>a<li>b<ul><li>c</ul><li>d</ul>"), "a\n\nb\n\nc\n\nd");
    assert_eq!(text("<table><tr><td>a<td>b<tr><td>c</table>"), "a\n\nb\n\nc");
    // A `<p class="share">` left open ends at the next `<p>`.
    assert_eq!(
        text(r#"<p class="share">Share<p>Some text here"#),
        "Some text here"
    );
    // A self-closing non-void element opens nothing.
    assert_eq!(text(r#"<div class="ads"/><p>Text</p>"#), "Text");
    // A head that is never closed ends at the first body content.
    assert_eq!(text("<html><head><title>T</title><div>Body</div>"), "Body");
    assert_eq!(text("<p>unterminated <b>bold <!-- comment"), "unterminated bold");
    assert_eq!(text("<p>a</p></br><p>b"), "a\n\nb");
}

#[test]
fn pre_keeps_its_whitespace() {
    let html = "<p>Code:</p><pre>\nfn main() {\n    let x = 1;&nbsp;\n}\n</pre><p>after  text</p>";
    assert_eq!(
        text(html),
        "Code:\n\nfn main() {\n    let x = 1; \n}\n\nafter text"
    );
}

#[test]
fn title_comes_from_the_only_h1_else_title() {
    let page = extract("<title> Story \n - Site </title><header><h1>Story</h1></header><p>Body</p>");
    assert_eq!(page.title.as_deref(), Some("Story"));
    let page = extract("<title> Story \n - Site </title><h1>A</h1><h1>B</h1><p>Body</p>");
    assert_eq!(page.title.as_deref(), Some("Story - Site"));
    assert_eq!(page.text, "A\n\nB\n\nBody");
    let page = extract("<svg><title>icon</title></svg><p>Body</p>");
    assert_eq!(page.title, None);
    assert_eq!(extract("<title> </title><p>x</p>").title, None);
}

#[test]
fn leading_title_blocks_are_dropped_but_later_repeats_kept() {
    let html = "<title>Story - Site</title><h2>Story</h2><h1>Story</h1><p>Lead.</p>\
                <p><strong>Story</strong></p><p>More.</p>";
    let page = extract(html);
    assert_eq!(page.title.as_deref(), Some("Story"));
    assert_eq!(page.text, "Lead.\n\nStory\n\nMore.");
}

#[test]
fn language_is_the_raw_html_lang() {
    assert_eq!(
        extract(r#"<html lang="id-ID"><p>x"#).language.as_deref(),
        Some("id-ID")
    );
    assert_eq!(extract(r#"<html lang=" "><p>x"#).language, None);
    assert_eq!(extract("<p>x").language, None);
}

#[test]
fn deep_nesting_is_bounded_and_does_not_overflow() {
    let depth = 100_000;
    let html = format!("{}deep text{}", "<div>".repeat(depth), "</div>".repeat(depth));
    let start = Instant::now();
    let page = extract(&html);
    assert_eq!(page.text, "deep text");
    assert!(!page.budget_exhausted);
    assert!(start.elapsed() < Duration::from_secs(20), "{:?}", start.elapsed());

    // Boilerplate opened beyond max_depth is not tracked: its text flows into the page.
    let config = ExtractConfig {
        max_depth: 2,
        ..ExtractConfig::default()
    };
    let page = Extractor::new(&config).extract("<div><div><nav>menu</nav></div></div>");
    assert_eq!(page.text, "menu");
}

#[test]
fn huge_text_node_is_truncated() {
    let html = format!("<p>{}</p>", "é".repeat(10 * 1024 * 1024)); // 20 MiB of text
    let page = extract(&html);
    assert!(page.truncated);
    assert!(!page.budget_exhausted);
    assert!(page.text.len() <= 16 * 1024 * 1024);
    assert!(page.text.len() > 16 * 1024 * 1024 - 16);
    assert!(page.text.chars().all(|c| c == 'é' || c == '\n'));
}

#[test]
fn token_budget_stops_the_work() {
    let html = "<p>x</p>".repeat(1000);
    let config = ExtractConfig {
        max_nodes: 30,
        ..ExtractConfig::default()
    };
    let page = Extractor::new(&config).extract(&html);
    assert!(page.budget_exhausted);
    assert_eq!(page.text.lines().filter(|l| !l.is_empty()).count(), 10);
    let page = Extractor::new(&ExtractConfig {
        max_nodes: 0,
        ..config
    })
    .extract(&html);
    assert!(page.budget_exhausted);
    assert_eq!(page.text, "");
}

#[test]
fn binary_garbage_does_not_panic() {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let bytes: Vec<u8> = (0..200_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect();
    let html = String::from_utf8_lossy(&bytes);
    let page = extract(&html);
    assert!(!page.truncated);
    let with_tags = format!("<p>{html}<script>{html}</script><title>{html}<pre>{html}");
    let _ = extract(&with_tags);
}

#[test]
fn seed_page_snapshot() {
    let html = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/examples/seed/page.html"
    ));
    let page = extract(html);
    let lead = "Presiden Rusia Vladimir Putin mengatakan kepada pemimpin Korea Utara Kim Jong Un bahwa dia ingin \
                memperluas hubungan antara Moskow dan Pyongyang.";
    assert!(page.text.lines().any(|line| line == lead), "{}", page.text);
    assert!(
        page.text
            .contains("Putin Mengatakan Ingin Tingkatkan Hubungan Rusia dengan Korea Utara")
    );
    assert!(page.text.contains("\n\nRussiaToday, TRT World, Al Jazeera"));
    for boilerplate in ["fbpx", "All Rights Reserved", "Bagikan", "\u{a0}"] {
        assert!(
            !page.text.contains(boilerplate),
            "{boilerplate:?} in:\n{}",
            page.text
        );
    }
    assert!(!page.text.contains("\n\n\n"));
    assert_eq!(
        page.title.as_deref(),
        Some("Korut Siap Bela Rusia, Kim Jong-un Peringatkan Perang Nuklir")
    );
    assert_eq!(page.language.as_deref(), Some("id-ID"));
}

/// The seed pages' expected texts end in one newline; [`Extracted::text`] has none.
fn expected(text: &str) -> &str {
    text.strip_suffix('\n').unwrap_or(text)
}

/// Tokens as `score-extraction` cuts them: every character of a script written without spaces is a
/// token, other tokens are maximal runs of word characters (letters, digits, `_`). Combining marks are
/// not special-cased: the seed pages are Latin script, where this is exactly the script's tokenizer.
fn tokens(text: &str) -> Vec<&str> {
    fn spaceless(c: char) -> bool {
        matches!(u32::from(c),
            0x0E00..=0x0FFF | 0x1000..=0x109F | 0x1780..=0x17FF | 0x19E0..=0x19FF | 0x2E80..=0x2FDF
            | 0x3005..=0x3007 | 0x3021..=0x3029 | 0x3031..=0x3035 | 0x3038..=0x303C | 0x3040..=0x30FF
            | 0x3100..=0x312F | 0x31A0..=0x31BF | 0x31F0..=0x31FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
            | 0xA9E0..=0xA9FF | 0xAA60..=0xAA7F | 0xF900..=0xFAFF | 0xFF66..=0xFF9F | 0x16FE0..=0x16FFF
            | 0x1B000..=0x1B16F | 0x20000..=0x2FA1F | 0x30000..=0x323AF)
    }
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let word = (c.is_alphanumeric() || c == '_') && !spaceless(c);
        if !word {
            if let Some(s) = start.take() {
                out.extend(text.get(s..i));
            }
            if spaceless(c) {
                out.extend(text.get(i..i + c.len_utf8()));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.extend(text.get(s..));
    }
    out
}

/// `score-extraction`'s default text metric for one page: F1 of 4-gram shingle precision and recall
/// (a text of 1–3 tokens is one shorter shingle).
fn shingle_f1(truth: &str, pred: &str) -> f64 {
    use std::collections::HashMap;
    fn shingles<'a>(tokens: &[&'a str]) -> HashMap<Vec<&'a str>, i64> {
        let mut counts = HashMap::new();
        if !tokens.is_empty() {
            for i in 0..=tokens.len().saturating_sub(4) {
                let end = (i + 4).min(tokens.len());
                *counts.entry(tokens[i..end].to_vec()).or_insert(0) += 1;
            }
        }
        counts
    }
    let (t, p) = (shingles(&tokens(truth)), shingles(&tokens(pred)));
    let (mut tp, mut fp, mut fn_) = (0i64, 0i64, 0i64);
    for key in t.keys().chain(p.keys().filter(|k| !t.contains_key(*k))) {
        let (a, b) = (t.get(key).copied().unwrap_or(0), p.get(key).copied().unwrap_or(0));
        tp += a.min(b);
        fp += (b - a).max(0);
        fn_ += (a - b).max(0);
    }
    if fp == 0 && fn_ == 0 {
        return 1.0;
    }
    let precision = if tp + fp == 0 {
        0.0
    } else {
        tp as f64 / (tp + fp) as f64
    };
    let recall = if tp + fn_ == 0 {
        0.0
    } else {
        tp as f64 / (tp + fn_) as f64
    };
    if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    }
}

#[test]
fn shingle_metric_matches_the_scorer() {
    assert_eq!(
        tokens("Kim's 2 nukes, 北京!"),
        ["Kim", "s", "2", "nukes", "北", "京"]
    );
    assert_eq!(shingle_f1("a b c d e", "a b c d e"), 1.0);
    assert_eq!(shingle_f1("a b", "c"), 0.0);
    // 5 tokens: 2 shingles; the prediction has 1 of them and 1 wrong one: P = R = 0.5.
    assert!((shingle_f1("a b c d e", "a b c d x") - 0.5).abs() < 1e-9);
    assert_eq!(shingle_f1("", ""), 1.0);
}

/// The seed page (Joomla/K2): the measured F1 is 1.0 (the text is `expected.txt` exactly).
#[test]
fn seed_page_gives_expected_text() {
    let html = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/examples/seed/page.html"
    ));
    let want = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/examples/seed/expected.txt"
    ));
    let page = extract(html);
    assert!(shingle_f1(want, &page.text) >= 0.99, "{}", page.text);
    assert_eq!(page.text, expected(want));
}

/// Every field of the seed page's `expected.json`, exactly.
#[test]
fn seed_page_metadata_matches_expected_json() {
    let html = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/examples/seed/page.html"
    ));
    let want: serde_json::Value = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/examples/seed/expected.json"
    )))
    .unwrap();
    let page = extract(html);
    let got = serde_json::to_value(&page.metadata).unwrap();
    for (key, value) in want.as_object().unwrap() {
        assert_eq!(got.get(key), Some(value), "{key}: {got:#}");
    }
    assert_eq!(page.title, page.metadata.title);
}

#[test]
fn syndicated_page_metadata() {
    let html = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/examples/seed/syndicated.html"
    ));
    let meta = extract(html).metadata;
    assert_eq!(meta.date.as_deref(), Some("2022-08-17"));
    assert_eq!(meta.author.as_deref(), Some("Rina Marlina"));
    assert!(
        meta.url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://beritaharian.example/2022/08/17/"))
    );
    assert!(
        !meta
            .title
            .as_deref()
            .unwrap_or_default()
            .contains("Berita Harian"),
        "{:?}",
        meta.title
    );
    assert_eq!(meta.sources, ["RussiaToday", "TRT World", "Al Jazeera"]);
}

/// The syndicated copy (WordPress): ad, "Baca Juga" and share blocks inside `.entry-content`, comments,
/// cookie notice and navigation must all go. Measured F1 1.0 (exact).
#[test]
fn syndicated_page_gives_expected_text() {
    let html = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/examples/seed/syndicated.html"
    ));
    let want = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/examples/seed/syndicated.expected.txt"
    ));
    let page = extract(html);
    assert!(shingle_f1(want, &page.text) >= 0.99, "{}", page.text);
    assert_eq!(page.text, expected(want));
}

/// A paragraph of plain prose, long enough to score.
fn prose(n: usize) -> String {
    format!(
        "<p>Paragraph {n} of the story, with commas, clauses, and enough words to read like prose, \
         which is what the extractor looks for in the main content of a page.</p>"
    )
}

fn article(n: usize) -> String {
    (0..n).map(prose).collect()
}

#[test]
fn main_content_is_chosen_over_link_lists_and_comments() {
    let links: String = (0..30)
        .map(|i| format!("<li><a href=/{i}>Other headline number {i}</a></li>"))
        .collect();
    let html = format!(
        r#"<body><div class="top"><ul>{links}</ul></div><div class="main"><div class="story">{}</div>
        <div class="comments-area"><p>A reader wrote a long comment here, with opinions, about the story above.</p></div>
        </div><div class="widget"><ul>{links}</ul></div></body>"#,
        article(6)
    );
    let text = text(&html);
    assert!(text.starts_with("Paragraph 0 of the story"), "{text}");
    assert!(text.contains("Paragraph 5 of the story"), "{text}");
    assert!(
        !text.contains("headline") && !text.contains("reader wrote"),
        "{text}"
    );
}

#[test]
fn sibling_containers_of_one_article_are_kept_together() {
    // K2: intro and full text are sibling divs; neither is marked as the article body.
    let html = format!(
        r#"<body><div class="item"><div class="intro"><h2>Subheading</h2>{}</div>
        <div class="full">{}</div></div><div class="side"><a href=/x>Link</a></div></body>"#,
        prose(0),
        article(6)
    );
    let text = text(&html);
    assert!(text.starts_with("Subheading\n\nParagraph 0"), "{text}");
    assert!(text.ends_with("main content of a page."), "{text}");
}

#[test]
fn article_split_into_chunks_with_one_class_is_joined() {
    let html = format!(
        r#"<body><div class="grid"><div class="article-chunk">{}</div></div>
        <div class="ad-slot">Advertisement</div>
        <div class="grid"><div class="article-chunk">{}</div></div></body>"#,
        article(5),
        prose(9)
    );
    let text = text(&html);
    assert!(
        text.contains("Paragraph 0") && text.contains("Paragraph 9"),
        "{text}"
    );
    assert!(!text.contains("Advertisement"), "{text}");
}

#[test]
fn boilerplate_inside_the_content_is_removed() {
    let html = format!(
        r#"<body><div class="entry-content">{}
        <p>Read also: <a href=/x>Another story about the same thing</a></p>
        <p>The minister at the press conference. © Agency / Photographer</p>
        <div class="links"><a href=/a>Share on one network</a> <a href=/b>Share on another network</a></div>
        <figure><img src=x><figcaption class="wp-caption-text">Photo: Agency</figcaption></figure>
        <figure><img src=y><figcaption class="wp-caption-text">{}</figcaption></figure>
        {}<p>Related:</p><ul><li><a href=/r1>Related story one</a></li><li><a href=/r2>Related story two</a></li></ul>
        <p>© 2024 The Site. All rights reserved.</p></div></body>"#,
        article(3),
        "A long caption that is really a paragraph of the story, put in a caption box by a theme, and \
         long enough that it is kept as text, since captions are short and this one goes on and on \
         for well over two hundred and fifty characters of prose that belong to the article itself, \
         which it does, as a reader of the page would see at once.",
        prose(7)
    );
    let text = text(&html);
    for gone in ["Read also", "network", "Agency", "Photographer", "Related", "©"] {
        assert!(!text.contains(gone), "{gone:?} in {text}");
    }
    assert!(
        text.contains("A long caption") && text.ends_with("main content of a page."),
        "{text}"
    );
}

#[test]
fn a_page_of_links_keeps_its_links() {
    let html = "<body><p><a href=/a>First link</a></p><p><a href=/b>Second link</a></p></body>";
    assert_eq!(text(html), "First link\n\nSecond link");
}

#[test]
fn unclosed_header_does_not_swallow_the_page() {
    let html = format!(
        r#"<body><header id="branding"><div class="logo">Site</div>{}</body>"#,
        article(5)
    );
    let text = text(&html);
    assert!(
        text.starts_with("Paragraph 0") && text.contains("Paragraph 4"),
        "{text}"
    );
}

#[test]
fn very_short_page_gives_its_text_without_furniture() {
    let html = r#"<body><nav><a href=/>Home</a></nav><div class="row"><div><h1>Title</h1><p>By Someone</p></div></div>
        <div class="row"><p>How do variables work? A short excerpt.</p></div>
        <div class="row"><p>No problem? Then try the puzzle!</p></div><footer>Imprint</footer></body>"#;
    let text = text(html);
    assert!(
        text.contains("How do variables work?") && text.contains("try the puzzle"),
        "{text}"
    );
    assert!(!text.contains("Home") && !text.contains("Imprint"), "{text}");
}

#[test]
fn an_index_of_teasers_has_no_main_text() {
    // A front page: a lead teaser and two smaller ones, the best "content" the scorer finds.
    let html = r#"<body><div class="index">
        <div class="story" id="lead-story"><h3><a href=/0>Lead headline</a></h3>
        <p>The lead summary, short, with commas, many, of them, here, and, there.</p></div>
        <div class="story"><h3><a href=/1>Second headline</a></h3><p>Another summary, of a story on this page.</p></div>
        <div class="story"><h3><a href=/2>Third headline</a></h3><p>One more summary, of a story on this page.</p></div>
        </div><ul><li><a href=/a>Menu</a></li></ul></body>"#;
    assert_eq!(text(html), "");
}

#[test]
fn the_lead_before_the_body_and_the_article_header_are_kept() {
    let html = format!(
        r#"<body><nav>Menu</nav><article><header><h1>Title</h1><div class="byline">By A. Writer</div>
        <p class="article-lead">The lead says in one sentence what the story is about, and why.</p></header>
        <div class="row"><div class="body-wrap"><div class="story-text">{}</div></div></div></article></body>"#,
        article(5)
    );
    let text = text(&html);
    assert!(text.starts_with("The lead says"), "{text}");
    assert!(
        !text.contains("Writer") && !text.contains("Title") && !text.contains("Menu"),
        "{text}"
    );
}

#[test]
fn an_article_header_by_class_in_main_keeps_its_lead_and_a_site_header_does_not() {
    let html = format!(
        r#"<body><div class="site-header"><p>Site header text that is long enough to count as prose here.</p></div>
        <main><div class="entry-header"><h1>Title</h1>
        <div class="entry-excerpt"><p>The lead says in one sentence what the story is about, and why.</p></div></div>
        <div class="entry-content">{}</div></main></body>"#,
        article(5)
    );
    let text = text(&html);
    assert!(text.starts_with("The lead says"), "{text}");
    assert!(!text.contains("Site header") && !text.contains("Title"), "{text}");
}

#[test]
fn comments_come_after_the_main_text_only_when_asked_for() {
    let html = format!(
        r#"<body><article><div class="entry-content">{}</div></article>
        <section id="comments"><h3>2 comments</h3><ol class="comment-list">
        <li class="comment"><p>First comment, with an opinion.</p></li>
        <li class="comment"><p>Second comment.</p><div class="share-buttons">Share</div></li></ol>
        <form class="comment-form"><p>Leave a reply</p></form></section></body>"#,
        article(4)
    );
    let without = text(&html);
    assert!(
        without.ends_with("of a page.") && !without.contains("comment"),
        "{without}"
    );
    let with = Extractor::new(&ExtractConfig {
        comments: true,
        ..ExtractConfig::default()
    })
    .extract(&html)
    .text;
    assert_eq!(
        with.strip_prefix(without.as_str()),
        Some("\n\n2 comments\n\nFirst comment, with an opinion.\n\nSecond comment.\n\nLeave a reply")
    );
}

#[test]
fn invisible_characters_are_dropped() {
    assert_eq!(text("<p>Mit&shy;tel&#8203;al\u{feff}ter</p>"), "Mittelalter");
}

proptest! {
    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>()) {
        let page = Extractor::new(&ExtractConfig { max_nodes: 50, max_depth: 4, max_html_bytes: 64, format: OutputFormat::Markdown, comments: true }).extract(&s);
        prop_assert!(!page.text.ends_with('\n'));
        let _ = extract(&s);
    }

    #[test]
    fn tag_soup_never_panics(parts in proptest::collection::vec(
        prop_oneof![
            Just("<p>"), Just("</p>"), Just("<div class=menu>"), Just("</div>"), Just("<pre>"), Just("</pre>"),
            Just("<script>"), Just("</script>"), Just("<title>"), Just("</title>"), Just("<h1>"), Just("</h1>"),
            Just("<svg>"), Just("</svg>"), Just("<form>"), Just("</form>"), Just("<br/>"), Just("&nbsp;"),
            Just("&amp"), Just("<!--"), Just("-->"), Just("<head>"), Just("<li>"), Just("text"), Just(" "),
            Just("é"), Just("<"), Just("<plaintext>"),
        ],
        0..64,
    )) {
        let html = parts.concat();
        let page = Extractor::new(&ExtractConfig { max_nodes: 40, max_depth: 3, max_html_bytes: 200, format: OutputFormat::Markdown, comments: true }).extract(&html);
        prop_assert!(!page.text.contains("\n\n\n"));
        let _ = extract(&html);
    }
}
