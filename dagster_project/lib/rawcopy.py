"""The copies Maalbar keeps of the files it reads, under `$MAALBAR_DATA_DIR/raw` and
`quarantine`.

A file without CPR numbers is kept as delivered. A file with a CPR column (the employment
snapshot) is kept as delivered with each CPR value replaced by its pseudonym (an invalid
value by the loader's reason for rejecting it), and every other byte as it was: encoding,
byte order mark, delimiters, quoting and line endings. The copy's rows then stand on the
same lines as in the delivered file, so an auditor and `maalbar explain` find a row by its
line, and reading the copy gives the rows the warehouse has. The ledger keeps the SHA-256 of
the delivered file (what the source system can match) and of the kept copy
(`raw_copy_sha256`). A file with a CPR column that cannot be parsed is not kept at all: only
its name, hash and reason.

The retention period trims the copies (`trim`): a row that is deleted from the warehouse
becomes an empty line in the copy (a row spanning several lines, as many empty lines), so
that every other row keeps its line number; a copy left without rows is removed.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from dagster_project.lib import pseudonym
from dagster_project.lib.csvfile import (
    LINE_COLUMN,
    CsvTable,
    FileRejected,
    decode,
    read_header,
    read_table,
)
from dagster_project.lib.specs import FileSpec

_BREAK = re.compile(r"(\r\n|\n|\r)")
# One field as the csv module reads it: quoted (with "" inside, and anything after the
# closing quote up to the delimiter, which the csv module appends), or unquoted.
_FIELD = re.compile(r'"(?:[^"]|"")*"[^;\r\n]*|[^;\r\n]*')


class NotKept(Exception):
    """The file cannot be kept with its CPR numbers replaced; the message says why."""


@dataclass(frozen=True)
class Kept:
    path: Path
    sha256: str


def copy_name(name: str, sha256: str) -> str:
    """A kept copy's file name: the delivered file's SHA-256 prefix and its name."""
    return f"{sha256[:16]}_{name}"


def personal_columns(spec: FileSpec) -> list[str]:
    return [column.name for column in spec.columns if column.personal]


def write_atomically(target: Path, data: bytes) -> None:
    """The bytes at `target`, never half written (a `.partial` file renamed over it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, target)


def keep(
    target_dir: Path, name: str, sha256: str, spec: FileSpec, data: bytes, kept: bool = False
) -> Kept | None:
    """Write the copy of a file as Maalbar keeps it into `target_dir`: as delivered, or with
    its CPR numbers replaced. None: a file with a CPR column that cannot be parsed, of which
    nothing is kept. kept: `data` is a kept copy already (loaded again by a withdrawal)."""
    if kept or not spec.personal:
        content = data
    else:
        try:
            content = pseudonymised(spec, data)
        except NotKept:
            return None
    target = target_dir / copy_name(name, sha256)
    digest = hashlib.sha256(content).hexdigest()
    if not (target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == digest):
        write_atomically(target, content)
    return Kept(target, digest)


def pseudonymised(spec: FileSpec, data: bytes) -> bytes:
    """The delivered bytes with each CPR value replaced by its pseudonym and every CPR number
    elsewhere too; every other byte as delivered. Raises NotKept when the file cannot be
    parsed, or its copy would not read as the file does (then nothing of it is kept), and
    pseudonym.MissingKey without the key."""
    key = pseudonym.key_or_refuse()
    try:
        original = read(spec, data)
    except FileRejected as err:
        raise NotKept(str(err)) from None
    decoded = decode(data)
    [column] = personal_columns(spec)
    header = read_header(decoded.text)
    index = header.index(column)
    memo: dict[str, str | None] = {}  # each CPR value's pseudonym, computed once

    def value(raw: str) -> str | None:
        if raw not in memo:
            memo[raw] = pseudonym.pseudonymise_value(raw, key)
        return memo[raw]

    def cell(raw: str) -> str:
        return _pseudonymised_cell(raw, value)

    quoted = '"' in decoded.text
    text = _rewrite_rows(decoded.text, lambda fields: _at(fields, index, cell))
    text = pseudonym.pseudonymise_text(text, key)
    content = _encode(text, decoded.encoding)
    if not quoted:
        # Without quotes a row is a line and a field what lies between two `;`, for the
        # loader's parser as here, and no value written holds a `;`, a quote or a line
        # break: the copy reads as the file does by construction.
        return content
    # With quotes the copy must be read again to show it reads as the delivered file does,
    # row for row and line for line.
    try:
        copy = read(spec, content)
    except FileRejected as err:
        raise NotKept(f"its copy would not parse: {err}") from None
    transform = pseudonym.pseudonymise_column(column, memo=memo)
    kept_transform = pseudonym.pseudonymise_column(column, kept=True)
    if not (
        transform(original.table).equals(kept_transform(copy.table))
        and original.bad_lines == copy.bad_lines
    ):
        raise NotKept("its quoting could not be kept byte for byte with the pseudonyms")
    return content


