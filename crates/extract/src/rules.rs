//! Which elements are void, raw text, block boundaries or boilerplate: fixed, general lists.

use html5ever::tokenizer::Tag;

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
    "comment",
    "related",
    "newsletter",
    "advert",
    "ads",
    "footer",
    "header",
];

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
        "head"
            | "template"
            | "svg"
            | "math"
            | "object"
            | "nav"
            | "header"
            | "footer"
            | "aside"
            | "button"
            | "select"
            | "label"
            | "datalist"
    )
}

/// Why an element's content is skipped, from its attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AttrSkip {
    /// Not skipped.
    No,
    /// Hidden (`hidden`, `aria-hidden="true"`, `display:none`) or an ARIA boilerplate landmark.
    Hidden,
    /// A boilerplate word in its class or id.
    Class,
}

/// Whether `tag`'s attributes mark it hidden or as page furniture.
pub(crate) fn attr_skip(tag: &Tag) -> AttrSkip {
    let mut class_hit = false;
    for attr in &tag.attrs {
        let value: &str = &attr.value;
        match &*attr.name.local {
            "hidden" => return AttrSkip::Hidden,
            "aria-hidden" if value.trim().eq_ignore_ascii_case("true") => return AttrSkip::Hidden,
            "style" if style_hides(value) => return AttrSkip::Hidden,
            "role"
                if BOILERPLATE_ROLES
                    .iter()
                    .any(|r| value.trim().eq_ignore_ascii_case(r)) =>
            {
                return AttrSkip::Hidden;
            }
            "class" | "id" if !class_hit => class_hit = has_boilerplate_word(value),
            _ => {}
        }
    }
    if class_hit { AttrSkip::Class } else { AttrSkip::No }
}

/// Whether an inline style hides the element (`display: none` or `visibility: hidden`, any spacing/case).
fn style_hides(style: &str) -> bool {
    let compact: String = style
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    compact.contains("display:none") || compact.contains("visibility:hidden")
}

/// Whether a class or id value holds a boilerplate word as a token or a `-`/`_`-separated part of one.
pub(crate) fn has_boilerplate_word(value: &str) -> bool {
    value
        .split_ascii_whitespace()
        .flat_map(|token| token.split(['-', '_']))
        .any(|part| {
            let singular = part.strip_suffix(['s', 'S']).unwrap_or(part);
            BOILERPLATE_WORDS
                .iter()
                .any(|w| part.eq_ignore_ascii_case(w) || singular.eq_ignore_ascii_case(w))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boilerplate_words_match_whole_parts_only() {
        assert!(has_boilerplate_word("sp-cookie-consent"));
        assert!(has_boilerplate_word("x comments_area"));
        assert!(has_boilerplate_word("Social"));
        assert!(has_boilerplate_word("top-ads"));
        assert!(!has_boilerplate_word("shareholder-letter"));
        assert!(!has_boilerplate_word("item-full-text"));
        assert!(!has_boilerplate_word("loads"));
        assert!(!has_boilerplate_word(""));
    }

    #[test]
    fn style_hiding() {
        assert!(style_hides("color:red; DISPLAY : None"));
        assert!(style_hides("visibility: hidden"));
        assert!(!style_hides("display:block"));
    }
}
