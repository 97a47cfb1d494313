"""`python -m bench.grouping`: pairwise precision and recall of each way of grouping comments.

The labelled set (bench/data/grouping.csv) holds comments on the sample draft, each with
the section it is on and the group a person put it in. A method is judged on pairs of
comments on the same section: precision = pairs it put together that belong together /
pairs it put together; recall = pairs that belong together that it put together.
`--write` puts the table into BENCHMARKS.md (between the grouping markers).
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from content.similar import CHOSEN, group, normalise, score_matrix

if TYPE_CHECKING:
    from content.similar import Scores

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data" / "grouping.csv"
THRESHOLDS = tuple(range(5, 95, 5))
LINKAGES = ("average", "single")
BEGIN, END = "<!-- grouping:begin -->", "<!-- grouping:end -->"


@dataclass(frozen=True)
class Row:
    scorer: str
    linkage: str
    threshold: int
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def load(path: Path = DATA) -> dict[str, list[tuple[str, str]]]:
    """(text, true group) per section, in file order."""
    sections: dict[str, list[tuple[str, str]]] = defaultdict(list)
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            sections[row["section"]].append((row["text"], row["group"]))
    return sections


def _tfidf(analyzer: str, ngrams: tuple[int, int]) -> Callable[[Sequence[str]], Scores]:
    def scores(texts: Sequence[str]) -> Scores:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.metrics.pairwise import cosine_similarity

        matrix = TfidfVectorizer(analyzer=analyzer, ngram_range=ngrams, sublinear_tf=True)
        vectors = matrix.fit_transform([normalise(t) for t in texts])
        return (cosine_similarity(vectors) * 100).astype(np.float32)

    return scores


def _rapidfuzz(scorer: str) -> Callable[[Sequence[str]], Scores]:
    def scores(texts: Sequence[str]) -> Scores:
        from rapidfuzz import fuzz, process

        prepared = [normalise(t) for t in texts]
        function = getattr(fuzz, scorer)
        return process.cdist(prepared, prepared, scorer=function, dtype=np.float32, workers=-1)

    return scores


IN_USE = "tfidf chars 3-5"  # content.similar.score_matrix


def candidates() -> dict[str, Callable[[Sequence[str]], Scores]]:
    """Each way of scoring pairs; rapidfuzz is in the bench extra (pip install -e '.[bench]')."""
    found: dict[str, Callable[[Sequence[str]], Scores]] = {
        "tfidf words 1-2": _tfidf("word", (1, 2)),
        "tfidf chars 2-4": _tfidf("char_wb", (2, 4)),
        IN_USE: score_matrix,
    }
    try:
        import rapidfuzz  # noqa: F401
    except ImportError:
        return found
    for scorer in ("ratio", "token_sort_ratio", "token_set_ratio", "WRatio"):
        found[f"rapidfuzz {scorer}"] = _rapidfuzz(scorer)
    return found


def pair_counts(truth: Sequence[str], predicted: Sequence[int]) -> tuple[int, int, int]:
    """(pairs predicted together, pairs truly together, pairs both)."""
    said = real = both = 0
    for a, b in combinations(range(len(truth)), 2):
        together, belongs = predicted[a] == predicted[b], truth[a] == truth[b]
        said += together
        real += belongs
        both += together and belongs
    return said, real, both


def evaluate(sections: dict[str, list[tuple[str, str]]]) -> list[Row]:
    rows = []
    for name, scorer in candidates().items():
        matrices = {key: scorer([t for t, _ in items]) for key, items in sections.items()}
        for linkage in LINKAGES:
            for threshold in THRESHOLDS:
                said = real = both = 0
                for key, items in sections.items():
                    labels = group(matrices[key], threshold, linkage=linkage)
                    s, r, b = pair_counts([g for _, g in items], labels)
                    said, real, both = said + s, real + r, both + b
                rows.append(Row(name, linkage, threshold, both / said if said else 1.0, both / real))
    return rows


def machine() -> str:
    return f"nproc {os.cpu_count()}, {platform.machine()}, Python {platform.python_version()}"


def table(rows: Sequence[Row], sections: dict[str, list[tuple[str, str]]]) -> list[str]:
    comments = sum(len(v) for v in sections.values())
    groups = len({(k, g) for k, items in sections.items() for _, g in items})
    best_per = {}
    for row in rows:
        key = (row.scorer, row.linkage)
        if key not in best_per or row.f1 > best_per[key].f1:
            best_per[key] = row
    chosen = next(
        r for r in rows
        if r.scorer == IN_USE and r.linkage == CHOSEN.linkage
        and r.threshold == CHOSEN.threshold
    )
    lines = [
        (f"Labelled set: {comments} comments on {len(sections)} sections of the sample draft, "
        f"{groups} true groups (bench/data/grouping.csv). Machine: {machine()}. "
        "Command: `.venv/bin/python -m bench.grouping --write`."),
        "",
        "Best threshold of each method (pairwise, over pairs of comments on the same section):",
        "",
        "| method | linkage | threshold | precision | recall | F1 |",
        "|---|---|---|---|---|---|",
    ]
    for row in sorted(best_per.values(), key=lambda r: -r.f1):
        lines.append(f"| {row.scorer} | {row.linkage} | {row.threshold} | {row.precision:.3f} "
                     f"| {row.recall:.3f} | {row.f1:.3f} |")
    lines += [
        "",
        (f"In use (content/similar.py): {IN_USE}, {CHOSEN.linkage} linkage, "
        f"threshold {CHOSEN.threshold:g}: precision {chosen.precision:.3f}, "
        f"recall {chosen.recall:.3f}, F1 {chosen.f1:.3f}."),
    ]
    return lines


def write(
    lines: Sequence[str], path: Path, *, begin: str = BEGIN, end: str = END,
    title: str = "Grouping comments: precision and recall",
) -> None:
    """Replace the block between the markers (or add it at the end)."""
    block = "\n".join([begin, f"## {title}", "", *lines, end])
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> list[Row]:
    parser = argparse.ArgumentParser(prog="python -m bench.grouping", description=__doc__)
    parser.add_argument("--all", action="store_true", help="every threshold, not only the best")
    parser.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
    args = parser.parse_args(argv)
    sections = load()
    rows = evaluate(sections)
    if args.all:
        for row in rows:
            print(f"{row.scorer:20} {row.linkage:8} {row.threshold:3}  P {row.precision:.3f}  "
                  f"R {row.recall:.3f}  F1 {row.f1:.3f}")
        print()
    lines = table(rows, sections)
    print("\n".join(lines))
    if args.write:
        write(lines, ROOT / "BENCHMARKS.md")
    return rows


if __name__ == "__main__":
    main()
