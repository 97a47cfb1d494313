"""Timestamps formatted by the database itself as local ISO 8601 (2026-12-01T09:00:00+07:00).

An export of a million rows spends most of its Python time turning datetimes into text;
the database does it in C. SQLite has no time zones, so the zone's UTC offsets from 2000
to 2100 are worked out here once, and the statement picks one per row with a CASE that
tries the latest first (one branch for a zone without daylight saving, such as
Asia/Ho_Chi_Minh). The text is exactly what
`datetime.astimezone(tz).isoformat(timespec="seconds")` gives for any moment after 2000;
an earlier one (no comment can be) would be shown with the zone's offset of 2000.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, String, case, func, literal, literal_column

STEP = timedelta(days=7)  # no zone changes its offset twice within a week (2000-2100)
WINDOW = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


@dataclass(frozen=True)
class Span:
    """From `start` (UTC, None: since ever) the zone is `offset` ahead of UTC."""

    start: datetime | None
    offset: timedelta

    @property
    def suffix(self) -> str:
        """The offset as isoformat writes it: +07:00, -03:30, +00:00."""
        return datetime(2000, 1, 1, tzinfo=timezone(self.offset)).isoformat()[19:]


@lru_cache(maxsize=16)
def zone_spans(tz: tzinfo) -> tuple[Span, ...]:
    """The zone's offsets over WINDOW (worked out once per zone and process)."""
    return tuple(spans(tz, *WINDOW))


def spans(tz: tzinfo, first: datetime, last: datetime) -> list[Span]:
    """The zone's offsets from `first` to `last` (aware), each with the instant it starts."""
    found = [Span(None, _offset(tz, first))]
    moment = first
    while moment < last:
        following = min(moment + STEP, last)
        if _offset(tz, following) != found[-1].offset:
            low, high = moment, following  # the change is in (low, high]: find its second
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if _offset(tz, middle) == found[-1].offset:
                    low = middle
                else:
                    high = middle
            found.append(Span(high.replace(microsecond=0), _offset(tz, high)))
        moment = following
    return found


def _offset(tz: tzinfo, moment: datetime) -> timedelta:
    offset = moment.astimezone(tz).utcoffset()
    return offset if offset is not None else timedelta(0)


def local_iso(column: Any, dialect: str, zone: Sequence[Span]) -> ColumnElement[str]:
    """SQL giving `column` (a UTCDateTime) as local ISO 8601 text to the second."""
    branches = [(s, _shifted(column, dialect, s)) for s in zone]
    if len(branches) == 1:
        return branches[0][1]
    # Latest span first: the first branch whose start the moment has reached.
    return case(*((column >= s.start, text) for s, text in reversed(branches[1:])),
                else_=branches[0][1])


def _shifted(column: Any, dialect: str, span: Span) -> ColumnElement[str]:
    seconds = int(span.offset.total_seconds())
    if dialect == "sqlite":
        # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC): cut to the second first, because
        # SQLite rounds fractions to the millisecond and isoformat truncates.
        text = func.strftime("%Y-%m-%dT%H:%M:%S", func.substr(column, 1, 19),
                             f"{seconds:+d} seconds")
    else:
        local = func.timezone("UTC", column) + literal_column(f"interval '{seconds} seconds'")
        text = func.to_char(local, 'YYYY-MM-DD"T"HH24:MI:SS')
    return text.op("||")(literal(span.suffix, String))
