//! [`LanguageId`]: the language identifier the pipeline shares between threads.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use crate::close_pairs::{MAX_LABELS, group_of};
use crate::{LanguageModel, ModelError};

/// The bytes of fastText's `lid.176.ftz` (176 languages, CC BY-SA 3.0; see `models/README.md`).
pub static LID176_FTZ: &[u8] = include_bytes!("../models/lid.176.ftz");

/// The SHA-256 of [`LID176_FTZ`], as pinned for the upstream download.
pub const LID176_SHA256: &str = "8f3472cfe8738a7b6099e8e999c3cbfae0dcd15696aac7d7738a8039db603e83";

/// One label with its probability.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prediction<'m> {
    /// The model's label without `__label__`: for lid.176 an ISO 639-1 code where one exists (`en`, `id`,
    /// `ms`), else an ISO 639-3 or Wikipedia code (`ceb`, `min`, `als` = Alemannic). Borrowed from the
    /// model, so a prediction costs no allocation.
    pub label: &'m str,
    /// The model's probability for the label, between 0 and 1.
    pub score: f32,
}

/// A language identifier: built once, then `detect` from any number of threads.
///
/// Cloning is cheap (the model is shared). [`LanguageId::lid176`] uses the lid.176 model compiled into
/// saring, so nothing is read or downloaded at run time; [`LanguageId::new`] wraps any other
/// fastText-format model.
///
/// Long documents are predicted whole, the way datatrove's `LanguageFilter` does: the entire text with
/// newlines read as spaces, so the score is the model's view of the document, not of one line. The
/// feature extraction is linear in the text's length and keeps no per-token allocation.
///
/// With [`LanguageId::with_close_pairs`], [`detect`](LanguageId::detect) adds a second stage for
/// languages the model confuses with a neighbour (Malay/Indonesian/Javanese/Sundanese/Minangkabau,
/// Croatian/Bosnian/Serbian, Nynorsk/Bokmål/Danish, Czech/Slovak, Galician/Spanish/Portuguese): words,
/// word endings and letters that only some of them use decide between them; when they are silent on
/// Malay/Indonesian, lid.176's probabilities without its training prior together with lingua's models
/// for the two; when they are silent on lid.176's `sh` (Serbo-Croatian), lid.176 without its prior (see
/// the `close_pairs` and `second_opinion` module docs). Without it, `detect` is fastText's top-1 (the
/// score equal to fastText's up to the order of float summation).
#[derive(Debug, Clone)]
pub struct LanguageId {
    model: Arc<LanguageModel>,
    /// Whether the close-pair stage runs after the model.
    close_pairs: bool,
}

static LID176: OnceLock<Result<Arc<LanguageModel>, String>> = OnceLock::new();

impl LanguageId {
    /// The built-in lid.176 model (parsed once per process, then shared).
    pub fn lid176() -> Result<LanguageId, ModelError> {
        let parsed = LID176.get_or_init(|| {
            LanguageModel::from_bytes(LID176_FTZ)
                .map(Arc::new)
                .map_err(|e| e.to_string())
        });
        match parsed {
            Ok(model) => Ok(LanguageId {
                model: Arc::clone(model),
                close_pairs: false,
            }),
            Err(message) => Err(ModelError::Embedded(message.clone())),
        }
    }

    /// A language identifier over another model, e.g. one from [`LanguageModel::from_path`].
    pub fn new(model: LanguageModel) -> LanguageId {
        LanguageId {
            model: Arc::new(model),
            close_pairs: false,
        }
    }

    /// Turns the second stage for close pairs on or off (off by default).
    ///
    /// The stage works on lid.176's codes (`id`, `ms`, `jv`, `su`, `min`, `hr`, `bs`, `sr`, `sh`, `no`,
    /// `nn`, `da`, `cs`, `sk`, `es`, `gl`, `pt`); with a model whose labels are others it changes nothing.
    /// It changes only [`detect`](LanguageId::detect); `top_k` is always the model's own ranking.
    pub fn with_close_pairs(mut self, on: bool) -> LanguageId {
        self.close_pairs = on;
        self
    }

