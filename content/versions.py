"""A next version of a draft against the one before: which section became which, what changed.

Sections are matched by their place in the tree (key), their heading and their text: a
renumbered section keeps its comments' history, a section that moved keeps it too, and the
draft's many repeated headings ("1. Thuận lợi" in both parts) never match on the heading
alone. Text is compared as words (content.similar's folded tokens): Vietnamese syllables
are whole tokens, so a reworded sentence costs a few words, never characters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Protocol

from content.passages import Change, word_diff
from content.similar import normalise

# Weights of the evidence and the score a pair needs, chosen on the sample draft: a section
# rewritten wholesale at the same place under the same heading still matches (0.40 before
# any shared word), two sections that only share a heading elsewhere in the tree do not
# (0.25 and what little text they share).
TEXT_WEIGHT, TITLE_WEIGHT, PLACE_WEIGHT = 0.6, 0.25, 0.15
THRESHOLD = 0.40
CONTEXT_WORDS = 4  # kept words shown on each side of a change
_VERSION_IN_TITLE = re.compile(r"\(?\s*(dự thảo\s+lần\s+(?:thứ\s+)?\w+)\s*\)?", re.IGNORECASE)


class SectionText(Protocol):
    """What matching reads of a section: storage's Section and the parser's DraftSection."""

    @property
    def key(self) -> str: ...
    @property
    def number(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def body(self) -> str: ...


def _words(text: str) -> list[str]:
    return normalise(text).split()


def _shingles(text: str) -> set[tuple[str, ...]]:
    """Word pairs: a shared pair says more than a shared word ("của", "và" are everywhere)."""
    words = _words(text)
    if len(words) < 2:
        return {tuple(words)} if words else set()
    return set(pairwise(words))


def _jaccard(a: set[tuple[str, ...]] | set[str], b: set[tuple[str, ...]] | set[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def similarity(old: SectionText, new: SectionText) -> float:
    """How likely `new` is `old` in its next version, 0-1."""
    text = _jaccard(_shingles(old.body), _shingles(new.body))
    title = _jaccard(set(_words(old.title)), set(_words(new.title)))
    place = 1.0 if old.key == new.key else 0.0
    return TEXT_WEIGHT * text + TITLE_WEIGHT * title + PLACE_WEIGHT * place


def match(old: Sequence[SectionText], new: Sequence[SectionText]) -> list[int | None]:
    """For each new section, the index of the old section it continues, or None (new).

    Greedy on the best pairs first: each old section continues at most once. Identical
    text at the same place is settled before any scoring, which keeps a long draft fast."""
    found: list[int | None] = [None] * len(new)
    taken: set[int] = set()
    by_key = {s.key: i for i, s in enumerate(old)}
    for j, section in enumerate(new):
        i = by_key.get(section.key)
        if i is not None and i not in taken and _same(old[i], section):
            found[j] = i
            taken.add(i)
    pairs = sorted(
        ((similarity(old[i], new[j]), -j, -i, i, j)
         for j in range(len(new)) if found[j] is None
         for i in range(len(old)) if i not in taken),
        reverse=True,
    )
    for score, _, _, i, j in pairs:
        if score < THRESHOLD:
            break
        if found[j] is None and i not in taken:
            found[j] = i
            taken.add(i)
    return found


def _flat(text: str) -> str:
    return " ".join(text.split())


def _same(old: SectionText, new: SectionText) -> bool:
    return _flat(old.title) == _flat(new.title) and _flat(old.body) == _flat(new.body)


def changed(old: SectionText, new: SectionText) -> bool:
    """Whether a member who read `old` has something new to read in `new` (spacing aside)."""
    return not _same(old, new) or old.number != new.number


@dataclass(frozen=True)
class Hunk:
    """One change in a section, with a few unchanged words around it for context."""

    before: str
    removed: str
    added: str
    after: str


def hunks(old: str, new: str, context: int = CONTEXT_WORDS) -> list[Hunk]:
    """The word-level changes from `old` to `new`, each with `context` words either side;
    changes a few words apart read as one («a b c» → «x b y», not two changes)."""
    runs = _joined(word_diff(old, new))
    out: list[Hunk] = []
    for index, run in enumerate(runs):
        if run.op == "keep":
            continue
        removed, added = run.words
        before = runs[index - 1].words[0].split()[-context:] if index else []
        after = runs[index + 1].words[0].split()[:context] if index + 1 < len(runs) else []
        out.append(Hunk(" ".join(before), removed, added, " ".join(after)))
    return out


@dataclass
class _Run:
    op: str  # "keep" (words[0]) | "change" (removed, added)
    words: list[str]


def _joined(changes: list[Change], gap: int = 3) -> list[_Run]:
    """Kept runs and changed runs alternating; a kept run of at most `gap` words between two
    changes becomes part of one change."""
    runs: list[_Run] = []
    for change in changes:
        if change.op == "keep":
            runs.append(_Run("keep", [change.words]))
            continue
        if not runs or runs[-1].op != "change":
            runs.append(_Run("change", ["", ""]))
        side = 0 if change.op == "remove" else 1
        runs[-1].words[side] = _cat(runs[-1].words[side], change.words)
    merged: list[_Run] = []
    for run in runs:
        short = run.op == "keep" and len(run.words[0].split()) <= gap
        if short and merged and merged[-1].op == "change" and run is not runs[-1]:
            kept = run.words[0]
            merged[-1].words = [_cat(merged[-1].words[0], kept), _cat(merged[-1].words[1], kept)]
            continue
        if run.op == "change" and merged and merged[-1].op == "change":
            last = merged[-1].words
            merged[-1].words = [_cat(last[0], run.words[0]), _cat(last[1], run.words[1])]
            continue
        merged.append(run)
    return merged


def _cat(a: str, b: str) -> str:
    return f"{a} {b}" if a and b else a or b


def section_hunks(old: SectionText, new: SectionText) -> list[Hunk]:
    """What changed in a section: its heading, then its text."""
    found = []
    if _flat(old.title) != _flat(new.title) or old.number != new.number:
        found += hunks(f"{old.number}. {old.title}", f"{new.number}. {new.title}")
    return found + hunks(old.body, new.body)


@dataclass(frozen=True)
class SectionDiff:
    """One section across two versions: "changed", "added", "removed" or "same"."""

    kind: str
    old: int | None  # index in the older version's sections
    new: int | None  # index in the newer version's sections


def compare(old: Sequence[SectionText], new: Sequence[SectionText],
            previous: Sequence[int | None]) -> list[SectionDiff]:
    """Every section of both versions, in the newer one's order, a removed one where it was.

    `previous[j]`: the index in `old` of new section j's match (what `match` returned)."""
    matched = {i: j for j, i in enumerate(previous) if i is not None}
    out: list[SectionDiff] = []
    for i in range(len(old)):  # removed sections before the first match sit at the top
        if i in matched:
            break
        out.append(SectionDiff("removed", i, None))
    for j, was in enumerate(previous):
        if was is None:
            out.append(SectionDiff("added", None, j))
            continue
        out.append(SectionDiff("changed" if changed(old[was], new[j]) else "same", was, j))
        following = was + 1
        while following < len(old) and following not in matched:
            out.append(SectionDiff("removed", following, None))
            following += 1
    return out


