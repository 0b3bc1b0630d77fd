"""The whole chain, saring beside datatrove 0.10.1's FineWeb chain, on one WARC; see bench/pipeline.sh.

Every tool runs as its own process, measured from outside (bench/measure.py: user + system CPU of the process and
its threads, peak RSS). Each round runs every tool once, in an order that rotates from round to round; the tables
show medians. Writes bench/results/pipeline.md."""
import argparse
import glob
import itertools
import gzip
import json
import os

import measure

HERE = os.path.dirname(os.path.abspath(__file__))


def warc_sizes(path):
    """(gzipped bytes, uncompressed bytes, response records, payload bytes) of the WARC make-warc wrote, read as a
    stream so that this process stays small (a child's peak RSS counts the parent's memory before `exec`)."""
    raw = responses = payload = 0
    with gzip.open(path, 'rb') as f:
        while True:
            line = f.readline()
            if not line:
                break
            if not line.startswith(b'WARC/'):
                raw += len(line)
                continue
            head = [line]
            while line not in (b'\r\n', b''):
                line = f.readline()
                head.append(line)
            fields = dict(l.decode('latin-1').partition(':')[::2] for l in head[1:] if b':' in l)
            fields = {k.strip().lower(): v.strip() for k, v in fields.items()}
            block = f.read(int(fields.get('content-length', 0)))
            raw += sum(map(len, head)) + len(block)
            if fields.get('warc-type') == 'response':
                responses += 1
                http_end = block.find(b'\r\n\r\n')
                payload += len(block) - (http_end + 4 if http_end >= 0 else 0)
    return os.path.getsize(path), raw, responses, payload


def count_jsonl_gz(pattern):
    n = 0
    for path in glob.glob(pattern, recursive=True):
        with gzip.open(path, 'rt', encoding='utf-8') as f:
            n += sum(1 for _ in f)
    return n


def datatrove_steps(path):
    """[{name, total, dropped, reasons}] of the steps between reader and writer in datatrove's stats.json."""
    with open(path, encoding='utf-8') as f:
        steps = json.load(f)
    out = []
    for st in steps:
        if 'READER' in st['name'] or 'WRITER' in st['name']:
            continue
        c = {k: v['total'] if isinstance(v, dict) else v for k, v in st['stats'].items()}
        out.append({'name': st['name'].split(': ', 1)[-1], 'total': c.get('total', 0), 'dropped': c.get('dropped', 0),
                    'reasons': {k[len('dropped_'):]: v for k, v in c.items() if k.startswith('dropped_')}})
    return out


