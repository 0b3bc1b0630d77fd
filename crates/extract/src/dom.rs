//! A compact arena DOM, built in document order by the token sink.
//!
//! Nodes are stored in pre-order: a node's descendants are exactly the nodes `index + 1 .. end`, so a
//! subtree is a contiguous range, children come after their parent, and every walk is a loop over a
//! range (no recursion, no reference counting). Text is kept raw in one shared buffer and collapsed only
//! when it is rendered.

use std::borrow::Cow;

/// A tag name: borrowed from [`KNOWN_TAGS`] for HTML's own elements ([`known_packed`]), owned for the rest.
pub(crate) type Name = Cow<'static, str>;

/// HTML's element names (and a few obsolete ones), sorted: most tag names cost no allocation.
const KNOWN_TAGS: &[&str] = &[
    "a",
    "abbr",
    "address",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "base",
    "basefont",
    "bdi",
    "bdo",
    "bgsound",
    "big",
    "blink",
    "blockquote",
    "body",
    "br",
    "button",
    "canvas",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "datalist",
    "dd",
    "del",
    "details",
    "dfn",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "i",
    "iframe",
    "image",
    "img",
    "input",
    "ins",
    "kbd",
    "keygen",
    "label",
    "legend",
    "li",
    "link",
    "listing",
    "main",
    "map",
    "mark",
    "marquee",
    "math",
    "menu",
    "meta",
    "meter",
    "nav",
    "nobr",
    "noembed",
    "noframes",
    "noscript",
    "object",
    "ol",
    "optgroup",
    "option",
    "output",
    "p",
    "param",
    "picture",
    "plaintext",
    "pre",
    "progress",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "script",
    "search",
    "section",
    "select",
    "slot",
    "small",
    "source",
    "span",
    "strike",
    "strong",
    "style",
    "sub",
    "summary",
    "sup",
    "svg",
    "table",
    "tbody",
    "td",
    "template",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "time",
    "title",
    "tr",
    "track",
    "tt",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
    "xmp",
];

/// `name` if it is one of HTML's own element names: its index in [`known_names`] and the static name.
#[cfg(test)]
fn known(name: &str) -> Option<(usize, &'static str)> {
    known_packed(pack(name)?, name.len())
}

/// The name of `len` bytes whose [`pack`] key is `key`, if it is one of HTML's own element names: its
/// index in [`known_names`] and the static name.
pub(crate) fn known_packed(key: u128, len: usize) -> Option<(usize, &'static str)> {
    let table = known_table();
    let mut slot = slot_of(key);
    loop {
        let i = *table.slots.get(slot)?;
        if i == EMPTY_SLOT {
            return None;
        }
        let &(k, known) = table.keys.get(usize::from(i))?;
        // Padding makes `h1` and `h1\0` one key: the length tells them apart.
        if k == key {
            return (known.len() == len).then_some((usize::from(i), known));
        }
        slot = (slot + 1) % KNOWN_SLOTS;
    }
}

/// HTML's own element names in the order of [`known_packed`]'s indices, for tables built over them.
pub(crate) fn known_names() -> impl Iterator<Item = &'static str> {
    known_table().keys.iter().map(|&(_, name)| name)
}

/// `name`'s bytes packed into one integer (first byte highest, zero-padded), for names of at most 16
/// bytes: every known name fits, and comparing integers is cheaper than comparing strings.
pub(crate) fn pack(name: &str) -> Option<u128> {
    let bytes = name.as_bytes();
    if bytes.len() > 16 {
        return None;
    }
    // A shift per byte: names are short, and a `memcpy` call costs more than the loop.
    let key = bytes.iter().fold(0u128, |key, &b| (key << 8) | u128::from(b));
    let pad = u32::try_from(8 * (16 - bytes.len())).ok()?;
    Some(key.checked_shl(pad).unwrap_or(0))
}

/// Slots of [`KnownTable::slots`]: a power of two, under a third full.
const KNOWN_SLOTS: usize = 512;

/// An empty slot of [`KnownTable::slots`].
const EMPTY_SLOT: u16 = u16::MAX;

