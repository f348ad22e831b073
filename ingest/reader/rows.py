"""Rows out of a run of table cells: the cut that best fits the table's columns.

Empty cells may have been dropped and runs of text may hold a whole row, so rows are not taken
by position: ``split_rows`` chooses, over every way of cutting the run into rows, the one whose
cells best fit their columns (a name is words, a target a sign, number or qualitative word, a
weight a number no larger than 100 …). ``value_block`` pairs a table whose values come as one
block before its names (PDF text in scrambled reading order).
"""

from __future__ import annotations

import re
import sys
from decimal import Decimal
from functools import lru_cache

from .. import lexicon
from ..memo import memo
from ..model import Indicator
from ..traditional import simplified
from . import values as v
from . import vocabulary as vocab
from .cell import Cell
from .tokens import Tok, ends_like_a_name, tokens_of

_NAME_PREFIX = re.compile(r"^(?:指[标標]\s*\d+\s*[:：.．、]|\d+[、.．](?!\d))\s*")
_MISSING = {"target": -2.5, "actual": -0.3, "weight": -0.3, "score": -0.3}
_NEG = float("-inf")
_NATURE_CODE = re.compile(r"^\d{3}\s+(?=\S)")
_TARGET_PARTS = ("target_operator", "target_direction", "target_unit")
_TARGET_PART_SLOTS = frozenset(_TARGET_PARTS)
_NATURE_WORDS = frozenset({"定性", "定量", "正向", "反向", "正向指标", "反向指标"})
# Columns of words that describe a row: 指标内容 / 指标解释 before its target, 绩效标准 …
DESCRIPTIONS = ("explain", "standard")
_CLAUSE_STARTS = frozenset("、,，。;；:：)）%")
# Word columns at a row's end, often left empty: a row printed without them is still whole.
_TRAILING_WORDS = frozenset({"deviation_reason", "note"})
# Where a description may begin inside run-together text: after a name's usual last word, or at
# the national template's "反映…" ("办公大楼日常维修维护次数反映办公大楼全年维修维护情况").
_DESCRIPTION_START = re.compile(
    "|".join(f"(?<={re.escape(end)})(?=.)" for end in (*lexicon.INDICATOR_NAME_SUFFIXES, "标准", "成本"))
    + "|(?=反映)"
)


def split_rows(
    cells: list[Cell],
    slots: list[str],
    self_eval: bool,
    level1: str | None,
    level2: str | None,
    guesses: list[Indicator] | None = None,
    composed: list[tuple[Indicator, str]] | None = None,
    unread: list[Cell] | None = None,
) -> list[Indicator]:
    """The rows of a run of data cells under one 一级/二级: the best-fitting cut (see module doc).
    Cells no row takes go to ``unread``, so the caller can say so."""
    if not cells:
        return []
    plan = _whole_rows(cells, slots)
    if plan is not None:  # one row per printed row, named by its first cell: no tokens needed
        named = [(cells[i].text.strip(), i, values, False) for i, values in plan]
    else:
        named = _best_rows(cells, slots, self_eval, unread)
    rows = []
    for printed, first, values, over_cells in named:
        name = _NAME_PREFIX.sub("", printed.strip())
        blank = v.is_blank(name)
        if blank and all(v.is_blank(text) for _, text in values):
            continue  # the template's unfilled row: "指标2:" or "……" and empty cells
        name = "" if blank else name  # a row whose name cell is printed blank
        rows.append(indicator(name, dict(values), level1, level2, cells[first].line_no))
        if guesses is not None and over_cells:
            guesses.append(rows[-1])
        parts = [text for slot, text in values if slot in _TARGET_PARTS]
        if parts and composed is not None and rows[-1].target is not None:
            composed.append((rows[-1], " | ".join([*parts, dict(values).get("target", "")])))
    return rows


def _best_rows(
    cells: list[Cell], slots: list[str], self_eval: bool, unread: list[Cell] | None
) -> list[tuple[str, int, list, bool]]:
    """The rows of the best-scoring cut of the run's tokens: each row's name as printed, the cell
    it starts in, its values, and whether its name runs over several cells (a guess)."""
    toks = tokens_of(cells)
    if slots[0] in DESCRIPTIONS:
        toks = _description_cuts(toks)
    plan = _best_cut(toks, slots, self_eval)
    if unread is not None and not _takes_all(plan, len(toks)):
        taken = {k for i, end, values in plan for k in range(i, end + len(values))}
        if not taken.issuperset(range(len(toks))):
            unread += [
                cells[c]
                for c in dict.fromkeys(
                    t.cell for k, t in enumerate(toks) if k not in taken and not v.is_blank(t.text.strip())
                )
            ]
    named = []
    for i, end, values in plan:
        end = min(end, _described_from(toks, i, end) or end)
        over_cells = end - i > 1 and len({t.cell for t in toks[i:end]}) > 1
        named.append((_name_text(toks[i:end]), toks[i].cell, values, over_cells))
    return named


