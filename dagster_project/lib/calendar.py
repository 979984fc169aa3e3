"""Danish working days, from the maintained `holidays` package.

kpis.md: a working day is Monday to Friday that is not an official public holiday
(nytårsdag, skærtorsdag, langfredag, 2. påskedag, store bededag up to and including 2023,
Kristi himmelfartsdag, 2. pinsedag, juledag, 2. juledag). The package's Danish public
category is exactly that list (Sundays such as påskedag and pinsedag fall on weekends
anyway); grundlovsdag, juleaftensdag, nytårsaftensdag and 1. maj are only in its optional
category, so they stay working days.
"""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pyarrow as pa

FIRST_YEAR, LAST_YEAR = 2010, 2040


def public_holidays(years: range) -> dict[date, str]:
    return dict(holidays.country_holidays("DK", years=years, language="da").items())


def calendar_table(first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR) -> pa.Table:
    named = public_holidays(range(first_year, last_year + 1))
    days, years, months, working, holiday = [], [], [], [], []
    day = date(first_year, 1, 1)
    while day.year <= last_year:
        name = named.get(day)
        days.append(day)
        years.append(day.year)
        months.append(f"{day.year:04d}-{day.month:02d}")
        working.append(day.weekday() < 5 and name is None)
        holiday.append(name)
        day += timedelta(days=1)
    return pa.table(
        {
            "dato": pa.array(days, pa.date32()),
            "aar": pa.array(years, pa.int32()),
            "maaned": pa.array(months, pa.string()),
            "er_arbejdsdag": pa.array(working, pa.bool_()),
            "helligdag": pa.array(holiday, pa.string()),
        }
    )
