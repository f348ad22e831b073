"""Print every development page again in another text shape, to measure how much the reader's
score depends on the shape a page happened to be stored in rather than on the form.

    python tests/real/reshape.py OUT        # writes OUT/<shape>/<id>.txt and its .gold.json

`make check-shapes` runs it and scores each shape with `jixiao check`. The cells of a line are its
tab-, bar- or run-of-spaces-separated parts (a line with none is one cell); each shape prints the
same cells another way. Every folder named *heldback is left out: the held-back pages, and the two
former held-back sets `make check-real` counts (second_heldback, third_heldback), so the figures
stay comparable with the 110 development forms the reader was fixed against.

What the shapes cannot keep says as much as what they do: a tree shown only by indentation, or a
project list whose rows only the line breaks part, loses its structure in `one_per_line`.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

REAL = Path(__file__).resolve().parent
_SPACES = re.compile(r"\s{2,}")


def cells(line: str) -> list[str]:
    text = line.rstrip("\r\n")
    if "\t" in text.strip():
        return [c.strip() for c in text.split("\t")]
    if "|" in text:
        inner = text.strip().removeprefix("|").removesuffix("|")
        return [c.strip() for c in inner.split("|")]
    if re.search(r"\S\s{2,}\S", text.strip()):
        return _SPACES.split(text.strip())
    return [text.strip()]


def _filled(row: list[str]) -> list[str]:
    return [c for c in row if c]


# each shape prints one line's cells as lines; None keeps the page as it was stored
SHAPES: dict[str, Callable[[list[str]], list[str]] | None] = {
    "as_stored": None,
    "tabs": lambda row: ["\t".join(row)],
    "pipes": lambda row: ["| " + " | ".join(row) + " |"] if len(row) > 1 else row,
    "pipes_dropping_empty": lambda row: (
        ["| " + " | ".join(_filled(row)) + " |"] if len(_filled(row)) > 1 else _filled(row) or [""]
    ),
    "one_per_line": lambda row: [*_filled(row), ""],
    "spaces": lambda row: ["   ".join(_filled(row))],
    "run_together": lambda row: ["".join(_filled(row))],
}


def _run_together(lines: list[str]) -> list[str]:
    """Every line of the page as the row shape ``run_together`` prints it."""
    return [printed for line in lines for printed in SHAPES["run_together"](cells(line))]


def _width(text: str) -> int:
    """Columns the text takes in fixed-width output: a CJK or full-width character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _space_aligned(lines: list[str]) -> list[str]:
    """Each run of lines holding two or more cells printed as ``pdftotext -layout`` prints a table:
    a cell starts where its column starts (the widest cell of the column before it, two spaces
    after), an empty cell is blank; a line of one cell keeps its indentation."""
    rows = [cells(line) for line in lines]
    out: list[str] = []
    k = 0
    while k < len(rows):
        if len(_filled(rows[k])) < 2:
            indent = re.match(r"[ \u3000]*", lines[k]).group()
            out.append(indent + " ".join(_filled(rows[k])))
            k += 1
            continue
        end = k
        while end < len(rows) and len(_filled(rows[end])) >= 2:
            end += 1
        widths = [0] * max(len(row) for row in rows[k:end])
        for row in rows[k:end]:
            for i, cell in enumerate(row):
                widths[i] = max(widths[i], _width(cell))
        for row in rows[k:end]:
            printed = "".join(c + " " * (widths[i] - _width(c) + 2) for i, c in enumerate(row))
            out.append(printed.rstrip())
        k = end
    return out


# each of these prints the whole page: the rows run together and the lines joined, as a page
# printed on one line, an HTML table flattened to its text, or a PDF table's columns in spaces
PAGE_SHAPES: dict[str, Callable[[list[str]], list[str]]] = {
    "one_line": lambda lines: [" ".join(_run_together(lines))],
    "flattened_html": lambda lines: [re.sub(r"(?<=\S)\n(?=\S)", "", "\n".join(_run_together(lines)))],
    "space_aligned": _space_aligned,
}


def development_pages() -> list[tuple[Path, Path]]:
    pages = []
    for gold in sorted(REAL.rglob("*.gold.json")):
        if gold.relative_to(REAL).parts[0].endswith("heldback"):
            continue
        name = json.loads(gold.read_text(encoding="utf-8")).get("file") or gold.name.replace(
            ".gold.json", ".txt"
        )
        text = gold.with_name(name)
        if text.exists():
            pages.append((text, gold))
    return pages


def reshape(out: Path) -> int:
    pages = development_pages()
    for shape, render in {**SHAPES, **PAGE_SHAPES}.items():
        folder = out / shape
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for text, gold in pages:
            lines = text.read_text(encoding="utf-8").split("\n")
            if shape in PAGE_SHAPES:
                lines = PAGE_SHAPES[shape](lines)
            elif render is not None:
                lines = [printed for line in lines for printed in render(cells(line))]
            (folder / text.name).write_text("\n".join(lines), encoding="utf-8")
            shutil.copy(gold, folder / gold.name)
    return len(pages)


if __name__ == "__main__":
    print(
        f"{reshape(Path(sys.argv[1]))} pages in {len(SHAPES) + len(PAGE_SHAPES)} shapes under {sys.argv[1]}"
    )
