"""Schedules and the landing-folder sensor load, and the sensor fires on a new file."""

from __future__ import annotations

import dagster as dg

from dagster_project.definitions import defs
from dagster_project.defs.schedules import landing_sensor


def test_schedules_target_the_job():
    names = {s.name: s for s in defs.schedules}
    assert names["nightly"].cron_schedule == "0 2 * * *"
    assert names["after_period_closing"].cron_schedule == "0 6 6 * *"
    assert all(s.job_name == "maalbar" for s in names.values())


def test_sensor_fires_once_per_landing_state(data_settings):
    instance = dg.DagsterInstance.ephemeral()
    context = dg.build_sensor_context(instance=instance, cursor=None)
    first = landing_sensor(context)
    assert isinstance(first, dg.RunRequest)
    cursor = context.cursor

    context = dg.build_sensor_context(instance=instance, cursor=cursor)
    assert isinstance(landing_sensor(context), dg.SkipReason)

    (data_settings.landing_dir / "oekonomi").mkdir()
    (data_settings.landing_dir / "oekonomi" / "posteringer_202501.csv").write_text("x")
    context = dg.build_sensor_context(instance=instance, cursor=cursor)
    again = landing_sensor(context)
    assert isinstance(again, dg.RunRequest) and again.run_key != first.run_key
