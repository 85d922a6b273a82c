"""The command line: a thin layer over indexer, search and web (validate, call, print)."""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from pathlib import Path

from indexer.article import Skip
from indexer.decode import DEFAULT_MAX_BYTES
from search.store import ENV_INDEX, IndexMissing, index_dir

EXAMPLES = {
    "index": "example: diplosearch index seeds/   (again later: only changes are indexed)",
    "search": 'example: diplosearch search "drug trafficking" --country HU --from 2024-01-01',
    "show": "example: diplosearch show 003-3b1475f189d7ed1e-a357a797 --json",
    "normalize": "example: diplosearch normalize seeds/003_3b1475f189d7ed1e.txt --json",
    "stats": "example: diplosearch stats --json",
    "serve": "example: diplosearch serve --port 8000   (then open http://127.0.0.1:8000)",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="diplosearch",
        description="Full-text search over diplomatic and security-cooperation news.",
        epilog="example: diplosearch index seeds/ && diplosearch search cybercrime",
    )
    index_help = f"index folder (default: ${ENV_INDEX}, else ./var/index)"
    parser.add_argument("--index", metavar="DIR", help=index_help)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text, epilog=EXAMPLES[name])
        p.add_argument("--index", metavar="DIR", default=argparse.SUPPRESS, help=index_help)
        return p

    p = command("index", "Index files and folders incrementally (add, update, remove).")
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or folders (default: the sources indexed before)",
    )
    p.add_argument("--rebuild", action="store_true", help="rebuild the index from scratch")
    p.add_argument("--watch", action="store_true", help="keep watching and reindex on change")
    p.add_argument(
        "--max-bytes",
        type=int,
        default=DEFAULT_MAX_BYTES,
        help="skip files larger than this (default: 10 MB)",
    )
    p.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait this long for another indexer to finish (default: 0)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")

    p = command("search", "Search the index.")
    p.add_argument("query", nargs="?", default="", help="query text (empty: browse)")
    p.add_argument("--country", action="append", default=[], metavar="CC")
    p.add_argument("--topic", action="append", default=[], metavar="ID")
    p.add_argument("--language", action="append", default=[], metavar="LL")
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    p.add_argument("--sort", choices=["relevance", "date"])
    p.add_argument(
        "--match",
        choices=["all", "any"],
        help="all words required (default), or any one of them (for questions)",
    )
    p.add_argument("--page", type=int, default=1)
    p.add_argument("--per-page", type=int, default=10)
    p.add_argument("--json", action="store_true", help="print SPEC's JSON")

    p = command("show", "Show one article by id.")
    p.add_argument("id")
    p.add_argument("--query", "-q", help="mark this query's words in the text")
    p.add_argument("--json", action="store_true")

    p = command("normalize", "Print the normalized article(s) of a file, without indexing.")
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES)

    p = command("stats", "Article count, facet counts, index size, last update.")
    p.add_argument("--json", action="store_true")

    p = command("serve", "Serve the web UI and JSON API with a production WSGI server.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--threads", type=int, default=8, help="threads per process (default 8)")
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes sharing the port (default 1; use the number of cores)",
    )
    return parser


def _print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _plain(marked: str, bold: bool) -> str:
    on, off = ("\033[1m", "\033[0m") if bold else ("", "")
    return html.unescape(re.sub(r"</?mark>", lambda m: off if "/" in m.group(0) else on, marked))


def cmd_index(args) -> int:
    from indexer.pipeline import NothingToIndex, WriterBusy, index_paths

    path = index_dir(args.index)
    try:
        summary = index_paths(
            path,
            args.paths,
            rebuild=args.rebuild,
            max_bytes=args.max_bytes,
            progress=False if args.quiet else None,
            lock_timeout=args.wait,
        )
    except WriterBusy as exc:
        print(f"diplosearch: {exc} (or pass --wait SECONDS)", file=sys.stderr)
        return 1
    except NothingToIndex as exc:
        print(f"diplosearch: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(
            f"diplosearch: cannot write the index at {path}: {exc.strerror or exc}", file=sys.stderr
        )
        return 1
    print(summary.text())
    if args.watch:
        from indexer.watch import watch

        return watch(path, args.paths, max_bytes=args.max_bytes)
    nothing_done = not (summary.added or summary.updated or summary.unchanged or summary.removed)
    return 1 if nothing_done and summary.skipped else 0


