"""A real PostgreSQL server for the tests: Debian's `postgresql` package (`.ci/run` installs it
when missing), a cluster initialised in a temporary folder, listening on 127.0.0.1 only, on a
free port, with password logins; stopped and removed at the end of the session.

initdb and pg_ctl refuse to run as root: as root they run as the `postgres` OS user the
package creates, on a folder that user owns.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "postgres"


def binaries() -> Path | None:
    """The newest PostgreSQL server binaries installed, e.g. /usr/lib/postgresql/15/bin."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parts[-3]),
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    bin_dir: Path
    folder: Path
    port: int
    password: str
    as_user: list[str]  # the command prefix that runs a server binary as its OS user

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, user: str = SUPERUSER, password: str | None = None, database: str = "postgres"):
        secret = self.password if password is None and user == SUPERUSER else password
        auth = f"{user}:{secret}" if secret is not None else user
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{database}"

    def admin(self, database: str = "postgres"):
        """A superuser connection in autocommit."""
        import psycopg

        return psycopg.connect(self.url(database=database), autocommit=True)

    def _run(self, *command: str) -> None:
        subprocess.run(
            [*self.as_user, *command], check=True, capture_output=True, text=True, timeout=120
        )

    def start(self) -> None:
        password_file = self.folder / "superuser-password"
        password_file.write_text(self.password + "\n")
        self._chown(password_file)
        self._run(
            str(self.bin_dir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            f"--pwfile={password_file}",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )
        password_file.unlink()
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -k {self.folder} "
            "-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
        )
        self._run(
            str(self.bin_dir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "server.log"),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self) -> None:
        try:
            self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _chown(self, path: Path) -> None:
        if os.geteuid() == 0:
            shutil.chown(path, user="postgres")


def start() -> Server:
    bin_dir = binaries()
    if bin_dir is None:
        raise FileNotFoundError("no PostgreSQL server binaries (initdb); .ci/run installs them")
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    folder = Path(tempfile.mkdtemp(prefix="maalbar-postgres-"))
    server = Server(bin_dir, folder, _free_port(), secrets.token_hex(12), as_user)
    server._chown(folder)
    try:
        server.start()
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return server
