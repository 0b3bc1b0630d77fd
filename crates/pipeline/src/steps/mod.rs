//! Steps whose logic lives in a crate that knows nothing of documents: each adapts that crate to [`Step`].
//!
//! [`Step`]: saring_core::Step

mod extract;

pub use extract::ExtractStep;
