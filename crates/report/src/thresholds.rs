//! The thresholds drawn on the signal histograms: the run's pipeline config, read through
//! saring-pipeline's map from signals to settings ([`PipelineConfig::thresholds_for`]), so the report
//! and `saring explain` name the same settings.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use saring_pipeline::{PipelineConfig, Threshold};

use crate::ReportError;

/// Largest config read, in bytes.
const MAX_CONFIG_BYTES: u64 = 16 * 1024 * 1024;

/// The run's pipeline config, for its thresholds.
#[derive(Debug)]
pub(crate) struct Thresholds {
    config: PipelineConfig,
}

impl Thresholds {
    /// Reads the pipeline config at `path`.
    pub(crate) fn read(path: &Path) -> Result<Thresholds, ReportError> {
        let file = File::open(path).map_err(|e| ReportError::io(path, e))?;
        let mut text = String::new();
        file.take(MAX_CONFIG_BYTES)
            .read_to_string(&mut text)
            .map_err(|e| ReportError::io(path, e))?;
        let config = PipelineConfig::from_toml(&text).map_err(|e| ReportError::BadConfig {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        Ok(Thresholds { config })
    }

    /// The config the run recorded in `run.json` ([`RunInfo`](crate::RunInfo)), with what it was (a
    /// config file's name, `--preset NAME`, or the default pipeline); `None` without a readable record.
    pub(crate) fn recorded(out_dir: &Path) -> Option<(Thresholds, String)> {
        let info = crate::RunInfo::read(out_dir)?;
        let config = PipelineConfig::from_toml(&info.config).ok()?;
        let source = info
            .config_path
            .unwrap_or_else(|| "the default pipeline".to_owned());
        Some((Thresholds { config }, source))
    }

    /// The active thresholds of the signal `signal` (`step.name`), defaults included.
    pub(crate) fn for_signal(&self, signal: &str) -> Vec<Threshold> {
        self.config.thresholds_for(signal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_config_and_rejects_a_bad_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.toml");
        std::fs::write(
            &path,
            "[[step]]\ntype = \"min_length\"\n[[step]]\ntype = \"langid\"\nmin_score = 0.65\n",
        )
        .unwrap();
        let t = Thresholds::read(&path).unwrap();
        assert_eq!(t.for_signal("min_length.chars")[0].value, 200.0);
        assert_eq!(t.for_signal("langid.score")[0].value, 0.65);
        std::fs::write(&path, "[[step]\n").unwrap();
        assert!(matches!(
            Thresholds::read(&path),
            Err(ReportError::BadConfig { .. })
        ));
    }
}
