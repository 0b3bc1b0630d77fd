#!/usr/bin/env bash
# Near-duplicate dedup: saring dedup beside datasketch and datatrove 0.10.1 (via ../shared/data/dedup/run-baselines.py),
# in one run, on corpora of ../shared/tools/make-neardup-corpus; writes bench/results/dedup.md.
#
# Usage: bash bench/dedup.sh [--rounds N] [--anchor-docs N] [--main-docs N] [--big-docs N]
#        (arguments go to bench/dedup.py; defaults: 3 rounds of saring, all three tools on 20,000 documents,
#        saring and datasketch on the issue's 100,000, saring alone on 1,000,000 for memory growth)
#
# Needs python3 (with venv), cargo, GNU time at /usr/bin/time (for run-baselines.py) and ../shared next to the
# repository. Makes, once, in bench/data/dedup/ (git-ignored): corpus-{20k,100k,1000k}.jsonl.gz with their truth and
# meta TSVs (--seed 1; the 1M corpus takes several minutes, ~900 MB, and several GB of RAM to make), and the venv
# bench/data/venv-dedup with the pinned anchors below. About 9 minutes on 2 busy cores (load 7-9) once those exist
# and saring is built; datatrove on 20k documents is most of it. CARGO_TARGET_DIR is honoured.
set -euo pipefail
cd "$(dirname "$0")/.."

SHARED=../shared
DATA=bench/data/dedup
VENV=bench/data/venv-dedup
PY_PACKAGES='datatrove==0.10.1 datasketch==2.0.0 spacy==3.8.18 regex nltk tokenizers orjson xxhash<4'

[ -d "$SHARED/data/dedup" ] || { echo "error: $SHARED (the shared folder) not found next to the repository" >&2; exit 2; }
mkdir -p "$DATA" bench/results

# the corpora: --docs N for every N the run uses (read from the arguments, else the defaults)
docs_list="20000 100000 1000000"
args_copy=("$@")
for ((i = 0; i < ${#args_copy[@]}; i++)); do
    case "${args_copy[$i]}" in
        --anchor-docs) docs_list="${args_copy[$((i + 1))]} ${docs_list#* }" ;;
    esac
done
for ((i = 0; i < ${#args_copy[@]}; i++)); do
    case "${args_copy[$i]}" in
        --main-docs|--big-docs) docs_list="$docs_list ${args_copy[$((i + 1))]}" ;;
    esac
done
for n in $docs_list; do
    [ "$n" -gt 0 ] || continue
    k="$((n / 1000))k"
    if [ ! -s "$DATA/corpus-$k.jsonl.gz" ]; then
        echo "== making $DATA/corpus-$k.jsonl.gz (--docs $n --seed 1)" >&2
        meta=(--meta "$DATA/corpus-$k.meta.tsv")
        [ "$n" -le 100000 ] || meta=()   # the memory-growth corpus is scored without --meta
        python3 "$SHARED/tools/make-neardup-corpus" --source "$SHARED/data/dedup/source-texts.jsonl.gz" \
            --docs "$n" --seed 1 -o "$DATA/part-corpus-$k.jsonl.gz" --truth "$DATA/corpus-$k.truth.tsv" "${meta[@]}"
        mv "$DATA/part-corpus-$k.jsonl.gz" "$DATA/corpus-$k.jsonl.gz"
    fi
done

if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.pinned" 2>/dev/null)" != "$PY_PACKAGES" ]; then
    echo "== installing $PY_PACKAGES into $VENV" >&2
    python3 -m venv "$VENV"
    # shellcheck disable=SC2086
    "$VENV/bin/pip" install --quiet --disable-pip-version-check $PY_PACKAGES
    echo "$PY_PACKAGES" > "$VENV/.pinned"
fi

TARGET=$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
echo "== cargo build --release (saring)" >&2
cargo build --release --bin saring

exec python3 bench/dedup.py --saring "$TARGET/release/saring" --data "$DATA" --shared "$SHARED" \
    --anchor-python "$VENV/bin/python" "$@"
