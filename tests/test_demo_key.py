"""The public demo key pseudonymises the demo municipality, never a real export: `make run`
(`maalbar run --demo-if-empty --demo-key`) refuses without MAALBAR_PSEUDONYM_KEY as soon
as the landing folder holds a file the demo did not write."""

from __future__ import annotations

from dagster_project import cli
from dagster_project.lib import demo_landing
from tests.conftest import ORGANISATION_HEADER, ORGANISATION_ROWS, write_export


def test_a_real_export_without_a_key_is_refused_before_anything_runs(
    data_settings, monkeypatch, capsys
):
    monkeypatch.delenv("MAALBAR_PSEUDONYM_KEY", raising=False)
    write_export(
        data_settings.landing_dir / "organisation" / "organisation_20250105.csv",
        ORGANISATION_HEADER,
        ORGANISATION_ROWS,
    )
    assert cli.main(["run", "--demo-if-empty", "--demo-key"]) == 1
    err = capsys.readouterr().err
    assert "MAALBAR_PSEUDONYM_KEY is not set" in err
    assert "organisation/organisation_20250105.csv" in err
    assert not data_settings.warehouse_path.exists()


def test_the_demo_is_recognised_by_its_bytes(data_settings):
    landing = data_settings.landing_dir
    write_export(landing / "organisation" / "organisation_20250105.csv", "a;b", ["1;2"])
    write_export(landing / "oekonomi" / "posteringer_202501.csv", "a;b", ["1;2"])
    assert len(demo_landing.foreign_files(data_settings)) == 2  # no demo written here
    demo_landing.record(data_settings)
    assert demo_landing.foreign_files(data_settings) == []
    # A demo file changed, and a file added: both are not the demo's.
    write_export(landing / "oekonomi" / "posteringer_202501.csv", "a;b", ["1;3"])
    write_export(landing / "oekonomi" / "posteringer_202502.csv", "a;b", ["1;2"])
    assert demo_landing.foreign_files(data_settings) == [
        "oekonomi/posteringer_202501.csv",
        "oekonomi/posteringer_202502.csv",
    ]
