//! The token sink: a streaming state machine over the [tokenizer](crate::tokenizer)'s tokens that builds the arena [`Dom`], with a
//! bounded stack of open elements and counters for skipped, link and foreign (SVG/MathML) content. Skipped
//! content (scripts, hidden elements, page furniture by tag) never enters the arena. No recursion.

use crate::dom::{self, Dom, Name};
use crate::metadata::{self, HeadData};
use crate::rules::{self, AttrSkip, RawText};
use crate::text;
use crate::tokenizer::{Flow, Sink, Tag, Token};

/// One element on the stack of open elements.
#[derive(Debug)]
struct Open {
    /// Tag name.
    name: Name,
    /// The name's [`dom::pack`] key (0 for names too long to have one), compared before the name.
    key: u128,
    /// Its content is skipped for sure (by tag name, hidden, `<head>`, …).
    skip: bool,
    /// Its arena node (the enclosing element's node when it is skipped).
    node: u32,
    /// The arena node was created for this element (and must be closed with it).
    owns_node: bool,
    /// It is `<a>`.
    link: bool,
    /// It is `<article>` or `<main>`.
    article: bool,
    /// It is `<svg>`/`<math>`.
    foreign: bool,
    /// It is the first `<h1>`, whose text is being captured for the title.
    h1: bool,
    /// Its [`Scope`] bits (those of the implied end tags are the ones read).
    scope: Scope,
}

/// What a tag is to the sink, as bits: to the implied end tags of HTML's tree builder, which of them it is
/// a target of (`P` … `HEAD`) and which searches it stops (`BOUNDARY` … `SELECT`); then the `IS_*`
/// properties of its name. One bit test per open element instead of comparing names.
type Scope = u32;
/// `<p>`, closed by a block's start tag.
const P: Scope = 1;
/// `<li>`, closed by the next `<li>`.
const LI: Scope = 1 << 1;
/// `<dd>`/`<dt>`, closed by the next of either.
const DD_DT: Scope = 1 << 2;
/// `<tr>`, closed by the next `<tr>`.
const TR: Scope = 1 << 3;
/// `<td>`/`<th>`, closed by the next cell.
const CELL: Scope = 1 << 4;
/// `<option>`, closed by the next `<option>`.
const OPTION: Scope = 1 << 5;
/// `<head>`, closed by `<body>`.
const HEAD: Scope = 1 << 6;
/// Stops every search ([`rules::is_scope_boundary`]).
const BOUNDARY: Scope = 1 << 7;
/// `<ul>`, `<ol>`, `<menu>`: stop the search for an `<li>`.
const LIST: Scope = 1 << 8;
/// `<dl>`: stops the search for a `<dd>`/`<dt>`.
const DL: Scope = 1 << 9;
/// `<tbody>`, `<thead>`, `<tfoot>`: stop the search for a `<tr>`.
const TABLE_SECTION: Scope = 1 << 10;
/// `<select>`, `<datalist>`: stop the search for an `<option>`.
const SELECT: Scope = 1 << 11;
/// Bit: [`rules::is_void`].
const IS_VOID: Scope = 1 << 12;
/// Bit: [`rules::is_kept_void`].
const IS_KEPT_VOID: Scope = 1 << 13;
/// Bit: [`rules::closes_p`].
const IS_CLOSING_P: Scope = 1 << 14;
/// Bit: [`rules::is_head_content`].
const IS_HEAD_CONTENT: Scope = 1 << 15;
/// Bit: [`rules::is_skipped_tag`].
const IS_SKIPPED: Scope = 1 << 16;
/// Bit: [`rules::is_furniture_tag`].
const IS_FURNITURE: Scope = 1 << 17;
/// Bit: `<svg>` or `<math>`.
const IS_FOREIGN: Scope = 1 << 18;
/// Bit: an element whose class/id is not read (`html`, `body`, `main`, `article`, `a`).
const IS_EXEMPT: Scope = 1 << 19;
/// Bit: `<body>`.
const IS_BODY: Scope = 1 << 20;

