//! Which elements are void, raw text, block boundaries or boilerplate: fixed, general lists.

use crate::tokenizer::Tag;

/// Words that mark a page-furniture container when they are a whole class/id token or one of its
/// `-`/`_`-separated parts (an `s` plural also counts: `comments`, `menus`).
const BOILERPLATE_WORDS: &[&str] = &[
    "cookie",
    "share",
    "social",
    "breadcrumb",
    "menu",
    "navbar",
    "sidebar",
    "related",
    "newsletter",
    "advert",
    "advertisement",
    "sharedaddy",
    "relatedposts",
    "nocontent",
    "disclaimer",
    "byline",
    "meta",
    "tags",
    "timestamp",
    "ad",
    "ads",
    "adsbygoogle",
    "sponsor",
    "promo",
    "popup",
    "modal",
    "subscribe",
    "signup",
    "footer",
];

/// Class/id words of a header: the site's masthead, or an article's own header (title, lead, byline)
/// when inside `<article>` or `<main>`.
const HEADER_WORDS: &[&str] = &["header"];

/// Class/id words of a comment section: furniture for the main text, kept apart for
/// [`ExtractConfig::comments`](crate::ExtractConfig::comments).
const COMMENT_WORDS: &[&str] = &["comment"];

/// ARIA landmark roles that mean the same as a skipped tag (`nav`, `header`, `footer`, `aside`).
const BOILERPLATE_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "search",
    "menu",
    "menubar",
];

/// How the tokenizer must read the content of an element, for elements whose content is not markup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RawText {
    /// `<script>`: script data.
    Script,
    /// `<style>`, `<noscript>`, `<iframe>`, …: raw text up to the end tag.
    Raw,
    /// `<title>`, `<textarea>`: text with entities up to the end tag.
    Rcdata,
}

/// The raw-text kind of `name`, if its content is not markup.
pub(crate) fn raw_text(name: &str) -> Option<RawText> {
    match name {
        "script" => Some(RawText::Script),
        // `noscript` is raw text when scripting is on, as in every browser: its tracking-pixel `<img>`
        // never becomes a tag.
        "style" | "noscript" | "iframe" | "xmp" | "noembed" | "noframes" => Some(RawText::Raw),
        "title" | "textarea" => Some(RawText::Rcdata),
        _ => None,
    }
}

/// Elements that never have content or an end tag.
pub(crate) fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "basefont"
            | "bgsound"
            | "br"
            | "col"
            | "embed"
            | "frame"
            | "hr"
            | "img"
            | "image"
            | "input"
            | "keygen"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
    )
}

/// Elements that start and end a text block (a line of output).
pub(crate) fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "body"
            | "br"
            | "caption"
            | "center"
            | "dd"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "html"
            | "legend"
            | "li"
            | "listing"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "option"
            | "p"
            | "plaintext"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "tbody"
            | "td"
            | "tfoot"
            | "th"
            | "thead"
            | "tr"
            | "ul"
    )
}

/// Elements whose start tag closes an open `<p>` (HTML's "close a p element" rule).
pub(crate) fn closes_p(name: &str) -> bool {
    name == "p" || (is_block(name) && !matches!(name, "br" | "body" | "html" | "td" | "th" | "tr" | "option"))
}

/// Elements that stop the search for an open element that an implied end tag would close.
pub(crate) fn is_scope_boundary(name: &str) -> bool {
    matches!(
        name,
        "table" | "td" | "th" | "caption" | "button" | "html" | "body" | "template" | "svg" | "math"
    )
}

/// Elements that may stay inside `<head>`; any other start tag ends the head.
pub(crate) fn is_head_content(name: &str) -> bool {
    matches!(
        name,
        "meta" | "link" | "base" | "basefont" | "bgsound" | "template" | "head"
    ) || raw_text(name).is_some()
}

/// Elements whose whole content is always skipped, by tag name alone. (`<form>` is skipped too, but as a
/// heuristic: ASP.NET and some CMSs wrap the whole page in one form.)
pub(crate) fn is_skipped_tag(name: &str) -> bool {
    matches!(
        name,
        "head" | "template" | "svg" | "math" | "object" | "button" | "select" | "label" | "datalist"
    )
}

/// Page furniture by tag: left out of the main text unless it wraps most of the page (an unclosed
/// `<header>` swallows the whole page in every browser).
pub(crate) fn is_furniture_tag(name: &str) -> bool {
    matches!(name, "nav" | "header" | "footer" | "aside" | "form")
}

/// Why an element's content is skipped, from its attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum AttrSkip {
    /// Not skipped.
    #[default]
    No,
    /// Hidden (`hidden`, `aria-hidden="true"`, `display:none`) or an ARIA boilerplate landmark.
    Hidden,
    /// A boilerplate word in its class or id.
    Class,
}

