"""Run one command and measure it: wall time, peak memory, exit code, what it left running.

Peak memory is taken two ways. The largest single process comes from GNU `/usr/bin/time -v`
when it is installed, else from the kernel's rusage of the reaped child (`os.wait4`); both
cover the child and every descendant it waited for. Because `maalbar run` starts `dbt` as a
second process, the sum over the whole process group is also sampled from /proc, which is
what the machine actually has to hold.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

GNU_TIME = Path("/usr/bin/time")
SAMPLE_SECONDS = 0.2
# How long processes of the group may outlive the command before they are ended.
LEFTOVER_GRACE_SECONDS = 30.0
TAIL_LINES = 40


@dataclass
class Measurement:
    command: list[str]
    exit_code: int | None  # None: ended by the harness at the timeout
    wall_seconds: float
    started_at: float  # epoch seconds, to line the run up with its own event timestamps
    peak_rss_mib: float | None  # largest single process
    peak_group_mib: float | None  # sum over the process group, sampled
    memory_method: str
    timed_out: bool = False
    leftover: list[str] = field(default_factory=list)  # still running after the command ended
    leftover_ended_by_harness: bool = False
    load_average_before: float | None = None
    load_average_after: float | None = None
    output_path: str = ""
    output_tail: str = ""

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.timed_out

    def to_dict(self) -> dict:
        return asdict(self)


def gnu_time_available() -> bool:
    """BusyBox and shell built-ins have no `-v`; only trust a time that prints the RSS line."""
    if not (GNU_TIME.is_file() and os.access(GNU_TIME, os.X_OK)):
        return False
    try:
        probe = subprocess.run(
            [str(GNU_TIME), "-v", "true"], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return "Maximum resident set size" in probe.stderr


def memory_method(use_gnu_time: bool) -> str:
    single = "/usr/bin/time -v" if use_gnu_time else "os.wait4 rusage (ru_maxrss)"
    group = (
        f"sum of RSS over the process group sampled every {SAMPLE_SECONDS} s from /proc"
        if Path("/proc/self/stat").exists()
        else "not available (no /proc)"
    )
    return f"largest process: {single}; whole run: {group}"


def _proc_stat(pid: int) -> tuple[str, int, int] | None:
    """(state, process group, RSS bytes) of a live process, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may itself hold spaces or parentheses.
    fields = text[text.rfind(")") + 2 :].split()
    return fields[0], int(fields[2]), int(fields[21]) * os.sysconf("SC_PAGE_SIZE")


def group_members(pgid: int) -> dict[int, int]:
    """pid -> RSS bytes of every live, non-zombie process in the group."""
    members = {}
    proc = Path("/proc")
    if not proc.is_dir():
        return members
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        stat = _proc_stat(int(entry.name))
        if stat and stat[1] == pgid and stat[0] != "Z":
            members[int(entry.name)] = stat[2]
    return members


def _command_line(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        # Kernel threads and processes on their way out have no command line; the name stays.
        raw = raw or Path(f"/proc/{pid}/comm").read_bytes()
    except OSError:
        return f"pid {pid}"
    return f"pid {pid}: " + raw.replace(b"\0", b" ").decode(errors="replace").strip()[:200]


def _end_group(pgid: int) -> None:
    """End the processes this harness started (its own process group), politely first."""
    for sig, wait in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 2.0)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, sig)
        deadline = time.monotonic() + wait
        while group_members(pgid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if not group_members(pgid):
            return


def _parse_gnu_time(report: Path) -> float | None:
    """Maximum resident set size in MiB from a `time -v` report."""
    try:
        text = report.read_text(errors="replace")
    except OSError:
        return None
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    return int(found.group(1)) / 1024 if found else None


def _load_average() -> float | None:
    """One-minute load: above the number of cores, other work competed with the run."""
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None


def tail(path: Path, lines: int = TAIL_LINES) -> str:
    try:
        text = path.read_bytes()[-20000:].decode(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def run_measured(
    command: list[str],
    *,
    env: dict[str, str],
    cwd: Path,
    output_path: Path,
    timeout: float | None,
    use_gnu_time: bool,
) -> Measurement:
    """Run `command` to its end with stdout and stderr in `output_path`, and measure it."""
    output_path.parent.mkdir(parents=True, exist_ok=True)
    time_report = output_path.with_suffix(".time.txt")
    time_report.unlink(missing_ok=True)
    full = [str(GNU_TIME), "-v", "-o", str(time_report), *command] if use_gnu_time else command
    # What the harness (copying a data folder back, say) or an earlier run wrote is flushed
    # to disk first, untimed: the kernel would otherwise write it back during this run.
    os.sync()
    load_before = _load_average()
    peak_group = 0
    timed_out = False
    started_at = time.time()
    started = time.perf_counter()
    with output_path.open("wb") as out:
        # A session of its own: the whole run, dbt included, is one process group to watch.
        child = subprocess.Popen(
            full, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd, start_new_session=True
        )
        pgid = child.pid
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            peak_group = max(peak_group, sum(group_members(pgid).values()))
            if timeout and time.perf_counter() - started > timeout:
                timed_out = True
                _end_group(pgid)
            time.sleep(SAMPLE_SECONDS)
        wall = time.perf_counter() - started
        # wait4 reaped the child behind Popen's back; tell it, so it does not wait again.
        child.returncode = os.waitstatus_to_exitcode(status)

    leftover_pids = group_members(pgid)
    leftover = [_command_line(pid) for pid in leftover_pids]
    ended_by_harness = False
    deadline = time.monotonic() + LEFTOVER_GRACE_SECONDS
    while leftover_pids and time.monotonic() < deadline:
        peak_group = max(peak_group, sum(leftover_pids.values()))
        time.sleep(SAMPLE_SECONDS)
        leftover_pids = group_members(pgid)
    if leftover_pids:
        _end_group(pgid)
        ended_by_harness = True

    peak_single = _parse_gnu_time(time_report) if use_gnu_time else None
    if peak_single is None:
        peak_single = usage.ru_maxrss / 1024  # kilobytes on Linux
    return Measurement(
        command=command,
        exit_code=None if timed_out else child.returncode,
        wall_seconds=round(wall, 3),
        started_at=started_at,
        peak_rss_mib=round(peak_single, 1),
        peak_group_mib=round(peak_group / 2**20, 1) if peak_group else None,
        memory_method=memory_method(use_gnu_time),
        timed_out=timed_out,
        leftover=leftover,
        leftover_ended_by_harness=ended_by_harness,
        load_average_before=load_before,
        load_average_after=_load_average(),
        output_path=str(output_path),
        output_tail=tail(output_path),
    )
