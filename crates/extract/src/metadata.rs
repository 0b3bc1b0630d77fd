//! Page metadata: what the token sink gathers from `<meta>`, `<link rel=canonical>`, `<time>` and JSON-LD,
//! and how it becomes [`Metadata`].

use serde::Serialize;
use serde_json::Value;

use crate::tokenizer::Attr;

/// Most `<meta>` entries kept per page.
const MAX_METAS: usize = 512;

/// Most bytes of JSON-LD text kept per page (all blocks together).
pub(crate) const MAX_JSON_LD_BYTES: usize = 512 * 1024;

/// Most bytes kept of one attribute value.
const MAX_VALUE_BYTES: usize = 4096;

/// A page's metadata, from `<meta>` (including OpenGraph and `article:*`), `<link rel="canonical">`,
/// `<time datetime>`, JSON-LD (`NewsArticle`, `BlogPosting`, …, also inside `@graph`) and the text.
///
/// Every field is `None` or empty when the page does not say. Serialises with these field names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Metadata {
    /// The title without a site-name suffix: the only `<h1>`, else `og:title` or JSON-LD `headline`,
    /// else `<title>`; a trailing ` - Site`/` | Site` naming the site is removed.
    pub title: Option<String>,
    /// The author: `meta name="author"`, `article:author` (when not a URL) or JSON-LD `author` persons
    /// (joined with `; `). An `Organization` author is the publisher, not an author.
    pub author: Option<String>,
    /// The publication date as `YYYY-MM-DD`: `article:published_time`, JSON-LD `datePublished`, a
    /// `<time itemprop="datePublished">`, or other published-date metas; never the modified date.
    pub date: Option<String>,
    /// The site name: `og:site_name`, else JSON-LD `publisher.name`.
    pub sitename: Option<String>,
    /// The canonical URL: `<link rel="canonical">`, else `og:url`.
    pub url: Option<String>,
    /// The description: `meta name="description"`, `og:description` or JSON-LD `description`.
    pub description: Option<String>,
    /// Categories: `article:section`, else JSON-LD `articleSection`.
    pub categories: Vec<String>,
    /// Tags: `article:tag` metas, else JSON-LD `keywords` (not `meta name="keywords"`).
    pub tags: Vec<String>,
    /// The page language, lowercased primary subtag: `<html lang>`, else `og:locale`, else JSON-LD
    /// `inLanguage` (`id-ID` → `id`).
    pub language: Option<String>,
    /// The outlets the text cites: its last block when that is a short comma-separated list of names,
    /// optionally after a label (`Sumber: RussiaToday, TRT World, Al Jazeera`).
    pub sources: Vec<String>,
}

/// Meta keys for the site name, in order of preference.
const SITE_NAME_KEYS: &[&str] = &["og:site_name", "application-name"];
/// Meta keys for the title.
const TITLE_KEYS: &[&str] = &["og:title", "twitter:title"];
/// Meta keys for the author.
const AUTHOR_KEYS: &[&str] = &[
    "author",
    "article:author",
    "dc.creator",
    "parsely-author",
    "sailthru.author",
];
/// The meta key for the publication date, first choice.
const PUBLISHED_KEYS: &[&str] = &["article:published_time"];
/// Meta keys for the publication date after JSON-LD and `<time>`.
const DATE_KEYS: &[&str] = &[
    "datepublished",
    "date",
    "dc.date",
    "dc.date.issued",
    "pubdate",
    "publish-date",
];
/// Meta keys for the URL after the canonical link.
const URL_KEYS: &[&str] = &["og:url"];
/// Meta keys for the description.
const DESCRIPTION_KEYS: &[&str] = &["description", "og:description", "twitter:description"];
/// The meta key of categories.
const CATEGORY_KEY: &str = "article:section";
/// The meta key of tags.
const TAG_KEY: &str = "article:tag";
/// Meta keys for the language after `<html lang>`.
const LOCALE_KEYS: &[&str] = &["og:locale"];
/// Every meta key [`build`] reads: [`HeadData`] keeps only these.
const META_KEYS: &[&[&str]] = &[
    SITE_NAME_KEYS,
    TITLE_KEYS,
    AUTHOR_KEYS,
    PUBLISHED_KEYS,
    DATE_KEYS,
    URL_KEYS,
    DESCRIPTION_KEYS,
    &[CATEGORY_KEY, TAG_KEY],
    LOCALE_KEYS,
];

