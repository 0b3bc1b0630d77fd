#!/usr/bin/env bash
# Read + write throughput of saring beside warcio, fastwarc, datatrove-style zstd JSONL and pyarrow Parquet, in one
# run; prints the tables and rewrites BENCHMARKS.md at the repository root.
#
# Usage: bash bench/read-write.sh [--read-rounds N] [--write-rounds N] [--markdown FILE | --markdown '']
#        (arguments go to bench/bench.py; defaults: 5 read rounds, 9 write rounds, BENCHMARKS.md)
#
# Needs python3 (with venv), gzip, cargo, and ../shared next to the repository. Makes, once, in bench/data/
# (git-ignored): big.warc.gz (make-warc of the four extraction sets, --repeat 10: 264 MB gzipped, 1.34 GB
# uncompressed) and docs.jsonl (50,000 documents, 96 MB); and bench/.venv with the pinned Python packages below.
# About 5 minutes on 2 cores once those exist and saring is built (making them takes about 2 more, plus the
# build). CARGO_TARGET_DIR is honoured.
set -euo pipefail
cd "$(dirname "$0")/.."

SHARED=../shared
DATA=bench/data
VENV=bench/.venv
PY_PACKAGES="warcio==1.8.1 fastwarc==2.0.1 zstandard==0.25.0 pyarrow==26.0.1"

[ -d "$SHARED/data/extraction" ] || { echo "error: $SHARED (the shared folder) not found next to the repository" >&2; exit 2; }
mkdir -p "$DATA"

if [ ! -s "$DATA/big.warc.gz" ]; then
    echo "== building $DATA/big.warc.gz (about a minute)" >&2
    python3 "$SHARED/tools/make-warc" "$DATA/big.warc.gz.part" \
        "$SHARED"/data/extraction/{scrapinghub,readability,cleanportaleval,trafilatura_eval} --repeat 10
    mv "$DATA/big.warc.gz.part" "$DATA/big.warc.gz"
fi

if [ ! -s "$DATA/docs.jsonl" ]; then
    echo "== building $DATA/docs.jsonl" >&2
    python3 "$SHARED/tools/make-neardup-corpus" --source "$SHARED/data/dedup/source-texts.jsonl.gz" \
        --docs 50000 --seed 1 -o "$DATA/docs.jsonl.gz" --truth "$DATA/docs.truth.tsv"
    gzip -dc "$DATA/docs.jsonl.gz" > "$DATA/docs.jsonl.part"
    mv "$DATA/docs.jsonl.part" "$DATA/docs.jsonl"
fi

if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.pinned" 2>/dev/null)" != "$PY_PACKAGES" ]; then
    echo "== installing $PY_PACKAGES into $VENV" >&2
    python3 -m venv "$VENV"
    # shellcheck disable=SC2086
    "$VENV/bin/pip" install --quiet --disable-pip-version-check $PY_PACKAGES
    echo "$PY_PACKAGES" > "$VENV/.pinned"
fi

TARGET=$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
args=()
echo "== cargo build --release (saring)" >&2
if cargo build --release --bin saring; then
    args+=(--saring "$TARGET/release/saring")
else
    echo "warning: saring does not build; its write rows are left out" >&2
    args+=(--saring-missing "cargo build --release failed")
fi
echo "== cargo build --release -p saring-io --example read_throughput" >&2
if cargo build --release -p saring-io --example read_throughput; then
    args+=(--reader "$TARGET/release/examples/read_throughput")
else
    echo "warning: the read_throughput example does not build; saring's read row is left out" >&2
    args+=(--reader-missing "cargo build --release -p saring-io --example read_throughput failed")
fi

exec "$VENV/bin/python" bench/bench.py --warc "$DATA/big.warc.gz" --docs "$DATA/docs.jsonl" "${args[@]}" "$@"
