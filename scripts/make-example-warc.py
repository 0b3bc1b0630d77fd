#!/usr/bin/env python3
"""Regenerate examples/crawl.warc.gz, the small multilingual WARC bundled with saring.

Usage: python3 scripts/make-example-warc.py [--out PATH] [--list]

Picks real pages from the four extraction evaluation sets in ../shared/data/extraction (scrapinghub, readability,
cleanportaleval, trafilatura_eval) plus the two seed pages in ../shared/examples/seed, copies them into a
temporary dataset directory in the layout ../shared/tools/make-warc reads (html/<id>.html.gz and
ground-truth.jsonl with id/url), and runs make-warc on it.

Selection rule (deterministic, no randomness):
  * a page's language is the primary subtag of its <html lang=...> (or xml:lang) attribute, lowercased;
    pages without one are never picked;
  * pages with fewer than MIN_RAW_BYTES of HTML are skipped (the readability set holds tiny synthetic test
    fixtures that are not web pages);
  * for every language in QUOTA, candidates are sorted by (gzipped size, set, id) and the first N are taken,
    except English, which takes the smallest page of each of the four sets (cleanportaleval is English only);
  * url = the ground-truth url if it is an http(s) URL, else the page's absolute <link rel="canonical"> href, else
    https://<set>.example/<id>.
Records are written seed pages first, then in QUOTA order, then by set and id. make-warc writes every gzip member
with mtime 0 and fixed record ids and dates, so the output is byte-identical on every run.

--list prints the chosen pages (tab-separated id, language, set, url, bytes) without writing anything.
"""
import argparse
import gzip
import io
import json
import os
import re
import subprocess
import sys
import tempfile

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SHARED = os.path.normpath(os.path.join(REPO, "..", "shared"))
EXTRACTION = os.path.join(SHARED, "data", "extraction")
SEED = os.path.join(SHARED, "examples", "seed")
MAKE_WARC = os.path.join(SHARED, "tools", "make-warc")

SETS = ["scrapinghub", "readability", "cleanportaleval", "trafilatura_eval"]
# language -> number of pages (0 for "en": one per set instead)
QUOTA = {
    "en": 0, "de": 3, "ru": 3, "ja": 2, "zh": 1, "ko": 2, "pt": 2, "es": 2, "fr": 2, "it": 2,
    "id": 2, "cs": 1, "pl": 2, "fi": 1, "no": 1, "hu": 1,
}
MIN_RAW_BYTES = 10_000
# the temporary dataset dir's name feeds make-warc's record-id seed: keep it fixed
DATASET_NAME = "saring-example"

LANG_RE = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})(?:[-_][^\"'\s>]*)?", re.I)
CANON_RE = re.compile(rb"<link\b[^>]*>", re.I)


def html_lang(html):
    m = LANG_RE.search(html[:50_000])
    return m.group(1).decode("ascii").lower() if m else None


def canonical(html):
    for tag in CANON_RE.findall(html):
        if re.search(rb"\brel\s*=\s*[\"']?canonical\b", tag, re.I):
            m = re.search(rb"\bhref\s*=\s*[\"']([^\"']+)[\"']", tag, re.I)
            if m and m.group(1).startswith((b"http://", b"https://")):
                return m.group(1).decode("utf-8", "replace").strip()
    return None


def candidates():
    """Every page of the four sets with a language: dicts id, set, lang, url, gz_bytes, raw."""
    out = []
    for s in SETS:
        with open(os.path.join(EXTRACTION, s, "ground-truth.jsonl"), encoding="utf-8") as f:
            rows = [json.loads(line) for line in f]
        for r in rows:
            path = os.path.join(EXTRACTION, s, "html", r["id"] + ".html.gz")
            with gzip.open(path) as g:
                raw = g.read()
            lang = html_lang(raw)
            if lang is None or len(raw) < MIN_RAW_BYTES:
                continue
            url = (r.get("url") or "").strip()
            if not url.startswith(("http://", "https://")):  # null, or a trafilatura "hard::..." label
                url = canonical(raw) or f"https://{s}.example/{r['id']}"
            out.append({"id": r["id"], "set": s, "lang": lang, "url": url,
                        "gz_bytes": os.path.getsize(path), "raw": raw})
    return out


def select(pages):
    key = lambda p: (p["gz_bytes"], SETS.index(p["set"]), p["id"])
    chosen = []
    for lang, n in QUOTA.items():
        pool = sorted((p for p in pages if p["lang"] == lang), key=key)
        if n == 0:
            picked = [next(p for p in pool if p["set"] == s) for s in SETS if any(p["set"] == s for p in pool)]
        else:
            picked = pool[:n]
        chosen += sorted(picked, key=lambda p: (SETS.index(p["set"]), p["id"]))
    return chosen


def seeds():
    out = []
    for name in ["page", "syndicated"]:
        with open(os.path.join(SEED, name + ".html"), "rb") as f:
            raw = f.read()
        out.append({"id": "seed-" + name, "set": "seed", "lang": html_lang(raw), "url": canonical(raw),
                    "gz_bytes": None, "raw": raw})
    return out


def gz(data):
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, filename="") as g:
        g.write(data)
    return buf.getvalue()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(REPO, "examples", "crawl.warc.gz"))
    ap.add_argument("--list", action="store_true", help="print the chosen pages and exit")
    a = ap.parse_args()

    pages = seeds() + select(candidates())
    if a.list:
        for p in pages:
            print(f"{p['id']}\t{p['lang']}\t{p['set']}\t{p['url']}\t{len(p['raw'])}")
        return

    with tempfile.TemporaryDirectory() as tmp:
        d = os.path.join(tmp, DATASET_NAME)
        os.makedirs(os.path.join(d, "html"))
        with open(os.path.join(d, "ground-truth.jsonl"), "w", encoding="utf-8") as f:
            for p in pages:
                with open(os.path.join(d, "html", p["id"] + ".html.gz"), "wb") as h:
                    h.write(gz(p["raw"]))
                f.write(json.dumps({"id": p["id"], "url": p["url"]}, ensure_ascii=False) + "\n")
        subprocess.run([sys.executable, MAKE_WARC, a.out, d], check=True)
    size = os.path.getsize(a.out)
    langs = sorted({p["lang"] for p in pages})
    print(f"{a.out}: {len(pages)} pages, {len(langs)} languages ({' '.join(langs)}), {size} bytes", file=sys.stderr)
    if size >= 2_000_000:
        sys.exit(f"error: {a.out} is {size} bytes, over the 2 MB budget")


if __name__ == "__main__":
    main()
