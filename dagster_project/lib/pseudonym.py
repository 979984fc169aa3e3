"""CPR numbers become keyed pseudonyms the moment a row is read.

HMAC-SHA256 with MAALBAR_PSEUDONYM_KEY over the ten digits: the same person gets the same
pseudonym in every file and run (turnover counts persons), and without the key no one can
recompute it from a guessed CPR number.

The same pseudonyms replace the CPR numbers in the kept copy of an HR file
(`lib/rawcopy.py`), so that the copy and the warehouse agree row for row. A CPR number that
stands in another column of an HR file (a swapped column, a note in a text field) is
replaced by its pseudonym too, wherever it is read or kept. Messages (reasons, warnings,
logs) never carry one: `mask_cpr` writes `[CPR]` in its place.
"""

from __future__ import annotations

import hmac
import re
from datetime import date

import pyarrow as pa

from dagster_project.lib import config
from dagster_project.lib.specs import INVALID_PREFIX

_CPR = re.compile(r"^(\d{2})(\d{2})(\d{2})-?(\d{4})$")
# A CPR number inside a text: a standalone token of ten digits, optionally with '-' after
# the sixth (published.md), whose first six digits are a date. A pseudonym (64 hex
# characters) never holds one: its digit runs stand between letters or digits.
CPR_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{2})(\d{2})(\d{2})-?(\d{4})(?![0-9A-Za-z])")
_CPR_IN_TEXT_ARROW = r"(^|[^0-9A-Za-z])[0-9]{6}-?[0-9]{4}($|[^0-9A-Za-z])"
# What a message says in place of a CPR number.
CPR_MASK = "[CPR]"
# A kept copy's CPR column holds this (a pseudonym) or INVALID_PREFIX and the reason.
PSEUDONYM_PATTERN = re.compile(r"^[0-9a-f]{64}$")


class MissingKey(Exception):
    pass


def _birth_date_valid(day: int, month: int, year: int) -> bool:
    # The century sits in the serial digits; a date valid in either century is accepted.
    for century in (1900, 2000):
        try:
            date(century + year, month, day)
            return True
        except ValueError:
            continue
    return False


def key_or_refuse() -> bytes:
    key = config.pseudonym_key()
    if key is None:
        raise MissingKey(
            "MAALBAR_PSEUDONYM_KEY is not set: HR files hold CPR numbers and are only "
            "loaded with the pseudonymisation key (set it in the environment of the run)"
        )
    return key


def _digest(digits: str, key: bytes) -> str:
    # hmac.digest: the one-shot HMAC in C, some five times faster than an hmac.new object.
    return hmac.digest(key, digits.encode(), "sha256").hex()


def pseudonymise_value(cpr: str | None, key: bytes) -> str | None:
    """The pseudonym, or INVALID_PREFIX + reason. Never returns the CPR number."""
    if cpr is None or not cpr.strip():
        return None
    found = _CPR.match(cpr.strip())
    if not found:
        return INVALID_PREFIX + "not a CPR number (DDMMYY-SSSS or DDMMYYSSSS)"
    day, month, year, serial = found.groups()
    if not _birth_date_valid(int(day), int(month), int(year)):
        return INVALID_PREFIX + "the first six digits of the CPR number are not a date"
    return _digest(f"{day}{month}{year}{serial}", key)


def kept_value(value: str | None) -> str | None:
    """A CPR cell of a kept copy as the loader takes it: already a pseudonym, or an invalid
    value's reason. Anything else is no pseudonym, and is rejected like a bad CPR number."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if PSEUDONYM_PATTERN.match(value) or value.startswith(INVALID_PREFIX):
        return value
    return INVALID_PREFIX + "not a pseudonym (the kept copy was changed)"


def pseudonymise_text(text: str, key: bytes) -> str:
    """`text` with every CPR number in it replaced by its pseudonym."""

    def replace(found: re.Match) -> str:
        day, month, year, serial = found.groups()
        if not _birth_date_valid(int(day), int(month), int(year)):
            return found.group(0)  # ten digits, but not a CPR number
        return _digest(f"{day}{month}{year}{serial}", key)

    return CPR_IN_TEXT.sub(replace, text)


def mask_cpr(text: str | None) -> str | None:
    """A message without CPR numbers: each one reads `[CPR]`."""
    if not text:
        return text

    def replace(found: re.Match) -> str:
        day, month, year, _ = found.groups()
        return CPR_MASK if _birth_date_valid(int(day), int(month), int(year)) else found.group(0)

    return CPR_IN_TEXT.sub(replace, text)


def _pseudonymise_other_columns(table: pa.Table, skip: set[str], key: bytes) -> pa.Table:
    """Every CPR number in the text columns but `skip` replaced by its pseudonym. Arrow finds
    the few cells that may hold one; only those pass through Python."""
    import pyarrow.compute as pc  # here: a run with nothing new never needs it (some 30 ms)

    for index, name in enumerate(table.column_names):
        column = table.column(index)
        if name in skip or not pa.types.is_string(column.type):
            continue
        shaped = pc.match_substring_regex(column, _CPR_IN_TEXT_ARROW)
        if not pc.any(shaped).as_py():
            continue
        values = [
            pseudonymise_text(value, key) if value is not None and hit else value
            for value, hit in zip(column.to_pylist(), shaped.to_pylist(), strict=True)
        ]
        table = table.set_column(index, name, pa.array(values, pa.string()))
    return table


def pseudonymise_column(column: str, kept: bool = False, memo: dict | None = None):
    """A loader transform replacing `column` of an Arrow table by pseudonyms, and every CPR
    number in the file's other text columns by its pseudonym. kept: the table is read from a
    kept copy, whose `column` holds pseudonyms already (`kept_value`). memo: value ->
    pseudonym, shared with whoever pseudonymises the same values again."""
    memo = {} if memo is None else memo

    def pseudonym(value: str | None, key: bytes) -> str | None:
        if value not in memo:
            memo[value] = pseudonymise_value(value, key)
        return memo[value]

    def transform(table: pa.Table) -> pa.Table:
        key = key_or_refuse()
        index = table.schema.get_field_index(column)
        raw = table.column(index).to_pylist()
        values = [kept_value(v) for v in raw] if kept else [pseudonym(v, key) for v in raw]
        table = table.set_column(index, column, pa.array(values, pa.string()))
        return _pseudonymise_other_columns(table, {column, "_line_number"}, key)

    return transform