/// Class/id substrings of elements that are unlikely to hold the main content (readability's list).
const UNLIKELY: &[&str] = &[
    "-ad-",
    "ai2html",
    "banner",
    "breadcrumbs",
    "combx",
    "comment",
    "community",
    "cover-wrap",
    "disqus",
    "extra",
    "footer",
    "gdpr",
    "header",
    "legends",
    "menu",
    "related",
    "remark",
    "replies",
    "rss",
    "shoutbox",
    "sidebar",
    "skyscraper",
    "social",
    "sponsor",
    "supplemental",
    "ad-break",
    "agegate",
    "pagination",
    "pager",
    "popup",
    "yom-remote",
    "newsletter",
    "subscribe",
    "promo",
    "cookie",
];

/// Class/id substrings that cancel [`UNLIKELY`].
const MAYBE: &[&str] = &["and", "article", "body", "column", "content", "main", "shadow"];

/// Class/id substrings that lower a container's score.
const NEGATIVE: &[&str] = &[
    "-ad-",
    "hidden",
    "banner",
    "combx",
    "comment",
    "com-",
    "contact",
    "foot",
    "footnote",
    "gdpr",
    "masthead",
    "media",
    "outbrain",
    "promo",
    "related",
    "scroll",
    "share",
    "shoutbox",
    "sidebar",
    "skyscraper",
    "sponsor",
    "shopping",
    "tags",
    "tool",
    "widget",
    "byline",
    "meta",
    "author",
    "subscribe",
    "newsletter",
    "recommend",
];

/// Class/id substrings that raise a container's score.
const POSITIVE: &[&str] = &[
    "article",
    "body",
    "content",
    "entry",
    "hentry",
    "h-entry",
    "main",
    "page",
    "pagination",
    "post",
    "text",
    "blog",
    "story",
];

/// Class/id substrings (lowercased, `-` and `_` removed) that name an article body container.
const BODY_HINTS: &[&str] = &[
    "articlebody",
    "articlecontent",
    "articletext",
    "entrycontent",
    "postcontent",
    "postbody",
    "posttext",
    "storybody",
    "storycontent",
    "bodytext",
    "fulltext",
    "newstext",
];

/// What an element's attributes say about it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Attrs<'a> {
    /// Whether, and why, its content is skipped.
    pub(crate) skip: AttrSkip,
    /// Its class or id matches an unlikely-candidate pattern (and no cancelling one).
    pub(crate) unlikely: bool,
    /// Class/id weight: −25 or +25 for each of class and id.
    pub(crate) weight: i8,
    /// The trimmed class attribute, if any.
    pub(crate) class: Option<&'a str>,
    /// It names itself the article body (`itemprop="articleBody"`, `class="entry-content"`, …).
    pub(crate) body_hint: bool,
    /// A caption or credit by class/id word (`wp-caption-text`, `photo-credit`).
    pub(crate) caption: bool,
    /// An article lead by class/id word (`lead`, `standfirst`, `chapo`, …).
    pub(crate) lead: bool,
    /// Its class/id marks it a comment section (see [`COMMENT_WORDS`]).
    pub(crate) comments: bool,
    /// Its class/id marks it a header and names no other furniture (see [`HEADER_WORDS`]).
    pub(crate) header_class: bool,
    /// An `<aside>` or `<form>` with a class/id token naming content (`aside.direct-content`): a layout
    /// wrapper, not furniture.
    pub(crate) content_wrapper: bool,
}

/// Whether [`attrs`] reads attribute `attr` (of any tag).
pub(crate) fn reads_attribute(attr: &str) -> bool {
    matches!(
        attr,
        "hidden" | "aria-hidden" | "style" | "role" | "itemprop" | "class" | "id"
    )
}

