"""`jixiao report`: one self-contained HTML page over the marts, for an analyst to read.

Each section is one query over the marts (or raw.parse_issues and test_failures for data quality),
a chart of it and the same rows as a table. The page is written whole under a temporary name and
renamed into place, like the exports.
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path

import duckdb

from .export import ExportError, open_warehouse
from .report_html import Column, Section, Table, chart_values, render_page, rows_of

TITLE = "预算绩效数据报告"


def has_table(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, name],
        ).fetchone()[0]
    )


# --- sections ------------------------------------------------------------------------------------


def overview(con: duckdb.DuckDBPyConnection) -> Section:
    (row,) = rows_of(
        con,
        """
        select
            (select count(*) from raw.documents) as n_documents,
            (select count(*) from raw.documents where status = 'partial') as n_partial,
            (select count(*) from raw.documents where status = 'failed') as n_failed,
            (select count(*) from marts.fct_form_quality) as n_forms_printed,
            (select count(*) from marts.fct_form_quality where is_used_in_marts) as n_forms,
            (select count(*) from marts.fct_form_quality where is_used_in_marts and form_type = 'target')
                as n_target_forms,
            (select count(*) from marts.fct_form_quality where is_used_in_marts and form_type = 'self_eval')
                as n_self_eval_forms,
            (select count(*) from marts.dim_units) as n_units,
            (select count(*) from marts.dim_projects) as n_projects,
            (select string_agg(distinct cast(fiscal_year as varchar), '、' order by cast(fiscal_year as varchar))
                from marts.fct_form_quality where fiscal_year is not null) as years,
            (select count(*) from marts.fct_indicators) as n_indicators,
            (select count(*) from raw.parse_issues where severity = 'error') as n_errors,
            (select count(*) from raw.parse_issues where severity = 'warning') as n_warnings,
            (select count(*) from raw.parse_issues where severity = 'info') as n_infos
        """,
    )
    items = [
        ("文档", row["n_documents"], f"部分解析 {row['n_partial']}，解析失败 {row['n_failed']}"),
        ("表格（去重后）", row["n_forms"], f"目标表 {row['n_target_forms']}，自评表 {row['n_self_eval_forms']}；"
         f"各文档中共印 {row['n_forms_printed']} 份"),
        ("单位", row["n_units"], ""),
        ("项目", row["n_projects"], "跨年度、跨文档合并后"),
        ("年度", None, row["years"] or "—"),
        ("绩效指标", row["n_indicators"], ""),
        ("解析问题", row["n_errors"] + row["n_warnings"] + row["n_infos"],
         f"错误 {row['n_errors']}，警告 {row['n_warnings']}，提示 {row['n_infos']}"),
    ]  # fmt: skip
    table = Table(
        [Column("item", "项目"), Column("count", "数量", "int"), Column("note", "说明")],
        [{"item": item, "count": count, "note": note} for item, count, note in items],
    )
    return Section("overview", "概览", "仓库里有什么：文档、表格、单位、年度和解析问题。", table)


def unit_yoy(con: duckdb.DuckDBPyConnection) -> Section:
    import altair as alt

    rows = rows_of(
        con,
        """
        select unit_name, fiscal_year, n_comparable_projects, comparable_current_budget_yuan,
            comparable_prior_year_budget_yuan, comparable_yoy_delta_yuan, comparable_yoy_delta_rate
        from marts.agg_unit_rollup
        where n_comparable_projects > 0
        order by fiscal_year, comparable_yoy_delta_yuan, unit_name
        """,
    )
    values = [
        {
            **v,
            "label": f"{v['unit_name']}（{v['fiscal_year']}）",
            "delta_wan": v["comparable_yoy_delta_yuan"] / 1e4,
        }
        for v in chart_values(rows)
    ]
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            x=alt.X("delta_wan:Q", title="可比项目预算同比变化（万元）"),
            y=alt.Y("label:N", title="单位（年度）", sort=None),
            color=alt.condition("datum.delta_wan < 0", alt.value("#c0392b"), alt.value("#2e86c1")),
            tooltip=[
                alt.Tooltip("label:N", title="单位"),
                alt.Tooltip("delta_wan:Q", title="万元", format=",.2f"),
            ],
        )
        .properties(width=620)
    )
    table = Table(
        [
            Column("unit_name", "单位名称"),
            Column("fiscal_year", "年度"),
            Column("n_comparable_projects", "可比项目数", "int"),
            Column("comparable_current_budget_yuan", "可比项目当年预算（元）", "money"),
            Column("comparable_prior_year_budget_yuan", "可比项目上年预算（元）", "money"),
            Column("comparable_yoy_delta_yuan", "同比变化（元）", "money"),
            Column("comparable_yoy_delta_rate", "同比变化率", "rate"),
        ],
        rows,
    )
    return Section(
        "unit_yoy",
        "单位预算同比",
        "各单位当年与上年预算都填报的项目（可比项目）的预算变化（agg_unit_rollup）。红色为减少。",
        table,
        chart.to_dict(),
        "没有可比项目。",
    )


def execution(con: duckdb.DuckDBPyConnection) -> Section:
    import altair as alt

    rows = rows_of(
        con,
        """
        with rates as (
            select '当年执行率（自评表）' as kind, execution_rate as rate
            from marts.fct_execution where execution_rate is not null
            union all
            select '上年执行率（目标表）', prior_year_execution_rate
            from marts.fct_execution where prior_year_execution_rate is not null
        ),
        binned as (
            select kind, least(greatest(floor(rate * 10), 4), 10) as bin from rates
        )
        select
            kind,
            cast(bin as integer) as bin,
            case when bin = 4 then '< 50%' when bin = 10 then '≥ 100%'
                else format('{}–{}%', cast(bin * 10 as integer), cast(bin * 10 + 10 as integer)) end as bin_label,
            count(*) as n_projects
        from binned
        group by all
        order by kind, bin
        """,
    )
    order = ["< 50%", *[f"{b * 10}–{b * 10 + 10}%" for b in range(5, 10)], "≥ 100%"]
    chart = (
        alt.Chart(alt.Data(values=chart_values(rows)))
        .mark_bar()
        .encode(
            x=alt.X("bin_label:N", title="执行率", sort=order),
            y=alt.Y("n_projects:Q", title="项目数"),
            color=alt.Color("kind:N", title="口径"),
            xOffset="kind:N",
        )
        .properties(width=520, height=260)
    )
    table = Table(
        [Column("kind", "口径"), Column("bin_label", "执行率区间"), Column("n_projects", "项目数", "int")],
        rows,
    )
    return Section(
        "execution",
        "执行率分布",
        "项目的预算执行率：自评表的全年执行数 / 全年预算数，目标表的上年预算执行数 / 上年预算额（fct_execution）。",
        table,
        chart.to_dict(),
        "没有执行率。",
    )


def coverage(con: duckdb.DuckDBPyConnection) -> Section:
    import altair as alt

    rows = rows_of(
        con,
        """
        select
            cast(fiscal_year as varchar) || case form_type when 'target' then ' 目标表' else ' 自评表' end
                as year_form,
            canonical_level1 || ' / ' || canonical_level2 as category,
            fiscal_year, form_type, canonical_level1, canonical_level2,
            n_projects_total, n_projects_covered, coverage_rate
        from marts.agg_indicator_coverage
        order by fiscal_year, form_type, canonical_level1, canonical_level2
        """,
    )
    chart = (
        alt.Chart(alt.Data(values=chart_values(rows)))
        .mark_rect()
        .encode(
            x=alt.X("year_form:N", title="年度 · 表格类型"),
            y=alt.Y("category:N", title="一级 / 二级指标"),
            color=alt.Color(
                "coverage_rate:Q", title="覆盖率", scale=alt.Scale(domain=[0, 1], scheme="blues")
            ),
            tooltip=[alt.Tooltip("category:N"), alt.Tooltip("coverage_rate:Q", format=".0%")],
        )
        .properties(width=alt.Step(70), height=alt.Step(16))
    )
    table = Table(
        [
            Column("fiscal_year", "年度"),
            Column("form_type", "表格类型"),
            Column("canonical_level1", "一级指标"),
            Column("canonical_level2", "二级指标"),
            Column("n_projects_total", "项目数", "int"),
            Column("n_projects_covered", "有该类指标的项目数", "int"),
            Column("coverage_rate", "覆盖率", "rate"),
        ],
        rows,
    )
    return Section(
        "coverage",
        "指标覆盖热力图",
        "每个年度、每种表格中，有至少一个该一级 / 二级指标的项目占比（agg_indicator_coverage）。",
        table,
        chart.to_dict(),
        "没有指标。",
    )


def quantified(con: duckdb.DuckDBPyConnection) -> Section:
    import altair as alt

    rows = rows_of(
        con,
        """
        select unit_name, fiscal_year, n_indicators, quantitative_rate
        from marts.agg_unit_rollup
        where n_indicators > 0
        order by quantitative_rate desc, unit_name, fiscal_year
        """,
    )
    values = [{**v, "label": f"{v['unit_name']}（{v['fiscal_year']}）"} for v in chart_values(rows)]
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar(color="#27ae60")
        .encode(
            x=alt.X(
                "quantitative_rate:Q",
                title="定量指标占比",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            y=alt.Y("label:N", title="单位（年度）", sort=None),
        )
        .properties(width=520)
    )
    table = Table(
        [
            Column("unit_name", "单位名称"),
            Column("fiscal_year", "年度"),
            Column("n_indicators", "指标数", "int"),
            Column("quantitative_rate", "定量指标占比", "rate"),
        ],
        rows,
    )
    return Section(
        "quantified",
        "定量指标占比",
        "各单位的指标中，目标值能读出数字（比较符、数值、单位）的比例（agg_unit_rollup）。",
        table,
        chart.to_dict(),
        "没有指标。",
    )


# --- the page ------------------------------------------------------------------------------------

REQUIRED = (("raw", "documents"), ("raw", "parse_issues"), ("marts", "fct_self_eval_scores"),
            ("marts", "agg_project_target_drift"), ("marts", "agg_unit_rollup"))  # fmt: skip


def build_report(con: duckdb.DuckDBPyConnection) -> tuple[str, list[Section]]:
    """The page's HTML and its sections."""
    from .report_checks import data_quality, self_eval_scores, target_drift

    missing = [f"{schema}.{name}" for schema, name in REQUIRED if not has_table(con, schema, name)]
    if missing:
        raise ExportError(f"the warehouse has no {', '.join(missing)}: run `jixiao build` first")
    sections = [
        overview(con),
        unit_yoy(con),
        execution(con),
        coverage(con),
        quantified(con),
        self_eval_scores(con),
        target_drift(con),
        data_quality(con),
    ]
    subtitle = f"由 jixiao 根据仓库中的数据集市生成，{datetime.now():%Y-%m-%d %H:%M}。金额单位：元；比率以百分比显示。"
    return render_page(TITLE, subtitle, sections), sections


def write_report(db_path: Path, out: Path) -> list[Section]:
    """Write the report to out (whole or not at all); ExportError when the warehouse cannot be read."""
    with open_warehouse(db_path) as con:
        page, sections = build_report(con)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(page)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return sections
