"""The PostgreSQL publication (published.md, docs/bi.md) against a real server that the session
starts itself (tests/postgres_server.py): the same marts as the DuckDB publication row by row,
keys and comments, what two leaders, a reader and a login without access see, that none of
them can write, the swap under a reader holding a transaction open, and bad inputs that stop
the run with both previous publications as they were."""

from __future__ import annotations

import csv
import io
import shutil
import socket
import subprocess
import threading
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import psycopg
import pytest

from dagster_project.defs.publish import primary_keys
from dagster_project.lib import postgres
from tests.conftest import MAALBAR, maalbar_env, write_export

pytestmark = pytest.mark.slow

MAALBAR_PASSWORD = "maalbar-test-password"
LOGIN_PASSWORD = "login-test-password"
LEADERS = ("leder_a", "leder_b")
READER = "laeser_1"
UNMAPPED = "uden_adgang"
NOT_A_LOGIN = "leder_findes_ikke"
DATABASE = "maalbar"
LEADERS_HEADER = "login;omkostningssted"


def run(data: Path, landing: Path, url: str | None) -> subprocess.CompletedProcess:
    env = maalbar_env(data, landing)
    env.pop("MAALBAR_POSTGRES_URL", None)
    if url:
        env["MAALBAR_POSTGRES_URL"] = url
    return subprocess.run([MAALBAR, "run"], env=env, capture_output=True, text=True, timeout=900)


def _organisation(landing: Path) -> list[dict[str, str]]:
    [path] = (landing / "organisation").glob("organisation_*.csv")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


@pytest.fixture(scope="module")
def server(postgres_server):
    """Login maalbar (CREATEROLE) owning database maalbar, and the logins of the tests."""
    with postgres_server.admin() as admin:
        admin.execute(f"CREATE ROLE maalbar LOGIN CREATEROLE PASSWORD '{MAALBAR_PASSWORD}'")
        for login in (*LEADERS, READER, UNMAPPED):
            admin.execute(f"CREATE ROLE {login} LOGIN PASSWORD '{LOGIN_PASSWORD}'")
        admin.execute(f"CREATE DATABASE {DATABASE} OWNER maalbar")
    return postgres_server


def maalbar_url(server, database: str = DATABASE) -> str:
    return server.url("maalbar", MAALBAR_PASSWORD, database)


def login(server, user: str, database: str = DATABASE):
    return psycopg.connect(server.url(user, LOGIN_PASSWORD, database), autocommit=True)


@pytest.fixture(scope="module")
def published(server, demo_landing, tmp_path_factory):
    """One `maalbar run` of the S demo with a leaders' file and MAALBAR_POSTGRES_URL set;
    then the reader's login is made a member of maalbar_laeser, as the operator does.
    (data folder, landing folder, led nodes by login, the run's output)."""
    root = tmp_path_factory.mktemp("postgres-run")
    landing = root / "landing"
    shutil.copytree(demo_landing, landing)
    rows = _organisation(landing)
    areas = [row["omkostningssted"] for row in rows if row["niveau"] == "omraade"]
    parents = {row["omkostningssted"]: row["overordnet"] for row in rows}

    def area_of(node: str) -> str:
        while node not in areas:
            node = parents[node]
        return node

    leaf = next(
        row["omkostningssted"]
        for row in rows
        if row["niveau"] == "enhed" and area_of(row["omkostningssted"]) != areas[1]
    )
    led = {"leder_a": {areas[1]}, "leder_b": {leaf}}
    write_export(
        landing / "adgang" / "ledere_20260101.csv",
        LEADERS_HEADER,
        [f"leder_a;{areas[1]}", f"leder_b;{leaf}", f"{NOT_A_LOGIN};{areas[0]}"],
    )
    data = root / "data"
    result = run(data, landing, maalbar_url(server))
    assert result.returncode == 0, result.stderr[-3000:]
    with server.admin(DATABASE) as admin:
        admin.execute(f"GRANT maalbar_laeser TO {READER}")
    return data, landing, led, result


