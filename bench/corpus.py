"""A deterministic benchmark corpus: N article files built from ../shared/corpora.

    python -m bench.corpus OUT_DIR --n 50000 [--start 0] [--corpora ../shared/corpora]

Item ``i`` of the sequence is always the same file (same name, same bytes), so a folder
of 50,000 can be grown by writing items 50,000..50,999 (``--start 50000 --n 1000``) and a
later benchmark can ask for 100,000. The sources are interleaved in proportion to their
size, so any prefix is a mix of:

- BBC News (title line, blank line, body), written as found;
- Reuters-21578 stories with a body (SGML -> title, date, dateline + body front matter);
- UN General Debate speeches cut into ~600-word parts (front matter: title, year);
- Vietnamese news: dantri (``# key = value`` header) and baomoi, written as found;
- Turkish news (TTC-3600, UTF-8 with BOM and CRLF), written as found;
- Russian news: Wikinews (NEREL) and FactRuEval texts, written as found.

One pass over the sources gives about 54,000 articles. Items beyond that come from later
rounds: the same texts again, except that UN speeches are cut at other offsets, so the
parts differ from the first round's. Files are spread over folders of 1,000.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

DEFAULT_CORPORA = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"
PER_FOLDER = 1000
UN_PART_WORDS = 600
UN_PARAGRAPH_WORDS = 90
UN_OFFSET_STEP = 200  # words by which each later round shifts the UN cuts


@dataclass(frozen=True)
class Item:
    tag: str  # the source, part of the file name
    make: Callable[[], bytes]  # the file's bytes (made when written)


def _front_matter(title: str, body: str, date: str | None, source: str) -> bytes:
    lines = ["---", f"title: {title}"]
    if date:
        lines.append(f"date: {date}")
    lines += [f"source: {source}", "---", body.strip(), ""]
    return "\n".join(lines).encode("utf-8")


def _raw(path: Path) -> Callable[[], bytes]:
    return path.read_bytes


def _files(folder: Path, pattern: str = "*.txt") -> list[Path]:
    return sorted(p for p in folder.rglob(pattern) if p.is_file())


# --- sources, each a stable list of items ---------------------------------------------


def bbc(root: Path, round_: int) -> list[Item]:
    return [Item("bbc", _raw(p)) for p in _files(root / "bbc_news")]


_REUTERS = re.compile(r"<REUTERS.*?</REUTERS>", re.S)
_TAG = {t: re.compile(rf"<{t}>(.*?)</{t}>", re.S) for t in ("DATE", "TITLE", "DATELINE", "BODY")}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _reuters_text(raw: str) -> str:
    return _CONTROL.sub("", html.unescape(raw))


def _reuters_date(raw: str) -> str | None:
    try:
        return datetime.strptime(raw.strip().split(".")[0], "%d-%b-%Y %H:%M:%S").isoformat()
    except ValueError:
        return None


def _reuters_story(block: str) -> Callable[[], bytes] | None:
    parts = {t: m.group(1) if (m := p.search(block)) else "" for t, p in _TAG.items()}
    body = _reuters_text(parts["BODY"]).strip()
    title = " ".join(_reuters_text(parts["TITLE"]).split())
    if not body or not title:
        return None
    body = re.sub(r"\s*Reuter\s*$", "", body)
    dateline = " ".join(_reuters_text(parts["DATELINE"]).split())
    text = f"{dateline} {body}" if dateline else body
    date = _reuters_date(parts["DATE"])
    return lambda: _front_matter(title, text, date, "Reuters")


def reuters(root: Path, round_: int) -> list[Item]:
    items = []
    for path in _files(root / "reuters21578", "*.sgm"):
        for block in _REUTERS.findall(path.read_text(encoding="latin-1")):
            if (make := _reuters_story(block)) is not None:
                items.append(Item("reuters", make))
    return items


def _un_parts(words: list[str], offset: int) -> Iterator[list[str]]:
    """~600-word parts ending at a sentence end; the first part may be shorter."""
    start = 0
    first_end = offset if 0 < offset < len(words) else None
    while start < len(words):
        target = first_end or start + UN_PART_WORDS
        first_end = None
        end = min(len(words), target)
        while end < len(words) and end < target + 100 and not words[end - 1].endswith("."):
            end += 1
        yield words[start:end]
        start = end


def _paragraphs(words: list[str]) -> str:
    paragraphs, current = [], []
    for word in words:
        current.append(word)
        if len(current) >= UN_PARAGRAPH_WORDS and word.endswith("."):
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    try:
        import pycountry
    except ImportError:
        return {}
    return {c.alpha_3: c.name for c in pycountry.countries}


def un(root: Path, round_: int) -> list[Item]:
    items = []
    offset = (round_ * UN_OFFSET_STEP) % UN_PART_WORDS
    for path in _files(root / "un_general_debates" / "TXT"):
        code, _session, year = path.stem.split("_")[:3]
        speaker = _country_names().get(code, code)
        words = path.read_text(encoding="utf-8", errors="replace").split()
        parts = list(_un_parts(words, offset))
        for n, part in enumerate(parts, start=1):
            title = f"Statement by {speaker} at the UN General Debate {year}, part {n}"

            def make(title=title, part=part, year=year) -> bytes:
                return _front_matter(title, _paragraphs(part), year, "UN General Debate")

            items.append(Item("un", make))
    return items


def vietnamese(root: Path, round_: int) -> list[Item]:
    dantri = _files(root / "vi_underthesea_unc" / "datasets")
    baomoi = _files(root / "vi_baomoi")
    return [Item("vi", _raw(p)) for p in dantri + baomoi]


def turkish(root: Path, round_: int) -> list[Item]:
    return [Item("tr", _raw(p)) for p in _files(root / "tr_ttc3600" / "TTC-3600_Orj")]


def russian(root: Path, round_: int) -> list[Item]:
    nerel = _files(root / "ru_nerel", "*_text.txt")
    factrueval = [p for p in _files(root / "ru_factrueval") if p.name.startswith("book_")]
    return [Item("ru", _raw(p)) for p in nerel + factrueval]


SOURCES = (bbc, reuters, un, vietnamese, turkish, russian)


# --- the sequence -----------------------------------------------------------------------


def interleave(lists: list[list[Item]]) -> list[Item]:
    """Smooth weighted round robin: every prefix holds each list in proportion to its size."""
    total = sum(len(x) for x in lists)
    taken = [0] * len(lists)
    out = []
    for _ in range(total):
        # the list furthest behind its share of what has been taken so far
        k = max(
            (i for i in range(len(lists)) if taken[i] < len(lists[i])),
            key=lambda i: (len(lists[i]) * (len(out) + 1) / total - taken[i], -i),
        )
        out.append(lists[k][taken[k]])
        taken[k] += 1
    return out


class Sequence:
    """Item i of the benchmark corpus, for any i, built round by round on demand."""

    def __init__(self, corpora: Path = DEFAULT_CORPORA):
        if not corpora.is_dir():
            raise FileNotFoundError(f"no corpora at {corpora}")
        self.corpora = corpora
        self.rounds: list[list[Item]] = []

    def _round(self, r: int) -> list[Item]:
        while len(self.rounds) <= r:
            n = len(self.rounds)
            self.rounds.append(interleave([source(self.corpora, n) for source in SOURCES]))
        return self.rounds[r]

    def item(self, i: int) -> Item:
        r = 0
        while i >= len(self._round(r)):
            i -= len(self._round(r))
            r += 1
        return self._round(r)[i]


def file_name(i: int, tag: str) -> str:
    return f"{i // PER_FOLDER:03d}/{i:06d}-{tag}.txt"


def build(out: Path, n: int, start: int = 0, corpora: Path = DEFAULT_CORPORA) -> list[Path]:
    """Write items ``start`` .. ``start + n - 1`` under ``out``; return their paths."""
    return write_items(Sequence(corpora), out, start, n)


def write_items(sequence: Sequence, out: Path, start: int, n: int) -> list[Path]:
    """``build`` with a sequence already read (files already right are kept)."""
    written = []
    for i in range(start, start + n):
        item = sequence.item(i)
        path = out / file_name(i, item.tag)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = item.make()
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write N benchmark articles to a folder.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    args = parser.parse_args(argv)
    try:
        paths = build(args.out, args.n, args.start, args.corpora)
    except FileNotFoundError as exc:
        print(f"bench.corpus: {exc}", file=sys.stderr)
        return 1
    print(f"{len(paths)} articles in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
