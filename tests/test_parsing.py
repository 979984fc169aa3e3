"""Danish numbers, dates, encodings and headers, in Python and in the SQL the loader runs."""

from datetime import date
from decimal import Decimal

import duckdb
import pytest

from dagster_project.lib import danish
from dagster_project.lib.csvfile import FileRejected, count_lines, decode, read_table


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234.567,89", Decimal("1234567.89")),
        ("-12,5", Decimal("-12.5")),
        ("0,8919", Decimal("0.8919")),
        ("42", Decimal("42")),
        ("+7", Decimal("7")),
        ("1234,5", Decimal("1234.5")),
    ],
)
def test_danish_decimals(text, expected):
    assert danish.parse_decimal(text) == expected
    sql = danish.sql_decimal("v", "DECIMAL(18,4)")
    assert duckdb.execute(f"SELECT {sql} FROM (SELECT ? AS v)", [text]).fetchone()[0] == expected


@pytest.mark.parametrize("text", ["1,234.56", "12.34", "1.23,4", "abc", "1 234", "", "1,2,3"])
def test_not_danish_decimals(text):
    with pytest.raises(ValueError):
        danish.parse_decimal(text)
    error = danish.sql_decimal_error("v", "DOUBLE")
    assert duckdb.execute(f"SELECT {error} FROM (SELECT ? AS v)", [text]).fetchone()[0]


def test_money_keeps_two_decimals():
    error = danish.sql_decimal_error("v", "DECIMAL(18,2)", 2)
    assert duckdb.execute(f"SELECT {error} FROM (SELECT '1,234' AS v)").fetchone()[0] == (
        "more than 2 decimals"
    )
    assert duckdb.execute(f"SELECT {error} FROM (SELECT '1.000,25' AS v)").fetchone()[0] is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31-12-2025", date(2025, 12, 31)),
        ("2024-02-29", date(2024, 2, 29)),
        ("01-01-2023", date(2023, 1, 1)),
    ],
)
def test_dates(text, expected):
    assert danish.parse_date(text) == expected
    sql = danish.sql_date("v")
    assert duckdb.execute(f"SELECT {sql} FROM (SELECT ? AS v)", [text]).fetchone()[0] == expected


@pytest.mark.parametrize(
    "text", ["29-02-2025", "2025/01/01", "1-1-2025", "32-01-2025", "12-31-2025"]
)
def test_bad_dates(text):
    with pytest.raises(ValueError):
        danish.parse_date(text)
    error = danish.sql_date_error("v")
    assert duckdb.execute(f"SELECT {error} FROM (SELECT ? AS v)", [text]).fetchone()[0]


def test_encodings_keep_danish_letters():
    text = "navn\nÆblegården Øst å\n"
    assert decode(text.encode("utf-8")).text == text
    with_bom = decode(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert (with_bom.text, with_bom.encoding) == (text, "utf-8-sig")
    windows = decode(text.encode("cp1252"))
    assert (windows.text, windows.encoding) == (text, "cp1252")


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "empty"), (b"  \n", "empty"), (b"a;b\n\x00\x01", "NUL"), (b"a\x81\x8d", "neither")],
)
def test_unusable_bytes_are_rejected(data, message):
    with pytest.raises(FileRejected, match=message):
        decode(data)


def test_header_any_order_any_case_extra_columns():
    data = "Beloeb;EKSTRA;Navn\n1,5;x;Å\n".encode()
    table = read_table(data, required=["navn", "beloeb"], optional=["tekst"])
    assert table.extra_columns == ["ekstra"]
    assert table.table.column("navn").to_pylist() == ["Å"]
    assert table.table.column("tekst").to_pylist() == [None]
    assert table.table.column("_line_number").to_pylist() == [2]


def test_missing_column_names_it():
    with pytest.raises(FileRejected, match="missing required column.*beloeb"):
        read_table(b"navn\nx\n", required=["navn", "beloeb"], optional=[])


def test_wrong_delimiter_is_explained():
    with pytest.raises(FileRejected, match="delimiter must be ';'"):
        read_table(b"navn,beloeb\nx,1\n", required=["navn", "beloeb"], optional=[])


def test_line_numbers_survive_quoted_newlines_and_short_rows():
    data = b'a;b\n1;"two\nlines"\n3\n4;5\n'
    table = read_table(data, required=["a", "b"], optional=[])
    assert table.table.column("a").to_pylist() == ["1", "4"]
    assert table.table.column("_line_number").to_pylist() == [2, 5]
    assert table.bad_lines == [(4, "has 1 fields, the header has 2")]


@pytest.mark.parametrize(
    "text",
    [
        "a;b\n1;2\n",
        "a;b\n1;2",
        "a;b\r\n1;2\r\n3;4",
        "a;b\r1;2\n",  # a lone carriage return ends a line
        "a;b\n\n1;2\n\n",
        "a;b\x0c1;2\n",  # a form feed, which str.splitlines() also cuts at
        "a;b\u20281;2",
        "a;b\x851;2\r\n",
        "æ;ø\nå;é",
    ],
)
def test_lines_are_counted_as_str_splitlines_counts_them(text):
    """The fast path compares Arrow's rows with the file's lines; counting them without
    splitting the file must give what str.splitlines() gives, whatever ends the lines."""
    assert count_lines(text) == len(text.splitlines())


@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"])
def test_windows_and_old_mac_line_ends_keep_line_numbers(line_end):
    data = line_end.join(["a;b", "1;2", "3;4", ""]).encode("cp1252")
    table = read_table(data, required=["a", "b"], optional=[])
    assert table.table.column("b").to_pylist() == ["2", "4"]
    assert table.table.column("_line_number").to_pylist() == [2, 3]
    assert table.bad_lines == []
