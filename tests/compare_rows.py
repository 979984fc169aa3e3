"""Rows of one table built by two engines, compared: equal values, doubles within a tolerance
(the engines add floating-point numbers in another order)."""

from __future__ import annotations

import math


def rows_equal(left: tuple, right: tuple, rel_tol: float, abs_tol: float) -> bool:
    return len(left) == len(right) and all(
        a == b
        or (
            isinstance(a, float)
            and isinstance(b, float)
            and math.isclose(a, b, rel_tol=rel_tol, abs_tol=abs_tol)
        )
        for a, b in zip(left, right, strict=True)
    )


def unmatched_rows(left: list[tuple], right: list[tuple], rel_tol: float, abs_tol: float) -> list:
    """Rows of left without a row of right equal to them, each with the first row of right
    that has its values other than doubles (none if no row has them)."""

    def key(row):
        return tuple(v for v in row if not isinstance(v, float))

    remaining: dict = {}
    for row in right:
        remaining.setdefault(key(row), []).append(row)
    found = []
    for row in left:
        candidates = remaining.get(key(row), [])
        match = next((o for o in candidates if rows_equal(row, o, rel_tol, abs_tol)), None)
        if match is None:
            found.append((row, candidates[:1]))
        else:
            candidates.remove(match)
    return found
