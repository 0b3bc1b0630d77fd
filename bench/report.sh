#!/usr/bin/env bash
# The run report of 10,000+ documents: its size, and how long headless Chromium takes to open it.
#
# Usage: bash bench/report.sh [DOCS]      (default 10000)
#
# Makes DOCS synthetic JSONL documents (texts of 70 to 2,600 characters, every tenth a copy), runs
# `saring run` over them (min_length 300, so some are dropped), then opens OUT/report.html in headless
# Chromium five times two ways: (1) the time from navigation start to the load event of the report in an
# iframe of a wrapper page, read from performance.now() in that page; (2) the wall time of the whole
# `chromium --dump-dom` process, beside the same for an empty page (browser start-up). Prints the figures;
# bench/results/report.md records them. Needs /usr/bin/chromium, python3 and cargo; CARGO_TARGET_DIR is
# honoured; the debug build is used (the report's size and opening time do not depend on it), or the
# binary named by $SARING.
set -euo pipefail
cd "$(dirname "$0")/.."

docs=${1:-10000}
chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || { echo "report.sh: $chromium is missing (apt-get install -y chromium)" >&2; exit 2; }
if [ -z "${SARING:-}" ]; then
    cargo build --quiet --bin saring
    SARING="${CARGO_TARGET_DIR:-target}/debug/saring"
fi
saring=$(realpath "$SARING")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$docs" > "$work/in.jsonl" <<'EOF'
import json, sys
for i in range(int(sys.argv[1])):
    source = i - 5 if i % 10 == 9 else i
    text = "".join(f"Sentence {k} of the doc{source} story talks about something worth reading. "
                   for k in range(1 + source % 37))
    print(json.dumps({"id": f"d{i}", "text": text, "url": f"https://h{i % 13}.example/{i}"}))
EOF
printf '[[step]]\ntype = "min_length"\nmin_chars = 300\n' > "$work/p.toml"
(cd "$work" && "$saring" run in.jsonl -o out --config p.toml 2>&1 | tail -n 3)

cat > "$work/out/wrapper.html" <<'EOF'
<!DOCTYPE html><html><body><p id="t">not loaded</p>
<iframe src="report.html" width="1280" height="2000"
 onload="document.getElementById('t').textContent = 'loaded in ' + performance.now().toFixed(0) + ' ms'"></iframe>
</body></html>
EOF
echo '<!DOCTYPE html><html><body></body></html>' > "$work/out/empty.html"

browser() {
    "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --no-first-run --user-data-dir="$(mktemp -d -p "$work")" \
        --window-size=1280,2000 --allow-file-access-from-files --dump-dom "file://$work/out/$1" 2>/dev/null
}
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

echo "report.sh: $docs documents; report.html $(stat -c %s "$work/out/report.html") bytes; load $(cut -d' ' -f1-3 /proc/loadavg)"
for round in 1 2 3 4 5; do
    start=$(date +%s%N); loaded=$(browser wrapper.html | grep -o 'loaded in [0-9]* ms' || echo 'not loaded'); wrapper=$(ms "$start")
    start=$(date +%s%N); browser report.html > /dev/null; report=$(ms "$start")
    start=$(date +%s%N); browser empty.html > /dev/null; empty=$(ms "$start")
    echo "report.sh: round $round: in-page: report $loaded; processes: report $report ms, empty page $empty ms (wrapper $wrapper ms)"
done