def _takes_all(plan: list, count: int) -> bool:
    """The plan's rows follow each other without a gap and end with the last token: nearly always,
    and so a set of every token taken is only made when they do not."""
    at = 0
    for i, end, values in plan:
        if i != at:
            return False
        at = end + len(values)
    return at == count


def _description_cuts(toks: list[Tok]) -> list[Tok]:
    """Where a description column follows the name, run-together text prints the two as one run of
    words ("补助人数实际发放解困工资人数"): offer the places a description may begin as token
    boundaries. The cut itself is the search's: a name may still run over them."""
    out: list[Tok] = []
    for tok in toks:
        if not tok.glued or tok.atom:
            out.append(tok)
            continue
        cuts = [
            m.start()
            for m in _DESCRIPTION_START.finditer(simplified(tok.text))
            if 2 <= m.start() <= len(tok.text) - 2
        ]
        cuts = [c for c in cuts if c + 1 not in cuts]  # "次" | "数": after the longer ending
        if twice := _said_twice(tok.text):
            cuts = sorted({c for c in cuts if c > 2 * twice} | {twice, 2 * twice} - {len(tok.text)})
        start = 0
        for cut in [*cuts, len(tok.text)]:
            if cut - start < 2 and cut != len(tok.text):
                continue
            out.append(Tok(tok.text[start:cut], False, tok.cell, tok.row_start and not start, tok.in_row, True,
                           tok.spaced and not start, tok.row))  # fmt: skip
            start = cut
    return out


