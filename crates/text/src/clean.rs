//! The `clean` step: Unicode and whitespace repair, then boilerplate lines by rule.

use std::borrow::Cow;

use saring_core::{Document, DropReason, Step, Verdict};
use serde::{Deserialize, Serialize};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use crate::boilerplate::{Boilerplate, Rules};
use crate::mojibake::fix_mojibake;

/// Settings of the `clean` step. Every switch is on by default.
///
/// The order of the work is fixed: mojibake repair, NFC, line breaks (`\r\n`, `\r`, U+0085, U+2028 and
/// U+2029 become `\n`), then line by line: no-break spaces, zero-width and control characters,
/// whitespace, boilerplate rules. Lines left empty or holding only whitespace are blank; a run of blank
/// lines becomes one blank line (a paragraph break), and blank lines at the start and end go. The
/// result has no trailing newline. When removing characters exposed new work (a mojibake sequence
/// split by a zero-width space, an accent split from its letter), NFC and the whole pass run again, so
/// cleaning a cleaned text changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CleanConfig {
    /// Repair UTF-8 text that was decoded as Windows-1252 or Latin-1 (`Ã©` → `é`, `â€™` → `’`), only
    /// where it is safe: see [`fix_mojibake`]. Default true.
    #[serde(default = "default_true")]
    pub fix_mojibake: bool,
    /// Put the text in Unicode Normalization Form C. Default true.
    #[serde(default = "default_true")]
    pub nfc: bool,
    /// Turn no-break spaces (U+00A0, U+202F, U+2007) into plain spaces. Default true.
    #[serde(default = "default_true")]
    pub normalize_spaces: bool,
    /// Remove zero-width characters (U+200B, U+200C, U+200D, U+2060, U+FEFF). Default true.
    #[serde(default = "default_true")]
    pub remove_zero_width: bool,
    /// With `remove_zero_width`, keep U+200C (ZWNJ) and U+200D (ZWJ) between two visible characters,
    /// where Persian, Indic scripts and emoji sequences need them; set false to remove them everywhere.
    /// Default true.
    #[serde(default = "default_true")]
    pub keep_inner_joiners: bool,
    /// Remove control characters except `\n` and `\t` (U+000B and U+000C become a space). Default true.
    #[serde(default = "default_true")]
    pub remove_control: bool,
    /// Collapse each run of whitespace inside a line (tabs included) to one space and trim both ends
    /// of every line. Default true.
    #[serde(default = "default_true")]
    pub collapse_whitespace: bool,
    /// C4's javascript rule: drop every line that contains "javascript" (any case). Like C4, this also
    /// removes prose about JavaScript (on the 2,832 documents of `shared/data/filters`, 30 of the 64
    /// lines the rules remove were such prose), so it is off by default: the `c4_quality` filter applies
    /// C4's rule where a user asks for C4. Default false.
    #[serde(default)]
    pub drop_javascript_lines: bool,
    /// C4's policy rule: drop every line that contains "terms of use", "privacy policy",
    /// "cookie policy", "uses cookies", "use of cookies" or "use cookies" (any case). Default true.
    #[serde(default = "default_true")]
    pub drop_policy_lines: bool,
    /// Drop lines that are only a tracking-pixel word (`fbpx`, any case). Default true.
    #[serde(default = "default_true")]
    pub drop_tracking_lines: bool,
    /// Drop lines of at most 200 characters that are copyright notices: starting with `©`, `(c) ` or
    /// `copyright` followed by `©`, `(c)` or a year; holding `©` followed by a year; or holding "all
    /// rights reserved" (or its Spanish, Portuguese, French, German, Italian, Indonesian, Dutch, Polish,
    /// Russian or Chinese form). Default true.
    #[serde(default = "default_true")]
    pub drop_copyright_lines: bool,
    /// Drop credit lines of at most 12 words: "designed by", "powered by", "developed by", "theme by",
    /// "website by", "site by" or "web design by" at the start of the line (after an optional
    /// "proudly") or after a separator and a space (`| · • – — - . ; © *`). Default true.
    #[serde(default = "default_true")]
    pub drop_credit_lines: bool,
    /// Drop lines that are only a share prompt ("Share this", "Bagikan", "Compartir", "Teilen",
    /// "Partager", "Поделиться", "分享"…, with or without a trailing `:`). Default true.
    #[serde(default = "default_true")]
    pub drop_share_lines: bool,
}

const fn default_true() -> bool {
    true
}

