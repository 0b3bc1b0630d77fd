//! Integration tests of the `saring` binary: one test binary, one module per area.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice
)]

#[macro_use]
mod util;

mod bad_input;
mod cli;
mod dedup;
mod explain;
mod extract;
mod filters;
mod langid;
mod objstore;
mod presets;
mod python;
mod ranks;
mod report;
mod resume;
mod run;
mod run_dedup;
