//! Boilerplate lines by rule: which cleaned lines the `clean` step removes.
//!
//! Every rule looks at one line after its whitespace was collapsed. Substrings are matched ASCII
//! case-insensitively (C4 lower-cases lines; the phrases are ASCII, so the two agree except for exotic
//! case foldings of ASCII letters).

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// Which rules are on (from [`CleanConfig`](crate::CleanConfig)).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Rules {
    pub javascript: bool,
    pub policy: bool,
    pub tracking: bool,
    pub copyright: bool,
    pub credit: bool,
    pub share: bool,
}

/// C4's `filter_javascript`: any line containing "javascript".
const JAVASCRIPT: &[&str] = &["javascript"];
/// C4's `POLICY_SUBSTRINGS` (datatrove `c4_filters.py`, from TFDS `c4_utils.py`), verbatim.
const POLICY: &[&str] = &[
    "terms of use",
    "privacy policy",
    "cookie policy",
    "uses cookies",
    "use of cookies",
    "use cookies",
];
/// "All rights reserved" in a few languages (lines of at most [`COPYRIGHT_MAX_CHARS`]).
const RIGHTS: &[&str] = &[
    "all rights reserved",
    "todos los derechos reservados",
    "todos os direitos reservados",
    "tous droits reserves",
    "tous droits réservés",
    "alle rechte vorbehalten",
    "tutti i diritti riservati",
    "hak cipta dilindungi",
    "alle rechten voorbehouden",
    "wszelkie prawa zastrzeżone",
    "все права защищены",
    "版权所有",
    "版權所有",
];
/// Site credits (lines of at most [`CREDIT_MAX_WORDS`], the phrase at the start or after a separator).
const CREDIT: &[&str] = &[
    "designed by",
    "powered by",
    "developed by",
    "theme by",
    "website by",
    "site by",
    "web design by",
];
/// Tracking-pixel words that make up a whole line.
const TRACKING: &[&str] = &["fbpx"];
/// Share prompts that make up a whole line (compared lower-cased, without a trailing `:`).
const SHARE: &[&str] = &[
    "share",
    "share this",
    "share this article",
    "share this post",
    "share this story",
    "share on facebook",
    "share on twitter",
    "share on whatsapp",
    "bagikan",
    "bagikan artikel ini",
    "bagikan berita ini",
    "kongsi",
    "compartir",
    "compartir en facebook",
    "compartilhar",
    "compartilhe",
    "partager",
    "partager cet article",
    "teilen",
    "artikel teilen",
    "diesen artikel teilen",
    "condividi",
    "delen",
    "udostępnij",
    "paylaş",
    "поделиться",
    "chia sẻ",
    "シェア",
    "シェアする",
    "分享",
    "分享到",
    "공유하기",
];

/// Copyright and "all rights reserved" lines longer than this (in characters) are kept.
pub(crate) const COPYRIGHT_MAX_CHARS: usize = 200;
/// Credit lines with more words than this are kept ("The car is powered by…" is never a credit anyway).
pub(crate) const CREDIT_MAX_WORDS: usize = 12;
/// Share lines longer than this (in bytes) are kept without looking.
const SHARE_MAX_BYTES: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Javascript,
    Policy,
    Rights,
    Credit,
}

/// The compiled rules.
#[derive(Debug, Clone)]
pub(crate) struct Boilerplate {
    rules: Rules,
    substrings: Option<AhoCorasick>,
    kinds: Vec<Kind>,
}

