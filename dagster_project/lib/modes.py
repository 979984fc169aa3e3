"""File modes of what Maalbar writes (docs/privacy.md, docs/operations.md).

Every command runs with umask 077 (`cli.main`): what it creates is readable by its owner
only. The publication is the exception a municipality may open: what is written into
`published/` (the database and its Parquet export, and anything else published there, such
as a report, through `open_like`) is given the read access that `published/` itself grants
its group and others, so that opening the folder to a BI reader group
(docs/operations.md) opens every later publication too.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def open_like(path: Path, folder: Path) -> None:
    """`path` (a file, or a folder and all in it) readable by the group and others exactly
    as far as `folder` is (read and search both granted), else by its owner only."""
    granted = stat.S_IMODE(folder.stat().st_mode)
    read = (0o040 if granted & 0o050 == 0o050 else 0) | (0o004 if granted & 0o005 == 0o005 else 0)
    search = read >> 2  # the x bit beside each r bit, for folders

    def apply(target: Path, is_dir: bool) -> None:
        os.chmod(target, (0o700 | read | search) if is_dir else (0o600 | read))

    if path.is_dir():
        for here, _, files in os.walk(path):
            apply(Path(here), True)
            for name in files:
                apply(Path(here) / name, False)
    else:
        apply(path, False)
