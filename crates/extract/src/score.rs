//! Main-content selection over the arena, readability style: paragraphs score their ancestors, the best
//! container (weighted by class/id patterns and link density) is chosen with its good siblings, and
//! boilerplate blocks inside it are removed by text, link, paragraph and input counts.

use crate::dom::{self, Dom, NONE};

/// The switches of one selection attempt; later attempts relax them when too little text is found.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Options {
    /// Drop [`dom::SOFT`] nodes (unlikely candidates) before scoring.
    pub(crate) strip_soft: bool,
    /// Drop [`dom::STRONG`] nodes (page furniture) before scoring.
    pub(crate) strip_strong: bool,
    /// Let class/id weights count.
    pub(crate) weight_classes: bool,
    /// Remove boilerplate blocks inside the chosen container.
    pub(crate) clean: bool,
    /// Skip scoring: the container is the whole `<body>` (minus what is stripped).
    pub(crate) whole_body: bool,
}

/// Counts over one node's subtree, for the nodes that are not excluded.
#[derive(Debug, Clone, Copy, Default)]
struct Agg {
    /// Non-whitespace characters of text.
    chars: u32,
    /// Characters of text inside links.
    link_chars: u32,
    /// Characters of text inside headings.
    heading_chars: u32,
    /// Commas.
    commas: u32,
    /// `<p>` elements.
    p: u32,
    /// `<img>` elements.
    img: u32,
    /// `<li>` elements.
    li: u32,
    /// `<input>` elements.
    input: u32,
    /// `<embed>` elements.
    embed: u32,
    /// Element children.
    children: u32,
    /// Some child is a block element.
    block_child: bool,
}

impl Agg {
    /// Share of the text inside links, 0 when there is no text.
    fn link_density(&self) -> f32 {
        if self.chars == 0 {
            0.0
        } else {
            self.link_chars as f32 / self.chars as f32
        }
    }
}

/// What a selection attempt keeps: containers in document order and the nodes excluded inside them.
#[derive(Debug)]
pub(crate) struct Selection {
    /// The chosen container and its kept siblings, in document order.
    pub(crate) containers: Vec<u32>,
    /// `excluded[i]`: node `i` and its subtree are left out of the output.
    pub(crate) excluded: Vec<bool>,
    /// The page is an index of teasers, not an article: it has no main text.
    pub(crate) index_page: bool,
}

