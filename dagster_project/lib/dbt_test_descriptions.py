"""What a dbt data test checks, in a line, for the asset check it becomes in Dagster.

The test's own `description` wins; a generic test without one is described from its
arguments (`not_null_columns on stg_x: columns a, b must have a value`), a singular test from
the comment that opens its SQL file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

REF = re.compile(r"""(?:ref|source)\(\s*(?:['"][^'"]+['"]\s*,\s*)?['"]([^'"]+)['"]""")
CONFIG_BLOCK = re.compile(r"^\s*\{\{\s*config\(.*?\)\s*\}\}", re.DOTALL)


def describe_test(test: Mapping[str, Any], manifest: Mapping[str, Any]) -> str | None:
    """The description of the dbt test node `test`; None only for a singular test that has
    neither a description nor an opening comment."""
    own = (test.get("description") or "").strip()
    own = own or str((test.get("config", {}).get("meta") or {}).get("description") or "").strip()
    if own:
        return own
    metadata = test.get("test_metadata")
    if metadata:
        text = _generic(metadata["name"], metadata.get("kwargs") or {}, _tested(test, manifest))
    else:
        text = _opening_comment(test.get("raw_code") or "")
    if text is None:
        return None
    config = test.get("config") or {}
    if config.get("where"):
        text += f" (rows where {config['where']})"
    if str(config.get("severity") or "error").lower() == "warn":
        text = f"{text.rstrip('.')}. Warns only: the run still publishes."
    return text


def _generic(name: str, kwargs: Mapping[str, Any], model: str) -> str:
    column = kwargs.get("column_name")
    if name == "not_null":
        return f"not_null on {model}: column {column} must have a value"
    if name == "not_null_columns":
        columns = ", ".join(kwargs["columns"])
        return f"not_null_columns on {model}: columns {columns} must have a value"
    if name == "unique":
        return f"unique on {model}: no two rows share a value of column {column}"
    if name == "unique_combination_of_columns":
        columns = ", ".join(kwargs["combination_of_columns"])
        return f"unique_combination_of_columns on {model}: no two rows share ({columns})"
    if name == "accepted_values":
        values = ", ".join(str(value) for value in kwargs["values"])
        return f"accepted_values on {model}: column {column} in {{{values}}}"
    if name == "relationships":
        parent = f"{_name_in(str(kwargs['to']))}.{kwargs['field']}"
        return f"relationships on {model}: every {column} is found in {parent}"
    arguments = ", ".join(f"{key} {value}" for key, value in kwargs.items() if key != "model")
    return f"{name} on {model}" + (f": {arguments}" if arguments else "")


def _tested(test: Mapping[str, Any], manifest: Mapping[str, Any]) -> str:
    """The name of the model, seed or source table the test is attached to."""
    attached = test.get("attached_node") or ""
    node = manifest.get("nodes", {}).get(attached) or manifest.get("sources", {}).get(attached)
    if node:
        return node["name"]
    model = str((test.get("test_metadata") or {}).get("kwargs", {}).get("model", ""))
    return _name_in(model)


def _name_in(jinja: str) -> str:
    """`ref('dim_kpi')` or `source('raw', 'organisation')` -> its relation's name."""
    found = REF.search(jinja)
    return found.group(1) if found else jinja


def _opening_comment(sql: str) -> str | None:
    """The `--` comment lines that open a singular test, after its config block, as one line."""
    lines = CONFIG_BLOCK.sub("", sql, count=1).strip().splitlines()
    comment = []
    for line in lines:
        if not line.strip().startswith("--"):
            break
        comment.append(line.strip().removeprefix("--").strip())
    return " ".join(comment) or None
