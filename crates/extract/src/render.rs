//! Renders chosen arena subtrees as text blocks, leaving out excluded nodes. No recursion: a subtree is a
//! range of the arena, walked with a stack of open ends.

use crate::dom::{self, Dom};
use crate::text::Blocks;

/// Renders the subtrees rooted at `roots` (in document order) into blocks, skipping every node `i` with
/// `excluded[i]` and its subtree.
pub(crate) fn render(dom: &Dom, roots: &[u32], excluded: &[bool], markdown: bool) -> Vec<String> {
    let blocks = render_blocks(dom, roots, excluded, markdown);
    drop_link_blocks(blocks)
}

/// Short blocks that are nearly all link text ("Read also: <a>headline</a>"), photo credits and date
/// lines, anywhere; and at the end,
/// the run of link-heavy blocks ("Related:", a list of links) after the last real paragraph.
fn drop_link_blocks(blocks: Blocks) -> Vec<String> {
    let mut kept: Vec<(String, (usize, usize))> = blocks
        .done
        .into_iter()
        .zip(blocks.stats)
        .filter(|(text, (chars, links))| {
            !is_link_teaser(text, *chars, *links) && !is_credit(text, *chars) && !is_date_line(text, *chars)
        })
        .collect();
    // Only after a real paragraph: a page of links alone is left as it is.
    let last_real = kept
        .iter()
        .rposition(|(_, (chars, links))| *chars >= 50 && links.saturating_mul(2) < *chars);
    if let Some(last_real) = last_real {
        while kept.len() > last_real.saturating_add(1) {
            let Some((text, (chars, links))) = kept.last() else {
                break;
            };
            let link_heavy = links.saturating_mul(2) >= *chars && *chars < TRAILING_LINK_BLOCK_CHARS;
            let label = *chars < 40 && text.ends_with(':');
            let copyright = *chars < COPYRIGHT_BLOCK_CHARS && text.contains('©');
            if !(link_heavy || label || copyright) {
                break;
            }
            kept.pop();
        }
    }
    kept.into_iter().map(|(text, _)| text).collect()
}

/// A short block of a label and a link ("Read also: <a>headline</a>"): mostly, but not only, link text;
/// up to [`LABELLED_LINK_BLOCK_CHARS`] when a label ending in `:` opens it.
fn is_link_teaser(text: &str, chars: usize, links: usize) -> bool {
    let mostly_link = links < chars && links.saturating_mul(5) >= chars.saturating_mul(3);
    let labelled = || text.chars().take(LABEL_CHARS).any(|c| c == ':');
    mostly_link && (chars < SHORT_LINK_BLOCK_CHARS || (chars < LABELLED_LINK_BLOCK_CHARS && labelled()))
}

/// A label (`Read also:`) ends within this many characters of the start of a block.
const LABEL_CHARS: usize = 25;

/// Labelled link blocks shorter than this that are 60 % to 99 % link text are dropped.
const LABELLED_LINK_BLOCK_CHARS: usize = 200;

/// Blocks shorter than this (non-whitespace characters) that are 60 % to 99 % link text are dropped.
const SHORT_LINK_BLOCK_CHARS: usize = 60;

/// A short block holding `©`: a photo credit or a copyright line.
fn is_credit(text: &str, chars: usize) -> bool {
    chars < CREDIT_BLOCK_CHARS && text.contains('©')
}

/// A short block that is a date and little else (`Posted on 23.10.2018`, `November 19, 2019 12:04AM ET`,
/// `Stand: 05. Februar 2020`): a dateline or timestamp, not text. A block with `@` (the attribution of
/// an embedded post: `— Name (@name) May 2, 2019`) is kept.
fn is_date_line(text: &str, chars: usize) -> bool {
    if chars >= DATE_LINE_CHARS || text.contains('@') {
        return false;
    }
    let (mut date, mut year, mut month, mut words) = (false, false, false, 0usize);
    for token in text.split_whitespace() {
        let token = token.trim_matches(|c| matches!(c, ',' | '.' | '|' | ';' | ':' | '(' | ')' | '[' | ']'));
        if token.is_empty() {
            continue;
        }
        if is_numeric_date(token) {
            date = true;
        } else if token.bytes().all(|b| b.is_ascii_digit()) {
            year = year || (token.len() == 4 && (token.starts_with("19") || token.starts_with("20")));
        } else if is_month(token) {
            month = true;
        } else if !is_clock(token) {
            words += 1;
        }
    }
    (date || (year && month)) && words <= MAX_DATE_LINE_WORDS
}