def duckdb_marts(data: Path) -> dict[str, tuple[list[tuple[str, str]], list[tuple]]]:
    """Every mart of the DuckDB publication: (columns with types, rows)."""
    con = duckdb.connect(str(data / "published" / "maalbar.duckdb"), read_only=True)
    try:
        tables = {}
        for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' ORDER BY 1"
        ).fetchall():
            columns = con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = 'marts' "
                "AND table_name = ? ORDER BY column_index",
                [name],
            ).fetchall()
            tables[name] = (columns, con.execute(f"SELECT * FROM marts.{name}").fetchall())
        return tables
    finally:
        con.close()


def rows_of(con, table: str) -> list[str]:
    """The rows as sorted texts: Python's repr of a float is exact, so equal texts are equal
    values to the last bit."""
    return sorted(map(repr, con.execute(f"SELECT * FROM marts.{table}").fetchall()))


def test_the_marts_equal_the_duckdb_publication_row_by_row(server, published):
    data, _, _, _ = published
    marts = duckdb_marts(data)
    assert {"kpi_values", "goal_progress", "dim_organisation"} <= set(marts)
    with server.admin(DATABASE) as con:
        in_postgres = {
            row[0]
            for row in con.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'marts'"
            ).fetchall()
        }
        assert in_postgres == set(marts)
        for name, (columns, rows) in marts.items():
            types = con.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = 'marts' AND table_name = %s ORDER BY ordinal_position",
                [name],
            ).fetchall()
            assert types == [(column, postgres.TYPES[kind]) for column, kind in columns], name
            assert rows, f"marts.{name} is empty in the demo"
            assert rows_of(con, name) == sorted(map(repr, rows)), f"marts.{name} differs"


def test_primary_keys_and_a_comment_on_every_table_and_column(server, published):
    data, _, _, _ = published
    duck = duckdb.connect(str(data / "published" / "maalbar.duckdb"), read_only=True)
    comments = {
        (table, column): comment
        for table, column, comment in duck.execute(
            "SELECT table_name, column_name, comment FROM duckdb_columns() "
            "WHERE schema_name = 'marts'"
        ).fetchall()
    }
    duck.close()
    with server.admin(DATABASE) as con:
        keys = dict(
            con.execute(
                "SELECT c.conrelid::regclass::text, array_agg(a.attname::text ORDER BY k.i) "
                "FROM pg_constraint c CROSS JOIN unnest(c.conkey) WITH ORDINALITY k(attnum, i) "
                "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum "
                "WHERE c.contype = 'p' AND c.connamespace = 'marts'::regnamespace GROUP BY 1"
            ).fetchall()
        )
        described = con.execute(
            "SELECT c.relname, a.attname, col_description(c.oid, a.attnum), "
            "obj_description(c.oid, 'pg_class') FROM pg_class c "
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 "
            "WHERE c.relnamespace = 'marts'::regnamespace AND c.relkind = 'r'"
        ).fetchall()
    assert keys == {f"marts.{table}": list(key) for table, key in primary_keys().items()}
    assert {(table, column): text for table, column, text, _ in described} == comments
    assert all(text and table_text for _, _, text, table_text in described)


def _visible(data: Path, led: set[str]) -> set[str]:
    """The nodes led, every node below them and every node above them."""
    con = duckdb.connect(str(data / "published" / "maalbar.duckdb"), read_only=True)
    parents = dict(
        con.execute("SELECT omkostningssted, overordnet FROM marts.dim_organisation").fetchall()
    )
    con.close()

    def path(node):
        while node is not None:
            yield node
            node = parents[node]

    return {node for node in parents if set(path(node)) & led} | {
        above for node in led for above in path(node)
    }