/// Runs one selection attempt.
pub(crate) fn select(dom: &Dom, options: Options) -> Selection {
    let n = dom.nodes.len();
    let mut excluded = vec![false; n];
    let mut strip = dom::CAPTION;
    if options.strip_soft {
        strip |= dom::SOFT;
    }
    if options.strip_strong {
        strip |= dom::STRONG;
    }
    // Raw character counts, to spare furniture that wraps most of the page and long "captions".
    let mut raw = vec![0u32; n];
    for i in (1..dom.len()).rev() {
        let node = dom.node(i);
        let own = raw
            .get(i as usize)
            .copied()
            .unwrap_or(0)
            .saturating_add(node.chars);
        if let Some(slot) = raw.get_mut(i as usize) {
            *slot = own;
        }
        if let Some(slot) = raw.get_mut(node.parent as usize) {
            *slot = slot.saturating_add(own);
        }
    }
    let total = raw.first().copied().unwrap_or(0);
    for i in 1..dom.len() {
        let node = dom.node(i);
        let parent_excluded = excluded.get(node.parent as usize).copied().unwrap_or(false);
        let chars = raw.get(i as usize).copied().unwrap_or(0);
        // Furniture that wraps most of the page is a misfire (an unclosed `<header>`, a
        // `has-sidebar` layout class); unlikely-candidate patterns are trusted.
        let own = node.flags & strip & dom::SOFT != 0
            || (node.flags & strip & dom::STRONG != 0 && u64::from(chars) * 2 <= u64::from(total))
            || (node.flags & dom::CAPTION != 0 && chars < MAX_CAPTION_CHARS);
        if let Some(slot) = excluded.get_mut(i as usize) {
            *slot = parent_excluded || own;
        }
    }
    let body = (1..dom.len()).find(|&i| dom.name(i) == "body").unwrap_or(0);
    if options.whole_body {
        return Selection {
            containers: vec![body],
            excluded,
            index_page: false,
        };
    }
    let aggs = aggregate(dom, &excluded);
    let agg = |i: u32| aggs.get(i as usize).copied().unwrap_or_default();

    // Paragraphs score their ancestors.
    let mut scores: Vec<Option<f32>> = vec![None; n];
    let is_excluded = |i: u32| excluded.get(i as usize).copied().unwrap_or(true);
    for i in 1..dom.len() {
        if is_excluded(i) {
            continue;
        }
        let node = dom.node(i);
        let a = agg(i);
        let (chars, commas, first_ancestor) = if dom.is_text(i) {
            // Loose text beside blocks counts as a paragraph of its parent.
            let parent = agg(node.parent);
            if !parent.block_child || node.flags & dom::LINK != 0 {
                continue;
            }
            (node.chars, node.commas, node.parent)
        } else if is_paragraph(node.tag, &a) {
            (a.chars, a.commas, node.parent)
        } else {
            continue;
        };
        if chars < 25 {
            continue;
        }
        let score = 1.0 + commas as f32 + (chars / 100).min(3) as f32;
        let mut ancestor = first_ancestor;
        for level in 0..5u32 {
            if ancestor == 0 || ancestor == NONE {
                break;
            }
            let slot = scores.get_mut(ancestor as usize);
            if let Some(slot) = slot {
                let base = slot.unwrap_or_else(|| initial_score(dom, ancestor, options));
                let divider = match level {
                    0 => 1.0,
                    1 => 2.0,
                    _ => level as f32 * 3.0,
                };
                *slot = Some(base + score / divider);
            }
            ancestor = dom.node(ancestor).parent;
        }
    }
    for (i, slot) in scores.iter_mut().enumerate() {
        if let Some(score) = slot {
            let a = aggs.get(i).copied().unwrap_or_default();
            *score *= 1.0 - a.link_density();
        }
    }
    let score_of = |scores: &[Option<f32>], i: u32| scores.get(i as usize).copied().flatten();

    let mut ranked: Vec<(f32, u32)> = scores
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.map(|s| (s, u32::try_from(i).unwrap_or(0))))
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let Some(&(top_score, first)) = ranked.first() else {
        return Selection {
            containers: vec![body],
            excluded,
            index_page: false,
        };
    };
    let mut top = first;

    // Several near-best candidates under one ancestor: that ancestor is the content.
    let alternatives: Vec<u32> = ranked
        .iter()
        .skip(1)
        .take(4)
        .filter(|(s, _)| *s >= 0.75 * top_score)
        .map(|(_, i)| *i)
        .collect();
    if alternatives.len() >= 3 {
        let mut parent = dom.node(top).parent;
        while parent != NONE && parent != 0 && parent != body {
            let within = alternatives
                .iter()
                .filter(|&&alt| dom.contains(parent, alt))
                .count();
            if within >= 3 {
                top = parent;
                break;
            }
            parent = dom.node(parent).parent;
        }
    }
    if score_of(&scores, top).is_none() {
        let initial = initial_score(dom, top, options);
        if let Some(slot) = scores.get_mut(top as usize) {
            *slot = Some(initial);
        }
    }

    // Climb while the parent scores about as well.
    let mut last = score_of(&scores, top).unwrap_or(0.0);
    let threshold = last / 3.0;
    let mut parent = dom.node(top).parent;
    while parent != NONE && parent != 0 && parent != body {
        let Some(parent_score) = score_of(&scores, parent) else {
            parent = dom.node(parent).parent;
            continue;
        };
        if parent_score < threshold {
            break;
        }
        if parent_score > last {
            top = parent;
            break;
        }
        last = parent_score;
        parent = dom.node(parent).parent;
    }
    // An only child stands for its parent.
    loop {
        let parent = dom.node(top).parent;
        if parent == NONE || parent == 0 || parent == body || agg(parent).children != 1 {
            break;
        }
        top = parent;
    }

    let top_score = score_of(&scores, top).unwrap_or(0.0);
    let mut containers = Vec::new();
    let parent = dom.node(top).parent;
    if top == body || parent == NONE || parent == 0 {
        containers.push(top);
    } else {
        let threshold = (top_score * 0.2).max(10.0);
        let top_class = dom.class(top);
        for child in dom.children(parent) {
            if is_excluded(child) {
                continue;
            }
            if child == top {
                containers.push(child);
                continue;
            }
            let bonus = if top_class.is_some() && dom.class(child) == top_class {
                top_score * 0.2
            } else {
                0.0
            };
            let a = agg(child);
            let keep = if let Some(score) = score_of(&scores, child)
                && score + bonus >= threshold
            {
                true
            } else if is_paragraph(dom.node(child).tag, &a) {
                let density = a.link_density();
                if a.chars > 80 {
                    density < 0.25
                } else {
                    a.chars > 0 && density == 0.0 && ends_sentence(dom, child)
                }
            } else {
                false
            };
            if keep {
                containers.push(child);
            }
        }
    }

    // Article bodies split into chunks in separate wrappers: the top container's class elsewhere, on
    // nodes that score well or hold a real paragraph's worth of unlinked text.
    if let Some(class) = dom.class(top) {
        let threshold = (top_score * 0.2).max(10.0);
        // `containers` are siblings, so sorted and disjoint; added nodes come in document order, and
        // the subtree of the last one added is skipped: each test is a binary search, never a scan.
        let siblings = containers.clone();
        let mut next = 1;
        for i in 1..dom.len() {
            if i < next || dom.class(i) != Some(class) || is_excluded(i) {
                continue;
            }
            let a = agg(i);
            let good = score_of(&scores, i).is_some_and(|s| s >= threshold)
                || (a.chars >= 100 && a.link_density() < 0.25);
            if good && !overlaps(dom, &siblings, i) {
                containers.push(i);
                next = dom.node(i).end;
            }
        }
        containers.sort_unstable();
    }

    // An index page: the best "content" is a row of short teasers.
    if containers.len() >= 3 && containers.iter().all(|&c| agg(c).chars < TEASER_CHARS) {
        return Selection {
            containers: Vec::new(),
            excluded,
            index_page: true,
        };
    }

    // The lead: a `lead`/`standfirst`/… paragraph just before the content, under a near ancestor.
    if let Some(&first) = containers.first() {
        let mut scope = top;
        for _ in 0..LEAD_SCOPE_LEVELS {
            let parent = dom.node(scope).parent;
            if parent == NONE || parent == 0 || parent == body {
                break;
            }
            scope = parent;
        }
        let mut leads = Vec::new();
        let mut i = scope.saturating_add(1);
        while i < first && leads.len() < MAX_LEADS {
            let node = dom.node(i);
            let a = agg(i);
            if node.flags & dom::LEAD != 0
                && !dom.is_text(i)
                && !is_excluded(i)
                && a.chars >= 30
                && a.link_density() < 0.3
                && !dom.contains(i, first)
            {
                leads.push(i);
                i = node.end.max(i.saturating_add(1));
            } else {
                i = i.saturating_add(1);
            }
        }
        if !leads.is_empty() {
            containers.extend(leads);
            containers.sort_unstable();
        }
    }

    // Clean inside the containers.
    for &container in &containers {
        let end = dom.node(container).end;
        let mut i = container.saturating_add(1);
        while i < end {
            let node = dom.node(i);
            let next_subtree = node.end.max(i.saturating_add(1));
            if dom.is_text(i) || excluded.get(i as usize).copied().unwrap_or(true) {
                i = if dom.is_text(i) {
                    i.saturating_add(1)
                } else {
                    next_subtree
                };
                continue;
            }
            let name = dom.name(i);
            let weight = if options.weight_classes {
                i32::from(node.weight)
            } else {
                0
            };
            let remove = match name {
                "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => weight < 0,
                "form" | "fieldset" | "table" | "ul" | "ol" | "div" | "section" | "aside" | "dl"
                    if options.clean =>
                {
                    let score = score_of(&scores, i).unwrap_or(0.0);
                    remove_conditionally(name, weight, score, &agg(i))
                }
                _ => false,
            };
            if remove {
                if let Some(slot) = excluded.get_mut(i as usize) {
                    *slot = true;
                }
                i = next_subtree;
            } else {
                i = i.saturating_add(1);
            }
        }
    }
    Selection {
        containers,
        excluded,
        index_page: false,
    }
}

