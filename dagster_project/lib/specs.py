"""Declarative descriptions of the landing files: columns, domains and replace rules.

One `FileSpec` per file pattern of sources.md. The loader (`lib.loader`) turns a spec into
the raw table's DDL, the validation SQL and the replace statement, so the contract lives in
one place per source.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from dagster_project.lib import danish

TEXT, DECIMAL, MONEY, INTEGER, DATE, ENUM, MONTH, PSEUDONYM = (
    "text",
    "decimal",
    "money",
    "integer",
    "date",
    "enum",
    "month",
    "pseudonym",
)
# A pseudonymising transform writes this prefix and the reason where a value was invalid.
INVALID_PREFIX = "invalid: "


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = TEXT
    required: bool = True  # must stand in the header
    nullable: bool = False  # the value may be empty
    values: tuple[str, ...] = ()  # the domain of an ENUM, compared case-insensitively
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    pattern: str | None = None  # a TEXT value must match this regular expression
    pattern_hint: str = ""
    references_organisation: bool = False  # must be a cost centre of raw.organisation
    personal: bool = False  # personal data: never copied into rejected-row reports
    decimal_type: str = "DOUBLE"  # SQL type of a DECIMAL column
    max_decimals: int | None = None  # digits allowed after the decimal comma
    raw_name: str | None = None  # the raw table's name for it, when it differs

    @property
    def stored_as(self) -> str:
        return self.raw_name or self.name

    @property
    def sql_type(self) -> str:
        return {
            TEXT: "VARCHAR",
            ENUM: "VARCHAR",
            MONTH: "VARCHAR",
            PSEUDONYM: "VARCHAR",
            DECIMAL: self.decimal_type,
            MONEY: "DECIMAL(18,2)",
            INTEGER: "BIGINT",
            DATE: "DATE",
        }[self.kind]

    def parsed(self, ref: str) -> str:
        """SQL for the typed value of the trimmed text column `ref`."""
        if self.kind in (DECIMAL, MONEY):
            return danish.sql_decimal(ref, self.sql_type)
        if self.kind == INTEGER:
            return danish.sql_integer(ref)
        if self.kind == DATE:
            return danish.sql_date(ref)
        if self.kind == ENUM:
            quote = danish.sql_quote
            cases = " ".join(f"WHEN {quote(v.upper())} THEN {quote(v)}" for v in self.values)
            return f"CASE upper({ref}) {cases} END"
        return ref

    def error(self, ref: str) -> str:
        """SQL giving the reason a non-empty value breaks the rule, or NULL."""
        if self.kind in (DECIMAL, MONEY):
            scale = 2 if self.kind == MONEY else self.max_decimals
            kind_error = danish.sql_decimal_error(ref, self.sql_type, scale)
        elif self.kind == INTEGER:
            kind_error = danish.sql_integer_error(ref)
        elif self.kind == DATE:
            kind_error = danish.sql_date_error(ref)
        elif self.kind == ENUM:
            allowed = ", ".join(self.values)
            kind_error = f"CASE WHEN {self.parsed(ref)} IS NULL THEN 'not one of {allowed}' END"
        elif self.kind == PSEUDONYM:
            kind_error = (
                f"CASE WHEN starts_with({ref}, '{INVALID_PREFIX}') "
                f"THEN substr({ref}, {len(INVALID_PREFIX) + 1}) END"
            )
        elif self.kind == MONTH:
            kind_error = (
                f"CASE WHEN NOT regexp_full_match({ref}, '{danish.MONTH_PATTERN}') "
                "THEN 'not a month (YYYY-MM)' END"
            )
        else:
            kind_error = "NULL"
        checks = []
        if self.pattern:
            hint = self.pattern_hint or f"does not match {self.pattern}"
            checks.append(
                f"WHEN NOT regexp_full_match({ref}, {danish.sql_quote(self.pattern)}) "
                f"THEN {danish.sql_quote(hint)}"
            )
        value = self.parsed(ref)
        if self.minimum is not None:
            op = "<=" if self.exclusive_minimum else "<"
            word = "above" if self.exclusive_minimum else "at least"
            checks.append(
                f"WHEN {value} {op} {self.minimum} THEN 'must be {word} {self.minimum:g}'"
            )
        if self.maximum is not None:
            checks.append(f"WHEN {value} > {self.maximum} THEN 'must be at most {self.maximum:g}'")
        domain_error = ("CASE " + " ".join(checks) + " END") if checks else "NULL"
        return f"coalesce({kind_error}, {domain_error})"


@dataclass(frozen=True)
class RowRule:
    """A rule over a row's typed values (`t.<column>`) and the file name's fields."""

    column: str
    failing_when: Callable[[dict[str, str]], str]  # SQL condition, true when the row breaks it
    reason: Callable[[dict[str, str]], str]


@dataclass(frozen=True)
class FileColumn:
    """A raw column whose value comes from the file name (e.g. the accounting month)."""

    name: str
    sql_type: str
    value: Callable[[dict[str, str]], str]  # from the file name's fields to a SQL literal


@dataclass(frozen=True)
class FileSpec:
    source: str  # landing sub-folder
    table: str  # raw table in schema raw
    pattern: str  # the file name, with named groups
    columns: tuple[Column, ...]
    slot: Callable[[dict[str, str]], str]  # what a newer file of the same slot replaces
    version: Callable[[dict[str, str]], str]  # newer sorts higher; equal = later delivery wins
    replaces: Callable[[dict[str, str]], str]  # SQL predicate on the raw table's rows
    file_columns: tuple[FileColumn, ...] = ()
    row_rules: tuple[RowRule, ...] = ()
    # Whole-file rules on the typed rows (temp table `typed_<table>`): messages, empty = fine.
    file_rules: tuple[Callable[[object], list[str]], ...] = ()
    loaded_after: tuple[str, ...] = ()  # raw tables this one's rules read
    # Applied to the text columns before anything else sees them (pseudonymisation).
    transform: Callable | None = None
    # More than this share of data rows rejected quarantines the whole file (sources.md).
    max_rejected_share: float = 0.01
    # Set: a file replaces only the raw rows with the same values of these columns.
    replace_keys: tuple[str, ...] = ()
    # Set: the file is a workbook; each sheet spec (source = sheet name) fills its table.
    sheets: tuple[FileSpec, ...] = ()
    # A sheet that may be absent from its workbook: then its table gets no rows.
    optional_sheet: bool = False
    description: str = ""
    _regex: re.Pattern = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_regex", re.compile(self.pattern))

    def match(self, file_name: str) -> dict[str, str] | None:
        found = self._regex.fullmatch(file_name)
        return found.groupdict() if found else None

    @property
    def upstream_tables(self) -> list[str]:
        columns = [c for table in self.sheets or (self,) for c in table.columns]
        refs = ["organisation"] if any(c.references_organisation for c in columns) else []
        return refs + list(self.loaded_after)

    @property
    def personal(self) -> bool:
        return any(c.personal for c in self.columns)

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def optional_columns(self) -> list[str]:
        return [c.name for c in self.columns if not c.required]

    def raw_columns(self) -> list[tuple[str, str]]:
        return (
            [(fc.name, fc.sql_type) for fc in self.file_columns]
            + [(c.stored_as, c.sql_type) for c in self.columns]
            + [("_file_name", "VARCHAR"), ("_file_sha256", "VARCHAR"), ("_line_number", "INTEGER")]
        )

    def ddl(self) -> str:
        if self.sheets:
            raise ValueError("a workbook spec has one table per sheet")
        cols = ", ".join(f"{name} {sql_type}" for name, sql_type in self.raw_columns())
        return f"CREATE TABLE IF NOT EXISTS raw.{self.table} ({cols})"


def extraction_date_literal(fields: dict[str, str]) -> str:
    d = fields["extraction"]
    return f"DATE '{d[:4]}-{d[4:6]}-{d[6:]}'"


def month_literal(fields: dict[str, str]) -> str:
    return f"'{fields['yyyymm'][:4]}-{fields['yyyymm'][4:]}'"


def unique_within_file(table: str, column: str) -> Callable[[object], list[str]]:
    """A file rule: `column` holds each value once; duplicates are named with their lines."""

    def rule(con) -> list[str]:
        rows = con.execute(
            f"SELECT {column}, list(_line_number ORDER BY _line_number) FROM typed_{table} "
            f"WHERE {column} IS NOT NULL GROUP BY 1 HAVING count(*) > 1 ORDER BY 1 LIMIT 10"
        ).fetchall()
        return [
            f"{column} {value} appears on lines {', '.join(map(str, lines))}"
            for value, lines in rows
        ]

    return rule


# The replace rules of sources.md, as the three keyword sets a FileSpec takes.


def newest_snapshot_wins(slot: str) -> dict:
    """A full snapshot: the newest extraction date replaces everything."""
    return {
        "slot": lambda f: slot,
        "version": lambda f: f["extraction"],
        "replaces": lambda f: "true",
    }


def month_replaced(prefix: str, column: str) -> dict:
    """A file per month (name `..._YYYYMM`): a re-delivery replaces that month."""
    return {
        "slot": lambda f: f"{prefix}:{month_literal(f)[1:-1]}",
        "version": lambda f: "",
        "replaces": lambda f: f"{column} = {month_literal(f)}",
    }


def year_replaced(prefix: str, by_extraction: bool = True) -> dict:
    """A file per year (`aar`): the newest extraction, or the latest delivery, replaces it."""
    return {
        "slot": lambda f: f"{prefix}:{f['year']}",
        "version": (lambda f: f["extraction"]) if by_extraction else (lambda f: ""),
        "replaces": lambda f: f"aar = {int(f['year'])}",
    }
