"""The report's Danish words for the published codes, its periods and its file names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dagster_project.lib.formatting import MONTHS, format_period


@dataclass(frozen=True)
class Status:
    """A status as the reader sees it: an icon of its own shape and a word, never a colour
    alone (WCAG 1.4.1). `shape` names the icon in the templates' `ikon` macro."""

    code: str
    word: str
    shape: str
    colour: str  # of its icon, and of a goal card's edge


STATUS = {
    s.code: s
    for s in (
        Status("naaet", "Nået", "flueben", "#00703c"),
        Status("paa_sporet", "På sporet", "cirkel", "#1d70b8"),
        Status("i_risiko", "I risiko", "trekant", "#b35900"),
        Status("ikke_paa_sporet", "Ikke på sporet", "kryds", "#b21f1f"),
        Status("ingen_data", "Ingen data", "streg", "#505a5f"),
    )
}

# An initiative's verdict (kpis.md, Initiative effect), with the icon it shares with the
# goal statuses' shapes: works = reached, works the other way = off track.
VERDICT = {
    s.code: s
    for s in (
        Status("virker", "Virker", "flueben", "#00703c"),
        Status("virker_modsat", "Virker modsat", "kryds", "#b21f1f"),
        Status("uafklaret", "Uafklaret", "cirkel", "#1d70b8"),
        Status("for_tidligt", "For tidligt at sige", "streg", "#505a5f"),
        Status("kan_ikke_vurderes", "Kan ikke vurderes", "streg", "#505a5f"),
    )
}

GOAL_STATE = {"aktiv": "Aktivt", "opfyldt": "Opfyldt", "opgivet": "Opgivet"}
TREND = {"bedring": "Bedring", "forvaerring": "Forværring", "uaendret": "Uændret"}
LEVEL = {"kommune": "Kommune", "omraade": "Område", "center": "Center", "enhed": "Enhed"}

# Shown instead of a figure, never a number or an empty cell a reader could take for 0.
SUPPRESSED = "For få"
MISSING = "Ikke opgjort"

SHORT_MONTHS = [m[:3] + ("." if len(m) > 3 else "") for m in MONTHS]


def status(code: str | None) -> Status:
    return STATUS.get(code or "ingen_data", STATUS["ingen_data"])


def verdict(code: str | None) -> Status:
    return VERDICT.get(code or "kan_ikke_vurderes", VERDICT["kan_ikke_vurderes"])


def period(code: str | None) -> str:
    return format_period(code) if code else ""


def short_period(code: str) -> str:
    """An axis label: `okt. 2026`, `3. kvt. 2026`, `2026`."""
    if len(code) == 7 and code[4] == "-" and code[5:].isdigit():
        return f"{SHORT_MONTHS[int(code[5:]) - 1]} {code[:4]}"
    if len(code) == 7 and code[4:6] == "-Q":
        return f"{code[6]}. kvt. {code[:4]}"
    return code


def short_date(day) -> str:
    """`6. dec. 2026 kl. 22.58` (a datetime) or `6. dec. 2026` (a date), for tables."""
    text = f"{day.day}. {SHORT_MONTHS[day.month - 1]} {day.year}"
    if hasattr(day, "hour"):
        text += f" kl. {day:%H.%M}"
    return text


# --- periods as numbers, to lay a frequency's periods out on an axis --------------------


def period_number(code: str) -> tuple[str, int]:
    """(`maaned`|`kvartal`|`aar`, its number): a month year · 12 + month − 1, a quarter
    year · 4 + quarter − 1, a year the year, as the goal marts count them."""
    if len(code) == 7 and code[4:6] == "-Q":
        return "kvartal", int(code[:4]) * 4 + int(code[6]) - 1
    if len(code) == 7:
        return "maaned", int(code[:4]) * 12 + int(code[5:]) - 1
    return "aar", int(code)


def period_code(frequency: str, number: int) -> str:
    if frequency == "maaned":
        return f"{number // 12}-{number % 12 + 1:02d}"
    if frequency == "kvartal":
        return f"{number // 4}-Q{number % 4 + 1}"
    return str(number)


def periods_between(first: str, last: str) -> list[str]:
    """Every period of first's frequency from first through last."""
    frequency, start = period_number(first)
    _, end = period_number(last)
    return [period_code(frequency, number) for number in range(start, end + 1)]


def months_back(month: str, count: int) -> list[str]:
    """The `count` months ending with `month`, oldest first."""
    _, end = period_number(month)
    return [period_code("maaned", number) for number in range(end - count + 1, end + 1)]


# --- file names --------------------------------------------------------------------------

_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})


def slug(text: str) -> str:
    """A file-name-safe form of a code: `ØU` → `oeu`, `02101` → `02101`."""
    cleaned = re.sub(r"[^a-z0-9]+", "-", text.translate(_DANISH).lower()).strip("-")
    return cleaned or "x"