/// Reads `tag`'s attributes: hidden or page furniture, class weight, class name. Reads only the
/// attributes [`reads_attribute`] names.
pub(crate) fn attrs<'a>(tag: &'a Tag<'_>) -> Attrs<'a> {
    let mut out = Attrs::default();
    let mut class_hit = false;
    let mut other_hit = false;
    let mut content_token = false;
    let mut found = 0u8;
    for attr in &tag.attrs {
        let value: &str = &attr.value;
        match &*attr.name {
            "hidden" => out.skip = AttrSkip::Hidden,
            "aria-hidden" if value.trim().eq_ignore_ascii_case("true") => out.skip = AttrSkip::Hidden,
            "style" if style_hides(value) => out.skip = AttrSkip::Hidden,
            "role"
                if BOILERPLATE_ROLES
                    .iter()
                    .any(|r| value.trim().eq_ignore_ascii_case(r)) =>
            {
                out.skip = AttrSkip::Hidden;
            }
            "itemprop" if value.trim().eq_ignore_ascii_case("articlebody") => out.body_hint = true,
            name @ ("class" | "id") => {
                // Ids are mostly unique (`post-1234`): remembering them would only evict classes.
                let value_info = if name == "class" {
                    class_value(value)
                } else {
                    value_info(lowercase(value).as_slice())
                };
                let words = value_info.words;
                let boilerplate = words & FURNITURE_WORDS != 0;
                other_hit = other_hit || words & (WORD_BOILERPLATE | WORD_COMMENT) != 0;
                out.comments = out.comments || words & WORD_COMMENT != 0;
                out.caption = out.caption || words & WORD_CAPTION != 0;
                out.lead = out.lead || words & WORD_LEAD != 0;
                class_hit = class_hit || boilerplate;
                if boilerplate {
                    content_token = content_token || value_info.content_token;
                } else if matches!(&*tag.name, "aside" | "form") {
                    content_token = content_token || names_content(lowercase(value).as_slice());
                }
                let here = value_info.patterns;
                out.body_hint = out.body_hint || value_info.body_hint;
                found |= here;
                let mut weight = 0i8;
                if here & NEGATIVE_BIT != 0 || value_info.hid {
                    weight = -25;
                }
                if here & POSITIVE_BIT != 0 {
                    weight = weight.saturating_add(25);
                }
                out.weight = out.weight.saturating_add(weight);
                if name == "class" {
                    let trimmed = value.trim();
                    if !trimmed.is_empty() {
                        out.class = Some(trimmed);
                    }
                }
            }
            _ => {}
        }
    }
    let maybe = found & MAYBE_BIT != 0;
    out.content_wrapper = content_token && matches!(&*tag.name, "aside" | "form");
    if out.skip == AttrSkip::No && class_hit && !content_token {
        out.skip = AttrSkip::Class;
    }
    out.unlikely = found & UNLIKELY_BIT != 0 && !maybe;
    out.header_class = class_hit && !other_hit;
    out
}

/// What the words and patterns of one class or id value say, whatever element carries it.
#[derive(Debug, Clone, Copy)]
struct ValueInfo {
    /// [`Found::words`] of the lowercased value.
    words: u8,
    /// The value has a furniture word, and a token naming content without one (`entry` in `entry
    /// share`, `article-content` in `article-content sticky-sidebar`), which outweighs the word.
    content_token: bool,
    /// [`Found::patterns`] of the lowercased value.
    patterns: u8,
    /// A [`BODY_HINTS`] pattern, with `-` and `_` removed from the value.
    body_hint: bool,
    /// A `hid` token.
    hid: bool,
}

/// Class values remembered per thread: most of a page's elements repeat a few dozen values.
const VALUE_CACHE_ENTRIES: usize = 4096;

/// A class/id value memo: the values' bytes one after another in `bytes`, and for each value's FxHash
/// (`rustc-hash`, much cheaper than SipHash on these short keys) where its bytes are and its
/// [`ValueInfo`]. No allocation per value (about 70,000 values are new to the memo on the 862 bench
/// pages). The bytes are compared on a hit, so two values with one hash cost time, never a wrong answer.
#[derive(Default)]
struct ValueMemo {
    /// Every remembered value's lowercased bytes.
    bytes: Vec<u8>,
    /// By hash of the value: its offset and length in `bytes`, and its info.
    infos: rustc_hash::FxHashMap<u64, (usize, usize, ValueInfo)>,
}

impl ValueMemo {
    /// The info of `lower`, worked out on a miss and remembered.
    fn info(&mut self, lower: &[u8]) -> ValueInfo {
        let hash = hash_value(lower);
        if let Some(&(start, len, info)) = self.infos.get(&hash)
            && self.bytes.get(start..start.saturating_add(len)) == Some(lower)
        {
            return info;
        }
        if self.infos.len() >= VALUE_CACHE_ENTRIES {
            self.infos.clear();
            self.bytes.clear();
        }
        let info = value_info(lower);
        self.infos.insert(hash, (self.bytes.len(), lower.len(), info));
        self.bytes.extend_from_slice(lower);
        info
    }
}

/// The FxHash of a lowercased class value, the key of [`ValueMemo`].
fn hash_value(lower: &[u8]) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = rustc_hash::FxBuildHasher.build_hasher();
    hasher.write(lower);
    hasher.finish()
}

thread_local! {
    static VALUES: std::cell::RefCell<ValueMemo> = std::cell::RefCell::default();
}

/// [`ValueInfo`] of a class value, remembered for the next element with the same value.
fn class_value(value: &str) -> ValueInfo {
    let lower = lowercase(value);
    let lower = lower.as_slice();
    let cached = VALUES.try_with(|cache| Some(cache.try_borrow_mut().ok()?.info(lower)));
    cached.ok().flatten().unwrap_or_else(|| value_info(lower))
}

/// `value` lowercased: the value itself when it has no upper-case letter (most do), else a copy in a
/// stack buffer (no allocation per attribute); longer values are matched on their first
/// [`MAX_CLASS_BYTES`] bytes.
fn lowercase(value: &str) -> Lower<'_> {
    let bytes = value.as_bytes();
    let bytes = bytes.get(..MAX_CLASS_BYTES).unwrap_or(bytes);
    // A branch-free pass the compiler vectorises: `any` stops early, so it went byte by byte (7
    // instructions a byte, over every class and id value).
    let upper = bytes
        .iter()
        .fold(0u8, |upper, b| upper | u8::from(b.is_ascii_uppercase()));
    if upper == 0 {
        return Lower::Same(bytes);
    }
    let mut buf = [0u8; MAX_CLASS_BYTES];
    for (dst, src) in buf.iter_mut().zip(bytes) {
        *dst = src.to_ascii_lowercase();
    }
    Lower::Copied {
        buf,
        len: bytes.len(),
    }
}

