#!/usr/bin/env python3
"""Writes languages.tsv, the table saring-filters builds in, from FineWeb-2's per-language configs.

The `.yml` files here are huggingface/fineweb-2's `configs/<iso3>_<script>.yml`, byte for byte, each read
at the commit given in SOURCES.tsv; SOURCES.tsv also maps each to the lid.176 label saring's langid step
writes into `language`. Run from this folder: `python3 make-table.py` (needs PyYAML).

Columns: lid.176 label, config name, min_avg_word_length, max_avg_word_length,
max_non_alpha_words_ratio, line_punct_thr, new_line_ratio, dup_line_frac, top_n_grams (n:fraction,
comma-separated), dup_n_grams (same), stop words (space-separated; none holds a space).
"""
import csv

import yaml


def pairs(values):
    return ",".join(f"{n}:{frac}" for n, frac in values)


rows = []
with open("SOURCES.tsv") as f:
    for source in csv.DictReader(f, delimiter="\t"):
        with open(f"{source['fineweb2_config']}.yml") as y:
            c = yaml.safe_load(y)
        assert all(" " not in w and "\t" not in w for w in c["stopwords"]), source
        rows.append([
            source["lid176"], source["fineweb2_config"],
            c["min_avg_word_length"], c["max_avg_word_length"], c["max_non_alpha_words_ratio"],
            c["line_punct_thr"], c["new_line_ratio"], c["dup_line_frac"],
            pairs(c["top_n_grams"]), pairs(c["dup_n_grams"]), " ".join(c["stopwords"]),
        ])
with open("languages.tsv", "w") as out:
    for row in sorted(rows):
        out.write("\t".join(str(v) for v in row) + "\n")
