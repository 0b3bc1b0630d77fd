//! `saring explain`: what every step did to one document, and why.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context;
use saring_pipeline::{Explanation, LineMark, Outcome as DocOutcome, StepExplanation, StepVerdict};

use crate::Outcome;
use crate::run::read_config;

/// Show what every step of the pipeline does to one document: its verdict, the signals it wrote against
/// the thresholds of its config, the text it left, and at the end the final text with every removed line
/// marked by the step (and rule) that removed it.
///
/// INPUT is an HTML page, a .txt file (its text; extract has nothing to do), or any input saring run
/// reads (WARC, ARC, JSONL, Parquet), from which --id picks the document. The steps are built and applied
/// exactly as saring run applies them, so the verdict and text are those of a run with the same config.
#[derive(clap::Args)]
pub struct ExplainArgs {
    /// The input holding the document.
    #[arg(value_name = "INPUT")]
    input: PathBuf,

    /// The document: its id as saring gives it (the WARC-Record-ID for WARC, angle brackets optional;
    /// the id field for JSONL and Parquet) or its record number in the file (0-based, as in error
    /// messages). Needed when INPUT holds more than one document.
    #[arg(long, value_name = "ID")]
    id: Option<String>,

    /// Pipeline config (TOML); without it, the default pipeline of saring run.
    #[arg(long, value_name = "PIPELINE.toml")]
    config: Option<PathBuf>,

    /// The document's URL, for an input that does not give one (an HTML or text file).
    #[arg(long, value_name = "URL")]
    url: Option<String>,

    /// text: for a person; json: the whole explanation as one JSON object.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// What `saring explain` prints.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

pub fn explain(args: ExplainArgs) -> anyhow::Result<Outcome> {
    let config = read_config(args.config.as_deref())?;
    let mut doc = saring_pipeline::read_document(&args.input, &config.input, args.id.as_deref())
        .with_context(|| {
            format!(
                "cannot pick the document to explain from {}",
                args.input.display()
            )
        })?;
    if let Some(url) = args.url {
        doc.url = Some(url);
    }
    let explanation = saring_pipeline::explain(&config, doc).with_context(|| match &args.config {
        Some(path) => format!("in config {}", path.display()),
        None => "in the default config".to_owned(),
    })?;
    let out = match args.format {
        Format::Json => serde_json::to_string_pretty(&explanation)? + "\n",
        Format::Text => render(&explanation),
    };
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
        .context("cannot write to stdout")?;
    Ok(Outcome::Clean)
}

/// The explanation as text: a header, one block per step, the language and metadata, then the final
/// text with the removed lines in place.
fn render(e: &Explanation) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "document  {}", e.id);
    if let Some(url) = &e.url {
        let _ = writeln!(out, "url       {url}");
    }
    let input = match e.input {
        saring_pipeline::InputKind::Html => "an HTML page",
        saring_pipeline::InputKind::Text => "text (no HTML)",
    };
    let _ = writeln!(out, "input     {}, record {}: {input}", e.path, e.record);
    let outcome = match &e.outcome {
        DocOutcome::Kept => "kept: every step passed it on".to_owned(),
        DocOutcome::Dropped { step, reason } => format!("dropped by {step}: {reason}"),
        DocOutcome::Errored { step, message } => format!("errored in {step}: {message}"),
    };
    let _ = writeln!(out, "outcome   {outcome}");
    for (i, step) in e.steps.iter().enumerate() {
        render_step(&mut out, i + 1, step);
    }
    out.push('\n');
    match &e.language {
        Some(language) => {
            let score = language
                .score
                .map(|s| format!(" (score {})", number(s)))
                .unwrap_or_default();
            let _ = writeln!(out, "language  {}{score}", language.label);
        }
        None => out.push_str("language  not labelled (no langid step ran)\n"),
    }
    out.push_str("metadata\n");
    for (key, value) in &e.metadata {
        let _ = writeln!(out, "  {key}: {value}");
    }
    let _ = writeln!(
        out,
        "\nfinal text ({} chars; \"- [step: rule]\" removed, \"~ [step]\" rewritten, \"+ [step]\" added)",
        e.text.chars().count()
    );
    for line in &e.lines {
        let _ = match &line.mark {
            LineMark::Kept => writeln!(out, "  {}", line.text),
            LineMark::Changed { step } => writeln!(out, "~ [{step}] {}", line.text),
            LineMark::Added { step } => writeln!(out, "+ [{step}] {}", line.text),
            LineMark::Removed {
                step,
                rule: Some(rule),
            } => writeln!(out, "- [{step}: {rule}] {}", line.text),
            LineMark::Removed { step, rule: None } => writeln!(out, "- [{step}] {}", line.text),
        };
    }
    out
}

fn render_step(out: &mut String, n: usize, step: &StepExplanation) {
    let verdict = match &step.verdict {
        StepVerdict::Keep => "keep".to_owned(),
        StepVerdict::Drop { reason } => format!("DROP: {reason}"),
        StepVerdict::Error { message } => format!("ERROR: {message}"),
        StepVerdict::NotRun => "not run (an earlier step ended the document)".to_owned(),
    };
    let _ = writeln!(out, "\nstep {n}  {}  {verdict}", step.step);
    if let Some(note) = &step.note {
        let _ = writeln!(out, "  {note}");
    }
    for signal in &step.signals {
        let _ = writeln!(out, "  {} = {}", signal.name, number(signal.value));
        for check in &signal.thresholds {
            let t = &check.threshold;
            let state = match (t.active, check.crossed, check.decided) {
                (false, _, _) => "off in this config",
                (true, _, true) => "crossed: this dropped the document",
                (true, true, false) => "crossed (an earlier rule of the step decided)",
                (true, false, false) => "passed",
            };
            let value = number(t.value);
            let _ = writeln!(
                out,
                "      {} = {value} (drops if {} {value}, reason {}): {state}",
                t.key,
                t.drops_when.symbol(),
                t.reason
            );
        }
    }
    for (key, value) in &step.metadata {
        let _ = writeln!(out, "  metadata {key} = {value}");
    }
    if let Some(text) = &step.text {
        let _ = writeln!(
            out,
            "  text after {} ({} chars):",
            step.step,
            text.chars().count()
        );
        for line in text.split('\n') {
            let _ = writeln!(out, "    | {line}");
        }
    }
}

/// A signal or threshold for a person: integers without a fraction, others to 4 decimals.
fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else if value.is_finite() {
        let fixed = format!("{value:.4}");
        fixed.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_short() {
        assert_eq!(number(200.0), "200");
        assert_eq!(number(0.65), "0.65");
        assert_eq!(number(2.0 / 3.0), "0.6667");
        assert_eq!(number(-3.0), "-3");
        assert_eq!(number(f64::INFINITY), "inf");
    }
}
