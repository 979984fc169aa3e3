"""What lies in the landing folder that no file pattern of sources.md matches."""

from __future__ import annotations

from pathlib import Path

from dagster_project.lib.config import Settings


def unknown_files(settings: Settings) -> list[Path]:
    from dagster_project.defs.ingest.assets import ALL_SPECS

    unknown = []
    root = settings.landing_dir
    if not root.is_dir():
        return unknown
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(root)
        source = relative.parts[0] if len(relative.parts) == 2 else None
        if not any(spec.source == source and spec.match(path.name) for spec in ALL_SPECS):
            unknown.append(relative)
    return unknown
