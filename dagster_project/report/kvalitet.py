"""Data quality, on one page a person can read: what blocked, what warned, per file and
check, with the rows that failed.

From the publication's audit trail (meta.check_results, meta.file_ledger,
meta.rejected_rows). The checks of the run that published are all passed or warnings (a
failed blocking check stops a run before it publishes); the blocking failures shown are
those of the runs that stopped since, kept in meta.check_results, and the files that were
quarantined.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime

from dagster_project.lib.formatting import format_number
from dagster_project.report.data import Publication
from dagster_project.report.site import Page
from dagster_project.report.words import short_date

# GX's and dbt's rules in words. An unknown one is shown by its own name.
RULES = {
    "expect_column_values_to_not_be_null": "må ikke være tom",
    "expect_column_values_to_be_unique": "skal være entydig",
    "expect_compound_columns_to_be_unique": "skal være entydige sammen",
    "expect_column_values_to_be_between": "skal ligge inden for grænserne",
    "expect_column_values_to_be_in_set": "skal være en af de tilladte værdier",
    "expect_column_values_to_match_regex": "skal have det rigtige format",
    "expect_column_values_to_be_of_type": "skal have den rigtige type",
    "expect_column_to_exist": "kolonnen skal findes",
    "expect_table_columns_to_match_set": "tabellens kolonner skal være de aftalte",
    "expect_table_columns_to_match_ordered_list": "tabellens kolonner skal være de aftalte",
    "expect_table_row_count_to_be_between": "antallet af rækker skal ligge inden for grænserne",
    "expect_column_pair_values_a_to_be_greater_than_b": "den ene kolonne skal være større",
}
FILE_STATUS = {
    "loaded": "Indlæst",
    "quarantined": "I karantæne",
    "superseded": "Erstattet af en nyere levering",
    "withdrawn": "Trukket tilbage",
}
SEVERITY = {"blocking": "Blokerende", "warning": "Advarsel"}
REJECTED_SHOWN = 20  # rejected rows shown per file; the rest are counted
# The keys a check's rows are named by, in words where they are not column names.
KEYS = {"file_name": "fil", "line_number": "linje"}


def rule_text(expectation: str, column: str | None) -> str:
    words = RULES.get(expectation)
    if words is None:
        return f"{expectation}" + (f" ({column})" if column else "")
    return f"{column}: {words}" if column else words[0].upper() + words[1:]


def observed_text(observed: str | None) -> str:
    """What a failed check found, in words: the count and the first rows with their key."""
    if not observed:
        return ""
    try:
        found = json.loads(observed)
    except ValueError:
        return observed  # cut at 2,000 characters when stored, or a dbt test's own text
    if not isinstance(found, dict):
        return str(found)
    parts = []
    if found.get("unexpected_count"):
        count = found["unexpected_count"]
        parts.append(f"{format_number(count, 0)} {'række' if count == 1 else 'rækker'}")
    if "observed_value" in found:
        parts.append(f"fundet: {found['observed_value']}")
    examples = found.get("partial_unexpected_list") or []
    if examples:
        shown = []
        for example in examples[:5]:
            if isinstance(example, dict):
                shown.append(
                    ", ".join(f"{KEYS.get(key, key)} {value}" for key, value in example.items())
                )
            else:
                shown.append(str(example))
        parts.append("Fx " + "; ".join(shown))
    if found.get("exception"):
        parts.append(f"fejl: {found['exception']}")
    return ". ".join(parts) or observed


def _when(value: datetime | None) -> str:
    return short_date(value) if value else ""


def pages(pub: Publication) -> list[Page]:
    checks = pub.rows("meta.check_results")
    ledger = pub.rows("meta.file_ledger")
    rejected = pub.rows("meta.rejected_rows")
    this_run = [c for c in checks if c["run_id"] == pub.run_id]
    warnings = [c for c in this_run if not c["passed"] and c.get("severity") == "warning"]
    blocked = [
        c for c in checks if not c["passed"] and (c.get("severity") or "blocking") == "blocking"
    ]
    blocked_runs = defaultdict(list)
    for check in sorted(blocked, key=lambda c: (c["checked_at"], c["asset"])):
        blocked_runs[check["run_id"]].append(check)

    files_by_table = defaultdict(list)
    for entry in ledger:
        if entry["status"] == "loaded":
            files_by_table[f"raw.{entry['raw_table']}"].append(entry["file_name"])

    by_asset = defaultdict(list)
    for check in this_run:
        by_asset[check["asset"]].append(check)
    assets = []
    for asset in sorted(by_asset, key=lambda a: (not a.startswith("raw."), a)):
        found = by_asset[asset]
        assets.append(
            {
                "asset": asset,
                "files": sorted(files_by_table.get(asset, [])),
                "count": len(found),
                "passed": sum(1 for c in found if c["passed"]),
                "warned": sum(
                    1 for c in found if not c["passed"] and c.get("severity") == "warning"
                ),
                "failed": sum(
                    1
                    for c in found
                    if not c["passed"] and (c.get("severity") or "blocking") == "blocking"
                ),
            }
        )

    rows_by_file = defaultdict(list)
    for row in sorted(rejected, key=lambda r: (r["file_name"], r["line_number"] or 0)):
        rows_by_file[(row["file_name"], row["file_sha256"])].append(row)

    files = []
    for entry in sorted(ledger, key=lambda e: (e["seen_at"], e["file_name"]), reverse=True):
        reason = entry.get("reason") or ""
        status_text = FILE_STATUS.get(entry["status"], entry["status"])
        if entry["status"] == "superseded" and reason.startswith("replaced by "):
            status_text, reason = f"Erstattet af {reason.removeprefix('replaced by ')}", ""
        if entry["status"] == "withdrawn" and entry.get("withdrawn_at"):
            reason = (
                f"trukket tilbage af {entry['withdrawn_by']} "
                f"{_when(entry['withdrawn_at'])}: {entry['withdrawn_reason']}"
            )
        files.append(
            {
                "entry": entry,
                "status": status_text,
                "reason": reason,
                "warnings": entry.get("warnings") or "",
                "rejected": rows_by_file.get((entry["file_name"], entry["file_sha256"]), []),
            }
        )
    quarantined = [f for f in files if f["entry"]["status"] == "quarantined"]
    with_rejected = [f for f in files if f["rejected"]]

    return [
        Page(
            name="kvalitet",
            template="kvalitet.html.j2",
            niveau="kvalitet",
            title="Datakvalitet",
            context={
                "checks_total": len(this_run),
                "checks_passed": sum(1 for c in this_run if c["passed"]),
                "warnings": [
                    {
                        "check": c,
                        "rule": rule_text(c["expectation"], c["column_name"]),
                        "found": observed_text(c["observed"]),
                        "files": sorted(files_by_table.get(c["asset"], [])),
                    }
                    for c in warnings
                ],
                "blocked_runs": [
                    {
                        "run_id": run_id,
                        "when": _when(found[0]["checked_at"]),
                        "checks": [
                            {
                                "check": c,
                                "rule": rule_text(c["expectation"], c["column_name"]),
                                "found": observed_text(c["observed"]),
                            }
                            for c in found
                        ],
                    }
                    for run_id, found in blocked_runs.items()
                ],
                "quarantined": quarantined,
                "files": files,
                "with_rejected": with_rejected,
                "rejected_shown": REJECTED_SHOWN,
                "assets": assets,
                "loaded": sum(1 for f in files if f["entry"]["status"] == "loaded"),
            },
        )
    ]
