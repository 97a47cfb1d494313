"""Charts as SVG drawn on the server: shapes computed here, drawn by templates/charts.html.

No script and no external font, so they print and work offline; every bar has a text label
and each chart a title and a description for screen readers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from content import strings
from storage.figures import SectionSpread
from storage.progress import CellRow

WIDTH = 640  # the viewBox; the SVG scales to its container
LABEL = 230  # left column for names
ROW = 26
BAR = 18
# Colour-blind safe, AA against white for the text drawn beside them.
COLOURS = ("#1b6e3a", "#d9a400", "#b3261e", "#5f6b7a", "#2f5d9c", "#7b3f98")
STATUS_COLOURS = ("#1b6e3a", "#d9a400", "#c9ced6")  # finished, started, not started


@dataclass(frozen=True)
class Piece:
    x: float
    width: float
    colour: str
    title: str  # the tooltip and the screen reader's text


@dataclass(frozen=True)
class Row:
    y: float
    label: str
    pieces: tuple[Piece, ...]
    value: str  # written after the bar


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    height: float
    rows: tuple[Row, ...]
    legend: tuple[tuple[str, str], ...]  # (colour, label)
    label_width: float = LABEL
    width: float = WIDTH


def _stack(values: Sequence[int], colours: Sequence[str], names: Sequence[str], total: int,
           span: float) -> tuple[Piece, ...]:
    pieces, x = [], float(LABEL)
    for value, colour, name in zip(values, colours, names, strict=False):
        if value <= 0 or total <= 0:
            continue
        width = span * value / total
        pieces.append(Piece(round(x, 1), round(width, 1), colour, f"{name}: {value}"))
        x += width
    return tuple(pieces)


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def organizations(cells: Sequence[CellRow]) -> Chart:
    """Members finished / started / not started per base organization, as 100% bars."""
    figures: dict[str, list[int]] = {}
    for cell in cells:
        f = figures.setdefault(cell.organization, [0, 0, 0])
        f[0] += cell.finished
        f[1] += cell.started
        f[2] += cell.total - cell.finished - cell.started
    span = WIDTH - LABEL - 60
    names = (strings.WEB_STATUS_FINISHED, strings.WEB_STATUS_STARTED, strings.WEB_STATUS_NOT_STARTED)
    rows = []
    for i, (name, values) in enumerate(sorted(figures.items())):
        total = sum(values)
        percent = round(100 * values[0] / total) if total else 0
        rows.append(Row(i * ROW + 4, _short(name), _stack(values, STATUS_COLOURS, names, total, span),
                        f"{percent}%"))
    return Chart(strings.WEB_CHART_ORGS, strings.WEB_CHART_ORGS_DESC, len(rows) * ROW + 8,
                 tuple(rows), tuple(zip(STATUS_COLOURS, names, strict=True)))


def sections(spreads: Sequence[SectionSpread], choices: Sequence[str]) -> Chart:
    """Answers per section, stacked by choice (then text without a choice)."""
    names = (*choices, strings.WEB_TEXT_ONLY)
    colours = COLOURS[: len(choices)] + (COLOURS[-1],)
    most = max((sum(s.choices.values()) + s.text_only for s in spreads), default=0)
    span = WIDTH - LABEL - 60
    rows = []
    for i, spread in enumerate(spreads):
        values = [spread.choices.get(c, 0) for c in choices] + [spread.text_only]
        label = _short(f"{spread.number} {spread.title}".strip())
        rows.append(Row(i * ROW + 4, label, _stack(values, colours, names, most, span),
                        str(sum(values))))
    return Chart(strings.WEB_CHART_SECTIONS, strings.WEB_CHART_SECTIONS_DESC, len(rows) * ROW + 8,
                 tuple(rows), tuple(zip(colours, names, strict=True)))


def per_day(days: Sequence[tuple[date, int]]) -> Chart:
    """Comments first sent each day, one bar per day."""
    most = max((n for _, n in days), default=0)
    span = WIDTH - 120 - 60
    rows = tuple(
        Row(i * ROW + 4, f"{day.day:02d}/{day.month:02d}/{day.year}",
            (Piece(120, round(span * n / most, 1) if most else 0, COLOURS[4], str(n)),), str(n))
        for i, (day, n) in enumerate(days)
    )
    return Chart(strings.WEB_CHART_DAYS, strings.WEB_CHART_DAYS_DESC, len(rows) * ROW + 8, rows,
                 (), label_width=120)