/// What the sink needs to know of a tag name, from the [`rules`] predicates: worked out once for each of
/// HTML's own names (a table lookup per tag instead of a chain of string comparisons).
#[derive(Debug, Clone, Copy, Default)]
struct Kind {
    /// Its [`Scope`] bits, the `IS_*` ones included.
    bits: Scope,
    /// [`rules::raw_text`].
    raw: Option<RawText>,
    /// [`dom::tag_bits`], for the arena node.
    tag: u16,
}

/// The [`Kind`] of a tag named `name`.
fn kind_of(name: &str) -> Kind {
    let bits = [
        (rules::is_void(name), IS_VOID),
        (rules::is_kept_void(name), IS_KEPT_VOID),
        (rules::closes_p(name), IS_CLOSING_P),
        (rules::is_head_content(name), IS_HEAD_CONTENT),
        (rules::is_skipped_tag(name), IS_SKIPPED),
        (rules::is_furniture_tag(name), IS_FURNITURE),
        (matches!(name, "svg" | "math"), IS_FOREIGN),
        (
            matches!(name, "html" | "body" | "main" | "article" | "a"),
            IS_EXEMPT,
        ),
        (name == "body", IS_BODY),
    ];
    Kind {
        bits: bits
            .iter()
            .filter(|(on, _)| *on)
            .fold(scope(name), |all, (_, bit)| all | bit),
        raw: rules::raw_text(name),
        tag: dom::tag_bits(name),
    }
}

/// `name` interned, with its [`Kind`]: from a table for HTML's own names, worked out for the rest.
/// `key` is `name`'s [`dom::pack`] key, if it has one.
fn lookup(name: &str, key: Option<u128>) -> (Name, Kind) {
    static KINDS: std::sync::OnceLock<Vec<Kind>> = std::sync::OnceLock::new();
    match key.and_then(|key| dom::known_packed(key, name.len())) {
        Some((i, known)) => {
            let kinds = KINDS.get_or_init(|| dom::known_names().map(kind_of).collect());
            (
                Name::Borrowed(known),
                kinds.get(i).copied().unwrap_or_else(|| kind_of(known)),
            )
        }
        None => (Name::Owned(name.to_owned()), kind_of(name)),
    }
}

/// The implied-end-tag [`Scope`] bits of an element named `name`.
fn scope(name: &str) -> Scope {
    let own = match name {
        "p" => P,
        "li" => LI,
        "dd" | "dt" => DD_DT,
        "tr" => TR,
        "td" | "th" => CELL,
        "option" => OPTION,
        "head" => HEAD,
        "ul" | "ol" | "menu" => LIST,
        "dl" => DL,
        "tbody" | "thead" | "tfoot" => TABLE_SECTION,
        "select" | "datalist" => SELECT,
        _ => 0,
    };
    if rules::is_scope_boundary(name) {
        own | BOUNDARY
    } else {
        own
    }
}

/// What the text tokens currently arriving belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Raw {
    /// Ordinary markup.
    None,
    /// The content of a raw-text element that is skipped (`<script>`, `<style>`, …).
    Skip,
    /// The content of the page's `<title>`.
    Title,
    /// The content of a JSON-LD `<script>`.
    JsonLd,
}

/// Everything the sink learns about a page.
#[derive(Debug)]
pub(crate) struct State {
    /// Token budget.
    max_nodes: u64,
    /// Stack depth limit.
    max_depth: usize,
    /// Tokens seen so far.
    steps: u64,
    /// The token budget ran out.
    pub(crate) budget_exhausted: bool,
    /// Open elements, at most `max_depth`.
    stack: Vec<Open>,
    /// Open elements with `skip`.
    skip: usize,
    /// Open elements with `link`.
    link: usize,
    /// Open elements with `article` (`<article>` or `<main>`).
    article: usize,
    /// Open elements with `foreign`.
    foreign: usize,
    /// How many open elements are targets of each implied end tag, by bit of [`Scope`] (`P` … `HEAD`).
    targets: [u32; 7],
    /// What current text tokens belong to.
    raw: Raw,
    /// The first `<title>`'s raw text.
    pub(crate) title: Option<String>,
    /// `<html lang>` of the first `<html>` tag.
    pub(crate) language: Option<String>,
    /// An `<html>` start tag was seen.
    seen_html: bool,
    /// `<h1>` start tags seen outside SVG/MathML.
    pub(crate) h1_count: u32,
    /// Collapsed text of the first `<h1>`.
    pub(crate) h1_text: String,
    /// A space is owed before the next character of `h1_text`.
    h1_pending_space: bool,
    /// The first `<h1>` is open.
    h1_open: bool,
    /// The page's arena.
    pub(crate) dom: Dom,
    /// Metadata gathered from `<meta>`, `<link>`, `<time>` and JSON-LD.
    pub(crate) head: HeadData,
}

