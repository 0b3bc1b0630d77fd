//! Safe repair of the classic mojibake: UTF-8 bytes that were decoded as Windows-1252 (or Latin-1).
//!
//! # The rule
//!
//! A *suspicious sequence* is a lead character `Â`…`ô` (U+00C2–U+00F4, the Windows-1252 reading of a
//! UTF-8 lead byte C2–F4) followed by the 1–3 characters its lead byte announces, each of which is the
//! Windows-1252 (or, "sloppily", Latin-1/C1) reading of a UTF-8 continuation byte 80–BF (`€ ‚ ƒ „ … † ‡`,
//! `‘ ’ “ ” • – —`, `© « ® ° »`, U+0080–U+00BF…). The sequence is re-encoded as those bytes and decoded
//! as UTF-8. It is replaced only when:
//!
//! 1. the bytes are exactly one valid UTF-8 character (no overlong forms, no surrogates);
//! 2. that character is *less weird* than the 2–4 characters it replaces: for a 2-byte sequence it must
//!    lie in a script block where text really lives (Latin-1 Supplement, Latin Extended-A, `ƒ`,
//!    Romanian `ș ț`, `ə`, combining accents, Greek, Cyrillic, Hebrew, Arabic); for 3- and 4-byte
//!    sequences (three or four characters in a row that only mojibake produces, like `â€™`) it must not
//!    be a control, private-use or non-character;
//! 3. it is not the one ambiguous legitimate pattern: an upper-case word ending in `Â`…`ß` followed by
//!    closing punctuation (`’ ” … » › – —`) and then no letter, as in Portuguese `IRMÃ”` or `CAFÉ…`.
//!
//! Every replacement turns several characters of the Windows-1252 symbol set into one ordinary letter or
//! punctuation mark, so the text gets strictly shorter and less weird. Double-encoded text (`Ã ƒÂ©`) is
//! repaired by running the rule again, at most three passes in all. Text without a `Â`…`ô` character is
//! returned as is without copying.

use std::borrow::Cow;

/// The Windows-1252 byte a character stands for when it is the reading of a UTF-8 continuation byte
/// (80–BF), or `None`.
fn continuation_byte(c: char) -> Option<u8> {
    let b = match c {
        '\u{80}'..='\u{bf}' => c as u32 as u8,
        '\u{20ac}' => 0x80,
        '\u{201a}' => 0x82,
        '\u{0192}' => 0x83,
        '\u{201e}' => 0x84,
        '\u{2026}' => 0x85,
        '\u{2020}' => 0x86,
        '\u{2021}' => 0x87,
        '\u{02c6}' => 0x88,
        '\u{2030}' => 0x89,
        '\u{0160}' => 0x8a,
        '\u{2039}' => 0x8b,
        '\u{0152}' => 0x8c,
        '\u{017d}' => 0x8e,
        '\u{2018}' => 0x91,
        '\u{2019}' => 0x92,
        '\u{201c}' => 0x93,
        '\u{201d}' => 0x94,
        '\u{2022}' => 0x95,
        '\u{2013}' => 0x96,
        '\u{2014}' => 0x97,
        '\u{02dc}' => 0x98,
        '\u{2122}' => 0x99,
        '\u{0161}' => 0x9a,
        '\u{203a}' => 0x9b,
        '\u{0153}' => 0x9c,
        '\u{017e}' => 0x9e,
        '\u{0178}' => 0x9f,
        _ => return None,
    };
    Some(b)
}

/// How many bytes a UTF-8 sequence has whose lead byte reads as `c` in Windows-1252, if `c` is a lead.
fn sequence_len(c: char) -> Option<usize> {
    match c {
        '\u{c2}'..='\u{df}' => Some(2),
        '\u{e0}'..='\u{ef}' => Some(3),
        '\u{f0}'..='\u{f4}' => Some(4),
        _ => None,
    }
}

