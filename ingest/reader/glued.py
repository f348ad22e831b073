"""Run-together text, with no separators at all ("项目名称农村义务教育…年度资金总额:16"): cut before
and after every label of the vocabulary; the values left between labels are split later by the
reader, which knows the table's columns. The label lexicon the other front-ends look labels up in
is built here too."""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache

from ..numbers import parse_amount
from ..text import PINYIN_READING as _PINYIN
from ..text import normalize_nfkc
from ..traditional import simplified
from . import vocabulary as vocab
from .cell import Cell, label_key
from .lines import has_han as _has_han
from .tokens import MEASURED_NAME_ENDS as _MEASURED_NAME_ENDS
from .tokens import ends_like_a_name
from .values import is_name_with_unit

# A label may carry a unit marker or a column letter: "项目总预算(万元)", "全年预算数(A)", "执行率(B/A)",
# its closing bracket lost where the cell ends ("年初目标值(A", as label_key reads it).
_LABEL_SUFFIX = r"(?:\((?:万元|元|[A-Z/×*%\d]{1,12}|\d+分)(?:\)|$))?"
_COLON = re.compile(r"[:：]")
_FUND_SOURCES = ("资金", "补助", "拨款", "收入")  # how a fund block's sub-row ends: "中央补助", "地方资金"
# (必填) (选填) (必填硬性指标): a template's hint, the end of the label cell it follows
FILL_HINT = re.compile(r"^[(（][^()（）]{0,6}填[^()（）]{0,6}[)）]")
_LINE_MARKER = re.compile(r"^\d{1,2}、(?=\S)")
# A two-character total row label starting a run of figures (longer ones cut run-together text anyway)
_TOTAL_ROW = re.compile(r"^(?:总额|合计)(?=\d[\d.,%]*$)")


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
ALL_LABELS = frozenset(_labels())
_CATEGORY_LABELS = ALL_LABELS | vocab.LEVEL1 | vocab.LEVEL2


def is_category_label(text: str) -> bool:
    return label_key(text) in _CATEGORY_LABELS


_SHORT_LABELS = frozenset(w for w in ALL_LABELS if len(w) <= 6)


# Words a wrapped label may start with on a line of their own: "中央" | "主管部门".
LABEL_HEADS = frozenset(
    {"中央", "省级", "市级", "县级", "区级", "区县", "地方", "具体", "项目", "资金", "专项", "转移支付"}
)


def wrapped_run(text: str) -> bool:
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


def _merge_name_words(pieces: list[str]) -> list[str]:
    def is_label(k: int) -> bool:
        return 0 <= k < len(pieces) and label_key(pieces[k]) in ALL_LABELS

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


def split_colon(part: str) -> list[str]:
    """'年度资金总额:16' → ['年度资金总额', '16'] where the head is a label; other cells stay whole."""
    if ":" not in part and "：" not in part:
        return [part]
    match = _COLON.search(part)
    if not match:
        return [part]
    head, tail = part[: match.start()].strip(), part[match.end() :].strip()
    if simplified(head).endswith("单位") and simplified(tail) in ("万元", "元"):
        return [part]  # "金额单位:万元" states the unit; it is no field
    if head.startswith(vocab.REASON_HEADER_PREFIXES) and len(tail) > 8:
        return [part]  # "偏差原因:部分…。改进措施:…": a 偏差原因 cell's own text, no field and its value
    if head == "其中" and tail.endswith(_FUND_SOURCES) and label_key(tail) not in ALL_LABELS:
        return [part]  # "其中:中央补助": a fund block's sub-row named by its prefix, not in the vocabulary
    if head in ("其中",) or label_key(head) in _SHORT_LABELS:
        pieces = [head + match.group()] if head != "其中" else []  # the colon kept: it marks a label
        return pieces + (split_colon(tail) if tail else [])
    return [part]


def _split_on_labels(part: str, in_words: bool = False) -> list[str]:
    """The text cut before and after each label it holds, as printed (labels are matched on the
    folded text, the pieces taken from the original). A label inside prose is no label: one
    followed by a comma or full stop, or after 的 ("市房管局为项目的主管单位，依据…"), or read
    into by 中 ("绩效目标申报表中申报的数量")."""
    if len(part) <= 16 and _is_category_shaped(part):
        return [part]  # "服务对象或受益者满意度指标", "社会效益效益指标": one label, whatever it contains
    text = normalize_nfkc(part)
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
    matches = list(_GLUED_LABEL.finditer(text))
    if len(matches) == 1 and _inside_a_name(text, matches[0]):
        return [part]
    cuts = set()
    for match in matches:
        before, after = text[match.start() - 1 : match.start()], text[match.end() : match.end() + 1]
        if before == "的" or after in _PROSE_AFTER or text[match.end() : match.end() + 2] in _PROSE_IN:
            continue
        if before == "(" and after == ")":
            continue  # "申报表(绩效目标)": a sheet's name, part of the title before it
        if match.start() and not text[: match.start()].strip(_KEY_INDICATOR_STARS):
            continue  # "★★★其中:…建档立卡贫困人口数量": stars mark a key indicator, the label begins its name
        if match.group().endswith(("目标", "指标")) and _NUMBERING_ENDS.fullmatch(text, match.end()):
            continue  # "年度绩效目标1": the goal's number ends the run, no figure of the label's
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


