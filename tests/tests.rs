//! Integration tests of the `saring` binary: one test binary, one module per area.

#[macro_use]
mod util;

mod bad_input;
mod cli;
mod run;
