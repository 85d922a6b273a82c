"""Article folders for reliability tests: real corpus files when present, else generated."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import CORPORA, ROOT


def diplosearch_command(index: Path, *args: str) -> list[str]:
    """The console script as a separate process (the real entry point, killable)."""
    return [sys.executable, "-m", "diplosearch", "--index", str(index), *map(str, args)]


def run_diplosearch(index: Path, *args, **options) -> subprocess.CompletedProcess:
    """Run one command to its end; text output captured."""
    return subprocess.run(
        diplosearch_command(index, *args),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
        **options,
    )


WORDS = (
    "minister delegation cooperation security border customs police training cybercrime "
    "agreement extradition migration terrorism drug trafficking interior ministry visit "
    "talks memorandum signed exchange information crime prevention academy officers"
).split()
COUNTRIES = ["Hungary", "Uzbekistan", "Vietnam", "Turkey", "Russia", "Kazakhstan", "Poland"]


def generated_article(rng: random.Random, n: int) -> str:
    a, b = rng.sample(COUNTRIES, 2)
    title = f"{a} and {b} discuss {rng.choice(WORDS)} {rng.choice(WORDS)} (report {n})"
    date = f"{rng.randint(2015, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    paragraphs = [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(30, 80))).capitalize() + "."
        for _ in range(rng.randint(3, 8))
    ]
    return f"{title}\n{date} 10:00:00\n\n{a} and {b} met. " + "\n\n".join(paragraphs) + "\n"


def make_sources(folder: Path, count: int, seed: int = 7, real: bool = True) -> Path:
    """``count`` article files in ``folder``: BBC politics/world-ish files if the corpora are
    beside the project (and ``real``), else generated ones. Deterministic for a seed."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    bbc = CORPORA / "bbc_news"
    files = sorted(bbc.glob("*/*.txt")) if real and bbc.is_dir() else []
    if files:
        for path in rng.sample(files, min(count, len(files))):
            shutil.copy(path, folder / f"{path.parent.name}-{path.name}")
    for n in range(count - len(files[:count])):
        (folder / f"gen-{n:05d}.txt").write_text(generated_article(rng, n), encoding="utf-8")
    return folder


def id_checksums(index: Path) -> dict[str, str]:
    """id -> checksum of every live document, read from the index's columns."""
    from search.store import open_index

    with open_index(index).searcher() as searcher:
        reader = searcher.reader()
        if reader.doc_count() == 0:
            return {}
        ids = reader.column_reader("id")
        sums = reader.column_reader("checksum")
        pairs = [(ids[d], sums[d]) for d in reader.all_doc_ids()]
    found = dict(pairs)
    assert len(found) == len(pairs), "an article is in the index twice"
    return found
