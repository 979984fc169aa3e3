"""CPR numbers become keyed pseudonyms the moment a row is read.

HMAC-SHA256 with MAALBAR_PSEUDONYM_KEY over the ten digits: the same person gets the same
pseudonym in every file and run (turnover counts persons), and without the key no one can
recompute it from a guessed CPR number.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date

import pyarrow as pa

from dagster_project.lib import config
from dagster_project.lib.specs import INVALID_PREFIX

_CPR = re.compile(r"^(\d{2})(\d{2})(\d{2})-?(\d{4})$")


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
    digits = f"{day}{month}{year}{serial}".encode()
    return hmac.new(key, digits, hashlib.sha256).hexdigest()


def pseudonymise_column(column: str):
    """A loader transform replacing `column` of an Arrow table by pseudonyms."""

    def transform(table: pa.Table) -> pa.Table:
        key = config.pseudonym_key()
        if key is None:
            raise MissingKey(
                "MAALBAR_PSEUDONYM_KEY is not set: HR files hold CPR numbers and are only "
                "loaded with the pseudonymisation key (set it in the environment of the run)"
            )
        values = [pseudonymise_value(v, key) for v in table.column(column).to_pylist()]
        index = table.schema.get_field_index(column)
        return table.set_column(index, column, pa.array(values, pa.string()))

    return transform
