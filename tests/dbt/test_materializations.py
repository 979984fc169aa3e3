"""The project's table and view materializations (dbt/macros/materializations): a model that
fails leaves its previous relation as it was, and a rebuilt one replaces it under its own name
with nothing left beside it.

Built on a small dbt project of its own that uses the same macros, so each way of failing can
be asked for: a query that raises, a row that breaks the contract's primary key, a view that
names a missing column."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from dagster_project.lib.config import DBT_PROJECT_DIR

PROJECT = """
name: materializations
version: "1.0.0"
config-version: 2
profile: materializations
macro-paths: ["macros"]
model-paths: ["models"]
flags:
  send_anonymous_usage_stats: false
"""
PROFILE = """
materializations:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: "{path}"
      threads: 2
"""
# The table's value, and whether it fails, come from variables of each build.
TABLE = """
{{ config(materialized="table") }}
{% if var("fail", "") == "raise" %}
select error('asked to fail')::INTEGER as k, 0 as v
{% elif var("fail", "") == "duplicate" %}
select 1 as k, 0 as v union all select 1 as k, 0 as v
{% else %}
select 1 as k, {{ var("v", 1) }} as v
{% endif %}
"""
VIEW = """
{{ config(materialized="view") }}
select {{ "missing" if var("fail", "") == "view" else "v" }} as v from {{ ref("t") }}
"""
# A view in one build, a table in the next: the old relation is dropped by its own type.
SWITCHING = """
{{ config(materialized=var("s", "view")) }}
select 1 as one
"""
SCHEMA = """
models:
  - name: t
    config:
      contract: {enforced: true}
    columns:
      - name: k
        data_type: integer
        constraints: [{type: primary_key}]
      - name: v
        data_type: integer
"""


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "project"
    (root / "models").mkdir(parents=True)
    shutil.copytree(DBT_PROJECT_DIR / "macros" / "materializations", root / "macros")
    (root / "dbt_project.yml").write_text(PROJECT)
    (root / "profiles.yml").write_text(PROFILE.format(path=tmp_path / "w.duckdb"))
    (root / "models" / "t.sql").write_text(TABLE)
    (root / "models" / "v.sql").write_text(VIEW)
    (root / "models" / "s.sql").write_text(SWITCHING)
    (root / "models" / "schema.yml").write_text(SCHEMA)
    return root


def _build(root: Path, **variables) -> bool:
    from dbt.cli.main import dbtRunner

    args = ["run", "--project-dir", str(root), "--profiles-dir", str(root)]
    args += ["--target-path", str(root / "target"), "--log-path", str(root / "logs")]
    if variables:
        args += ["--vars", repr(variables)]
    return dbtRunner().invoke(args).success


def _state(root: Path) -> tuple[list, list, list]:
    # dbt-duckdb keeps its database open in this process after a command: the same
    # configuration (read-write) is asked for.
    with duckdb.connect(str(root.parent / "w.duckdb")) as con:
        relations = con.execute(
            "SELECT table_name, table_type FROM information_schema.tables "
            "WHERE table_schema = 'main' ORDER BY 1"
        ).fetchall()
        return (
            relations,
            con.execute("SELECT * FROM t").fetchall(),
            con.execute("SELECT * FROM v").fetchall(),
        )


def test_a_failing_model_leaves_its_previous_relation_and_a_rebuild_replaces_it(project):
    assert _build(project)
    built = ([("s", "VIEW"), ("t", "BASE TABLE"), ("v", "VIEW")], [(1, 1)], [(1,)])
    assert _state(project) == built
    for failure in ("raise", "duplicate", "view"):
        assert not _build(project, fail=failure)
        assert _state(project) == built, failure
    assert _build(project, v=2, s="table")
    assert _state(project) == (
        [("s", "BASE TABLE"), ("t", "BASE TABLE"), ("v", "VIEW")],
        [(1, 2)],
        [(2,)],
    )
    assert _build(project, s="view")
    assert _state(project)[0][0] == ("s", "VIEW")
