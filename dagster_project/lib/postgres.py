"""The PostgreSQL publication: the audited candidate's marts, loaded into a fresh schema with
COPY and swapped in as schema `marts` in one transaction, with the two group roles and the
leaders' row-level access (docs/bi.md, docs/operations.md).

The publication step calls `publish` after the DuckDB candidate has passed its audit and
before the candidate replaces the DuckDB publication: a failure here leaves both previous
publications as they were. Everything Maalbar keeps in the database besides the marts lies in
schema `maalbar`: the leaders' list as delivered, the nodes each login may see, and the record
of the publication.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

# The published schema, and the two schemas a publication passes through: loaded into
# LOADING while readers keep reading `marts`, and `marts` renamed to RETIRED_PREFIX + run
# when the loaded one takes its name.
MARTS = "marts"
OWN = "maalbar"
LOADING = "maalbar_ny"
RETIRED_PREFIX = "maalbar_gammel_"
READER_ROLE = "maalbar_laeser"
LEADER_ROLE = "maalbar_leder"

# How long the swap waits for a reader's transaction that holds the previous marts open, per
# attempt; after SWAP_ATTEMPTS the new marts take the name without waiting, and the previous
# tables are dropped when no reader holds them any more (docs/operations.md).
LOCK_TIMEOUT_SECONDS = 2
SWAP_ATTEMPTS = 3
SWAP_PAUSE_SECONDS = 0.5
CONNECT_TIMEOUT_SECONDS = 10

# DuckDB's types of the published marts as PostgreSQL's (published.md).
TYPES = {
    "VARCHAR": "text",
    "DOUBLE": "double precision",
    "BOOLEAN": "boolean",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
}


def postgres_type(duckdb_type: str) -> str | None:
    """PostgreSQL's type for a DuckDB column type; DECIMAL(p,s) is numeric(p,s). None: none."""
    if duckdb_type.startswith("DECIMAL("):
        return "numeric" + duckdb_type.removeprefix("DECIMAL")
    return TYPES.get(duckdb_type)


class PostgresPublicationFailed(Exception):
    """The PostgreSQL publication did not take place; the message names the server (never its
    password), the stage and PostgreSQL's reason."""


@dataclass
class Table:
    name: str
    comment: str
    columns: list[tuple[str, str, str]]  # name, PostgreSQL type, comment
    primary_key: tuple[str, ...]

    @property
    def has_node(self) -> bool:
        return any(column == "omkostningssted" for column, _, _ in self.columns)


