//! HTML escaping and number formatting: every string from the data goes through [`html`].

use std::fmt::Write;

/// `text` with `& < > " '` replaced by entities, safe in element content and in quoted attributes.
pub(crate) fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than whitespace are not allowed in HTML text.
            c if c.is_control() && !matches!(c, '\n' | '\t' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// An integer with thin thousands separators: `12 345 678`.
pub(crate) fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202F}');
        }
        out.push(c);
    }
    out
}

/// A number shown short: integers and numbers of 100 or more without decimals, others with 2 (from 1) or
/// 3 (below 1) decimals.
pub(crate) fn number(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    if x.fract() == 0.0 && x.abs() < 1e15 {
        return format!("{x:.0}");
    }
    let magnitude = x.abs();
    let decimals = if magnitude >= 100.0 {
        0
    } else if magnitude >= 1.0 {
        2
    } else {
        3
    };
    let mut out = String::new();
    let _ = write!(out, "{x:.decimals$}");
    out
}

/// Bytes in the largest unit that keeps the number at least 1: `1.4 MB`.
pub(crate) fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut value = n as f64;
    let mut unit = "B";
    for next in UNITS {
        unit = next;
        if value < 1000.0 {
            break;
        }
        if next != "TB" {
            value /= 1000.0;
        }
    }
    if unit == "B" {
        format!("{n} B")
    } else {
        format!("{value:.1} {unit}")
    }
}

/// A share as a percentage, `—` when the whole is zero.
pub(crate) fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        "—".to_owned()
    } else {
        format!("{:.1}%", part as f64 * 100.0 / whole as f64)
    }
}

/// The first `max_chars` characters of `text`, with `…` when cut.
pub(crate) fn cut(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => {
            let mut out: String = text.chars().take(max_chars).collect();
            debug_assert!(out.len() == end);
            out.push('…');
            out
        }
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            html(r#"<script>alert("x" & 'y')</script>"#),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
        assert_eq!(html("a\u{0}b"), "a\u{FFFD}b");
    }

    #[test]
    fn formats_numbers() {
        assert_eq!(count(1234567), "1\u{202F}234\u{202F}567");
        assert_eq!(count(123), "123");
        assert_eq!(number(200.0), "200");
        assert_eq!(number(0.12345), "0.123");
        assert_eq!(bytes(999), "999 B");
        assert_eq!(bytes(631_842), "631.8 kB");
        assert_eq!(percent(1, 4), "25.0%");
        assert_eq!(percent(1, 0), "—");
        assert_eq!(cut("héllo", 2), "hé…");
        assert_eq!(cut("hé", 2), "hé");
    }
}
