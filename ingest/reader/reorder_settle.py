"""一级 of the rows of scrambled PDF forms, and what the document settles across its forms (``pdf_scrambled_target``).

- **一级 by position** (``place_rows``): 一级 labels open the rows after them, or close the rows
  before them when two labels are printed back to back; input-and-management indicators go to
  投入和管理 by their name;
- **sibling forms** (``SiblingMemory``, ``settle``): a row whose 一级 or target the form cannot place
  is settled by the same indicator printed cleanly on a sibling form of the same unit; then the rows
  are put back in the form's 一级 order, for ``reorder`` to write out for the form reader;
- **the cut-off end** (``check_cut_off_end``): a last form without an 一级 group every other form
  prints was cut off by the end of the file.

``Draft`` is what reading one form leaves for this settling.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import lexicon
from ..model import Issue
from ..text import fold
from .reorder_pieces import FormNotes
from .reorder_rows import Event, Row

_LEVEL1_RANK = {label: rank for rank, family in enumerate(lexicon.LEVEL1_ORDER) for label in family}


@dataclass
class Draft:
    """One form as read, before settling: its rows, the 一级 labels among its events, the lone targets
    no name took."""

    seq: int
    unit: str  # the folded 申报单位名称 line: forms of one unit are siblings
    rows: list[Row]
    labels: list[tuple[int, str]]  # (event index, printed label)
    stray_values: list[Event]
    line_end: int
    is_complete: bool = True


def check_cut_off_end(last: Draft, others: list[Draft], issues: list[Issue]) -> None:
    """The last form lacks an 一级 group that every other form of the document prints: the file ends in it."""
    printed = [{_family(label) for _, label in draft.labels} for draft in others]
    common = set.intersection(*printed) - {None}
    missing = common - {_family(label) for _, label in last.labels}
    if missing and last.is_complete:
        last.is_complete = False
        shown = {_family(label): label for draft in others for _, label in draft.labels}
        names = "、".join(shown[family] for family in sorted(missing))
        note = FormNotes(issues, last.seq)
        note.warning(
            "form_truncated_end",
            f"the last form prints no {names} group, which every other form of the document has: "
            "the file ends inside its indicator table; kept as a partial form",
            last.line_end,
        )


# --- 一级: where the labels are, what the names say, what sibling forms say ---------------------------------


def _family(label: str | None) -> int | None:
    return _LEVEL1_RANK.get(fold(label)) if label else None


def _is_management(name: str) -> bool:
    return any(word in name for word in lexicon.INPUT_MANAGEMENT_KEYWORDS)


def place_rows(draft: Draft, events: list[Event], note: FormNotes) -> None:
    """一级 by label position (labels open their rows, or close them when printed back to back), then by name."""
    labels = draft.labels
    if not labels:
        if draft.rows:
            note.warning("no_level1_labels", "indicator rows found but no 一级 label", draft.rows[0].line_no)
        return
    trailing_at = _labels_after_rows(labels, events)
    if trailing_at is not None:
        note.warning(
            "level1_labels_after_rows",
            "一级 labels are printed back to back (or after the last row), so each label follows "
            "its rows here: rows take the next label printed after them",
            trailing_at,
        )
    management = next((label for _, label in labels if _family(label) == 0), None)
    orphans = 0
    for row in draft.rows:
        before = [label for pos, label in labels if pos < row.pos]
        after = [label for pos, label in labels if pos > row.pos]
        if trailing_at is None:
            row.level1, row.level1_certain = (before[-1], True) if before else (after[0], False)
            orphans += not before
        else:
            row.level1, row.level1_certain = (after[0], False) if after else (before[-1], False)
        if management and _is_management(row.name):
            if row.level1 != management:
                note.warning(
                    "level1_by_indicator_name",
                    f"{row.name!r} is printed among the {row.level1} rows but is a budget/finance/management "
                    f"indicator; filed under {management}",
                    row.line_no,
                )
            row.level1, row.level1_certain = management, True
    if orphans:
        note.warning(
            "indicators_before_first_label",
            f"{orphans} indicator row(s) come before any 一级 label; they take the first label after them",
            draft.rows[0].line_no,
        )


def _labels_after_rows(labels: list[tuple[int, str]], events: list[Event]) -> int | None:
    """Line of a label with no row between it and the next, different label (or the end): labels trail."""
    rowish = [k for k, e in enumerate(events) if e.kind in ("row", "name")]
    for n, (pos, label) in enumerate(labels):
        following = labels[n + 1][0] if n + 1 < len(labels) else len(events)
        if any(pos < k < following for k in rowish):
            continue
        if n + 1 < len(labels) and fold(labels[n + 1][1]) == fold(label):
            continue  # the same label printed again at a page break
        return events[pos].line_no
    return None


class SiblingMemory:
    """Indicators read with certainty, by (unit, name): evidence for the same indicator on a sibling form."""

    def __init__(self, drafts: list[Draft]) -> None:
        self.level1: dict[tuple[str, str], list[tuple[int, str, int]]] = {}
        self.target: dict[tuple[str, str], list[tuple[int, str, int]]] = {}
        for draft in drafts:
            unit = draft.unit
            for row in draft.rows:
                key = (unit, fold(row.name))
                if row.level1_certain and row.level1:
                    self.level1.setdefault(key, []).append((draft.seq, row.level1, row.line_no))
                if row.target_certain and row.target:
                    self.target.setdefault(key, []).append((draft.seq, row.target, row.line_no))

    @staticmethod
    def _lookup(table: dict, draft: Draft, name: str) -> tuple[str, int, int] | None:
        entries = [e for e in table.get((draft.unit, fold(name)), []) if e[0] != draft.seq]
        if not entries or len({fold(value) for _, value, _ in entries}) != 1:
            return None
        seq, value, line = entries[0]
        return value, seq, line

    def level1_for(self, draft: Draft, name: str) -> tuple[str, int, int] | None:
        return self._lookup(self.level1, draft, name)

    def target_for(self, draft: Draft, name: str) -> tuple[str, int, int] | None:
        return self._lookup(self.target, draft, name)


def settle(draft: Draft, memory: SiblingMemory, issues: list[Issue]) -> None:
    """Settle uncertain rows from sibling forms, note every guess, and put the rows in the form's 一级 order."""
    note = FormNotes(issues, draft.seq)
    printed = {fold(label): label for _, label in draft.labels}
    stray = list(draft.stray_values)
    for row in draft.rows:
        if not row.level1_certain and row.level1 is not None:
            sibling = memory.level1_for(draft, row.name)
            if sibling and fold(sibling[0]) in printed and fold(sibling[0]) != fold(row.level1):
                note.warning(
                    "level1_from_sibling_form",
                    f"{row.name!r}: the labels here suggest {row.level1}; the same indicator of this unit on "
                    f"form {sibling[1]} (line {sibling[2]}) is under {sibling[0]}, which this form also prints",
                    row.line_no,
                )
                row.level1 = printed[fold(sibling[0])]
        if not row.target_certain:
            _settle_target(draft, row, memory, stray, note)
    for value in stray:
        note.warning(
            "stray_target_value",
            f"target value {value.text!r} has no indicator name to go with; ignored",
            value.line_no,
        )
    ordered = sorted(draft.rows, key=_order_key)
    if [id(row) for row in ordered] != [id(row) for row in draft.rows]:
        note.info(
            "indicators_reordered",
            "indicator rows are read out of their 一级 order; put back in the form's order "
            "(一级 groups in printed order, rows in reading order within a group)",
            draft.rows[0].line_no,
        )
    draft.rows = ordered


