#!/usr/bin/env python3
"""Main-content extraction: saring beside trafilatura, resiliparse and readability-lxml (the anchors of issue 10),
in one run, on the four sets of ../shared/data/extraction/; writes bench/results/extract.md.

Run through bench/extract.sh (it builds saring's extract_dir example and the anchors' venv). Each tool runs as its
own process per set: saring as `extract_dir SET/html OUT.jsonl`, the anchors as
`../shared/data/extraction/run-anchors.py ROOT OUT -x NAME -d SET -j 1` (unchanged). Two CPU figures per run:
 * the extraction call alone, as each tool reports it (the anchors: time.process_time around the call, which
   includes any decoding of the bytes the library does; saring: thread CPU time around `Extractor::extract`, on
   HTML already decoded to a string), which gives "MB of HTML per CPU-second", the issue's speed measure;
 * the whole process, from os.wait4 (start-up, imports, reading and gunzipping the pages, decoding, writing).
All outputs are scored with ../shared/tools/score-extraction (its default metric).
"""
import argparse
import json
import os
import re
import shutil
import sys

import measure as m

SETS = ['scrapinghub', 'readability', 'cleanportaleval', 'trafilatura_eval']
ANCHORS = ['trafilatura', 'trafilatura_precision', 'resiliparse', 'readability_lxml']
LABEL = {
    'saring': 'saring (`extract_dir` example)',
    'trafilatura': 'trafilatura (default)',
    'trafilatura_precision': 'trafilatura favor_precision',
    'resiliparse': 'resiliparse (main_content)',
    'readability_lxml': 'readability-lxml',
}
BEST = {'scrapinghub': ('trafilatura favor_precision', 0.959, 0.97, '≥'),
        'readability': ('readability-lxml', 0.965, 0.965, '>'),
        'cleanportaleval': ('readability-lxml', 0.945, 0.945, '>'),
        'trafilatura_eval': ('trafilatura default', 0.917, 0.917, '>')}