def _said_twice(text: str) -> int:
    """The length of words printed twice at the start ("维修面积维修面积≥400平方米": the description
    column repeats the name), 0 when they are not."""
    for half in range(len(text) // 2, 1, -1):
        if text[:half] == text[half : 2 * half]:
            return half
    return 0


def _alone_after_a_full_row(toks: list[Tok], j: int) -> bool:
    """Token j is words alone on its line, right after a line of several cells ("社会效益 | 使读者… |
    独有数据资源查询… | 独有数据资源查询…" then "促进黄石文化经济发展,丰富市民文化活动"), whether
    separated or a whole run-together cell (a spaced copy's lone line)."""
    tok = toks[j]
    return (
        j > 0
        and not tok.atom
        and not tok.in_row
        and not tok.row_start
        and toks[j - 1].in_row
        and toks[j - 1].row != tok.row
        and tok.row >= 0
    )


def _words_go_on(toks: list[Tok], j: int) -> bool:
    """Token j is words of run-together text that more words of its cell follow."""
    tok = toks[j]
    return (
        tok.glued
        and not tok.atom
        and j + 1 < len(toks)
        and toks[j + 1].cell == tok.cell
        and not toks[j + 1].atom
    )


def _whole_rows(cells: list[Cell], slots: list[str]) -> list | None:
    """The plain case, read without a search or tokens: every physical row of separated cells holds
    a name and exactly one value per column, each fitting it (the rows as (first cell, values)).
    None when any row does not, or any cell is run-together text (its values are cut out later)."""
    if not cells:
        return None
    for c in cells:  # asked of every run of every table: a plain loop, no generator
        if c.glued or c.row < 0:
            return None
    texts = [c.text.strip() for c in cells]
    rows = [c.row for c in cells]
    fewest = _fewest_values(tuple(slots))
    most = len(slots)
    plan, i, n = [], 0, len(cells)
    while i < n:
        end, row = i + 1, rows[i]
        while end < n and rows[end] == row:
            end += 1
        given = end - i - 1
        if given > most or given < fewest:
            return None
        name = texts[i]
        blank_name = given > 0 and v.is_blank(name)  # "-" | ≥2个 | …: no name printed
        if not blank_name and (v.looks_like_target(name) or _name_fit(name) <= 0):
            return None
        values = []
        for slot, text in zip(slots, texts[i + 1 : end], strict=False):
            if _text_fit(text, v.looks_like_target(text), slot) == _NEG:
                return None
            values.append((slot, text))
        plan.append((i, values))
        i = end
    return plan


@memo(256)  # a table's columns: the same few tuples all along
def _fewest_values(slots: tuple[str, ...]) -> int:
    """A row's last cells, when empty, were dropped with their separators: only trailing word
    columns may be missing, so a row has at least the values up to the last other column."""
    return max((k + 1 for k, slot in enumerate(slots) if slot not in _TRAILING_WORDS), default=0)


def _best_cut(toks: list[Tok], slots: list[str], self_eval: bool) -> list:
    """The best-scoring cut of the tokens into rows of a name and values (see module doc)."""
    n, m = len(toks), len(slots)
    best: dict[int, tuple[float, list]] = {n: (0.0, [])}
    fill: dict[tuple[int, int], tuple[float, list, int]] = {}

    def row_at(i: int) -> tuple[float, list]:
        """Best score and rows for the tokens from i on."""
        if i in best:
            return best[i]
        skipped = row_at(i + 1)
        result = (skipped[0] - 3.0, skipped[1])  # a token no row takes
        for end in _name_ends(toks, i):
            fit = _name_fit(_name_text(toks[i:end]))
            fit -= (
                1.0 * len({t.cell for t in toks[i:end]}) - 1.0
            )  # a name over cells: only where nothing else fits
            if fit == _NEG:
                continue
            if all(t.atom for t in toks[i:end]) or toks[i].atom and re.search(r"\d", toks[i].text):
                fit -= 3.0  # target words only ("及时" "完成"), or a figure first: a row's end, not a name
            fit -= 0.1  # of two cuts that fit as well, the one with fewer rows
            if _described_from(toks, i, end):
                fit = _name_fit(toks[i].text) + 0.3 - 0.1
            fit += 0.5 if toks[i].row_start else (-1.0 if toks[i].in_row and not toks[i].glued else 0.0)
            total, values, after = fill_at(end, 0)
            if fit + total > result[0]:
                result = (fit + total, [(i, end, values), *row_at(after)[1]])
        best[i] = result
        return result

    def fill_at(j: int, s: int) -> tuple[float, list, int]:
        """Best score for the row's values from token j and slot s on, plus all rows after it."""
        if (j, s) in fill:
            return fill[(j, s)]
        missing = sum(_MISSING.get(slot, 0.0) for slot in slots[s:] if self_eval or slot == "target")
        result = (missing + row_at(j)[0], [], j)
        if s < m:
            skip = _MISSING.get(slots[s], 0.0) if (self_eval or slots[s] == "target") else 0.0
            total, plan, after = fill_at(j, s + 1)
            if total + skip > result[0]:
                result = (total + skip, plan, after)
            if j < n:
                fit = _slot_fit(toks[j], slots[s])
                if slots[s] in ("target", "actual") and _words_go_on(toks, j):
                    fit -= 2.0  # words cut where a description may begin are not a value
                if slots[s] in ("target", "actual") and _alone_after_a_full_row(toks, j):
                    fit -= 2.5  # words alone on the line after a row of cells: a row with only a name
                if slots[s] in ("target", "actual") and toks[j].after_gap and not toks[j].atom:
                    fit -= 5.0  # words after a line of empty cells: the next row's name, not a value
                if fit != _NEG:
                    total, plan, after = fill_at(j + 1, s + 1)
                    if fit + total > result[0]:
                        result = (fit + total, [(slots[s], toks[j].text), *plan], after)
                if (
                    slots[s] in DESCRIPTIONS and toks[j].glued and not toks[j].atom
                    and toks[j].text[:1] not in _CLAUSE_STARTS
                ):  # fmt: skip
                    # a description runs over the words of its cell up to the next figure
                    k = j + 1
                    while (
                        k < n and toks[k].glued and toks[k].cell == toks[j].cell
                        and not re.search(r"\d", toks[k].text) and k - j < 6
                    ):  # fmt: skip
                        k += 1
                        total, plan, after = fill_at(k, s + 1)
                        if 0.6 + total > result[0]:
                            joined = "".join(t.text for t in toks[j:k])
                            result = (0.6 + total, [(slots[s], joined), *plan], after)
                if slots[s] == "target" and v.is_operator(toks[j].text) and j + 1 < n and toks[j + 1].atom:
                    total, plan, after = fill_at(j + 2, s + 1)
                    if 2.0 + total > result[0]:
                        joined = toks[j].text + (" " if toks[j + 1].spaced else "") + toks[j + 1].text
                        result = (2.0 + total, [(slots[s], joined), *plan], after)
                if toks[j].atom and toks[j].glued and s + 1 < m:
                    for first, second in _two_values(toks[j].text):
                        fit2 = _slot_fit(Tok(first, True, 0, False), slots[s])
                        fit2 += _slot_fit(Tok(second, True, 0, False), slots[s + 1])
                        if fit2 == _NEG:
                            continue
                        # two values printed together are believed when they repeat: target = actual
                        # ("100%100%"), or the second equals the value after it
                        fit2 += -2.5 + (
                            2.0 if first == second or (j + 1 < n and toks[j + 1].text == second) else 0.0
                        )
                        total, plan, after = fill_at(j + 1, s + 2)
                        if fit2 + total > result[0]:
                            result = (fit2 + total, [(slots[s], first), (slots[s + 1], second), *plan], after)
        fill[(j, s)] = result
        return result

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))
    rows = row_at(0)[1]
    # the two refer to each other through their closures: a cycle, with the memo tables, that only
    # the garbage collector would free. With the names cleared it is freed here, on return
    row_at = fill_at = None  # type: ignore[assignment]  # noqa: F811, F841
    return rows


