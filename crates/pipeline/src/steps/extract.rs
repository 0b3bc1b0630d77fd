use saring_core::{Document, DropReason, Step, Verdict};
use saring_extract::{ExtractConfig, Extractor};
use serde_json::Value;

/// The `extract` step: replaces a document's HTML with its main text.
///
/// The page's metadata goes to `metadata`: `title`, `author`, `published` (the publication date; `date` is
/// the fetch date), `sitename`, `canonical_url`, `description`, `page_language` (what the page declares),
/// and the lists `categories`, `tags`, `sources` when not empty. Documents whose extracted text is empty
/// are dropped (`empty_text`). Documents without HTML (JSONL text,
/// WET records) pass through untouched. The HTML is released once extracted, to keep memory per document
/// small.
pub struct ExtractStep {
    extractor: Extractor,
}

impl ExtractStep {
    /// The step for the given extractor settings.
    pub fn new(config: &ExtractConfig) -> ExtractStep {
        ExtractStep {
            extractor: Extractor::new(config),
        }
    }
}

impl Step for ExtractStep {
    fn name(&self) -> &str {
        "extract"
    }

    fn process(&self, doc: &mut Document) -> Verdict {
        let Some(html) = doc.html.take() else {
            return Verdict::Keep;
        };
        let extracted = self.extractor.extract(&html);
        doc.text = extracted.text;
        let meta = extracted.metadata;
        let fields = [
            ("title", meta.title),
            ("author", meta.author),
            ("published", meta.date),
            ("sitename", meta.sitename),
            ("canonical_url", meta.url),
            ("description", meta.description),
            ("page_language", meta.language),
        ];
        for (key, value) in fields {
            if let Some(value) = value {
                doc.metadata.insert(key.to_owned(), Value::String(value));
            }
        }
        for (key, list) in [
            ("categories", meta.categories),
            ("tags", meta.tags),
            ("sources", meta.sources),
        ] {
            if !list.is_empty() {
                doc.metadata.insert(key.to_owned(), Value::from(list));
            }
        }
        if extracted.truncated || extracted.budget_exhausted {
            doc.metadata
                .insert("extract_truncated".to_owned(), Value::Bool(true));
        }
        if doc.text.trim().is_empty() {
            Verdict::Drop(DropReason::EmptyText)
        } else {
            Verdict::Keep
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_text_and_title_goes_to_metadata() {
        let step = ExtractStep::new(&ExtractConfig::default());
        let mut doc = Document::new("d".into(), String::new());
        doc.html = Some(
            "<html lang=\"id\"><head><title>Judul</title></head><body><p>Isi berita.</p></body></html>"
                .into(),
        );
        assert_eq!(step.process(&mut doc), Verdict::Keep);
        assert_eq!(doc.text, "Isi berita.");
        assert_eq!(doc.metadata["title"], "Judul");
        assert_eq!(doc.metadata["page_language"], "id");
        assert!(doc.html.is_none());
    }

    #[test]
    fn empty_pages_are_dropped_and_text_documents_pass() {
        let step = ExtractStep::new(&ExtractConfig::default());
        let mut doc = Document::new("d".into(), String::new());
        doc.html = Some("<script>x()</script>".into());
        assert_eq!(step.process(&mut doc), Verdict::Drop(DropReason::EmptyText));
        let mut doc = Document::new("t".into(), "plain text".into());
        assert_eq!(step.process(&mut doc), Verdict::Keep);
        assert_eq!(doc.text, "plain text");
    }
}