def test_each_leader_sees_its_nodes_their_subtrees_and_the_nodes_above(server, published):
    data, _, led, _ = published
    marts = duckdb_marts(data)
    for leader in LEADERS:
        visible = _visible(data, led[leader])
        assert 1 < len(visible) < len(marts["dim_organisation"][1])
        with login(server, leader) as con:
            for name, (columns, rows) in marts.items():
                names = [column for column, _ in columns]
                if "omkostningssted" in names:
                    at = names.index("omkostningssted")
                    expected = [row for row in rows if row[at] in visible]
                else:
                    expected = rows  # a table without nodes is read whole
                assert rows_of(con, name) == sorted(map(repr, expected)), (leader, name)
            seen = {r[0] for r in con.execute("SELECT omkostningssted FROM marts.kpi_values")}
            assert seen == visible & {row[1] for row in marts["kpi_values"][1]}
            # Its own mapping only, and not the leaders' list.
            assert {
                r[0] for r in con.execute("SELECT login FROM maalbar.synlige_noder").fetchall()
            } == {leader}
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                con.execute("SELECT * FROM maalbar.ledere")
    # The two leaders lead different areas: neither sees the other's unit.
    assert not led["leder_b"] <= _visible(data, led["leder_a"])


def test_the_reader_sees_everything_and_an_unmapped_login_nothing(server, published):
    data, _, _, _ = published
    marts = duckdb_marts(data)
    with login(server, READER) as con:
        for name, (_, rows) in marts.items():
            assert rows_of(con, name) == sorted(map(repr, rows)), name
    with login(server, UNMAPPED) as con:
        for table in ("marts.kpi_values", "marts.dim_kpi", "maalbar.synlige_noder"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                con.execute(f"SELECT count(*) FROM {table}")


def _comparable(row) -> tuple:
    """A query's row as both engines give it: numbers to ten significant digits (a sum of
    doubles may differ in its last bit with the order it is added in), text as is."""
    return tuple(
        f"{float(value):.10g}" if isinstance(value, float | Decimal) else value for value in row
    )


def test_the_bi_queries_return_the_same_rows_in_postgresql(server, published):
    """docs/bi.md's five queries, as written, in both publications."""
    from tests.test_bi_queries import _queries

    data, _, _, _ = published
    duck = duckdb.connect(str(data / "published" / "maalbar.duckdb"), read_only=True)
    with login(server, READER) as con:
        for number, query in enumerate(_queries(), start=1):
            in_duckdb = sorted(map(_comparable, duck.execute(query).fetchall()), key=repr)
            in_postgres = sorted(map(_comparable, con.execute(query).fetchall()), key=repr)
            assert in_duckdb, f"query {number} returns nothing"
            assert in_postgres == in_duckdb, f"query {number}"
    duck.close()


@pytest.mark.parametrize("user", [*LEADERS, READER, UNMAPPED])
def test_no_login_can_write(server, published, user):
    statements = [
        "INSERT INTO marts.dim_kpi SELECT * FROM marts.dim_kpi LIMIT 1",
        "UPDATE marts.kpi_values SET vaerdi = 0",
        "DELETE FROM marts.kpi_values",
        "TRUNCATE marts.dim_kpi",
        "CREATE TABLE marts.egen (a integer)",
        "ALTER TABLE marts.kpi_values DISABLE ROW LEVEL SECURITY",
        "DROP TABLE marts.dim_kpi",
        "INSERT INTO maalbar.synlige_noder VALUES (current_user, '0100')",
        "CREATE SCHEMA egen",
    ]
    with login(server, user) as con:
        for statement in statements:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                con.execute(statement)


def test_roles_memberships_and_the_missing_login_warning(server, published):
    _, _, _, result = published
    assert (
        f"warning: postgres adgang: leaders_list: login {NOT_A_LOGIN} of the leaders' list "
        "does not exist in the PostgreSQL server" in result.stdout
    )
    with server.admin(DATABASE) as con:
        members = {
            row[0]
            for row in con.execute(
                "SELECT m.rolname FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid "
                "JOIN pg_roles m ON m.oid = a.member WHERE g.rolname = 'maalbar_leder'"
            ).fetchall()
        }
        assert members == set(LEADERS)
        flags = dict(
            con.execute(
                "SELECT rolname, rolcanlogin FROM pg_roles "
                "WHERE rolname IN ('maalbar_laeser', 'maalbar_leder')"
            ).fetchall()
        )
        assert flags == {"maalbar_laeser": False, "maalbar_leder": False}
        assert con.execute("SELECT login, findes FROM maalbar.ledere ORDER BY 1").fetchall() == [
            ("leder_a", True),
            ("leder_b", True),
            (NOT_A_LOGIN, False),
        ]
        schemas = {
            row[0]
            for row in con.execute(
                "SELECT nspname FROM pg_namespace WHERE nspowner = 'maalbar'::regrole"
            ).fetchall()
        }
        assert schemas == {"marts", "maalbar"}


def _state(server, database: str = DATABASE):
    """What a failed publication must leave as it was: the publication record, the schemas
    and each mart's table (its oid) and rows."""
    with server.admin(database) as con:
        return (
            con.execute("SELECT * FROM maalbar.publikation").fetchall(),
            con.execute("SELECT nspname FROM pg_namespace ORDER BY 1").fetchall(),
            con.execute(
                "SELECT c.relname, c.oid::int, c.reltuples FROM pg_class c "
                "WHERE c.relnamespace = 'marts'::regnamespace AND c.relkind = 'r' ORDER BY 1"
            ).fetchall(),
            con.execute("SELECT count(*) FROM marts.kpi_values").fetchone(),
        )


def _leaders(data: Path) -> list[tuple[str, str]]:
    con = duckdb.connect(str(data / "warehouse" / "maalbar.duckdb"), read_only=True)
    try:
        return con.execute("SELECT login, omkostningssted FROM raw.ledere").fetchall()
    finally:
        con.close()


def _changed_candidate(data: Path, target: Path) -> tuple[int, int]:
    """A copy of the publication with fewer rows in two marts; their new counts."""
    shutil.copy(data / "published" / "maalbar.duckdb", target)
    con = duckdb.connect(str(target))
    try:
        node = con.execute(
            "SELECT min(omkostningssted) FROM marts.virklis_noegletal WHERE omkostningssted "
            "IN (SELECT omkostningssted FROM marts.kpi_values)"
        ).fetchone()[0]
        for table in ("kpi_values", "virklis_noegletal"):
            con.execute(f"DELETE FROM marts.{table} WHERE omkostningssted = ?", [node])
        return tuple(
            con.execute(f"SELECT count(*) FROM marts.{table}").fetchone()[0]
            for table in ("kpi_values", "virklis_noegletal")
        )
    finally:
        con.close()


PAIR = (
    "SELECT (SELECT count(*) FROM marts.kpi_values), (SELECT count(*) FROM marts.virklis_noegletal)"
)


def test_a_reader_holding_a_transaction_neither_blocks_the_swap_nor_sees_a_mix(
    server, published, tmp_path
):
    """A reader (READ COMMITTED, as BI tools read) keeps a transaction open on the marts; a
    second reader asks for both tables' counts again and again. The publication waits for
    the first at most SWAP_ATTEMPTS x LOCK_TIMEOUT_SECONDS, then takes the name anyway;
    every answer the second reader got is all old or all new; the first reader's next
    statement reads the new marts whole; the old tables are dropped by the next
    publication once no reader holds them."""
    data, _, _, _ = published
    url = maalbar_url(server)
    candidate = tmp_path / "changed.duckdb"
    new_pair = _changed_candidate(data, candidate)
    with login(server, READER) as probe:
        old_pair = probe.execute(PAIR).fetchone()
    assert new_pair != old_pair
    holder = psycopg.connect(server.url(READER, LOGIN_PASSWORD, DATABASE))
    assert holder.execute(PAIR).fetchone() == old_pair  # its transaction stays open
    answers, stop = [], threading.Event()

    def poll():
        with login(server, READER) as con:
            while not stop.is_set():
                answers.append(con.execute(PAIR).fetchone())

    poller = threading.Thread(target=poll)
    poller.start()
    try:
        started = time.perf_counter()
        outcome = postgres.publish(
            url, candidate, _leaders(data), primary_keys(), "swap-under-reader", tmp_path / "w"
        )
        took = time.perf_counter() - started
    finally:
        stop.set()
        poller.join()
    waited = postgres.SWAP_ATTEMPTS * postgres.LOCK_TIMEOUT_SECONDS
    assert waited <= took < waited + 30
    assert any("held the previous marts open" in note for note in outcome.notes)
    assert set(answers) <= {old_pair, new_pair} and old_pair in answers
    assert holder.execute(PAIR).fetchone() == new_pair  # READ COMMITTED: the next statement
    holder.commit()
    holder.close()
    with server.admin(DATABASE) as admin:
        retired = admin.execute(
            "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'maalbar\\_gammel\\_%'"
        ).fetchone()[0]
    assert retired == 1
    # No reader now: the swap does not wait, and the retired marts are dropped.
    started = time.perf_counter()
    outcome = postgres.publish(
        url,
        data / "published" / "maalbar.duckdb",
        _leaders(data),
        primary_keys(),
        "after-reader",
        tmp_path / "w",
    )
    assert time.perf_counter() - started < waited
    assert outcome.notes == []
    with login(server, READER) as probe:
        assert probe.execute(PAIR).fetchone() == old_pair
    with server.admin(DATABASE) as admin:
        assert admin.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'maalbar%' ORDER BY 1"
        ).fetchall() == [("maalbar",)]


