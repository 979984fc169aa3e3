"""Danish number and date conventions, as Python functions and as DuckDB SQL.

The SQL builders validate and cast the whole columns of a raw file in one statement (the
column specs of lib/specs.py; an Excel workbook's cells are first written as the text a Danish
export holds, lib/xlsxfile.py). `parse_decimal` and `parse_date` read one value by the same
patterns, for the tests' hand-computed figures.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

# `1.234.567,89`, `-12,5`, `0,8919`, `42`: optional `.` thousands groups, decimal comma.
DECIMAL_PATTERN = r"^[+-]?([0-9]{1,3}(\.[0-9]{3})+|[0-9]+)(,[0-9]+)?$"
INTEGER_PATTERN = r"^[+-]?([0-9]{1,3}(\.[0-9]{3})+|[0-9]+)$"
DATE_PATTERN = r"^([0-9]{2}-[0-9]{2}-[0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2})$"
MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"

_DECIMAL_RE = re.compile(DECIMAL_PATTERN)
_DATE_RE = re.compile(DATE_PATTERN)


def parse_decimal(text: str) -> Decimal:
    """`1.234.567,89` → Decimal('1234567.89'). Raises ValueError on anything else."""
    cleaned = text.strip()
    if not _DECIMAL_RE.match(cleaned):
        raise ValueError(f"'{text}' is not a Danish decimal number (e.g. 1.234,56)")
    return Decimal(cleaned.replace(".", "").replace(",", "."))


def parse_date(text: str) -> date:
    """`DD-MM-YYYY`, or ISO `YYYY-MM-DD`. Raises ValueError on anything else."""
    cleaned = text.strip()
    if _DATE_RE.match(cleaned):
        fmt = "%Y-%m-%d" if cleaned[4] == "-" else "%d-%m-%Y"
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            pass
    raise ValueError(f"'{text}' is not a date (DD-MM-YYYY or YYYY-MM-DD)")


# --- SQL builders -------------------------------------------------------------------
# Each returns an expression over a VARCHAR column reference `col` (already trimmed,
# empty strings as NULL). `*_error` gives a reason text or NULL.


def sql_quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sql_decimal(col: str, sql_type: str) -> str:
    return f"TRY_CAST(replace(replace({col}, '.', ''), ',', '.') AS {sql_type})"


def sql_decimal_error(col: str, sql_type: str, max_scale: int | None = None) -> str:
    checks = [
        f"WHEN NOT regexp_full_match({col}, '{DECIMAL_PATTERN}') "
        f"THEN 'not a Danish decimal number (e.g. 1.234,56)'",
        f"WHEN {sql_decimal(col, sql_type)} IS NULL THEN 'number out of range'",
    ]
    if max_scale is not None:
        checks.append(
            f"WHEN length(regexp_extract({col}, ',([0-9]+)$', 1)) > {max_scale} "
            f"THEN 'more than {max_scale} decimals'"
        )
    return "CASE " + " ".join(checks) + " END"


def sql_integer(col: str) -> str:
    return f"TRY_CAST(replace({col}, '.', '') AS BIGINT)"


def sql_integer_error(col: str) -> str:
    return (
        f"CASE WHEN NOT regexp_full_match({col}, '{INTEGER_PATTERN}') THEN 'not a whole number' "
        f"WHEN {sql_integer(col)} IS NULL THEN 'number out of range' END"
    )


def sql_date(col: str) -> str:
    return (
        f"CAST(coalesce(try_strptime({col}, '%d-%m-%Y'), try_strptime({col}, '%Y-%m-%d')) AS DATE)"
    )


def sql_date_error(col: str) -> str:
    return (
        f"CASE WHEN NOT regexp_full_match({col}, '{DATE_PATTERN}') "
        f"THEN 'not a date (DD-MM-YYYY or YYYY-MM-DD)' "
        f"WHEN {sql_date(col)} IS NULL THEN 'no such calendar date' END"
    )
