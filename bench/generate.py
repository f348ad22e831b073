"""A synthetic collection of N documents, made by varying the real sample documents.

    .venv/bin/python -m bench.generate OUT_DIR --n 2000 [--seed 7] [--samples data/samples]

Document ``i`` is sample ``i mod 5`` with, chosen by a random generator seeded from (seed, i):

- its unit names moved to one of Shanghai's 16 districts (上海市房屋管理局 → 上海市徐汇区房屋管理局),
- every project name given the document's own batch number (…补助 → …补助（第一二三批）), so no
  two documents share a form and de-duplication (content hash or dbt's merge of copies) cannot
  shortcut any work,
- every year shifted by the same −2…+2 (fiscal year, dates, 上年 figures stay consistent),
- every amount multiplied by the same whole factor 1…5 (so budget lines still add up, execution
  rates and yuan/万元 stay as printed, weights and scores are left alone),
- 15 % of the documents written in GB18030 and, independently, 15 % with CRLF line ends.

The names and amounts to vary are taken from jixiao's own parse of each sample, not from anything
written here about a particular file. The same (seed, N) always gives byte-identical files.
The run checks itself: every file's hash is distinct, and a few documents per sample are parsed
back and must give the sample's layout, form and indicator counts and its amounts times the
factor.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ingest.decode import decode, split_lines
from ingest.model import Document
from ingest.parse import parse_bytes

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "data" / "samples"
FILES_PER_FOLDER = 500
GB18030_SHARE = 0.15
CRLF_SHARE = 0.15
YEAR_SHIFTS = (-2, -1, 0, 1, 2)
AMOUNT_FACTORS = (1, 2, 3, 4, 5)
DISTRICTS = (
    "黄浦区", "徐汇区", "长宁区", "静安区", "普陀区", "虹口区", "杨浦区", "闵行区",
    "宝山区", "嘉定区", "浦东新区", "金山区", "松江区", "青浦区", "奉贤区", "崇明区",
)  # fmt: skip
CN_DIGITS = "〇一二三四五六七八九"
CHECKS_PER_SAMPLE = 2
MAX_UNSCALED = 0.05

AMOUNT_FIELDS = (
    "budget_total", "budget_current", "prior_year_budget", "prior_year_executed",
    "initial_budget", "full_year_budget", "executed",
)  # fmt: skip
SCORE_FIELDS = ("execution_rate_stated", "total_score")
_NUMBER = re.compile(r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d])")
_YEAR = re.compile(r"20[0-3]\d")
_DISTRICT_PREFIX = re.compile(r"^上海市(?:[^市区]{1,3}(?:新区|区))?")


@dataclass(frozen=True)
class Template:
    """One sample document and what a variant of it may change."""

    name: str
    text: str
    document: Document
    unit_names: tuple[str, ...]  # as printed, longest first
    project_names: tuple[str, ...]
    amounts: frozenset[Decimal]  # values of money figures, in the printed unit
    fixed_lines: frozenset[int]  # 1-based lines holding indicator rows (weights, scores): no scaling


def load_templates(samples: Path) -> list[Template]:
    templates = []
    for path in sorted(p for p in samples.iterdir() if p.is_file() and not p.name.startswith(".")):
        data = path.read_bytes()
        text = decode(data).text
        if text is None:
            continue
        text = "\n".join(split_lines(text.lstrip("\ufeff")))
        document = parse_bytes(data, path.name)
        forms = document.forms
        amounts = {getattr(f, name) for f in forms for name in AMOUNT_FIELDS}
        amounts |= {item.amount for f in forms for item in f.budget_items}
        scores = {getattr(f, name) for f in forms for name in SCORE_FIELDS}
        scores |= {getattr(i, name) for f in forms for i in f.indicators for name in ("weight", "score")}
        templates.append(
            Template(
                name=path.stem,
                text=text,
                document=document,
                unit_names=printed_in(text, (f.unit_name for f in forms)),
                project_names=printed_in(text, (f.project_name for f in forms)),
                amounts=frozenset(a for a in amounts - scores if a),
                fixed_lines=frozenset(i.line_no for f in forms for i in f.indicators),
            )
        )
    if not templates:
        raise SystemExit(f"no sample documents in {samples}")
    return templates


def printed_in(text: str, values) -> tuple[str, ...]:
    """The values (two characters or more) that appear verbatim in ``text``, longest first."""
    return tuple(sorted({v for v in values if v and len(v) >= 2 and v in text}, key=lambda v: (-len(v), v)))


@dataclass(frozen=True)
class Variant:
    index: int
    district: str
    batch: str
    year_shift: int
    factor: int
    encoding: str
    newline: str


def choose(index: int, seed: int, revision: int = 0) -> Variant:
    rng = random.Random(f"jixiao-bench:{seed}:{index}:{revision}")
    batch = "".join(CN_DIGITS[int(d)] for d in str(index + 1 + revision * 1_000_000))
    return Variant(
        index=index,
        district=rng.choice(DISTRICTS),
        batch=f"（第{batch}批）",
        year_shift=rng.choice(YEAR_SHIFTS),
        factor=rng.choice(AMOUNT_FACTORS),
        encoding="gb18030" if rng.random() < GB18030_SHARE else "utf-8",
        newline="\r\n" if rng.random() < CRLF_SHARE else "\n",
    )


def render(template: Template, variant: Variant) -> bytes:
    names = {u: moved_unit(u, variant.district) for u in template.unit_names}
    names.update({p: p + variant.batch for p in template.project_names if p not in names})
    text = template.text
    if names:
        pattern = re.compile("|".join(map(re.escape, sorted(names, key=len, reverse=True))))
        text = pattern.sub(lambda m: names[m.group(0)], text)
    lines = [
        vary_line(line, n in template.fixed_lines, template, variant)
        for n, line in enumerate(text.split("\n"), 1)
    ]
    return variant.newline.join(lines).encode(variant.encoding)


def vary_line(line: str, on_indicator_line: bool, template: Template, variant: Variant) -> str:
    return _NUMBER.sub(lambda m: varied_number(m.group(0), on_indicator_line, template, variant), line)


def moved_unit(unit: str, district: str) -> str:
    if _DISTRICT_PREFIX.match(unit):
        return _DISTRICT_PREFIX.sub("上海市" + district, unit, count=1)
    return district + unit


def varied_number(token: str, on_indicator_line: bool, template: Template, variant: Variant) -> str:
    """A year shifted, an amount scaled (never a weight or score on an indicator row), else as is."""
    if _YEAR.fullmatch(token):
        return str(int(token) + variant.year_shift)
    value = Decimal(token.replace(",", ""))
    if on_indicator_line or variant.factor == 1 or value not in template.amounts:
        return token
    decimals = len(token.split(".", 1)[1]) if "." in token else 0
    new = value * variant.factor
    return f"{new:,.{decimals}f}" if "," in token else f"{new:.{decimals}f}"


def document_path(out_dir: Path, index: int) -> Path:
    return out_dir / f"batch_{index // FILES_PER_FOLDER:03d}" / f"doc_{index:06d}.txt"


def write_document(out_dir: Path, templates: list[Template], index: int, seed: int, revision: int = 0) -> int:
    """Write document ``index`` (``revision`` > 0: a changed version of it); return its size in bytes."""
    data = render(templates[index % len(templates)], choose(index, seed, revision))
    path = document_path(out_dir, index)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return len(data)


def generate(out_dir: Path, n: int, seed: int, samples: Path = SAMPLES) -> dict:
    templates = load_templates(samples)
    self_check(templates, seed)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    hashes: set[str] = set()
    total = 0
    for index in range(n):
        total += write_document(out_dir, templates, index, seed)
        hashes.add(hashlib.sha256(document_path(out_dir, index).read_bytes()).hexdigest())
    if len(hashes) != n:
        raise SystemExit(f"generator bug: {n - len(hashes)} documents are byte-identical to another")
    manifest = {
        "n": n,
        "seed": seed,
        "bytes": total,
        "samples": [t.name for t in templates],
        "forms": sum(len(templates[i % len(templates)].document.forms) for i in range(n)),
        "indicators": sum(
            len(f.indicators) for i in range(n) for f in templates[i % len(templates)].document.forms
        ),
    }
    (out_dir.parent / f"{out_dir.name}.manifest.json").write_text(json.dumps(manifest, indent=2))
    return manifest


def self_check(templates: list[Template], seed: int) -> None:
    """Parse a few variants of every sample back: same layout, forms and indicators, amounts × factor.

    An amount OCR split across two cells (``2,594.8<TAB>4``) is not recognised as an amount and keeps
    its value, so up to MAX_UNSCALED of the amounts checked may stay as they were.
    """
    n_amounts = n_unscaled = 0
    for t, template in enumerate(templates):
        base = template.document
        for k in range(CHECKS_PER_SAMPLE):
            index = t + k * len(templates)
            variant = choose(index, seed)
            parsed = parse_bytes(render(template, variant), f"check_{index}")
            problems = []
            if (parsed.layout, len(parsed.forms)) != (base.layout, len(base.forms)):
                problems.append(f"layout/forms {parsed.layout}/{len(parsed.forms)}")
            for before, after in zip(base.forms, parsed.forms, strict=False):
                if len(before.indicators) != len(after.indicators):
                    problems.append(f"indicators {len(before.indicators)} → {len(after.indicators)}")
                for name in AMOUNT_FIELDS:
                    old, new = getattr(before, name), getattr(after, name)
                    if old in template.amounts:
                        n_amounts += 1
                        n_unscaled += new != old * variant.factor
            if problems:
                raise SystemExit(
                    f"generator self-check failed for a variant of {template.name} ({variant}): "
                    + "; ".join(problems[:5])
                )
    if n_unscaled > MAX_UNSCALED * n_amounts:
        raise SystemExit(f"generator self-check failed: {n_unscaled} of {n_amounts} amounts not scaled")


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(prog="bench.generate", description=__doc__.split("\n\n")[0])
    cli.add_argument("out_dir", type=Path)
    cli.add_argument("--n", type=int, default=2000, help="number of documents (default 2000)")
    cli.add_argument("--seed", type=int, default=7)
    cli.add_argument("--samples", type=Path, default=SAMPLES)
    args = cli.parse_args(argv)
    manifest = generate(args.out_dir, args.n, args.seed, args.samples)
    print(
        f"{manifest['n']} documents, {manifest['bytes'] / 1e6:.1f} MB, "
        f"{manifest['forms']} forms expected, in {args.out_dir}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