/// `d.m.yyyy`, `dd/mm/yy` and the like, or a token starting `yyyy-mm-dd`.
fn is_numeric_date(token: &str) -> bool {
    let digits = |s: &str, min: usize, max: usize| {
        (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    let mut parts = token.split(['.', '/']);
    if let (Some(d), Some(m), Some(y), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        && digits(d, 1, 2)
        && digits(m, 1, 2)
        && digits(y, 2, 4)
    {
        return true;
    }
    let mut iso = token.splitn(3, '-');
    matches!(
        (iso.next(), iso.next(), iso.next()),
        (Some(y), Some(m), Some(rest)) if digits(y, 4, 4) && digits(m, 2, 2)
            && rest.get(..2).is_some_and(|d| digits(d, 2, 2))
    )
}

/// A time of day: `9:05`, `12:04AM`.
fn is_clock(token: &str) -> bool {
    /// `s` without `suffix` at its end, as often as it repeats, case ignored.
    fn trim<'a>(mut s: &'a [u8], suffix: &[u8]) -> &'a [u8] {
        while let Some(rest) = s
            .len()
            .checked_sub(suffix.len())
            .filter(|&at| s.get(at..).is_some_and(|end| end.eq_ignore_ascii_case(suffix)))
            .and_then(|at| s.get(..at))
        {
            s = rest;
        }
        s
    }
    // On bytes, with no lowercased copy of the token.
    let time = trim(trim(token.as_bytes(), b"am"), b"pm");
    let Some(colon) = time.iter().position(|&b| b == b':') else {
        return false;
    };
    let (h, m) = (
        time.get(..colon).unwrap_or_default(),
        time.get(colon + 1..).unwrap_or_default(),
    );
    (1..=2).contains(&h.len()) && m.len() == 2 && h.iter().chain(m).all(u8::is_ascii_digit)
}

/// A month name in English, German, French or Spanish, or a word starting with a three-letter English
/// month abbreviation (`Nov`, `Sept.`, `Maret`).
fn is_month(token: &str) -> bool {
    // The token's first characters lowercased on the stack (no lowercased copy of every token of a
    // short block); one more than the longest month name tells a longer token.
    let mut lower = ['\0'; MONTH_CHARS + 1];
    let mut len = 0;
    for (slot, c) in lower.iter_mut().zip(token.chars().flat_map(char::to_lowercase)) {
        *slot = c;
        len += 1;
    }
    let lower = lower.get(..len).unwrap_or_default();
    len >= 3
        && MONTHS.iter().any(|m| {
            if m.len() == 3 {
                m.chars().zip(lower).all(|(a, &b)| a == b)
            } else {
                m.chars().eq(lower.iter().copied())
            }
        })
}

/// Characters of the longest name in [`MONTHS`] (`septiembre`).
const MONTH_CHARS: usize = 10;

/// Month names for [`is_month`]: three-letter English prefixes, then whole names.
const MONTHS: &[&str] = &[
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
    "januar",
    "februar",
    "märz",
    "mai",
    "juni",
    "juli",
    "oktober",
    "dezember",
    "janvier",
    "février",
    "mars",
    "avril",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];

/// Date lines are shorter than this (non-whitespace characters).
const DATE_LINE_CHARS: usize = 50;

/// Most words beside the date, its numbers, month and time in a date line (`Posted on … by Admin`).
const MAX_DATE_LINE_WORDS: usize = 4;

/// Blocks shorter than this holding `©` are dropped anywhere (photo credits: `Name. © AFP / Name`).
const CREDIT_BLOCK_CHARS: usize = 150;

/// Trailing blocks shorter than this holding `©` are dropped (site copyright lines).
const COPYRIGHT_BLOCK_CHARS: usize = 300;

/// Trailing blocks shorter than this that are at least half link text are dropped.
const TRAILING_LINK_BLOCK_CHARS: usize = 200;

/// What an open element means for Markdown, undone when it closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Md {
    /// Nothing.
    None,
    /// A heading; the enclosing heading level to restore.
    Heading(u8),
    /// A list.
    List,
    /// A block quote.
    Quote,
}