/// [`KNOWN_TAGS`] by their [`pack`] keys, with an open-addressing hash index over them: one multiply
/// and (mostly) one probe per name, where a binary search takes eight unpredictable branches.
struct KnownTable {
    /// Keys and names, in [`KNOWN_TAGS`]'s order.
    keys: Vec<(u128, &'static str)>,
    /// For each of [`KNOWN_SLOTS`] slots, an index into `keys` or [`EMPTY_SLOT`]; a key lives in its
    /// [`slot_of`] slot or the first free one after it.
    slots: Vec<u16>,
}

/// The home slot of a [`pack`] key.
fn slot_of(key: u128) -> usize {
    let folded = (key as u64) ^ ((key >> 64) as u64);
    (folded.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - KNOWN_SLOTS.trailing_zeros())) as usize
}

/// The [`KnownTable`], built once.
fn known_table() -> &'static KnownTable {
    static TABLE: std::sync::OnceLock<KnownTable> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let keys: Vec<_> = KNOWN_TAGS
            .iter()
            .filter_map(|&name| Some((pack(name)?, name)))
            .collect();
        let mut slots = vec![EMPTY_SLOT; KNOWN_SLOTS];
        for (i, &(key, _)) in keys.iter().enumerate() {
            let mut slot = slot_of(key);
            while slots.get(slot).is_some_and(|&s| s != EMPTY_SLOT) {
                slot = (slot + 1) % KNOWN_SLOTS;
            }
            if let (Some(free), Ok(i)) = (slots.get_mut(slot), u16::try_from(i)) {
                *free = i;
            }
        }
        KnownTable { keys, slots }
    })
}

/// [`Node::tag`] bit: a block element ([`rules::is_block`](crate::rules::is_block)).
pub(crate) const TAG_BLOCK: u16 = 1;
/// [`Node::tag`] bit: `<br>`.
pub(crate) const TAG_BR: u16 = 1 << 1;
/// [`Node::tag`] bit: `<p>`.
pub(crate) const TAG_P: u16 = 1 << 2;
/// [`Node::tag`] bit: `<img>` or `<image>`.
pub(crate) const TAG_IMG: u16 = 1 << 3;
/// [`Node::tag`] bit: `<li>`.
pub(crate) const TAG_LI: u16 = 1 << 4;
/// [`Node::tag`] bit: `<input>`.
pub(crate) const TAG_INPUT: u16 = 1 << 5;
/// [`Node::tag`] bit: `<embed>`.
pub(crate) const TAG_EMBED: u16 = 1 << 6;
/// [`Node::tag`] bit: `<h1>` … `<h6>`.
pub(crate) const TAG_HEADING: u16 = 1 << 7;
/// [`Node::tag`] bit: `<td>` or `<th>`.
pub(crate) const TAG_CELL: u16 = 1 << 8;
/// [`Node::tag`] bit: `<pre>` or `<listing>`.
pub(crate) const TAG_PRE: u16 = 1 << 9;
/// [`Node::tag`] bit: a paragraph for scoring (`p`, `pre`, `td`, `h2` … `h6`).
pub(crate) const TAG_PARAGRAPH: u16 = 1 << 10;
/// [`Node::tag`] bit: a paragraph for scoring when it has no block child (`div`, `section`, `article`,
/// `blockquote`, `center`, `font`).
pub(crate) const TAG_PARAGRAPH_IF_LEAF: u16 = 1 << 11;

/// The [`Node::tag`] bits of an element named `name`: what the scoring and rendering passes ask of
/// every node, worked out once when the node is made instead of by string comparisons in each pass.
pub(crate) fn tag_bits(name: &str) -> u16 {
    let mut bits = match name {
        "br" => TAG_BR,
        "p" => TAG_P | TAG_PARAGRAPH,
        "img" | "image" => TAG_IMG,
        "li" => TAG_LI,
        "input" => TAG_INPUT,
        "embed" => TAG_EMBED,
        "h1" => TAG_HEADING,
        "h2" | "h3" | "h4" | "h5" | "h6" => TAG_HEADING | TAG_PARAGRAPH,
        "td" => TAG_CELL | TAG_PARAGRAPH,
        "th" => TAG_CELL,
        "pre" => TAG_PRE | TAG_PARAGRAPH,
        "listing" => TAG_PRE,
        "div" | "section" | "article" | "blockquote" | "center" | "font" => TAG_PARAGRAPH_IF_LEAF,
        _ => 0,
    };
    if crate::rules::is_block(name) {
        bits |= TAG_BLOCK;
    }
    bits
}

