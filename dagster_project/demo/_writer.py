"""Writes CSV files the way the municipality's systems export them (see sources.md).

Every source module of the demo goes through `SourceWriter`, so the conventions live in one
place: `;` delimiter, `"` quotes, Danish numbers and dates, and the three encodings seen in
real deliveries.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import enum
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

TEXT = np.dtypes.StringDType()


class Encoding(enum.Enum):
    """The encodings the landing folder receives, each with the line ending its exporter uses."""

    UTF8 = ("utf-8", False, "\n")
    UTF8_BOM = ("utf-8", True, "\n")
    # Windows exports: æ, ø, å are single bytes and lines end in CRLF.
    CP1252 = ("cp1252", False, "\r\n")

    @property
    def codec(self) -> str:
        return self.value[0]

    @property
    def bom(self) -> bool:
        return self.value[1]

    @property
    def newline(self) -> str:
        return self.value[2]


@dataclass
class SourceWriter:
    """Writes files into `out_dir/<source>/` and counts what it wrote."""

    out_dir: Path
    files: int = 0
    bytes_written: int = 0
    rows_by_source: dict[str, int] = field(default_factory=dict)

    def write_rows(
        self,
        source: str,
        file_name: str,
        header: Sequence[str],
        rows: Iterable[Sequence[object]],
        encoding: Encoding = Encoding.UTF8,
    ) -> int:
        """Write a small file through the csv module, which quotes fields where needed."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", quotechar='"', lineterminator=encoding.newline)
        writer.writerow(header)
        row_count = 0
        for row in rows:
            writer.writerow(row)
            row_count += 1
        self._write(source, file_name, buffer.getvalue(), encoding, row_count)
        return row_count

    def write_lines(
        self,
        source: str,
        file_name: str,
        header: Sequence[str],
        lines: np.ndarray,
        encoding: Encoding = Encoding.UTF8,
    ) -> int:
        """Write pre-formatted lines (already `;`-joined and quoted), for the big ledger files."""
        newline = encoding.newline
        text = newline.join([";".join(header), *lines.tolist()]) + newline
        self._write(source, file_name, text, encoding, len(lines))
        return len(lines)

    def _write(
        self, source: str, file_name: str, text: str, encoding: Encoding, row_count: int
    ) -> None:
        folder = self.out_dir / source
        folder.mkdir(parents=True, exist_ok=True)
        data = text.encode(encoding.codec)
        if encoding.bom:
            data = codecs.BOM_UTF8 + data
        (folder / file_name).write_bytes(data)
        self.files += 1
        self.bytes_written += len(data)
        self.rows_by_source[source] = self.rows_by_source.get(source, 0) + row_count


def danish_date(day: dt.date) -> str:
    return day.strftime("%d-%m-%Y")


def danish_decimal(value: float, decimals: int) -> str:
    """`8123.5` -> `8123,5`; no thousands separators (quantities, not money)."""
    return f"{value:.{decimals}f}".replace(".", ",")


def csv_field(text: str) -> str:
    """One field quoted exactly as the csv module would, for lines assembled with numpy."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", quotechar='"', lineterminator="").writerow([text])
    return buffer.getvalue()


def danish_amounts(oere: np.ndarray, thousands_from_kroner: int) -> np.ndarray:
    """Format amounts in øre as Danish kroner: `-12,50`, `123456,78`, `1.234.567,89`.

    Amounts of at least `thousands_from_kroner` get `.` thousands separators, as the finance
    system's export does for large figures; smaller ones stay plain. Vectorised, because the
    largest demo writes hundreds of thousands of postings a month.
    """
    oere = np.asarray(oere, dtype=np.int64)
    absolute = np.abs(oere)
    kroner = absolute // 100
    cents = np.strings.zfill((absolute % 100).astype(TEXT), 2)
    integer_part = kroner.astype(TEXT)
    grouped = np.flatnonzero(kroner >= thousands_from_kroner)
    if grouped.size:
        integer_part[grouped] = _with_thousands_separators(kroner[grouped])
    text = np.strings.add(np.strings.add(integer_part, ","), cents)
    return np.where(oere < 0, np.strings.add("-", text), text)


def _with_thousands_separators(kroner: np.ndarray) -> np.ndarray:
    """`1234567` -> `1.234.567`, built from the lowest group of three digits upwards."""
    rest = kroner // 1000
    text = np.where(
        rest > 0, np.strings.zfill((kroner % 1000).astype(TEXT), 3), (kroner % 1000).astype(TEXT)
    )
    while (rest > 0).any():
        group = rest % 1000
        higher = rest // 1000
        group_text = np.where(
            higher > 0, np.strings.zfill(group.astype(TEXT), 3), group.astype(TEXT)
        )
        text = np.where(rest > 0, np.strings.add(np.strings.add(group_text, "."), text), text)
        rest = higher
    return text


def join_fields(*columns: np.ndarray) -> np.ndarray:
    """Join equally long text columns into `;`-separated lines."""
    line = columns[0]
    for column in columns[1:]:
        line = np.strings.add(np.strings.add(line, ";"), column)
    return line
