#!/usr/bin/env python3
"""Near-duplicate dedup: `saring dedup` beside datasketch and datatrove 0.10.1 (the anchors of issue 12), in one run;
writes bench/results/dedup.md.

Run through bench/dedup.sh, which makes the corpora with ../shared/tools/make-neardup-corpus, the venv and saring.
saring runs as its own process in two modes: clusters only (`saring dedup CORPUS --clusters C.tsv --threads 1`: read,
signatures, clustering, the clusters TSV, no documents written, like the anchors) and full (`-o OUT` as well: the
survivors written as zstd JSONL); its CPU time (user + system) and peak RSS come from os.wait4. The anchors run through ../shared/data/dedup/run-baselines.py (--only NAME), which
runs each in one child process under /usr/bin/time -v (the same rusage numbers). Every prediction is scored with
../shared/tools/score-neardup --corpus --meta.
"""
import argparse
import json
import os
import shutil
import sys

import measure as m


def score(scorer, truth, pred, corpus=None, meta=None):
    cmd = [sys.executable, scorer, truth, pred, '--json']
    if corpus:
        cmd += ['--corpus', corpus]
    if meta:
        cmd += ['--meta', meta]
    r = m.run(cmd)
    if r['rc'] != 0:
        raise SystemExit(f'score-neardup failed: {r["err"]}')
    return json.loads(r['out'])