def _inside_a_name(text: str, match: re.Match[str]) -> bool:
    """A line's or a word's one field label inside an indicator's name, the name closed by its unit
    in brackets ("天保工程实施单位保险参保人数(人)", one cell a line or a word of a spaced line): a word
    of the name, not a label."""
    return match.start() > 0 and match.end() < len(text) and is_name_with_unit(text)


def _is_category_shaped(part: str) -> bool:
    # categories reads cells: imported when first asked
    from .categories import is_level2_text, level1_of_text

    if not part.endswith(("指标", "目标")) or "指标" in part[:-2] or "目标" in part[:-2]:
        return False  # "产出指标数量指标": two labels
    return is_level2_text(part) or level1_of_text(part) is not None


_FUND_WORDS = frozenset(vocab.FUND_SUB_ROWS) | frozenset(vocab.AMOUNTS)
_FUND_TOTALS = tuple(vocab.FUND_TOTAL_ROWS)


_SPACE = re.compile(r"\s")
_KEY_INDICATOR_STARS = "★☆"  # printed before the names of a template's core indicators (Anhui's ★★★)
_NUMBERING_ENDS = re.compile(r"\d{1,2}[:：]?")
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
    if len(piece) > 16 or label_key(piece) in ALL_LABELS:
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
# So do a name closed by its unit in brackets and a figure: "受益人数(人)132".
_NAME_THEN_TARGET = re.compile(r"[\u4e00-\u9fff](?:[=≥≤<>＝≧≦]+\d|[(（][^()（）\d]{1,4}[)）]\d)")


# A figure and its unit ending a word straight after its name's words: "租用面积26970.7平方米".
_ENDS_IN_MEASURE = re.compile(
    r"(?<=[\u4e00-\u9fff])\d[\d,]*(?:\.\d+)?(?:" + "|".join(map(re.escape, vocab.VALUE_UNITS)) + ")$"
)
_UNIT_ENDS = frozenset(unit[-1] for unit in vocab.VALUE_UNITS)  # a set lookup spares most words the search


def _name_then_measure(part: str) -> bool:
    """A word that is a row run together, the name then its target with a unit ("清扫保洁道路条数485条",
    one line holding the rows of a table): the words before the figure end as a name's do."""
    # the figure and its unit among the last characters: a search bounded whatever the word's length
    if part[-1:] not in _UNIT_ENDS or not (figure := _ENDS_IN_MEASURE.search(part, max(0, len(part) - 24))):
        return False
    return ends_like_a_name(part[: figure.start()]) or part.endswith(_MEASURED_NAME_ENDS, 0, figure.start())


_TITLE_LINE = re.compile(r"^[^,，。;；:：|]{0,30}绩效[^,，。;；:：|]{0,12}表(?:[(（][^()（）]{0,12}[)）])?$")


def holds_a_form(part: str) -> bool:
    """A separated cell that is run-together text itself: a long one holding a form's title and its
    labels (a page's summary box), or one opening with a field label run into its value, more
    labels after it ("项目名称【体制】…经费主管部门及代码北京市…实施单位:…", a run-together page whose
    title a wide gap parted from the rest)."""
    if len(part) >= 150:
        text = simplified(_PINYIN.sub("", part[:400]))
        if re.search(r"绩效(?:目标)?(?:自评|申报)?表", text) is not None and "名称" in text:
            return True
    if len(part) < 40 or not (first := _GLUED_LABEL.match(simplified(part[:12]))):
        return False
    if label_key(first.group()) not in vocab.FIELDS:
        return False
    return sum(1 for _ in itertools.islice(_GLUED_LABEL.finditer(simplified(part[:400])), 3)) >= 3


# An indicator's number, where the rows of a table run together: "≥37指标3.医疗器械抽验批次≥23指标4.…"
_ROW_NUMBER = re.compile(r"(?<=\S)指标\d{1,2}[.:：、．]")


def _cut_row_numbers(piece: str) -> list[str]:
    """A piece cut before each indicator number inside it ("7指标2:修缮建筑面积6000平方米"): the
    number starts a row, what comes before it ends the row before."""
    starts = [m.start() for m in _ROW_NUMBER.finditer(piece)]
    return [piece[a:b] for a, b in itertools.pairwise([0, *starts, len(piece)]) if a < b]


