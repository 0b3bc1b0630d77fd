//! `saring langid`: the language of each line of stdin, with lid.176 built in.

use std::io::{BufRead, BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, bail};
use saring_langid::{LanguageId, LanguageModel};

use crate::Outcome;

/// Print the language of each document on stdin: one line out per line in, `LABEL<TAB>SCORE`.
///
/// Each input line is one document (or, with --field, one JSON object whose FIELD holds the text). The
/// label is lid.176's code without `__label__` (en, id, ms, ceb…) and the score its probability with four
/// decimals. With --plain they are fastText's `predict` on that line (the score up to the order of float
/// summation, within 1e-5); by default a second stage
/// separates close languages lid.176 confuses (Malay/Indonesian/Javanese/Sundanese/Minangkabau,
/// Croatian/Bosnian/Serbian, Nynorsk/Bokmål/Danish, Czech/Slovak, Galician/Spanish/Portuguese) and then
/// gives the model's score for the group. A line that is not valid
/// JSON, or lacks the field, prints an empty label with score 0.0000, is reported on stderr, and makes the
/// exit code 1.
#[derive(clap::Args)]
pub struct LangidArgs {
    /// Read JSONL and take the text from this field of each object (e.g. `--field text`).
    #[arg(long, value_name = "FIELD")]
    field: Option<String>,

    /// Use this fastText model (.bin or .ftz, e.g. GlotLID) instead of the built-in lid.176.
    #[arg(long, value_name = "MODEL")]
    model: Option<PathBuf>,

    /// The SHA-256 the --model file must have (64 hex digits); the model is refused otherwise.
    #[arg(long, value_name = "HEX", requires = "model")]
    sha256: Option<String>,

    /// The model's own top label and score, without the second stage for close languages.
    #[arg(long)]
    plain: bool,
}

pub fn langid(args: LangidArgs) -> anyhow::Result<Outcome> {
    let id = match &args.model {
        Some(path) => LanguageId::new(LanguageModel::from_path(path, args.sha256.as_deref())?),
        None => LanguageId::lid176()?,
    }
    .with_close_pairs(!args.plain);
    let stdin = std::io::stdin().lock();
    let stdout = std::io::stdout().lock();
    label_lines(&id, args.field.as_deref(), stdin, stdout, &mut std::io::stderr())
}

/// Labels every line of `input` into `output`; problems with single lines go to `errors`.
fn label_lines(
    id: &LanguageId,
    field: Option<&str>,
    mut input: impl BufRead,
    output: impl Write,
    errors: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let mut output = BufWriter::with_capacity(1 << 16, output);
    let mut line = Vec::new();
    let mut number = 0u64;
    let mut outcome = Outcome::Clean;
    loop {
        line.clear();
        let read = input.read_until(b'\n', &mut line).context("cannot read stdin")?;
        if read == 0 {
            break;
        }
        number += 1;
        if line.last() == Some(&b'\n') {
            line.pop();
        }
        let text = String::from_utf8_lossy(&line);
        let text = match field {
            None => Some(text),
            Some(field) => match json_field(&text, field) {
                Ok(text) => Some(text.into()),
                Err(problem) => {
                    writeln!(errors, "saring: line {number}: {problem}").context("cannot write to stderr")?;
                    outcome = Outcome::SomeErrored;
                    None
                }
            },
        };
        let prediction = text.as_deref().and_then(|text| id.detect(text));
        match prediction {
            Some(best) => writeln!(output, "{}\t{:.4}", best.label, best.score),
            None => writeln!(output, "\t0.0000"),
        }
        .context("cannot write to stdout")?;
    }
    output.flush().context("cannot write to stdout")?;
    Ok(outcome)
}

/// The string in `field` of the JSON object on `line`.
fn json_field(line: &str, field: &str) -> anyhow::Result<String> {
    let value: serde_json::Value = serde_json::from_str(line).context("not a JSON object")?;
    match value.get(field) {
        Some(serde_json::Value::String(text)) => Ok(text.clone()),
        Some(other) => bail!("field {field:?} is not a string but {}", json_kind(other)),
        None if value.is_object() => bail!("the object has no field {field:?}"),
        None => bail!("not a JSON object"),
    }
}

fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(field: Option<&str>, input: &str) -> (String, String, bool) {
        let id = LanguageId::lid176().unwrap().with_close_pairs(true);
        let mut out = Vec::new();
        let mut err = Vec::new();
        let outcome = label_lines(&id, field, input.as_bytes(), &mut out, &mut err).unwrap();
        (
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
            matches!(outcome, Outcome::Clean),
        )
    }

    #[test]
    fn one_line_out_per_line_in() {
        let (out, err, clean) = run(
            None,
            "Das ist ein kleiner Test.\n\nDia sudah lama tinggal di desa itu bersama kakek dan neneknya.",
        );
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3, "{out}");
        assert!(lines[0].starts_with("de\t1.0000"), "{out}");
        assert!(lines[2].starts_with("id\t0.9"), "{out}");
        assert!(err.is_empty() && clean);
    }

    #[test]
    fn the_second_stage_tells_malay_from_indonesian() {
        let (out, _, _) = run(
            None,
            "Mereka tinggal di rumah itu sejak bulan Ogos tahun lepas.\n",
        );
        assert_eq!(out, "ms\t0.9717\n");
    }

    #[test]
    fn jsonl_field_and_bad_lines() {
        let input = "{\"text\": \"Das ist ein kleiner Test.\"}\nnot json\n{\"id\": 1}\n{\"text\": 3}\n";
        let (out, err, clean) = run(Some("text"), input);
        assert_eq!(out, "de\t1.0000\n\t0.0000\n\t0.0000\n\t0.0000\n");
        assert!(err.contains("line 2: not a JSON object"), "{err}");
        assert!(err.contains("line 3: the object has no field \"text\""), "{err}");
        assert!(
            err.contains("line 4: field \"text\" is not a string but a number"),
            "{err}"
        );
        assert!(!clean);
    }
}
