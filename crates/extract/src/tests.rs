//! Behaviour tests of the whole extractor, from HTML to [`Extracted`].

use std::time::{Duration, Instant};

use proptest::prelude::*;

use crate::{ExtractConfig, Extracted, Extractor};

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

proptest! {
    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>()) {
        let page = Extractor::new(&ExtractConfig { max_nodes: 50, max_depth: 4, max_html_bytes: 64 }).extract(&s);
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
        let page = Extractor::new(&ExtractConfig { max_nodes: 40, max_depth: 3, max_html_bytes: 200 }).extract(&html);
        prop_assert!(!page.text.contains("\n\n\n"));
        let _ = extract(&html);
    }
}
