#!/usr/bin/env bash
# Renders the report of the bundled example run in headless Chromium, checks that every chart is in the
# rendered DOM, and takes a screenshot. With --update-docs, copies both, and the dataset card, into docs/report/.
#
#   crates/report/tests/browser.sh [--update-docs]
#
# Needs /usr/bin/chromium (Debian: apt-get install -y chromium). The Rust test
# `renders_in_headless_chromium` (cargo test -p saring-report) does the same checks on a synthetic run.
set -euo pipefail

root=$(cd "$(dirname "$0")/../../.." && pwd)
chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || { echo "browser.sh: $chromium is missing (apt-get install -y chromium)" >&2; exit 2; }

(cd "$root" && cargo build --quiet --bin saring)
saring="${CARGO_TARGET_DIR:-$root/target}/debug/saring"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Relative paths, so that the report names `out` and `example-pipeline.toml` wherever it is made.
cp "$root/examples/crawl.warc.gz" "$root/docs/report/example-pipeline.toml" "$work/"
cd "$work"
"$saring" run crawl.warc.gz -o out --config example-pipeline.toml
"$saring" report out --config example-pipeline.toml

browser() {
    "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --no-first-run --user-data-dir="$(mktemp -d -p "$work")" \
        --window-size="1280,${height:-2000}" "$@" "file://$work/out/report.html" 2>"$work/chromium.log"
}

start=$(date +%s%N)
browser --dump-dom > dom.html
echo "browser.sh: started Chromium, loaded the page and dumped its DOM in $(( ($(date +%s%N) - start) / 1000000 )) ms"
for id in funnel-chart bytes-chart languages-chart domains-chart length-histogram signal-0 signal-1 throughput-docs dropped-0; do
    grep -q "id=\"$id\"" dom.html || { echo "browser.sh: #$id missing from the rendered DOM" >&2; exit 1; }
done
grep -q 'class="threshold"' dom.html || { echo "browser.sh: no threshold line" >&2; exit 1; }
if grep -qi '<script' dom.html; then echo "browser.sh: the page has a script" >&2; exit 1; fi
# Tall enough to show every section down to the throughput chart.
height=5200 browser --screenshot="$work/report.png"
size=$(stat -c %s out/report.html)
echo "browser.sh: ok: report $size bytes, screenshot $(stat -c %s report.png) bytes"

if [ "${1:-}" = "--update-docs" ]; then
    cp out/report.html "$root/docs/report/example-report.html"
    cp report.png "$root/docs/report/example-report.png"
    cp out/README.md "$root/docs/report/example-card.md"
    echo "browser.sh: updated docs/report/example-report.{html,png} and example-card.md"
fi
