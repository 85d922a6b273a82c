"""A PNG of a ``bench.http_load`` result: latency distributions and the server's memory.

    python -m bench.plot bench/out/http-100000.json --out docs/img/http-load.png

Left: the share of requests answered within a time (one line per server threads and
clients). Right: the server's RSS after start, after the warm-up, and its peak under each
client count, per server thread count. Needs matplotlib (the ``bench`` extra).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "docs" / "img" / "http-load.png"


def _shape(run: dict) -> str:
    threads = f"{run['threads']} threads"
    if run.get("workers", 1) > 1:
        return f"{run['workers']} workers x {threads}"
    processes = run.get("processes", 1)  # servers side by side, before --workers
    return f"{processes} processes x {threads}" if processes > 1 else threads


def _latency_panel(ax, results: dict) -> None:
    styles = ["-", "--", ":", "-."]
    for k, run in enumerate(results["runs"]):
        for j, level in enumerate(run["levels"]):
            values = sorted(level["latencies_ms"])
            if not values:
                continue
            shares = [(i + 1) / len(values) for i in range(len(values))]
            label = (
                f"{_shape(run)}, {level['clients']} clients: {level['searches_per_second']:.0f}/s"
            )
            style = styles[j % len(styles)]
            ax.step(values, shares, style, where="post", label=label, color=f"C{k}", lw=1.3)
    ax.set_xscale("log")
    ax.set_xlabel("latency of GET /api/search (ms, log scale)")
    ax.set_ylabel("share of requests answered")
    ax.set_ylim(0, 1.01)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=6, loc="upper left")


def _memory_panel(ax, results: dict) -> None:
    runs = results["runs"]
    levels = [lv["clients"] for lv in runs[0]["levels"]]
    stages = ["after start", "after warm-up"] + [f"peak, {c} clients" for c in levels]
    width = 0.8 / len(runs)
    for k, run in enumerate(runs):
        values = [run["memory_after_start"]["rss_mb"], run["memory_after_warmup"]["rss_mb"]]
        values += [lv["peak_rss_mb"] for lv in run["levels"]]
        xs = [i + (k - (len(runs) - 1) / 2) * width for i in range(len(stages))]
        ax.bar(xs, values, width=width, label=_shape(run), color=f"C{k}")
    ax.set_xticks(range(len(stages)), stages, fontsize=7)
    ax.set_ylabel("server RSS, all processes (MB)")
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(fontsize=6)


def plot(results: dict, out: Path) -> Path:
    figure, (left, right) = two_panels((11, 4.2))
    _latency_panel(left, results)
    _memory_panel(right, results)
    title = (
        f"diplosearch serve, {results.get('articles', '?'):,} articles, "
        f"{results['machine']['cores']} cores ({results['date'][:10]})"
    )
    return save(figure, title, out)


def two_panels(size: tuple[float, float]):
    """A figure of two panels side by side, drawn without a display (matplotlib is
    imported here: only the bench extra has it)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    return pyplot.subplots(1, 2, figsize=size, dpi=90)


def save(figure, title: str, out: Path) -> Path:
    """Title the figure, write it to ``out`` (folders made) and free it."""
    from matplotlib import pyplot

    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out)
    pyplot.close(figure)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", type=Path, help="a JSON file written by bench.http_load")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    try:
        results = json.loads(args.results.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"bench.plot: cannot read {args.results}: {exc}", file=sys.stderr)
        return 1
    out = plot(results, args.out)
    print(f"plot: {out} ({out.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
