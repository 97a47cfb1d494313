"""When reminders go out: slots before the deadline, in local time, never at night."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from content import strings

QUIET_FROM = time(21, 0)  # nothing is sent from this time…
QUIET_UNTIL = time(7, 0)  # …until this time the next morning
_RULE = re.compile(r"^\s*(\d{1,2})\s*d\s*@\s*(\d{1,2}):(\d{2})\s*$", re.IGNORECASE)


class PolicyError(ValueError):
    """A reminder policy the Office typed that cannot be read."""


@dataclass(frozen=True)
class Slot:
    """One reminder round: its key in ReminderSent and the moment it is due."""

    key: str  # local time it goes out, "2026-12-12T08:00": stable across restarts
    at: datetime  # aware
    days_before: int


def parse_policy(text: str) -> list[dict[str, Any]]:
    """'3d@08:00,1d@08:00,0d@08:00' → Consultation.reminders; '' or 'none' means no reminders."""
    if text.strip().lower() in ("", "none", "không"):
        return []
    rules: list[dict[str, Any]] = []
    for part in text.split(","):
        match = _RULE.match(part)
        if match is None:
            raise PolicyError(strings.POLICY_BAD_RULE.format(rule=part.strip()))
        days, hour, minute = (int(g) for g in match.groups())
        if hour > 23 or minute > 59:
            raise PolicyError(strings.POLICY_BAD_TIME.format(rule=part.strip()))
        rules.append({"days_before": days, "at": f"{hour:02d}:{minute:02d}"})
    return sorted(rules, key=lambda r: (-r["days_before"], r["at"]))


def format_policy(rules: Sequence[dict[str, Any]]) -> str:
    return ",".join(f"{r['days_before']}d@{r['at']}" for r in rules) or "none"


def is_quiet(moment: datetime, tz: ZoneInfo) -> bool:
    local = moment.astimezone(tz).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL


def next_allowed(moment: datetime, tz: ZoneInfo) -> datetime:
    """`moment` itself outside quiet hours, else the end of the quiet night it falls in."""
    local = moment.astimezone(tz)
    if not is_quiet(local, tz):
        return local
    day = local.date() + timedelta(days=1) if local.time() >= QUIET_FROM else local.date()
    return datetime.combine(day, QUIET_UNTIL, tzinfo=tz)


def slots(deadline: datetime, rules: Sequence[dict[str, Any]], tz: ZoneInfo) -> list[Slot]:
    """The consultation's reminder slots, shifted out of quiet hours, before the deadline."""
    local_deadline = deadline.astimezone(tz)
    found: dict[str, Slot] = {}
    for rule in rules:
        days = int(rule["days_before"])
        hour, minute = (int(x) for x in str(rule["at"]).split(":"))
        day = local_deadline.date() - timedelta(days=days)
        at = next_allowed(datetime.combine(day, time(hour, minute), tzinfo=tz), tz)
        if at >= local_deadline:
            continue
        key = at.strftime("%Y-%m-%dT%H:%M")
        found.setdefault(key, Slot(key=key, at=at, days_before=days))
    return sorted(found.values(), key=lambda s: s.at)


def due_slot(
    all_slots: Sequence[Slot], now: datetime, deadline: datetime, tz: ZoneInfo
) -> Slot | None:
    """The slot to send now: the latest one already due, so a late start sends one, not a burst."""
    if now >= deadline or is_quiet(now, tz):
        return None
    past = [s for s in all_slots if s.at <= now]
    return past[-1] if past else None


def next_event(
    all_slots: Sequence[Slot], now: datetime, deadline: datetime, tz: ZoneInfo
) -> datetime | None:
    """The next moment something is due (a slot, the deadline, the morning after a quiet night)."""
    upcoming = [s.at for s in all_slots if s.at > now] + ([deadline] if deadline > now else [])
    if is_quiet(now, tz) and any(s.at <= now for s in all_slots):
        upcoming.append(next_allowed(now, tz))  # a slot held back by the night
    return min(upcoming) if upcoming else None
