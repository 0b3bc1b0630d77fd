//! The `pii` step: e-mail addresses, IP addresses and (optionally) phone numbers replaced with
//! placeholders, as datatrove's `PIIFormatter` does.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

use regex::Regex;
use saring_core::{Document, Step, Verdict};
use serde::{Deserialize, Serialize};

/// datatrove's e-mail pattern, verbatim: case-sensitive (lower-case letters only), so `John@X.com` is
/// not matched, exactly as in datatrove.
const EMAIL_PATTERN: &str = r"\b[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?|\[(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?|[a-z0-9-]*[a-z0-9]:)\])";
/// datatrove's IPv4 pattern, verbatim (no word boundaries, as there).
const IPV4_PATTERN: &str =
    r"(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)";
/// Phone numbers: an optional `+country`, an optional `(area)`, then 2–5 groups of 2–4 digits joined
/// by at most one space, dot or hyphen.
const PHONE_PATTERN: &str =
    r"(?:\+[0-9]{1,3}[ .-]?)?(?:\([0-9]{1,4}\)[ .-]?)?[0-9]{2,4}(?:[ .-]?[0-9]{2,4}){1,4}";

// The patterns are constants tested below; failing to compile them is a bug in this file, not an
// input problem, so panicking is right.
#[allow(clippy::expect_used)]
static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(EMAIL_PATTERN).expect("the e-mail pattern compiles"));
#[allow(clippy::expect_used)]
static IPV4: LazyLock<Regex> = LazyLock::new(|| Regex::new(IPV4_PATTERN).expect("the IPv4 pattern compiles"));
#[allow(clippy::expect_used)]
static PHONE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(PHONE_PATTERN).expect("the phone pattern compiles"));

/// Settings of the `pii` step.
///
/// Replacements are used in turn, like datatrove's; where datatrove's turn goes on across documents
/// (so the result depends on the order), saring starts each document's turn at a hash (XXH3) of its
/// id, so the output is the same for any thread count and order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PiiConfig {
    /// Replace e-mail addresses (datatrove's pattern: lower-case addresses only). Default true.
    #[serde(default = "default_true")]
    pub emails: bool,
    /// Replace IPv4 addresses (datatrove's pattern; leading zeros, as in `01.2.3.4`, are not
    /// addresses). Default true.
    #[serde(default = "default_true")]
    pub ips: bool,
    /// Also replace IPv6 addresses (saring's addition: a run of hex digits and colons with at least two
    /// colons and one decimal digit that parses as an address, e.g. `2a00:1450:4001:81b::200e`).
    /// Default true.
    #[serde(default = "default_true")]
    pub ipv6: bool,
    /// Replace only public addresses, as Python's `ipaddress` `is_global` (3.13) decides: private,
    /// loopback, link-local, documentation, shared (100.64/10) and reserved ranges are kept. Default true.
    #[serde(default = "default_true")]
    pub only_public_ips: bool,
    /// Replace phone numbers. Off by default because it is noisy: any 9–15 digits in groups (7–15 with
    /// a leading `+` or `(area)`) count, so order numbers, ISBNs and the like are caught too.
    /// Default false.
    #[serde(default)]
    pub phones: bool,
    /// E-mail placeholders, used in turn. Default datatrove's: `email@example.com`,
    /// `firstname.lastname@example.org`.
    #[serde(default = "default_email_replacements")]
    pub email_replacements: Vec<String>,
    /// IPv4 placeholders, used in turn. Default datatrove's six: `22.214.171.124`, `126.96.36.199`,
    /// `188.8.131.52`, `184.108.40.206`, `220.127.116.11`, `18.104.22.168`.
    #[serde(default = "default_ip_replacements")]
    pub ip_replacements: Vec<String>,
    /// IPv6 placeholders, used in turn. Default `2001:db8::1`, `2001:db8::2` (the documentation range).
    #[serde(default = "default_ipv6_replacements")]
    pub ipv6_replacements: Vec<String>,
    /// Phone placeholders, used in turn. Default `+1-202-555-0100`, `+1-202-555-0123` (555-01xx
    /// numbers are reserved for fiction).
    #[serde(default = "default_phone_replacements")]
    pub phone_replacements: Vec<String>,
}