/// No node: the parent of the root.
pub(crate) const NONE: u32 = u32::MAX;

/// Flag: a readability "unlikely candidate" class/id pattern; stripped only in the first attempt.
pub(crate) const SOFT: u8 = 1;
/// Flag: page furniture by tag (`nav`, `header`, `footer`, `aside`, `form`) or a class/id boilerplate
/// word; stripped in every attempt but the last, unless it wraps most of the page.
pub(crate) const STRONG: u8 = 4;
/// Flag: the element names itself the article body (`itemprop="articleBody"`, `entry-content`, …).
pub(crate) const HINT: u8 = 8;
/// Flag: a caption or credit (`<figcaption>`, `wp-caption-text`); left out when short.
pub(crate) const CAPTION: u8 = 16;
/// Flag: an article lead by class/id word; kept when it comes shortly before the main content.
pub(crate) const LEAD: u8 = 32;
/// Flag: a comment section by class/id word; rendered after the main text when comments are asked for.
pub(crate) const COMMENTS: u8 = 64;
/// Flag: a text node inside an `<a>`.
pub(crate) const LINK: u8 = 2;

/// One node of the arena.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    /// Tag name; `None` for text nodes and the root.
    pub(crate) name: Option<Name>,
    /// Index of the parent node, [`NONE`] for the root.
    pub(crate) parent: u32,
    /// One past the index of the last descendant.
    pub(crate) end: u32,
    /// For text nodes: the byte range of its raw text in [`Dom::text`].
    pub(crate) text: (usize, usize),
    /// For text nodes: non-whitespace characters.
    pub(crate) chars: u32,
    /// For text nodes: commas (`,` and its CJK/Arabic forms).
    pub(crate) commas: u32,
    /// [`SOFT`], [`LINK`].
    pub(crate) flags: u8,
    /// `TAG_*` bits of the element's name ([`tag_bits`]); 0 for text and the root.
    pub(crate) tag: u16,
    /// Class/id weight, readability style: −25 or +25 for each of class and id.
    pub(crate) weight: i8,
    /// The byte range of the trimmed class attribute in [`Dom::classes`]; empty when it has none.
    pub(crate) class: (u32, u32),
}

/// The node returned for an index out of range; never happens for indices the arena handed out.
static EMPTY: Node = Node {
    name: None,
    parent: NONE,
    end: 0,
    text: (0, 0),
    chars: 0,
    commas: 0,
    flags: 0,
    tag: 0,
    weight: 0,
    class: (0, 0),
};

/// The arena: nodes in pre-order and the shared text buffer.
#[derive(Debug)]
pub(crate) struct Dom {
    /// All nodes; index 0 is the root.
    pub(crate) nodes: Vec<Node>,
    /// Raw text of every text node.
    pub(crate) text: String,
    /// Class attributes of the elements that have one, one after another (one buffer, not one
    /// allocation per element).
    classes: String,
}

/// The buffers of the last arena dropped on this thread, cleared, for the next page: a fresh arena
/// would grow its vectors again and touch new pages on every page.
type Spare = Option<(Vec<Node>, String, String)>;

thread_local! {
    static SPARE: std::cell::RefCell<Spare> = const { std::cell::RefCell::new(None) };
}

/// Buffers larger than this many bytes (all three together) are freed, not kept for the next page.
const MAX_SPARE_BYTES: usize = 64 << 20;

impl Dom {
    /// An arena holding only the root (in the buffers of this thread's last arena, if any).
    pub(crate) fn new() -> Self {
        let spare = SPARE
            .try_with(|spare| spare.try_borrow_mut().ok().and_then(|mut spare| spare.take()))
            .ok()
            .flatten();
        let (mut nodes, text, classes) = spare.unwrap_or_default();
        nodes.push(Node {
            end: 1,
            ..EMPTY.clone()
        });
        Self { nodes, text, classes }
    }

    /// Node `i`, or an empty node when out of range.
    pub(crate) fn node(&self, i: u32) -> &Node {
        self.nodes.get(i as usize).unwrap_or(&EMPTY)
    }