@dataclass
class PostgresOutcome:
    rows: dict[str, int] = field(default_factory=dict)  # marts.<table>: rows loaded
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def server_name(url: str) -> str:
    """user@host:port/database of a libpq URL or connection string, without the password."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        parts = conninfo_to_dict(url)
    except Exception:
        return "the server of MAALBAR_POSTGRES_URL (not a valid libpq URL)"
    host = parts.get("host") or "localhost"
    port = parts.get("port") or "5432"
    user = parts.get("user") or "(default user)"
    database = parts.get("dbname") or user
    return f"{user}@{host}:{port}/{database}"


def connect(url: str):
    """A connection to the server of url, UTF-8, named in pg_stat_activity."""
    import psycopg

    return psycopg.connect(
        url,
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        application_name="maalbar",
        client_encoding="UTF8",
    )


def _reason(err: Exception) -> str:
    """PostgreSQL's or libpq's message in one line."""
    text = " ".join(str(err).split())
    return text or type(err).__name__


def read_tables(candidate: Path, primary_keys: dict[str, tuple[str, ...]]) -> list[Table]:
    """The marts of the DuckDB candidate: names, PostgreSQL types, comments and keys."""
    con = duckdb.connect(str(candidate), read_only=True)
    try:
        tables = []
        for name, comment in con.execute(
            "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = ? "
            "AND database_name = current_database() ORDER BY 1",
            [MARTS],
        ).fetchall():
            columns = []
            for column, data_type, column_comment in con.execute(
                "SELECT column_name, data_type, comment FROM duckdb_columns() "
                "WHERE schema_name = ? AND table_name = ? AND database_name = current_database() "
                "ORDER BY column_index",
                [MARTS, name],
            ).fetchall():
                pg_type = postgres_type(data_type)
                if pg_type is None:
                    raise PostgresPublicationFailed(
                        f"marts.{name}.{column} is {data_type}, which has no PostgreSQL type "
                        "in the publication (dagster_project/lib/postgres.py, TYPES)"
                    )
                columns.append((column, pg_type, column_comment or ""))
            tables.append(Table(name, comment or "", columns, primary_keys.get(name, ())))
        return tables
    finally:
        con.close()


def publish(
    url: str,
    candidate: Path,
    leaders: Iterable[tuple[str, str]],
    primary_keys: dict[str, tuple[str, ...]],
    run_id: str,
    work_dir: Path,
) -> PostgresOutcome:
    """Publish the candidate's marts to the database of url. Raises PostgresPublicationFailed
    naming the cause; the previous PostgreSQL publication then stands as it was."""
    import psycopg

    started = time.perf_counter()
    where = server_name(url)
    stage = "connecting"
    outcome = PostgresOutcome()
    try:
        tables = read_tables(candidate, primary_keys)
        fingerprint = _candidate_fingerprint(candidate)
        with connect(url) as con:
            stage = "creating the roles and schema maalbar"
            _prepare(con)
            stage = f"dropping what an earlier publication left ({LOADING}, {RETIRED_PREFIX}*)"
            outcome.notes += _drop_leftovers(con)
            stage = f"creating schema {LOADING}"
            con.execute(f"CREATE SCHEMA {LOADING}")
            for table in tables:
                stage = f"loading marts.{table.name}"
                outcome.rows[f"marts.{table.name}"] = _load(con, candidate, table, work_dir)
            con.commit()
            stage = "swapping the new marts in"
            outcome.warnings += _swap(con, sorted(set(leaders)), run_id, fingerprint, outcome)
    except PostgresPublicationFailed as err:
        raise PostgresPublicationFailed(f"PostgreSQL publication to {where}: {err}") from None
    except psycopg.Error as err:
        _drop_loading(url)
        raise PostgresPublicationFailed(
            f"PostgreSQL publication to {where} failed while {stage}: {_reason(err)}{_advice(err)}"
        ) from None
    outcome.seconds = time.perf_counter() - started
    return outcome


def _drop_loading(url: str) -> None:
    """What a failed publication loaded, dropped where the server still answers (else the
    next publication drops it first)."""
    import psycopg

    try:
        with connect(url) as con:
            con.execute(f"DROP SCHEMA IF EXISTS {LOADING} CASCADE")
    except psycopg.Error:
        pass


def _advice(err: Exception) -> str:
    """What the operator can do about the usual causes (docs/operations.md)."""
    import psycopg

    text = str(err)
    if isinstance(err, psycopg.errors.InsufficientPrivilege):
        return (
            ". The login needs CREATE on the database and CREATEROLE, and must own what "
            "Maalbar created before (docs/operations.md, PostgreSQL publication)"
        )
    if "password authentication failed" in text or "no password supplied" in text:
        return ". Check the user and password in MAALBAR_POSTGRES_URL"
    if isinstance(err, psycopg.OperationalError):
        return (
            ". Check that the server runs and that host, port and database in "
            "MAALBAR_POSTGRES_URL are right"
        )
    return ""


def _candidate_fingerprint(candidate: Path) -> str:
    con = duckdb.connect(str(candidate), read_only=True)
    try:
        return con.execute("SELECT input_fingerprint FROM meta.publication").fetchone()[0]
    finally:
        con.close()


OWN_DDL = f"""
CREATE SCHEMA IF NOT EXISTS {OWN};
CREATE TABLE IF NOT EXISTS {OWN}.ledere (
    login text NOT NULL,
    omkostningssted text NOT NULL,
    findes boolean NOT NULL,
    PRIMARY KEY (login, omkostningssted)
);
CREATE TABLE IF NOT EXISTS {OWN}.synlige_noder (
    login text NOT NULL,
    omkostningssted text NOT NULL,
    PRIMARY KEY (login, omkostningssted)
);
CREATE TABLE IF NOT EXISTS {OWN}.publikation (
    run_id text NOT NULL,
    published_at timestamp NOT NULL,
    input_fingerprint text NOT NULL
);
ALTER TABLE {OWN}.synlige_noder ENABLE ROW LEVEL SECURITY;
"""
OWN_COMMENTS = {
    f"SCHEMA {OWN}": "Maalbar's own tables beside the marts: the leaders' list, the nodes each "
    "leader sees, and the record of the publication.",
    f"TABLE {OWN}.ledere": "The leaders' list of the newest adgang/ledere file as published: "
    "which login leads which node, and whether the login exists in the server.",
    f"TABLE {OWN}.synlige_noder": "The nodes each leader sees in the marts: the nodes it leads, "
    "their subtrees and the nodes above them.",
    f"TABLE {OWN}.publikation": "The run whose marts are published, and the fingerprint of "
    "what they were built from.",
    f"ROLE {READER_ROLE}": "Maalbar: reads every table of marts.",
    f"ROLE {LEADER_ROLE}": "Maalbar: reads the marts under row-level security: the rows of the "
    "nodes a member leads, their subtrees and the nodes above them.",
}


def _prepare(con) -> None:
    """The group roles (created when missing, never dropped) and schema maalbar, committed."""
    from psycopg import sql

    for role in (READER_ROLE, LEADER_ROLE):
        exists = con.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone()
        if not exists:
            con.execute(f"CREATE ROLE {role} NOLOGIN")
    con.execute(OWN_DDL)
    for target, text in OWN_COMMENTS.items():
        con.execute(sql.SQL(f"COMMENT ON {target} IS {{}}").format(sql.Literal(text)))
    # A leader reads its own rows of the mapping: the marts' policies look its nodes up there.
    exists = con.execute(
        "SELECT 1 FROM pg_policies WHERE schemaname = %s AND tablename = 'synlige_noder' "
        "AND policyname = 'egne_noder'",
        [OWN],
    ).fetchone()
    if not exists:
        con.execute(
            f"CREATE POLICY egne_noder ON {OWN}.synlige_noder FOR SELECT TO {LEADER_ROLE} "
            "USING (login = current_user)"
        )
    con.execute(f"GRANT USAGE ON SCHEMA {OWN} TO {LEADER_ROLE}")
    con.execute(f"GRANT SELECT ON {OWN}.synlige_noder TO {LEADER_ROLE}")
    con.commit()


def _drop_leftovers(con) -> list[str]:
    """The loading schema of a run that stopped, and the retired marts a reader held open
    when they were swapped out. A retired schema still held is left for the next run."""
    import psycopg

    notes = []
    con.execute(f"DROP SCHEMA IF EXISTS {LOADING} CASCADE")
    con.commit()
    retired = [
        row[0]
        for row in con.execute(
            "SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s) ORDER BY 1",
            [RETIRED_PREFIX],
        ).fetchall()
    ]
    for schema in retired:
        try:
            con.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT_SECONDS}s'")
            con.execute(f"DROP SCHEMA {schema} CASCADE")
            con.commit()
        except psycopg.errors.LockNotAvailable:
            con.rollback()
            notes.append(f"PostgreSQL: {schema} is still held open by a reader; dropped later")
    return notes


def _load(con, candidate: Path, table: Table, work_dir: Path) -> int:
    """One mart into the loading schema: its rows by COPY, then its key, comments, grants and
    row-level security. Returns the rows loaded."""
    from psycopg import sql

    target = sql.Identifier(LOADING, table.name)
    columns = sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(pg_type))
        for name, pg_type, _ in table.columns
    )
    con.execute(sql.SQL("CREATE TABLE {} ({})").format(target, columns))
    copy_rows(
        con, candidate, MARTS, table.name, target, [name for name, _, _ in table.columns], work_dir
    )
    if table.primary_key:
        con.execute(
            sql.SQL("ALTER TABLE {} ADD PRIMARY KEY ({})").format(
                target, sql.SQL(", ").join(sql.Identifier(c) for c in table.primary_key)
            )
        )
    con.execute(sql.SQL("COMMENT ON TABLE {} IS {}").format(target, sql.Literal(table.comment)))
    for name, _, comment in table.columns:
        con.execute(
            sql.SQL("COMMENT ON COLUMN {} IS {}").format(
                sql.Identifier(LOADING, table.name, name), sql.Literal(comment)
            )
        )
    con.execute(
        sql.SQL("GRANT SELECT ON {} TO {}, {}").format(
            target, sql.Identifier(READER_ROLE), sql.Identifier(LEADER_ROLE)
        )
    )
    if table.has_node:
        con.execute(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(target))
        con.execute(
            sql.SQL("CREATE POLICY laeser_alle ON {} FOR SELECT TO {} USING (true)").format(
                target, sql.Identifier(READER_ROLE)
            )
        )
        con.execute(
            sql.SQL(
                "CREATE POLICY leder_egne_noder ON {} FOR SELECT TO {} USING (omkostningssted IN "
                "(SELECT s.omkostningssted FROM {} s WHERE s.login = current_user))"
            ).format(target, sql.Identifier(LEADER_ROLE), sql.Identifier(OWN, "synlige_noder"))
        )
    con.execute(sql.SQL("ANALYZE {}").format(target))
    return con.execute(sql.SQL("SELECT count(*) FROM {}").format(target)).fetchone()[0]


def copy_rows(
    con, database: Path, schema: str, table: str, target, columns: list[str], work_dir: Path
) -> None:
    """The rows of table `schema.table` of the DuckDB file `database` into the PostgreSQL
    table target (a psycopg sql.Composable) by COPY, in con's transaction."""
    from psycopg import sql

    work_dir.mkdir(parents=True, exist_ok=True)
    export = work_dir / f"{schema}.{table}.csv"
    duck = duckdb.connect(str(database), read_only=True)
    try:
        # Every value quoted, NULL unquoted and empty: PostgreSQL's CSV tells an empty text
        # from a NULL that way. DuckDB writes a DOUBLE in the shortest form that reads back
        # as the same number, so the figures arrive to the last bit.
        duck.execute(
            f'COPY (SELECT * FROM "{schema}"."{table}") TO \'{export}\' '
            "(FORMAT csv, HEADER false, FORCE_QUOTE *)"
        )
    finally:
        duck.close()
    names = sql.SQL(", ").join(sql.Identifier(name) for name in columns)
    try:
        with (
            con.cursor() as cursor,
            cursor.copy(
                sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(target, names)
            ) as copy,
            export.open("rb") as data,
        ):
            while block := data.read(1 << 20):
                copy.write(block)
    finally:
        export.unlink(missing_ok=True)


