"""When the pipeline runs by itself: nightly, monthly after period closing, and whenever
files land. All three start the same job; a run with nothing new is cheap and publishes the
same figures."""

import hashlib
import os

import dagster as dg

from dagster_project.lib import config

JOB_NAME = "maalbar"

nightly = dg.ScheduleDefinition(
    name="nightly",
    job_name=JOB_NAME,
    cron_schedule="0 2 * * *",
    execution_timezone="Europe/Copenhagen",
    description="Every night at 02:00: picks up whatever landed during the day. Off until "
    "switched on (docs/deploy.md).",
    default_status=dg.DefaultScheduleStatus.STOPPED,
)

# Finance closes a month in the first working days of the next; the 6th at 06:00 follows
# the usual closing calendar of Danish municipalities.
after_period_closing = dg.ScheduleDefinition(
    name="after_period_closing",
    job_name=JOB_NAME,
    cron_schedule="0 6 6 * *",
    execution_timezone="Europe/Copenhagen",
    description="The 6th of every month at 06:00, after the previous month is closed. On "
    "wherever a Dagster daemon runs (docs/deploy.md).",
    # The monthly publication is what the municipality relies on: a deployed daemon runs it
    # without a click. The nightly run and the sensor are extra, and off until wanted.
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


def landing_fingerprint(landing) -> str:
    """Names, sizes and modification times of every landing file: changes when files land,
    are replaced or removed, without reading their contents."""
    digest = hashlib.sha256()
    if landing.is_dir():
        for root, _, files in sorted(os.walk(landing)):
            for name in sorted(files):
                stat = os.stat(os.path.join(root, name))
                digest.update(f"{root}/{name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


@dg.sensor(
    name="landing_folder",
    job_name=JOB_NAME,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Starts a run when files land in, or change in, the landing folder. Off until "
    "switched on (docs/deploy.md).",
)
def landing_sensor(context: dg.SensorEvaluationContext):
    fingerprint = landing_fingerprint(config.settings().landing_dir)
    if fingerprint == context.cursor:
        return dg.SkipReason("nothing new in the landing folder")
    context.update_cursor(fingerprint)
    # The fingerprint is the run key: the same landing state never starts two runs.
    return dg.RunRequest(run_key=fingerprint)


schedules = [nightly, after_period_closing]
sensors = [landing_sensor]
