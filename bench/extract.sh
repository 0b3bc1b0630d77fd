#!/usr/bin/env bash
# Main-content extraction: saring beside trafilatura (default and favor_precision), resiliparse and readability-lxml
# (via ../shared/data/extraction/run-anchors.py), in one run, on the four sets of ../shared/data/extraction/, all
# scored with ../shared/tools/score-extraction; writes bench/results/extract.md.
#
# Usage: bash bench/extract.sh [--rounds N] [--anchors trafilatura,resiliparse,...]
#        (arguments go to bench/extract.py; defaults: 3 rounds of saring and resiliparse, every anchor once)
#
# Needs python3 (with venv), cargo, and ../shared next to the repository. Makes, once, the venv
# bench/data/venv-extract (git-ignored) with the pinned anchors below, builds saring's extract_dir example (release;
# CARGO_TARGET_DIR is honoured) and keeps the outputs in bench/data/extract/. About 6 minutes on 2 busy cores once the
# venv exists and saring is built.
set -euo pipefail
cd "$(dirname "$0")/.."

SHARED=../shared
VENV=bench/data/venv-extract
PY_PACKAGES="trafilatura==2.3.1 resiliparse==2.0.1 readability-lxml==0.9 lxml==6.1.3 lxml_html_clean==0.4.6"

[ -d "$SHARED/data/extraction" ] || { echo "error: $SHARED (the shared folder) not found next to the repository" >&2; exit 2; }
mkdir -p bench/data bench/results

if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.pinned" 2>/dev/null)" != "$PY_PACKAGES" ]; then
    echo "== installing $PY_PACKAGES into $VENV" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -U pip   # pip 23's resolver trips on lxml[html-clean]
    # shellcheck disable=SC2086
    "$VENV/bin/pip" install --quiet --disable-pip-version-check $PY_PACKAGES
    echo "$PY_PACKAGES" > "$VENV/.pinned"
fi

TARGET=$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
echo "== cargo build --release -p saring-extract --example extract_dir" >&2
cargo build --release -p saring-extract --example extract_dir

exec python3 bench/extract.py --extract-dir "$TARGET/release/examples/extract_dir" --anchor-python "$VENV/bin/python" \
    --shared "$SHARED" --work bench/data/extract "$@"