    /// Whether the close-pair stage is on.
    pub fn close_pairs(&self) -> bool {
        self.close_pairs
    }

    /// The model behind this identifier.
    pub fn model(&self) -> &LanguageModel {
        &self.model
    }

    /// The labels this identifier can return.
    pub fn labels(&self) -> &[String] {
        self.model.labels()
    }

    /// The most probable language of `text` and its probability.
    ///
    /// Without the close-pair stage, the same label and score (up to the order of float summation) as
    /// fastText's (and `fasttext-predict`'s) `model.predict(text)` on the text with newlines replaced by
    /// spaces. With it, when the model's label
    /// belongs to a group of close languages and the second stage picks one of the group (by the text's
    /// markers, or when they are silent by the group's tie-break), that one is returned with the model's
    /// probability for the whole group (e.g. `P(id) + P(ms) + P(jv) + P(su) + P(min)`): the model is sure
    /// of the group, the second stage picks within it. Empty or whitespace-only text still gets a label
    /// (the model's guess for an empty line, with a low score); `None` only for a model that has no
    /// feature for the text at all.
    pub fn detect(&self, text: &str) -> Option<Prediction<'_>> {
        if !self.close_pairs {
            return self.model.predict_best(text);
        }
        self.staged(text, |group_of, probabilities| {
            self.model.predict_best_grouped(text, group_of, probabilities)
        })
    }

    /// [`detect`](LanguageId::detect) of `text` and of each of `parts` (byte ranges of `text`, such as its
    /// paragraphs), with the same results as separate calls but one pass over the text for the parts
    /// that start and end at a word boundary. A range outside the text or not on a character boundary
    /// gets `None`.
    pub fn detect_with_parts(
        &self,
        text: &str,
        parts: &[Range<usize>],
    ) -> (Option<Prediction<'_>>, Vec<Option<Prediction<'_>>>) {
        let vectors = self.model.hidden_vectors(text, parts);
        let detect = |i: usize, line: &str| {
            let hidden = vectors.get(i)?;
            if !self.close_pairs {
                return self.model.predict_best_grouped_hidden(hidden, |_| None, &mut []);
            }
            self.staged(line, |group_of, probabilities| {
                self.model
                    .predict_best_grouped_hidden(hidden, group_of, probabilities)
            })
        };
        let whole = detect(0, text);
        let each = parts
            .iter()
            .enumerate()
            .map(|(j, range)| detect(1 + j, text.get(range.clone())?))
            .collect();
        (whole, each)
    }

    /// The close-pair stage over the model's prediction for `text`, which `predict` makes with the
    /// group function and the group's probabilities to fill.
    fn staged<'m>(
        &'m self,
        text: &str,
        predict: impl FnOnce(
            &mut dyn FnMut(&str) -> Option<&'static [&'static str]>,
            &mut [f32],
        ) -> Option<Prediction<'m>>,
    ) -> Option<Prediction<'m>> {
        let mut group = None;
        let mut probabilities = [0.0f32; MAX_LABELS];
        let best = predict(
            &mut |label| {
                group = group_of(label);
                group.map(|g| g.labels)
            },
            &mut probabilities,
        )?;
        let Some(group) = group else {
            return Some(best);
        };
        let choice = group.choose(best.label, text, &probabilities, |label| {
            self.model.label_count(label)
        });
        match choice {
            Some(label) if self.model.label_count(label) > 0 => Some(Prediction {
                label,
                score: probabilities.iter().sum::<f32>().min(1.0),
            }),
            _ => Some(best),
        }
    }

    /// The `k` most probable languages of `text`, best first (fastText's `predict(text, k)`; threshold 0).
    pub fn top_k(&self, text: &str, k: usize) -> Vec<Prediction<'_>> {
        self.model.predict(text, k, 0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_between_threads() {
        fn send_sync<T: Send + Sync + Clone>() {}
        send_sync::<LanguageId>();
        let lid = LanguageId::lid176().unwrap().with_close_pairs(true);
        let labels: Vec<String> = std::thread::scope(|scope| {
            let handles: Vec<_> = [
                "Eg veit ikkje kva han gjer.",
                "Das ist gut.",
                "Non hai unha casa.",
            ]
            .into_iter()
            .map(|text| {
                let lid = lid.clone();
                scope.spawn(move || lid.detect(text).unwrap().label.to_owned())
            })
            .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(labels, ["nn", "de", "gl"]);
    }

    /// Sentences written for these tests (not FLORES rows), none with a close-pair marker word. lid.176
    /// labels every one `id`; the stage's second opinion (lid.176 without its prior, and lingua) must
    /// turn the Malay ones to `ms` and leave the Indonesian ones `id`.
    const MALAY_WITHOUT_MARKERS: [&str; 3] = [
        "Ramai orang beratur panjang di hadapan kaunter itu sejak awal pagi tadi.",
        "Kami pergi ke pasar raya untuk membeli barang keperluan dapur minggu ini.",
        "Budak-budak itu suka bermain di padang berhampiran rumah mereka.",
    ];
    const INDONESIAN_WITHOUT_MARKERS: [&str; 4] = [
        "Banyak orang mengantre panjang di depan loket itu sejak tadi pagi.",
        "Dia sudah lama tinggal di desa itu bersama kakek dan neneknya.",
        "Kami pergi ke pasar swalayan untuk membeli kebutuhan dapur minggu ini.",
        "Anak-anak itu senang bermain di lapangan dekat rumah mereka.",
    ];

    #[test]
    fn malay_without_markers_is_told_from_indonesian() {
        let plain = LanguageId::lid176().unwrap();
        let staged = plain.clone().with_close_pairs(true);
        for (texts, want) in [
            (&MALAY_WITHOUT_MARKERS[..], "ms"),
            (&INDONESIAN_WITHOUT_MARKERS[..], "id"),
        ] {
            for text in texts {
                let alone = plain.detect(text).unwrap();
                assert_eq!(alone.label, "id", "{text}");
                let pair: f32 = plain
                    .top_k(text, 176)
                    .iter()
                    .filter(|p| ["ms", "id", "jv", "su", "min"].contains(&p.label))
                    .map(|p| p.score)
                    .sum();
                let got = staged.detect(text).unwrap();
                assert_eq!(got.label, want, "{text}");
                assert!((got.score - pair).abs() < 1e-4, "{text}: {} {pair}", got.score);
            }
        }
    }

    /// Sentences written for this test (not FLORES rows), each with the label it is in: short news-like
    /// sentences in Croatian, Bosnian, Serbian, Javanese, Sundanese and Minangkabau.
    const CLOSE_LANGUAGES: [(&str, &str); 10] = [
        (
            "Tijekom prošlog tjedna znanstvenici sa sveučilišta objavili su novu studiju o klimi.",
            "hr",
        ),
        (
            "Prije dvije sedmice hiljade ljudi su došle na koncert u starom dijelu grada.",
            "bs",
        ),
        (
            "Pre dve nedelje hiljade ljudi su došle na koncert u starom delu grada.",
            "sr",
        ),
        (
            "Пре две недеље хиљаде људи су дошле на концерт у старом делу града.",
            "sr",
        ),
        (
            "Wong-wong padha teka ing pasar esuk iki amarga ora ana sing adol beras.",
            "jv",
        ),
        (
            "Pamaréntah kabupatén geus ngumumkeun yén sakola-sakola bakal dibuka deui minggu hareup.",
            "su",
        ),
        (
            "Pemerintah kabupaten wis ngumumake yen sekolah-sekolah bakal dibukak maneh minggu ngarep.",
            "jv",
        ),
        (
            "Pamarintah kabupaten alah mangumumkan bahwa sakolah-sakolah ka dibukak baliak minggu muko.",
            "min",
        ),
        (
            "Urang kampuang alah pai ka pasa pagi iko dek indak ado bareh di rumah.",
            "min",
        ),
        (
            "Orang-orang kampung sudah pergi ke pasar pagi ini karena tidak ada beras di rumah.",
            "id",
        ),
    ];

    #[test]
    fn close_languages_get_their_own_label() {
        let plain = LanguageId::lid176().unwrap();
        let staged = plain.clone().with_close_pairs(true);
        let mut corrected = 0;
        for (text, want) in CLOSE_LANGUAGES {
            let alone = plain.detect(text).unwrap();
            let got = staged.detect(text).unwrap();
            assert_eq!(got.label, want, "{text} (lid.176 alone: {})", alone.label);
            assert!(got.score >= alone.score, "{text}");
            corrected += usize::from(alone.label != want);
        }
        // lid.176 alone gets some of them wrong; the stage fixes those.
        assert!(corrected >= 3, "{corrected}");
    }

    /// `(start, end)` of `part` inside `text`.
    fn range_of(text: &str, part: &str) -> Range<usize> {
        let start = text.find(part).unwrap();
        start..start + part.len()
    }

    #[test]
    fn parts_in_one_pass_equal_separate_predictions() {
        let paragraphs = [
            "Mereka tinggal di rumah itu sejak bulan Ogos tahun lepas.",
            "Das ist ein kleiner Test, der nur prüft, ob alles gleich bleibt.",
            "Banyak orang mengantre panjang di depan loket itu sejak tadi pagi.",
            "\u{3000}Le chat dort sur le canapé depuis ce matin.",
            "Eg veit ikkje kva han gjer no.",
        ];
        let text = paragraphs.join("\n\n");
        let texts = [text.clone(), format!("{text}\n\nhello </s> bonjour")];
        for close_pairs in [false, true] {
            let lid = LanguageId::lid176().unwrap().with_close_pairs(close_pairs);
            for text in &texts {
                // The fourth starts inside a word (after U+3000, not a separator for fastText), so it
                // is predicted alone; the others share the pass.
                let ranges: Vec<Range<usize>> = paragraphs
                    .iter()
                    .map(|p| range_of(text, p.trim_start_matches('\u{3000}')))
                    .collect();
                let (whole, each) = lid.detect_with_parts(text, &ranges);
                assert_eq!(whole, lid.detect(text), "{close_pairs} {text:?}");
                assert_eq!(each.len(), ranges.len());
                for (got, range) in each.iter().zip(&ranges) {
                    assert_eq!(
                        *got,
                        lid.detect(text.get(range.clone()).unwrap()),
                        "{close_pairs} {range:?}"
                    );
                }
                // Unsorted and overlapping parts, and parts outside the text.
                let odd = [
                    ranges[2].clone(),
                    ranges[0].clone(),
                    range_of(text, "ikkje kva"),
                    range_of(text, "kva han"),
                    Range { start: 5, end: 3 },
                    0..text.len() + 1,
                ];
                let (whole, each) = lid.detect_with_parts(text, &odd);
                assert_eq!(whole, lid.detect(text));
                for (got, range) in each.iter().zip(&odd).take(4) {
                    assert_eq!(*got, lid.detect(text.get(range.clone()).unwrap()), "{range:?}");
                }
                assert_eq!(each[4..], [None, None]);
            }
            let (labels, _) = lid.detect_with_parts(&texts[0], &[]);
            assert_eq!(labels, lid.detect(&texts[0]));
        }
        let lid = LanguageId::lid176().unwrap().with_close_pairs(true);
        let (_, each) = lid.detect_with_parts(&texts[0], &[range_of(&texts[0], paragraphs[0])]);
        assert_eq!(each[0].unwrap().label, "ms");
    }

    #[test]
    fn markers_outvote_the_second_opinion() {
        let staged = LanguageId::lid176().unwrap().with_close_pairs(true);
        // Indonesian words with one Malay marker (`kerana`): the marker decides.
        let text = "Dia tidak datang kerana hujan turun sejak tadi pagi.";
        assert_eq!(staged.detect(text).unwrap().label, "ms");
        // Outside the groups the stage changes nothing.
        let plain = LanguageId::lid176().unwrap();
        for text in ["The cat sat on the mat.", "Das ist gut.", "", "12345"] {
            assert_eq!(staged.detect(text), plain.detect(text), "{text:?}");
        }
    }
}