/// Markdown context while rendering.
#[derive(Debug, Default)]
struct MdState {
    /// Level of the open heading, 0 when none.
    heading: u8,
    /// Open lists: ordered, items so far.
    lists: Vec<(bool, u32)>,
    /// The marker (`- `, `3. `) of a list item whose first block has not started yet.
    item: Option<String>,
    /// Open block quotes.
    quotes: usize,
}

impl MdState {
    /// The prefix of a block starting now.
    fn prefix(&mut self) -> String {
        let mut prefix = "> ".repeat(self.quotes);
        if !self.lists.is_empty() {
            prefix.push_str(&"  ".repeat(self.lists.len().saturating_sub(1)));
            match self.item.take() {
                Some(marker) => prefix.push_str(&marker),
                None => prefix.push_str("  "),
            }
        }
        if self.heading > 0 {
            prefix.push_str(&"#".repeat(usize::from(self.heading)));
            prefix.push(' ');
        }
        prefix
    }

    /// Enters element `name`; returns what to undo when it closes.
    fn open(&mut self, name: &str) -> Md {
        match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = name.get(1..).and_then(|l| l.parse().ok()).unwrap_or(2);
                let previous = self.heading;
                self.heading = level;
                Md::Heading(previous)
            }
            "ul" | "ol" | "menu" | "dir" => {
                self.lists.push((name == "ol", 0));
                Md::List
            }
            "li" => {
                if let Some((ordered, count)) = self.lists.last_mut() {
                    *count = count.saturating_add(1);
                    self.item = Some(if *ordered {
                        format!("{count}. ")
                    } else {
                        "- ".to_owned()
                    });
                }
                Md::None
            }
            "blockquote" => {
                self.quotes = self.quotes.saturating_add(1);
                Md::Quote
            }
            _ => Md::None,
        }
    }

    /// Leaves an element.
    fn close(&mut self, md: Md) {
        match md {
            Md::Heading(previous) => self.heading = previous,
            Md::List => {
                self.lists.pop();
                self.item = None;
            }
            Md::Quote => self.quotes = self.quotes.saturating_sub(1),
            Md::None => {}
        }
    }
}

