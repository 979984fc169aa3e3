"""Suites for the raw tables: what every loaded row must satisfy."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd  # annotations only: loading the definitions needs no pandas


FUNKTION_REGEX = r"^[0-9]\.[0-9]{2}\.[0-9]{2}$"
LINEAGE = ["_file_name", "_file_sha256", "_line_number"]
# A plausibility rule fails with this GX severity: a warning, and the run still publishes
# (docs/quality.md). Every other expectation is GX's default, `critical`: it blocks.
WARNING = "warning"


def _lineage(gxe) -> list:
    return [gxe.ExpectColumnValuesToNotBeNull(column=column) for column in LINEAGE]


def organisation(frame: pd.DataFrame) -> list:
    import great_expectations.expectations as gxe

    codes = frame["omkostningssted"].dropna().unique().tolist()
    return [
        gxe.ExpectColumnValuesToNotBeNull(column="omkostningssted"),
        gxe.ExpectColumnValuesToBeUnique(column="omkostningssted"),
        gxe.ExpectColumnValuesToNotBeNull(column="navn"),
        gxe.ExpectColumnValuesToBeInSet(column="overordnet", value_set=codes),
        gxe.ExpectColumnValuesToBeInSet(
            column="niveau", value_set=["kommune", "omraade", "center", "enhed"]
        ),
        # A single root: at most one row without a parent (ingest rejects a file with none).
        gxe.ExpectColumnValuesToNotBeNull(column="overordnet", mostly=_mostly(frame, 1)),
        *_lineage(gxe),
    ]


def _mostly(frame: pd.DataFrame, allowed_nulls: int) -> float:
    return 0.0 if len(frame) <= allowed_nulls else (len(frame) - allowed_nulls) / len(frame)


def budget(frame: pd.DataFrame) -> list:
    import great_expectations.expectations as gxe

    return [
        # The file name fixes the year (ingest rejects another); this range only catches a
        # year nobody meant.
        gxe.ExpectColumnValuesToBeBetween(
            column="aar", min_value=1990, max_value=2100, severity=WARNING
        ),
        gxe.ExpectColumnValuesToNotBeNull(column="omkostningssted"),
        gxe.ExpectColumnValuesToMatchRegex(column="funktion", regex=FUNKTION_REGEX),
        gxe.ExpectColumnValuesToMatchRegex(column="dranst", regex=r"^[0-9]$"),
        gxe.ExpectColumnValuesToBeInSet(column="budgettype", value_set=["OPR", "TB", "OVF"]),
        gxe.ExpectColumnValuesToNotBeNull(column="beloeb"),
        *_lineage(gxe),
    ]


def posteringer(frame: pd.DataFrame) -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToMatchRegex(
            column="regnskabsmaaned", regex=r"^[0-9]{4}-(?:0[1-9]|1[0-2])$"
        ),
        gxe.ExpectColumnValuesToNotBeNull(column="bilagsnr"),
        gxe.ExpectColumnValuesToNotBeNull(column="posteringsdato"),
        gxe.ExpectColumnValuesToNotBeNull(column="omkostningssted"),
        gxe.ExpectColumnValuesToMatchRegex(column="funktion", regex=FUNKTION_REGEX),
        gxe.ExpectColumnValuesToMatchRegex(column="dranst", regex=r"^[0-9]$"),
        gxe.ExpectColumnValuesToNotBeNull(column="beloeb"),
        gxe.ExpectColumnPairValuesToBeEqual(
            column_A="regnskabsmaaned", column_B="posteringsmaaned"
        ),
        *_lineage(gxe),
    ]


def befolkning(frame: pd.DataFrame) -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeBetween(column="alder", min_value=0, max_value=125),
        gxe.ExpectColumnValuesToBeBetween(column="antal", min_value=0),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["aar", "alder"]),
        *_lineage(gxe),
    ]


def aktivitet(frame: pd.DataFrame) -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToMatchRegex(column="maaned", regex=r"^[0-9]{4}-(?:0[1-9]|1[0-2])$"),
        gxe.ExpectColumnValuesToNotBeNull(column="omkostningssted"),
        gxe.ExpectColumnValuesToNotBeNull(column="ydelse"),
        gxe.ExpectColumnValuesToBeBetween(column="antal", min_value=0),
        *_lineage(gxe),
    ]


def ansaettelser(frame: pd.DataFrame) -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeUnique(column="ansaettelsesnr"),
        # A pseudonym, never a CPR number: 64 hex characters.
        gxe.ExpectColumnValuesToMatchRegex(column="person_id", regex=r"^[0-9a-f]{64}$"),
        gxe.ExpectColumnValuesToBeInSet(column="loenform", value_set=["MDR", "TIME"]),
        gxe.ExpectColumnValuesToBeInSet(column="elev", value_set=["J", "N"]),
        gxe.ExpectColumnValuesToBeBetween(
            column="beskaeftigelsesgrad", min_value=0, max_value=1, strict_min=True
        ),
        gxe.ExpectColumnValuesToNotBeNull(column="startdato"),
        # An employment ending before it began (a cancelled one) is never active: it counts
        # nowhere, so it is worth a look but not a stop.
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="slutdato",
            column_B="startdato",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
            severity=WARNING,
        ),
        *_lineage(gxe),
    ]


def fravaer(frame: pd.DataFrame) -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToNotBeNull(column="ansaettelsesnr"),
        gxe.ExpectColumnValuesToBeInSet(
            column="aarsag",
            value_set=["SYG", "ASK", "GRAV", "S56", "BSYG", "BARSEL", "FERIE", "OMSORG", "ANDET"],
        ),
        gxe.ExpectColumnValuesToNotBeNull(column="fra_dato"),
        # A spell ending before it began covers no day and counts nothing.
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="til_dato",
            column_B="fra_dato",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
            severity=WARNING,
        ),
        gxe.ExpectColumnValuesToBeBetween(column="timer_pr_dag", min_value=0, max_value=24),
        *_lineage(gxe),
    ]


PERIOD_REGEX = r"^[0-9]{4}(?:-(?:0[1-9]|1[0-2])|-Q[1-4])?$"


def udvalg(frame: pd.DataFrame) -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeUnique(column="fagudvalg"),
        gxe.ExpectColumnValuesToNotBeNull(column="navn"),
        *_lineage(gxe),
    ]


def maal(frame: pd.DataFrame) -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeUnique(column="maal_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="fagudvalg"),
        gxe.ExpectColumnValuesToBeInSet(column="maalgruppe", value_set=["borgere", "organisation"]),
        gxe.ExpectColumnValuesToBeInSet(column="status", value_set=["aktiv", "opfyldt", "opgivet"]),
        gxe.ExpectColumnValuesToNotBeNull(column="ansvarlig"),
        *_lineage(gxe),
    ]


def indikatorer(frame: pd.DataFrame) -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeUnique(column="indikator_id"),
        gxe.ExpectColumnValuesToBeInSet(column="retning", value_set=["op", "ned"]),
        gxe.ExpectColumnValuesToBeInSet(column="frekvens", value_set=["maaned", "kvartal", "aar"]),
        gxe.ExpectColumnValuesToMatchRegex(column="baseline_periode", regex=PERIOD_REGEX),
        gxe.ExpectColumnValuesToMatchRegex(column="maal_periode", regex=PERIOD_REGEX),
        gxe.ExpectColumnValuesToNotBeNull(column="maal_vaerdi"),
        *_lineage(gxe),
    ]


def indikatorvaerdier(frame: pd.DataFrame) -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToMatchRegex(column="periode", regex=PERIOD_REGEX),
        gxe.ExpectColumnValuesToNotBeNull(column="vaerdi"),
        gxe.ExpectCompoundColumnsToBeUnique(
            column_list=["kilde", "indikator_id", "omkostningssted", "periode"]
        ),
        *_lineage(gxe),
    ]


def spoergsmaal(frame: pd.DataFrame) -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeUnique(column="spoergsmaal_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="tema"),
        *_lineage(gxe),
    ]


def besvarelser(frame: pd.DataFrame) -> list:
    import great_expectations.expectations as gxe

    return [
        # An integer score of 1-5 (NULL: not answered), checked as a set: GX's between check
        # compares a nullable integer column value by value in Python (1.3 s per million
        # answers), its set check is one vectorised `isin` (bench/README.md).
        gxe.ExpectColumnValuesToBeInSet(column="score", value_set=[1, 2, 3, 4, 5]),
        gxe.ExpectColumnValuesToNotBeNull(column="besvarelse_id"),
        gxe.ExpectColumnValuesToMatchRegex(column="runde", regex=r"^[0-9]{4}-(?:0[1-9]|1[0-2])$"),
        *_lineage(gxe),
    ]


def inviterede(frame: pd.DataFrame) -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeBetween(column="antal_inviterede", min_value=0),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["runde", "omkostningssted"]),
        *_lineage(gxe),
    ]


def forslag(frame: pd.DataFrame) -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeUnique(column="forslag_id"),
        gxe.ExpectColumnValuesToBeInSet(
            column="status", value_set=["modtaget", "behandles", "gennemfoert", "afvist"]
        ),
        # Decided before submitted is a typing slip in the case system; the decision still
        # counts in the month of `afgjort`.
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="afgjort",
            column_B="indsendt",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
            severity=WARNING,
        ),
        *_lineage(gxe),
    ]


def benchmark(frame: pd.DataFrame) -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToMatchRegex(column="kommunekode", regex=r"^[0-9]{3}$"),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["kommunekode", "kpi", "aar"]),
        gxe.ExpectColumnValuesToNotBeNull(column="vaerdi"),
        *_lineage(gxe),
    ]


def ledere(frame: pd.DataFrame) -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToNotBeNull(column="login"),
        gxe.ExpectColumnValuesToMatchRegex(column="login", regex=r'^[^\s"]{1,63}$'),
        gxe.ExpectColumnValuesToNotBeNull(column="omkostningssted"),
        # A login named twice for one node is harmless (the access is the same), but a
        # sign of a hand-edited export.
        gxe.ExpectCompoundColumnsToBeUnique(
            column_list=["login", "omkostningssted"], severity=WARNING
        ),
        *_lineage(gxe),
    ]
