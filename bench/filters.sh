#!/usr/bin/env bash
# The four quality filters only: saring beside datatrove 0.10.1's chain (GopherRepetition → GopherQuality → C4 →
# FineWeb, bench/filters_py.py) on the 2,832 documents of ../shared/data/filters/documents.jsonl.gz, in one run;
# writes bench/results/filters.md.
#
# Usage: bash bench/filters.sh [--rounds N]   (arguments go to bench/filters.py; default 3 rounds)
#
# Needs python3 (with venv), cargo and ../shared next to the repository. Makes, once, the venv
# bench/data/venv-filters (git-ignored) with the pinned packages below (spaCy gives datatrove its English word
# tokenizer, regex its C4 sentence splitter, orjson its JsonlReader; nothing is downloaded at run time), builds saring
# (release; CARGO_TARGET_DIR is honoured).
set -euo pipefail
cd "$(dirname "$0")/.."

SHARED=../shared
VENV=bench/data/venv-filters
WORK=bench/data/filters
PY_PACKAGES='datatrove==0.10.1 spacy==3.8.18 regex==2026.11.19 orjson==3.13.0'

[ -s "$SHARED/data/filters/documents.jsonl.gz" ] || { echo "error: $SHARED/data/filters/documents.jsonl.gz not found" >&2; exit 2; }
mkdir -p "$WORK" bench/results

# shellcheck source=bench/common.sh
. bench/common.sh
pinned_venv "$VENV" "$PY_PACKAGES"
release_saring

exec python3 bench/filters.py --saring "$SARING" --python "$VENV/bin/python" \
    --documents "$SHARED/data/filters/documents.jsonl.gz" --work "$WORK" "$@"
