"""Reading the municipality's CSV exports: encoding, header and rows as Arrow strings.

Everything is read as text; typing and validation happen afterwards in DuckDB SQL
(see `lib.danish`), so that one bad cell rejects one row, never the whole read.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

LINE_COLUMN = "_line_number"


class FileRejected(Exception):
    """The whole file cannot be used (unreadable, no header, missing columns)."""


@dataclass
class CsvText:
    text: str
    encoding: str  # "utf-8", "utf-8-sig" or "cp1252"


@dataclass
class CsvTable:
    table: pa.Table  # one string column per known header column, plus LINE_COLUMN
    encoding: str
    extra_columns: list[str] = field(default_factory=list)
    bad_lines: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)


def decode(data: bytes) -> CsvText:
    """UTF-8 (with or without BOM), else Windows-1252, as sources.md says."""
    if not data.strip():
        raise FileRejected("the file is empty")
    if b"\x00" in data:
        raise FileRejected("the file holds NUL bytes: it is not a text export")
    try:
        if data.startswith(b"\xef\xbb\xbf"):
            return CsvText(data[3:].decode("utf-8"), "utf-8-sig")
        return CsvText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return CsvText(data.decode("cp1252"), "cp1252")
    except UnicodeDecodeError as err:
        raise FileRejected(
            f"the file is neither UTF-8 nor Windows-1252 (byte 0x{data[err.start]:02x} "
            f"at offset {err.start})"
        ) from None


def first_line(text: str) -> str:
    """The first line as str.splitlines() cuts it, without splitting the whole file."""
    end = text.find("\n")
    first = text if end < 0 else text[:end]
    return first.splitlines()[0] if first else ""


def read_header(text: str) -> list[str]:
    header = next(csv.reader([first_line(text)], delimiter=";", quotechar='"'), [])
    return [name.strip().lower() for name in header]


def read_table(data: bytes, required: list[str], optional: list[str]) -> CsvTable:
    """Decode and parse a `;`-separated export into string columns with line numbers.

    Raises FileRejected when the file cannot be used at all.
    """
    decoded = decode(data)
    header = read_header(decoded.text)
    missing = [name for name in required if name not in header]
    separators = [sep for sep in ",\t|" if sep in first_line(decoded.text)]
    if missing and len(header) == 1 and separators:
        # The columns are there, separated by another character: that is the one reason.
        shown = {",": "','", "\t": "a tab", "|": "'|'"}[separators[0]]
        raise FileRejected(
            f"the header has one column: the delimiter must be ';', and this file uses {shown}"
        )
    if missing:
        raise FileRejected(
            f"missing required column(s) {', '.join(missing)}; header has "
            f"{', '.join(header) or 'nothing'}"
        )
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise FileRejected(f"column(s) {', '.join(duplicates)} appear more than once in the header")
    known = set(required) | set(optional)
    extra = [name for name in header if name not in known]
    # Arrow reads UTF-8 bytes: the file's own when it is UTF-8, else the decoded text's.
    body = None  # Windows-1252
    if decoded.encoding == "utf-8":
        body = data
    elif decoded.encoding == "utf-8-sig":
        body = data[3:]
    table, bad_lines = _parse(decoded.text, header, body)
    keep = [name for name in header if name in known]
    columns = {name: table.column(name) for name in keep}
    for name in optional:
        if name not in columns:
            columns[name] = pa.nulls(table.num_rows, pa.string())
    columns[LINE_COLUMN] = table.column(LINE_COLUMN)
    return CsvTable(pa.table(columns), decoded.encoding, extra, bad_lines)


def _parse(
    text: str, header: list[str], body: bytes | None = None
) -> tuple[pa.Table, list[tuple[int, str]]]:
    """Fast path through Arrow; exact line numbers through the csv module when needed."""
    invalid: list[tuple[int, str]] = []

    def on_invalid(row) -> str:
        invalid.append(
            (row.number, f"has {row.actual_columns} fields, the header has {row.expected_columns}")
        )
        return "skip"

    if body is None:
        body = text.encode("utf-8")
    try:
        table = pa_csv.read_csv(
            io.BytesIO(body),
            read_options=pa_csv.ReadOptions(
                column_names=[f"c{i}" for i in range(len(header))], skip_rows=1, use_threads=False
            ),
            parse_options=pa_csv.ParseOptions(
                delimiter=";",
                quote_char='"',
                newlines_in_values=True,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types={f"c{i}": pa.string() for i in range(len(header))},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as err:
        raise FileRejected(f"the file cannot be parsed as ';'-separated CSV: {err}") from None
    physical_lines = count_lines(text)
    if invalid or physical_lines != table.num_rows + 1:
        # Quoted newlines, blank lines or short rows shift Arrow's row index off the
        # physical line number; the csv module counts lines exactly.
        return _parse_exact(text, header)
    lines = pa.array(np.arange(2, table.num_rows + 2, dtype=np.int32))
    table = table.rename_columns(header).append_column(LINE_COLUMN, lines)
    return table, []


# Line boundaries str.splitlines() knows besides "\n" and "\r".
_OTHER_LINE_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def count_lines(text: str) -> int:
    """len(text.splitlines()), without building the list of lines when every line ends in
    "\n" or "\r\n" (a 20 MB file: 17 ms against 46 ms)."""
    lone_returns = "\r" in text and text.count("\r") != text.count("\r\n")
    if lone_returns or any(mark in text for mark in _OTHER_LINE_BREAKS):
        return len(text.splitlines())
    return text.count("\n") + (0 if not text or text.endswith("\n") else 1)


def _parse_exact(text: str, header: list[str]) -> tuple[pa.Table, list[tuple[int, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"')
    next(reader)
    values: list[list[str]] = [[] for _ in header]
    lines: list[int] = []
    bad: list[tuple[int, str]] = []
    start = reader.line_num + 1
    for record in reader:
        if not record:  # a blank line
            start = reader.line_num + 1
            continue
        if len(record) != len(header):
            bad.append((start, f"has {len(record)} fields, the header has {len(header)}"))
        else:
            for column, value in zip(values, record, strict=True):
                column.append(value)
            lines.append(start)
        start = reader.line_num + 1
    columns = {
        name: pa.array(column, pa.string()) for name, column in zip(header, values, strict=True)
    }
    columns[LINE_COLUMN] = pa.array(lines, pa.int32())
    return pa.table(columns), bad