/// The page's comment sections: the outermost [`dom::COMMENTS`] nodes that neither hold nor lie in one
/// of `containers` (the main content, sorted), in document order; and what to leave out inside them
/// (nested furniture: reply forms, share buttons).
pub(crate) fn comments(dom: &Dom, containers: &[u32]) -> (Vec<u32>, Vec<bool>) {
    let mut roots = Vec::new();
    let mut excluded = vec![false; dom.nodes.len()];
    let mut i = 1;
    while i < dom.len() {
        let node = dom.node(i);
        if node.flags & dom::COMMENTS == 0 || dom.is_text(i) || overlaps(dom, containers, i) {
            i = i.saturating_add(1);
            continue;
        }
        roots.push(i);
        for j in i.saturating_add(1)..node.end {
            let inner = dom.node(j);
            let parent_excluded = excluded.get(inner.parent as usize).copied().unwrap_or(false);
            let furniture = inner.flags & dom::STRONG != 0 && inner.flags & dom::COMMENTS == 0;
            if let Some(slot) = excluded.get_mut(j as usize) {
                *slot = parent_excluded || furniture;
            }
        }
        i = node.end.max(i.saturating_add(1));
    }
    (roots, excluded)
}

/// Whether node `i` contains, or lies inside, one of `sorted` (disjoint subtrees in document order).
fn overlaps(dom: &Dom, sorted: &[u32], i: u32) -> bool {
    let after = sorted.partition_point(|&c| c <= i);
    let inside = after > 0 && sorted.get(after - 1).is_some_and(|&c| dom.contains(c, i));
    let contains = sorted.get(after).is_some_and(|&c| dom.contains(i, c));
    inside || contains
}