/// Renders the subtrees into [`Blocks`], with per-block link statistics; with `markdown`, blocks carry
/// heading, list and quote prefixes, table cells are joined with ` | ` and `<pre>` is fenced.
fn render_blocks(dom: &Dom, roots: &[u32], excluded: &[bool], markdown: bool) -> Blocks {
    let mut blocks = Blocks::default();
    blocks.fence_pre = markdown;
    let mut md = MdState::default();
    // Open elements: (end, ends a block, is pre, Markdown undo).
    let mut stack: Vec<(u32, bool, bool, Md)> = Vec::new();
    let mut pre = 0usize;
    for &root in roots {
        blocks.end_block();
        let stop = dom.node(root).end.max(root.saturating_add(1));
        let mut i = root;
        while i < stop {
            while let Some(&(end, block, is_pre, undo)) = stack.last() {
                if end > i {
                    break;
                }
                stack.pop();
                pre = pre.saturating_sub(usize::from(is_pre));
                if block {
                    blocks.end_block();
                }
                md.close(undo);
            }
            let node = dom.node(i);
            let next_subtree = node.end.max(i.saturating_add(1));
            if excluded.get(i as usize).copied().unwrap_or(false) {
                i = next_subtree;
                continue;
            }
            if dom.is_text(i) {
                let text = dom.raw_text(i);
                if markdown && blocks.current_is_empty() && !text.trim().is_empty() {
                    blocks.set_prefix(md.prefix());
                }
                blocks.push_text(text, pre > 0, node.flags & dom::LINK != 0);
                i = i.saturating_add(1);
                continue;
            }
            let name = dom.name(i);
            let cell = markdown && node.tag & dom::TAG_CELL != 0;
            let block = node.tag & dom::TAG_BLOCK != 0 && !cell;
            if block {
                blocks.end_block();
            }
            if cell && !blocks.current_is_empty() {
                blocks.push_text(" | ", false, false);
            }
            let undo = if markdown { md.open(name) } else { Md::None };
            let is_pre = node.tag & dom::TAG_PRE != 0;
            pre = pre.saturating_add(usize::from(is_pre));
            stack.push((next_subtree, block, is_pre, undo));
            i = i.saturating_add(1);
        }
        while let Some((_, block, is_pre, undo)) = stack.pop() {
            pre = pre.saturating_sub(usize::from(is_pre));
            if block {
                blocks.end_block();
            }
            md.close(undo);
        }
    }
    blocks.end_block();
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_tokens_match_the_lowercasing_definitions() {
        let clock = |token: &str| {
            let lower = token.to_ascii_lowercase();
            let time = lower.trim_end_matches("am").trim_end_matches("pm");
            time.split_once(':').is_some_and(|(h, m)| {
                (1..=2).contains(&h.len())
                    && m.len() == 2
                    && h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit())
            })
        };
        let month = |token: &str| {
            let lower = token.to_lowercase();
            lower.chars().count() >= 3
                && MONTHS.iter().any(|m| {
                    if m.len() == 3 {
                        lower.starts_with(m)
                    } else {
                        lower == *m
                    }
                })
        };
        let numeric = |token: &str| {
            let digits = |s: &str, min: usize, max: usize| {
                (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
            };
            let parts: Vec<&str> = token.split(['.', '/']).collect();
            let mut iso = token.splitn(3, '-');
            matches!(parts.as_slice(), [d, m, y] if digits(d, 1, 2) && digits(m, 1, 2) && digits(y, 2, 4))
                || matches!(
                    (iso.next(), iso.next(), iso.next()),
                    (Some(y), Some(m), Some(rest)) if digits(y, 4, 4) && digits(m, 2, 2)
                        && rest.get(..2).is_some_and(|d| digits(d, 2, 2))
                )
        };
        let tokens = [
            "",
            "9:05",
            "12:04AM",
            "12:04aMpM",
            "1:2",
            "123:45",
            ":05",
            "9:05amam",
            "9:0a",
            "ám:00",
            "AM",
            "12:04ÄM",
            "Nov",
            "nov.",
            "NOVEMBER",
            "Novembre",
            "MÄRZ",
            "märz",
            "Mai",
            "ma",
            "Février",
            "FÉVRIER",
            "Augusta",
            "Sept",
            "Dec2019",
            "ΣΣΣ",
            "İstanbul",
            "23.10.2018",
            "1/2/99",
            "1.2.3.4",
            "2020-01-02T",
            "2020-1-02",
            "12.2020",
            "a.b.c",
        ];
        for token in tokens {
            assert_eq!(is_clock(token), clock(token), "{token}");
            assert_eq!(is_month(token), month(token), "{token}");
            assert_eq!(is_numeric_date(token), numeric(token), "{token}");
        }
        assert!(is_clock("12:04AM") && is_month("MÄRZ") && is_numeric_date("23.10.2018"));
        assert_eq!(MONTHS.iter().map(|m| m.chars().count()).max(), Some(MONTH_CHARS));
    }

    #[test]
    fn date_lines_are_dates_with_few_words() {
        let date_line = |text: &str| is_date_line(text, text.chars().filter(|c| !c.is_whitespace()).count());
        for line in [
            "23.10.2018",
            "Posted on 23.10.2018",
            "Stand: 05. Februar 2020",
            "November 19, 2019 12:04AM ET",
            "Aktualisiert am 17.01.2021.",
            "Updated 2021-03-04T10:00",
        ] {
            assert!(date_line(line), "{line}");
        }
        for line in [
            "— The Senate (@Senate) October 9, 2018",
            "The meeting on 23.10.2018 decided to close the old station for good.",
            "Chapter 2019",
            "May the force be with you",
            "1.2.3.4",
        ] {
            assert!(!date_line(line), "{line}");
        }
    }

    fn markdown(html: &str) -> String {
        let extractor = crate::Extractor::new(&crate::ExtractConfig {
            format: crate::OutputFormat::Markdown,
            ..crate::ExtractConfig::default()
        });
        extractor.extract(html).text
    }

    #[test]
    fn markdown_keeps_structure() {
        let html = "<title>T</title><body><h2>Part</h2><p>Text, <a href=x>link</a>.</p>\
                    <ul><li>one</li><li>two<ol><li>inner</li></ol></li></ul><blockquote><p>Quoted.</p></blockquote>\
                    <pre>let x = 1;\n  y</pre><table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>";
        assert_eq!(
            markdown(html),
            "# T\n\n## Part\n\nText, link.\n\n- one\n\n- two\n\n  1. inner\n\n> Quoted.\n\n```\nlet x = 1;\n  y\n```\n\na | b\n\n1 | 2"
        );
    }
}
