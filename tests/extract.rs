//! `saring extract` on small pages in five scripts (Latin, Cyrillic, CJK, Arabic, Thai): snapshots of the
//! text, the Markdown and the title, and the comment section only with `--comments` (issue 10).

use crate::explain::assert_snapshot;
use crate::util::*;

/// The fixture pages in `tests/fixtures/extract/`, written for these tests (no third-party text).
const PAGES: [&str; 5] = [
    "latin-de.html",
    "cyrillic-ru.html",
    "cjk-zh.html",
    "arabic-ar.html",
    "thai-th.html",
];

/// `saring extract ARGS… PAGE`'s standard output, which must exit 0.
fn extract(dir: &Dir, page: &str, args: &[&str]) -> String {
    let path = repo().join("tests/fixtures/extract").join(page);
    let mut command = vec!["extract"];
    command.extend_from_slice(args);
    command.push(path.to_str().unwrap());
    let out = dir.saring(&command);
    assert_exit!(out, 0);
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn pages_in_five_scripts_match_their_snapshots() {
    let dir = Dir::new();
    for page in PAGES {
        let text = extract(&dir, page, &[]);
        let markdown = extract(&dir, page, &["--format", "markdown"]);
        let json: serde_json::Value =
            serde_json::from_str(&extract(&dir, page, &["--format", "json"])).unwrap();
        let snapshot = format!(
            "title: {}\nlanguage: {}\n\n== text\n{text}\n== markdown\n{markdown}",
            json["title"], json["language"]
        );
        assert_snapshot(&format!("extract/{page}.txt"), &snapshot);
        for furniture in [
            "©",
            "fbpx",
            "Cookie",
            "Impressum",
            "Поделиться",
            "相关新闻",
            "اقرأ أيضاً",
        ] {
            assert!(!text.contains(furniture), "{page}: {furniture} in\n{text}");
        }
    }
}

#[test]
fn comments_are_appended_only_with_the_flag() {
    let dir = Dir::new();
    let without = extract(&dir, "thai-th.html", &[]);
    let with = extract(&dir, "thai-th.html", &["--comments"]);
    assert!(!without.contains("ความคิดเห็น"), "{without}");
    assert_eq!(
        with.strip_prefix(without.trim_end()),
        Some("\n\nความคิดเห็น\n\nบรรยากาศดีมาก จะไปอีกแน่นอน\n")
    );
}
