#!/usr/bin/env bash
# The whole chain: saring beside datatrove 0.10.1's FineWeb chain (../shared/bench/datatrove-fineweb.py: WARC reader,
# Trafilatura, fastText language filter, Gopher repetition and quality, C4, FineWeb, PII, JSONL writer), in one run,
# on one WARC of the four extraction sets; writes bench/results/pipeline.md.
#
# Usage: bash bench/pipeline.sh [--rounds N]   (arguments go to bench/pipeline.py; default 5 rounds)
#
# Needs python3 (with venv), cargo and ../shared next to the repository. Makes, once, the venv
# bench/data/venv-pipeline (git-ignored) with the pinned packages below and bench/data/pipeline/all.warc.gz, builds
# saring (release; CARGO_TARGET_DIR is honoured). About a minute a round on a quiet machine; datatrove is most of it.
set -euo pipefail
cd "$(dirname "$0")/.."

SHARED=../shared
VENV=bench/data/venv-pipeline
WORK=bench/data/pipeline
PY_PACKAGES='datatrove[processing,io]==0.10.1 trafilatura==1.11.0 faust-cchardet==3.2.0 python-magic==0.4.27 lxml_html_clean==0.4.6 spacy==3.8.18 fasttext-predict==0.9.2.4 fasttext-numpy2-wheel==0.9.2'

[ -d "$SHARED/bench" ] || { echo "error: $SHARED (the shared folder) not found next to the repository" >&2; exit 2; }
mkdir -p "$WORK" bench/results

# shellcheck source=bench/common.sh
. bench/common.sh
pinned_venv "$VENV" "$PY_PACKAGES"

SETS=("$SHARED"/data/extraction/{scrapinghub,readability,cleanportaleval,trafilatura_eval})
if [ ! -s "$WORK/all.warc.gz" ]; then
    echo "== make-warc $WORK/all.warc.gz" >&2
    python3 "$SHARED/tools/make-warc" "$WORK/all.warc.gz" "${SETS[@]}"
fi

release_saring

exec python3 bench/pipeline.py --saring "$SARING" --python "$VENV/bin/python" \
    --datatrove-script "$SHARED/bench/datatrove-fineweb.py" --warc "$WORK/all.warc.gz" --work "$WORK" "$@"
