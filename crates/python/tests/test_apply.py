"""`saring.apply`: the pipeline's steps over documents in memory, against `saring run` on the same ones."""

import collections
import gzip
import json
import subprocess

import pytest

import saring
from conftest import REPO, read_records

FILTERS = """
[[step]]
type = "gopher_repetition"
[[step]]
type = "gopher_quality"
[[step]]
type = "fineweb_quality"
[[step]]
type = "langid"
label_only = true
[[step]]
type = "min_length"
min_chars = 300
[output]
compression = "none"
"""


def real_documents(n):
    """The first `n` real extracted documents of ../shared/data/filters/."""
    with gzip.open(REPO.parent / "shared" / "data" / "filters" / "documents.jsonl.gz", "rt", encoding="utf-8") as f:
        return [json.loads(line) for _, line in zip(range(n), f)]


def test_apply_gives_the_verdicts_and_signals_of_saring_run(tmp_path, saring_bin):
    docs = [{"id": d["id"], "text": d["text"]} for d in real_documents(120)]
    (tmp_path / "docs.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    (tmp_path / "filters.toml").write_text(FILTERS, encoding="utf-8")
    subprocess.run(
        [saring_bin, "run", str(tmp_path / "docs.jsonl"), "-o", str(tmp_path / "out"),
         "--config", str(tmp_path / "filters.toml"), "--threads", "2"],
        check=True,
        capture_output=True,
    )
    written = {record["id"]: record for record in read_records(tmp_path / "out")}
    results = saring.apply(FILTERS, docs)

    assert [r["id"] for r in results] == [d["id"] for d in docs]
    assert {r["id"] for r in results if r["keep"]} == set(written)
    assert 0 < len(written) < len(docs)
    for result in results:
        if result["keep"]:
            record = written[result["id"]]
            assert result["signals"] == record["metadata"]["signals"], result["id"]
            assert result["text"] == record["text"]
            assert result["language"] == record["metadata"]["language"]
            assert result["step"] is None and result["drop_reason"] is None
        else:
            assert result["step"] is not None and result["drop_reason"] is not None
            assert result["signals"], "dropped documents keep their signals"

    stats = json.loads((tmp_path / "out" / "stats.json").read_text(encoding="utf-8"))
    dropped = collections.Counter((r["step"], r["drop_reason"]) for r in results if not r["keep"])
    counted = collections.Counter(
        {(step["name"], reason): n for step in stats["steps"] for reason, n in step["drop_reasons"].items()}
    )
    assert dropped == counted


def test_apply_over_arrow_batches_and_tables():
    pa = pytest.importorskip("pyarrow")
    texts = ["Ini adalah sebuah kalimat yang cukup panjang untuk lolos. " * 4, "pendek"]
    batch = pa.RecordBatch.from_pydict({"text": texts, "source": ["a", "b"]})
    steps = [{"type": "langid", "label_only": True}, {"type": "min_length", "min_chars": 50}]
    out = saring.apply(steps, batch)
    assert isinstance(out, pa.RecordBatch)
    assert out.column("source").to_pylist() == ["a", "b"]
    assert out.column("keep").to_pylist() == [True, False]
    assert out.column("drop_reason").to_pylist() == [None, "min_chars"]
    assert out.column("step").to_pylist() == [None, "min_length"]
    assert out.column("language").to_pylist()[0] == "id"
    as_list = saring.apply(steps, texts)
    signals = [dict(row) for row in out.column("signals").to_pylist()]
    assert signals == [r["signals"] for r in as_list]
    table = saring.apply(steps, pa.Table.from_batches([batch]))
    assert isinstance(table, pa.Table) and table.column("keep").to_pylist() == [True, False]
    with pytest.raises(ValueError, match="no `text` or `html` column"):
        saring.apply(steps, pa.RecordBatch.from_pydict({"body": texts}))


def test_apply_extracts_html_documents():
    html = "<html><head><title>Judul</title></head><body><p>" + "Isi berita yang panjang. " * 20 + "</p></body></html>"
    [result] = saring.apply(None, [{"id": "p1", "html": html, "url": "https://example.org/p1", "lang": "x"}])
    assert result["keep"] and result["id"] == "p1" and result["url"] == "https://example.org/p1"
    assert result["text"].startswith("Isi berita")
    assert result["metadata"] == {"lang": "x", "title": "Judul"}
    assert result["signals"]["min_length.chars"] == len(result["text"])


def test_config_errors_name_the_key_as_the_cli_does(tmp_path, saring_bin):
    bad = '[[step]]\ntype = "min_length"\nmin_char = 3\n'
    with pytest.raises(saring.ConfigError) as toml_error:
        saring.apply(bad, ["x"])
    assert str(toml_error.value).startswith("in config: line 3: unknown field `min_char`")
    path = tmp_path / "bad.toml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ValueError) as file_error:
        saring.apply(path, ["x"])
    cli = subprocess.run(
        [saring_bin, "run", str(tmp_path), "-o", str(tmp_path / "out"), "--config", str(path)],
        capture_output=True,
        text=True,
    )
    assert cli.returncode == 2
    assert cli.stderr.strip() == f"saring: error: {file_error.value}"
    with pytest.raises(saring.ConfigError, match="unknown field `min_char`"):
        saring.apply([{"type": "min_length", "min_char": 3}], ["x"])
    with pytest.raises(saring.ConfigError, match=r"step 1 \(gopher_quality\)"):
        saring.apply({"step": [{"type": "gopher_quality", "min_doc_words": 100, "max_doc_words": 10}]}, ["x"])
    with pytest.raises(FileNotFoundError, match="cannot read config"):
        saring.apply(tmp_path / "missing.toml", ["x"])
    with pytest.raises(TypeError, match=r"docs\[1\]"):
        saring.apply(None, ["x", 3])