def label_from_title(title: str) -> str:
    """«Dự thảo lần 5» from a title that names it ("… (dự thảo lần 5)"); "" when it does not."""
    found = _VERSION_IN_TITLE.search(title)
    if found is None:
        return ""
    label = " ".join(found.group(1).split())
    return label[0].upper() + label[1:]


def retitled(title: str, old_label: str, new_label: str) -> str:
    """The title with the version it names moved on («… (lần 4)» → «… (lần 5)»), so
    members are not shown lần 4 above lần 5's text; a title that names no version, or
    another one than the old label, is the Office's own wording and kept as it is."""
    old, new = _TIMES.search(old_label), _TIMES.search(new_label)
    if old is None or new is None or old.group(1).casefold() == new.group(1).casefold():
        return title
    named = re.compile(rf"(\blần\s+(?:thứ\s+)?){re.escape(old.group(1))}\b", re.IGNORECASE)
    return named.sub(lambda found: found.group(1) + new.group(1), title, count=1)


_TIMES = re.compile(r"\blần\s+(?:thứ\s+)?(\w+)", re.IGNORECASE)


def hunk_text(hunk: Hunk) -> str:
    """One change for a terminal or a spreadsheet: … kept [-removed-] {+added+} kept …"""
    parts = [f"… {hunk.before}" if hunk.before else ""]
    if hunk.removed:
        parts.append(f"[-{hunk.removed}-]")
    if hunk.added:
        parts.append(f"{{+{hunk.added}+}}")
    parts.append(f"{hunk.after} …" if hunk.after else "")
    return " ".join(p for p in parts if p)