# A unit printed with its budget code and no label, run onto the cell before it where two forms run
# together ("…满意度≥95百分比207101天津市河北区人民法院"): the code starts the unit's cell, else "207101天"
# is read as the last row's figure and its unit. The name ends as an organisation's does, and does not
# start with a count's unit ("共计123456元用于…中心" is prose).
_ORGANISATION_NAME_ENDS = (
    "局", "院", "委员会", "中心", "政府", "办公室", "办事处", "所", "站", "馆", "队", "厅", "部", "处", "校", "园",
    "社", "室", "场", "团", "会", "委", "办",
)  # fmt: skip
_CODED_UNIT_AT_END = re.compile(
    r"(?<=[^\d.,，\s-])\d{6}[-_—]?(?![元亿个次台套辆份件批])[\u4e00-\u9fff]{4,40}?"
    rf"(?:{'|'.join(_ORGANISATION_NAME_ENDS)})$"
)
_ORGANISATION_ENDS = frozenset(end[-1] for end in _ORGANISATION_NAME_ENDS)  # a set lookup spares most pieces


def _cut_coded_unit(piece: str) -> list[str]:
    if piece[-1:] not in _ORGANISATION_ENDS or not (unit := _CODED_UNIT_AT_END.search(piece)):
        return [piece]
    return [piece[: unit.start()], unit.group()]


def cut_glued(part: str, line_no: int, row: int, alone: bool) -> list[Cell]:
    """Cut a space-free run of text before and after each label it holds. A run alone on its line
    may hold a row's values after its words ("学校满意度≥90%"): it is marked glued."""
    return [
        Cell(text, line_no, row, -1, glued, after_number)  # no column
        for text, glued, after_number in _glued_pieces(part, bool(row), alone)
    ]


# (text, glued, after_number) of each cell
_Pieces = tuple[tuple[str, bool, bool], ...]


@lru_cache(maxsize=1 << 14)  # pure on the text: the same rows and labels recur, form after form
def _glued_pieces(part: str, not_first_row: bool, alone: bool) -> _Pieces:
    part = _LINE_MARKER.sub("", part) if not_first_row else part
    if alone and _TITLE_LINE.match(simplified(part)):
        return ((part, True, False),)  # "市级部门预算项目绩效目标表": a title, not labels
    if ("(其中" in part or "（其中" in part) and parse_amount(part) is not None:
        return ((part, alone, False),)  # "500万元(其中上级资金220万元)": one amount, its parts in brackets
    pieces = _split_on_labels(part, in_words=not alone)
    if "指标" in part and _ROW_NUMBER.search(part, 1):
        pieces = [cut for piece in pieces for cut in _cut_row_numbers(piece)]
    if any(piece[-1:] in _ORGANISATION_ENDS for piece in pieces):
        pieces = [cut for piece in pieces for cut in _cut_coded_unit(piece)]
    if len(pieces) == 1 and (total := _TOTAL_ROW.match(part)):
        pieces = [total.group(), part[total.end() :]]  # "总额5.005.00100.00%10": the fund block's total row
    if len(pieces) == 1:
        glued = alone or _NAME_THEN_TARGET.search(part) is not None or _name_then_measure(part)
        return tuple((piece, glued, False) for piece in split_colon(part))
    pieces = _merge_name_words(pieces)
    for k in range(len(pieces) - 1, 0, -1):
        if pieces[k][:1] in "(（" and (hint := FILL_HINT.match(pieces[k])) and hint.end() < len(pieces[k]):
            if label_key(pieces[k - 1]) in ALL_LABELS:  # "数量指标(必填)苗木成活率…": the hint ends the label
                pieces[k - 1 : k + 1] = [pieces[k - 1] + hint.group(), pieces[k][hint.end() :]]
        elif pieces[k - 1] in LABEL_HEADS and label_key(pieces[k]) in ALL_LABELS:
            pieces[k - 1 : k + 1] = [pieces[k - 1] + pieces[k]]  # "区级" + "主管部门": one label
        elif (
            re.fullmatch(r"[(（][^()（）]{1,12}[)）]", pieces[k]) or pieces[k] in ("等", "类")
        ) and label_key(pieces[k - 1]) in ALL_LABELS:
            pieces[k - 1 : k + 1] = [
                pieces[k - 1] + pieces[k]
            ]  # "数量指标(必填硬性指标)", "…指标等": the label's tail
        elif (
            len(pieces[k]) <= 3
            and pieces[k].endswith(("性", "率"))
            and label_key(pieces[k - 1]) in ALL_LABELS
        ):
            pieces[k - 1 : k + 1] = [pieces[k - 1] + pieces[k]]  # "立项依据充分性": a name, not a label
    if len(pieces) == 1:
        return ((pieces[0], alone, False),)
    pieces = [word for piece in pieces for word in _header_words(piece)]
    cells: list[tuple[str, bool, bool]] = []
    for k, piece in enumerate(pieces):
        for sub in split_colon(piece):
            sub = sub.lstrip(":：") if label_key(sub) in ALL_LABELS else sub.strip(":：")
            if sub:
                glued_to_figure = k > 0 and pieces[k - 1][-1:].isdigit() and label_key(piece) in ALL_LABELS
                cells.append((sub, True, glued_to_figure and sub.rstrip(":：") == piece.strip(":：")))
    return tuple(cells)
