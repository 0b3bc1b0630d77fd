//! Writing the report next to the run's outputs, atomically.

use std::io::Write;
use std::path::{Path, PathBuf};

use saring_io::{OutputDir, write_atomic};

use crate::{CardOutcome, ReportError, ReportOptions, RunInfo, render_report, write_card};

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

/// What [`record_run`] wrote. Each part fails on its own: a run's shards and stats stand without them.
#[derive(Debug)]
pub struct RunRecords {
    /// Writing `run.json`.
    pub run_info: Result<(), ReportError>,
    /// Writing the report and the dataset card, or `None` while the merged `stats.json` is not there
    /// yet (a rank of several that is not the last to finish).
    pub report_and_card: Option<(Result<PathBuf, ReportError>, Result<CardOutcome, ReportError>)>,
}

/// Records a finished run in `out_dir` (a directory or an object-store URL): `run.json` from `info`,
/// then, once the stats of the whole run are merged, the report and the dataset card. What `saring run`
/// and Python's `saring.run` write after the pipeline.
pub fn record_run(out_dir: &Path, info: &RunInfo, options: &ReportOptions) -> RunRecords {
    let run_info = info.write(out_dir);
    let merged = OutputDir::open(out_dir).and_then(|out| out.size("stats.json"));
    RunRecords {
        run_info,
        report_and_card: merged
            .is_ok()
            .then(|| (write_report(out_dir, options), write_card(out_dir, options))),
    }
}
