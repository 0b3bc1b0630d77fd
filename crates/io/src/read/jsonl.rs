//! Stub, replaced by the reader's owner.
use std::collections::BTreeMap;
use std::path::Path;

use saring_core::Document;

use super::{DocReader, ReadError, ReaderConfig};

/// Stub.
pub(crate) struct JsonlDocs;

impl JsonlDocs {
    pub(crate) fn open(path: &Path, config: &ReaderConfig) -> Result<JsonlDocs, ReadError> {
        let _ = (path, config);
        todo!()
    }
}

impl Iterator for JsonlDocs {
    type Item = Result<Document, ReadError>;
    fn next(&mut self) -> Option<Self::Item> {
        todo!()
    }
}

impl DocReader for JsonlDocs {
    fn skipped(&self) -> &BTreeMap<String, u64> {
        todo!()
    }
    fn bytes_read(&self) -> u64 {
        todo!()
    }
}
