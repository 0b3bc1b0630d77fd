//! Writing the report next to the run's outputs, atomically.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::{ReportError, ReportOptions, render_report};

/// The report's file name in the run directory.
pub const REPORT_FILE: &str = "report.html";

/// Renders the report of the run in `out_dir` and writes it to `out_dir/report.html`; returns that path.
pub fn write_report(out_dir: &Path, options: &ReportOptions) -> Result<PathBuf, ReportError> {
    let path = out_dir.join(REPORT_FILE);
    write_report_to(out_dir, options, &path)?;
    Ok(path)
}

/// Renders the report of the run in `out_dir` and writes it to `path`: to a temporary file beside it,
/// synced, then renamed, so a reader sees the old report or the new one, never half of one.
pub fn write_report_to(out_dir: &Path, options: &ReportOptions, path: &Path) -> Result<(), ReportError> {
    let page = render_report(out_dir, options)?;
    write_atomic(path, page.as_bytes())
}

/// Writes `bytes` to a temporary file beside `path`, syncs it, then renames it to `path`.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    let name = path
        .file_name()
        .map_or_else(|| REPORT_FILE.into(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        ReportError::io(path, e)
    })
}
