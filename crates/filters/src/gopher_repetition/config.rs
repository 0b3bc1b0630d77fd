//! The settings of `gopher_repetition` and the reasons they name.

use saring_core::DropReason;
use serde::{Deserialize, Serialize};

/// Settings of the `gopher_repetition` filter; defaults are datatrove 0.10.1's (Gopher's table A1). A
/// fraction of 0 turns its rule off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GopherRepetitionConfig {
    /// Drop with `dup_line_frac` when a higher share of lines (split at runs of `\n`) repeat an earlier
    /// line. Default 0.3.
    #[serde(default = "default_dup_line_frac")]
    pub dup_line_frac: f64,
    /// Drop with `dup_para_frac` when a higher share of paragraphs (split at two or more `\n`) repeat an
    /// earlier one. Default 0.3.
    #[serde(default = "default_dup_para_frac")]
    pub dup_para_frac: f64,
    /// Drop with `dup_line_char_frac` when the repeated lines hold a higher share of the text's
    /// characters. Default 0.2.
    #[serde(default = "default_dup_char_frac")]
    pub dup_line_char_frac: f64,
    /// Drop with `dup_para_char_frac` when the repeated paragraphs hold a higher share of the text's
    /// characters. Default 0.2.
    #[serde(default = "default_dup_char_frac")]
    pub dup_para_char_frac: f64,
    /// `[n, fraction]` pairs, n in 2–4: drop with `top_<n>_gram` when the most frequent word n-gram,
    /// times its count, covers a higher share of the text's characters. Default
    /// `[[2, 0.2], [3, 0.18], [4, 0.16]]`.
    #[serde(default = "default_top_n_grams")]
    pub top_n_grams: Vec<(usize, f64)>,
    /// `[n, fraction]` pairs, n in 5–10: drop with `duplicated_<n>_n_grams` when the characters of
    /// repeated word n-grams (counted without overlap) are a higher share of the text's characters.
    /// Default `[[5, 0.15], [6, 0.14], [7, 0.13], [8, 0.12], [9, 0.11], [10, 0.1]]`.
    #[serde(default = "default_dup_n_grams")]
    pub dup_n_grams: Vec<(usize, f64)>,
    /// Use FineWeb-2's `dup_line_frac`, `top_n_grams` and `dup_n_grams` for the document's `language`
    /// (set by `langid`) where saring has them, and split Thai, Chinese and Japanese into words by
    /// dictionary for the n-grams. Other languages, `en` and documents without a language use the
    /// settings above. Default false.
    #[serde(default)]
    pub language_aware: bool,
}

const fn default_dup_line_frac() -> f64 {
    0.3
}
const fn default_dup_para_frac() -> f64 {
    0.3
}
const fn default_dup_char_frac() -> f64 {
    0.2
}
fn default_top_n_grams() -> Vec<(usize, f64)> {
    vec![(2, 0.2), (3, 0.18), (4, 0.16)]
}
fn default_dup_n_grams() -> Vec<(usize, f64)> {
    vec![(5, 0.15), (6, 0.14), (7, 0.13), (8, 0.12), (9, 0.11), (10, 0.10)]
}

impl Default for GopherRepetitionConfig {
    fn default() -> GopherRepetitionConfig {
        GopherRepetitionConfig {
            dup_line_frac: default_dup_line_frac(),
            dup_para_frac: default_dup_para_frac(),
            dup_line_char_frac: default_dup_char_frac(),
            dup_para_char_frac: default_dup_char_frac(),
            top_n_grams: default_top_n_grams(),
            dup_n_grams: default_dup_n_grams(),
            language_aware: false,
        }
    }
}

impl GopherRepetitionConfig {
    /// Problems with the values, each naming the field and value; empty when valid.
    pub fn validate(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for (name, value) in [
            ("dup_line_frac", self.dup_line_frac),
            ("dup_para_frac", self.dup_para_frac),
            ("dup_line_char_frac", self.dup_line_char_frac),
            ("dup_para_char_frac", self.dup_para_char_frac),
        ] {
            if !(value.is_finite() && value >= 0.0) {
                problems.push(format!("{name} = {value} must be a number ≥ 0"));
            }
        }
        for &(n, frac) in &self.top_n_grams {
            if top_n_gram_reason(n).is_none() {
                problems.push(format!("top_n_grams: n = {n} must be 2, 3 or 4"));
            }
            if !(frac.is_finite() && frac >= 0.0) {
                problems.push(format!(
                    "top_n_grams: fraction {frac} for n = {n} must be a number ≥ 0"
                ));
            }
        }
        for &(n, frac) in &self.dup_n_grams {
            if dup_n_gram_reason(n).is_none() {
                problems.push(format!("dup_n_grams: n = {n} must be in 5..=10"));
            }
            if !(frac.is_finite() && frac >= 0.0) {
                problems.push(format!(
                    "dup_n_grams: fraction {frac} for n = {n} must be a number ≥ 0"
                ));
            }
        }
        problems
    }
}

/// The reason `gopher_repetition` gives when the most frequent word n-gram covers too much of the text:
/// `top_<n>_gram` for n in 2–4, `None` for another n.
pub fn top_n_gram_reason(n: usize) -> Option<DropReason> {
    match n {
        2 => Some(DropReason::Top2Gram),
        3 => Some(DropReason::Top3Gram),
        4 => Some(DropReason::Top4Gram),
        _ => None,
    }
}

/// The reason `gopher_repetition` gives when repeated word n-grams cover too much of the text:
/// `duplicated_<n>_n_grams` for n in 5–10, `None` for another n.
pub fn dup_n_gram_reason(n: usize) -> Option<DropReason> {
    match n {
        5 => Some(DropReason::Duplicated5NGrams),
        6 => Some(DropReason::Duplicated6NGrams),
        7 => Some(DropReason::Duplicated7NGrams),
        8 => Some(DropReason::Duplicated8NGrams),
        9 => Some(DropReason::Duplicated9NGrams),
        10 => Some(DropReason::Duplicated10NGrams),
        _ => None,
    }
}