def test_a_reader_ending_its_transaction_within_the_timeout_is_waited_for(
    server, published, tmp_path
):
    data, _, _, _ = published
    holder = psycopg.connect(server.url(READER, LOGIN_PASSWORD, DATABASE))
    holder.execute("SELECT count(*) FROM marts.kpi_values").fetchone()
    ends = threading.Timer(1.0, holder.commit)
    ends.start()
    try:
        outcome = postgres.publish(
            maalbar_url(server),
            data / "published" / "maalbar.duckdb",
            _leaders(data),
            primary_keys(),
            "reader-ends",
            tmp_path / "w",
        )
    finally:
        ends.join()
        holder.close()
    assert outcome.notes == []
    with server.admin(DATABASE) as admin:
        assert admin.execute(
            "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'maalbar\\_gammel\\_%'"
        ).fetchone() == (0,)


@pytest.mark.parametrize(
    "case",
    ["unreachable", "wrong password", "no right to create the schema"],
)
def test_a_failed_publication_names_its_cause_and_changes_nothing(
    server, published, tmp_path, case
):
    data, _, _, _ = published
    database = DATABASE
    if case == "unreachable":
        with socket.socket() as probe:  # a port nobody listens on
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        url = f"postgresql://maalbar:{MAALBAR_PASSWORD}@127.0.0.1:{port}/{DATABASE}"
        expected = ["maalbar@127.0.0.1:", "failed while connecting", "Check that the server"]
    elif case == "wrong password":
        url = server.url("maalbar", "not-the-password", DATABASE)
        expected = ["password authentication failed", "Check the user and password"]
    else:
        database = "fremmed_db"
        with server.admin() as admin:
            if not admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [database]
            ).fetchone():
                admin.execute(f"CREATE DATABASE {database}")
                admin.execute(f"REVOKE CREATE ON DATABASE {database} FROM PUBLIC")
        url = maalbar_url(server, database)
        expected = ["permission denied for database fremmed_db", "needs CREATE on the database"]
    before = _state(server)
    with pytest.raises(postgres.PostgresPublicationFailed) as failed:
        postgres.publish(
            url,
            data / "published" / "maalbar.duckdb",
            _leaders(data),
            primary_keys(),
            "failing",
            tmp_path / "w",
        )
    message = str(failed.value)
    assert message.startswith("PostgreSQL publication to maalbar@127.0.0.1:")
    for words in expected:
        assert words in message, message
    assert "not-the-password" not in message and MAALBAR_PASSWORD not in message
    assert _state(server) == before
    if database != DATABASE:
        with server.admin(database) as con:
            assert (
                con.execute(
                    "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'maalbar%' OR nspname = "
                    "'marts'"
                ).fetchall()
                == []
            )