def cmd_search(args) -> int:
    from search.engine import Engine
    from search.request import BadRequest, parse_request

    params = {
        "q": [args.query],
        "country": args.country,
        "topic": args.topic,
        "language": args.language,
        "from": [args.date_from] if args.date_from else [],
        "to": [args.date_to] if args.date_to else [],
        "sort": [args.sort] if args.sort else [],
        "match": [args.match] if args.match else [],
        "page": [str(args.page)],
        "per_page": [str(args.per_page)],
    }
    try:
        request = parse_request(params)
    except BadRequest as exc:
        print(f"diplosearch: {exc.message}", file=sys.stderr)
        return 2
    result = Engine(index_dir(args.index)).search(request)
    if args.json:
        _print_json(result)
        return 0
    bold = sys.stdout.isatty()
    label = f' for "{args.query}"' if args.query else ""
    print(f"{result['total']} articles{label} ({result['took_ms']} ms)")
    if result["suggestion"]:
        print(f"did you mean: {result['suggestion']}")
    first = (result["page"] - 1) * result["per_page"]
    for n, hit in enumerate(result["hits"], start=first + 1):
        meta = " · ".join(
            x
            for x in [
                hit["date"] or "undated",
                ", ".join(hit["countries"]),
                ", ".join(hit["topics"]),
            ]
            if x
        )
        print(f"\n{n}. {_plain(hit['title_html'], bold)}\n   {meta}   [{hit['id']}]")
        print("   " + _plain(hit["snippet"], bold))
    return 0


def cmd_show(args) -> int:
    from search.engine import Engine

    article = Engine(index_dir(args.index)).article(args.id, q=args.query)
    if article is None:
        print(f"diplosearch: no article with id {args.id!r}", file=sys.stderr)
        return 1
    if args.json:
        _print_json(article)
        return 0
    print(article["title"])
    meta = [
        article.get("date") or "undated",
        article.get("place"),
        article.get("source"),
        ", ".join(article["countries"]),
        ", ".join(article["topics"]),
        article["language"],
    ]
    print(" · ".join(m for m in meta if m))
    print()
    print(_plain(article["body_html"], sys.stdout.isatty()))
    if article["related"]:
        print("\nrelated:")
        for item in article["related"]:
            print(f"  {item['title']}   [{item['id']}]")
    return 0


def cmd_normalize(args) -> int:
    from indexer.normalize import normalize_file

    try:
        articles = normalize_file(Path(args.file), max_bytes=args.max_bytes)
    except Skip as exc:
        print(f"diplosearch: skipped {args.file}: {exc}", file=sys.stderr)
        return 1
    if args.json:
        dicts = [a.as_dict() for a in articles]
        _print_json(dicts[0] if len(dicts) == 1 else dicts)
        return 0
    for article in articles:
        data = article.as_dict()
        body = data.pop("body")
        for key, value in data.items():
            print(f"{key:17} {json.dumps(value, ensure_ascii=False)}")
        print(f"{'body':17} {len(body)} characters\n")
    return 0


def cmd_stats(args) -> int:
    from search.engine import Engine

    stats = Engine(index_dir(args.index)).stats()
    if args.json:
        _print_json(stats)
        return 0
    print(f"index        {stats['index']} ({stats['size_bytes'] / 1e6:.1f} MB)")
    print(f"articles     {stats['articles']}")
    print(f"last update  {stats['last_update'] or 'unknown'}")
    for facet, values in stats["facets"].items():
        shown = ", ".join(f"{v['value']} {v['count']}" for v in values[:12])
        more = f", … ({len(values)} values)" if len(values) > 12 else ""
        print(f"{facet:12} {shown}{more}")
    return 0


def cmd_serve(args) -> int:
    from web import server

    problem = server.usage_problem(args.workers, args.threads)
    if problem:
        print(f"diplosearch: {problem}", file=sys.stderr)
        return 2
    path = index_dir(args.index)
    try:
        sockets = server.bind(args.host, args.port)
    except OSError as exc:
        where = f"{args.host}:{args.port}"
        print(f"diplosearch: cannot listen on {where}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    shape = f"{args.workers} worker processes of" if args.workers > 1 else "1 process,"
    print(
        f"diplosearch: serving {path} on {server.url(sockets[0])} ({shape} {args.threads} threads)",
        flush=True,
    )

    def make_app():  # in each worker, after the fork
        from web.app import create_app

        return create_app({"INDEX": str(path)})

    return server.serve(make_app, sockets, threads=args.threads, workers=args.workers)


COMMANDS = {
    "index": cmd_index,
    "search": cmd_search,
    "show": cmd_show,
    "normalize": cmd_normalize,
    "stats": cmd_stats,
    "serve": cmd_serve,
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except IndexMissing as exc:
        print(f"diplosearch: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `diplosearch search x | head`
        sys.stderr.close()
        return 0
