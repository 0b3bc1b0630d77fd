//! Writing the report next to the run's outputs, atomically.

use std::io::Write;
use std::path::{Path, PathBuf};

use saring_io::{OutputDir, write_atomic};

use crate::{
    CARD_FILE, CardOutcome, RUN_INFO_FILE, ReportError, ReportOptions, RunInfo, render_report, write_card,
};

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
/// and Python's `saring.run` write after the pipeline. When the run was `already_complete` (nothing
/// was redone) and its `run.json`, report and card are there, nothing is rewritten, so a resubmitted
/// job changes no file.
pub fn record_run(
    out_dir: &Path,
    info: &RunInfo,
    options: &ReportOptions,
    already_complete: bool,
) -> RunRecords {
    let out = OutputDir::open(out_dir);
    let exists = |name: &str| out.as_ref().is_ok_and(|out| out.size(name).is_ok());
    if already_complete && [RUN_INFO_FILE, REPORT_FILE, CARD_FILE].into_iter().all(exists) {
        let out = out.as_ref().ok();
        return RunRecords {
            run_info: Ok(()),
            report_and_card: out.map(|out| {
                let card = CardOutcome::Unchanged(out.location(CARD_FILE));
                (Ok(out.location(REPORT_FILE)), Ok(card))
            }),
        };
    }
    let run_info = info.write(out_dir);
    let merged = exists("stats.json");
    RunRecords {
        run_info,
        report_and_card: merged.then(|| (write_report(out_dir, options), write_card(out_dir, options))),
    }
}