/// Whether a character from a 2-byte sequence lies where real text lives (rule 2).
fn plausible_two_byte(c: char) -> bool {
    matches!(c,
        '\u{a0}'..='\u{17f}'
        | '\u{192}'
        | '\u{218}'..='\u{21b}'
        | '\u{259}'
        | '\u{300}'..='\u{36f}'
        | '\u{370}'..='\u{3ff}'
        | '\u{400}'..='\u{4ff}'
        | '\u{590}'..='\u{5ff}'
        | '\u{600}'..='\u{6ff}')
}

fn plausible_long(c: char) -> bool {
    !(c.is_control()
        || matches!(c, '\u{e000}'..='\u{f8ff}' | '\u{fdd0}'..='\u{fdef}' | '\u{f0000}'..)
        || (c as u32 & 0xfffe) == 0xfffe)
}

/// Closing punctuation that may legitimately follow an upper-case `Ã`, `É`… (rule 3).
fn closing_punctuation(c: char) -> bool {
    matches!(
        c,
        '\u{2019}' | '\u{201d}' | '\u{2026}' | '\u{bb}' | '\u{203a}' | '\u{2013}' | '\u{2014}'
    )
}

/// Repairs UTF-8-read-as-Windows-1252 mojibake where it is safe (see the module docs for the rule);
/// returns the text (borrowed when nothing changed) and how many sequences were repaired.
///
/// ```
/// use saring_text::fix_mojibake;
/// assert_eq!(fix_mojibake("dÃ©jÃ\u{a0}vu, itâ€™s").0, "déjàvu, it’s");
/// assert_eq!(fix_mojibake("Gruß“ und IRMÃ”").1, 0);
/// ```
pub fn fix_mojibake(text: &str) -> (Cow<'_, str>, u64) {
    let mut fixed = 0;
    let mut current = Cow::Borrowed(text);
    for _ in 0..3 {
        match fix_pass(&current) {
            Some((next, n)) => {
                fixed += n;
                current = Cow::Owned(next);
            }
            None => break,
        }
    }
    (current, fixed)
}

/// Whether `text` has any character U+00C2–U+00F4 (UTF-8 `C3 82`–`C3 B4`).
fn has_lead(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(0xc3, bytes).any(|i| matches!(bytes.get(i + 1), Some(0x82..=0xb4)))
}

