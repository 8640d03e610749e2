"""docs/SECURITY.md promises a test behind every line: each test file and test function it
names must exist, and each code path it names too, so a renamed or deleted test cannot leave
the checklist pointing at nothing."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "SECURITY.md"

#: ``tests/test_x.py::name`` or ``tests/test_x.py`` or, after one of those on the same line,
#: ``::name`` (meaning the same file).
REFERENCE = re.compile(r"(tests/[\w/]+\.py)(?:::(\w+))?|`::(\w+)`")
CODE_PATH = re.compile(r"`((?:app|migrations|docs|bench|\.ci)/[\w./*-]+)")


def _functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {node.name for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


def references(text: str) -> list[tuple[int, str, str | None]]:
    """(line number, test file, test function or None) for every test the text names."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        current = None
        for match in REFERENCE.finditer(line):
            if match.group(1):
                current = match.group(1)
                found.append((number, current, match.group(2)))
            else:
                assert current, f"line {number}: '::{match.group(3)}' without a file before it"
                found.append((number, current, match.group(3)))
    return found


def test_every_test_the_checklist_names_exists():
    text = DOC.read_text()
    named = references(text)
    assert len(named) > 40, "the checklist names tests"
    missing = []
    for number, file, function in named:
        path = ROOT / file
        if not path.is_file():
            missing.append(f"line {number}: {file}")
        elif function and function not in _functions(path):
            missing.append(f"line {number}: {file}::{function}")
    assert not missing, "docs/SECURITY.md names tests that do not exist:\n" + "\n".join(missing)


def test_every_code_path_the_checklist_names_exists():
    missing = []
    for number, line in enumerate(DOC.read_text().splitlines(), 1):
        for path in CODE_PATH.findall(line):
            if not list(ROOT.glob(path.rstrip("."))):
                missing.append(f"line {number}: {path}")
    assert not missing, "docs/SECURITY.md names files that do not exist:\n" + "\n".join(missing)


def test_the_checklist_has_no_references_to_branches():
    # Work is merged into main; "built on the x branch" means the line has no test behind it.
    assert not re.search(r"\bbranch\b", DOC.read_text(), re.IGNORECASE)


def test_the_reference_reader_finds_what_it_should():
    named = references("| x | `tests/test_a.py::one`, `::two` | `tests/test_b.py` |")
    assert named == [(1, "tests/test_a.py", "one"), (1, "tests/test_a.py", "two"),
                     (1, "tests/test_b.py", None)]
