//! The lines of a document's text through the steps: which step removed, rewrote or added each line.
//!
//! Each time a step changes the text, the lines still present are compared with the new ones (a Myers
//! diff on the lines with their whitespace collapsed, so that a whitespace repair is not a rewrite).
//! Lines gone without a counterpart are marked removed, with the rule that removed them when the step
//! can tell ([`Step::line_rule`]); lines replaced in place are marked rewritten.

use saring_core::Step;
use serde::Serialize;
use similar::{Algorithm, DiffTag, capture_diff_slices};

/// One line of the final text, or one removed on the way, in its place.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TracedLine {
    /// The line (as it was when removed, for a removed line).
    pub text: String,
    /// What happened to it.
    #[serde(flatten)]
    pub mark: LineMark,
}

/// What happened to a line.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "mark", rename_all = "snake_case")]
pub enum LineMark {
    /// In the final text, as the input or `extract` gave it (up to whitespace).
    Kept,
    /// In the final text, rewritten by a step (the last one that did).
    Changed {
        /// The step.
        step: String,
    },
    /// In the final text, but not in the text before `step` (a step that reflows lines).
    Added {
        /// The step.
        step: String,
    },
    /// Not in the final text: `step` removed it.
    Removed {
        /// The step.
        step: String,
        /// The setting of the step whose rule removed it, when the step can tell.
        rule: Option<String>,
    },
}

/// The lines so far, removed ones included.
#[derive(Debug, Default)]
pub(crate) struct LineTrace {
    lines: Vec<TracedLine>,
}

impl LineTrace {
    /// The lines of the text the first step is given (none for an HTML page, whose text is empty).
    pub(crate) fn new(text: &str) -> LineTrace {
        let mut trace = LineTrace::default();
        if !text.is_empty() {
            trace.lines = text
                .split('\n')
                .map(|line| traced(line, LineMark::Kept))
                .collect();
        }
        trace
    }

    /// Records that `step` turned the current text into `text`.
    pub(crate) fn update(&mut self, step: &dyn Step, text: &str) {
        let name = step.name();
        // the first text (from `extract`) is where the lines start, not an addition
        let first = self.lines.is_empty();
        let new: Vec<&str> = if text.is_empty() {
            Vec::new()
        } else {
            text.split('\n').collect()
        };
        let old = std::mem::take(&mut self.lines);
        let old_keys: Vec<String> = old
            .iter()
            .filter(|l| !is_removed(l))
            .map(|l| collapse(&l.text))
            .collect();
        let new_keys: Vec<String> = new.iter().map(|l| collapse(l)).collect();
        let mut old = old.into_iter();
        let mut out = Vec::with_capacity(new.len() + old.len());
        let added = |line: &str| {
            let mark = if first {
                LineMark::Kept
            } else {
                LineMark::Added {
                    step: name.to_owned(),
                }
            };
            traced(line, mark)
        };
        for op in capture_diff_slices(Algorithm::Myers, &old_keys, &new_keys) {
            let (tag, old_range, new_range) = op.as_tag_tuple();
            let new_lines = new.get(new_range).unwrap_or_default();
            let gone: Vec<TracedLine> = old_range.filter_map(|_| next_live(&mut old, &mut out)).collect();
            match tag {
                DiffTag::Equal => {
                    for (mut line, text) in gone.into_iter().zip(new_lines) {
                        (*text).clone_into(&mut line.text);
                        out.push(line);
                    }
                }
                DiffTag::Delete => out.extend(gone.into_iter().filter_map(|line| removed(step, line))),
                DiffTag::Insert => out.extend(new_lines.iter().map(|line| added(line))),
                DiffTag::Replace => {
                    // a line a rule removes is a removal; the others are paired with the new lines in order
                    let mut texts = new_lines.iter();
                    for line in gone {
                        let text = match step.line_rule(&line.text) {
                            Some(_) => None,
                            None => texts.next(),
                        };
                        match text {
                            Some(text) => out.push(traced(
                                text,
                                LineMark::Changed {
                                    step: name.to_owned(),
                                },
                            )),
                            None => out.extend(removed(step, line)),
                        }
                    }
                    out.extend(texts.map(|line| added(line)));
                }
            }
        }
        out.extend(old);
        self.lines = out;
    }

