"""The four quality filters only, saring beside datatrove 0.10.1's chain, on documents.jsonl.gz; see bench/filters.sh.

Every tool runs as its own process, measured from outside (bench/measure.py: user + system CPU of the process and
its threads, peak RSS). Each round runs every tool once, in an order that rotates from round to round; the tables
show medians. datatrove's side (bench/filters_py.py) also reports the CPU time spent inside its four filters, the
figure its own stats show (as wall time) and the one the issue's target is about. Writes bench/results/filters.md."""
import argparse
import glob
import gzip
import json
import os

import measure

HERE = os.path.dirname(os.path.abspath(__file__))


def kept_texts(paths):
    """{id: text} of the kept documents in the JSONL files at paths (gzip when the name ends in .gz)."""
    texts = {}
    for path in paths:
        with (gzip.open if path.endswith('.gz') else open)(path, 'rt', encoding='utf-8') as f:
            for line in f:
                d = json.loads(line)
                texts[d['id']] = d['text']
    return texts


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--saring', required=True)
    ap.add_argument('--python', required=True, help="the venv's python with datatrove")
    ap.add_argument('--documents', required=True)
    ap.add_argument('--work', required=True)
    ap.add_argument('--rounds', type=int, default=3)
    a = ap.parse_args()

    config = os.path.join(HERE, 'filters-chain.toml')
    # the same chain with gzip output, to show what compressing the kept documents costs
    os.makedirs(a.work, exist_ok=True)
    config_gz = os.path.join(a.work, 'filters-chain-gzip.toml')
    with open(config, encoding='utf-8') as f, open(config_gz, 'w', encoding='utf-8') as g:
        g.write(f.read().replace('compression = "none"', 'compression = "gzip"'))
    started = measure.now()
    load_start = measure.loadavg()
    tools = {
        'datatrove': lambda out: [a.python, os.path.join(HERE, 'filters_py.py'), a.documents, out],
        'saring-1': lambda out: [a.saring, 'run', a.documents, '-o', out, '--config', config, '--threads', '1'],
        'saring-1-gz': lambda out: [a.saring, 'run', a.documents, '-o', out, '--config', config_gz,
                                    '--threads', '1'],
    }
    names = list(tools)
    results = {name: [] for name in names}
    log = []
    for r, name, out, m in measure.rounds(tools, a.rounds, a.work):
        if not os.path.exists(os.path.join(out, 'stats.json')):
            raise SystemExit(f'{name} wrote no stats.json (rc {m["rc"]}): {m["err"]}')
        with open(os.path.join(out, 'stats.json'), encoding='utf-8') as f:
            m['stats'] = json.load(f)
        m['read'], m['kept'] = m['stats']['read'], m['stats']['kept']
        if name == 'datatrove':
            m['filters_cpu'] = sum(s['cpu_secs'] for s in m['stats']['steps'])
        results[name].append(m)
        extra = f'  in filters {m["filters_cpu"]:7.2f} s' if 'filters_cpu' in m else ''
        log.append(f'round {r} {name:10} cpu {m["cpu"]:7.2f} s{extra}  wall {m["wall"]:7.2f} s  '
                   f'rss {m["rss_mb"]:5.0f} MB  read {m["read"]}  kept {m["kept"]}')
        print(log[-1], flush=True)

    def med(name, key):
        return measure.median([m[key] for m in results[name]])

    dt, sr = results['datatrove'][-1], results['saring-1'][-1]
    docs = sr['read']
    dt_cpu, dt_filters, sr_cpu = med('datatrove', 'cpu'), med('datatrove', 'filters_cpu'), med('saring-1', 'cpu')
    gz_cpu = med('saring-1-gz', 'cpu')
    # read only now: a child's peak RSS counts this process's memory before `exec`
    dt_texts = kept_texts([os.path.join(a.work, 'out-datatrove', 'kept.jsonl')])
    sr_texts = kept_texts(sorted(glob.glob(os.path.join(a.work, 'out-saring-1', '*.jsonl*'))))
    dt_ids, sr_ids = set(dt_texts), set(sr_texts)
    same_text = sum(dt_texts[i] == sr_texts[i] for i in dt_ids & sr_ids)
    only_dt, only_sr = sorted(dt_ids - sr_ids), sorted(sr_ids - dt_ids)
    ratio = dt_filters / sr_cpu
    lines = [
        '# Benchmark: the four quality filters, saring beside datatrove\'s chain\n',
        f'Measured {started:%Y-%m-%d %H:%M} UTC. To reproduce, from the repository root with the shared folder at '
        '`../shared`:\n',
        '```\nbash bench/filters.sh\n```\n',
        f'- Machine: {measure.machine()}.',
        f'- The machine is **shared**: load average {load_start} at the start and {measure.loadavg()} at the end. '
        'Compare the ratios measured in one run, not the absolute figures.',
        f'- saring: {measure.saring_version()}.',
        '- datatrove 0.10.1 with spaCy 3.8.18 (its English word tokenizer), in its own venv (`bench/filters.sh` pins '
        'them).\n',
        f'Input: `../shared/data/filters/documents.jsonl.gz`, {docs:,} documents (`id`, `text`).\n',
        'The chain, the same in both: GopherRepetition → GopherQuality → C4 quality → FineWeb quality, each with '
        'datatrove 0.10.1\'s defaults (English; C4 with its terminal-punctuation rule, which also removes lines, so '
        'FineWeb sees C4\'s text). datatrove runs `bench/filters_py.py` (a JsonlReader and the four filters, each '
        'step\'s `run` consuming the one before, as its executor does; one process, one task); saring runs '
        '`saring run documents.jsonl.gz -o OUT --config bench/filters-chain.toml --threads 1` (the four filter steps '
        'only, uncompressed JSONL out, as datatrove\'s side writes). "CPU in the filters" is datatrove\'s CPU time '
        'inside the four `filter` calls '
        '(`time.process_time`); its own stats time the same calls with the wall clock. The whole process adds '
        'Python\'s start-up, imports, reading and decoding the JSONL.\n',
        '| tool | CPU-s, whole process (median) | CPU-s in the four filters (median) | ms per document | '
        '× datatrove (filters CPU) | × datatrove (whole process) | wall s | peak RSS MB | kept | rounds |',
        '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
        f'| datatrove 0.10.1, four filters (one task) | {dt_cpu:.2f} | {dt_filters:.2f} | '
        f'{1000 * dt_filters / docs:.2f} | 1.0 | 1.0 | {med("datatrove", "wall"):.2f} | '
        f'{med("datatrove", "rss_mb"):.0f} | {dt["kept"]} | {a.rounds} |',
        f'| saring run, four filters, `--threads 1` | {sr_cpu:.2f} | | {1000 * sr_cpu / docs:.2f} | {ratio:.1f} | '
        f'{dt_cpu / sr_cpu:.1f} | {med("saring-1", "wall"):.2f} | {med("saring-1", "rss_mb"):.0f} | {sr["kept"]} | '
        f'{a.rounds} |',
        f'| saring run, the same with gzip output | {gz_cpu:.2f} | | {1000 * gz_cpu / docs:.2f} | '
        f'{dt_filters / gz_cpu:.1f} | {dt_cpu / gz_cpu:.1f} | {med("saring-1-gz", "wall"):.2f} | '
        f'{med("saring-1-gz", "rss_mb"):.0f} | {results["saring-1-gz"][-1]["kept"]} | {a.rounds} |',
        '\nPer filter (last round). datatrove: CPU-s inside `filter` and the seconds of its own stats; saring: wall '
        'seconds inside each step from its `stats.json` (on a loaded machine these include waiting for a core). '
        'Documents dropped by each:\n',
        '| filter | datatrove CPU-s | datatrove stats s | datatrove dropped | saring step s | saring dropped |',
        '|---|---:|---:|---:|---:|---:|',
    ]
    for d, s in zip(dt['stats']['steps'], sr['stats'].get('steps', [])):
        lines.append(f'| {s.get("name", "?")} | {d["cpu_secs"]:.2f} | {d["datatrove_secs"]:.2f} | '
                     f'{d["dropped"].get("dropped", 0)} | {s.get("cpu_secs", s.get("secs", 0.0)):.2f} | '
                     f'{s.get("dropped", "?")} |')
    agree = f'the same documents, {same_text:,} of them with the same text out of C4' if not only_dt and not only_sr \
        else (
        f'not the same documents: {len(only_dt)} kept by datatrove only ({", ".join(only_dt[:10])}'
        f'{", …" if len(only_dt) > 10 else ""}), {len(only_sr)} by saring only ({", ".join(only_sr[:10])}'
        f'{", …" if len(only_sr) > 10 else ""})')
    met = 'met' if ratio >= 50 else 'not met'
    lines.append(
        f'\n## What it shows\n\nOn the same {docs:,} documents, datatrove kept {dt["kept"]:,} and saring '
        f'{sr["kept"]:,}: {agree}. saring\'s whole process used {ratio:.1f}× less CPU than datatrove spends inside '
        f'its four filters ({sr_cpu:.2f} against {dt_filters:.2f} CPU-s, medians of {a.rounds} rounds; '
        f'{dt_cpu / sr_cpu:.1f}× against datatrove\'s whole process, {dt_cpu:.2f} CPU-s). The issue\'s target, '
        f'≥ 50× less CPU than datatrove\'s filters, is **{met}** in this run. saring writes uncompressed JSONL, as '
        f'datatrove\'s side does; gzip output (the last row) costs it {gz_cpu - sr_cpu:.2f} CPU-s more '
        f'({dt_filters / gz_cpu:.1f}× datatrove\'s filters).')
    measure.write_results(os.path.join(HERE, 'results', 'filters.md'), lines, log)


if __name__ == '__main__':
    main()
