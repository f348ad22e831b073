"""一级 / 二级 of OCR'd indicator rows: labels put back together, rows put into their groups.

A printed indicator table writes each 二级 label once, in a cell merged over all rows of its group,
vertically centred and wrapped one or two characters a line ("可持 / 续影 / 响指 / 标"). OCR keeps the
pieces on whichever rows they happen to sit level with, so most rows carry no label and some labels
start below their first row. This module

1. reassembles the pieces of one column into labels (``assemble``), matching them against the
   national framework in ``lexicon`` (garbled "服 对 满 度 标" → 服务对象满意度指标), and
2. places every row in a label's group (``assign``): a row that carries a piece of a label is in
   that label's group; the rows between two such rows are split between the two groups so that each
   label sits in the middle of its group. Where that leaves a tie, the words of the indicator name
   (``lexicon.LEVEL2_CUES``), a printed 一级 on the row, and the national 一级 weight split decide,
   and then the earlier group. Tables printed with each label on its group's first row (no wrapped
   labels) are read by carrying the label down, as in clean spreadsheet exports.

Everything here works on positions (the order of non-blank lines in the table), never on line
numbers of a particular file.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from operator import itemgetter

from .. import lexicon
from .ocr_repair import best_label, is_noise, lcs, read_label_text

TAILS = frozenset({"指标", "标", "指"})
FIT = 0.75  # share of a piece's characters a label must contain, in order

CUE_COST = 1.5  # a row whose name points to the other candidate group
HINT_COST = 3.0  # a row whose printed 一级 is not the group's
EMPTY_LABEL_COST = 1.0  # a printed label left with no row
SPLIT_BONUS = 1.0  # the 一级 weights come out as a standard split
EARLIER = 0.001  # per row and label index: ties go to the earlier group
MAX_ASSIGNMENTS = 50_000


@dataclass
class Piece:
    pos: int  # position of its line in the table
    line_no: int
    text: str  # one whitespace-separated token as printed


@dataclass
class Label:
    printed: list[str] = field(default_factory=list)
    key: str = ""  # the pieces read (OCR readings undone), run together
    positions: list[int] = field(default_factory=list)
    line_nos: list[int] = field(default_factory=list)
    canonical: str | None = None
    score: float = 0.0

    @property
    def start(self) -> int:
        return self.positions[0]

    @property
    def centre(self) -> float:
        return (min(self.positions) + max(self.positions)) / 2

    @property
    def text(self) -> str:
        return " ".join(self.printed)

    @property
    def is_multiline(self) -> bool:
        return len(set(self.positions)) > 1


def _complete(key: str, labels: Sequence[str]) -> bool:
    return key.endswith("标") or key in labels


@lru_cache(maxsize=1 << 14)  # pure; the same pieces start labels form after form
def _can_start(key: str, labels: tuple[str, ...]) -> bool:
    if not key or key in TAILS:
        return False
    if len(key) == 1 and not any(label.startswith(key) for label in labels):
        return False
    return best_label(key, labels)[1] >= FIT


@lru_cache(maxsize=1 << 14)  # pure; the same pieces continue the same keys form after form
def _continues(key: str, piece: str, labels: tuple[str, ...]) -> bool:
    """The piece reads as the next characters of a label the key has begun (not merely fits somewhere)."""
    longer = key + piece
    for label in labels:
        common = lcs(longer, label)
        if common / len(longer) >= FIT and common - lcs(key, label) >= max(1, len(piece) // 2):
            return True
    return False


def assemble(pieces: list[Piece], labels: tuple[str, ...]) -> tuple[list[Label], list[Piece]]:
    """Labels of one category column, in printed order; and the pieces that read as no label."""
    found: list[Label] = []
    unread: list[Piece] = []
    current: Label | None = None
    for piece in sorted(pieces, key=lambda p: p.pos):
        if is_noise(piece.text):
            continue
        key = read_label_text(piece.text)
        if current is not None and _complete(current.key, labels) and key in TAILS:
            current.printed.append(piece.text)
            current.positions.append(piece.pos)
            current.line_nos.append(piece.line_no)
            continue
        if (
            current is not None
            and not _complete(current.key, labels)
            and _continues(current.key, key, labels)
        ):
            current.printed.append(piece.text)
            current.key += key
            current.positions.append(piece.pos)
            current.line_nos.append(piece.line_no)
            continue
        if _can_start(key, labels):
            current = Label([piece.text], key, [piece.pos], [piece.line_no])
            found.append(current)
            continue
        unread.append(piece)
    for label in found:
        canonical, score = best_label(label.key, labels)
        label.canonical, label.score = (canonical, score) if score >= FIT else (None, score)
    merged: list[Label] = []
    for label in found:
        if merged and label.canonical and merged[-1].canonical == label.canonical:
            previous = merged[-1]
            previous.printed += label.printed
            previous.key += label.key
            previous.positions += label.positions
            previous.line_nos += label.line_nos
            continue
        merged.append(label)
    return merged, unread


@dataclass
class RowPlace:
    """Where an indicator row sits, and what it says about its group."""

    positions: set[int]  # its own line and the lines its cells continue on
    first: int
    last: int
    weight: Decimal | None = None
    cues: frozenset[str] = frozenset()  # 二级 the name points to
    level1_hint: str | None = None  # a complete 一级 printed on the row itself


@dataclass
class Placement:
    label_of_row: list[int | None]
    fixed: list[bool]
    uncertain: list[bool]  # a different group was (nearly) as good
    split_matched: bool = False
    mode: str = "centred"  # or "carried"


_CUES = tuple((re.compile(pattern), level2) for pattern, level2 in lexicon.LEVEL2_CUES)


@lru_cache(maxsize=1 << 14)  # pure; the same indicators recur form after form
def cues_for(name: str, target: str | None) -> frozenset[str]:
    """二级 groups an indicator's words point to (``lexicon.LEVEL2_CUES``)."""
    text = f"{name} {target or ''}"
    return frozenset(level2 for pattern, level2 in _CUES if pattern.search(text))


