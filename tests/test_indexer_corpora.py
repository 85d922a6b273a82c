"""The accuracy suites on small samples of the shared corpora (skipped when absent).
The full figures come from ``make accuracy`` (docs/accuracy.md)."""

from __future__ import annotations

import pytest

from indexer.evaluate import html, plain, reuters
from indexer.evaluate.__main__ import main
from indexer.evaluate.report import SuiteResult
from tests.conftest import CORPORA

pytestmark = [
    pytest.mark.corpora,
    pytest.mark.skipif(not CORPORA.is_dir(), reason="no ../shared/corpora"),
]


def value(result: SuiteResult, name: str) -> float:
    assert result.skipped is None, result.skipped
    return next(m.value for m in result.measures if m.name.startswith(name))


def test_reuters_sample_finds_the_labelled_countries():
    result = reuters.evaluate(CORPORA, limit=300)
    assert value(result, "countries ∪ place country: F1") >= 0.85


def test_dantri_sample_is_vietnamese_dated_by_its_header_and_titled_by_its_title_line():
    result = plain.evaluate_dantri(CORPORA, limit=40)
    assert value(result, "language vi") >= 0.99
    assert value(result, "date equals the # date header") == 1.0


def test_nerel_sample_is_russian():
    assert value(plain.evaluate_nerel(CORPORA, limit=40), "language ru") >= 0.99


def test_ttc_sample_is_turkish_without_bom_or_cr():
    result = plain.evaluate_ttc(CORPORA, limit=40)
    assert value(result, "language tr") >= 0.99
    assert value(result, "no U+FEFF or CR") == 1.0


def test_html_sample_titles_dates_and_bodies():
    result = html.evaluate(CORPORA, limit=25)
    assert value(result, "title matches") >= 0.9
    assert value(result, "expected body's first sentence present") >= 0.85


def test_evaluate_command_prints_the_report(capsys):
    assert main([str(CORPORA), "--only", "tr-ttc3600", "--limit", "5"]) == 0
    out = capsys.readouterr().out
    assert "tr-ttc3600" in out and "language tr" in out


def test_evaluate_command_refuses_a_missing_folder(tmp_path, capsys):
    assert main([str(tmp_path / "none")]) == 1
    assert "no folder" in capsys.readouterr().err