ISSUE_RESILIPARSE = {'scrapinghub': 96.7, 'readability': 72.7, 'cleanportaleval': 35.1, 'trafilatura_eval': 73.5}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--extract-dir', required=True, help="saring's extract_dir example binary")
    ap.add_argument('--anchor-python', required=True)
    ap.add_argument('--shared', required=True)
    ap.add_argument('--work', required=True)
    ap.add_argument('--anchors', default=','.join(ANCHORS), help='comma-separated subset of ' + ','.join(ANCHORS))
    ap.add_argument('--rounds', type=int, default=3, help='rounds of the fast tools (saring, resiliparse)')
    ap.add_argument('--markdown', default=os.path.join(m.HERE, 'results', 'extract.md'))
    a = ap.parse_args()
    root = os.path.join(a.shared, 'data', 'extraction')
    anchors_py = os.path.join(root, 'run-anchors.py')
    scorer = os.path.join(a.shared, 'tools', 'score-extraction')
    anchors = [x for x in a.anchors.split(',') if x]
    skipped = [x for x in ANCHORS if x not in anchors]
    tools = ['saring'] + anchors
    fast = {'saring', 'resiliparse'}
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    started, load_start = m.now(), m.loadavg()
    runs, log = {}, []
    for ds in SETS:
        for r in range(a.rounds):
            todo = [t for t in tools if r == 0 or t in fast]
            todo = todo[r % len(todo):] + todo[:r % len(todo)]
            for t in todo:
                pred_dir = os.path.join(a.work, f'r{r}', t)
                os.makedirs(pred_dir, exist_ok=True)
                if t == 'saring':
                    x = m.run([a.extract_dir, os.path.join(root, ds, 'html'), os.path.join(pred_dir, f'{ds}.jsonl')])
                    mt = re.search(r'([\d.]+) MB, ([\d.]+) CPU s extraction', x['err'])
                    inner = {'mb': float(mt.group(1)), 'cpu_s': float(mt.group(2))} if mt else None
                    fails = 0
                else:
                    out = os.path.join(a.work, f'r{r}', 'anchors')
                    x = m.run([a.anchor_python, anchors_py, root, out, '-x', t, '-d', ds, '-j', '1'])
                    tj = json.load(open(os.path.join(out, 'timing.json')))[t][ds] if x['rc'] == 0 else None
                    inner = {'mb': tj['html_bytes'] / 1e6, 'cpu_s': tj['cpu_s']} if tj else None
                    fails = tj['failures'] if tj else None
                    src = os.path.join(out, t, f'{ds}.jsonl')
                    if os.path.exists(src):
                        shutil.copy(src, os.path.join(pred_dir, f'{ds}.jsonl'))
                if x['rc'] != 0 or inner is None:
                    log.append(f'{ds} round {r + 1} {t}: FAILED rc={x["rc"]}: {x["err"][-400:]}')
                    print(log[-1], file=sys.stderr)
                    continue
                runs.setdefault((ds, t), []).append({'outer': x['cpu'], 'wall': x['wall'], 'rss': x['rss_mb'],
                                                     'inner': inner['cpu_s'], 'mb': inner['mb'], 'fails': fails})
                log.append(f'{ds} round {r + 1} {t}: extraction {inner["cpu_s"]:.2f} CPU-s for {inner["mb"]:.1f} MB; '
                           f'process {x["cpu"]:.2f} CPU-s, {x["wall"]:.2f} s wall')
                print(log[-1], file=sys.stderr)
    finished, load_end = m.now(), m.loadavg()

    # scores of the first round's outputs
    scores = {}
    for t in tools:
        x = m.run([sys.executable, scorer, '--root', root, '--preds', os.path.join(a.work, 'r0', t), '--json'])
        scores[t] = json.loads(x['out']) if x['rc'] == 0 else {}
    vers = m.run([a.anchor_python, '-c', 'from importlib import metadata as md; print(", ".join(f"{p} {md.version(p)}" '
                  'for p in ["trafilatura", "resiliparse", "readability-lxml", "lxml", "lxml_html_clean"]))'])['out'].strip()

    def med(ds, t, k):
        return m.median([x[k] for x in runs[(ds, t)]])

    def rate(ds, t):
        return runs[(ds, t)][0]['mb'] / med(ds, t, 'inner')

    L = []
    w = L.append
    w('# Benchmark: main-content extraction (issue 10)\n')
    w(f'Measured {started:%Y-%m-%d %H:%M} UTC; the measuring took {(finished - started).total_seconds() / 60:.0f} '
      'minutes. To reproduce, run this from the repository root, with the shared folder at `../shared`:\n')
    w('```\nbash bench/extract.sh\n```\n')
    w('It makes a venv with the anchors in `bench/data/venv-extract`, builds saring\'s `extract_dir` example '
      '(release), then runs `bench/extract.py`. It rewrites this file.\n')
    w(f'- Machine: {m.machine()}.')
    w(f'- The machine is **shared** with other engineers who compile on it: the load average was {load_start} at the '
      f'start of the run and {load_end} at the end. Absolute numbers move from run to run; compare the ratios '
      'between tools measured in one run.')
    w(f'- saring: {m.saring_version()}.')
    w(f'- Anchors: Python {sys.version.split()[0]}, {vers}, run by `../shared/data/extraction/run-anchors.py` '
      'unchanged.' + (f' **Skipped in this run:** {", ".join(skipped)}.' if skipped else '') + '\n')
    w('Method: each tool runs as its own single-threaded process per set: saring as `extract_dir SET/html OUT.jsonl` '
      '(`crates/extract/examples/extract_dir.rs`, default `ExtractConfig`), each anchor as `run-anchors.py ROOT OUT '
      f'-x NAME -d SET -j 1`. saring and resiliparse run {a.rounds} rounds per set (order rotating), the slower '
      'anchors once; medians shown. Quality is scored on the first round\'s output with '
      '`../shared/tools/score-extraction --root ../shared/data/extraction --preds DIR` (default metric: 4-gram '
      'shingles for the text sets, pooled snippets for `trafilatura_eval`).\n')
    w('Speed: "MB/CPU-s" is MB (10^6 bytes) of raw HTML per CPU-second of the extraction call alone, as each tool '
      'times it itself. One difference: the anchors\' timed call gets raw bytes and includes the decoding each '
      'library does (resiliparse: `detect_encoding` + `bytes_to_str`), while saring\'s example decodes the bytes '
      'to a string (UTF-8 check; `<meta charset>` or chardetng for the few non-UTF-8 pages) before its timer starts. '
      '"process CPU-s" is the whole process from `wait4` (start-up, imports, reading and gunzipping the pages, '
      'decoding, writing) and has no such difference, but Python start-up and imports weigh on the small sets.\n')
    w('Parser: saring reads HTML with its own tokenizer (`crates/extract/src/tokenizer.rs`: `memchr` scanning, '
      'tokens borrowed from the input, the standard\'s rules for tags, attributes, character references, comments '
      'and raw text) since commit 032a139. Until then it used html5ever 0.40\'s tokenizer, at 137.0 / 132.2 / '
      '73.8 / 109.7 MB/CPU-s on the four sets (1.28-1.68x resiliparse; this file as of 2026-11-26 15:03 UTC). '
      'Measured back to back on this machine with `extract_dir` (2026-11-26, before any other change), the switch '
      'took scrapinghub from 143.9 to 309.7 MB/CPU-s, readability 140.3 to 307.3, cleanportaleval 77.8 to 152.0 '
      'and trafilatura_eval 112.9 to 235.1, with the same text to the byte on all 862 pages.\n')

    w('## Against the targets of issue 10\n')
    w('| set | best anchor, issue (F1) | this run: that anchor F1 | saring target | this run: saring P / R / F1 | '
      'met? | issue: resiliparse MB/s/core | this run: resiliparse MB/CPU-s | this run: saring MB/CPU-s | '
      'saring ÷ resiliparse (target ≥ 2) |')
    w('|---|---|---:|---|---|---|---:|---:|---:|---:|')
    inv = {v: k for k, v in LABEL.items()}
    for ds in SETS:
        name, f1, tgt, op = BEST[ds]
        key = {'trafilatura favor_precision': 'trafilatura_precision', 'readability-lxml': 'readability_lxml',
               'trafilatura default': 'trafilatura'}[name]
        af1 = scores.get(key, {}).get(ds, {}).get('f1')
        s = scores['saring'].get(ds, {})
        met = (s['f1'] >= tgt if op == '≥' else s['f1'] > tgt) if s else None
        rr = rate(ds, 'resiliparse') if (ds, 'resiliparse') in runs else None
        sr = rate(ds, 'saring') if (ds, 'saring') in runs else None
        w(f'| {ds} | {name} {f1:.3f} | {f"{af1:.3f}" if af1 is not None else "not run"} | F1 {op} {tgt:.3f} | '
          f'{s["precision"]:.3f} / {s["recall"]:.3f} / {s["f1"]:.3f} | {"yes" if met else "no"} | '
          f'{ISSUE_RESILIPARSE[ds]} | {f"{rr:.1f}" if rr else "not run"} | {f"{sr:.1f}" if sr else "–"} | '
          f'{f"{sr / rr:.2f}" if rr and sr else "–"} |')
    w('')

    w('## All tools and sets\n')
    w('| set | tool | P | R | F1 | empty | failures | MB/CPU-s (extraction) | × resiliparse | extraction CPU-s | '
      'process CPU-s | wall s | rounds |')
    w('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
    for ds in SETS:
        base = rate(ds, 'resiliparse') if (ds, 'resiliparse') in runs else None
        for t in tools:
            if (ds, t) not in runs:
                w(f'| {ds} | {LABEL[t]} | failed | | | | | | | | | | |')
                continue
            s = scores.get(t, {}).get(ds, {})
            r0 = rate(ds, t)
            w(f'| {ds} | {LABEL[t]} | {s.get("precision", float("nan")):.3f} | {s.get("recall", float("nan")):.3f} | '
              f'{s.get("f1", float("nan")):.3f} | {s.get("empty", "?")} | {runs[(ds, t)][0]["fails"]} | {r0:.1f} | '
              f'{f"{r0 / base:.2f}" if base else "–"} | {med(ds, t, "inner"):.2f} | {med(ds, t, "outer"):.2f} | '
              f'{med(ds, t, "wall"):.2f} | {len(runs[(ds, t)])} |')
    w('\nRaw HTML per set (MB, 10^6 bytes): ' + ', '.join(
        f'{ds} {runs[(ds, "saring")][0]["mb"]:.1f}' for ds in SETS if (ds, 'saring') in runs) +
      '. "× resiliparse" divides the tool\'s MB/CPU-s by resiliparse\'s on the same set. "failures": exceptions in '
      'the anchors (scored as empty output). P/R/F1 of `trafilatura_eval` are the snippet metric.\n')
    m.write_results(a.markdown, L, log)


if __name__ == '__main__':
    main()
