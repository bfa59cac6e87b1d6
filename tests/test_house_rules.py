"""House rules that no linter keeps: article states are named only through `submissions.states`.

A status spelled as a string ("published") in a comparison, a filter or an assignment to a status works until the
day a state is renamed or split, and then fails silently. The scan reads the apps' code (not migrations, which
freeze history) and their templates.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from submissions.states import Status

ROOT = Path(__file__).resolve().parent.parent
APPS = ("newsroom", "submissions", "moderation")
STATES_MODULE = ROOT / "submissions" / "states.py"
STATUS_VALUES = frozenset(Status.values)


def _strings(node: ast.AST) -> list[ast.Constant]:
    """String constants of a value, looking into tuples, lists and sets."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [c for element in node.elts for c in _strings(element)]
    return []


def _names_status(node: ast.AST) -> bool:
    if isinstance(node, ast.Name):
        return "status" in node.id
    if isinstance(node, ast.Attribute):
        return "status" in node.attr
    if isinstance(node, ast.Subscript):
        return _names_status(node.slice) or _names_status(node.value)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return "status" in node.value
    return False


def _given_to_a_status(node: ast.AST) -> ast.AST | None:
    """The value passed as a `status…` keyword or assigned to a `…status…` name or attribute."""
    if isinstance(node, ast.keyword) and node.arg and "status" in node.arg:
        return node.value
    if isinstance(node, ast.Assign) and any(_names_status(target) for target in node.targets):
        return node.value
    if isinstance(node, ast.AnnAssign) and _names_status(node.target):
        return node.value
    return None


def status_literals(source: str) -> list[tuple[int, str]]:
    """(line, literal) of every status value written as a string where a status is meant: compared with
    anything, passed as a `status…` keyword (filters, Q objects, model fields), assigned to a `…status…` name or
    attribute, or put under a `"…status…"` key."""
    found: list[ast.Constant] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            for operand in (node.left, *node.comparators):
                found += _strings(operand)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if key is not None and _names_status(key):
                    found += _strings(value)
        elif (value := _given_to_a_status(node)) is not None:
            found += _strings(value)
    return sorted({(c.lineno, c.value) for c in found if c.value in STATUS_VALUES})


_TEMPLATE_COMPARISON = re.compile(r"""(?:==|!=|\bin)\s*["'](\w+)["']|["'](\w+)["']\s*(?:==|!=)""")


def template_status_literals(text: str) -> list[tuple[int, str]]:
    hits = []
    for number, line in enumerate(text.splitlines(), 1):
        for match in _TEMPLATE_COMPARISON.finditer(line):
            value = match.group(1) or match.group(2)
            if value in STATUS_VALUES:
                hits.append((number, value))
    return hits


def _app_files(pattern: str) -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob(pattern)
        if "migrations" not in path.parts and path != STATES_MODULE
    )


# --- the scanner finds what it is meant to find ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        'article.status == "published"',
        'obj.status != "rejected"',
        'status in ("draft", "changes_requested")',
        'Article.objects.filter(status="published")',
        'Q(status__in=["scheduled", "published"])',
        'article.status = "withdrawn"',
        'row = {"to_status": "in_review"}',
    ],
)
def test_the_scan_finds_a_status_spelled_as_a_string(code):
    assert status_literals(code), code


@pytest.mark.parametrize(
    "code",
    [
        'title = _("published")',  # a label, translated
        'record = {"rejected": 0, "approved": 1}',  # counts of decisions, not a state
        "article.status == Status.PUBLISHED",
        'parameter_name = "withdrawn"',
    ],
)
def test_the_scan_leaves_other_strings_alone(code):
    assert status_literals(code) == []


def test_template_scan_finds_comparisons():
    assert template_status_literals('{% if article.status == "published" %}') == [(1, "published")]
    assert template_status_literals("{% if retracted %}") == []


# --- the rule, over the apps -----------------------------------------------------------------------------------------


def test_no_status_literal_in_the_apps_code():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {value!r}"
        for path in _app_files("*.py")
        for line, value in status_literals(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "use submissions.states.Status instead of:\n" + "\n".join(offenders)


def test_no_status_literal_in_the_apps_templates():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {value!r}"
        for path in _app_files("*.html") + _app_files("*.txt")
        for line, value in template_status_literals(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "compare with a value the view passes, not a status string:\n" + "\n".join(
        offenders
    )
