//! Writing the report next to the run's outputs, atomically.

use std::io::Write;
use std::path::{Path, PathBuf};

use saring_io::{OutputDir, write_atomic};

use crate::{ReportError, ReportOptions, render_report};

/// The report's file name in the run directory.
pub const REPORT_FILE: &str = "report.html";

/// Renders the report of the run in `out_dir` and writes it to `out_dir/report.html` (an object when
/// `out_dir` is an object-store URL); returns that path.
pub fn write_report(out_dir: &Path, options: &ReportOptions) -> Result<PathBuf, ReportError> {
    let out = OutputDir::open(out_dir).map_err(|e| ReportError::io(out_dir, e))?;
    let page = render_report(out_dir, options)?;
    let path = out.location(REPORT_FILE);
    out.write(REPORT_FILE, page.as_bytes())
        .map_err(|e| ReportError::io(&path, e))?;
    Ok(path)
}

/// Renders the report of the run in `out_dir` and writes it to the local file `path` with
/// [`write_atomic`], so a reader sees the old report or the new one, never half of one.
pub fn write_report_to(out_dir: &Path, options: &ReportOptions, path: &Path) -> Result<(), ReportError> {
    let page = render_report(out_dir, options)?;
    write_atomic(path, |file| file.write_all(page.as_bytes())).map_err(|e| ReportError::io(path, e))
}
