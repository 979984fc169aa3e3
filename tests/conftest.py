"""Shared fixtures: a temporary data folder and a writer for contract-shaped exports."""

from __future__ import annotations

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