def _order_key(row: Row) -> int:
    family = _family(row.level1)
    return family if family is not None else len(lexicon.LEVEL1_ORDER)


def _settle_target(
    draft: Draft, row: Row, memory: SiblingMemory, stray: list[Event], note: FormNotes
) -> None:
    if row.value_event is None:
        note.warning("target_not_found", f"{row.name!r}: no target value found for it", row.line_no)
        return
    chosen = row.value_event
    alternatives = [e for e in row.alternatives if e in stray]
    sibling = memory.target_for(draft, row.name)
    if sibling and fold(sibling[0]) != fold(chosen.text or ""):
        match = next((e for e in alternatives if fold(e.text or "") == fold(sibling[0])), None)
        if match is not None:
            stray.remove(match)
            stray.append(chosen)
            row.target, row.value_event = match.text, match
            note.warning(
                "target_from_sibling_form",
                f"{row.name!r}: lone targets {chosen.text!r} (line {chosen.line_no}) and {match.text!r} "
                f"(line {match.line_no}) follow it; took {match.text!r}, the target of the same indicator of "
                f"this unit on form {sibling[1]} (line {sibling[2]})",
                row.line_no,
            )
            return
    shown = ", ".join(f"{e.text!r} (line {e.line_no})" for e in row.alternatives)
    if row.alternatives:
        note.warning(
            "ambiguous_target_pairing",
            f"{row.name!r} is printed without its target; took {chosen.text!r} (line {chosen.line_no}), "
            f"pairing lone names and lone targets in reading order; other candidates: {shown}",
            row.line_no,
        )
    else:
        note.info(
            "target_apart_from_name",
            f"{row.name!r} takes the lone target {chosen.text!r} printed on line {chosen.line_no}",
            row.line_no,
        )