impl Boilerplate {
    pub(crate) fn new(rules: Rules) -> Boilerplate {
        let mut patterns: Vec<&str> = Vec::new();
        let mut kinds = Vec::new();
        let mut add = |on: bool, list: &[&'static str], kind: Kind| {
            if on {
                patterns.extend_from_slice(list);
                kinds.extend(std::iter::repeat_n(kind, list.len()));
            }
        };
        add(rules.javascript, JAVASCRIPT, Kind::Javascript);
        add(rules.policy, POLICY, Kind::Policy);
        add(rules.copyright, RIGHTS, Kind::Rights);
        add(rules.credit, CREDIT, Kind::Credit);
        let substrings = if patterns.is_empty() {
            None
        } else {
            // Building from a few dozen fixed ASCII/UTF-8 literals cannot fail; if it ever did, the
            // substring rules would simply be off.
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostFirst)
                .build(&patterns)
                .ok()
        };
        Boilerplate {
            rules,
            substrings,
            kinds,
        }
    }

    /// Whether the (whitespace-collapsed, trimmed, non-empty) line is boilerplate.
    pub(crate) fn is_boilerplate(&self, line: &str) -> bool {
        self.rule(line).is_some()
    }

    /// The rule that makes the (whitespace-collapsed, trimmed, non-empty) line boilerplate, named by its
    /// `clean` setting (`drop_copyright_lines`, …), or `None` when the line stays.
    pub(crate) fn rule(&self, line: &str) -> Option<&'static str> {
        if self.rules.tracking && TRACKING.iter().any(|w| line.eq_ignore_ascii_case(w)) {
            return Some("drop_tracking_lines");
        }
        if self.rules.share && line.len() <= SHARE_MAX_BYTES && is_share_prompt(line) {
            return Some("drop_share_lines");
        }
        if self.rules.copyright && is_copyright_notice(line) {
            return Some("drop_copyright_lines");
        }
        let ac = self.substrings.as_ref()?;
        for m in ac.find_iter(line) {
            match self.kinds.get(m.pattern().as_usize()) {
                Some(Kind::Javascript) => return Some("drop_javascript_lines"),
                Some(Kind::Policy) => return Some("drop_policy_lines"),
                Some(Kind::Rights) if short_chars(line, COPYRIGHT_MAX_CHARS) => {
                    return Some("drop_copyright_lines");
                }
                Some(Kind::Credit)
                    if credit_position(line, m.start())
                        && line.split_whitespace().nth(CREDIT_MAX_WORDS).is_none() =>
                {
                    return Some("drop_credit_lines");
                }
                _ => {}
            }
        }
        None
    }
}

/// Whether `line` has at most `max` characters, without counting all of a long line.
fn short_chars(line: &str, max: usize) -> bool {
    line.len() <= max || line.chars().nth(max).is_none()
}

/// A credit phrase counts at the start of the line (after an optional "proudly "), or after a
/// separator and a space: `| · • – — - . ; ©` or `*` (not a comma: "its tests, powered by Mocha").
fn credit_position(line: &str, start: usize) -> bool {
    let before_raw = line.get(..start).unwrap_or_default();
    let before = before_raw.trim_end();
    if before.is_empty() || before.eq_ignore_ascii_case("proudly") {
        return true;
    }
    before.len() < before_raw.len()
        && before
            .chars()
            .next_back()
            .is_some_and(|c| matches!(c, '|' | '·' | '•' | '–' | '—' | '-' | '.' | ';' | '©' | '*'))
}

/// A short line that starts with `©`, `(c)` or `copyright` followed by `©`, `(c)` or a year, or that
/// holds `©` followed by a year anywhere.
fn is_copyright_notice(line: &str) -> bool {
    if !short_chars(line, COPYRIGHT_MAX_CHARS) {
        return false;
    }
    let lower_start = |s: &str, prefix: &str| {
        s.get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
    };
    if line.starts_with('©') || lower_start(line, "(c) ") {
        return true;
    }
    if lower_start(line, "copyright") {
        let rest = line.get("copyright".len()..).unwrap_or_default().trim_start();
        if rest.starts_with('©') || lower_start(rest, "(c)") || rest.starts_with(|c: char| c.is_ascii_digit())
        {
            return true;
        }
    }
    line.match_indices('©').any(|(i, _)| {
        line.get(i + '©'.len_utf8()..)
            .unwrap_or_default()
            .trim_start()
            .starts_with(|c: char| c.is_ascii_digit())
    })
}