    /// Number of nodes, as `u32`.
    pub(crate) fn len(&self) -> u32 {
        u32::try_from(self.nodes.len()).unwrap_or(u32::MAX)
    }

    /// Node `i`'s tag name, `""` for text and the root.
    pub(crate) fn name(&self, i: u32) -> &str {
        self.node(i).name.as_deref().unwrap_or("")
    }

    /// Whether node `i` is a text node.
    pub(crate) fn is_text(&self, i: u32) -> bool {
        let node = self.node(i);
        node.name.is_none() && node.parent != NONE
    }

    /// The raw text of text node `i` (empty for elements).
    pub(crate) fn raw_text(&self, i: u32) -> &str {
        let (start, end) = self.node(i).text;
        self.text.get(start..end).unwrap_or("")
    }

    /// Node `i`'s trimmed class attribute; `None` when it has none (or it is empty).
    pub(crate) fn class(&self, i: u32) -> Option<&str> {
        let (start, end) = self.node(i).class;
        self.classes
            .get(start as usize..end as usize)
            .filter(|class| !class.is_empty())
    }

    /// Adds an element under `parent`, with its name's [`tag_bits`]; its `end` is set when it is closed
    /// ([`Dom::close`]).
    pub(crate) fn push_element(
        &mut self,
        parent: u32,
        (name, tag): (Name, u16),
        flags: u8,
        weight: i8,
        class: Option<&str>,
    ) -> u32 {
        let index = self.len();
        let class = match class {
            Some(class) => {
                let start = u32::try_from(self.classes.len()).unwrap_or(u32::MAX);
                self.classes.push_str(class);
                (start, u32::try_from(self.classes.len()).unwrap_or(u32::MAX))
            }
            None => (0, 0),
        };
        self.nodes.push(Node {
            name: Some(name),
            parent,
            end: index.saturating_add(1),
            text: (0, 0),
            chars: 0,
            commas: 0,
            flags,
            tag,
            weight,
            class,
        });
        index
    }

    /// Sets the end of element `i` to the current length (all nodes added since are its descendants).
    pub(crate) fn close(&mut self, i: u32) {
        let end = self.len();
        if let Some(node) = self.nodes.get_mut(i as usize) {
            node.end = end;
        }
    }

    /// Appends text under `parent`, merged into the last node when that is already a text child of
    /// `parent` with the same flags.
    pub(crate) fn push_text(&mut self, parent: u32, text: &str, flags: u8) {
        let (chars, commas) = count(text);
        let start = self.text.len();
        self.text.push_str(text);
        let end = self.text.len();
        let last = self.len().saturating_sub(1);
        if last > 0
            && self.is_text(last)
            && let Some(node) = self.nodes.get_mut(last as usize)
            && node.parent == parent
            && node.flags == flags
            && node.text.1 == start
        {
            node.text.1 = end;
            node.chars = node.chars.saturating_add(chars);
            node.commas = node.commas.saturating_add(commas);
            return;
        }
        let index = self.len();
        self.nodes.push(Node {
            name: None,
            parent,
            end: index.saturating_add(1),
            text: (start, end),
            chars,
            commas,
            flags,
            tag: 0,
            weight: 0,
            class: (0, 0),
        });
    }

    /// The element children of `i` (text nodes are skipped), in order.
    pub(crate) fn children(&self, i: u32) -> impl Iterator<Item = u32> + '_ {
        let end = self.node(i).end;
        let mut next = i.saturating_add(1);
        std::iter::from_fn(move || {
            while next < end {
                let current = next;
                next = self.node(current).end.max(current.saturating_add(1));
                if !self.is_text(current) {
                    return Some(current);
                }
            }
            None
        })
    }

    /// Whether `ancestor` is `node` or one of its ancestors.
    pub(crate) fn contains(&self, ancestor: u32, node: u32) -> bool {
        ancestor <= node && node < self.node(ancestor).end
    }
}