def _described_from(toks: list[Tok], i: int, end: int) -> int | None:
    """A name printed with an unheaded description after it ("符合条件申报对象覆盖率" |
    "享受补贴政策人数占符合条件申报对象总数的比例"): where the description begins, else None."""
    if end - i < 2 or toks[i].glued or not ends_like_a_name(toks[i].text):
        return None
    rest = toks[i + 1 : end]
    if any(t.atom or t.cell == toks[i].cell for t in rest) or len("".join(t.text for t in rest)) < 8:
        return None
    return i + 1


def _name_text(toks: list[Tok]) -> str:
    if len(toks) == 1:  # most names: one token, printed as it is
        return toks[0].text
    return "".join((" " if k and t.spaced and not t.glued else "") + t.text for k, t in enumerate(toks))


def _name_ends(toks: list[Tok], i: int) -> list[int]:
    """Where a name starting at token i may end: the token itself; inside one run-together cell, a
    later switch from words to values ("5000吨稻谷、500吨成品粮储备到位率"); or a later cell the name
    was wrapped or spaced into ("出具 有参考价值报告", "项目" | "财政资金" | "到位时间", "…验收合" |
    "格率 =100%")."""
    ends = [i + 1]
    k = i + 1
    while k < len(toks) and k - i < 8:
        tok = toks[k]
        if toks[i].glued and tok.cell == toks[i].cell:
            if not tok.atom or not re.search(r"\d", tok.text):
                ends.append(k + 1)  # words only: a name may end in a target's word ("…办学水平提高")
        elif not toks[k - 1].atom and _continues_name(toks[k - 1], tok):
            ends.append(k + 1)
        else:
            break
        k += 1
    return ends


def _continues_name(prev: Tok, tok: Tok) -> bool:
    if tok.atom or (tok.glued and len(tok.text) > 4):
        return False
    if tok.row_start:
        # pdftotext wraps a long name: its last characters start the next line, before the values
        return prev.row != tok.row and len(tok.text) <= 4 and tok.text not in _NATURE_WORDS
    same_line = tok.spaced and tok.cell != prev.cell
    return same_line or (not tok.in_row and not prev.in_row and len(tok.text) <= 8)


@memo(1 << 15)  # pure: asked of every candidate name, the same texts form after form
def _name_fit(text: str) -> float:
    text = text.strip()
    if len(text) < 2:
        return _NEG
    if not v.has_han(text):  # a name in letters ("GDP增速" has words; "@SUM(1,2)" is still printed text)
        return 0.5 if re.search(r"[A-Za-z]{2}", text) and not v.looks_like_target(text) else _NEG
    if (
        v.looks_like_target(text)
        and len(re.findall(r"[\u3400-\u9fff]", text)) < 4
        or text in vocab.TARGET_PHRASES
        or text in vocab.STANDARD_WORDS
    ):
        return -3.0
    if v.is_unit(text):
        return -3.0
    fit = 2.0
    if ends_like_a_name(text):
        fit += 0.5
    if text[-1] in "、,,。(（等":  # a name does not end mid-list
        fit -= 1.5
    if text[0] in _CLAUSE_STARTS:  # nor begins there: the rest of a sentence
        fit -= 3.0
    if (
        len(text) > 40
        and re.search(r"[;；:：]|。(?=.)", text)
        or len(text) > 20
        and re.search(r"[;；]|。(?=.)", text)
    ):
        fit -= 2.5  # sentences: a scoring rule or a note, not an indicator's name
    return fit