impl Default for CleanConfig {
    fn default() -> CleanConfig {
        CleanConfig {
            fix_mojibake: true,
            nfc: true,
            normalize_spaces: true,
            remove_zero_width: true,
            keep_inner_joiners: true,
            remove_control: true,
            collapse_whitespace: true,
            drop_javascript_lines: false,
            drop_policy_lines: true,
            drop_tracking_lines: true,
            drop_copyright_lines: true,
            drop_credit_lines: true,
            drop_share_lines: true,
        }
    }
}

/// Cleans a document's text; never drops a document unless nothing is left (`empty_text`).
///
/// Signals, on every document: `clean.lines_removed` (non-blank lines removed by the boilerplate
/// rules; blank lines are not counted), `clean.chars_removed` (Unicode characters in minus characters
/// out; negative in the rare case NFC lengthens the text) and `clean.mojibake_fixed` (sequences
/// repaired).
#[derive(Debug, Clone)]
pub struct Clean {
    config: CleanConfig,
    boilerplate: Boilerplate,
}

/// What one cleaning did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Counts {
    lines_removed: u64,
    mojibake_fixed: u64,
    /// A zero-width or control character was removed from inside a line, so neighbours met.
    joined: bool,
}

impl Clean {
    /// The step for the given settings.
    pub fn new(config: &CleanConfig) -> Clean {
        Clean {
            config: config.clone(),
            boilerplate: Boilerplate::new(Rules {
                javascript: config.drop_javascript_lines,
                policy: config.drop_policy_lines,
                tracking: config.drop_tracking_lines,
                copyright: config.drop_copyright_lines,
                credit: config.drop_credit_lines,
                share: config.drop_share_lines,
            }),
        }
    }

    /// The cleaned text of `text` (the work of [`Step::process`] without the signals).
    pub fn clean(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        self.clean_into(text, &mut out);
        out
    }

    /// Cleans `text` into `out` (which must be empty).
    ///
    /// Removing a zero-width or control character can join the halves of a mojibake sequence
    /// (`Ã\u{200b}©`); when the cleaned text still has repairable mojibake, it is cleaned once more, so
    /// that cleaning is idempotent.
    fn clean_into(&self, text: &str, out: &mut String) -> Counts {
        let mut counts = self.clean_once(text, out);
        for _ in 0..2 {
            if !self.config.fix_mojibake || !counts.joined {
                break;
            }
            let (fixed, n) = fix_mojibake(out);
            let Cow::Owned(fixed) = fixed else {
                break;
            };
            debug_assert!(n > 0);
            out.clear();
            let again = self.clean_once(&fixed, out);
            counts.lines_removed += again.lines_removed;
            counts.mojibake_fixed += again.mojibake_fixed;
            counts.joined = again.joined;
        }
        counts
    }

    fn clean_once(&self, text: &str, out: &mut String) -> Counts {
        let mut counts = Counts::default();
        let mut text = Cow::Borrowed(text);
        if self.config.fix_mojibake {
            let (fixed, n) = fix_mojibake(&text);
            counts.mojibake_fixed = n;
            if let Cow::Owned(fixed) = fixed {
                text = Cow::Owned(fixed);
            }
        }
        // Composing can make a mojibake sequence (`e` + U+0301 before `©©` is `é©©`) and a repair can
        // leave decomposed text: both until neither changes anything (a few rounds at most).
        for _ in 0..3 {
            if !self.config.nfc || text.is_ascii() || is_nfc_quick(text.chars()) == IsNormalized::Yes {
                break;
            }
            text = Cow::Owned(text.nfc().collect());
            if !self.config.fix_mojibake {
                break;
            }
            let (fixed, n) = fix_mojibake(&text);
            let Cow::Owned(fixed) = fixed else {
                break;
            };
            counts.mojibake_fixed += n;
            text = Cow::Owned(fixed);
        }
        if needs_line_break_fix(&text) {
            text = Cow::Owned(fix_line_breaks(&text));
        }
        let mut any_line = false;
        let mut blank_pending = false;
        for line in text.split('\n') {
            let sep_start = out.len();
            if any_line {
                out.push('\n');
                if blank_pending {
                    out.push('\n');
                }
            }
            let line_start = out.len();
            counts.joined |= self.clean_line(line, out);
            let cleaned = out.get(line_start..).unwrap_or_default();
            if cleaned.trim().is_empty() {
                out.truncate(sep_start);
                blank_pending = any_line;
                continue;
            }
            if self.boilerplate.is_boilerplate(cleaned.trim()) {
                out.truncate(sep_start);
                counts.lines_removed += 1;
                continue;
            }
            any_line = true;
            blank_pending = false;
        }
        // Removing a zero-width character between a letter and its accent can leave the text
        // un-normalised: normalise again when the quick check is not sure.
        if self.config.nfc
            && counts.joined
            && !out.is_ascii()
            && is_nfc_quick(out.chars()) != IsNormalized::Yes
        {
            *out = out.nfc().collect();
        }
        counts
    }