def _published_bytes(data: Path) -> bytes:
    return (data / "published" / "maalbar.duckdb").read_bytes()


def test_maalbar_run_stops_on_bad_input_and_publishes_both_when_it_is_fixed(server, published):
    """Through `maalbar run`: a leaders' file naming an unknown node is quarantined, a wrong
    password and an unreachable server stop the publication; each exits 1 naming why, with
    the DuckDB file byte for byte and the PostgreSQL marts as they were. Fixed, the run
    publishes both, and the login no longer listed loses its membership. (Last in the
    module: it changes the leaders.)"""
    data, landing, led, _ = published
    url = maalbar_url(server)
    folder = landing / "adgang"
    duckdb_before, postgres_before = _published_bytes(data), _state(server)

    bad = write_export(
        folder / "ledere_20260201.csv",
        LEADERS_HEADER,
        [f"leder_a;{next(iter(led['leder_a']))}", "leder_b;99999"],
    )
    result = run(data, landing, url)
    assert result.returncode == 1
    assert "ledere_20260201.csv quarantined" in result.stderr
    assert "line 3, column omkostningssted ('99999'): unknown cost centre" in result.stderr
    assert _published_bytes(data) == duckdb_before and _state(server) == postgres_before
    bad.unlink()

    # leder_b is no longer listed.
    write_export(
        folder / "ledere_20260301.csv",
        LEADERS_HEADER,
        [f"leder_a;{next(iter(led['leder_a']))}"],
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    for wrong, reason in (
        (server.url("maalbar", "not-the-password", DATABASE), "password authentication failed"),
        (url.replace(f":{server.port}/", f":{closed_port}/"), "failed while connecting"),
    ):
        result = run(data, landing, wrong)
        assert result.returncode == 1, result.stdout[-2000:]
        assert "run failed; the previous publication is unchanged" in result.stderr
        assert "PostgreSQL publication to maalbar@127.0.0.1:" in result.stderr
        assert reason in result.stderr, result.stderr[-2000:]
        assert "not-the-password" not in result.stderr + result.stdout
        assert _published_bytes(data) == duckdb_before and _state(server) == postgres_before

    result = run(data, landing, url)
    assert result.returncode == 0, result.stderr[-3000:]
    assert _published_bytes(data) != duckdb_before
    with server.admin(DATABASE) as con:
        assert con.execute("SELECT login FROM maalbar.ledere").fetchall() == [("leder_a",)]
        members = con.execute(
            "SELECT m.rolname FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid "
            "JOIN pg_roles m ON m.oid = a.member WHERE g.rolname = 'maalbar_leder'"
        ).fetchall()
        assert members == [("leder_a",)]
        fingerprint = con.execute("SELECT input_fingerprint FROM maalbar.publikation").fetchone()
    with login(server, "leder_b") as con, pytest.raises(psycopg.errors.InsufficientPrivilege):
        con.execute("SELECT count(*) FROM marts.kpi_values")
    duck = duckdb.connect(str(data / "published" / "maalbar.duckdb"), read_only=True)
    assert duck.execute("SELECT input_fingerprint FROM meta.publication").fetchone() == fingerprint
    duck.close()

    # Nothing new, both publications current: the run stops at once.
    result = run(data, landing, url)
    assert result.returncode == 0 and "nothing new in the landing folder" in result.stdout
    # Another database has no publication yet: the run publishes there.
    with server.admin() as admin:
        admin.execute("CREATE DATABASE maalbar_andet OWNER maalbar")
    result = run(data, landing, maalbar_url(server, "maalbar_andet"))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "nothing new" not in result.stdout
    with server.admin("maalbar_andet") as con:
        assert con.execute("SELECT input_fingerprint FROM maalbar.publikation").fetchone() == (
            fingerprint
        )