/// A class or id value lowercased, by [`lowercase`].
#[allow(clippy::large_enum_variant)] // the copy lives on the stack for one call: no allocation
#[derive(Debug)]
enum Lower<'a> {
    /// The value was lower-case already.
    Same(&'a [u8]),
    /// The value lowercased on the stack.
    Copied {
        /// The lowercased bytes, then zeros.
        buf: [u8; MAX_CLASS_BYTES],
        /// How many bytes of `buf` are the value.
        len: usize,
    },
}

impl Lower<'_> {
    /// The lowercased bytes.
    fn as_slice(&self) -> &[u8] {
        match self {
            Lower::Same(bytes) => bytes,
            Lower::Copied { buf, len } => buf.get(..*len).unwrap_or_default(),
        }
    }
}

/// Whether a token of a lowercased class or id value names content without a furniture word.
fn names_content(lower: &[u8]) -> bool {
    lower.split(u8::is_ascii_whitespace).any(|token| {
        let found = find(token);
        found.words & FURNITURE_WORDS == 0 && found.patterns & (MAYBE_BIT | POSITIVE_BIT) != 0
    })
}

/// Computes [`ValueInfo`] of a lowercased class or id value.
fn value_info(lower: &[u8]) -> ValueInfo {
    let found = find(lower);
    ValueInfo {
        words: found.words,
        content_token: found.words & FURNITURE_WORDS != 0 && names_content(lower),
        patterns: found.patterns,
        body_hint: has_compact_match(&matchers().hints, lower),
        hid: found.hid,
    }
}

/// Bit of [`Found::patterns`]: an [`UNLIKELY`] pattern.
const UNLIKELY_BIT: u8 = 1;
/// Bit of [`Found::patterns`]: a [`MAYBE`] pattern.
const MAYBE_BIT: u8 = 2;
/// Bit of [`Found::patterns`]: a [`NEGATIVE`] pattern.
const NEGATIVE_BIT: u8 = 4;
/// Bit of [`Found::patterns`]: a [`POSITIVE`] pattern.
const POSITIVE_BIT: u8 = 8;

/// What one string of the class/id automaton means wherever it occurs: the substring lists it is in,
/// the word lists it is a word of, whether it is `hid`.
#[derive(Debug, Clone, Copy, Default)]
struct Meaning {
    /// `*_BIT` bits of the substring lists ([`UNLIKELY`], [`MAYBE`], [`NEGATIVE`], [`POSITIVE`]).
    patterns: u8,
    /// `WORD_*` bits of the word lists, which count only for a whole `-`/`_`-separated part.
    words: u8,
    /// It is `hid`, which counts only as a whole whitespace-separated token.
    hid: bool,
}

/// What [`find`] finds in one lowercased value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Found {
    /// Bits of the substring lists with a pattern occurring anywhere.
    patterns: u8,
    /// Bits of the word lists with a word as a whole part (or a part with an `s` plural).
    words: u8,
    /// A whole `hid` token.
    hid: bool,
}

/// The class/id automata, built once: one pass over a value finds every pattern and word of every list.
///
/// They are aho-corasick DFAs walked a byte at a time ([`each_match`]): values are short (a hundred
/// thousand of them across the 862 bench pages, most under 30 bytes), and the crate's search front end
/// (input set-up, prefilter, overlapping state) cost more per value than the walk itself.
struct Matchers {
    /// Every substring pattern and word, each string once.
    all: aho_corasick::dfa::DFA,
    /// What each string of `all` means, by pattern index.
    meanings: Vec<Meaning>,
    /// The [`BODY_HINTS`], matched on the value without `-` and `_`.
    hints: aho_corasick::dfa::DFA,
}

/// Calls `found(pattern, start, end)` for every occurrence of every pattern of `dfa` (built with the
/// standard match kind) in `haystack`, overlapping ones included, by end offset; stops when `found`
/// returns `false`. The same matches as `find_overlapping_iter`, without its per-call set-up.
fn each_match(
    dfa: &aho_corasick::dfa::DFA,
    haystack: &[u8],
    mut found: impl FnMut(usize, usize, usize) -> bool,
) {
    use aho_corasick::automaton::Automaton;
    let Ok(mut state) = dfa.start_state(aho_corasick::Anchored::No) else {
        return;
    };
    let mut from = 0;
    while let Some((end, matched)) = walk_to_match(dfa, haystack, from, state) {
        for index in 0..dfa.match_len(matched) {
            let pattern = dfa.match_pattern(matched, index);
            let start = end.saturating_sub(dfa.pattern_len(pattern));
            if !found(pattern.as_usize(), start, end) {
                return;
            }
        }
        (from, state) = (end, matched);
    }
}

