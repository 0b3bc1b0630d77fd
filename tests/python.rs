//! The Python package's tests (pytest in `crates/python/tests/`), run by the Python the package is
//! installed in: `$SARING_PYTHON` (`.ci/run` builds the package into a venv and sets it).

use std::process::Command;

use crate::util::*;

/// Skips when `$SARING_PYTHON` is unset, unless `SARING_REQUIRE_PYTHON=1` (CI) makes that a failure.
#[test]
fn python_package_tests_pass() {
    let Some(python) = std::env::var_os("SARING_PYTHON") else {
        assert!(
            std::env::var_os("SARING_REQUIRE_PYTHON").is_none(),
            "SARING_REQUIRE_PYTHON is set but SARING_PYTHON (a python with saring, pytest, pyarrow and ray) is not"
        );
        eprintln!(
            "SKIPPED python_package_tests_pass: set SARING_PYTHON to a python with the package installed (see .ci/run)"
        );
        return;
    };
    let output = Command::new(python)
        .args([
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "crates/python/tests",
        ])
        .current_dir(repo())
        .env("SARING_BIN", env!("CARGO_BIN_EXE_saring"))
        .output()
        .unwrap();
    assert_exit!(output, 0);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let summary = stdout.lines().last().unwrap_or_default();
    eprintln!("pytest: {summary}");
    assert!(
        std::env::var_os("SARING_REQUIRE_PYTHON").is_none() || !summary.contains("skipped"),
        "SARING_REQUIRE_PYTHON is set but some Python tests were skipped:\n{stdout}"
    );
}
