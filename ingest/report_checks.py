"""The report's sections that check the forms: self-evaluation scores, target drift, data quality."""

from __future__ import annotations

import duckdb

from .report_html import Column, Section, Table, chart_values, rows_of


def self_eval_scores(con: duckdb.DuckDBPyConnection) -> Section:
    import altair as alt

    rows = rows_of(
        con,
        """
        select unit_name, fiscal_year, coalesce(project_name, '（未印项目名称）') as project_name,
            total_score_stated, total_score_computed, total_score_gap, grade_stated, grade_implied,
            n_missed, n_score_without_achievement, n_marked_down_when_achieved, mismatches,
            source_file, source_line
        from marts.fct_self_eval_scores
        order by source_file, source_line
        """,
    )
    points = []
    for row in chart_values(rows):
        label = f"{row['project_name']}（第 {row['source_line']} 行）"
        for kind, key in (("填报总分", "total_score_stated"), ("复算总分", "total_score_computed")):
            if row[key] is not None:
                points.append({"label": label, "kind": kind, "score": row[key]})
    chart = (
        alt.Chart(alt.Data(values=points))
        .mark_point(filled=True, size=70)
        .encode(
            x=alt.X("score:Q", title="总分", scale=alt.Scale(zero=False)),
            y=alt.Y("label:N", title="自评表", sort=None),
            color=alt.Color("kind:N", title=""),
            shape=alt.Shape("kind:N", title=""),
        )
        .properties(width=420)
    )
    table = Table(
        [
            Column("unit_name", "单位名称"),
            Column("fiscal_year", "年度"),
            Column("project_name", "项目名称"),
            Column("total_score_stated", "总分（填报）", "score"),
            Column("total_score_computed", "总分（复算）", "score"),
            Column("total_score_gap", "差异", "score"),
            Column("grade_stated", "等级（填报）"),
            Column("grade_implied", "等级（按分数）"),
            Column("n_missed", "未达成指标", "int"),
            Column("n_score_without_achievement", "未达成仍满分", "int"),
            Column("n_marked_down_when_achieved", "达成仍扣分", "int"),
            Column("mismatches", "不符项"),
            Column("source_file", "来源文件"),
            Column("source_line", "来源行"),
        ],
        rows,
    )
    return Section(
        "self_eval_scores",
        "自评分数核查",
        "每份自评表：填报的总分与 Σ得分 + 预算执行率得分（执行率 × 分值）的复算值，等级是否与分数相符"
        "（优 ≥ 90，良 80–90，中 60–80，差 < 60），未达成仍满分、达成仍扣分的指标（fct_self_eval_scores）。"
        "总分未填报的自评表只有复算值。",
        table,
        chart.to_dict(),
        "没有自评表。",
    )


DRIFT_LABELS = {
    "n_kept": "保持",
    "n_loosened": "放宽",
    "n_tightened": "收紧",
    "n_changed": "变更",
    "n_dropped": "删除",
    "n_added": "新增",
}


def target_drift(con: duckdb.DuckDBPyConnection) -> Section:
    import altair as alt

    rows = rows_of(
        con,
        """
        select unit_name, fiscal_year, project_name, n_target_indicators, n_self_eval_indicators,
            n_kept, n_loosened, n_tightened, n_changed, n_dropped, n_added, n_renamed, kept_rate
        from marts.agg_project_target_drift
        order by unit_name, fiscal_year, project_name
        """,
    )
    bars = [
        {"label": f"{row['project_name']}（{row['fiscal_year']}）", "status": label, "n": row[key]}
        for row in rows
        for key, label in DRIFT_LABELS.items()
        if row[key]
    ]
    chart = (
        alt.Chart(alt.Data(values=bars))
        .mark_bar()
        .encode(
            x=alt.X("n:Q", title="指标数"),
            y=alt.Y("label:N", title="项目（年度）"),
            color=alt.Color("status:N", title="目标变化", sort=list(DRIFT_LABELS.values())),
        )
        .properties(width=520)
    )
    columns = [
        Column("unit_name", "单位名称"),
        Column("fiscal_year", "年度"),
        Column("project_name", "项目名称"),
        Column("n_target_indicators", "目标表指标数", "int"),
        Column("n_self_eval_indicators", "自评表指标数", "int"),
        *[Column(key, label, "int") for key, label in DRIFT_LABELS.items()],
        Column("n_renamed", "改名", "int"),
        Column("kept_rate", "保持率", "rate"),
    ]
    return Section(
        "target_drift",
        "目标变化",
        "同一项目同一年度既有目标表又有自评表时，自评表是否沿用目标表的指标值：保持、放宽、收紧、变更、删除、新增"
        "（agg_project_target_drift，逐条见 fct_target_drift）。",
        Table(columns, rows),
        chart.to_dict(),
        "仓库中没有同一项目同一年度同时有目标表和自评表的情况。",
    )


def data_quality(con: duckdb.DuckDBPyConnection) -> Section:
    import altair as alt

    rows = rows_of(
        con,
        """
        select severity, code, count(*) as n_issues, count(distinct document_id) as n_documents
        from raw.parse_issues
        group by severity, code
        order by case severity when 'error' then 0 when 'warning' then 1 else 2 end, n_issues desc, code
        """,
    )
    severity = {"error": "错误", "warning": "警告", "info": "提示"}
    for row in rows:
        row["severity"] = severity.get(row["severity"], row["severity"])
    chart = (
        alt.Chart(alt.Data(values=chart_values(rows)))
        .mark_bar()
        .encode(
            x=alt.X("n_issues:Q", title="问题数"),
            y=alt.Y("code:N", title="问题代码", sort="-x"),
            color=alt.Color(
                "severity:N",
                title="严重程度",
                scale=alt.Scale(domain=["错误", "警告", "提示"], range=["#c0392b", "#e67e22", "#95a5a6"]),
            ),
        )
        .properties(width=520)
    )
    table = Table(
        [
            Column("severity", "严重程度"),
            Column("code", "问题代码"),
            Column("n_issues", "问题数", "int"),
            Column("n_documents", "文档数", "int"),
        ],
        rows,
    )
    return Section(
        "data_quality",
        "数据质量",
        "解析时记录的问题（raw.parse_issues，每条有说明和行号），以及 dbt 数据测试找到的行（test_failures 模式，"
        "每个测试一张表）。",
        table,
        chart.to_dict(),
        "没有解析问题。",
        [("dbt 数据测试：找到行的测试", test_failures(con))],
    )


def test_failures(con: duckdb.DuckDBPyConnection) -> Table:
    names = [
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'test_failures' order by 1"
        ).fetchall()
    ]
    rows = []
    for name in names:
        quoted = '"' + name.replace('"', '""') + '"'
        (n,) = con.execute(f"select count(*) from test_failures.{quoted}").fetchone()
        if n:
            rows.append({"test": name, "n_rows": n})
    return Table([Column("test", "测试"), Column("n_rows", "找到的行数", "int")], rows)