/// What the sink gathers for metadata while it reads the page.
#[derive(Debug, Default)]
pub(crate) struct HeadData {
    /// `(key, content)` of the `<meta>` elements whose lowercased `property`, `name` or `itemprop` is one
    /// of the [`META_KEYS`] [`build`] reads (the others are only counted).
    metas: Vec<(&'static str, String)>,
    /// `<meta>` elements with a key and content seen, read or not, up to [`MAX_METAS`].
    metas_seen: usize,
    /// The first `<link rel="canonical">` href.
    canonical: Option<String>,
    /// The first `<time>` datetime with `itemprop="datePublished"`.
    time_published: Option<String>,
    /// JSON-LD blocks, raw.
    pub(crate) json_ld: Vec<String>,
    /// Bytes of JSON-LD kept so far.
    pub(crate) json_ld_bytes: usize,
}

/// Whether [`HeadData::start_tag`] reads attribute `attr` of tag `tag`.
pub(crate) fn reads_attribute(tag: &str, attr: &str) -> bool {
    match tag {
        "meta" => matches!(attr, "property" | "name" | "itemprop" | "content"),
        "link" => matches!(attr, "rel" | "href"),
        "time" => matches!(attr, "itemprop" | "datetime"),
        "script" => attr == "type",
        _ => false,
    }
}

impl HeadData {
    /// Records what a start tag says about the page; returns `true` for a JSON-LD `<script>`. Reads
    /// only the attributes [`reads_attribute`] names.
    pub(crate) fn start_tag(&mut self, name: &str, attrs: &[Attr<'_>]) -> bool {
        let attr = |key: &str| attrs.iter().find(|a| a.name == key).map(|a| a.value.trim());
        match name {
            "meta" => {
                let key = attr("property")
                    .or_else(|| attr("name"))
                    .or_else(|| attr("itemprop"));
                if let (Some(key), Some(content)) = (key, attr("content"))
                    && self.metas_seen < MAX_METAS
                    && !content.is_empty()
                {
                    self.metas_seen += 1;
                    // Only what `build` reads is kept: no copy of `viewport`, `og:image:width` and the like.
                    if let Some(&key) = META_KEYS
                        .iter()
                        .flat_map(|keys| keys.iter())
                        .find(|k| k.eq_ignore_ascii_case(key))
                    {
                        self.metas.push((key, bounded(content)));
                    }
                }
            }
            "link" => {
                let canonical = attr("rel").is_some_and(|rel| {
                    rel.split_ascii_whitespace()
                        .any(|r| r.eq_ignore_ascii_case("canonical"))
                });
                if canonical && self.canonical.is_none() {
                    self.canonical = attr("href").filter(|h| !h.is_empty()).map(bounded);
                }
            }
            "time"
                if self.time_published.is_none()
                    && attr("itemprop").is_some_and(|p| p == "datePublished") =>
            {
                self.time_published = attr("datetime").map(bounded);
            }
            "script" => {
                return attr("type").is_some_and(|t| t.eq_ignore_ascii_case("application/ld+json"))
                    && self.json_ld_bytes < MAX_JSON_LD_BYTES;
            }
            _ => {}
        }
        false
    }

    /// Appends JSON-LD text to the current block, within [`MAX_JSON_LD_BYTES`].
    pub(crate) fn json_ld_text(&mut self, text: &str) {
        let room = MAX_JSON_LD_BYTES.saturating_sub(self.json_ld_bytes);
        if text.len() > room {
            // Too much JSON-LD: the block is cut and will not parse; nothing more is kept.
            self.json_ld_bytes = MAX_JSON_LD_BYTES;
            return;
        }
        if let Some(block) = self.json_ld.last_mut() {
            block.push_str(text);
            self.json_ld_bytes = self.json_ld_bytes.saturating_add(text.len());
        }
    }

    /// The first meta content under any of `keys`, in key order.
    fn meta(&self, keys: &[&str]) -> Option<&str> {
        keys.iter().find_map(|k| {
            self.metas
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        })
    }

    /// All meta contents under `key`, in page order.
    fn metas_all(&self, key: &str) -> Vec<String> {
        self.metas
            .iter()
            .filter(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// A value cut to [`MAX_VALUE_BYTES`] on a character boundary.
fn bounded(value: &str) -> String {
    let mut end = value.len().min(MAX_VALUE_BYTES);
    while !value.is_char_boundary(end) {
        end = end.saturating_sub(1);
    }
    value.get(..end).unwrap_or_default().to_owned()
}

/// What JSON-LD says about the article.
#[derive(Debug, Default)]
struct JsonLd {
    headline: Option<String>,
    date_published: Option<String>,
    authors: Vec<String>,
    section: Vec<String>,
    keywords: Vec<String>,
    publisher: Option<String>,
    site: Option<String>,
    language: Option<String>,
    description: Option<String>,
}

/// Schema.org types whose properties describe the page's article.
fn is_article_type(t: &str) -> bool {
    t.ends_with("Article")
        || matches!(
            t,
            "BlogPosting" | "Report" | "WebPage" | "Posting" | "LiveBlogPosting"
        )
}

/// Reads every JSON-LD block; the first article-typed object wins for each property.
fn read_json_ld(blocks: &[String]) -> JsonLd {
    let mut out = JsonLd::default();
    for block in blocks {
        let Ok(value) = serde_json::from_str::<Value>(block) else {
            continue;
        };
        // Objects at the top, in a top-level array or in `@graph`; no deeper walk.
        let mut objects: Vec<&Value> = Vec::new();
        let tops: Vec<&Value> = match &value {
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        };
        for top in tops {
            objects.push(top);
            if let Some(Value::Array(graph)) = top.get("@graph") {
                objects.extend(graph.iter());
            }
        }
        for object in objects {
            let types = types(object);
            if types.iter().any(|t| t == "WebSite") && out.site.is_none() {
                out.site = string(object.get("name"));
            }
            if !types.iter().any(|t| is_article_type(t)) {
                continue;
            }
            let article = !types.iter().all(|t| t == "WebPage");
            if article || out.headline.is_none() {
                out.headline = out.headline.or_else(|| string(object.get("headline")));
            }
            out.date_published = out.date_published.or_else(|| string(object.get("datePublished")));
            out.description = out.description.or_else(|| string(object.get("description")));
            out.language = out.language.or_else(|| string(object.get("inLanguage")));
            if out.authors.is_empty() {
                out.authors = persons(object.get("author"));
            }
            if out.section.is_empty() {
                out.section = list(object.get("articleSection"));
            }
            if out.keywords.is_empty() {
                out.keywords = list(object.get("keywords"));
            }
            if out.publisher.is_none() {
                out.publisher = object.get("publisher").and_then(|p| string(p.get("name")));
            }
        }
    }
    out
}

/// The `@type` of a JSON-LD object, as a list.
fn types(object: &Value) -> Vec<String> {
    match object.get("@type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(ts)) => ts.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect(),
        _ => Vec::new(),
    }
}

/// A non-empty trimmed string value.
fn string(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .map(|s| bounded(s.trim()))
        .filter(|s| !s.is_empty())
}

/// A list: an array of strings, or one string split on commas.
fn list(value: Option<&Value>) -> Vec<String> {
    let items: Vec<String> = match value {
        Some(Value::String(s)) => s.split(',').map(str::to_owned).collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    items
        .into_iter()
        .map(|s| bounded(s.trim()))
        .filter(|s| !s.is_empty())
        .collect()
}

/// Names of `Person` authors (an object or an array; a bare string counts as a person).
fn persons(value: Option<&Value>) -> Vec<String> {
    let items: Vec<&Value> = match value {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(other) => vec![other],
        None => Vec::new(),
    };
    items
        .into_iter()
        .filter_map(|item| match item {
            Value::String(s) => Some(s.trim().to_owned()),
            Value::Object(_) if types(item).iter().all(|t| t != "Organization") => string(item.get("name")),
            _ => None,
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// `YYYY-MM-DD` from the start of an ISO-8601 date or date-time.
fn iso_date(value: &str) -> Option<String> {
    let date = value.trim().get(..10)?;
    let bytes = date.as_bytes();
    let shape = bytes.iter().enumerate().all(|(i, b)| match i {
        4 | 7 => *b == b'-',
        _ => b.is_ascii_digit(),
    });
    shape.then(|| date.to_owned())
}

/// The primary language subtag, lowercased (`id-ID`, `id_ID` → `id`).
fn primary_language(tag: &str) -> Option<String> {
    let primary = tag
        .trim()
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    (primary.len() >= 2 && primary.len() <= 3 && primary.bytes().all(|b| b.is_ascii_lowercase()))
        .then_some(primary)
}

/// `title` without a trailing ` - Site`, ` | Site`, ` — Site` or ` :: Site` naming `site`.
fn strip_site(title: &str, site: Option<&str>) -> String {
    if let Some(site) = site {
        for sep in [" - ", " | ", " – ", " — ", " :: ", " · "] {
            if let Some((head, tail)) = title.rsplit_once(sep)
                && tail.trim().eq_ignore_ascii_case(site.trim())
                && !head.trim().is_empty()
            {
                return head.trim().to_owned();
            }
        }
    }
    title.to_owned()
}

/// The sources list of the text's last block, if it is one.
pub(crate) fn sources(blocks: &[String]) -> Vec<String> {
    let Some(last) = blocks.last() else {
        return Vec::new();
    };
    if last.chars().count() > 120 || last.contains(['.', '!', '?', ';']) || !last.contains(',') {
        return Vec::new();
    }
    // An optional short label: `Sumber:`, `Source:`, `Quelle:`.
    let list = match last.split_once(':') {
        Some((label, rest)) if label.chars().count() <= 12 && !label.contains(',') => rest,
        Some(_) => return Vec::new(),
        None => last.as_str(),
    };
    let names: Vec<String> = list.split(',').map(|s| s.trim().to_owned()).collect();
    let names_ok = names.iter().all(|name| {
        let words = name.split_whitespace().count();
        (1..=4).contains(&words) && name.chars().next().is_some_and(char::is_uppercase)
    });
    if names_ok && names.len() >= 2 {
        names
    } else {
        Vec::new()
    }
}

/// Builds the metadata of a page from what the sink gathered, its `<h1>`/`<title>` title, `<html lang>`
/// and the extracted blocks.
pub(crate) fn build(
    head: &HeadData,
    h1: Option<&str>,
    html_title: Option<&str>,
    html_lang: Option<&str>,
    blocks: &[String],
) -> Metadata {
    let ld = read_json_ld(&head.json_ld);
    let sitename = head
        .meta(SITE_NAME_KEYS)
        .map(str::to_owned)
        .or_else(|| ld.publisher.clone())
        .or_else(|| ld.site.clone());
    let site = sitename.as_deref();
    let title = h1
        .map(str::to_owned)
        .or_else(|| head.meta(TITLE_KEYS).map(str::to_owned))
        .or_else(|| ld.headline.clone())
        .or_else(|| html_title.map(str::to_owned))
        .map(|t| strip_site(&crate::text::collapse(&t), site))
        .filter(|t| !t.is_empty());
    let author = head
        .meta(AUTHOR_KEYS)
        .filter(|a| !a.starts_with("http"))
        .map(str::to_owned)
        .or_else(|| (!ld.authors.is_empty()).then(|| ld.authors.join("; ")))
        .filter(|a| Some(a.as_str()) != site);
    let date = head
        .meta(PUBLISHED_KEYS)
        .map(str::to_owned)
        .or(ld.date_published.clone())
        .or_else(|| head.time_published.clone())
        .or_else(|| head.meta(DATE_KEYS).map(str::to_owned))
        .and_then(|d| iso_date(&d));
    let url = head
        .canonical
        .clone()
        .or_else(|| head.meta(URL_KEYS).map(str::to_owned));
    let description = head
        .meta(DESCRIPTION_KEYS)
        .map(str::to_owned)
        .or(ld.description.clone());
    let mut categories = head.metas_all(CATEGORY_KEY);
    if categories.is_empty() {
        categories = ld.section.clone();
    }
    let mut tags = head.metas_all(TAG_KEY);
    if tags.is_empty() {
        tags = ld.keywords.clone();
    }
    let language = html_lang
        .and_then(primary_language)
        .or_else(|| head.meta(LOCALE_KEYS).and_then(primary_language))
        .or_else(|| ld.language.as_deref().and_then(primary_language));
    Metadata {
        title,
        author,
        date,
        sitename,
        url,
        description,
        categories,
        tags,
        language,
        sources: sources(blocks),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_read_meta_keys_are_kept_and_every_meta_counts_to_the_cap() {
        use std::borrow::Cow;
        let meta = |head: &mut HeadData, key: &'static str, content: &'static str| {
            let attrs = [
                Attr {
                    name: Cow::Borrowed("name"),
                    value: Cow::Borrowed(key),
                },
                Attr {
                    name: Cow::Borrowed("content"),
                    value: Cow::Borrowed(content),
                },
            ];
            head.start_tag("meta", &attrs);
        };
        let mut head = HeadData::default();
        meta(&mut head, "viewport", "width=device-width");
        meta(&mut head, "OG:Title", " Kept ");
        meta(&mut head, "article:tag", "a");
        meta(&mut head, "article:tag", "b");
        assert_eq!(head.metas.len(), 3);
        assert_eq!(head.meta(TITLE_KEYS), Some("Kept"));
        assert_eq!(head.metas_all(TAG_KEY), ["a", "b"]);
        let mut head = HeadData::default();
        for _ in 0..MAX_METAS {
            meta(&mut head, "viewport", "x");
        }
        meta(&mut head, "description", "past the cap");
        assert!(head.metas.is_empty());
        assert_eq!(head.meta(DESCRIPTION_KEYS), None);
    }

    #[test]
    fn dates_languages_titles_sources() {
        assert_eq!(
            iso_date("2022-08-16T09:12:00+07:00").as_deref(),
            Some("2022-08-16")
        );
        assert_eq!(iso_date("16 Aug 2022"), None);
        assert_eq!(iso_date("2022-8-1"), None);
        assert_eq!(primary_language("id-ID").as_deref(), Some("id"));
        assert_eq!(primary_language("en_US").as_deref(), Some("en"));
        assert_eq!(primary_language("x"), None);
        assert_eq!(strip_site("Story - Zid World", Some("Zid World")), "Story");
        assert_eq!(strip_site("Story - Other", Some("Zid World")), "Story - Other");
        assert_eq!(strip_site("A | B | Site", Some("site")), "A | B");
        let blocks = |s: &str| vec!["Body.".to_owned(), s.to_owned()];
        assert_eq!(
            sources(&blocks("Sumber: RussiaToday, TRT World, Al Jazeera")),
            ["RussiaToday", "TRT World", "Al Jazeera"]
        );
        assert!(sources(&blocks("He came, he saw, he left.")).is_empty());
        assert!(sources(&blocks("apples, pears")).is_empty());
    }

    #[test]
    fn json_ld_graph_and_organization_author() {
        let block = r#"{"@graph": [{"@type": "WebSite", "name": "Site"},
            {"@type": ["NewsArticle"], "headline": "H", "datePublished": "2020-01-02",
             "author": [{"@type": "Person", "name": "A B"}, {"@type": "Organization", "name": "Org"}],
             "keywords": ["x", " y "], "articleSection": "World", "publisher": {"name": "Pub"}}]}"#;
        let ld = read_json_ld(&[block.to_owned(), "{not json".to_owned()]);
        assert_eq!(ld.headline.as_deref(), Some("H"));
        assert_eq!(ld.authors, ["A B"]);
        assert_eq!(ld.keywords, ["x", "y"]);
        assert_eq!(ld.section, ["World"]);
        assert_eq!(
            (ld.publisher.as_deref(), ld.site.as_deref()),
            (Some("Pub"), Some("Site"))
        );
        let org = read_json_ld(&[
            r#"{"@type": "Article", "author": {"@type": "Organization", "name": "O"}}"#.to_owned(),
        ]);
        assert!(org.authors.is_empty());
    }
}
