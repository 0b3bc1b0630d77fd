#!/usr/bin/env python3
"""Read a JSONL of documents and write them out again, the way Python pipelines do.

Usage: write_py.py {jsonl|parquet} IN.jsonl OUT_FILE

Both read IN line by line with json.loads and write records shaped like saring's output ({"id", "text", "url",
"metadata"}), so the work matches `saring run IN.jsonl` with no steps:

* jsonl: datatrove's JsonlWriter way: `json.dumps(doc, ensure_ascii=False) + "\\n"` per document into a text
  stream over a zstd compressor (zstandard, level 3, as saring's shards).
* parquet: pyarrow.parquet, zstd level 3, row groups of 8,192 rows (as saring's shards), with saring's schema
  (metadata a struct of language, date, signals map, extra).

Prints one JSON line: {"tool", "docs", "out_bytes"}. CPU time is measured by the caller, from outside the process.
"""
import io
import json
import os
import sys

ROW_GROUP_ROWS = 8192


def records(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            yield {"id": str(d["id"]), "text": d["text"], "url": d.get("url"), "metadata": {}}


def write_jsonl(src, out):
    import zstandard

    docs = 0
    with open(out, "wb") as raw:
        cctx = zstandard.ZstdCompressor(level=3)
        with cctx.stream_writer(raw, closefd=False) as z, io.TextIOWrapper(z, encoding="utf-8") as f:
            for doc in records(src):
                f.write(json.dumps(doc, ensure_ascii=False) + "\n")
                docs += 1
    return docs


def write_parquet(src, out):
    import pyarrow as pa
    import pyarrow.parquet as pq

    metadata = pa.struct([
        pa.field("language", pa.string()), pa.field("date", pa.string()),
        pa.field("signals", pa.map_(pa.string(), pa.float64()), nullable=False), pa.field("extra", pa.string()),
    ])
    schema = pa.schema([
        pa.field("id", pa.string(), nullable=False), pa.field("text", pa.string(), nullable=False),
        pa.field("url", pa.string()), pa.field("metadata", metadata, nullable=False),
    ])
    empty_meta = {"language": None, "date": None, "signals": [], "extra": None}
    docs = 0
    batch = []
    with pq.ParquetWriter(out, schema, compression="zstd", compression_level=3) as w:
        for doc in records(src):
            doc["metadata"] = empty_meta
            batch.append(doc)
            if len(batch) == ROW_GROUP_ROWS:
                w.write_table(pa.Table.from_pylist(batch, schema=schema), row_group_size=ROW_GROUP_ROWS)
                docs += len(batch)
                batch = []
        if batch:
            w.write_table(pa.Table.from_pylist(batch, schema=schema), row_group_size=ROW_GROUP_ROWS)
            docs += len(batch)
    return docs


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("jsonl", "parquet"):
        sys.exit(__doc__)
    fmt, src, out = sys.argv[1:]
    docs = (write_jsonl if fmt == "jsonl" else write_parquet)(src, out)
    print(json.dumps({"tool": f"python-{fmt}", "docs": docs, "out_bytes": os.path.getsize(out)}))


if __name__ == "__main__":
    main()