def _slot_fit(tok: Tok, slot: str) -> float:
    return _text_fit(tok.text, tok.atom, slot)


@lru_cache(maxsize=1 << 15)  # pure on the token's text: every row's cells are fitted to every column
def _text_fit(printed: str, atom: bool, slot: str) -> float:
    text = printed.strip()
    if not text:
        return _NEG
    if slot in ("target_operator", "target_direction"):
        text = _NATURE_CODE.sub("", text)  # "004 >=": Yunnan's system prints the nature's code too
        if text in _NATURE_WORDS:
            return 1.0  # 定性 / 正向: the 指标性质 cell holds a word, not a sign; the target leaves it out
        return 1.5 if v.is_operator(text) or simplified(text) in vocab.OPERATOR_WORDS else _NEG
    if slot == "target_unit":
        if not v.is_unit(text):
            return _NEG
        return 1.0 if v.is_known_unit(text) else 0.9 if len(text) <= 2 else 0.5  # 间数: a unit all the same
    if text in _NATURE_WORDS and slot in ("target", "actual", "target_half"):
        return _NEG  # 定性 / 正向 fill the 指标性质 (or 指标方向) column, never a value
    if slot == "status":  # 完成情况: 完成 / 未完成 / 部分完成
        return 0.5 if len(text) <= 6 and not re.search(r"\d", text) else _NEG
    if slot in ("weight", "score", "weighted_score"):
        value = _points(text)
        if value is None or value > 100:
            return _NEG
        return 1.55 if slot == "weight" else 1.5  # one figure after a target: its 分值 rather than a score
    if v.is_operator(text) or text in ("%", "％") or text[0] in _CLAUSE_STARTS or _NAME_PREFIX.match(text):
        return _NEG  # ",预算成本明细…": the rest of a sentence, not a cell
    if slot in ("target", "actual") and v.is_name_with_unit(text):
        return _NEG  # "…补助面积(万亩)" after a row left blank: the next row's name
    if slot == "target":
        if atom or v.looks_like_target(text):
            return 2.0
        return 0.8 if len(text) <= 30 else 0.3
    if slot in ("actual", "target_half", "prior_actual", "completion_rate"):
        if atom or v.looks_like_target(text):
            return 1.5
        return 0.5 if len(text) <= 30 else 0.2
    if slot == "standard":
        return 0.6 if not atom and len(text) <= 12 else 0.1
    if slot == "explain":
        return 0.6 if not atom else -1.0
    return 0.2 if not atom else _NEG  # reason, note: words


def _points(text: str | None) -> Decimal | None:
    """A weight or score: a number, or a percentage of the 100 points ("20%" is 20)."""
    if text is None:  # most rows of a target form: no weight, no score
        return None
    value = v.number(text)
    return value if value is not None else v.rate(text)


def _two_values(text: str) -> list[tuple[str, str]]:
    """A value atom that may be two values printed together: "20100%" → ("20", "100%"),
    "1020万元" → ("10", "20万元"), "00" → ("0", "0")."""
    match = re.fullmatch(r"([\d.]+)(%|[^\d.%]*)", text)
    if not match or len(match.group(1)) < 2:
        return []
    digits, unit = match.groups()
    out = []
    for first, second in v.split_run(digits + ("%" if unit == "%" else ""), 2):
        out.append((first, second + ("" if unit == "%" else unit)))
    return out


def indicator(name: str, values: dict[str, str], level1, level2, line_no: int) -> Indicator:
    if not _TARGET_PART_SLOTS.isdisjoint(values):
        signs = [values.get(slot, "") for slot in ("target_operator", "target_direction")]
        sign = next((s for s in signs if simplified(s.replace(" ", "")) in vocab.OPERATOR_WORDS), None)
        target = v.compose_target(next((s for s in signs if v.is_operator(_NATURE_CODE.sub("", s))), None), values.get("target"),
                                values.get("target_unit"))  # fmt: skip
        target = sign + target if sign and target else target  # "大于等于" | "98" | "%": as printed
    else:
        target = values.get("target")
    return Indicator(
        level1=level1,
        level2=level2,
        name=name,
        target=None if target is None or v.is_blank(target) and target != "无" else target,
        line_no=line_no,
        actual=values.get("actual"),
        weight=_points(values.get("weight")),
        score=_points(values.get("score")),
        deviation_reason=values.get("deviation_reason"),
        note=values.get("note") or values.get("status"),
    )