def _swap(con, leaders, run_id: str, fingerprint: str, outcome: PostgresOutcome) -> list[str]:
    """The loaded schema becomes `marts`, in one transaction with the leaders' mapping, the
    memberships and the record of the publication; the previous marts are dropped in it.
    Each attempt waits LOCK_TIMEOUT_SECONDS for the readers holding the previous marts open;
    after SWAP_ATTEMPTS the swap takes place without waiting for them, and the previous
    tables are left to a later run to drop. Returns the warnings about the leaders' list."""
    import psycopg
    from psycopg import sql

    retired = RETIRED_PREFIX + "".join(ch for ch in run_id if ch.isalnum())[:12].lower()
    for attempt in range(SWAP_ATTEMPTS + 1):
        waiting = attempt < SWAP_ATTEMPTS
        try:
            con.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT_SECONDS}s'")
            previous = [
                row[0]
                for row in con.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY 1", [MARTS]
                ).fetchall()
            ]
            if previous and waiting:
                # Waits for the transactions reading the previous marts: they end, and no
                # reader is left reading tables that are about to be dropped.
                con.execute(
                    sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(
                        sql.SQL(", ").join(sql.Identifier(MARTS, name) for name in previous)
                    )
                )
            exists = con.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [MARTS])
            if exists.fetchone():
                con.execute(f"ALTER SCHEMA {MARTS} RENAME TO {retired}")
            con.execute(f"ALTER SCHEMA {LOADING} RENAME TO {MARTS}")
            con.execute(f"GRANT USAGE ON SCHEMA {MARTS} TO {READER_ROLE}, {LEADER_ROLE}")
            con.execute(
                f"COMMENT ON SCHEMA {MARTS} IS 'Maalbar''s published marts (run {run_id}); "
                "docs/published.md describes every table.'"
            )
            warnings = _access(con, leaders)
            con.execute(f"DELETE FROM {OWN}.publikation")
            con.execute(
                f"INSERT INTO {OWN}.publikation VALUES (%s, localtimestamp, %s)",
                [run_id, fingerprint],
            )
            if waiting:
                con.execute(f"DROP SCHEMA IF EXISTS {retired} CASCADE")
            con.commit()
            if not waiting:
                outcome.notes.append(
                    f"PostgreSQL: a reader held the previous marts open for more than "
                    f"{SWAP_ATTEMPTS} x {LOCK_TIMEOUT_SECONDS} s; the new marts are in place, "
                    f"and the previous ones ({retired}) are dropped by a later run"
                )
            return warnings
        except psycopg.errors.LockNotAvailable:
            con.rollback()
            time.sleep(SWAP_PAUSE_SECONDS)
    raise AssertionError("unreachable: the last attempt does not wait for locks")