const fn default_true() -> bool {
    true
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn default_email_replacements() -> Vec<String> {
    strings(&["email@example.com", "firstname.lastname@example.org"])
}

fn default_ip_replacements() -> Vec<String> {
    strings(&[
        "22.214.171.124",
        "126.96.36.199",
        "188.8.131.52",
        "184.108.40.206",
        "220.127.116.11",
        "18.104.22.168",
    ])
}

fn default_ipv6_replacements() -> Vec<String> {
    strings(&["2001:db8::1", "2001:db8::2"])
}

fn default_phone_replacements() -> Vec<String> {
    strings(&["+1-202-555-0100", "+1-202-555-0123"])
}

impl Default for PiiConfig {
    fn default() -> PiiConfig {
        PiiConfig {
            emails: true,
            ips: true,
            ipv6: true,
            only_public_ips: true,
            phones: false,
            email_replacements: default_email_replacements(),
            ip_replacements: default_ip_replacements(),
            ipv6_replacements: default_ipv6_replacements(),
            phone_replacements: default_phone_replacements(),
        }
    }
}

impl PiiConfig {
    /// Problems with the values, each naming the field; empty when valid.
    pub fn validate(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for (on, name, list) in [
            (self.emails, "email_replacements", &self.email_replacements),
            (self.ips, "ip_replacements", &self.ip_replacements),
            (
                self.ips && self.ipv6,
                "ipv6_replacements",
                &self.ipv6_replacements,
            ),
            (self.phones, "phone_replacements", &self.phone_replacements),
        ] {
            if on && list.is_empty() {
                problems.push(format!("{name} = [] must hold at least one placeholder"));
            }
        }
        problems
    }
}

/// Replaces personal data in a document's text; never drops a document.
///
/// Signals: `pii.emails` and `pii.ips` (IPv4 and IPv6), the number of replacements made; `pii.phones`
/// when phone numbers are on.
#[derive(Debug, Clone)]
pub struct Pii {
    config: PiiConfig,
}

impl Pii {
    /// The step for the given settings. Call [`PiiConfig::validate`] first; an empty placeholder list
    /// turns its kind off.
    pub fn new(config: &PiiConfig) -> Pii {
        Pii {
            config: config.clone(),
        }
    }
}

/// Placeholders taken in turn, starting at a point chosen by the document id.
struct Turn<'a> {
    list: &'a [String],
    next: usize,
}

impl<'a> Turn<'a> {
    fn new(list: &'a [String], seed: u64) -> Turn<'a> {
        let next = if list.is_empty() {
            0
        } else {
            (seed % list.len() as u64) as usize
        };
        Turn { list, next }
    }

    fn take(&mut self) -> &'a str {
        let s = self.list.get(self.next).map_or("", String::as_str);
        self.next = if self.next + 1 >= self.list.len() {
            0
        } else {
            self.next + 1
        };
        s
    }
}

