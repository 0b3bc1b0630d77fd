//! `saring extract`: the main text of one HTML page, to stdout.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, bail};
use saring_extract::{ExtractConfig, Extractor, OutputFormat};
use saring_io::{InputFormat, ReaderConfig, open_input};

use crate::Outcome;

/// Print the main text of one HTML page (body only: the title is metadata).
///
/// The file may be gzip- or zstd-compressed; its charset is taken from `<meta charset>` or detected.
#[derive(clap::Args)]
pub struct ExtractArgs {
    /// The HTML file.
    #[arg(value_name = "FILE.html")]
    file: PathBuf,

    /// text: the body, a blank line between blocks; markdown: the title as a heading, then the body with
    /// its structure; json: the text and all metadata (title, author, date, sitename, url, description,
    /// language, categories, tags, sources) as one JSON object.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    /// Append the page's comment sections after the main text.
    #[arg(long)]
    comments: bool,
}

/// What `saring extract` prints.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Markdown,
    Json,
}

pub fn extract(args: ExtractArgs) -> anyhow::Result<Outcome> {
    let config = ReaderConfig {
        format: InputFormat::Html,
        ..ReaderConfig::default()
    };
    let mut reader = open_input(&args.file, &config)?;
    let doc = match reader.next() {
        Some(doc) => doc?,
        None => bail!("{}: no page in the file", args.file.display()),
    };
    let extract_config = ExtractConfig {
        format: if args.format == Format::Markdown {
            OutputFormat::Markdown
        } else {
            OutputFormat::Text
        },
        comments: args.comments,
        ..ExtractConfig::default()
    };
    let extracted = Extractor::new(&extract_config).extract(doc.html.as_deref().unwrap_or_default());
    let out = match args.format {
        Format::Json => {
            let mut value = serde_json::to_value(&extracted.metadata)?;
            if let Some(object) = value.as_object_mut() {
                object.insert("text".to_owned(), serde_json::Value::String(extracted.text));
            }
            serde_json::to_string_pretty(&value)?
        }
        Format::Text | Format::Markdown => extracted.text,
    };
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(out.as_bytes())
        .context("cannot write to stdout")?;
    if !out.is_empty() && !out.ends_with('\n') {
        stdout.write_all(b"\n").context("cannot write to stdout")?;
    }
    stdout.flush().context("cannot write to stdout")?;
    Ok(Outcome::Clean)
}
