"""A synthetic raw warehouse at municipal scale, for timing the HR models.

About 50,000 employments of 31,000 persons (each a chain of two: a change of unit or of
fraction ends one row and starts the next), about 200,000 absence spells in the files for
2020 to 2025, an organisation of 889 cost centres in four levels, and raw.kalender for
2015-2035 as the raw/kalender asset writes it. Everything is generated in DuckDB SQL with a
fixed seed, so two runs give the same warehouse.

    .venv/bin/python tests/dbt/scale_warehouse.py /tmp/scale.duckdb
    cd dbt && MAALBAR_WAREHOUSE_PATH=/tmp/scale.duckdb /usr/bin/time -v \\
        ../.venv/bin/dbt build --select +kpi_values_personale --profiles-dir .
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
from raw_warehouse import kalender_rows, make_raw_warehouse

PERSONS = 31_000
SPELLS = 200_000
EXTRACTED = "2025-03-05"  # HR horizon 2025-02-28

ORGANISATION_SQL = """
insert into raw.organisation (omkostningssted, navn, overordnet, niveau, extraction_date)
select '1000', 'Kommunen', null, 'kommune', date '2025-03-01'
union all
select 'O' || a, 'Område ' || a, '1000', 'omraade', date '2025-03-01' from range(8) t(a)
union all
select 'C' || c, 'Center ' || c, 'O' || (c % 8), 'center', date '2025-03-01' from range(80) t(c)
union all
select 'E' || e, 'Enhed ' || e, 'C' || (e % 80), 'enhed', date '2025-03-01' from range(800) t(e)
"""

EMPLOYMENTS_SQL = f"""
insert into raw.ansaettelser
    (extraction_date, ansaettelsesnr, person_id, omkostningssted, loenform, elev,
     beskaeftigelsesgrad, startdato, slutdato)
with persons as (
    select
        p,
        sha256('person-' || p) as person_id,
        date '2015-01-01' + cast(floor(random() * 3470) as integer) as first_start,
        200 + cast(floor(random() * 2800) as integer) as first_days,
        random() < 0.7 as second_open,
        100 + cast(floor(random() * 1900) as integer) as second_days,
        cast(floor(random() * 800) as integer) as first_unit,
        cast(floor(random() * 800) as integer) as second_unit,
        random() as kind,
        [1.0, 1.0, 0.8919, 0.75, 0.5, 0.9459][1 + cast(floor(random() * 6) as integer)] as g1,
        [1.0, 1.0, 0.8919, 0.75, 0.5, 0.9459][1 + cast(floor(random() * 6) as integer)] as g2
    from range({PERSONS}) t(p)
),
chains as (
    select p, person_id, kind, 1 as n, 'E' || first_unit as unit, g1 as g,
        first_start as startdato, first_start + first_days - 1 as slutdato
    from persons
    union all
    select p, person_id, kind, 2, 'E' || second_unit, g2,
        first_start + first_days,
        case when second_open then null else first_start + first_days + second_days - 1 end
    from persons
)
select
    date '{EXTRACTED}',
    'A' || p || '-' || n,
    person_id,
    unit,
    case when kind < 0.05 then 'TIME' else 'MDR' end,
    case when kind between 0.05 and 0.08 then 'J' else 'N' end,
    g,
    startdato,
    slutdato
from chains
where startdato <= date '{EXTRACTED}'
"""

ABSENCE_SQL = f"""
insert into raw.fravaer
    (aar, extraction_date, ansaettelsesnr, aarsag, fra_dato, til_dato, timer_pr_dag)
with employments as (
    select
        row_number() over (order by ansaettelsesnr) as nr,
        ansaettelsesnr,
        greatest(startdato, date '2020-01-01') as fra,
        least(coalesce(slutdato, date '{EXTRACTED}'), date '{EXTRACTED}' - 1) as til
    from raw.ansaettelser
    where coalesce(slutdato, date '{EXTRACTED}') >= date '2020-01-01'
),
numbered as (
    select * from employments where fra <= til
),
spells as (
    select
        1 + cast(floor(random() * (select count(*) from numbered)) as integer) as nr,
        random() as start,
        random() as length_kind,
        random() as length,
        random() as cause,
        random() as partial,
        random() as open
    from range({SPELLS})
),
placed as (
    select
        numbered.ansaettelsesnr,
        numbered.fra + cast(floor(spells.start * (numbered.til - numbered.fra + 1)) as integer)
            as fra_dato,
        case
            when spells.length_kind < 0.85 then 1 + cast(floor(spells.length * 5) as integer)
            when spells.length_kind < 0.95 then 6 + cast(floor(spells.length * 25) as integer)
            else 31 + cast(floor(spells.length * 170) as integer)
        end as dage,
        case
            when spells.cause < 0.60 then 'SYG'
            when spells.cause < 0.63 then 'ASK'
            when spells.cause < 0.65 then 'GRAV'
            when spells.cause < 0.67 then 'S56'
            when spells.cause < 0.72 then 'BSYG'
            when spells.cause < 0.73 then 'BARSEL'
            when spells.cause < 0.93 then 'FERIE'
            when spells.cause < 0.98 then 'OMSORG'
            else 'ANDET'
        end as aarsag,
        case when spells.partial < 0.1 then 1 + round(spells.partial * 40, 1) end as timer_pr_dag,
        spells.open
    from spells
    inner join numbered
        on spells.nr = numbered.nr
)
select
    year(fra_dato),
    make_date(year(fra_dato) + 1, 1, 10),
    ansaettelsesnr,
    aarsag,
    fra_dato,
    case
        when open < 0.3 and fra_dato > date '{EXTRACTED}' - 120 then null
        else fra_dato + dage - 1
    end,
    timer_pr_dag
from placed
"""


def make_scale_warehouse(path: Path | str) -> Path:
    path = make_raw_warehouse(path, {"kalender": kalender_rows(range(2015, 2036))})
    with duckdb.connect(str(path)) as con:
        # One thread, so that random() after setseed gives the same rows every time.
        con.execute("set threads = 1")
        con.execute("select setseed(0.42)")
        con.execute(ORGANISATION_SQL)
        con.execute(EMPLOYMENTS_SQL)
        con.execute(ABSENCE_SQL)
        # The newest absence file of the horizon's year is extracted with the employments.
        con.execute(
            f"update raw.fravaer set extraction_date = date '{EXTRACTED}'"
            f" where aar = year(date '{EXTRACTED}')"
        )
    return path


if __name__ == "__main__":
    print(make_scale_warehouse(sys.argv[1]))