impl State {
    /// A fresh state for one page.
    pub(crate) fn new(max_nodes: u64, max_depth: u32) -> Self {
        Self {
            max_nodes,
            max_depth: usize::try_from(max_depth).unwrap_or(usize::MAX),
            steps: 0,
            budget_exhausted: false,
            stack: Vec::new(),
            skip: 0,
            link: 0,
            article: 0,
            foreign: 0,
            targets: [0; 7],
            raw: Raw::None,
            title: None,
            language: None,
            seen_html: false,
            h1_count: 0,
            h1_text: String::new(),
            h1_pending_space: false,
            h1_open: false,
            dom: Dom::new(),
            head: HeadData::default(),
        }
    }

    /// Text: to the title, the first `<h1>`, the current block, or nowhere.
    fn text(&mut self, chars: &str) {
        match self.raw {
            Raw::Skip => return,
            Raw::JsonLd => {
                self.head.json_ld_text(chars);
                return;
            }
            Raw::Title => {
                if let Some(title) = self.title.as_mut() {
                    title.push_str(chars);
                }
                return;
            }
            Raw::None => {}
        }
        if self.top_is_head() && !chars.chars().all(char::is_whitespace) {
            self.pop();
        }
        if self.h1_open && self.foreign == 0 {
            let _ = text::push_collapsed(&mut self.h1_text, &mut self.h1_pending_space, chars);
        }
        if self.skip == 0 {
            let flags = if self.link > 0 { dom::LINK } else { 0 };
            self.dom.push_text(self.top_node(), chars, flags);
        }
    }