/// Readability's conditional cleaning: whether a block inside the content looks like boilerplate.
fn remove_conditionally(name: &str, weight: i32, score: f32, a: &Agg) -> bool {
    if weight as f32 + score < 0.0 {
        return true;
    }
    if a.commas >= 10 {
        return false;
    }
    let is_list = matches!(name, "ul" | "ol");
    let density = a.link_density();
    let heading_density = if a.chars == 0 {
        0.0
    } else {
        a.heading_chars as f32 / a.chars as f32
    };
    (a.img > 1 && (a.p as f32) / (a.img as f32) < 0.5)
        || (!is_list && a.li > a.p.saturating_add(100))
        || a.input > a.p / 3
        || (!is_list && heading_density < 0.9 && a.chars < 25 && (a.img == 0 || a.img > 2))
        || (!is_list && weight < 25 && density > 0.2)
        || (weight >= 25 && density > 0.5)
        || (a.embed == 1 && a.chars < 75)
        || a.embed > 1
}

/// Whether an element with these counts is scored as a paragraph.
fn is_paragraph(tag: u16, a: &Agg) -> bool {
    tag & dom::TAG_PARAGRAPH != 0 || (tag & dom::TAG_PARAGRAPH_IF_LEAF != 0 && !a.block_child)
}

/// Captions at least this long (non-whitespace characters) are text that a theme put in a caption box.
const MAX_CAPTION_CHARS: u32 = 250;

