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


def test_the_monthly_schedule_runs_by_default_and_the_others_wait_to_be_switched_on():
    """docs/deploy.md and docs/operations.md state these defaults; a deployed daemon runs
    the monthly publication without a click."""
    status = {s.name: s.default_status for s in defs.schedules}
    status.update({s.name: s.default_status for s in defs.sensors})
    assert status == {
        "nightly": dg.DefaultScheduleStatus.STOPPED,
        "after_period_closing": dg.DefaultScheduleStatus.RUNNING,
        "landing_folder": dg.DefaultSensorStatus.STOPPED,
    }


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
