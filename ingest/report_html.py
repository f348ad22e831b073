"""The report's page: sections of a heading, a chart rendered to inline SVG and the chart's table.

Charts are Vega-Lite specs (built with altair) rendered to SVG by vl-convert in this process, so
the page holds no script, loads nothing and opens offline. Every chart sits in a
``<figure class="chart" data-chart=KEY>`` followed by its ``<table data-table=KEY>``; each table
cell keeps the exact value in ``data-value`` (a Decimal's digits, a rate's fraction) beside the
text a person reads, so a test can compare the page with the mart.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

# Fonts with Chinese glyphs, in the order a browser should try them (the SVG's text uses these too).
FONTS = '"Noto Sans CJK SC", "WenQuanYi Micro Hei", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'
CHART_CONFIG = {
    "font": FONTS,
    "axis": {"labelFontSize": 11, "titleFontSize": 12, "labelLimit": 260},
    "legend": {"labelFontSize": 11, "titleFontSize": 12},
    "view": {"stroke": None},
}


@dataclass
class Column:
    name: str  # the row's key
    label: str  # the header a person reads (Chinese)
    kind: str = "text"  # text / int / money (yuan, 2 decimals) / rate (a fraction, shown as %) / score


@dataclass
class Table:
    columns: list[Column]
    rows: list[dict[str, Any]]


@dataclass
class Section:
    key: str
    title: str
    intro: str
    table: Table
    chart: dict | None = None  # a Vega-Lite spec; None for a table-only section
    empty_message: str = ""  # shown instead of the chart when the table has no row
    extra_tables: list[tuple[str, Table]] = field(default_factory=list)


def rows_of(con: Any, sql: str) -> list[dict[str, Any]]:
    """A query's rows as dicts (con: a DuckDB connection)."""
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def chart_values(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows as Vega-Lite data: Decimals become floats (drawing only; the tables keep the digits)."""
    return [{k: float(v) if isinstance(v, Decimal) else v for k, v in row.items()} for row in rows]


def exact(value: Any) -> str:
    """The value as data-value keeps it: Decimals in their digits, everything else as str."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def shown(value: Any, kind: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if kind == "money":
        return f"{Decimal(value):,.2f}"
    if kind == "rate":
        return f"{float(value) * 100:.2f}%"
    if kind == "int":
        return f"{int(value):,}"
    if kind == "score":
        return f"{Decimal(value):.2f}"
    if isinstance(value, list):
        return "；".join(str(v) for v in value) or "—"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def render_table(key: str, table: Table, caption: str = "") -> str:
    head = "".join(f"<th>{html.escape(c.label)}</th>" for c in table.columns)
    body = []
    for row in table.rows:
        cells = []
        for c in table.columns:
            value = row.get(c.name)
            numeric = ' class="num"' if c.kind in ("int", "money", "rate", "score") else ""
            cells.append(
                f'<td data-column="{html.escape(c.name)}" data-value="{html.escape(exact(value))}"{numeric}>'
                f"{html.escape(shown(value, c.kind))}</td>"
            )
        body.append("<tr>" + "".join(cells) + "</tr>")
    if not body:
        body.append(f'<tr><td colspan="{len(table.columns)}" class="empty">（无数据）</td></tr>')
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (
        f'<table class="data" data-table="{html.escape(key)}">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def render_chart(spec: dict) -> str:
    import vl_convert

    spec = {**spec, "config": {**CHART_CONFIG, **spec.get("config", {})}}
    return vl_convert.vegalite_to_svg(spec)


def render_section(section: Section) -> str:
    parts = [f'<section id="{section.key}"><h2>{html.escape(section.title)}</h2>']
    parts.append(f'<p class="intro">{html.escape(section.intro)}</p>')
    if section.chart is not None and section.table.rows:
        parts.append(
            f'<figure class="chart" data-chart="{section.key}">{render_chart(section.chart)}</figure>'
        )
    elif section.empty_message:
        parts.append(f'<p class="empty">{html.escape(section.empty_message)}</p>')
    parts.append(render_table(section.key, section.table))
    for caption, table in section.extra_tables:
        parts.append(render_table(f"{section.key}_{len(parts)}", table, caption))
    parts.append("</section>")
    return "\n".join(parts)


STYLE = f"""
body {{ font-family: {FONTS}; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1d2733; }}
h1 {{ font-size: 1.6rem; }} h2 {{ font-size: 1.25rem; border-bottom: 1px solid #d0d7de; padding-bottom: .3rem; }}
nav a {{ margin-right: 1rem; }} .intro {{ color: #444; }} .empty {{ color: #777; }}
figure.chart {{ margin: 1rem 0; overflow-x: auto; }}
table.data {{ border-collapse: collapse; margin: .5rem 0 1.5rem; font-size: .85rem; }}
table.data th, table.data td {{ border: 1px solid #d0d7de; padding: .2rem .5rem; vertical-align: top; }}
table.data th {{ background: #f3f5f7; }} td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
caption {{ text-align: left; font-weight: bold; padding: .3rem 0; }}
"""


def render_page(title: str, subtitle: str, sections: list[Section]) -> str:
    nav = "".join(f'<a href="#{s.key}">{html.escape(s.title)}</a>' for s in sections)
    body = "\n".join(render_section(s) for s in sections)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>\n"
        f"<body><h1>{html.escape(title)}</h1><p>{html.escape(subtitle)}</p><nav>{nav}</nav>\n{body}\n"
        "</body></html>\n"
    )
