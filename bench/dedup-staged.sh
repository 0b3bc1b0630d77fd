#!/usr/bin/env bash
# Peak RSS and CPU of each stage of a staged dedup run (one process per stage, one rank), and the run's pair
# F1 and same-host false pairs, for the memory-growth target of issue 12 (compare two corpus sizes).
#
# Usage: bash bench/dedup-staged.sh SARING CORPUS.jsonl.gz TRUTH.tsv WORKDIR
#   SARING: the saring binary; CORPUS and TRUTH from ../shared/tools/make-neardup-corpus; WORKDIR is created
#   (keep it out of the repository) and holds the work files, the output and the clusters TSV.
# Prints one line per stage (`stage max_rss_kb cpu_s`), the largest peak RSS, then score-neardup's JSON.
set -euo pipefail
[ $# -eq 4 ] || { sed -n 2,9p "$0" >&2; exit 2; }
SARING=$1 CORPUS=$2 TRUTH=$3 WORK=$4
SHARED="$(cd "$(dirname "$0")/.." && pwd)/../shared"
rm -rf "$WORK"; mkdir -p "$WORK"
peak=0
for stage in lines boilerplate signatures buckets cluster filter; do
    extra=(); [ "$stage" = filter ] && extra=(-o "$WORK/out" --clusters "$WORK/pred.tsv")
    /usr/bin/time -v "$SARING" dedup "$stage" "$CORPUS" --work "$WORK/work" --threads 1 "${extra[@]}" \
        2> "$WORK/$stage.time" > /dev/null
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/$stage.time")
    cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u + s}' "$WORK/$stage.time")
    echo "$stage $rss $cpu"
    [ "$rss" -gt "$peak" ] && peak=$rss
done
echo "peak_rss_kb $peak"
python3 "$SHARED/tools/score-neardup" "$TRUTH" "$WORK/pred.tsv" --corpus "$CORPUS" --json
