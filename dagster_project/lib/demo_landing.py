"""Whether the landing folder holds the demo municipality and nothing else.

The public demo pseudonymisation key (`config.DEMO_PSEUDONYM_KEY`) may pseudonymise the demo's
invented CPR numbers, never real ones: `make run` uses it only while every landing file is
one the demo wrote, byte for byte (recorded by SHA-256 in the data folder when the demo is
written into the landing folder).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from dagster_project.lib.config import Settings

MANIFEST = "demo-landing.json"


def _files(landing: Path) -> dict[str, str]:
    return {
        str(path.relative_to(landing)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(landing.rglob("*"))
        if path.is_file()
    }


def record(settings: Settings) -> None:
    """Note the landing folder's files as the demo's (called right after writing it)."""
    manifest = settings.data_dir / MANIFEST
    manifest.write_text(json.dumps(_files(settings.landing_dir), indent=1), encoding="utf-8")


def foreign_files(settings: Settings) -> list[str]:
    """The landing files the demo did not write (changed ones included); all of them when
    no demo was written into this landing folder."""
    manifest = settings.data_dir / MANIFEST
    demo = json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else {}
    return [name for name, sha in _files(settings.landing_dir).items() if demo.get(name) != sha]
