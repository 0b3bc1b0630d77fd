#!/usr/bin/env python3
"""Iterate a WARC's response records with a Python reader and read every payload fully.

Usage: read_py.py {warcio|fastwarc} FILE.warc.gz

Prints one JSON line: {"tool", "docs", "payload_bytes"}. The payload is the HTTP body (the HTML), as both libraries
return it after parsing the HTTP header block. Each tool is used the way its documentation shows for speed:
warcio's ArchiveIterator over a Python file object, fastwarc's ArchiveIterator given the path (its own native file
and gzip reader) with record_types=response. CPU time is measured by the caller, from outside the process.
"""
import json
import sys


def warcio_read(path):
    from warcio.archiveiterator import ArchiveIterator

    docs = payload = 0
    with open(path, "rb") as f:
        for record in ArchiveIterator(f):
            if record.rec_type != "response":
                continue
            payload += len(record.content_stream().read())
            docs += 1
    return docs, payload


def fastwarc_read(path):
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    docs = payload = 0
    for record in ArchiveIterator(path, record_types=WarcRecordType.response):
        payload += len(record.reader.read())
        docs += 1
    return docs, payload


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("warcio", "fastwarc"):
        sys.exit(__doc__)
    tool, path = sys.argv[1:]
    docs, payload = (warcio_read if tool == "warcio" else fastwarc_read)(path)
    print(json.dumps({"tool": tool, "docs": docs, "payload_bytes": payload}))


if __name__ == "__main__":
    main()
