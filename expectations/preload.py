"""Imported by the GX workers' fork server (`expectations.pool`): GX is loaded and has
validated once before the first worker is forked, so every worker starts ready."""

import contextlib

from expectations import pool

# On an error each worker warms itself instead, where the error is reported.
with contextlib.suppress(Exception):
    pool.warm()