    /// A start tag; returns the raw-text state the tokenizer must switch to, if any.
    fn start_tag(&mut self, tag: &Tag<'_>) -> Option<RawText> {
        let name: &str = &tag.name;
        if name == "html" && !self.seen_html {
            self.seen_html = true;
            self.language = tag
                .attrs
                .iter()
                .find(|a| a.name == "lang")
                .map(|a| a.value.trim().to_owned())
                .filter(|lang| !lang.is_empty());
        }
        let json_ld = self.foreign == 0 && self.head.start_tag(name, &tag.attrs);
        let key = dom::pack(name);
        let (interned, kind) = lookup(name, key);
        if self.top_is_head() && kind.bits & IS_HEAD_CONTENT == 0 {
            self.pop();
        }
        if let Some(raw) = kind.raw.filter(|_| !(self.foreign > 0 && name == "title")) {
            if name == "title" && self.title.is_none() {
                self.title = Some(String::new());
                self.raw = Raw::Title;
            } else if json_ld {
                self.head.json_ld.push(String::new());
                self.raw = Raw::JsonLd;
            } else {
                self.raw = Raw::Skip;
            }
            return Some(raw);
        }
        self.implied_end_tags(kind);
        let is_h1 = name == "h1" && self.foreign == 0;
        if is_h1 {
            self.h1_count = self.h1_count.saturating_add(1);
        }
        let leaf = kind.bits & IS_VOID != 0 || tag.self_closing;
        if leaf && self.stack.len() < self.max_depth {
            // Void elements are leaves of the arena (`<br>` breaks a block, `<img>` counts for cleaning).
            if self.skip == 0 && kind.bits & IS_KEPT_VOID != 0 {
                let node = self
                    .dom
                    .push_element(self.top_node(), (interned, kind.tag), 0, 0, None);
                self.dom.close(node);
            }
            return None;
        }
        if leaf || self.stack.len() >= self.max_depth {
            return None;
        }
        let foreign = kind.bits & IS_FOREIGN != 0;
        let exempt = kind.bits & IS_EXEMPT != 0;
        // Inside skipped content no node is made, so attributes only matter for what is not skipped.
        let attrs = if exempt || self.skip > 0 {
            rules::Attrs::default()
        } else {
            rules::attrs(tag)
        };
        let skip = foreign || attrs.skip == AttrSkip::Hidden || kind.bits & IS_SKIPPED != 0;
        // An article's own header (a `<header>` or an element with a header class word, inside
        // `<article>` or `<main>`) holds its title, lead and byline: the title is dropped as the title,
        // bylines by their class words, and the lead is text.
        let article_header = self.article > 0 && (name == "header" || attrs.header_class);
        let strong = (attrs.skip == AttrSkip::Class && !(article_header && attrs.header_class))
            || (kind.bits & IS_FURNITURE != 0 && !attrs.content_wrapper && !article_header);
        let parent = self.top_node();
        let (node, owns_node) = if skip || self.skip > 0 {
            (parent, false)
        } else {
            let mut flags = if strong {
                dom::STRONG
            } else if attrs.unlikely && !article_header {
                dom::SOFT
            } else {
                0
            };
            if attrs.body_hint {
                flags |= dom::HINT;
            }
            if attrs.caption {
                flags |= dom::CAPTION;
            }
            if attrs.lead {
                flags |= dom::LEAD;
            }
            if attrs.comments {
                flags |= dom::COMMENTS;
            }
            (
                self.dom.push_element(
                    parent,
                    (interned.clone(), kind.tag),
                    flags,
                    attrs.weight,
                    attrs.class,
                ),
                true,
            )
        };
        let open = Open {
            name: interned,
            key: key.unwrap_or(0),
            skip,
            node,
            owns_node,
            link: name == "a",
            article: matches!(name, "article" | "main"),
            foreign,
            h1: is_h1 && self.h1_count == 1,
            scope: kind.bits,
        };
        self.push(open);
        None
    }

    /// Closes what a start tag of this kind implicitly closes: an open `<p>` before a block, `<li>`
    /// before `<li>`, …
    fn implied_end_tags(&mut self, kind: Kind) {
        if kind.bits & IS_CLOSING_P != 0 {
            self.close_in_scope(P, 0);
        }
        let searches = [
            (LI, LIST),
            (DD_DT, DL),
            (TR, TABLE_SECTION),
            (CELL, TR),
            (OPTION, SELECT),
        ];
        if let Some(&(target, boundaries)) = searches.iter().find(|(target, _)| kind.bits & target != 0) {
            self.close_in_scope(target, boundaries);
        } else if kind.bits & IS_BODY != 0 {
            self.close_in_scope(HEAD, 0);
        }
    }

    /// Pops back to and including the nearest open element that is a `target` (one [`Scope`] bit),
    /// unless a scope boundary (or an element of `extra_boundaries`) comes first. Nothing to search when
    /// no such element is open.
    fn close_in_scope(&mut self, target: Scope, extra_boundaries: Scope) {
        if self.target_count(target) == 0 {
            return;
        }
        let mut found = None;
        for (i, open) in self.stack.iter().enumerate().rev() {
            if open.scope & target != 0 {
                found = Some(i);
                break;
            }
            if open.scope & (BOUNDARY | extra_boundaries) != 0 {
                break;
            }
        }
        if let Some(i) = found {
            self.pop_to(i);
        }
    }

    /// The counter in `targets` of the target bit `target`.
    fn target_count(&self, target: Scope) -> u32 {
        self.targets
            .get(target.trailing_zeros() as usize)
            .copied()
            .unwrap_or(0)
    }

    /// Adds `delta` to the counters of the target bits of `scope`.
    fn count_targets(&mut self, scope: Scope, delta: i32) {
        for (bit, count) in self.targets.iter_mut().enumerate() {
            if scope & (1 << bit) != 0 {
                *count = count.saturating_add_signed(delta);
            }
        }
    }