def trim(spec: FileSpec, data: bytes, lines: set[int]) -> bytes | None:
    """The copy without the rows starting on `lines`: each becomes empty lines (as many as it
    spans), every other byte as it was. None: no row is left."""
    decoded = decode(data)
    before = read(spec, data).table
    keep_row = [line not in lines for line in before.column(LINE_COLUMN).to_pylist()]
    if not any(keep_row):
        return None
    text = _rewrite_rows(decoded.text, None, blank=lines)
    content = _encode(text, decoded.encoding)
    after = read(spec, content).table
    wanted = before.filter(pa.array(keep_row))
    if not wanted.equals(after):
        raise NotKept("its rows could not be removed line for line")
    return content


def read(spec: FileSpec, data: bytes) -> CsvTable:
    """A file's (or a kept copy's) rows as the loader reads them, as text."""
    return read_table(data, spec.required_columns, spec.optional_columns)


def _encode(text: str, encoding: str) -> bytes:
    # "utf-8-sig" writes the byte order mark the file was read with.
    return text.encode(encoding)


def _at(fields: list[str], index: int, change) -> list[str]:
    if len(fields) > index:
        fields[index] = change(fields[index])
    return fields


def _pseudonymised_cell(raw: str, pseudonym_of) -> str:
    """One CPR cell as the copy holds it: its value's pseudonym (or the reason it is none),
    with the cell's quotes, surrounding blanks and line breaks as they were."""
    quoted = raw.startswith('"')
    if not quoted and raw == raw.strip():
        return pseudonym_of(raw) or raw  # the common cell: the bare value
    if quoted:
        close = _closing_quote(raw)
        value = raw[1:close].replace('""', '"') + raw[close + 1 :]
    else:
        value = raw
    replaced = pseudonym_of(value)
    if replaced is None:
        return raw  # empty: nothing to replace
    inner = value.strip()
    lead = value[: len(value) - len(value.lstrip())]
    trail = value[len(value.rstrip()) :]
    # Line breaks inside the value stay, so that the rows after it keep their lines.
    breaks = "".join(_BREAK.findall(inner))
    new = lead + replaced + breaks + trail
    return '"' + new.replace('"', '""') + '"' if quoted else new


def _closing_quote(raw: str) -> int:
    position = 1
    while True:
        found = raw.find('"', position)
        if found < 0:
            return len(raw)
        if raw.startswith('""', found):
            position = found + 2
            continue
        return found


def _rewrite_rows(text: str, change, blank: set[int] = frozenset()) -> str:
    """The text with `change(fields)` applied to each data row's fields (the header and
    blank lines as they are), and the rows starting on a line of `blank` emptied."""
    if '"' not in text:
        return _rewrite_lines(text, change, blank)
    out: list[str] = []
    for first_line, fields, breaks in _rows(text):
        if first_line == 1 or fields == [""]:
            out.append(";".join(fields) + breaks)
        elif first_line in blank:
            inner = "".join("".join(_BREAK.findall(field)) for field in fields)
            out.append(inner + breaks)
        else:
            out.append(";".join(change(fields) if change else fields) + breaks)
    return "".join(out)


def _rewrite_lines(text: str, change, blank: set[int]) -> str:
    """`_rewrite_rows` for a text without quotes: a row is a line, a field is what lies
    between two `;`."""
    parts = _BREAK.split(text)  # line, break, line, break, ..., last line (may be "")
    for position in range(2, len(parts), 2):  # parts[0] is the header
        line = position // 2 + 1
        if not parts[position]:
            continue
        if line in blank:
            parts[position] = ""
        elif change is not None:
            parts[position] = ";".join(change(parts[position].split(";")))
    return "".join(parts)


def _rows(text: str):
    """(first line, raw fields, line break after) of each row, as the csv module splits
    them: quoted fields may hold delimiters and line breaks."""
    position, line, end = 0, 1, len(text)
    while position < end:
        first, fields = line, []
        while True:
            found = _FIELD.match(text, position)
            field = found.group(0)
            fields.append(field)
            if field.startswith('"'):
                line += len(_BREAK.findall(field))
            position = found.end()
            if position >= end:
                breaks = ""
                break
            if text[position] == ";":
                position += 1
                continue
            breaks = "\r\n" if text.startswith("\r\n", position) else text[position]
            position += len(breaks)
            line += 1
            break
        yield first, fields, breaks