    /// Appends the cleaned characters of one line (no `\n` inside) to `out`.
    ///
    /// Runs of printable ASCII are copied whole; only spaces, controls and non-ASCII characters are
    /// looked at one by one. Returns whether a zero-width or control character was removed.
    fn clean_line(&self, line: &str, out: &mut String) -> bool {
        let mut joined = false;
        let c = &self.config;
        let start = out.len();
        let mut pending_space = false;
        let bytes = line.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // A plain run: printable ASCII, and single spaces between two printable ASCII bytes.
            let printable = |j: usize| bytes.get(j).is_some_and(|b| (0x21..0x7f).contains(b));
            let mut plain = i;
            loop {
                if printable(plain) {
                    plain += 1;
                } else if plain > i && bytes.get(plain) == Some(&b' ') && printable(plain + 1) {
                    plain += 2;
                } else {
                    break;
                }
            }
            if plain > i {
                if pending_space {
                    out.push(' ');
                    pending_space = false;
                }
                out.push_str(line.get(i..plain).unwrap_or_default());
                i = plain;
                continue;
            }
            let rest = line.get(i..).unwrap_or_default();
            let Some(mut ch) = rest.chars().next() else {
                break;
            };
            i += ch.len_utf8();
            match ch {
                '\u{a0}' | '\u{202f}' | '\u{2007}' if c.normalize_spaces => ch = ' ',
                '\u{200b}' | '\u{2060}' | '\u{feff}' if c.remove_zero_width => {
                    joined = true;
                    continue;
                }
                '\u{200c}' | '\u{200d}' if c.remove_zero_width => {
                    let inner = c.keep_inner_joiners
                        && !pending_space
                        && out
                            .get(start..)
                            .and_then(|s| s.chars().next_back())
                            .is_some_and(|p| !p.is_whitespace())
                        && line
                            .get(i..)
                            .and_then(|s| s.chars().next())
                            .is_some_and(|n| !n.is_whitespace() && !n.is_control() && !is_zero_width(n));
                    if !inner {
                        joined = true;
                        continue;
                    }
                }
                '\u{b}' | '\u{c}' if c.remove_control => ch = ' ',
                '\t' => {}
                _ if c.remove_control && ch.is_control() => {
                    joined = true;
                    continue;
                }
                _ => {}
            }
            if c.collapse_whitespace {
                if ch.is_whitespace() {
                    pending_space = out.len() > start;
                    continue;
                }
                if pending_space {
                    out.push(' ');
                    pending_space = false;
                }
            }
            out.push(ch);
        }
        joined
    }
}

fn is_zero_width(c: char) -> bool {
    matches!(c, '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}')
}

/// Whether the text has a `\r`, U+0085, U+2028 or U+2029.
fn needs_line_break_fix(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr(b'\r', b).is_some()
        || memchr::memmem::find(b, "\u{85}".as_bytes()).is_some()
        || memchr::memmem::find(b, "\u{2028}".as_bytes()).is_some()
        || memchr::memmem::find(b, "\u{2029}".as_bytes()).is_some()
}

fn fix_line_breaks(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\u{85}' | '\u{2028}' | '\u{2029}' => out.push('\n'),
            _ => out.push(c),
        }
    }
    out
}

impl Step for Clean {
    fn name(&self) -> &str {
        "clean"
    }

    /// The boilerplate rule that removes `line` once the line is cleaned on its own (mojibake and NFC
    /// repair, which work across lines, are not redone).
    fn line_rule(&self, line: &str) -> Option<&'static str> {
        let mut out = String::with_capacity(line.len());
        self.clean_line(line, &mut out);
        let cleaned = out.trim();
        if cleaned.is_empty() {
            return None;
        }
        self.boilerplate.rule(cleaned)
    }

    fn process(&self, doc: &mut Document) -> Verdict {
        let mut out = String::with_capacity(doc.text.len());
        let counts = self.clean_into(&doc.text, &mut out);
        let chars_in = doc.text.chars().count() as f64;
        let chars_out = out.chars().count() as f64;
        doc.text = out;
        doc.signals
            .insert("clean.lines_removed".to_owned(), counts.lines_removed as f64);
        doc.signals
            .insert("clean.chars_removed".to_owned(), chars_in - chars_out);
        doc.signals
            .insert("clean.mojibake_fixed".to_owned(), counts.mojibake_fixed as f64);
        if doc.text.is_empty() {
            Verdict::Drop(DropReason::EmptyText)
        } else {
            Verdict::Keep
        }
    }
}

#[cfg(test)]
mod tests;