/// Replaces the `matches` (byte ranges) that `accept` approves; `None` when nothing was replaced.
fn replace<'t>(
    text: &'t str,
    matches: impl Iterator<Item = (usize, usize)>,
    mut accept: impl FnMut(&'t str, usize, usize) -> bool,
    turn: &mut Turn<'_>,
    count: &mut u64,
) -> Option<String> {
    let mut out = String::new();
    let mut copied = 0;
    for (start, end) in matches {
        let Some(found) = text.get(start..end) else {
            continue;
        };
        if start < copied || !accept(found, start, end) {
            continue;
        }
        out.push_str(text.get(copied..start).unwrap_or_default());
        out.push_str(turn.take());
        copied = end;
        *count += 1;
    }
    if *count == 0 {
        return None;
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    Some(out)
}

impl Step for Pii {
    fn name(&self) -> &str {
        "pii"
    }

    fn process(&self, doc: &mut Document) -> Verdict {
        let c = &self.config;
        let seed = xxhash_rust::xxh3::xxh3_64(doc.id.as_bytes());
        let (mut emails, mut ips, mut phones) = (0, 0, 0);
        if c.emails && !c.email_replacements.is_empty() && doc.text.contains('@') {
            let mut turn = Turn::new(&c.email_replacements, seed);
            let text = &doc.text;
            let matches = EMAIL.find_iter(text).map(|m| (m.start(), m.end()));
            if let Some(new) = replace(text, matches, |_, _, _| true, &mut turn, &mut emails) {
                doc.text = new;
            }
        }
        if c.ips && !c.ip_replacements.is_empty() {
            let mut turn = Turn::new(&c.ip_replacements, seed);
            let text = &doc.text;
            let matches = IPV4.find_iter(text).map(|m| (m.start(), m.end()));
            let accept = |s: &str, _, _| {
                s.parse::<Ipv4Addr>()
                    .is_ok_and(|ip| !c.only_public_ips || ipv4_is_global(ip))
            };
            let mut n = 0;
            if let Some(new) = replace(text, matches, accept, &mut turn, &mut n) {
                doc.text = new;
            }
            ips += n;
        }
        if c.ips
            && c.ipv6
            && !c.ipv6_replacements.is_empty()
            && (doc.text.contains("::") || has_colon_run(&doc.text))
        {
            let mut turn = Turn::new(&c.ipv6_replacements, seed);
            let text = &doc.text;
            let accept = |s: &str, _, _| {
                s.parse::<Ipv6Addr>()
                    .is_ok_and(|ip| !c.only_public_ips || ipv6_is_global(ip))
            };
            let mut n = 0;
            if let Some(new) = replace(text, ipv6_candidates(text), accept, &mut turn, &mut n) {
                doc.text = new;
            }
            ips += n;
        }
        if c.phones && !c.phone_replacements.is_empty() {
            let mut turn = Turn::new(&c.phone_replacements, seed);
            let text = &doc.text;
            let matches = PHONE.find_iter(text).map(|m| (m.start(), m.end()));
            let accept = |s: &str, start: usize, end: usize| is_phone(text, s, start, end);
            if let Some(new) = replace(text, matches, accept, &mut turn, &mut phones) {
                doc.text = new;
            }
        }
        doc.signals.insert("pii.emails".to_owned(), emails as f64);
        doc.signals.insert("pii.ips".to_owned(), ips as f64);
        if c.phones {
            doc.signals.insert("pii.phones".to_owned(), phones as f64);
        }
        Verdict::Keep
    }
}

/// Whether the text has `h:h:h` somewhere (a cheap pre-check for IPv6 without `::`).
fn has_colon_run(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr_iter(b':', b).any(|i| {
        b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && b.get(i + 2..)
                .and_then(|rest| rest.iter().take(5).position(|&x| x == b':'))
                .is_some()
    })
}

/// Byte ranges of IPv6 candidates: maximal runs of hex digits and colons with at least two colons and
/// one decimal digit, not touching a letter, digit, `_`, or a `.` followed by a digit.
fn ipv6_candidates(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let b = text.as_bytes();
    let is_part = |x: u8| x.is_ascii_hexdigit() || x == b':';
    let mut pos = 0;
    std::iter::from_fn(move || {
        while let Some(off) = b.get(pos..).and_then(|rest| memchr::memchr(b':', rest)) {
            let colon = pos + off;
            let mut start = colon;
            while start > 0 && b.get(start - 1).is_some_and(|&x| is_part(x)) {
                start -= 1;
            }
            let mut end = colon;
            while b.get(end).is_some_and(|&x| is_part(x)) {
                end += 1;
            }
            pos = end.max(colon + 1);
            // A single trailing colon is punctuation ("at 2001:db8::1: the"), "::" is not.
            if end >= 2 && b.get(end - 1) == Some(&b':') && b.get(end - 2) != Some(&b':') {
                end -= 1;
            }
            let Some(run) = b.get(start..end) else {
                continue;
            };
            let colons = run.iter().filter(|&&x| x == b':').count();
            let digit = run.iter().any(u8::is_ascii_digit);
            let before_ok = start == 0
                || b.get(start - 1)
                    .is_some_and(|&x| !(x.is_ascii_alphanumeric() || x == b'_' || x == b'.'));
            let after_ok = match b.get(end) {
                None => true,
                Some(&x) if x.is_ascii_alphanumeric() || x == b'_' => false,
                Some(b'.') => !b.get(end + 1).is_some_and(u8::is_ascii_digit),
                Some(_) => true,
            };
            if colons >= 2 && digit && before_ok && after_ok {
                return Some((start, end));
            }
        }
        None
    })
}

/// Python's `ipaddress.IPv4Address.is_global` (3.13): not in 100.64.0.0/10 and not private.
fn ipv4_is_global(ip: Ipv4Addr) -> bool {
    let n = u32::from(ip);
    let within = |net: [u8; 4], bits: u32| {
        let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits) };
        n & mask == u32::from(Ipv4Addr::from(net)) & mask
    };
    if within([100, 64, 0, 0], 10) {
        return false;
    }
    if within([192, 0, 0, 9], 32) || within([192, 0, 0, 10], 32) {
        return true;
    }
    let private = [
        ([0, 0, 0, 0], 8),
        ([10, 0, 0, 0], 8),
        ([127, 0, 0, 0], 8),
        ([169, 254, 0, 0], 16),
        ([172, 16, 0, 0], 12),
        ([192, 0, 0, 0], 24),
        ([192, 0, 0, 170], 31),
        ([192, 0, 2, 0], 24),
        ([192, 168, 0, 0], 16),
        ([198, 18, 0, 0], 15),
        ([198, 51, 100, 0], 24),
        ([203, 0, 113, 0], 24),
        ([240, 0, 0, 0], 4),
        ([255, 255, 255, 255], 32),
    ];
    !private.iter().any(|&(net, bits)| within(net, bits))
}

