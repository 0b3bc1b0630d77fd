use std::path::PathBuf;

/// Why a fastText model could not be loaded.
///
/// As usual for error chains, [`ModelError::Read`] and [`ModelError::InFile`] name the file and leave the
/// cause to [`std::error::Error::source`] (print with `{:#}` in anyhow, or walk the chain).
///
/// Parse errors name the byte offset in the model file where the problem was found, so a truncated or
/// corrupt download can be told apart from a model of an unsupported kind.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// The model file could not be read.
    #[error("cannot read model file {}", path.display())]
    Read {
        /// The path given.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The file's SHA-256 is not the one the caller expected.
    #[error("model file {}: sha256 is {actual}, expected {expected}", path.display())]
    Checksum {
        /// The path given.
        path: PathBuf,
        /// The checksum the caller asked for (lowercase hex).
        expected: String,
        /// The file's checksum (lowercase hex).
        actual: String,
    },
    /// The expected checksum is not 64 hexadecimal digits.
    #[error("expected sha256 {0:?} is not 64 hexadecimal digits")]
    BadChecksum(String),
    /// A model file was readable but is not a usable fastText model; the path is the file's.
    #[error("model file {}", path.display())]
    InFile {
        /// The path given.
        path: PathBuf,
        /// What is wrong with its contents.
        source: Box<ModelError>,
    },
    /// The file does not start with fastText's magic number.
    #[error("not a fastText model (magic number {0:#010x}, expected 0x2f4f16ba)")]
    BadMagic(u32),
    /// The fastText binary format version is newer than this reader knows.
    #[error("unsupported fastText format version {0} (versions 11 and 12 are supported)")]
    Version(i32),
    /// The file ends before a field the format requires.
    #[error("model truncated at byte {offset}: cannot read {what}")]
    Truncated {
        /// Where the missing field starts.
        offset: usize,
        /// The field that could not be read.
        what: &'static str,
    },
    /// A field holds a value the format does not allow, or that contradicts another field.
    #[error("invalid model at byte {offset}: {message}")]
    Invalid {
        /// Where the offending field ends.
        offset: usize,
        /// What is wrong.
        message: String,
    },
    /// The model built into saring could not be loaded (a broken build).
    #[error("the embedded lid.176 model cannot be loaded: {0}")]
    Embedded(String),
}
