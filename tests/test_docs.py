"""The repository explains itself: nothing in it points outside the clone.

Every tracked text file is searched for references to folders beside the repository, and
every relative Markdown link of README.md and docs/*.md must lead to a file or folder that a
fresh clone has (a tracked path, not something a run writes under data/).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path, PurePosixPath

import pytest

from dagster_project.lib.config import PROJECT_ROOT

# Written in two halves so that this file does not name what it searches for.
OUTSIDE = ("../" + "shared", "shared/" + "contracts")
TEXT_SUFFIXES = {".md", ".py", ".sql", ".yml", ".yaml", ".toml"}
TEXT_NAMES = {"Makefile"}

FENCE = re.compile(r"^\s*(```|~~~)")
CODE_SPAN = re.compile(r"`+[^`]*`+")
INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def tracked_files(root: Path) -> list[str]:
    """Paths (POSIX, relative to root) of the files git tracks under root."""
    listed = subprocess.run(
        ["git", "-C", str(root), "ls-files", "-z"], capture_output=True, check=False
    )
    if listed.returncode != 0:
        pytest.skip(f"not a git checkout: {listed.stderr.decode(errors='replace').strip()}")
    return [name for name in listed.stdout.decode().split("\0") if name]


def is_text_file(path: str) -> bool:
    pure = PurePosixPath(path)
    return pure.suffix in TEXT_SUFFIXES or pure.name in TEXT_NAMES


def outside_references(root: Path, files: list[str]) -> list[str]:
    """`file:line: text` of every line of a text file that names a place beside the clone."""
    found = []
    for path in filter(is_text_file, files):
        text = (root / path).read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if any(needle in line for needle in OUTSIDE):
                found.append(f"{path}:{number}: {line.strip()}")
    return found


def markdown_links(text: str) -> list[tuple[int, str]]:
    """(line, target) of every inline and reference link outside code blocks and spans."""
    links, in_fence = [], False
    for number, line in enumerate(text.splitlines(), start=1):
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        line = CODE_SPAN.sub("", line)
        links += [(number, target) for target in INLINE_LINK.findall(line)]
        reference = REFERENCE_LINK.match(line)
        if reference:
            links.append((number, reference.group(1)))
    return links


def broken_links(root: Path, files: list[str], pages: list[str]) -> list[str]:
    """`page:line: target (reason)` of every relative link that a clone cannot follow."""
    present = set(files)
    folders = {str(parent) for name in files for parent in PurePosixPath(name).parents}
    broken = []
    for page in pages:
        text = (root / page).read_text(encoding="utf-8")
        for number, target in markdown_links(text):
            if SCHEME.match(target) or target.startswith("#"):
                continue  # a web address, or a heading of the same page
            where = f"{page}:{number}: {target}"
            path = target.split("#", 1)[0].split("?", 1)[0]
            if path.startswith("/"):
                broken.append(f"{where} (an absolute path, not in the repository)")
                continue
            resolved = (root / PurePosixPath(page).parent / path).resolve()
            try:
                relative = resolved.relative_to(root.resolve()).as_posix()
            except ValueError:
                broken.append(f"{where} (leads outside the repository)")
                continue
            if relative not in present and relative not in folders:
                broken.append(f"{where} (no such file in the repository)")
    return broken


def documentation_pages(files: list[str]) -> list[str]:
    return [
        name
        for name in files
        if name == "README.md" or re.fullmatch(r"docs/[^/]+\.md", name) is not None
    ]


def test_no_tracked_text_file_points_beside_the_repository():
    files = tracked_files(PROJECT_ROOT)
    assert any(name.endswith(".md") for name in files) and "Makefile" in files
    found = outside_references(PROJECT_ROOT, files)
    assert not found, "references outside the repository:\n" + "\n".join(found)


def test_every_relative_link_of_the_docs_leads_to_a_file_of_the_repository():
    files = tracked_files(PROJECT_ROOT)
    pages = documentation_pages(files)
    assert "README.md" in pages and "docs/published.md" in pages
    broken = broken_links(PROJECT_ROOT, files, pages)
    assert not broken, "links a clone cannot follow:\n" + "\n".join(broken)


def test_the_checks_find_what_they_look_for(tmp_path):
    """The two checks on a small made-up repository: each kind of fault is found by file and
    line, and what is allowed passes."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text(
        "# A\n"
        "[b](b.md), [readme](../README.md#top), [web](https://example.org), [here](#a)\n"
        "[gone](missing.md) and [up](../../elsewhere.md)\n"
        "```\n[in code](nowhere.md)\n```\n"
        "`[span](nowhere.md)` [abs](/etc/passwd)\n"
        "[ref]: ./gone-too.md\n",
        encoding="utf-8",
    )
    (tmp_path / "docs" / "b.md").write_text("# B\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("see " + OUTSIDE[0] + "/x\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text(OUTSIDE[1] + "\n", encoding="utf-8")
    (tmp_path / "job.py").write_text("# fine\nPATH = '" + OUTSIDE[1] + "'\n", encoding="utf-8")
    files = ["README.md", "docs/a.md", "docs/b.md", "notes.txt", "job.py"]

    assert outside_references(tmp_path, files) == [
        f"README.md:1: see {OUTSIDE[0]}/x",
        f"job.py:2: PATH = '{OUTSIDE[1]}'",
    ]  # notes.txt is no text file of the kinds searched
    assert [line.split(" (")[0] for line in broken_links(tmp_path, files, ["docs/a.md"])] == [
        "docs/a.md:3: missing.md",
        "docs/a.md:3: ../../elsewhere.md",
        "docs/a.md:7: /etc/passwd",
        "docs/a.md:8: ./gone-too.md",
    ]


def test_every_command_is_named_in_the_help_and_in_published_md(capsys):
    """`maalbar --help` opens with the module's docstring: it and the table of commands in
    docs/published.md name every command the parser has."""
    from dagster_project import cli

    with pytest.raises(SystemExit):
        cli.main(["--help"])
    commands = re.search(r"\{([a-z,]+)\}", capsys.readouterr().out).group(1).split(",")
    published = (PROJECT_ROOT / "docs" / "published.md").read_text(encoding="utf-8")
    assert "prepare" in commands
    for command in commands:
        assert f"`{command}`" in cli.__doc__, command
        assert f"| `.venv/bin/maalbar {command}" in published, command
