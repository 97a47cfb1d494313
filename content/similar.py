"""Which comments on a section say the same thing: normalised text, TF-IDF, greedy grouping.

The method was chosen on a labelled set of 161 comments on the sample draft
(bench/data/grouping.csv; `python -m bench.grouping` prints every candidate, figures in
BENCHMARKS.md): scikit-learn's TF-IDF over character 3-5-grams (within words) of folded
text (no diacritics, no case, no punctuation), cosine similarity, each comment joining the
group it is closest to on average if that reaches 0.30. Its pairwise F1 (0.874: precision
0.883, recall 0.864) is within 0.01 of the best single figure (0.884, TF-IDF on words at
0.20 and characters at 0.25), and unlike those it stays above 0.87 on both neighbouring
thresholds and leans towards precision: a group the Office has to split costs more reading
than two it merges. rapidfuzz's token ratios reached 0.858 at best.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from content.text import fold

if TYPE_CHECKING:  # numpy and scikit-learn load only when comments are grouped: every
    import numpy as np  # `gopy` command imports this module, and they take ~0.3 s
    from numpy.typing import NDArray

    Scores = NDArray[np.float32]

_THOUSANDS = re.compile(r"(?<=\d)[.,](?=\d{3}\b)")  # 1.000 and 1000 are the same number
_NOT_WORD = re.compile(r"[^\w%]+")


@dataclass(frozen=True)
class Method:
    """How to group: a linkage and a threshold on similarity out of 100."""

    linkage: str = "average"  # "average": mean score to a group's members; "single": best one
    threshold: float = 30.0


CHOSEN = Method()


def normalise(text: str) -> str:
    """Folded, punctuation gone: 'Chỉ tiêu 1.000 đảng viên!' → 'chi tieu 1000 dang vien'."""
    return fold(_NOT_WORD.sub(" ", _THOUSANDS.sub("", text)))


def score_matrix(texts: Sequence[str]) -> Scores:
    """Every pair's similarity, 0-100: cosine of TF-IDF character 3-5-grams, fitted on `texts`."""
    import numpy as np

    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    # Imported here: scikit-learn takes a second to load, and only grouping needs it.
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    prepared = [normalise(t) or "-" for t in texts]
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                                 dtype=np.float32)
    try:
        vectors = vectorizer.fit_transform(prepared)
    except ValueError:  # nothing but one- or two-letter words: no 3-gram at all
        return np.eye(len(texts), dtype=np.float32) * 100
    return (cosine_similarity(vectors) * 100).astype(np.float32)


def group(
    scores: Scores,
    threshold: float = CHOSEN.threshold,
    *,
    linkage: str = CHOSEN.linkage,
    fixed: Sequence[int | None] | None = None,
) -> list[int]:
    """A group number for each item, in order; items with a `fixed` group keep it.

    Items are taken in order; each joins the group it scores best against (mean or best
    score over that group's members, by `linkage`) if that reaches `threshold`, else
    starts a new group. Fixed items seed their groups and are never moved, and two
    groups are never joined, so hand corrections survive a later run.
    """
    import numpy as np

    n = len(scores)
    given = list(fixed) if fixed is not None else [None] * n
    labels: list[int] = [-1] * n
    # Row g: the sum (average linkage) or maximum (single) of group g's scores to every item.
    totals = np.zeros((n, n), dtype=np.float32) if n else np.zeros((0, 0), dtype=np.float32)
    counts = np.zeros(n, dtype=np.int32)
    names: list[int] = []  # row → group number
    rows: dict[int, int] = {}

    def add(item: int, label: int) -> None:
        if label not in rows:
            rows[label] = len(names)
            names.append(label)
        row = rows[label]
        if linkage == "average":
            totals[row] += scores[item]
        else:
            np.maximum(totals[row], scores[item], out=totals[row])
        counts[row] += 1
        labels[item] = label

    for item, label in enumerate(given):
        if label is not None:
            add(item, label)
    next_label = max((label for label in given if label is not None), default=-1) + 1
    for item in range(n):
        if labels[item] != -1:
            continue
        used = len(names)
        if used:
            column = totals[:used, item]
            values = column / counts[:used] if linkage == "average" else column
            best = int(values.argmax())
            if values[best] >= threshold:
                add(item, names[best])
                continue
        add(item, next_label)
        next_label += 1
    return labels


def representative(scores: Scores, items: Sequence[int]) -> int:
    """The item closest to all the others in its group (the medoid), to show for the group."""
    import numpy as np

    if len(items) <= 2:
        return items[0]
    block = scores[np.ix_(items, items)]
    return items[int(block.sum(axis=1).argmax())]
