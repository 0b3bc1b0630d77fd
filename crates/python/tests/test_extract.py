"""`saring.extract` and `saring.detect_language`."""

import json

import pytest

import saring
from conftest import SEED


def test_extract_gives_the_seed_pages_expected_text_and_metadata():
    html = (SEED / "page.html").read_text(encoding="utf-8")
    page = saring.extract(html)
    assert page["text"] == (SEED / "expected.txt").read_text(encoding="utf-8").removesuffix("\n")
    expected = json.loads((SEED / "expected.json").read_text(encoding="utf-8"))
    assert page["title"] == expected["title"]
    for key, value in expected.items():
        assert page[key] == value, key


def test_extract_markdown_and_the_url_fallback():
    html = "<html><head><title>Judul</title></head><body><h2>Bagian</h2><p>Isi berita yang panjang.</p></body></html>"
    page = saring.extract(html, url="https://example.org/a", format="markdown")
    assert "## Bagian" in page["text"]
    assert page["url"] == "https://example.org/a"
    assert saring.extract(html)["url"] is None
    with pytest.raises(ValueError, match='format = "pdf"'):
        saring.extract(html, format="pdf")


def test_detect_language_on_indonesian_text():
    label, score = saring.detect_language(
        "Presiden Rusia Vladimir Putin mengatakan bahwa negaranya akan memperluas hubungan dengan Korea Utara."
    )
    assert label == "id"
    assert 0.5 < score <= 1.0
    assert saring.detect_language("Das ist ein kleiner Test, und er ist gut.")[0] == "de"