def _access(con, leaders: list[tuple[str, str]]) -> list[str]:
    """The leaders' list, the nodes each login sees, and the members of maalbar_leder: every
    listed login that exists, and no other. Returns a warning per login that does not
    exist and per listed node that is not in the published organisation."""
    from psycopg import sql

    logins = sorted({login for login, _ in leaders})
    existing = {
        row[0]
        for row in con.execute(
            "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", [logins]
        ).fetchall()
    }
    warnings = [
        f"login {login} of the leaders' list does not exist in the PostgreSQL server; it "
        "is granted nothing until it is created and a run publishes again"
        for login in logins
        if login not in existing
    ]
    con.execute(f"DELETE FROM {OWN}.ledere")
    con.execute(f"DELETE FROM {OWN}.synlige_noder")
    with con.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {OWN}.ledere VALUES (%s, %s, %s)",
            [(login, node, login in existing) for login, node in leaders],
        )
    unknown = con.execute(
        f"SELECT login, omkostningssted FROM {OWN}.ledere WHERE omkostningssted NOT IN "
        f"(SELECT omkostningssted FROM {MARTS}.dim_organisation) ORDER BY 1, 2"
    ).fetchall()
    warnings += [
        f"login {login} leads node {node}, which is not in the published organisation; "
        "it sees no rows for that node"
        for login, node in unknown
    ]
    # The nodes each login leads, every node below them, and every node above them.
    con.execute(
        f"""
        INSERT INTO {OWN}.synlige_noder (login, omkostningssted)
        WITH RECURSIVE
        org AS (SELECT omkostningssted, overordnet FROM {MARTS}.dim_organisation),
        ned (login, omkostningssted) AS (
            SELECT l.login, l.omkostningssted FROM {OWN}.ledere l
            JOIN org ON org.omkostningssted = l.omkostningssted
            UNION
            SELECT ned.login, org.omkostningssted FROM ned
            JOIN org ON org.overordnet = ned.omkostningssted
        ),
        op (login, omkostningssted) AS (
            SELECT l.login, l.omkostningssted FROM {OWN}.ledere l
            JOIN org ON org.omkostningssted = l.omkostningssted
            UNION
            SELECT op.login, org.overordnet FROM op
            JOIN org ON org.omkostningssted = op.omkostningssted
            WHERE org.overordnet IS NOT NULL
        )
        SELECT login, omkostningssted FROM ned
        UNION
        SELECT login, omkostningssted FROM op
        """
    )
    members = {
        row[0]
        for row in con.execute(
            "SELECT member.rolname FROM pg_auth_members m "
            "JOIN pg_roles grp ON grp.oid = m.roleid "
            "JOIN pg_roles member ON member.oid = m.member WHERE grp.rolname = %s",
            [LEADER_ROLE],
        ).fetchall()
    }
    for login in sorted(existing - members):
        con.execute(
            sql.SQL("GRANT {} TO {}").format(sql.Identifier(LEADER_ROLE), sql.Identifier(login))
        )
    for login in sorted(members - existing):
        con.execute(
            sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(LEADER_ROLE), sql.Identifier(login))
        )
    return warnings


def published_fingerprint(url: str) -> str | None:
    """The input fingerprint of the marts published in the database of url; None when there
    is none or the server cannot be asked (a run then publishes, or names why it cannot)."""
    import psycopg

    try:
        with connect(url) as con:
            row = con.execute(
                "SELECT input_fingerprint FROM maalbar.publikation "
                "WHERE to_regnamespace('marts') IS NOT NULL"
            ).fetchone()
    except psycopg.Error:
        return None
    return row[0] if row else None
