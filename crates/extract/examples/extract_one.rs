//! Prints the extraction of one HTML file (UTF-8, lossy) as text, with the title and language to stderr.
//!
//! ```text
//! cargo run -p saring-extract --example extract_one -- page.html
//! ```

use saring_extract::{ExtractConfig, Extractor};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(path) = std::env::args_os().nth(1) else {
        return Err("usage: extract_one FILE.html".into());
    };
    let html = String::from_utf8_lossy(&std::fs::read(path)?).into_owned();
    let page = Extractor::new(&ExtractConfig::default()).extract(&html);
    eprintln!("title: {:?}\nlanguage: {:?}", page.title, page.language);
    print!("{}", page.text);
    Ok(())
}
