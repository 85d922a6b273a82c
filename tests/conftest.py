"""Shared fixtures (flaskr style): one session index built from seeds/, app, client, cli."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from diplosearch.cli import main as cli_main
from indexer.pipeline import index_paths
from web.app import create_app

# CI runs once and must not be failed by a fresh random draw: there, property-based tests
# replay the same examples every run; locally they keep exploring new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CORPORA = ROOT.parent / "shared" / "corpora"


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> Path:
    """An index of the five seeds, built once from a copy of seeds/."""
    base = tmp_path_factory.mktemp("seeded")
    shutil.copytree(SEEDS, base / "seeds")
    index = base / "index"
    summary = index_paths(index, [base / "seeds"], progress=False)
    assert summary.added == 5, summary.text()
    return index


@pytest.fixture()
def app(seed_index):
    return create_app({"INDEX": str(seed_index), "TESTING": True})


@pytest.fixture()
def client(app):
    return app.test_client()


class CliResult:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err

    def json(self):
        return json.loads(self.out)


@pytest.fixture()
def cli(capsys):
    """Run the console script in-process: cli("search", "x", "--json") -> CliResult."""

    def run(*args: str) -> CliResult:
        try:
            code = cli_main([str(a) for a in args])
        except SystemExit as exc:  # argparse usage errors
            code = exc.code
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def seed_id(client_or_index, prefix: str) -> str:
    """The id of the seed whose file name starts with ``prefix`` (e.g. "003")."""
    from search.engine import Engine
    from search.request import parse_request

    engine = Engine(client_or_index)
    result = engine.search(parse_request({"per_page": ["100"]}))
    return next(h["id"] for h in result["hits"] if h["id"].startswith(prefix))
