"""Charts as inline SVG: bars, ranked bars and bars stacked by year, drawn from counts
with no library and nothing fetched, so that a page holding them shows them offline.

Every mark carries a ``<title>`` (its value and count, shown on hover and read by
screen readers); every chart a ``role="img"`` and an ``aria-label`` saying what it shows.
Colours are the Okabe–Ito palette, told apart with colour-blindness, then greys.
"""

from __future__ import annotations

import re
from collections import Counter
from html import escape as _escape

PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
    "#000000", "#999999", "#666666",
)  # fmt: skip
OTHER = "#BBBBBB"
OTHERS = "all others"  # the values without a colour of their own (a vocabulary has "other")
BAR = PALETTE[0]
STACKED = 8  # values with a colour of their own in a stacked chart; the rest are "other"
FONT = 12
# characters XML (and so inline SVG read as XML) cannot hold, even escaped
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape(text: str) -> str:
    """``text`` for markup: escaped, and without the characters XML cannot hold (each
    replaced by U+FFFD)."""
    return _escape(_NOT_XML.sub("\ufffd", text))


def _svg(width: int, height: int, label: str, body: list[str]) -> str:
    return (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(label)}" '
        f'font-family="system-ui, sans-serif" font-size="{FONT}">' + "".join(body) + "</svg>"
    )


def _nice_max(value: int) -> int:
    """The axis's top: 1, 2 or 5 times a power of ten, at least ``value``."""
    top = 1
    while True:
        for step in (1, 2, 5):
            if top * step >= value:
                return top * step
        top *= 10


def column_chart(counts: dict[int, int], label: str, *, width: int = 640) -> str:
    """One bar per year (every year between the first and the last shown, empty ones too)."""
    if not counts:
        return _empty(label, width)
    years = list(range(min(counts), max(counts) + 1))
    height, left, bottom, top = 220, 40, 30, 10
    top_value = _nice_max(max(counts.values()))
    step = (width - left - 10) / len(years)
    body = _axis(top_value, left, top, height - bottom, width)
    for index, year in enumerate(years):
        n = counts.get(year, 0)
        bar = (height - bottom - top) * n / top_value
        x = left + index * step
        body.append(
            f'<rect class="mark" x="{x + step * 0.1:.1f}" y="{height - bottom - bar:.1f}" '
            f'width="{step * 0.8:.1f}" height="{bar:.1f}" fill="{BAR}">'
            f"<title>{year}: {n}</title></rect>"
        )
    body += _year_labels(years, left, step, height - bottom + 16)
    return _svg(width, height, label, body)


def ranked_chart(counts: Counter, label: str, *, shown: int = 12, width: int = 640) -> str:
    """Horizontal bars, the most frequent value first, at most ``shown`` of them."""
    rows = counts.most_common(shown)
    if not rows:
        return _empty(label, width)
    row, left = 22, 210
    height = row * len(rows) + 10
    top_value = max(1, max(n for _, n in rows))
    body = []
    for index, (value, n) in enumerate(rows):
        y = 5 + index * row
        bar = max(1.0, (width - left - 60) * n / top_value)
        name = _short(value, 32)
        body.append(
            f'<text x="{left - 6}" y="{y + row * 0.65:.1f}" text-anchor="end">{escape(name)}</text>'
            f'<rect class="mark" x="{left}" y="{y + 3}" width="{bar:.1f}" height="{row - 6}" '
            f'fill="{BAR}"><title>{escape(value)}: {n}</title></rect>'
            f'<text x="{left + bar + 4:.1f}" y="{y + row * 0.65:.1f}">{n}</text>'
        )
    return _svg(width, height, label, body)


def stacked_chart(by_year: dict[int, Counter], label: str, *, width: int = 640) -> str:
    """Bars per year, each split by value: the :data:`STACKED` most frequent values in
    colour, the rest together as :data:`OTHERS`; a legend below."""
    if not by_year:
        return _empty(label, width)
    totals: Counter = Counter()
    for counts in by_year.values():
        totals.update(counts)
    coloured = [value for value, _ in totals.most_common(STACKED)]
    colours = dict(zip(coloured, PALETTE, strict=False))
    years = list(range(min(by_year), max(by_year) + 1))
    legend_rows = (len(coloured) + (len(totals) > len(coloured)) + 2) // 3
    plot, left, bottom, top = 220, 40, 30, 10
    height = plot + legend_rows * 18 + 10
    top_value = _nice_max(max(sum(c.values()) for c in by_year.values()))
    step = (width - left - 10) / len(years)
    body = _axis(top_value, left, top, plot - bottom, width)
    for index, year in enumerate(years):
        counts = by_year.get(year, Counter())
        parts = [(v, counts[v], colours[v]) for v in coloured if counts[v]]
        rest = sum(n for v, n in counts.items() if v not in colours)
        if rest:
            parts.append((OTHERS, rest, OTHER))
        base = plot - bottom
        for value, n, colour in parts:
            bar = (plot - bottom - top) * n / top_value
            base -= bar
            body.append(
                f'<rect class="mark" x="{left + index * step + step * 0.1:.1f}" y="{base:.1f}" '
                f'width="{step * 0.8:.1f}" height="{bar:.1f}" fill="{colour}">'
                f"<title>{year}, {escape(value)}: {n}</title></rect>"
            )
    body += _year_labels(years, left, step, plot - bottom + 16)
    entries = [(v, colours[v]) for v in coloured]
    if len(totals) > len(coloured):
        entries.append((OTHERS, OTHER))
    for index, (value, colour) in enumerate(entries):
        x = left + (index % 3) * ((width - left) / 3)
        y = plot + 4 + (index // 3) * 18
        body.append(
            f'<rect x="{x:.1f}" y="{y}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16:.1f}" y="{y + 10}">{escape(_short(value, 28))}</text>'
        )
    return _svg(width, height, label, body)


def _short(text: str, most: int) -> str:
    """``text`` cut to ``most`` characters (an ellipsis ending it), to fit its column."""
    return text if len(text) <= most else text[: most - 1] + "…"


def _axis(top_value: int, left: int, top: int, base: int, width: int) -> list[str]:
    """The value axis: a line at zero and at the top, labelled."""
    return [
        f'<line x1="{left}" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#888"/>',
        f'<line x1="{left}" y1="{top}" x2="{width - 10}" y2="{top}" stroke="#ddd"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">{top_value}</text>',
        f'<text x="{left - 6}" y="{base}" text-anchor="end">0</text>',
    ]


def _year_labels(years: list[int], left: int, step: float, y: int) -> list[str]:
    """Year labels under the bars, thinned to leave room for each."""
    every = max(1, int(40 // step) + 1)
    return [
        f'<text x="{left + i * step + step / 2:.1f}" y="{y}" text-anchor="middle">{year}</text>'
        for i, year in enumerate(years)
        if i % every == 0 or i == len(years) - 1
    ]


def _empty(label: str, width: int) -> str:
    return _svg(
        width, 40, label, [f'<text x="10" y="24" fill="#666">{escape(label)}: none found</text>']
    )