/// Whether the whole line is a share prompt, compared lower-cased (Unicode) and without a trailing `:`.
fn is_share_prompt(line: &str) -> bool {
    let line = line.trim_end_matches([':', '：', ' ']);
    let Some(first) = line.chars().next().map(|c| c.to_lowercase().next().unwrap_or(c)) else {
        return false;
    };
    SHARE.iter().any(|prompt| {
        prompt.starts_with(first) && line.chars().flat_map(char::to_lowercase).eq(prompt.chars())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> Boilerplate {
        Boilerplate::new(Rules {
            javascript: true,
            policy: true,
            tracking: true,
            copyright: true,
            credit: true,
            share: true,
        })
    }

    #[test]
    fn removes_each_kind() {
        let b = all();
        for line in [
            "Please enable JavaScript to view the comments.",
            "By continuing you agree to our Privacy Policy.",
            "This site uses cookies to improve your experience.",
            "Terms of Use",
            "fbpx",
            "FBPX",
            "© 2018 Zid World All Rights Reserved. Designed By JoomShaper *",
            "Copyright © 2024 Example Media",
            "Copyright 2024 Example Media",
            "(c) 2020 Foo",
            "Hak Cipta © 2021 Kompas",
            "Example Inc. All rights reserved.",
            "Alle Rechte vorbehalten",
            "Powered by WordPress",
            "Proudly powered by WordPress | Theme: ColorMag by ThemeGrill",
            "Home | About | Designed by Acme",
            "Share this:",
            "Bagikan:",
            "Compartir",
            "Teilen",
            "Поделиться",
        ] {
            assert!(b.is_boilerplate(line), "{line}");
        }
    }

    #[test]
    fn names_the_rule_by_its_setting() {
        let b = all();
        for (line, rule) in [
            ("fbpx", "drop_tracking_lines"),
            ("Share this:", "drop_share_lines"),
            ("© 2024 Example", "drop_copyright_lines"),
            ("Example Inc. All rights reserved.", "drop_copyright_lines"),
            ("Please enable JavaScript", "drop_javascript_lines"),
            ("Read our privacy policy", "drop_policy_lines"),
            ("Powered by WordPress", "drop_credit_lines"),
        ] {
            assert_eq!(b.rule(line), Some(rule), "{line}");
        }
        assert_eq!(b.rule("An article line."), None);
    }

    #[test]
    fn keeps_article_lines() {
        let b = all();
        for line in [
            "The car is powered by a V8 engine.",
            "And its test suite, powered by Mocha and Chai:",
            "This was choice—powered by digital advertising—and premised on it.",
            "Copyright law in the EU is changing fast.",
            "The museum was designed by Frank Gehry in 1997.",
            "Share prices fell sharply on Monday.",
            "Bagikan pengalamanmu di kolom komentar",
            "fbpx is the name of a tracking pixel",
            "RussiaToday, TRT World, Al Jazeera",
            "Kim menyatakan \"terus mengambil langkah-langkah\"",
        ] {
            assert!(!b.is_boilerplate(line), "{line}");
        }
        let long = format!("{} all rights reserved", "word ".repeat(60));
        assert!(!b.is_boilerplate(&long));
    }

    #[test]
    fn rules_switch_off() {
        let b = Boilerplate::new(Rules::default());
        for line in [
            "javascript",
            "privacy policy",
            "fbpx",
            "© 2018 X",
            "Powered by X",
            "Share this",
        ] {
            assert!(!b.is_boilerplate(line), "{line}");
        }
        let b = Boilerplate::new(Rules {
            policy: true,
            ..Rules::default()
        });
        assert!(!b.is_boilerplate("enable javascript"));
        assert!(b.is_boilerplate("our privacy policy"));
    }
}