def hand_sections(path):
    """The sections of the existing results file whose `## ` heading says "by hand": they come from measurements
    this script does not make, so a rerun keeps them."""
    try:
        text = open(path, encoding='utf-8').read()
    except FileNotFoundError:
        return []
    sections, current = [], None
    for line in text.split('\n'):
        if line.startswith('## '):
            if current is not None:
                sections.append('\n'.join(current).rstrip('\n') + '\n')
            current = [line] if 'by hand' in line else None
        elif current is not None:
            current.append(line)
    if current is not None:
        sections.append('\n'.join(current).rstrip('\n') + '\n')
    return sections


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--saring', required=True)
    ap.add_argument('--data', required=True, help='folder with corpus-{N}.jsonl.gz, .truth.tsv, .meta.tsv')
    ap.add_argument('--shared', required=True)
    ap.add_argument('--anchor-python', required=True, help='Python with datasketch and datatrove installed')
    ap.add_argument('--anchor-docs', type=int, default=20000, help='corpus on which all three tools run')
    ap.add_argument('--main-docs', type=int, default=100000, help='corpus of the issue: saring and datasketch')
    ap.add_argument('--big-docs', type=int, default=1000000, help='corpus for saring\'s memory growth (0: skip)')
    ap.add_argument('--rounds', type=int, default=3)
    ap.add_argument('--markdown', default=os.path.join(m.HERE, 'results', 'dedup.md'))
    a = ap.parse_args()
    # a folder of this run's own, so two runs at once (or another user of the data folder) do not collide
    work = os.path.join(a.data, 'work', f'run-{os.getpid()}')
    os.makedirs(work, exist_ok=True)
    tools_dir = os.path.join(a.shared, 'tools')
    scorer = os.path.join(tools_dir, 'score-neardup')
    baselines = os.path.join(a.shared, 'data', 'dedup', 'run-baselines.py')
    started, load_start = m.now(), m.loadavg()

    def files(n):
        k = f'{n // 1000}k'
        c = os.path.join(a.data, f'corpus-{k}')
        meta = c + '.meta.tsv'
        return k, c + '.jsonl.gz', c + '.truth.tsv', meta if os.path.exists(meta) else None

    log, rows = [], []

    modes = {
        'clusters': ('saring dedup, clusters only (`--clusters C.tsv`, no `-o`)', 'saring (clusters only)'),
        'full': ('saring dedup, survivors written (`-o OUT --clusters C.tsv`)', 'saring (full)'),
    }

    def run_saring(n, rounds, mode, same_as=None):
        """Runs saring in `mode`; with `same_as` (the other mode's row on this corpus), checks that the clusters
        TSV is byte-identical to that row's and takes its score instead of scoring again."""
        k, corpus, truth, meta = files(n)
        res = []
        out = os.path.join(work, f'saring-{mode}-{k}')
        clusters = os.path.join(work, f'saring-{mode}-{k}.pred.tsv')
        for r in range(rounds):
            shutil.rmtree(out, ignore_errors=True)
            if mode == 'full':
                cmd = [a.saring, 'dedup', corpus, '-o', out, '--clusters', clusters, '--threads', '1']
                stats_json = os.path.join(out, 'stats.json')
            else:
                cmd = [a.saring, 'dedup', corpus, '--clusters', clusters, '--threads', '1']
                stats_json = os.path.splitext(clusters)[0] + '.stats.json'
            x = m.run(cmd)
            if x['rc'] != 0:
                raise SystemExit(f'saring dedup ({mode}) failed on {k}: {x["err"]}')
            st = json.load(open(stats_json))
            x['stages'] = {key: st[f'{key}_cpu_secs'] for key in ('lines', 'signature', 'cluster', 'read')}
            res.append(x)
            stages = ', '.join(f'{key} {v:.2f}' for key, v in x['stages'].items())
            log.append(f'saring {mode} {k} round {r + 1}: {x["cpu"]:.2f} CPU-s, {x["wall"]:.2f} s wall, '
                       f'{x["rss_mb"]:.0f} MB peak RSS; stage CPU-s (stats.json): {stages}; '
                       f'{x["err"].strip().splitlines()[-1]}')
            print(log[-1], file=sys.stderr)
            shutil.rmtree(out, ignore_errors=True)
        if same_as:
            with open(clusters, 'rb') as f1, open(same_as['pred'], 'rb') as f2:
                if f1.read() != f2.read():
                    raise SystemExit(f'the clusters TSV of saring {mode} on {k} differs from the other mode\'s')
            s = same_as['score']
        else:
            s = score(scorer, truth, clusters, corpus, meta)
        cpu = m.median([x['cpu'] for x in res])
        stages = {key: m.median([x['stages'][key] for x in res]) for key in res[0]['stages']}
        return {'tool': modes[mode][0], 'short': modes[mode][1], 'key': f'saring-{mode}', 'docs': n, 'cpu': cpu,
                'stages': stages, 'rss': m.median([x['rss_mb'] for x in res]), 'pred': clusters,
                'wall': m.median([x['wall'] for x in res]), 'rounds': rounds, 'score': s, 'k': k}

    def run_anchor(name, n):
        k, corpus, truth, meta = files(n)
        wd = os.path.join(work, f'{name}-{k}')
        shutil.rmtree(wd, ignore_errors=True)
        cmd = [a.anchor_python, baselines, '--corpus', corpus, '--truth', truth, '--workdir', wd, '--only', name,
               '--scorer', scorer]
        if meta:
            cmd += ['--meta', meta]
        x = m.run(cmd)
        if x['rc'] != 0:
            log.append(f'{name} {k}: FAILED: {x["err"][-500:]}')
            print(log[-1], file=sys.stderr)
            return None
        r = json.load(open(os.path.join(wd, 'results.json')))[name]
        me = r['measure']
        split = ', '.join(f'{kk} {vv}' for kk, vv in me.items() if kk.startswith('cpu_') and kk != 'cpu_s')
        log.append(f'{name} {k}: {me["cpu_s"]:.2f} CPU-s, {me["wall"]} wall, {me["peak_rss_mb"]:.0f} MB peak RSS '
                   f'(/usr/bin/time -v in run-baselines.py); in-process CPU split: {split}')
        print(log[-1], file=sys.stderr)
        label = {'datasketch': 'datasketch (14 × 8, run-baselines.py)',
                 'datatrove': 'datatrove 0.10.1 (14 × 8, run-baselines.py)'}[name]
        wall = 0.0
        for part in str(me['wall']).split(':'):  # GNU time's h:mm:ss or m:ss.ss
            wall = wall * 60 + float(part)
        return {'tool': label, 'short': name, 'key': name, 'docs': n, 'cpu': me['cpu_s'], 'rss': me['peak_rss_mb'],
                'wall': wall, 'rounds': 1, 'score': r['score'], 'k': k}

    # the shared corpus of all three tools, then the corpus, then the big one
    n = a.anchor_docs
    rows.append(run_saring(n, a.rounds, 'clusters'))
    rows.append(run_saring(n, a.rounds, 'full', rows[-1]))
    for name in ('datasketch', 'datatrove'):
        r = run_anchor(name, n)
        if r:
            rows.append(r)
    n = a.main_docs
    rows.append(run_saring(n, a.rounds, 'clusters'))
    rows.append(run_saring(n, a.rounds, 'full', rows[-1]))
    r = run_anchor('datasketch', n)
    if r:
        rows.append(r)
    bigs = {}
    if a.big_docs:
        bigs['clusters'] = run_saring(a.big_docs, 1, 'clusters')
        bigs['full'] = run_saring(a.big_docs, 1, 'full', bigs['clusters'])
    shutil.rmtree(work, ignore_errors=True)
    finished, load_end = m.now(), m.loadavg()

    # ---- report
    from importlib import metadata as md
    vers = {}
    for p in ('datasketch', 'datatrove', 'spacy', 'numpy'):
        x = m.run([a.anchor_python, '-c', f'from importlib import metadata; print(metadata.version("{p}"))'])
        vers[p] = x['out'].strip() or '?'
    L = []
    w = L.append
    w('# Benchmark: near-duplicate dedup (issue 12)\n')
    w(f'Measured {started:%Y-%m-%d %H:%M} UTC; the measuring took {(finished - started).total_seconds() / 60:.0f} '
      'minutes (making the corpora is not counted). To reproduce, run this from the repository root, with the shared '
      'folder at `../shared`:\n')
    w('```\nbash bench/dedup.sh\n```\n')
    w('It makes the corpora in `bench/data/dedup/` with `../shared/tools/make-neardup-corpus --source '
      '../shared/data/dedup/source-texts.jsonl.gz --docs N --seed 1`, a venv with the anchors in '
      '`bench/data/venv-dedup`, builds saring (release), then runs `bench/dedup.py`. It rewrites this file.\n')
    w(f'- Machine: {m.machine()}.')
    w(f'- The machine is **shared** with other engineers who compile on it: the load average was {load_start} at the '
      f'start of the run and {load_end} at the end. Absolute numbers move from run to run; compare the ratios '
      'between tools measured in one run.')
    w(f'- saring: {m.saring_version()}.')
    w(f'- Anchors: Python {sys.version.split()[0]}, datasketch {vers["datasketch"]}, datatrove {vers["datatrove"]} '
      f'(spacy {vers["spacy"]}), numpy {vers["numpy"]}, run by `../shared/data/dedup/run-baselines.py` unchanged.\n')
    w('Method: saring runs in two modes, both one-shot with the default config and `--threads 1`: **clusters only**, '
      '`saring dedup CORPUS --clusters C.tsv` (reads the corpus, computes signatures, clusters, writes the clusters '
      'TSV and its stats; no documents written: what the anchors do, so the like-for-like figure), and **full**, '
      '`saring dedup CORPUS -o OUT --clusters C.tsv` (the same, and the surviving documents written as zstd JSONL '
      'shards). The two write the same clusters TSV, byte for byte (the bench checks it and scores it once). Its CPU '
      'time (user + system, all threads) and peak RSS come from `wait4` on its process; '
      f'{a.rounds} rounds of each mode on each corpus, medians shown, except one run of each on the big corpus. The '
      'anchors run through `run-baselines.py --only NAME`, which runs each in one child process under '
      '`/usr/bin/time -v` (the same rusage figures: user + system CPU, peak RSS), once each; they read the corpus, '
      'compute signatures, cluster and write only their cluster lists. Every tool is single-threaded. CPU time covers '
      'the whole process. Every prediction is scored with `../shared/tools/score-neardup TRUTH PRED --corpus CORPUS '
      '--meta META`. "× datasketch" divides datasketch\'s CPU time on the same corpus by the tool\'s (above 1: less '
      'CPU).\n')
    if a.anchor_docs != a.main_docs:
        w(f'**Corpora.** datatrove needs about 540 CPU-s on the issue\'s 100k corpus (`BASELINES.md`), more than this '
          f'shared 2-core machine allows for one script, so all three tools run on the same smaller corpus, '
          f'`--docs {a.anchor_docs} --seed 1`; saring and datasketch also run on the issue\'s 100k corpus '
          f'(`--docs {a.main_docs} --seed 1`). datatrove was **not** run on 100k here.\n')

    w('## Against the targets of issue 12\n')
    w('"issue" columns are the figures quoted in the issue (`../shared/data/dedup/BASELINES.md`, 100k corpus); the '
      'other columns are this run.\n')
    by = {(r['key'], r['k']): r for r in rows}
    kA, kM = f'{a.anchor_docs // 1000}k', f'{a.main_docs // 1000}k'
    cols = [('saring-clusters', kM), ('saring-full', kM), ('datasketch', kM), ('saring-clusters', kA),
            ('saring-full', kA), ('datasketch', kA), ('datatrove', kA)]
    cols = [c for c in cols if c in by]
    w('| measure | issue: datasketch | issue: datatrove | target | ' +
      ' | '.join(f'this run: {by[c]["short"]} {c[1]}' for c in cols) + ' |')
    w('|---|---:|---:|---|' + '---:|' * len(cols))

    def g(c, f):
        return f(by[c])
    w('| docs per CPU-second, whole process | 1,232 | 186 | ≥ 50,000 | ' +
      ' | '.join(g(c, lambda r: m.fmt_int(r['docs'] / r['cpu'])) for c in cols) + ' |')
    w('| pair F1 | 0.173 | 0.167 | ≥ 0.80 | ' +
      ' | '.join(g(c, lambda r: f"{r['score']['pair_f1']:.3f}") for c in cols) + ' |')
    w('| false-positive pairs within one host | 229,675 | 262,962 | ≤ 23,000 | ' +
      ' | '.join(g(c, lambda r: m.fmt_int(r['score']['fp_pairs_same_host'])) for c in cols) + ' |')
    w('| peak RSS | 589 MB | 144 MB | ≤ 100 bytes per added document | ' +
      ' | '.join(g(c, lambda r: f"{r['rss']:.0f} MB") for c in cols) + ' |')
    w('')
    head = by.get(('saring-clusters', kM))
    full = by.get(('saring-full', kM))
    if head and full:
        rate, full_rate = head['docs'] / head['cpu'], full['docs'] / full['cpu']
        verdict = 'met' if rate >= 50000 else '**not met**'
        w(f'**Headline (speed):** on the issue\'s {head["docs"]:,}-document corpus, saring in the clusters-only mode '
          f'(the anchors\' work: read, signatures, clustering, cluster list) ran at **{m.fmt_int(rate)} docs per '
          f'CPU-second** for the whole process: the target of 50,000 is {verdict}. The full dedup, which also writes '
          f'the surviving documents as zstd JSONL, ran at '
          f'{m.fmt_int(full_rate)} docs per CPU-second.\n')
    for mode, big in bigs.items():
        small = by[(f'saring-{mode}', kM)]
        grow = (big['rss'] - small['rss']) * 1024 * 1024 / (big['docs'] - small['docs'])
        w(f'**Memory growth ({big["short"]}):** peak RSS {small["rss"]:.0f} MB on {small["docs"]:,} '
          f'documents, {big["rss"]:.0f} MB on {big["docs"]:,} (`--docs {big["docs"]} --seed 1`, one run, '
          f'{big["cpu"]:.1f} CPU-s = {m.fmt_int(big["docs"] / big["cpu"])} docs/CPU-s, {big["wall"]:.0f} s wall): '
          f'{grow:,.0f} bytes per added document (MiB = 2^20 bytes; target ≤ 100).\n')
    if bigs:
        big = bigs['clusters']
        w(f'On the big corpus pair F1 was {big["score"]["pair_f1"]:.3f} (P {big["score"]["pair_precision"]:.3f}, '
          f'R {big["score"]["pair_recall"]:.3f}), with {m.fmt_int(big["score"]["fp_pairs"])} false pairs, '
          f'{m.fmt_int(big["score"]["fp_pairs_same_host"])} of them within one host and '
          f'{m.fmt_int(big["score"].get("fp_pairs_cross_host", 0))} across hosts; largest predicted cluster '
          f'{big["score"]["largest_pred_cluster"]} (scored with `--corpus`, without `--meta`: the big corpus is made '
          f'without it; both modes wrote the same clusters TSV).\n')

    w('CPU seconds of saring by stage (`stats.json` of each round, medians; the rest of the whole-process figure '
      'is start-up and the work directory). In the clusters-only mode `lines` keeps no copy of the documents and '
      '`filter` only writes the clusters TSV:\n')
    w('| corpus | mode | `lines` + `boilerplate` (read, tokenise, work copy) | `signatures` | `buckets` + `cluster` | '
      '`filter` | whole process |')
    w('|---|---|---:|---:|---:|---:|---:|')
    for r in rows + list(bigs.values()):
        if 'stages' in r:
            st = r['stages']
            w(f"| {r['docs']:,} | {r['short']} | {st['lines']:.2f} | {st['signature']:.2f} | {st['cluster']:.2f} | "
              f"{st['read']:.2f} | {r['cpu']:.2f} |")
    w('')
    # sections measured by hand (their heading says "by hand", with the date and commit) are kept as they are
    for section in hand_sections(a.markdown):
        w(section)
    w('## All runs\n')
    w('| corpus | tool | CPU-s (median) | docs/CPU-s | × datasketch | wall s | peak RSS MB | pair P | pair R | '
      'pair F1 | FP pairs | same-host FP pairs | largest pred. cluster | rounds |')
    w('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
    for r in rows:
        s = r['score']
        base = by.get(('datasketch', r['k']))
        ratio = f"{base['cpu'] / r['cpu']:.1f}" if base else '–'
        wall = f"{r['wall']:.1f}"
        w(f"| {r['docs']:,} | {r['tool']} | {r['cpu']:.2f} | {m.fmt_int(r['docs'] / r['cpu'])} | {ratio} | {wall} | "
          f"{r['rss']:.0f} | {s['pair_precision']:.3f} | {s['pair_recall']:.3f} | {s['pair_f1']:.3f} | "
          f"{m.fmt_int(s['fp_pairs'])} | {m.fmt_int(s.get('fp_pairs_same_host', 0))} | {s['largest_pred_cluster']} | "
          f"{r['rounds']} |")
    w('')
    w('Copy recall by role (a copy shares a predicted cluster with its original; `--meta`; `near:X` = near copies '
      'with edit X):\n')
    roles = ['exact', 'mirror', 'near', 'near:edit', 'near:add', 'near:drop', 'near:format', 'near:truncate',
             'near:comments']
    w('| corpus | tool | ' + ' | '.join(roles) + ' | falsely merged docs by role |')
    w('|---|---|' + '---:|' * len(roles) + '---|')
    for r in rows:
        cr = r['score'].get('copy_recall_by_role', {})
        fm = r['score'].get('falsely_merged_docs_by_role', {})
        w(f"| {r['docs']:,} | {r['tool']} | " + ' | '.join(f"{cr[x]:.3f}" if x in cr else '–' for x in roles) +
          ' | ' + ', '.join(f'{k} {v}' for k, v in fm.items()) + ' |')
    m.write_results(a.markdown, L, log)


if __name__ == '__main__':
    main()