/// Walks `dfa` from `state` over `haystack` from byte `from` to the next match state: the offset after
/// the byte that entered it, and the state. The hot loop of [`each_match`], kept out of line from what
/// is done with a match (rare) so that its few values stay in registers (inlined, they were spilled:
/// 22 instructions a byte).
#[inline(never)]
fn walk_to_match(
    dfa: &aho_corasick::dfa::DFA,
    haystack: &[u8],
    from: usize,
    mut state: aho_corasick::automaton::StateID,
) -> Option<(usize, aho_corasick::automaton::StateID)> {
    use aho_corasick::automaton::Automaton;
    for (i, &byte) in haystack.get(from..)?.iter().enumerate() {
        state = dfa.next_state(aho_corasick::Anchored::No, state, byte);
        if dfa.is_special(state) && dfa.is_match(state) {
            return Some((from + i + 1, state));
        }
    }
    None
}

/// Whether a pattern of `dfa` occurs in `lower` with its `-` and `_` removed, walked in place: no copy
/// of the value without them, and the walk stops at the first match.
fn has_compact_match(dfa: &aho_corasick::dfa::DFA, lower: &[u8]) -> bool {
    use aho_corasick::automaton::Automaton;
    let Ok(mut state) = dfa.start_state(aho_corasick::Anchored::No) else {
        return false;
    };
    for &byte in lower.iter().filter(|b| !matches!(b, b'-' | b'_')) {
        state = dfa.next_state(aho_corasick::Anchored::No, state, byte);
        if dfa.is_special(state) && dfa.is_match(state) {
            return true;
        }
    }
    false
}

/// Whether a pattern of `dfa` occurs in `haystack`: the reference [`has_compact_match`] is tested
/// against, on a copy of the value without `-` and `_`.
#[cfg(test)]
fn has_match(dfa: &aho_corasick::dfa::DFA, haystack: &[u8]) -> bool {
    let mut any = false;
    each_match(dfa, haystack, |_, _, _| {
        any = true;
        false
    });
    any
}