/// Python's `ipaddress.IPv6Address.is_global` (3.13): not private (IPv4-mapped addresses follow
/// their IPv4 address).
fn ipv6_is_global(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return ipv4_is_global(v4);
    }
    let n = u128::from(ip);
    let within = |net: &str, bits: u32| {
        net.parse::<Ipv6Addr>().is_ok_and(|net| {
            let mask = if bits == 0 { 0 } else { u128::MAX << (128 - bits) };
            n & mask == u128::from(net) & mask
        })
    };
    let exceptions = [
        ("2001:1::1", 128),
        ("2001:1::2", 128),
        ("2001:3::", 32),
        ("2001:4:112::", 48),
        ("2001:20::", 28),
        ("2001:30::", 28),
    ];
    if exceptions.iter().any(|&(net, bits)| within(net, bits)) {
        return true;
    }
    let private = [
        ("::1", 128),
        ("::", 128),
        ("::ffff:0:0", 96),
        ("64:ff9b:1::", 48),
        ("100::", 64),
        ("2001::", 23),
        ("2001:db8::", 32),
        ("2002::", 16),
        ("3fff::", 20),
        ("fc00::", 7),
        ("fe80::", 10),
    ];
    !private.iter().any(|&(net, bits)| within(net, bits))
}

/// Whether a phone-pattern match is a phone number: whole (no digit, letter or `+` right before or a
/// digit or letter right after), 9–15 digits (7–15 with `+` or `(`), and not shaped like an IPv4
/// address or a date.
fn is_phone(text: &str, found: &str, start: usize, end: usize) -> bool {
    let before = text.get(..start).and_then(|s| s.chars().next_back());
    let after = text.get(end..).and_then(|s| s.chars().next());
    if before.is_some_and(|c| c.is_alphanumeric() || matches!(c, '+' | '-' | '.' | '/'))
        || after.is_some_and(|c| c.is_alphanumeric() || matches!(c, '-' | '/'))
    {
        return false;
    }
    let digits = found.bytes().filter(u8::is_ascii_digit).count();
    let prefixed = found.starts_with(['+', '(']);
    let min = if prefixed { 7 } else { 9 };
    if !(min..=15).contains(&digits) {
        return false;
    }
    let ipv4_shaped = found.split('.').count() == 4 && found.split('.').all(|g| (1..=3).contains(&g.len()));
    !ipv4_shaped
}

#[cfg(test)]
mod tests;