/// Leads are looked for under the top container's ancestor this many levels up.
const LEAD_SCOPE_LEVELS: usize = 3;

/// Most lead elements added.
const MAX_LEADS: usize = 2;

/// A container shorter than this is a teaser when it comes with two or more like it.
const TEASER_CHARS: u32 = 200;

/// Extra starting score of a container that names itself the article body.
const HINT_BONUS: f32 = 50.0;

/// The starting score of a candidate container: its tag and (optionally) its class/id weight.
fn initial_score(dom: &Dom, i: u32, options: Options) -> f32 {
    let tag = match dom.name(i) {
        "div" | "article" => 5.0,
        "pre" | "td" | "blockquote" => 3.0,
        "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
        _ => 0.0,
    };
    let node = dom.node(i);
    let weight = if options.weight_classes {
        f32::from(node.weight)
            + if node.flags & dom::HINT != 0 {
                HINT_BONUS
            } else {
                0.0
            }
    } else {
        0.0
    };
    tag + weight
}

/// Whether the text of `i` ends a sentence (a `.` at its end or before a space).
fn ends_sentence(dom: &Dom, i: u32) -> bool {
    let end = dom.node(i).end;
    let mut text = String::new();
    for j in i..end {
        if dom.is_text(j) {
            text.push_str(dom.raw_text(j));
        }
    }
    text.trim_end().ends_with('.') || text.contains(". ")
}

/// Subtree counts of every node, leaving out excluded nodes.
fn aggregate(dom: &Dom, excluded: &[bool]) -> Vec<Agg> {
    let n = dom.nodes.len();
    let mut aggs = vec![Agg::default(); n];
    // Link and heading text are attributed on the way up: a text node's flags say if it is in a link;
    // headings add their own chars when they are reached.
    for i in (1..dom.len()).rev() {
        if excluded.get(i as usize).copied().unwrap_or(false) {
            continue;
        }
        let node = dom.node(i);
        let mut own = aggs.get(i as usize).copied().unwrap_or_default();
        if dom.is_text(i) {
            own.chars = node.chars;
            own.commas = node.commas;
            if node.flags & dom::LINK != 0 {
                own.link_chars = node.chars;
            }
        } else {
            let tag = node.tag;
            own.p = own.p.saturating_add(u32::from(tag & dom::TAG_P != 0));
            own.img = own.img.saturating_add(u32::from(tag & dom::TAG_IMG != 0));
            own.li = own.li.saturating_add(u32::from(tag & dom::TAG_LI != 0));
            own.input = own.input.saturating_add(u32::from(tag & dom::TAG_INPUT != 0));
            own.embed = own.embed.saturating_add(u32::from(tag & dom::TAG_EMBED != 0));
            if tag & dom::TAG_HEADING != 0 {
                own.heading_chars = own.chars;
            }
        }
        if let Some(slot) = aggs.get_mut(i as usize) {
            *slot = own;
        }
        let is_element = !dom.is_text(i);
        let is_block = is_element && node.tag & dom::TAG_BLOCK != 0;
        if let Some(parent) = aggs.get_mut(node.parent as usize) {
            parent.chars = parent.chars.saturating_add(own.chars);
            parent.link_chars = parent.link_chars.saturating_add(own.link_chars);
            parent.heading_chars = parent.heading_chars.saturating_add(own.heading_chars);
            parent.commas = parent.commas.saturating_add(own.commas);
            parent.p = parent.p.saturating_add(own.p);
            parent.img = parent.img.saturating_add(own.img);
            parent.li = parent.li.saturating_add(own.li);
            parent.input = parent.input.saturating_add(own.input);
            parent.embed = parent.embed.saturating_add(own.embed);
            parent.children = parent.children.saturating_add(u32::from(is_element));
            parent.block_child = parent.block_child || (is_block && node.tag & dom::TAG_BR == 0);
        }
    }
    aggs
}