impl Drop for Dom {
    /// Keeps the buffers, cleared, for the next arena on this thread, unless they are very large.
    fn drop(&mut self) {
        let bytes = self.nodes.capacity() * std::mem::size_of::<Node>()
            + self.text.capacity()
            + self.classes.capacity();
        if bytes > MAX_SPARE_BYTES {
            return;
        }
        let mut nodes = std::mem::take(&mut self.nodes);
        nodes.clear();
        let mut text = std::mem::take(&mut self.text);
        text.clear();
        let mut classes = std::mem::take(&mut self.classes);
        classes.clear();
        let _ = SPARE.try_with(|spare| {
            if let Ok(mut spare) = spare.try_borrow_mut() {
                *spare = Some((nodes, text, classes));
            }
        });
    }
}

/// Bytes counted together in `u8` lanes by [`block_counts`]: no lane can overflow, so the compiler
/// vectorises a whole block.
const BLOCK: usize = 32;

/// Whether `b` leads a non-ASCII character that [`count`] must look at: every non-ASCII whitespace
/// character ([`char::is_whitespace`]) and every non-ASCII comma it counts starts with one of these
/// bytes (U+0085 and U+00A0; U+060C; U+1680; U+2000–U+205F and U+2E32/U+2E34; U+3000 and U+3001;
/// U+FE10, U+FE11, U+FE50 and U+FF0C).
fn is_special_lead(b: u8) -> bool {
    matches!(b, 0xC2 | 0xD8 | 0xE1 | 0xE2 | 0xE3 | 0xEF)
}

/// ASCII whitespace bytes, `,` bytes and UTF-8 continuation bytes of a block (at most `BLOCK` bytes,
/// so no `u8` counter can wrap), in `u8` counters: one branch-free pass.
fn block_counts(block: &[u8]) -> [u8; 3] {
    let (mut spaces, mut commas, mut continuation) = (0u8, 0u8, 0u8);
    for &b in block {
        spaces = spaces.wrapping_add(u8::from(matches!(b, b'\t'..=b'\r' | b' ')));
        commas = commas.wrapping_add(u8::from(b == b','));
        continuation = continuation.wrapping_add(u8::from(matches!(b, 0x80..=0xBF)));
    }
    [spaces, commas, continuation]
}

/// Non-whitespace characters and commas in `text` (whitespace as [`char::is_whitespace`]). Every
/// byte is counted in vectorised blocks: the characters are the bytes less the ASCII whitespace and
/// the continuation bytes. Only text with non-ASCII characters takes a second pass, which decodes
/// just the characters whose lead byte may make them whitespace or a comma ([`is_special_lead`]).
fn count(text: &str) -> (u32, u32) {
    let bytes = text.as_bytes();
    let (blocks, tail) = bytes.as_chunks::<BLOCK>();
    let mut totals = [0usize; 3];
    for counts in blocks
        .iter()
        .map(|block| block_counts(block))
        .chain([block_counts(tail)])
    {
        for (total, n) in totals.iter_mut().zip(counts) {
            *total += usize::from(n);
        }
    }
    let [spaces, mut commas, continuation] = totals;
    let mut chars = bytes.len().saturating_sub(spaces + continuation);
    if continuation > 0 {
        let (wide_spaces, wide_commas) = count_special(text);
        chars = chars.saturating_sub(wide_spaces);
        commas += wide_commas;
    }
    let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    (narrow(chars), narrow(commas))
}

