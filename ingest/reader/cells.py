"""Cells out of text: the one cell model, and small front-ends for each shape a line may have.

Every front-end turns a line into cells with their position (line, row, order). A document may
change shape from line to line, so the shape is decided per line:

* **tab-separated** and **pipe rows** (``| a | b |``, with empty cells kept or dropped): the
  separators are the cell boundaries;
* **runs of spaces** (pdftotext, padded web text): whitespace is the boundary, and label words
  that a wrap split apart ("一级 指标", "产 出 指 标") are put back together;
* **one cell per line**, with or without blank lines or a trailing ``|``: the same rule, a line
  being a one-cell row;
* **run-together text** with no separators at all ("项目名称农村义务教育…年度资金总额:16"): cut
  before and after every label of the vocabulary; the values left between labels are split later
  by the reader, which knows the table's columns.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from ..text import PINYIN_READING as _PINYIN
from ..text import fold, strip_tags
from ..traditional import simplified
from . import vocabulary as vocab
from .lines import PAGE_MARKER as _PAGE_MARKER
from .lines import has_han as _has_han
from .lines import join_vertical_labels, join_wrapped_pipe_cells

# A label may carry a unit marker or a column letter: "项目总预算(万元)", "全年预算数(A)", "执行率(B/A)".
_LABEL_SUFFIX = r"(?:\((?:万元|元|[A-Z/×*%\d]{1,12}|\d+分)\))?"
_SUFFIX = re.compile(
    r"(?:\((?:万元|元|[A-Z/×*%\d]{1,12}|\d+分)\)?|(?<=[\u4e00-\u9fff])(?:[A-Z/]{1,5}|\d+分)\))$"
)  # "(A)", and a bracket the copy lost: "执行数B)", "年初目标值(A"
_COLON = re.compile(r"[:：]")
# Numbering before a label: "一、预算资金", "(一)财政拨款", "1.中央资金".
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]\)|\d{1,2}[.、](?!\d))")
_LINE_MARKER = re.compile(r"^\d{1,2}、(?=\S)")
# A two-character total row label starting a run of figures (longer ones cut run-together text anyway)
_TOTAL_ROW = re.compile(r"^(?:总额|合计)(?=\d[\d.,%]*$)")


@dataclass(slots=True)
class Cell:
    text: str  # as printed (tags stripped, surrounding space removed)
    line_no: int  # 1-based line of the source text
    row: int  # physical row: cells of one row share it
    glued: bool = False  # cut out of run-together text: values may follow its words without a break
    spaced: bool = False  # a space, not a separator, set it apart from the cell before it on its line
    after_number: bool = False  # a label printed straight after a figure: "600.00同名项目上年预算执行数"
    col: int = -1  # column in a tab- or pipe-separated row, empty cells counted; -1 in other shapes
    joined: bool = False  # put together from a cell wrapped over two lines
    key: str = field(init=False, repr=False)  # label_key(text), computed once: looked up per label

    def __post_init__(self) -> None:
        self.key = label_key(self.text)


@lru_cache(maxsize=1 << 15)
def label_key(text: str) -> str:
    """Folded text with a trailing unit marker or column letter removed: the key labels are looked up by."""
    key = fold(text).replace("(盖章)", "")
    key = _NUMBERING.sub("", _SUFFIX.sub("", key))
    return key.rstrip(":")


def _labels() -> list[str]:
    words = set(vocab.FIELDS) | set(vocab.AMOUNTS) | set(vocab.FUND_COLUMNS) | set(vocab.FUND_TOTAL_ROWS)
    words |= set(vocab.INDICATOR_HEADER) | set(vocab.TABLE_WRAPPERS) | set(vocab.STOP_LABELS)
    words |= {w for w in vocab.FUND_SUB_ROWS if len(w) >= 4}
    # category words that cut run-together text: those ending 指标/目标 (项目管理, 资金投入 … occur in prose)
    words |= {w for w in vocab.LEVEL1 | vocab.LEVEL2 if len(w) >= 4 and w.endswith(("指标", "目标"))}
    words |= {title for title, _ in vocab.TITLES if len(title) >= 5}
    words |= (
        set(vocab.REASON_HEADER_PREFIXES[:2])
        | set(vocab.TOTAL_SCORES)
        | {
            "其中",
            "评分等级",
            "单位:万元",
            "单位:元",
            "金额单位:万元",
            "金额单位:元",
            "注:",
        }
    )
    return sorted((w for w in words if len(w) >= 2), key=len, reverse=True)


# Two-character labels that still cut run-together text: they never occur inside a name.
_GLUED_SHORT = frozenset({"其中", "总分", "注:"})
# Short column labels that also occur inside indicator names ("…严格执行率"): cut out of run-together
# text only beside another label, as in a header row.
_NAME_WORDS = frozenset(w for w in vocab.FUND_COLUMNS if len(w) <= 3)
# Labels that cut run-together text; the longest match at a position wins ("同名项目上年预算执行数"
# before "上年预算执行数" before "执行数").
_GLUED_LABEL = re.compile(
    "(" + "|".join(re.escape(w) + _LABEL_SUFFIX for w in _labels() if len(w) >= 3 or w in _GLUED_SHORT) + ")"
)
_ALL_LABELS = frozenset(_labels())
_CATEGORY_LABELS = _ALL_LABELS | vocab.LEVEL1 | vocab.LEVEL2


def _is_category_label(text: str) -> bool:
    return label_key(text) in _CATEGORY_LABELS


_SHORT_LABELS = frozenset(w for w in _ALL_LABELS if len(w) <= 6)


def cells_of(lines: list[str], page_markers: list[int] | None = None) -> list[Cell]:
    """The document as one stream of cells, whatever shape each line has. Lines that are only a
    page number ("- 3 -", "第2页") are left out; their line numbers go to ``page_markers``."""
    cells: list[Cell] = []
    page_markers = [] if page_markers is None else page_markers
    texts = [strip_tags(line).replace("\u3000", " ").strip(" \r\n") for line in lines]
    texts = join_vertical_labels(join_wrapped_pipe_cells(texts), _is_category_label)
    for row, text in enumerate(texts):
        if not text.strip():
            continue
        line_no = row + 1
        if "\t" in text.strip():  # leading tabs kept: they are empty cells, and columns count them
            parts, shape = text.rstrip().split("\t"), "separated"
        elif "|" in text:
            parts, shape = text.strip().split("|"), "separated"
        elif _wrapped_run(text):
            parts, shape = [re.sub(r"\s+", "", text)], "spaced"
        else:
            parts, shape = _rejoin_labels(_words(text)), "spaced"
        columns = [(col, part.strip()) for col, part in enumerate(parts) if part.strip()]
        if len(columns) == 1 and _PAGE_MARKER.match(columns[0][1]) or _PAGE_MARKER.match(text.strip()):
            page_markers.append(line_no)
            continue
        alone = len(columns) == 1
        for index, (col, part) in enumerate(columns):
            if shape == "separated" and len(part) >= 150 and _holds_a_form(part):
                cells.extend(
                    _cut_glued(part, line_no, row, False)
                )  # a portal's 内容概述 cell: a whole form run together
            elif shape == "separated":
                cells.extend(Cell(piece, line_no, row, col=col) for piece in _split_colon(part))
            else:
                pieces = _cut_glued(part, line_no, row, alone)
                if pieces and index:
                    pieces[0].spaced = True
                cells.extend(pieces)
    bar_lines = sum(1 for text in texts if text and not text.replace("|", "").strip())
    return _join_wrapped_cells(_join_split_labels(_cells_one_per_line(cells, bar_lines)))


def _cells_one_per_line(cells: list[Cell], bar_lines: int = 0) -> list[Cell]:
    """In a document printed one cell per line, figures stand on lines of their own: a line is
    then one cell, not run-together text whose values follow its words ("本年预算安排800万元" is
    a name). Judged over the document: a quarter or more of its lone lines are figures, or lines
    of bars alone ("|", "|||||") separate them as often as not."""
    per_row = Counter(cell.row for cell in cells)
    lone = [cell for cell in cells if per_row[cell.row] == 1 and cell.col < 0]
    figures = sum(1 for cell in lone if _LONE_FIGURE.match(cell.text))
    if len(lone) < 20:
        return cells
    if figures >= 0.25 * len(lone) or bar_lines >= 0.5 * len(lone):
        for cell in lone:
            cell.glued = False
    elif _header_one_per_line(lone) and not any(_ENDS_IN_TARGET.search(cell.text) for cell in lone):
        # the header says so, unless a line ends in a name's target ("覆盖率100%"): then they run together
        for cell in lone:
            cell.glued = False
    return cells


_ENDS_IN_TARGET = re.compile(r"[\u4e00-\u9fff](?:[=≥≤<>＝≧≦]+\d|[\d.]+%$)")


def _header_one_per_line(lone: list[Cell]) -> bool:
    """The indicator table's header printed one label a line (一级指标 | 二级指标 | 三级指标 | 指标值, each
    alone): its rows are printed so too."""
    run = 0
    for before, cell in zip([None, *lone], lone, strict=False):
        follows = before is not None and cell.row == before.row + 1
        run = (
            run + 1
            if cell.key in vocab.INDICATOR_HEADER and follows
            else int(cell.key in vocab.INDICATOR_HEADER)
        )
        if run >= 4:
            return True
    return False


# A figure or a quantitative target alone on its line: "800万元", "100%", "≥90%", "=12份".
_LONE_FIGURE = re.compile(r"^[=≥≤<>＝]*\s*\d[\d,.]*\s*(?:%|万元|万|元|[\u4e00-\u9fff]{1,2})?$")


# Wide characters (East Asian width W or F): CJK, Hangul, full-width forms.
_WIDE = re.compile(r"[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
                   r"\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")  # fmt: skip


def display_width(text: str) -> int:
    """Columns the text takes in fixed-width output: CJK and full-width characters count two."""
    return len(text) + len(_WIDE.findall(text))


def _wrap_width(cells: list[Cell]) -> int | None:
    """The width pdftotext wrapped table cells at, where the document shows one: the widest that two
    or more cells of words reach, each the first on its line (a single long line proves nothing),
    if that is a table column's width, not a paragraph's."""
    widths = Counter(
        display_width(cell.text)
        for k, cell in enumerate(cells)
        if (k == 0 or cells[k - 1].row != cell.row)
        and cell.col < 0
        and _has_han(cell.text)
        and cell.key not in _ALL_LABELS
    )
    reached = [w for w in widths if 16 <= w <= 60 and widths[w] + widths.get(w - 1, 0) >= 2]
    return max(reached) if reached else None


def _join_wrapped_cells(cells: list[Cell]) -> list[Cell]:
    """pdftotext wraps a long cell at its column's width: a cell that fills the width goes on in a
    short fragment alone on the next line ("…管理制度均已" | "建立并执行", "…完整性与 100%" | "准确率")."""
    per_row = Counter(cell.row for cell in cells)
    spaced_rows = {cell.row for cell in cells if cell.spaced}
    if len(spaced_rows) < 0.2 * len(per_row):
        return cells  # not pdftotext's layout: one cell per line, or separated cells
    wrap = _wrap_width(cells)
    if wrap is None:
        return cells
    out: list[Cell] = []
    last_han: Cell | None = None  # the last cell of words on the line before
    last_at = -1  # its index in out
    for cell in cells:
        fragment = (
            last_han is not None
            and per_row[cell.row] == 1
            and cell.row != last_han.row
            and cell.line_no - last_han.line_no <= 3
            and len(cell.key) <= 12
            and _has_han(cell.text[:1])
            and cell.key not in _ALL_LABELS
            and cell.key not in vocab.TARGET_PHRASES
            and not cell.key.endswith(("指标", "目标"))  # a wrapped category label, not a tail
            and display_width(last_han.text) >= wrap - 1
        )
        if fragment:
            out[last_at] = last_han = Cell(
                last_han.text + cell.text, last_han.line_no, last_han.row, joined=True
            )
            continue
        out.append(cell)
        if _has_han(cell.text[-1:]) and cell.key not in _ALL_LABELS:
            last_han, last_at = cell, len(out) - 1
        elif cell.row != (last_han.row if last_han else None) and _has_han(cell.text):
            last_han = None
    return out


# Words a wrapped label may start with on a line of their own: "中央" | "主管部门".
_LABEL_HEADS = frozenset(
    {"中央", "省级", "市级", "县级", "区级", "区县", "地方", "具体", "项目", "资金", "专项", "转移支付"}
)


def _join_split_labels(cells: list[Cell]) -> list[Cell]:
    """A label a table cell wrapped over two lines ("项目完成" | "指标", "中央" | "主管部门") is one
    cell; so is a name whose last word ("充分性", "合理性") a one-cell-per-line copy put on a line of
    its own."""
    out: list[Cell] = []
    for cell in cells:
        prev = out[-1] if out else None
        if prev and prev.line_no != cell.line_no and len(prev.text) <= 8 and len(cell.text) <= 8:
            joined = label_key(prev.text + cell.text)
            known = joined in _ALL_LABELS or (
                prev.key in _LABEL_HEADS and joined.endswith(("主管部门", "实施单位", "名称"))
            )
            name_tail = 2 <= len(cell.key) <= 3 and cell.key.endswith("性") and not prev.key[-1:].isdigit()
            if cell.key in ("指标", "目标", "指标等") or name_tail or (known and prev.key not in _ALL_LABELS):
                out[-1] = Cell(prev.text + cell.text, prev.line_no, prev.row, prev.glued)
                continue
        if prev and _continues_cell(prev, cell):  # one value: its words are not cut into values
            out[-1] = Cell(prev.text + cell.text, prev.line_no, prev.row, joined=True)
            continue
        out.append(cell)
    return out


# Text no cell starts with: a line starting so continues the cell before it ("…培训制度" | "等建立健全").
_CONTINUATION = re.compile(r"^(?:等[\u4e00-\u9fff]|[、，,；;）)])")


def _continues_cell(prev: Cell, cell: Cell) -> bool:
    """A wrapped cell: alone on its line, starting with words that only continue a text, right after
    a line that ended in words."""
    return (
        cell.glued  # set on a cell alone on its line
        and prev.row != cell.row
        and _CONTINUATION.match(cell.text) is not None
        and "\u4e00" <= prev.text[-1:] <= "\u9fff"
    )


def _wrapped_run(text: str) -> bool:
    """A run-together line whose spaces are wraps inside words (a document preview: "产 出 指 标",
    "质量 指标县级…"), not cell boundaries: labels run across many of its spaces."""
    if len(text) < 40 or "  " in text or " " not in text:
        return False
    joined, spaces = [], set()
    for ch in text:
        if ch == " ":
            spaces.add(len(joined))
        else:
            joined.append(ch)
    folded = simplified("".join(joined))  # positions kept: one character for one
    spanning = sum(
        1
        for m in _GLUED_LABEL.finditer(folded)
        if len(m.group()) >= 4 and any(m.start() < p < m.end() for p in spaces)
    )
    return spanning >= 2 and spanning >= 0.1 * len(spaces)  # most spaces still separate cells otherwise


# "004 >=": Yunnan's coded 指标性质 is one cell, though one space parts it
_CODED_SIGN = re.compile(r"(?<!\S)(\d{3}) (?=[<>=≥≤]{1,2}(?:\s|$))")


def _words(text: str) -> list[str]:
    if not _CODED_SIGN.search(text):
        return text.split()
    return [word.replace("\ue000", " ") for word in _CODED_SIGN.sub("\\1\ue000", text).split()]


_FILL_HINT = re.compile(r"^[(（][^()（）]{0,6}填[^()（）]{0,6}[)）]$")  # (必填) (选填) (必填硬性指标)


def _rejoin_labels(words: list[str]) -> list[str]:
    """Put back label words a wrap split with spaces: "一级 指标" → "一级指标", "产 出 指 标" → "产出指标"."""
    if len(words) < 2:
        return words
    out: list[str] = []
    i = 0
    while i < len(words):
        joined = None
        if len(words[i]) <= 6:
            for j in range(min(len(words), i + 6), i + 1, -1):
                candidate = "".join(words[i:j])
                if all(len(w) <= 6 for w in words[i:j]) and label_key(candidate) in _ALL_LABELS:
                    joined = (candidate, j)
                    break
        if joined:
            out.append(joined[0])
            i = joined[1]
        elif out and words[i][:1] in "(（" and _FILL_HINT.match(words[i]):
            out[-1] += " " + words[i]  # "数量指标 (必填硬性指标)": the template's hint stays with its label
            i += 1
        else:
            out.append(words[i])
            i += 1
    return out


def _merge_name_words(pieces: list[str]) -> list[str]:
    def is_label(k: int) -> bool:
        return 0 <= k < len(pieces) and label_key(pieces[k]) in _ALL_LABELS

    out: list[str] = []
    k = 0
    while k < len(pieces):
        piece = pieces[k]
        if label_key(piece) in _NAME_WORDS and not is_label(k - 1) and not is_label(k + 1):
            merged = (out.pop() if out and not is_label(k - 1) else "") + piece
            if k + 1 < len(pieces):
                merged += pieces[k + 1]
                k += 1
            out.append(merged)
        else:
            out.append(piece)
        k += 1
    return out


def _split_colon(part: str) -> list[str]:
    """'年度资金总额:16' → ['年度资金总额', '16'] where the head is a label; other cells stay whole."""
    if ":" not in part and "：" not in part:
        return [part]
    match = _COLON.search(part)
    if not match:
        return [part]
    head, tail = part[: match.start()].strip(), part[match.end() :].strip()
    if simplified(head).endswith("单位") and simplified(tail) in ("万元", "元"):
        return [part]  # "金额单位:万元" states the unit; it is no field
    if head in ("其中",) or label_key(head) in _SHORT_LABELS:
        pieces = [head + match.group()] if head != "其中" else []  # the colon kept: it marks a label
        return pieces + (_split_colon(tail) if tail else [])
    return [part]


def _split_on_labels(part: str, in_words: bool = False) -> list[str]:
    """The text cut before and after each label it holds, as printed (labels are matched on the
    folded text, the pieces taken from the original). A label inside prose is no label: one
    followed by a comma or full stop, or after 的 ("市房管局为项目的主管单位，依据…"), or read
    into by 中 ("绩效目标申报表中申报的数量")."""
    if len(part) <= 16 and _is_category_shaped(part):
        return [part]  # "服务对象或受益者满意度指标", "社会效益效益指标": one label, whatever it contains
    text = unicodedata.normalize("NFKC", part)
    readings = list(_PINYIN.finditer(text)) if "(" in text else []
    if len(text) == len(part) and not _SPACE.search(text) and not readings:
        origin = range(len(part))  # most words fold character for character: no per-character walk
        text = simplified(text)
    else:
        folded, origin = [], []
        for index, ch in enumerate(part):
            for out in unicodedata.normalize("NFKC", ch):
                if not out.isspace():
                    folded.append(out)
                    origin.append(index)
        text = "".join(folded)
        for reading in reversed(list(_PINYIN.finditer(text))):  # "項(xiàng)目": the reading is not text
            del folded[reading.start() : reading.end()], origin[reading.start() : reading.end()]
        text = simplified("".join(folded))
    cuts = set()
    for match in _GLUED_LABEL.finditer(text):
        before, after = text[match.start() - 1 : match.start()], text[match.end() : match.end() + 1]
        if before == "的" or after in _PROSE_AFTER or text[match.end() : match.end() + 2] in _PROSE_IN:
            continue
        if before == "(" and after == ")":
            continue  # "申报表(绩效目标)": a sheet's name, part of the title before it
        if any(text.count(a, 0, match.start()) > text.count(b, 0, match.start()) for a, b in ("《》", "“”")):
            continue  # "按《项目支出绩效目标表》填报", 上报“项目支出绩效自评表”: inside a quoted title
        label_next = _GLUED_LABEL.match(text, match.end())
        words_go_on = _has_han(after) and (in_words or not label_next)
        if label_next and label_key(label_next.group()) in vocab.FUND_COLUMNS:
            words_go_on = False  # "预算数(A)执行数(B)执行率(B/A)": a header's columns, not words
        words_go_on = words_go_on and not text.startswith(_FUND_TOTALS, match.end())  # "…及构成总额10606"
        if words_go_on and label_key(match.group()) in _FUND_WORDS:
            continue  # "财政资金到位及时支付率", "本年预算安排800万元" are names
        cuts.update((match.start(), match.end()))
    bounds = sorted(cuts | {0, len(text)})
    pieces = []
    for a, b in itertools.pairwise(bounds):
        if a < b:
            end = origin[b] if b < len(origin) else len(part)
            pieces.append(part[origin[a] : end].strip())
    return [p for p in pieces if p]


def _is_category_shaped(part: str) -> bool:
    from .categories import _is_level2, _level1_of  # categories reads cells: imported when first asked

    if not part.endswith(("指标", "目标")) or "指标" in part[:-2] or "目标" in part[:-2]:
        return False  # "产出指标数量指标": two labels
    return _is_level2(part) or _level1_of(part) is not None


_FUND_WORDS = frozenset(vocab.FUND_SUB_ROWS) | frozenset(vocab.AMOUNTS)
_FUND_TOTALS = tuple(vocab.FUND_TOTAL_ROWS)


_SPACE = re.compile(r"\s")
_PROSE_AFTER = frozenset("，,。；;、的")
_PROSE_IN = vocab.PROSE_AFTER_LABEL


_HEADER_WORDS = re.compile(
    "(?:"
    + "|".join(
        re.escape(w)
        for w in sorted(set(vocab.INDICATOR_HEADER) | set(vocab.FUND_COLUMNS), key=len, reverse=True)
        if len(w) >= 2
    )
    + ")"
)


def _header_words(piece: str) -> list[str]:
    """Short column labels run together ("权重得分", "完成值分值", "分值执行率"): each its own cell,
    where the piece is nothing but them."""
    if len(piece) > 16 or label_key(piece) in _ALL_LABELS:
        return [piece]
    words, at, folded = [], 0, simplified(piece)  # one character for one: positions hold
    while at < len(piece) and (match := _HEADER_WORDS.match(folded, at)):
        words.append(piece[at : match.end()])
        at = match.end()
    if len(words) >= 2 and 0 < len(piece) - at <= 2 and _has_han(piece[at:]):
        words.append(piece[at:])  # "权重得分原因": a last short head of the row's explanation
        at = len(piece)
    return words if at == len(piece) and len(words) >= 2 else [piece]


# Words with a comparison and a figure straight after them: "科目调整次数≤10次" holds a name and its target.
_NAME_THEN_TARGET = re.compile(r"[\u4e00-\u9fff][=≥≤<>＝≧≦]+\d")


_TITLE_LINE = re.compile(r"^[^,，。;；:：|]{0,30}绩效[^,，。;；:：|]{0,12}表(?:[(（][^()（）]{0,12}[)）])?$")


def _holds_a_form(part: str) -> bool:
    """A long cell holding a form's title and its labels run together (a page's summary box)."""
    text = simplified(_PINYIN.sub("", part[:400]))
    return re.search(r"绩效(?:目标)?(?:自评|申报)?表", text) is not None and "名称" in text


def _cut_glued(part: str, line_no: int, row: int, alone: bool) -> list[Cell]:
    """Cut a space-free run of text before and after each label it holds. A run alone on its line
    may hold a row's values after its words ("学校满意度≥90%"): it is marked glued."""
    part = _LINE_MARKER.sub("", part) if row else part
    if alone and _TITLE_LINE.match(simplified(part)):
        return [Cell(part, line_no, row, glued=True)]  # "市级部门预算项目绩效目标表": a title, not labels
    pieces = _split_on_labels(part, in_words=not alone)
    if len(pieces) == 1 and (total := _TOTAL_ROW.match(part)):
        pieces = [total.group(), part[total.end() :]]  # "总额5.005.00100.00%10": the fund block's total row
    if len(pieces) == 1:
        glued = alone or _NAME_THEN_TARGET.search(part) is not None
        return [Cell(piece, line_no, row, glued=glued) for piece in _split_colon(part)]
    pieces = _merge_name_words(pieces)
    for k in range(len(pieces) - 1, 0, -1):
        if pieces[k - 1] in _LABEL_HEADS and label_key(pieces[k]) in _ALL_LABELS:
            pieces[k - 1 : k + 1] = [pieces[k - 1] + pieces[k]]  # "区级" + "主管部门": one label
        elif (
            re.fullmatch(r"[(（][^()（）]{1,12}[)）]", pieces[k]) or pieces[k] in ("等", "类")
        ) and label_key(pieces[k - 1]) in _ALL_LABELS:
            pieces[k - 1 : k + 1] = [
                pieces[k - 1] + pieces[k]
            ]  # "数量指标(必填硬性指标)", "…指标等": the label's tail
        elif (
            len(pieces[k]) <= 3
            and pieces[k].endswith(("性", "率"))
            and label_key(pieces[k - 1]) in _ALL_LABELS
        ):
            pieces[k - 1 : k + 1] = [pieces[k - 1] + pieces[k]]  # "立项依据充分性": a name, not a label
    if len(pieces) == 1:
        return [Cell(pieces[0], line_no, row, glued=alone)]
    pieces = [word for piece in pieces for word in _header_words(piece)]
    cells: list[Cell] = []
    for k, piece in enumerate(pieces):
        for sub in _split_colon(piece):
            sub = sub.lstrip(":：") if label_key(sub) in _ALL_LABELS else sub.strip(":：")
            if sub:
                cells.append(Cell(sub, line_no, row, glued=True))
                glued_to_figure = k > 0 and pieces[k - 1][-1:].isdigit() and label_key(piece) in _ALL_LABELS
                cells[-1].after_number = glued_to_figure and sub.rstrip(":：") == piece.strip(":：")
    return cells