def parent_of(level2: str | None, hint: str | None = None) -> str | None:
    parents = lexicon.LEVEL2_PARENTS.get(level2 or "")
    if not parents:
        return None
    return hint if hint in parents else parents[0]


def assign(rows: list[RowPlace], labels: list[Label]) -> Placement:
    """Put every row in one label's group (index into ``labels``); None when there is no label at all."""
    n = len(rows)
    if not labels:
        return Placement([None] * n, [False] * n, [False] * n)
    fixed_to: list[int | None] = []
    label_positions = [set(label.positions) for label in labels]
    for row in rows:
        on_row = [k for k, positions in enumerate(label_positions) if not row.positions.isdisjoint(positions)]
        starting = [k for k in on_row if labels[k].start in row.positions]
        fixed_to.append((starting or on_row)[-1] if on_row else None)
    carried = not any(label.is_multiline for label in labels) and fixed_to and fixed_to[0] is not None
    if carried:
        return _carry_down(fixed_to)
    segments = _free_segments(fixed_to, len(labels))
    options = [list(_monotone(lo, hi, len(members))) for members, lo, hi in segments]
    total = 1
    for choice in options:
        total *= max(1, len(choice))
    build = _builder(fixed_to, segments)
    candidates_of = {}
    for members, lo, hi in segments:
        families = frozenset(labels[k].canonical or labels[k].key for k in range(lo, hi + 1))
        for row_index in members:
            candidates_of[row_index] = families

    cost_of = _Cost(rows, labels, fixed_to, candidates_of)
    best_cost: float | None = None
    best: list[int] = []
    best_split = False
    # per free row, the cheapest assignment that puts it in each label's group
    best_by_label: dict[int, dict[int, float]] = {row_index: {} for row_index in candidates_of}
    if total <= MAX_ASSIGNMENTS:
        choice_sets = itertools.product(*options)
    else:  # too many: settle each segment on its own, the others carried down
        choice_sets = _segment_by_segment(options, build, cost_of)
    inf = float("inf")
    free_rows = list(best_by_label.items())
    for choices in choice_sets:
        assignment = build(choices)
        cost, split = cost_of(assignment)
        for row_index, by_label in free_rows:
            k = assignment[row_index]
            if cost < by_label.get(k, inf):
                by_label[k] = cost
        if best_cost is None or cost < best_cost - 1e-9:
            best_cost, best, best_split = cost, assignment, split
    uncertain = [False] * n
    for row_index, by_label in best_by_label.items():
        others = [cost for k, cost in by_label.items() if k != best[row_index]]
        if others and min(others) - (best_cost or 0.0) < 0.5:
            uncertain[row_index] = True
    return Placement(best, [k is not None for k in fixed_to], uncertain, best_split)