/// The non-ASCII whitespace characters and non-ASCII commas of `text`: blocks without a
/// [`is_special_lead`] byte (most blocks of most scripts) are passed over after one vectorised count.
fn count_special(text: &str) -> (usize, usize) {
    let (mut spaces, mut commas) = (0, 0);
    for (at, block) in text.as_bytes().chunks(BLOCK).enumerate() {
        let leads = block
            .iter()
            .fold(0u8, |n, &b| n.wrapping_add(u8::from(is_special_lead(b))));
        if leads == 0 {
            continue;
        }
        for (i, _) in block.iter().enumerate().filter(|&(_, &b)| is_special_lead(b)) {
            let Some(c) = text.get(at * BLOCK + i..).and_then(|rest| rest.chars().next()) else {
                continue;
            };
            if c.is_whitespace() {
                spaces += 1;
            } else if matches!(c, '，' | '、' | '،' | '﹐' | '︐' | '︑' | '⸲' | '⸴') {
                commas += 1;
            }
        }
    }
    (spaces, commas)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `<div>a, b c<p class="lead x">x (in a link)</p></div>`: the arena, the div and the p.
    fn sample() -> (Dom, u32, u32) {
        let mut dom = Dom::new();
        let div = dom.push_element(0, (Name::Borrowed("div"), tag_bits("div")), 0, 0, None);
        dom.push_text(div, "a, b", 0);
        dom.push_text(div, " c", 0);
        let p = dom.push_element(div, (Name::Borrowed("p"), tag_bits("p")), 0, 0, Some("lead x"));
        dom.push_text(p, "x", LINK);
        dom.close(p);
        dom.close(div);
        dom.close(0);
        (dom, div, p)
    }

    #[test]
    fn arena_buffers_are_reused_cleared() {
        let (dom, _, _) = sample();
        let capacity = dom.nodes.capacity();
        drop(dom);
        let dom = Dom::new();
        assert_eq!(
            (dom.len(), dom.node(0).end, dom.text.len(), dom.classes.len()),
            (1, 1, 0, 0)
        );
        assert_eq!(dom.nodes.capacity(), capacity);
        drop(dom);
        let (again, _, p) = sample();
        assert_eq!((again.len(), again.class(p)), (5, Some("lead x")));
    }

    #[test]
    fn subtrees_are_ranges_and_text_merges() {
        let (dom, div, p) = sample();
        assert_eq!(dom.len(), 5);
        assert_eq!(dom.raw_text(2), "a, b c");
        assert_eq!((dom.node(2).chars, dom.node(2).commas), (4, 1));
        assert_eq!(dom.children(div).collect::<Vec<_>>(), [p]);
        assert_eq!(dom.children(0).collect::<Vec<_>>(), [div]);
        assert!(dom.contains(div, 4) && !dom.contains(p, 2));
        assert_eq!(dom.name(99), "");
        assert_eq!(
            (dom.class(p), dom.class(div), dom.class(99)),
            (Some("lead x"), None, None)
        );
        assert!(KNOWN_TAGS.is_sorted());
        assert_eq!(count(" a,\u{b}b\u{a0}c\u{3000}、d\r\n,"), (7, 3));
        assert_eq!(count(" a,\u{b}b c\td\r\n,"), (6, 2));
        assert_eq!(known("section").map(|(_, n)| n), Some("section"));
        assert_eq!(known("my-widget"), None);
        assert_eq!(known("a-very-long-custom-element"), None);
        assert_eq!(known("h1\0"), None);
        assert_eq!((known(""), pack("")), (None, Some(0)));
        assert_eq!(
            pack("ab"),
            Some(u128::from_be_bytes(*b"ab\0\0\0\0\0\0\0\0\0\0\0\0\0\0"))
        );
        for &name in KNOWN_TAGS {
            let (i, found) = known(name).unwrap_or_default();
            assert_eq!(found, name);
            assert_eq!(known_names().nth(i), Some(name));
        }
    }

    proptest::proptest! {
        /// The byte passes count what a plain loop over the characters counts.
        #[test]
        fn count_equals_char_loop(text in "[a ,\\t\\n\\x{b}\\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{2060}\\x{2e30}-\\x{2e35}\\x{3000}-\\x{3002}\\x{fe10}-\\x{fe12}\\x{fe50}\\x{ff0c}\\x{60c}éß日本語🙂]{0,120}") {
            let mut chars = 0;
            let mut commas = 0;
            for c in text.chars() {
                if !c.is_whitespace() {
                    chars += 1;
                    if matches!(c, ',' | '，' | '、' | '،' | '﹐' | '︐' | '︑' | '⸲' | '⸴') {
                        commas += 1;
                    }
                }
            }
            proptest::prop_assert_eq!(count(&text), (chars, commas));
        }
    }

    #[test]
    fn special_leads_cover_every_wide_space_and_comma() {
        for c in (0x80..=0x10_FFFF).filter_map(char::from_u32) {
            if c.is_whitespace() || matches!(c, '，' | '、' | '،' | '﹐' | '︐' | '︑' | '⸲' | '⸴')
            {
                let mut buf = [0u8; 4];
                let lead = c
                    .encode_utf8(&mut buf)
                    .as_bytes()
                    .first()
                    .copied()
                    .unwrap_or_default();
                assert!(is_special_lead(lead), "{c:?}");
            }
        }
    }
}
