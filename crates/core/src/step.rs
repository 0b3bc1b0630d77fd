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

    /// For a step that removes lines by rule: the rule (named by its setting) that removes `line`, a line
    /// of the text as the step was given it; `None` when no rule does or the step has none.
    ///
    /// Only `saring explain` asks, after the fact, for the lines a step removed, so a run never pays for
    /// it.
    fn line_rule(&self, line: &str) -> Option<&'static str> {
        let _ = line;
        None
    }
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
    /// `gopher_quality`: fewer non-symbol words than `min_doc_words`.
    GopherShortDoc,
    /// `gopher_quality`: more non-symbol words than `max_doc_words`.
    GopherLongDoc,
    /// `gopher_quality`: mean word length below `min_avg_word_length`.
    GopherBelowAvgThreshold,
    /// `gopher_quality`: mean word length above `max_avg_word_length`.
    GopherAboveAvgThreshold,
    /// `gopher_quality`: `#` per word above `max_symbol_word_ratio`.
    GopherTooManyHashes,
    /// `gopher_quality`: ellipses per word above `max_symbol_word_ratio`.
    GopherTooManyEllipsis,
    /// `gopher_quality`: share of lines starting with a bullet above `max_bullet_lines_ratio`.
    GopherTooManyBullets,
    /// `gopher_quality`: share of lines ending with an ellipsis above `max_ellipsis_lines_ratio`.
    GopherTooManyEndEllipsis,
    /// `gopher_quality`: share of words with a letter below `max_non_alpha_words_ratio` (datatrove's name).
    GopherBelowAlphaThreshold,
    /// `gopher_quality`: fewer distinct stop words than `min_stop_words` (datatrove's string).
    GopherEnoughStopWords,
    /// `gopher_repetition`, `fineweb_quality`: the text is empty (FineWeb: no non-blank line).
    Empty,
    /// `gopher_repetition`: share of duplicated paragraphs above `dup_para_frac`.
    DupParaFrac,
    /// `gopher_repetition`: share of characters in duplicated paragraphs above `dup_para_char_frac`.
    DupParaCharFrac,
    /// `gopher_repetition`: share of duplicated lines above `dup_line_frac`.
    DupLineFrac,
    /// `gopher_repetition`: share of characters in duplicated lines above `dup_line_char_frac`.
    DupLineCharFrac,
    /// `gopher_repetition`: characters of the most frequent 2-gram above its `top_n_grams` fraction.
    Top2Gram,
    /// `gopher_repetition`: characters of the most frequent 3-gram above its `top_n_grams` fraction.
    Top3Gram,
    /// `gopher_repetition`: characters of the most frequent 4-gram above its `top_n_grams` fraction.
    Top4Gram,
    /// `gopher_repetition`: characters in duplicated 5-grams above its `dup_n_grams` fraction.
    Duplicated5NGrams,
    /// `gopher_repetition`: characters in duplicated 6-grams above its `dup_n_grams` fraction.
    Duplicated6NGrams,
    /// `gopher_repetition`: characters in duplicated 7-grams above its `dup_n_grams` fraction.
    Duplicated7NGrams,
    /// `gopher_repetition`: characters in duplicated 8-grams above its `dup_n_grams` fraction.
    Duplicated8NGrams,
    /// `gopher_repetition`: characters in duplicated 9-grams above its `dup_n_grams` fraction.
    Duplicated9NGrams,
    /// `gopher_repetition`: characters in duplicated 10-grams above its `dup_n_grams` fraction.
    Duplicated10NGrams,
    /// `c4_quality`: a kept line contains "lorem ipsum" (`filter_lorem_ipsum`).
    LoremIpsum,
    /// `c4_quality`: a kept line contains `{` (`filter_curly_bracket`).
    CurlyBracket,
    /// `c4_quality`: fewer sentences in the kept lines than `min_num_sentences`.
    TooFewSentences,
    /// `fineweb_quality`: share of lines ending in terminal punctuation below `line_punct_thr`.
    LinePunctRatio,
    /// `fineweb_quality`: share of short lines above `short_line_thr`.
    ShortLineRatio,
    /// `fineweb_quality`: share of characters in duplicated lines above `char_duplicates_ratio`.
    CharDupRatio,
    /// `fineweb_quality`: newlines per word above `new_line_ratio`.
    ListRatio,
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
            DropReason::GopherShortDoc => "gopher_short_doc",
            DropReason::GopherLongDoc => "gopher_long_doc",
            DropReason::GopherBelowAvgThreshold => "gopher_below_avg_threshold",
            DropReason::GopherAboveAvgThreshold => "gopher_above_avg_threshold",
            DropReason::GopherTooManyHashes => "gopher_too_many_hashes",
            DropReason::GopherTooManyEllipsis => "gopher_too_many_ellipsis",
            DropReason::GopherTooManyBullets => "gopher_too_many_bullets",
            DropReason::GopherTooManyEndEllipsis => "gopher_too_many_end_ellipsis",
            DropReason::GopherBelowAlphaThreshold => "gopher_below_alpha_threshold",
            DropReason::GopherEnoughStopWords => "gopher_enough_stop_words",
            DropReason::Empty => "empty",
            DropReason::DupParaFrac => "dup_para_frac",
            DropReason::DupParaCharFrac => "dup_para_char_frac",
            DropReason::DupLineFrac => "dup_line_frac",
            DropReason::DupLineCharFrac => "dup_line_char_frac",
            DropReason::Top2Gram => "top_2_gram",
            DropReason::Top3Gram => "top_3_gram",
            DropReason::Top4Gram => "top_4_gram",
            DropReason::Duplicated5NGrams => "duplicated_5_n_grams",
            DropReason::Duplicated6NGrams => "duplicated_6_n_grams",
            DropReason::Duplicated7NGrams => "duplicated_7_n_grams",
            DropReason::Duplicated8NGrams => "duplicated_8_n_grams",
            DropReason::Duplicated9NGrams => "duplicated_9_n_grams",
            DropReason::Duplicated10NGrams => "duplicated_10_n_grams",
            DropReason::LoremIpsum => "lorem_ipsum",
            DropReason::CurlyBracket => "curly_bracket",
            DropReason::TooFewSentences => "too_few_sentences",
            DropReason::LinePunctRatio => "line_punct_ratio",
            DropReason::ShortLineRatio => "short_line_ratio",
            DropReason::CharDupRatio => "char_dup_ratio",
            DropReason::ListRatio => "list_ratio",
        }
    }
}

impl std::fmt::Display for DropReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
