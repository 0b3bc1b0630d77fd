//! `saring extract`: the main text of one HTML page, to stdout.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, bail};
use saring_extract::{ExtractConfig, Extractor};
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
    let extracted =
        Extractor::new(&ExtractConfig::default()).extract(doc.html.as_deref().unwrap_or_default());
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(extracted.text.as_bytes())
        .context("cannot write to stdout")?;
    if !extracted.text.is_empty() && !extracted.text.ends_with('\n') {
        stdout.write_all(b"\n").context("cannot write to stdout")?;
    }
    stdout.flush().context("cannot write to stdout")?;
    Ok(Outcome::Clean)
}
