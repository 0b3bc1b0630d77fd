#!/usr/bin/env bash
# Byte-identity check for extractor changes: runs the extract step alone (JSONL, uncompressed) over the 862 pages of
# bench/data/pipeline/all.warc.gz with two saring binaries and compares every document's text and metadata.
#
# Usage: bash bench/extract-identity.sh OLD_SARING NEW_SARING
#
# Prints "identical" and exits 0 when both outputs are the same bytes; else prints the ids of the documents that
# differ (first 20) and exits 1. Run bench/pipeline.sh once first to make the WARC.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 2 ] || { echo "usage: $0 OLD_SARING NEW_SARING" >&2; exit 2; }
WARC=bench/data/pipeline/all.warc.gz
[ -s "$WARC" ] || { echo "error: $WARC not found (bash bench/pipeline.sh makes it)" >&2; exit 2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
printf 'seed = 0\n\n[[step]]\ntype = "extract"\n\n[output]\nformat = "jsonl"\ncompression = "none"\n' >"$WORK/extract.toml"
for side in old new; do
    if [ "$side" = old ]; then bin=$1; else bin=$2; fi
    "$bin" run --config "$WORK/extract.toml" "$WARC" -o "$WORK/$side" --threads 1 >/dev/null 2>&1
done
if cmp -s "$WORK/old/00000-00000.jsonl" "$WORK/new/00000-00000.jsonl"; then
    echo "identical: $(wc -l <"$WORK/new/00000-00000.jsonl") documents"
    exit 0
fi
python3 - "$WORK/old/00000-00000.jsonl" "$WORK/new/00000-00000.jsonl" <<'PY'
import json, sys
old = {d["id"]: d for d in map(json.loads, open(sys.argv[1]))}
new = {d["id"]: d for d in map(json.loads, open(sys.argv[2]))}
differ = sorted(i for i in old.keys() | new.keys() if old.get(i) != new.get(i))
print(f"{len(differ)} documents differ:")
for i in differ[:20]:
    print(" ", i)
PY
exit 1
