"""A PNG of a ``bench.compare`` result: query latency per system.

    python -m bench.compare_plot bench/out/compare-100000.json --out docs/img/compare-latency.png

Left: the share of requests answered within a time, one line per system (warm rounds).
Right: a box per kind of request and system (whiskers at p5 and p95, no outliers drawn).
Needs matplotlib (the ``bench`` extra).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bench.plot import save, two_panels


def _cdf_panel(ax, results: dict) -> None:
    for k, (system, figures) in enumerate(results["systems"].items()):
        q = figures["queries"]
        values = sorted(q["latencies_ms"])
        shares = [(i + 1) / len(values) for i in range(len(values))]
        label = f"{system}: p50 {q['p50_ms']:g}, p95 {q['p95_ms']:g}, p99 {q['p99_ms']:g} ms"
        ax.step(values, shares, where="post", label=label, color=f"C{k}", lw=1.4)
    ax.set_xscale("log")
    ax.set_xlabel("latency per request, 4 facets + 10 highlighted hits (ms, log scale)")
    ax.set_ylabel("share of requests answered")
    ax.set_ylim(0, 1.01)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")


def _kinds(results: dict, system: str) -> dict[str, list[float]]:
    mix, q = results["mix_requests"], results["systems"][system]["queries"]
    found: dict[str, list[float]] = {}
    for i, ms in enumerate(q["latencies_ms"]):
        found.setdefault(mix[i % len(mix)]["kind"], []).append(ms)
    return found


def _box_panel(ax, results: dict) -> None:
    systems = list(results["systems"])
    per_system = {s: _kinds(results, s) for s in systems}
    kinds = sorted(per_system[systems[0]])
    width = 0.8 / len(systems)
    for k, system in enumerate(systems):
        positions = [i + (k - (len(systems) - 1) / 2) * width for i in range(len(kinds))]
        boxes = ax.boxplot(
            [per_system[system][kind] for kind in kinds],
            positions=positions,
            widths=width * 0.9,
            whis=(5, 95),
            showfliers=False,
            patch_artist=True,
            medianprops={"color": "black"},
        )
        for box in boxes["boxes"]:
            box.set(facecolor=f"C{k}", alpha=0.6)
        ax.plot([], [], color=f"C{k}", lw=6, alpha=0.6, label=system)
    ax.set_yscale("log")
    ax.set_xticks(range(len(kinds)), [kind.replace(" + ", "\n+ ") for kind in kinds], fontsize=6)
    ax.set_ylabel("latency (ms, log scale)")
    ax.grid(True, axis="y", which="both", alpha=0.3)
    ax.legend(fontsize=7)


def plot(results: dict, out: Path) -> Path:
    figure, (left, right) = two_panels((12, 4.5))
    _cdf_panel(left, results)
    _box_panel(right, results)
    rounds = next(iter(results["systems"].values()))["queries"]["rounds"]
    title = (
        f"{results['articles']:,} + {results['add']:,} articles, "
        f"{results['mix']['requests']} requests x {rounds} warm rounds, "
        f"{results['machine']['cores']} cores ({results['date'][:10]})"
    )
    return save(figure, title, out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", type=Path, help="a JSON file written by bench.compare")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        results = json.loads(args.results.read_text(encoding="utf-8"))
        out = plot(results, args.out)
    except (OSError, ValueError, KeyError) as exc:
        print(f"bench.compare_plot: cannot plot {args.results}: {exc}", file=sys.stderr)
        return 1
    print(f"plot: {out} ({out.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
