"""datatrove 0.10.1's four quality filters as a chain, for bench/filters.py: JsonlReader → GopherRepetitionFilter →
GopherQualityFilter → C4QualityFilter → FineWebQualityFilter, each with its defaults, run the way datatrove's
executor runs a pipeline (each step's `run` consumes the generator of the step before it), in one process, one task.

Usage: python filters_py.py DOCUMENTS.jsonl.gz OUT_DIR
Writes OUT_DIR/kept.jsonl (the kept documents, `id` and `text` as the filters left it, in input order) and OUT_DIR/stats.json: documents read and
kept, each filter's dropped count by reason, its CPU seconds (time.process_time around its `filter` call) and the
seconds datatrove's own stats give it (`track_time`, wall time around `filter_batch`)."""
import json
import os
import sys
import time

from datatrove.pipeline.filters import (
    C4QualityFilter,
    FineWebQualityFilter,
    GopherQualityFilter,
    GopherRepetitionFilter,
)
from datatrove.pipeline.readers import JsonlReader


def timed(step, secs):
    """Wraps step.filter so that the CPU time of every call is added to secs[step.name]."""
    inner = step.filter

    def filter_(doc):
        t0 = time.process_time()
        try:
            return inner(doc)
        finally:
            secs[step.name] += time.process_time() - t0

    step.filter = filter_


def main():
    src, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    reader = JsonlReader(os.path.dirname(os.path.abspath(src)), glob_pattern=os.path.basename(src))
    steps = [GopherRepetitionFilter(), GopherQualityFilter(), C4QualityFilter(), FineWebQualityFilter()]
    cpu = {s.name: 0.0 for s in steps}
    for s in steps:
        timed(s, cpu)
    data = reader.run(None, 0, 1)
    for s in steps:
        data = s.run(data, 0, 1)
    t0 = time.process_time()
    with open(os.path.join(out_dir, 'kept.jsonl'), 'w', encoding='utf-8') as kept:
        kept.writelines(json.dumps({'id': doc.id, 'text': doc.text}, ensure_ascii=False) + '\n' for doc in data)
    whole = time.process_time() - t0
    stats = {
        'read': reader.stats.stats['documents'].total,
        'kept': steps[-1].stats.stats['forwarded'].total,
        'chain_cpu_secs': whole,
        'steps': [{
            'name': s.name,
            'cpu_secs': cpu[s.name],
            'datatrove_secs': s.stats.time_stats.total,
            'dropped': {k: v.total for k, v in s.stats.stats.items() if k.startswith('dropped')},
        } for s in steps],
    }
    with open(os.path.join(out_dir, 'stats.json'), 'w', encoding='utf-8') as f:
        json.dump(stats, f, indent=1)


if __name__ == '__main__':
    main()
