"""Measures, their targets, and the printed report."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Measure:
    suite: str
    name: str
    value: float
    target: float | None = None
    unit: str = "%"  # "%" for ratios shown as percentages, else a plain unit
    count: int = 0  # how many items the value is over
    note: str = ""

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.value >= self.target

    def shown(self, value: float | None = None) -> str:
        value = self.value if value is None else value
        if self.unit == "%":
            return f"{value * 100:.1f}%"
        if self.unit == "F1" or self.unit == "ratio":
            return f"{value:.3f}"
        return f"{value:,.0f} {self.unit}"


@dataclass
class SuiteResult:
    name: str
    measures: list[Measure] = field(default_factory=list)
    misses: dict[str, list[str]] = field(default_factory=dict)  # measure -> examples
    skipped: str | None = None  # why the suite did not run

    def add(self, name: str, value: float, target: float | None = None, **kw) -> Measure:
        measure = Measure(self.name, name, value, target, **kw)
        self.measures.append(measure)
        return measure

    def miss(self, name: str, example: str, keep: int = 400) -> None:
        examples = self.misses.setdefault(name, [])
        if len(examples) < keep:
            examples.append(example)


def ratio(hits: int, total: int) -> float:
    return hits / total if total else 0.0


def render(results: list[SuiteResult], show_misses: int = 0) -> str:
    """The report as aligned text: suite, measure, value, target, verdict, count."""
    lines = [f"{'suite':10} {'measure':52} {'value':>12} {'target':>10}  {'':4} n"]
    for result in results:
        if result.skipped:
            lines.append(f"{result.name:10} skipped: {result.skipped}")
            continue
        for m in result.measures:
            target = "" if m.target is None else "≥ " + m.shown(m.target)
            verdict = {True: "ok", False: "MISS", None: ""}[m.met]
            lines.append(
                f"{m.suite:10} {m.name:52} {m.shown():>12} {target:>10}  {verdict:4} {m.count}"
                + (f"  ({m.note})" if m.note else "")
            )
        if show_misses:
            for name, examples in result.misses.items():
                lines.append(f"  misses of {result.name}: {name} ({len(examples)} kept)")
                lines.extend(f"    {e}" for e in examples[:show_misses])
    return "\n".join(lines)


def as_json(results: list[SuiteResult]) -> list[dict]:
    return [
        {
            "suite": r.name,
            "skipped": r.skipped,
            "measures": [
                {
                    "name": m.name,
                    "value": round(m.value, 4),
                    "target": m.target,
                    "unit": m.unit,
                    "count": m.count,
                    "met": m.met,
                    "note": m.note,
                }
                for m in r.measures
            ],
        }
        for r in results
    ]
