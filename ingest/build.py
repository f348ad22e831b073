"""Run dbt on a warehouse file through dbt's Python entry point."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]


def run_dbt(args: list[str], db_path: Path) -> bool:
    """`dbt <args>` against db_path with this repository's project and profiles; True on success."""
    from dbt.cli.main import dbtRunner  # imported late: dbt is slow to import and only build needs it

    os.environ["JIXIAO_DB"] = str(Path(db_path).resolve())
    result = dbtRunner().invoke(
        [*args, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
    )
    return bool(result.success)