def _carry_down(fixed_to: list[int | None]) -> Placement:
    labels_of_rows: list[int | None] = []
    current = fixed_to[0]
    for k in fixed_to:
        current = k if k is not None else current
        labels_of_rows.append(current)
    n = len(fixed_to)
    return Placement(labels_of_rows, [k is not None for k in fixed_to], [False] * n, mode="carried")


def _free_segments(fixed_to: list[int | None], n_labels: int) -> list[tuple[list[int], int, int]]:
    """Runs of rows without a label piece, with the range of labels they may belong to."""
    segments = []
    i = 0
    while i < len(fixed_to):
        if fixed_to[i] is not None:
            i += 1
            continue
        j = i
        while j < len(fixed_to) and fixed_to[j] is None:
            j += 1
        before = next((fixed_to[k] for k in range(i - 1, -1, -1) if fixed_to[k] is not None), None)
        after = next((fixed_to[k] for k in range(j, len(fixed_to)) if fixed_to[k] is not None), None)
        lo = before if before is not None else 0
        hi = after if after is not None else n_labels - 1
        if lo > hi:  # labels out of order on the page: keep to the one above
            hi = lo
        segments.append((list(range(i, j)), lo, hi))
        i = j
    return segments


def _monotone(lo: int, hi: int, length: int):
    """Non-decreasing label sequences for a run of rows (rows keep the labels' order)."""
    return itertools.combinations_with_replacement(range(lo, hi + 1), length)


def _builder(fixed_to: list[int | None], segments: list[tuple[list[int], int, int]]):
    """The assignment for one choice per free segment. Segments are runs of consecutive rows in
    order, so the fixed rows between them are cut out once and a candidate is a few list extends."""
    fixed_runs, at = [], 0
    for members, _, _ in segments:
        fixed_runs.append(fixed_to[at : members[0]])
        at = members[-1] + 1
    tail = fixed_to[at:]

    def build(choices: Sequence[tuple[int, ...]]) -> list[int]:
        assignment: list = []
        for run, values in zip(fixed_runs, choices, strict=True):
            assignment += run
            assignment += values
        assignment += tail
        return assignment

    return build


def _segment_by_segment(options, build, cost_of):
    chosen = [choice[0] for choice in options]
    for index, choice_list in enumerate(options):
        best, best_cost = chosen[index], None
        for choice in choice_list:
            trial = list(chosen)
            trial[index] = choice
            cost, _ = cost_of(build(trial))
            if best_cost is None or cost < best_cost:
                best, best_cost = choice, cost
        chosen[index] = best
    yield tuple(chosen)