def reasons(counts):
    """' (reason n, …)' most frequent first, or '' when there are none."""
    if not counts:
        return ''
    return ' (' + ', '.join(f'{k} {v}' for k, v in sorted(counts.items(), key=lambda kv: -kv[1])) + ')'


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--saring', required=True)
    ap.add_argument('--python', required=True, help="the venv's python with datatrove")
    ap.add_argument('--datatrove-script', required=True)
    ap.add_argument('--warc', required=True)
    ap.add_argument('--work', required=True)
    ap.add_argument('--rounds', type=int, default=5)
    a = ap.parse_args()

    stored, raw, responses, payload = warc_sizes(a.warc)
    started = measure.now()
    load_start = measure.loadavg()
    tools = {
        'datatrove': lambda out: [a.python, a.datatrove_script, a.warc, out, '--languages', 'all'],
        'saring-1': lambda out: [a.saring, 'run', a.warc, '-o', out, '--preset', 'fineweb', '--threads', '1'],
        'saring-2': lambda out: [a.saring, 'run', a.warc, '-o', out, '--preset', 'fineweb', '--threads', '2'],
    }
    names = list(tools)
    results = {name: [] for name in names}
    log = []
    for r, name, out, m in measure.rounds(tools, a.rounds, a.work):
        if name == 'datatrove':
            m['kept'] = count_jsonl_gz(os.path.join(out, '*.jsonl.gz'))
            m['read'] = responses
        else:
            with open(os.path.join(out, 'stats.json'), encoding='utf-8') as f:
                stats = json.load(f)
            m['kept'] = stats['kept']
            m['read'] = stats['read']
            m['stats'] = stats
        results[name].append(m)
        log.append(f'round {r} {name:10} cpu {m["cpu"]:7.2f} s  wall {m["wall"]:7.2f} s  '
                   f'rss {m["rss_mb"]:5.0f} MB  read {m["read"]}  kept {m["kept"]}')
        print(log[-1], flush=True)

    def med(name, key):
        return measure.median([m[key] for m in results[name]])

    dt_cpu = med('datatrove', 'cpu')
    mb = payload / 1e6
    warc_mb = raw / 1e6
    lines = [
        '# Benchmark: the whole chain, saring beside datatrove\'s FineWeb chain\n',
        f'Measured {started:%Y-%m-%d %H:%M} UTC. To reproduce, from the repository root with the shared folder at '
        '`../shared`:\n',
        '```\nbash bench/pipeline.sh\n```\n',
        f'- Machine: {measure.machine()}.',
        f'- The machine is **shared**: load average {load_start} at the start and {measure.loadavg()} at the end. '
        'Compare the ratios measured in one run, not the absolute figures.',
        f'- saring: {measure.saring_version()}.',
        '- datatrove 0.10.1 with trafilatura 1.11.0 and fasttext-predict, in its own venv (`bench/pipeline.sh` pins '
        'them).\n',
        f'Input: `bench/data/pipeline/all.warc.gz`, made by `make-warc` from the four extraction sets '
        '(scrapinghub, readability, cleanportaleval, trafilatura_eval): '
        f'{stored:,} bytes gzipped, {raw:,} uncompressed, {responses:,} response records with {payload:,} bytes '
        'of HTML (HTTP bodies).\n',
        'The chain, the same in both: read WARC → extract the main text → language filter (lid.176, any language '
        'scoring above 0.65) → Gopher repetition → Gopher quality → C4 quality (without the terminal-punctuation '
        'rule) → FineWeb quality → PII (e-mail and IP addresses) → JSONL. datatrove runs '
        '`../shared/bench/datatrove-fineweb.py` (one task, one worker: Trafilatura with favour_precision, datatrove\'s '
        'filters, gzip JSONL); saring runs `saring run all.warc.gz -o OUT --preset fineweb` (`presets/fineweb.toml`) '
        '(its own extractor, its language ID with the close-pair stage, its ports of the same filters, zstd JSONL) '
        'with `--threads 1` and `--threads 2`. The documents each step sees differ because the extractors differ (the '
        'second table shows each tool\'s drops step by step); the quality '
        'filters themselves give datatrove\'s verdicts and signals on the same text (the parity test in '
        '`crates/filters/tests/`).\n',
        '| tool | CPU-s (median) | MB of uncompressed WARC per CPU-s | MB of HTML per CPU-s | pages per CPU-s '
        '| × datatrove (CPU) | wall s | peak RSS MB | kept | rounds |',
        '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ]
    labels = {
        'datatrove': 'datatrove 0.10.1 FineWeb chain (one worker)',
        'saring-1': 'saring run, `--threads 1`',
        'saring-2': 'saring run, `--threads 2`',
    }
    for name in names:
        cpu = med(name, 'cpu')
        lines.append(
            f'| {labels[name]} | {cpu:.2f} | {warc_mb / cpu:.1f} | {mb / cpu:.1f} | {responses / cpu:.0f} | '
            f'{dt_cpu / cpu:.1f} | '
            f'{med(name, "wall"):.2f} | {med(name, "rss_mb"):.0f} | {results[name][-1]["kept"]} | '
            f'{len(results[name])} |')
    stats = results['saring-1'][-1]['stats']
    lines.append('\nWhere saring\'s time goes and why each tool drops documents (last round; saring `--threads 1`, from '
                 'its `stats.json`: wall seconds inside each step, which on a loaded machine include waiting for a '
                 'core, so read the shares; datatrove from its `OUT_logs/stats.json`, its steps in the same order, '
                 'reader and writer left out):\n')
    steps = stats.get('steps', [])
    dt_steps = datatrove_steps(os.path.join(a.work, 'out-datatrove_logs', 'stats.json'))
    total = sum(s.get('cpu_secs', s.get('secs', 0.0)) for s in steps) or 1.0
    lines.append('| step | saring in | saring dropped (why) | saring wall s in step | share | datatrove step | '
                 'datatrove in | datatrove dropped (why) |')
    lines.append('|---|---:|---|---:|---:|---|---:|---|')
    for s, d in itertools.zip_longest(steps, dt_steps, fillvalue={}):
        secs = s.get('cpu_secs', s.get('secs', 0.0))
        lines.append(f'| {s.get("name", "")} | {s.get("total", "")} | {s.get("dropped", "")}'
                     f'{reasons(s.get("drop_reasons", {}))} | {secs:.2f} | {100 * secs / total:.0f}% | '
                     f'{d.get("name", "")} | {d.get("total", "")} | {d.get("dropped", "")}'
                     f'{reasons(d.get("reasons", {}))} |')
    sr1 = med('saring-1', 'cpu')
    met = 'met' if dt_cpu / sr1 >= 50 else 'not met'
    lines.append(
        f'\n## What it shows\n\nOn the same {responses} pages, saring used {dt_cpu / sr1:.1f}× less CPU than datatrove\'s '
        f'FineWeb chain ({sr1:.2f} against {dt_cpu:.2f} CPU-s, medians of {a.rounds} rounds): '
        f'{warc_mb / sr1:.1f} against {warc_mb / dt_cpu:.2f} MB of uncompressed WARC per CPU-second '
        f'({mb / sr1:.1f} against {mb / dt_cpu:.2f} MB of HTML). The issue\'s end-to-end target, ≥ 50× datatrove\'s '
        f'MB of uncompressed WARC per CPU-second, is **{met}** in this run ({dt_cpu / sr1:.1f}×). For sizing a cluster '
        '(docs/cluster.md), one core of this machine runs the whole chain at about '
        f'{responses / sr1:.0f} pages per second.')
    measure.write_results(os.path.join(HERE, 'results', 'pipeline.md'), lines, log)


if __name__ == '__main__':
    main()