    /// The lines, removed ones in their place.
    pub(crate) fn into_lines(self) -> Vec<TracedLine> {
        self.lines
    }
}

fn traced(text: &str, mark: LineMark) -> TracedLine {
    TracedLine {
        text: text.to_owned(),
        mark,
    }
}

fn is_removed(line: &TracedLine) -> bool {
    matches!(line.mark, LineMark::Removed { .. })
}

/// The next line still present, after moving the removed lines before it to `out`.
fn next_live(old: &mut impl Iterator<Item = TracedLine>, out: &mut Vec<TracedLine>) -> Option<TracedLine> {
    for line in old.by_ref() {
        if !is_removed(&line) {
            return Some(line);
        }
        out.push(line);
    }
    None
}

/// `line` marked as removed by `step`; `None` for a blank line (blank lines are layout, not content).
fn removed(step: &dyn Step, line: TracedLine) -> Option<TracedLine> {
    if line.text.trim().is_empty() {
        return None;
    }
    let rule = step.line_rule(&line.text).map(str::to_owned);
    Some(TracedLine {
        mark: LineMark::Removed {
            step: step.name().to_owned(),
            rule,
        },
        text: line.text,
    })
}

/// The line with every run of whitespace made one space and both ends trimmed.
fn collapse(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use saring_core::{Document, Verdict};

    use super::*;

    /// A step that removes lines starting with `-` (rule `dash`) and upper-cases lines starting with `!`.
    struct Edit;
    impl Step for Edit {
        fn name(&self) -> &str {
            "edit"
        }
        fn process(&self, _: &mut Document) -> Verdict {
            Verdict::Keep
        }
        fn line_rule(&self, line: &str) -> Option<&'static str> {
            line.starts_with('-').then_some("dash")
        }
    }

    fn marks(trace: &LineTrace) -> Vec<String> {
        trace
            .lines
            .iter()
            .map(|l| match &l.mark {
                LineMark::Kept => format!("  {}", l.text),
                LineMark::Changed { step } => format!("~{step} {}", l.text),
                LineMark::Added { step } => format!("+{step} {}", l.text),
                LineMark::Removed { step, rule } => format!("-{step}:{rule:?} {}", l.text),
            })
            .collect()
    }

    #[test]
    fn removals_rewrites_and_additions_keep_their_places() {
        let mut trace = LineTrace::new("a\n-x\nb  c\n!d\n\ne");
        trace.update(&Edit, "a\nb c\n!D\ne");
        assert_eq!(
            marks(&trace),
            ["  a", "-edit:Some(\"dash\") -x", "  b c", "~edit !D", "  e"]
        );
        trace.update(&Edit, "a\n!D\ne\nf");
        assert_eq!(
            marks(&trace),
            [
                "  a",
                "-edit:Some(\"dash\") -x",
                "-edit:None b c",
                "~edit !D",
                "  e",
                "+edit f"
            ]
        );
    }

    #[test]
    fn a_rule_removal_inside_a_rewrite_is_a_removal() {
        let mut trace = LineTrace::new("x1\n-y\nz1");
        trace.update(&Edit, "x2\nz2");
        assert_eq!(marks(&trace), ["~edit x2", "-edit:Some(\"dash\") -y", "~edit z2"]);
    }

    #[test]
    fn the_first_text_is_kept_not_added() {
        let mut trace = LineTrace::new("");
        trace.update(&Edit, "p\nq");
        assert_eq!(marks(&trace), ["  p", "  q"]);
        trace.update(&Edit, "");
        assert_eq!(marks(&trace), ["-edit:None p", "-edit:None q"]);
    }
}
