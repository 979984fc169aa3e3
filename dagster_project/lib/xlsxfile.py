"""Reading the goal catalogue's Excel workbook into the same text columns as a CSV export.

openpyxl, because DuckDB's excel extension is downloaded at run time. Cells may hold
numbers, dates or text; each becomes the text a Danish export would have written, so one
set of validation rules serves both kinds of file.
"""

from __future__ import annotations

import io
from datetime import date, datetime

import pyarrow as pa

from dagster_project.lib.csvfile import LINE_COLUMN, CsvTable, FileRejected


def cell_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(value, ".15g").replace(".", ",")  # a Danish decimal, as in the CSVs
    return str(value)


def _empty(columns: list[str]) -> CsvTable:
    table = {column: pa.array([], pa.string()) for column in columns}
    table[LINE_COLUMN] = pa.array([], pa.int32())
    return CsvTable(pa.table(table), "xlsx", [], [])


def read_workbook(data: bytes, sheets: dict[str, tuple[list[str], list[str], bool]]) -> dict:
    """{sheet: CsvTable} for the named sheets (name: required columns, optional columns, whether
    the sheet may be absent); raises FileRejected when one is unusable. An absent optional sheet
    reads as a sheet with its header and no rows."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises several kinds for a file that is no workbook
        raise FileRejected(f"the file is not a readable Excel workbook (.xlsx): {err}") from None
    found = {name.strip().lower(): name for name in workbook.sheetnames}
    missing = [
        name for name, (*_, optional) in sheets.items() if name not in found and not optional
    ]
    if missing:
        raise FileRejected(
            f"missing sheet(s) {', '.join(missing)}; the workbook has {', '.join(found) or 'none'}"
        )
    tables = {}
    for name, (required, optional, _) in sheets.items():
        if name not in found:
            tables[name] = _empty(required + optional)
            continue
        rows = workbook[found[name]].iter_rows(values_only=True)
        header_row = next(rows, None) or ()
        header = [(cell_text(h) or "").strip().lower() for h in header_row]
        absent = [column for column in required if column not in header]
        if absent:
            raise FileRejected(
                f"sheet {name}: missing required column(s) {', '.join(absent)}; header has "
                f"{', '.join(h for h in header if h) or 'nothing'}"
            )
        known = set(required) | set(optional)
        keep = {column: header.index(column) for column in known if column in header}
        values: dict[str, list] = {column: [] for column in keep}
        lines = []
        for number, row in enumerate(rows, start=2):
            if row is None or all(cell is None or str(cell).strip() == "" for cell in row):
                continue  # blank rows between blocks are common in hand-kept sheets
            for column, index in keep.items():
                values[column].append(cell_text(row[index]) if index < len(row) else None)
            lines.append(number)
        columns = {column: pa.array(values[column], pa.string()) for column in keep}
        for column in optional:
            columns.setdefault(column, pa.nulls(len(lines), pa.string()))
        columns[LINE_COLUMN] = pa.array(lines, pa.int32())
        extra = [h for h in header if h and h not in known]
        tables[name] = CsvTable(pa.table(columns), "xlsx", extra, [])
    workbook.close()
    return tables