/// One pass of the rule; `None` when nothing was repaired. Jumps from one lead character to the next
/// (every lead is UTF-8 `C3 82`–`C3 B4`), so text between them costs a `memchr`.
fn fix_pass(text: &str) -> Option<(String, u64)> {
    if !has_lead(text) {
        return None;
    }
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut copied = 0; // bytes of `text` already in `out`
    let mut fixed = 0;
    let mut pos = 0;
    while let Some(off) = bytes.get(pos..).and_then(|rest| memchr::memchr(0xc3, rest)) {
        let start = pos + off;
        pos = start + 1;
        let Some(rest) = text.get(start..) else {
            continue; // 0xC3 inside a character: cannot happen in UTF-8, but skip it
        };
        let mut chars = rest.chars();
        let Some(lead) = chars.next() else {
            continue;
        };
        let Some(len) = sequence_len(lead) else {
            continue;
        };
        // Lead byte plus up to three continuation bytes.
        let mut seq = [0u8; 4];
        seq[0] = lead as u32 as u8;
        let mut end = start + lead.len_utf8();
        let mut last = lead;
        let mut ok = true;
        for slot in seq.iter_mut().take(len).skip(1) {
            match chars.next().and_then(|c| continuation_byte(c).map(|b| (c, b))) {
                Some((c, b)) => {
                    *slot = b;
                    end += c.len_utf8();
                    last = c;
                }
                None => {
                    ok = false;
                    break;
                }
            }
        }
        if !ok {
            continue;
        }
        let Some(decoded) = seq
            .get(..len)
            .and_then(|b| std::str::from_utf8(b).ok())
            .and_then(|s| s.chars().next())
        else {
            continue;
        };
        let plausible = if len == 2 {
            plausible_two_byte(decoded)
        } else {
            plausible_long(decoded)
        };
        let ambiguous = len == 2
            && closing_punctuation(last)
            && lead.is_uppercase()
            && text
                .get(..start)
                .and_then(|s| s.chars().next_back())
                .is_some_and(char::is_uppercase)
            && !chars.next().is_some_and(char::is_alphabetic);
        if !plausible || ambiguous {
            continue;
        }
        out.push_str(text.get(copied..start).unwrap_or_default());
        out.push(decoded);
        copied = end;
        pos = end;
        fixed += 1;
    }
    if fixed == 0 {
        return None;
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    Some((out, fixed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(s: &str) -> String {
        fix_mojibake(s).0.into_owned()
    }

    #[test]
    fn repairs_the_classic_patterns() {
        assert_eq!(fix("Ã©tÃ©"), "été");
        assert_eq!(fix("itâ€™s"), "it’s");
        assert_eq!(fix("â€œquotedâ€\u{9d}"), "“quoted”");
        assert_eq!(fix("a â€“ b â€” c â€¦"), "a – b — c …");
        assert_eq!(fix("GrÃ¼ÃŸe aus KÃ¶ln"), "Grüße aus Köln");
        assert_eq!(fix("Â© 2018"), "© 2018");
        assert_eq!(fix("10Â°C, Â£5"), "10°C, £5");
        assert_eq!(fix("voilÃ\u{a0}!"), "voilà!"); // Ã + NBSP = à
        assert_eq!(fix("Ð¿Ñ€Ð¸Ð²ÐµÑ‚"), "привет");
        assert_eq!(fix("Ø§Ù„Ø¹Ø±Ø¨ÙŠØ©"), "العربية");
        assert_eq!(fix("Å›wiat Å¼Ã³Å‚w"), "świat żółw");
        assert_eq!(fix("Ä±ÄŸ"), "ığ");
        assert_eq!(fix("æ—¥æœ¬èªž"), "日本語");
        assert_eq!(fix("ðŸ˜€"), "😀");
        assert_eq!(fix("MAÃ‘ANA"), "MAÑANA");
    }

    #[test]
    fn repairs_double_encoding_and_latin1_readings() {
        assert_eq!(fix("ÃƒÂ©"), "é");
        // Read as Latin-1: the C1 control characters stand for themselves.
        assert_eq!(fix("it\u{e2}\u{80}\u{99}s"), "it’s");
        let (_, n) = fix_mojibake("Ã©Ã©");
        assert_eq!(n, 2);
    }

    #[test]
    fn leaves_legitimate_text_alone() {
        for s in [
            "",
            "plain ASCII",
            "déjà vu, naïve café, Köln, ½ × ¼",
            "Gruß“ sagte er",          // ß + “ decodes to NKo: implausible
            "IRMÃ” e CAFÉ…",           // upper-case word + closing punctuation
            "SÃO PAULO»",              // no continuation after the lead
            "Ç’ka",                    // Albanian: Ç + ’ decodes to ǒ (Latin Extended-B)
            "Ã",                       // a lone lead
            "Ã bientôt",               // lead + ASCII
            "à…",                      // 3-byte lead with only one continuation
            "€™",                      // continuations without a lead
            "\u{e0}\u{80}\u{80}",      // overlong encoding
            "\u{ed}\u{a0}\u{80}",      // a surrogate
            "привет, 日本語, العربية", // already right
        ] {
            let (out, n) = fix_mojibake(s);
            assert_eq!(n, 0, "{s}");
            assert!(matches!(out, Cow::Borrowed(_)), "{s}");
        }
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in ["Ã", "Ãƒ", "ð", "ðŸ", "ðŸ˜", "â€", "Ã\u{0}", "ÃÃÃ©"] {
            let _ = fix_mojibake(s);
        }
        assert_eq!(fix("ÃÃÃ©"), "ÃÃé");
    }
}
