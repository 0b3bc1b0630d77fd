//! What the WARC and ARC readers share: where a reader stands between records, and how one call to
//! `next_record` turns a read attempt into an item and the next state.

use crate::error::Error;

/// Where a reader stands between two calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    /// At a record boundary (possibly after blank lines).
    Ready,
    /// After a bad record: skip lines until one that can start a record.
    Resync,
    /// The input ended or failed; nothing more will be yielded.
    Done,
}

/// A reader that can attempt to read one record at a time.
pub(crate) trait ReadRecord {
    /// The record type yielded.
    type Record;

    /// The reader's state and the index the next item will have.
    fn position(&mut self) -> (&mut State, &mut u64);

    /// Reads one record: `Ok(None)` at the end of the input, `Err` with the state to go on in.
    fn read_record(&mut self, index: u64) -> Result<Option<Self::Record>, (Error, State)>;
}

/// One `next_record` call: `None` once the input is done, else the record or the error, each taking the
/// next index.
pub(crate) fn next_record<R: ReadRecord>(reader: &mut R) -> Option<Result<R::Record, Error>> {
    let (state, index) = reader.position();
    if *state == State::Done {
        return None;
    }
    let index = *index;
    let (item, next) = match reader.read_record(index) {
        Ok(None) => (None, State::Done),
        Ok(Some(record)) => (Some(Ok(record)), State::Ready),
        Err((err, state)) => (Some(Err(err)), state),
    };
    let (state, next_index) = reader.position();
    *state = next;
    if item.is_some() {
        *next_index = index + 1;
    }
    item
}
