use crate::Document;

/// One concern of the pipeline (extract, filter, label…), applied to one document at a time.
///
/// A step is built once from its typed config and shared by every worker thread, so `process` takes
/// `&self`; it must not do I/O it does not own, and must give the same verdict for the same document
/// whatever the thread or the order.
pub trait Step: Send + Sync {
    /// The step's name as it appears in `stats.json` (its config `type`).
    fn name(&self) -> &str;

    /// Looks at (and may change) one document and decides its fate.
    fn process(&self, doc: &mut Document) -> Verdict;
}

/// What a step decided about a document.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Pass the document on to the next step.
    Keep,
    /// Remove the document, for a documented reason.
    Drop(DropReason),
    /// The document could not be processed (bad input, budget exceeded); the message says why.
    Error(String),
}

/// Why a step removed a document: a closed list, each named after the setting that triggered it.
///
/// The string form ([`DropReason::as_str`]) is what `stats.json` counts under, so the stats point straight
/// at the config key to change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum DropReason {
    /// The document has no text at all (after extraction, only whitespace was left).
    EmptyText,
    /// The text is shorter than the `min_chars` setting.
    MinChars,
    /// The HTML payload has a content type the extractor does not handle.
    NotHtml,
    /// The document's language is not one of the `languages` setting of the `langid` step.
    Language,
    /// The language identifier's score is not above the `min_score` setting of the `langid` step.
    LanguageScore,
}

impl DropReason {
    /// The reason as counted in the stats: the name of the setting or condition behind it.
    pub fn as_str(self) -> &'static str {
        match self {
            DropReason::EmptyText => "empty_text",
            DropReason::MinChars => "min_chars",
            DropReason::NotHtml => "not_html",
            DropReason::Language => "languages",
            DropReason::LanguageScore => "min_score",
        }
    }
}

impl std::fmt::Display for DropReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