    /// An end tag: pops back to the matching open element if there is one, else it is ignored (apart from
    /// ending a block).
    fn end_tag(&mut self, name: &str) {
        if self.raw != Raw::None {
            // The tokenizer only leaves a raw-text state at that element's end tag (or at EOF).
            self.raw = Raw::None;
            return;
        }
        // Equal keys and lengths are equal names (a long name's key 0 is no short name's length).
        let key = dom::pack(name);
        let matches = |open: &Open| match key {
            Some(key) => open.key == key && open.name.len() == name.len(),
            None => open.name == name,
        };
        if let Some(i) = self.stack.iter().rposition(matches) {
            self.pop_to(i);
        } else if (name == "p" || name == "br") && self.skip == 0 {
            // A stray `</p>` or `</br>` still ends a block, as it does in a browser.
            let node = self.dom.push_element(
                self.top_node(),
                (Name::Borrowed("br"), dom::tag_bits("br")),
                0,
                0,
                None,
            );
            self.dom.close(node);
        }
    }

    /// Pops elements until the stack has `len` elements.
    fn pop_to(&mut self, len: usize) {
        while self.stack.len() > len {
            self.pop();
        }
    }

    /// Pushes an open element and updates the counters.
    fn push(&mut self, open: Open) {
        self.skip += usize::from(open.skip);
        self.link += usize::from(open.link);
        self.article += usize::from(open.article);
        self.foreign += usize::from(open.foreign);
        if open.h1 {
            self.h1_open = true;
        }
        if open.scope & (BOUNDARY - 1) != 0 {
            self.count_targets(open.scope, 1);
        }
        self.stack.push(open);
    }

    /// Pops the top element, closes its arena node and updates the counters.
    fn pop(&mut self) {
        let Some(open) = self.stack.pop() else { return };
        if open.owns_node {
            self.dom.close(open.node);
        }
        self.skip = self.skip.saturating_sub(usize::from(open.skip));
        self.link = self.link.saturating_sub(usize::from(open.link));
        self.article = self.article.saturating_sub(usize::from(open.article));
        self.foreign = self.foreign.saturating_sub(usize::from(open.foreign));
        if open.h1 {
            self.h1_open = false;
        }
        if open.scope & (BOUNDARY - 1) != 0 {
            self.count_targets(open.scope, -1);
        }
    }

    /// Closes every open element and the root: the arena is complete.
    pub(crate) fn finish(&mut self) {
        self.pop_to(0);
        self.dom.close(0);
    }

    /// The arena node of the innermost open element (the root when none is open).
    fn top_node(&self) -> u32 {
        self.stack.last().map_or(0, |open| open.node)
    }

    /// Whether the top open element is `<head>` (by its [`Scope`] bit: no string comparison on every
    /// start tag and text).
    fn top_is_head(&self) -> bool {
        self.stack.last().is_some_and(|open| open.scope & HEAD != 0)
    }
}

impl Sink for State {
    /// The attributes the class/id rules, the metadata and `<html lang>` read; the tokenizer drops the
    /// rest (`href`, `src`, `data-*`, …) without decoding them.
    #[inline]
    fn wants_attribute(&self, tag: &str, attr: &str) -> bool {
        rules::reads_attribute(attr)
            || metadata::reads_attribute(tag, attr)
            || (tag == "html" && attr == "lang")
    }

    /// Counts the token against the budget and handles it; stops the tokenizer when the budget is spent.
    fn token(&mut self, token: Token<'_, '_>) -> Flow {
        self.steps = self.steps.saturating_add(1);
        if self.steps > self.max_nodes {
            self.budget_exhausted = true;
            return Flow::Stop;
        }
        match token {
            Token::Start(tag) => self.start_tag(tag).map_or(Flow::Continue, Flow::Raw),
            Token::End(name) => {
                self.end_tag(name);
                Flow::Continue
            }
            Token::Text(text) => {
                self.text(text);
                Flow::Continue
            }
            Token::Comment => Flow::Continue,
        }
    }
}