class _Cost:
    """The cost of an assignment of rows to labels (lower is better), and whether its 一级 weights
    come out as a standard split. Everything that does not depend on the assignment is worked out
    once: the search calls this for every candidate assignment."""

    def __init__(self, rows, labels, fixed_to, candidates_of) -> None:
        self.centres = [label.centre for label in labels]
        families = [label.canonical or label.key for label in labels]
        # per row: its span, per label (the cost the row adds in that group, the 一级 its weight
        # counts to, by its index in ``parents``), and its weight; one tuple a row, walked beside
        # the assignment
        self.rows: list[tuple[int, int, list[tuple[float, int | None]], Decimal | None]] = []
        parents: dict[str, int] = {}  # the 一级s weights count to, numbered: summed in a list
        parents_by_hint: dict[str | None, list[str | None]] = {}  # rows share a handful of hints
        for index, row in enumerate(rows):
            options = []
            hint, cues, weighed = row.level1_hint, row.cues, row.weight is not None
            if hint not in parents_by_hint:
                parents_by_hint[hint] = [parent_of(label.canonical, hint) for label in labels]
            free = fixed_to[index] is None
            cued = free and not cues.isdisjoint(candidates_of[index])  # the same for every label
            for k, parent in enumerate(parents_by_hint[hint]):
                cost = 0.0
                if free:
                    if cued and families[k] not in cues:
                        cost += CUE_COST
                    cost += EARLIER * k
                if hint and parent and parent != hint:
                    cost += HINT_COST
                options.append(
                    (cost, parents.setdefault(parent, len(parents)) if parent and weighed else None)
                )
            self.rows.append((row.first, row.last, options, row.weight))
        # the standard splits as the sums come out, one per 一级 (None: no weight counts to it), in
        # Decimal: a list compare per assignment; a split naming another 一级 never matches
        self.parents = len(parents)
        self.splits = [
            [Decimal(split[name]) if name in split else None for name in parents]
            for split in lexicon.LEVEL1_WEIGHT_SPLITS
            if set(split) <= set(parents)
        ]
        self._settle_fixed_rows(fixed_to, len(labels))

    def _settle_fixed_rows(self, fixed_to: list[int | None], n_labels: int) -> None:
        """A row fixed to its label (a piece of it on the row) adds the same to every assignment:
        its group's span and its weight are taken once here, and it is walked per assignment only
        where it adds a cost (a sum of floats keeps its order; adding 0.0 changes nothing). Weights
        are summed here before the free rows' only when every sum is exact in Decimal (few digits,
        none below 10⁻⁶), so the order cannot change a sum; else every row is walked, as before."""
        self.lows: list = [None] * n_labels
        self.highs: list = [None] * n_labels
        self.weights: list = [None] * self.parents
        exact = all(
            weight is None
            or weight.is_finite()
            and weight.as_tuple().exponent >= -6
            and weight.adjusted() <= 12
            for _, _, _, weight in self.rows
        )
        walked = []
        for index, (k, row) in enumerate(zip(fixed_to, self.rows, strict=True)):
            first, last, options, weight = row
            row_cost, parent = options[k] if k is not None else (0.0, None)
            if k is None or row_cost != 0.0 or not exact:
                walked.append(index)
                continue
            low = self.lows[k]
            self.lows[k] = first if low is None or first < low else low
            high = self.highs[k]
            self.highs[k] = last if high is None or last > high else high
            if parent is not None:
                total = self.weights[parent]
                self.weights[parent] = weight if total is None else total + weight
        self.walked_rows = [self.rows[index] for index in walked]
        # the walked rows' labels out of an assignment, in C (itemgetter of one index gives no tuple)
        self.walked_of = itemgetter(*walked) if len(walked) > 1 else lambda a: tuple(a[i] for i in walked)

    def __call__(self, assignment) -> tuple[float, bool]:
        # called for every candidate assignment: locals, no min/max calls, the same sums in the same
        # order; each group's span in two lists by label (None: no row yet), not a dict of pairs
        cost = 0.0
        lows: list = self.lows.copy()
        highs: list = self.highs.copy()
        weights: list = self.weights.copy()
        for k, (first, last, options, weight) in zip(
            self.walked_of(assignment), self.walked_rows, strict=True
        ):
            if k is None:
                continue
            low = lows[k]
            if low is None:
                lows[k], highs[k] = first, last
            else:
                if first < low:
                    lows[k] = first
                if last > highs[k]:
                    highs[k] = last
            row_cost, parent = options[k]
            cost += row_cost
            if parent is not None:
                total = weights[parent]
                weights[parent] = weight if total is None else total + weight
        for k, centre in enumerate(self.centres):
            low = lows[k]
            if low is None:
                cost += EMPTY_LABEL_COST
                continue
            cost += abs((low + highs[k]) / 2 - centre)
        split = weights in self.splits  # the same 一级s and every weight equal: a standard split
        if split:
            cost -= SPLIT_BONUS
        return cost, split
