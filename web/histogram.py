"""The year histogram of the search page, laid out here and drawn by the template as SVG.

Bars cover every year from the oldest to the newest dated article (gaps show as empty
slots). A bar links to the search narrowed to its year, or back to all dates when that
year is the current range; bars inside the current date range are marked selected.
"""

from __future__ import annotations

import math

from search.request import SearchRequest

WIDTH = 260  # widest drawing, in CSS pixels (the SVG shrinks on narrow screens)
BAR_AREA = 64  # height of the tallest bar, below a row for the counts
TOP = 14  # room above the bars for the count labels
HEIGHT = TOP + BAR_AREA + 16  # and a row of year labels below
MAX_BAR = 34
GAP = 3
LABEL_WIDTH = 32  # a year label at 11px


def year_histogram(
    years: list[dict], req: SearchRequest, pairs: list[tuple[str, str]], base: str
) -> dict:
    """Geometry and links of each bar, from the ``year`` facet of a result."""
    from web.context import url_with  # context imports this module

    counts = {item["value"]: item["count"] for item in years if item["value"].isdigit()}
    undated = next((item["count"] for item in years if item["value"] == "undated"), 0)
    if not counts:
        return {"bars": [], "undated": undated, "width": WIDTH, "height": HEIGHT}
    first, last = int(min(counts)), int(max(counts))
    slots = last - first + 1
    step = min(MAX_BAR + GAP, WIDTH / slots)
    top = max(counts.values()) or 1
    lo = req.date_from.year if req.date_from else None
    hi = req.date_to.year if req.date_to else None
    bars = []
    for i, year in enumerate(range(first, last + 1)):
        count = counts.get(str(year), 0)
        height = 0 if not count else max(2.0, BAR_AREA * count / top)
        only_this = _is_whole_year(req, year)
        bars.append(
            {
                "year": year,
                "count": count,
                "x": round(i * step, 2),
                "width": round(max(step - GAP, 1.0), 2),
                "y": round(TOP + BAR_AREA - height, 2),
                "height": round(height, 2),
                "selected": (lo or hi) is not None
                and (lo is None or year >= lo)
                and (hi is None or year <= hi),
                "url": None
                if not count
                else url_with(base, pairs, **{"from": None, "to": None})
                if only_this
                else url_with(base, pairs, **{"from": f"{year}-01-01", "to": f"{year}-12-31"}),
                "label": f"{year}: {count} article{'s' if count != 1 else ''}"
                + (" (selected; select again for all dates)" if only_this else ""),
            }
        )
    every = max(1, math.ceil(LABEL_WIDTH / step))
    for i, bar in enumerate(bars):
        bar["text"] = str(bar["year"]) if i % every == 0 or i == slots - 1 else ""
        bar["anchor"], bar["text_x"] = _label_position(bar, i, slots, step)
        bar["count_text"] = str(bar["count"]) if bar["count"] and step >= LABEL_WIDTH else ""
    if every > 1 and slots > 1 and (slots - 1) % every:
        bars[-1 - ((slots - 1) % every)]["text"] = ""  # keep the last year's label clear
    width = round(slots * step, 2)
    return {"bars": bars, "undated": undated, "width": width, "height": HEIGHT}


def _label_position(bar: dict, i: int, slots: int, step: float) -> tuple[str, float]:
    """Labels wider than their bar align inward at the ends, never cut at the SVG's edges."""
    if step < LABEL_WIDTH and i == 0:
        return "start", bar["x"]
    if step < LABEL_WIDTH and i == slots - 1:
        return "end", round(bar["x"] + bar["width"], 2)
    return "middle", round(bar["x"] + bar["width"] / 2, 2)


def _is_whole_year(req: SearchRequest, year: int) -> bool:
    return bool(
        req.date_from
        and req.date_to
        and req.date_from.isoformat() == f"{year}-01-01"
        and req.date_to.isoformat() == f"{year}-12-31"
    )