/// The class/id automata.
fn matchers() -> &'static Matchers {
    static MATCHERS: std::sync::OnceLock<Matchers> = std::sync::OnceLock::new();
    MATCHERS.get_or_init(|| {
        let mut strings: std::collections::BTreeMap<&'static str, Meaning> =
            std::collections::BTreeMap::new();
        let patterns: [(&[&'static str], u8); 4] = [
            (UNLIKELY, UNLIKELY_BIT),
            (MAYBE, MAYBE_BIT),
            (NEGATIVE, NEGATIVE_BIT),
            (POSITIVE, POSITIVE_BIT),
        ];
        for (list, bit) in patterns {
            for pattern in list {
                strings.entry(pattern).or_default().patterns |= bit;
            }
        }
        for (list, bit) in WORD_LISTS {
            for word in list {
                strings.entry(word).or_default().words |= bit;
            }
        }
        strings.entry("hid").or_default().hid = true;
        let build = |strings: Vec<&str>| {
            aho_corasick::dfa::DFA::builder()
                .match_kind(aho_corasick::MatchKind::Standard)
                .build(strings)
                .unwrap_or_else(|e| unreachable!("fixed class/id word lists: {e}"))
        };
        Matchers {
            all: build(strings.keys().copied().collect()),
            meanings: strings.values().copied().collect(),
            hints: build(BODY_HINTS.to_vec()),
        }
    })
}

/// Whether `b` separates the parts of a class/id value that words are matched against.
fn separates_part(b: u8) -> bool {
    b.is_ascii_whitespace() || matches!(b, b'-' | b'_')
}

/// Every pattern and word of the class/id lists in a lowercased value, in one pass.
fn find(lower: &[u8]) -> Found {
    let matchers = matchers();
    let mut found = Found::default();
    let before = |start: usize| start.checked_sub(1).and_then(|i| lower.get(i)).copied();
    each_match(&matchers.all, lower, |pattern, start, end| {
        let Some(meaning) = matchers.meanings.get(pattern) else {
            return true;
        };
        found.patterns |= meaning.patterns;
        if meaning.words & !found.words != 0 && before(start).is_none_or(separates_part) {
            // A whole part, or the part's singular when it ends in one more `s`.
            let whole = match lower.get(end) {
                None => true,
                Some(&b's') => lower.get(end + 1).is_none_or(|&b| separates_part(b)),
                Some(&b) => separates_part(b),
            };
            if whole {
                found.words |= meaning.words;
            }
        }
        if meaning.hid
            && before(start).is_none_or(|b| b.is_ascii_whitespace())
            && lower.get(end).is_none_or(u8::is_ascii_whitespace)
        {
            found.hid = true;
        }
        true
    });
    found
}

/// Void elements kept in the arena as leaves: breaks and the media and inputs that cleaning counts.
pub(crate) fn is_kept_void(name: &str) -> bool {
    matches!(name, "br" | "hr" | "img" | "input" | "embed" | "image")
}

/// Whether an inline style hides the element (`display: none` or `visibility: hidden`, any spacing/case).
/// The style is read byte by byte through a window of its last non-space bytes (no copy of it).
fn style_hides(style: &str) -> bool {
    let mut window = [0u8; 17];
    for b in style.bytes().filter(|b| !b.is_ascii_whitespace()) {
        window.copy_within(1.., 0);
        if let Some(last) = window.last_mut() {
            *last = b.to_ascii_lowercase();
        }
        if window.ends_with(b"display:none") || window.ends_with(b"visibility:hidden") {
            return true;
        }
    }
    false
}

/// Whether a class or id value holds a boilerplate word as a token or a `-`/`_`-separated part of one.
#[cfg(test)]
fn has_boilerplate_word(value: &str) -> bool {
    find(value.to_ascii_lowercase().as_bytes()).words & FURNITURE_WORDS != 0
}

/// Class/id words that mark an article's lead paragraph (standfirst, dek, chapô, teaser).
const LEAD_WORDS: &[&str] = &[
    "lead",
    "chapo",
    "standfirst",
    "subtitle",
    "subheadline",
    "intro",
    "perex",
    "summary",
    "teaser",
    "dek",
    "excerpt",
    "abstract",
    "deck",
];

/// Class/id words that mark a caption or credit.
const CAPTION_WORDS: &[&str] = &["caption", "credit"];

/// Class/id values are matched on at most this many bytes.
const MAX_CLASS_BYTES: usize = 256;

/// Bit of [`Found::words`]: a [`BOILERPLATE_WORDS`] word.
const WORD_BOILERPLATE: u8 = 1;
/// Bit of [`Found::words`]: a [`HEADER_WORDS`] word.
const WORD_HEADER: u8 = 8;
/// Bit of [`Found::words`]: a [`COMMENT_WORDS`] word.
const WORD_COMMENT: u8 = 16;
/// The [`Found::words`] bits that mark page furniture.
const FURNITURE_WORDS: u8 = WORD_BOILERPLATE | WORD_HEADER | WORD_COMMENT;
/// Bit of [`Found::words`]: a [`CAPTION_WORDS`] word.
const WORD_CAPTION: u8 = 2;
/// Bit of [`Found::words`]: a [`LEAD_WORDS`] word.
const WORD_LEAD: u8 = 4;

/// The word lists with their [`Found::words`] bits.
const WORD_LISTS: [(&[&str], u8); 5] = [
    (BOILERPLATE_WORDS, WORD_BOILERPLATE),
    (HEADER_WORDS, WORD_HEADER),
    (COMMENT_WORDS, WORD_COMMENT),
    (CAPTION_WORDS, WORD_CAPTION),
    (LEAD_WORDS, WORD_LEAD),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_class_values_equal_computed_ones() {
        for value in [
            "entry-content share",
            "Sidebar",
            "post-123 hid",
            "comments",
            "",
            "main-sidebar",
        ] {
            let lower = value.to_ascii_lowercase();
            let computed = value_info(lower.as_bytes());
            for _ in 0..2 {
                let got = class_value(value);
                assert_eq!(
                    (got.words, got.content_token, got.patterns, got.body_hint, got.hid),
                    (
                        computed.words,
                        computed.content_token,
                        computed.patterns,
                        computed.body_hint,
                        computed.hid
                    ),
                    "{value}"
                );
            }
        }
        assert_eq!(lowercase("Main-Nav x").as_slice(), b"main-nav x");
        assert!(matches!(lowercase("main-nav"), Lower::Same(b"main-nav")));
        assert_eq!(
            lowercase(&"A".repeat(300)).as_slice(),
            "a".repeat(MAX_CLASS_BYTES).as_bytes()
        );
        assert_eq!(lowercase(&"a".repeat(300)).as_slice().len(), MAX_CLASS_BYTES);
        let share = class_value("entry-content share");
        assert!(share.content_token && share.words & WORD_BOILERPLATE != 0);
        assert!(class_value("post-123 hid").hid);
    }

    #[test]
    fn boilerplate_words_match_whole_parts_only() {
        assert!(has_boilerplate_word("sp-cookie-consent"));
        assert!(has_boilerplate_word("x comments_area"));
        assert!(has_boilerplate_word("Social"));
        assert!(has_boilerplate_word("top-ads"));
        assert!(!has_boilerplate_word("shareholder-letter"));
        assert!(!has_boilerplate_word("item-full-text"));
        assert!(!has_boilerplate_word("loads"));
        assert!(has_boilerplate_word("ad-note"));
        assert!(!has_boilerplate_word("adhoc-note"));
        assert!(!has_boilerplate_word(""));
    }

    #[test]
    fn value_memo_remembers_without_mixing_up_values() {
        let same = |a: ValueInfo, b: ValueInfo| {
            (a.words, a.content_token, a.patterns, a.body_hint, a.hid)
                == (b.words, b.content_token, b.patterns, b.body_hint, b.hid)
        };
        let mut memo = ValueMemo::default();
        let values: [&[u8]; 3] = [b"sidebar", b"entry-content", b"comments hid"];
        for value in values.iter().chain(&values) {
            assert!(same(memo.info(value), value_info(value)));
        }
        assert_eq!(memo.infos.len(), 3);
        assert_eq!(memo.bytes, b"sidebarentry-contentcomments hid");
        // Another value under the same hash (a collision) is recomputed, not taken from the entry.
        let forged = memo.infos[&hash_value(b"sidebar")];
        memo.infos.insert(hash_value(b"entry-content"), forged);
        assert!(same(memo.info(b"entry-content"), value_info(b"entry-content")));
        assert!(!same(value_info(b"entry-content"), value_info(b"sidebar")));
        for i in 0..VALUE_CACHE_ENTRIES {
            memo.info(format!("v{i}").as_bytes());
        }
        assert!(memo.infos.len() <= VALUE_CACHE_ENTRIES);
        assert!(memo.bytes.len() < VALUE_CACHE_ENTRIES * 6);
    }

    #[test]
    fn each_match_finds_what_the_overlapping_search_finds() {
        let matchers = matchers();
        // The strings of `all` in pattern order: sorted, each once, as `matchers` builds them.
        let patterns: Vec<&str> = [UNLIKELY, MAYBE, NEGATIVE, POSITIVE]
            .into_iter()
            .chain(WORD_LISTS.iter().map(|(list, _)| *list))
            .flatten()
            .copied()
            .chain(["hid"])
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        assert_eq!(patterns.len(), matchers.meanings.len());
        let reference = aho_corasick::AhoCorasick::new(&patterns).unwrap();
        for value in [
            "",
            "x",
            "sidebar",
            "main-content entry-content post-body",
            "comment-list comments share sharedaddy hid hidden",
            "navbar nav-wrapper footer-widgets breadcrumbs related-posts",
            "articlebody_entrycontent-story text__body",
        ] {
            let mut walked = Vec::new();
            each_match(&matchers.all, value.as_bytes(), |pattern, start, end| {
                walked.push((pattern, start, end));
                true
            });
            let want: Vec<_> = reference
                .find_overlapping_iter(value)
                .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
                .collect();
            assert_eq!(walked, want, "{value}");
        }
    }

    #[test]
    fn attrs_weigh_class_and_id() {
        use crate::tokenizer::{Attr, Tag};
        let tag = |pairs: &[(&'static str, &'static str)]| Tag {
            name: "div".into(),
            self_closing: false,
            attrs: pairs
                .iter()
                .map(|(k, v)| Attr {
                    name: (*k).into(),
                    value: (*v).into(),
                })
                .collect(),
        };
        let entry = tag(&[("class", "Entry-Content"), ("id", "post-12")]);
        let a = attrs(&entry);
        assert_eq!(
            (a.weight, a.unlikely, a.skip, a.body_hint),
            (50, false, AttrSkip::No, true)
        );
        assert!(attrs(&tag(&[("itemprop", "articleBody")])).body_hint);
        assert!(!attrs(&tag(&[("class", "content")])).body_hint);
        assert_eq!(a.class, Some("Entry-Content"));
        assert_eq!(
            attrs(&tag(&[("class", "entry themeform share")])).skip,
            AttrSkip::No
        );
        assert_eq!(attrs(&tag(&[("class", "article-share")])).skip, AttrSkip::Class);
        assert_eq!(attrs(&tag(&[("class", "page-footer")])).skip, AttrSkip::Class);
        let related = tag(&[("class", "related-posts")]);
        let a = attrs(&related);
        assert_eq!((a.weight, a.unlikely, a.skip), (0, true, AttrSkip::Class));
        assert!(!attrs(&tag(&[("class", "article-header")])).unlikely);
        assert_eq!(
            attrs(&tag(&[("class", "x"), ("hidden", "")])).skip,
            AttrSkip::Hidden
        );
    }

    #[test]
    fn find_reports_each_list() {
        let all = UNLIKELY_BIT | MAYBE_BIT | NEGATIVE_BIT | POSITIVE_BIT;
        assert_eq!(find(b"main-sidebar").patterns, all);
        assert_eq!(find(b"main-sidebar").words, WORD_BOILERPLATE);
        assert!(has_match(&matchers().hints, b"entrycontent"));
        assert!(!has_match(&matchers().hints, b"entry-content"));
        assert!(has_compact_match(&matchers().hints, b"x entry-content"));
        assert!(has_compact_match(&matchers().hints, b"post__body_"));
        assert!(!has_compact_match(&matchers().hints, b"entry content"));
        assert!(!has_compact_match(&matchers().hints, b""));
        assert_eq!(find(b"xyz"), Found::default());
        assert_eq!(find(b""), Found::default());
        assert_eq!(find(b"lead-story").words, WORD_LEAD);
        assert_eq!(find(b"photo_credits").words, WORD_CAPTION);
        assert!(find(b"x hid").hid && !find(b"hidden").hid && !find(b"x-hid").hid);
    }

    /// The word lists matched the plain way: split into parts, compare each part and its singular.
    fn words_by_parts(lower: &[u8]) -> u8 {
        let mut found = 0;
        for part in lower.split(|&b| separates_part(b)) {
            let singular = part.strip_suffix(b"s").unwrap_or(part);
            for (list, bit) in WORD_LISTS {
                if list
                    .iter()
                    .any(|w| part == w.as_bytes() || singular == w.as_bytes())
                {
                    found |= bit;
                }
            }
        }
        found
    }

    /// The substring lists matched the plain way: each pattern searched in the whole value.
    fn patterns_by_search(lower: &[u8]) -> u8 {
        let lists: [(&[&str], u8); 4] = [
            (UNLIKELY, UNLIKELY_BIT),
            (MAYBE, MAYBE_BIT),
            (NEGATIVE, NEGATIVE_BIT),
            (POSITIVE, POSITIVE_BIT),
        ];
        let mut found = 0;
        for (list, bit) in lists {
            if list
                .iter()
                .any(|p| lower.windows(p.len()).any(|w| w == p.as_bytes()))
            {
                found |= bit;
            }
        }
        found
    }

    proptest::proptest! {
        /// `lowercase` is the value's first `MAX_CLASS_BYTES` bytes lowercased, borrowed exactly when
        /// they have no upper-case letter.
        #[test]
        fn lowercase_equals_std(value in "[a-zA-Z0-9 _\\-éÉ]{0,300}") {
            let bytes = value.as_bytes();
            let head = bytes.get(..MAX_CLASS_BYTES).unwrap_or(bytes);
            let lower = lowercase(&value);
            let expected = head.to_ascii_lowercase();
            proptest::prop_assert_eq!(lower.as_slice(), expected.as_slice());
            proptest::prop_assert_eq!(
                matches!(lower, Lower::Same(_)),
                !head.iter().any(u8::is_ascii_uppercase)
            );
        }

        /// The one-pass automaton finds what the plain per-part and per-pattern matching finds, on values
        /// built from the lists' own words, plurals, separators and noise.
        #[test]
        fn find_equals_plain_matching(pieces in proptest::collection::vec(0usize..400, 0..8)) {
            let vocabulary: Vec<&str> = WORD_LISTS
                .iter()
                .flat_map(|(list, _)| list.iter().copied())
                .chain(UNLIKELY.iter().copied())
                .chain(POSITIVE.iter().copied())
                .chain(["s", "-", "_", " ", "x", "hid", "\t", "ss", "a"])
                .collect();
            let value: String = pieces
                .iter()
                .filter_map(|&i| vocabulary.get(i % vocabulary.len()).copied())
                .collect();
            let lower = value.as_bytes();
            let found = find(lower);
            proptest::prop_assert_eq!(found.words, words_by_parts(lower), "{:?}", value);
            proptest::prop_assert_eq!(found.patterns, patterns_by_search(lower), "{:?}", value);
            let hid = lower.split(u8::is_ascii_whitespace).any(|t| t == b"hid");
            proptest::prop_assert_eq!(found.hid, hid, "{:?}", value);
        }

        /// Walking the body-hint automaton past `-` and `_` finds what matching a copy without them
        /// finds, on values built from the hints' own pieces and separators.
        #[test]
        fn compact_walk_equals_compact_copy(pieces in proptest::collection::vec(0usize..64, 0..10)) {
            let vocabulary: Vec<&str> = BODY_HINTS
                .iter()
                .copied()
                .chain(["article", "entry", "post", "story", "body", "content", "text", "full", "news"])
                .chain(["-", "_", " ", "x", "con", "tent", "bo", "dy", "-_"])
                .collect();
            let value: String = pieces
                .iter()
                .filter_map(|&i| vocabulary.get(i % vocabulary.len()).copied())
                .collect();
            let compact: Vec<u8> = value.bytes().filter(|b| !matches!(b, b'-' | b'_')).collect();
            let hints = &matchers().hints;
            proptest::prop_assert_eq!(
                has_compact_match(hints, value.as_bytes()),
                has_match(hints, &compact),
                "{:?}", value
            );
        }
    }

    #[test]
    fn style_hiding() {
        assert!(style_hides("color:red; DISPLAY : None"));
        assert!(style_hides("visibility: hidden"));
        assert!(!style_hides("display:block"));
        assert!(style_hides("top:0;display:\nnone;color:red"));
        assert!(style_hides("VISIBILITY : HIDDEN !important"));
        assert!(!style_hides("display:nonexistent") || style_hides("display:none"));
        assert!(!style_hides("visibility:hidde"));
        assert!(!style_hides("é display:nón"));
    }
}
