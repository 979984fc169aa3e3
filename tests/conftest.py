"""Shared fixtures: a temporary data folder, a writer for contract-shaped exports, and one
real run of the demo municipality (scale S) for the tests that read a publication."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dagster_project.lib.config import Settings


def write_export(path: Path, header: str, rows: list[str], encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode(encoding))
    return path


ORGANISATION_HEADER = "omkostningssted;navn;overordnet;niveau;fagudvalg;ydelse"
ORGANISATION_ROWS = [
    "0100;Kommunen;;kommune;;",
    "0110;Børn og Unge;0100;omraade;BUU;",
    "0111;Dagpleje Øst;0110;enhed;;DAGPLEJE",
    "0112;Dagpleje Vest;0110;enhed;;DAGPLEJE",
    "0120;Ældre;0100;omraade;SOU;",
    "0121;Hjemmeplejen;0120;enhed;;HJEMMEPLEJE_TIMER",
]
POSTINGS_HEADER = "bilagsnr;posteringsdato;omkostningssted;funktion;dranst;art;beloeb;tekst"


@pytest.fixture
def data_settings(tmp_path, monkeypatch) -> Settings:
    monkeypatch.setenv("MAALBAR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("MAALBAR_LANDING_DIR", raising=False)
    settings = Settings(data_dir=tmp_path / "data", landing_dir=tmp_path / "data" / "landing")
    settings.ensure_dirs()
    settings.landing_dir.mkdir(parents=True, exist_ok=True)
    return settings


MAALBAR = str(Path(sys.executable).parent / "maalbar")


def maalbar_env(data_dir: Path, landing: Path) -> dict[str, str]:
    return {
        **os.environ,
        "MAALBAR_DATA_DIR": str(data_dir),
        "MAALBAR_LANDING_DIR": str(landing),
        "MAALBAR_PSEUDONYM_KEY": "test-key-not-secret",
        "DAGSTER_HOME": str(data_dir / "dagster"),
    }


def maalbar_run(data_dir: Path, landing: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [MAALBAR, "run"],
        env=maalbar_env(data_dir, landing),
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.fixture(scope="session")
def demo_landing(tmp_path_factory) -> Path:
    """The demo municipality's exports (scale S); tests copy it before they change it."""
    landing = tmp_path_factory.mktemp("landing")
    subprocess.run(
        [MAALBAR, "demo", "--out", str(landing), "--scale", "S"], check=True, capture_output=True
    )
    return landing


@pytest.fixture(scope="session")
def reference_run(tmp_path_factory, demo_landing) -> Path:
    """The data folder of one `maalbar run` on demo_landing, shared by the tests that only
    read it (a run takes about a minute)."""
    data = tmp_path_factory.mktemp("reference")
    result = maalbar_run(data, demo_landing)
    assert result.returncode == 0, result.stderr[-3000:]
    return data


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server of its own for the session (tests/postgres_server.py)."""
    from tests import postgres_server as server_module

    if server_module.binaries() is None:
        pytest.skip("PostgreSQL's server binaries are not installed (.ci/run installs them)")
    server = server_module.start()
    try:
        yield server
    finally:
        server.stop()
