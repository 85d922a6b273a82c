"""``python -m indexer.evaluate CORPORA [--only SUITE] [--limit N] [--misses N] [--json]``.

Example: ``python -m indexer.evaluate ../shared/corpora --only reuters --misses 20``
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from indexer.evaluate import html, plain, reuters, speed
from indexer.evaluate.report import SuiteResult, as_json, render

SUITES: dict[str, Callable[[Path, int | None], SuiteResult]] = {
    "reuters": reuters.evaluate,
    **plain.SUITES,
    "html": html.evaluate,
    "speed": speed.evaluate,  # last: it pins the process to one CPU
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m indexer.evaluate",
        description="Accuracy and speed of the indexer on the shared corpora.",
        epilog="example: python -m indexer.evaluate ../shared/corpora --only html --misses 10",
    )
    parser.add_argument("corpora", type=Path, help="folder holding the corpora (see its README)")
    parser.add_argument("--only", action="append", choices=sorted(SUITES), help="run this suite")
    parser.add_argument("--limit", type=int, help="at most N documents per suite (a quick look)")
    parser.add_argument("--misses", type=int, default=0, help="print N failed examples a measure")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.corpora.is_dir():
        print(f"python -m indexer.evaluate: no folder {args.corpora}", file=sys.stderr)
        return 1
    results = []
    for name, run in SUITES.items():
        if args.only and name not in args.only:
            continue
        results.append(run(args.corpora, args.limit))
        if not args.json:
            print(render(results[-1:], args.misses).split("\n", 1)[1], flush=True)
    if args.json:
        print(json.dumps(as_json(results), indent=2, ensure_ascii=False))
    else:
        print()
        print(render(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
