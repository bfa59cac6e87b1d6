"""Linear costs for anything a contributor sends: the renderer's work per character stays flat from 1 KB to the body
limit for adversarial shapes, and the body is rendered before any row lock (the write transaction) is taken.

Work is counted, not timed: the Python function calls markdown-it makes (through cProfile's counters) are the same
on every run, however loaded the machine. The sanitiser (nh3, in Rust) is linear in its input; what it is given is
bounded by the rendered HTML, whose size per character is asserted too.
"""

from __future__ import annotations

import cProfile
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it import helpers as markdown_helpers

from submissions import services, workflow
from submissions.content import _parse_link_destination, render_markdown
from submissions.serializers import ArticleInput
from tests.helpers import submitted
from tests.robustness.conftest import count

BODY_LIMIT: int = ArticleInput().fields["body"].max_length
SMALL = 1_000
# calls per character: a line-dense ordinary text ("a\n" repeated) makes ~58, nothing may cost much more; before
# the bounds 49,000 "![" made ~190 and a wide table over empty rows ~1,700 (and 300 characters of HTML) at 1 KB
MAX_CALLS_PER_CHAR = 100
MAX_HTML_PER_CHAR = 12  # "&" -> "&amp;" inside a <p>; an empty table cell per "|" ...
FLAT = 1.25  # per-character work at the limit, at most this much above the same shape's at 1 KB


def repeat(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def work(text: str) -> tuple[float, float]:
    """(Python calls, HTML characters) per character of `text` for render_markdown."""
    profile = cProfile.Profile()
    profile.enable()
    html = render_markdown(text)
    profile.disable()
    calls = sum(entry.callcount for entry in profile.getstats())
    return calls / len(text), len(html) / len(text)


def assert_flat(make: Callable[[int], str]) -> None:
    small_calls, small_html = work(make(SMALL))
    large_calls, large_html = work(make(BODY_LIMIT))
    assert large_calls <= small_calls * FLAT + 1, (small_calls, large_calls)
    assert large_calls <= MAX_CALLS_PER_CHAR, large_calls
    assert max(small_html, large_html) <= MAX_HTML_PER_CHAR, (small_html, large_html)


TABLE_HEAD = "|a" * 120 + "|\n" + "|-" * 120 + "|\n"

SHAPES: dict[str, Callable[[int], str]] = {
    # the reported one: 49,000 "![" took 3.8 s
    "images opened": lambda n: repeat("![", n),
    "images closed once at the end": lambda n: repeat("![", n - 1) + "]",
    "brackets nested": lambda n: "[" * (n // 2) + "]" * (n // 2),
    "empty destinations": lambda n: repeat("![](", n),
    "destinations with parentheses": lambda n: repeat("[a](()", n),
    "emphasis unclosed": lambda n: repeat("*a", n),
    "emphasis mixed": lambda n: repeat("*_a", n),
    "underscores in words": lambda n: repeat("a_b_", n),
    "backtick runs": lambda n: "".join("`" * (i % 40 + 1) + "a" for i in range(n))[:n],
    "angle brackets": lambda n: repeat("<a", n),
    "autolinks unclosed": lambda n: repeat("<http://a", n),
    "quotes nested": lambda n: repeat(">", n),
    "quotes nested per line": lambda n: "".join(">" * (i % 30) + " a\n" for i in range(n))[:n],
    "lists nested": lambda n: repeat("- ", n),
    "link reference definitions": lambda n: (
        "".join(f"[l{i}]: http://x.example/{i}\n" for i in range(n))[: n // 2] + repeat("[l1] ", n - n // 2)
    ),
    "entities": lambda n: repeat("&amp;&#x41;&nbsp;", n),
    "strikethrough unclosed": lambda n: repeat("~~a", n),
    "table padded with empty cells": lambda n: TABLE_HEAD + repeat("|\n", n - len(TABLE_HEAD)),
    "tables again and again": lambda n: repeat(TABLE_HEAD + "a\n" * 300 + "\n", n),
    "short lines": lambda n: repeat("<\n", n),
}


@pytest.mark.parametrize("shape", SHAPES, ids=list(SHAPES))
def test_work_per_character_is_flat_for_adversarial_shapes(shape: str) -> None:
    count("adversarial bodies rendered (shape, 1 KB and the body limit)")
    assert_flat(SHAPES[shape])


MARKDOWN_CHARACTERS = "![]()<>*_`~|\\&#;:-=+ \n\t>0123aé\"'"


@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(unit=st.text(alphabet=MARKDOWN_CHARACTERS, min_size=1, max_size=8).filter(lambda u: not u.isspace()))
@example(unit="![")
@example(unit="[a](")
def test_any_repeated_pattern_costs_the_same_per_character_at_1kb_and_at_the_limit(unit: str) -> None:
    assert_flat(lambda n: repeat(unit, n))


def test_a_huge_table_is_not_padded_out_to_more_cells_than_the_text_has_characters() -> None:
    text = TABLE_HEAD + "|\n" * 500  # 120 columns, 500 rows of nothing: markdown-it alone padded 60,000 cells
    html = render_markdown(text)
    assert html.startswith("<table>") and html.count("<td>") + html.count("<th>") <= len(text)


def test_ordinary_tables_links_and_nesting_are_unchanged() -> None:
    assert render_markdown("| a | b |\n|---|--:|\n| 1 | 2 |\n| 3 |") == (
        "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n<td>2</td>\n"
        "</tr>\n<tr>\n<td>3</td>\n<td></td>\n</tr>\n</tbody>\n</table>\n"
    )
    assert render_markdown("[see [1] ![pic](https://x.example/p.png)](https://x.example/a_(b_(c)))") == (
        '<p><a href="https://x.example/a_(b_(c))" rel="nofollow ugc noopener">see [1] pic</a></p>\n'
    )
    assert render_markdown("> > > - a\n>   - b") == (
        "<blockquote>\n<blockquote>\n<blockquote>\n<ul>\n<li>a</li>\n</ul>\n</blockquote>\n</blockquote>\n"
        "<ul>\n<li>b</li>\n</ul>\n</blockquote>\n"
    )


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet="()<>\\ \n\x01a%é", max_size=40).filter(
        lambda t: all(depth <= 8 for depth in _depths(t))
    )
)
def test_destinations_parse_as_markdown_it_parses_them_up_to_8_parentheses_deep(text: str) -> None:
    ours, theirs = (
        _parse_link_destination(text, 0, len(text)),
        markdown_helpers.parseLinkDestination(text, 0, len(text)),
    )
    assert (ours.ok, ours.pos, ours.str) == (theirs.ok, theirs.pos, theirs.str)


def _depths(text: str) -> list[int]:
    depth, out = 0, []
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        out.append(depth)
    return out


# --- rendering outside the write transaction ---------------------------------------------------------------------


@pytest.fixture
def renders_seen(db: Any, monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether a transaction of the code under test was open each time services rendered a body (the real renderer
    runs). The test itself runs inside pytest-django's transaction: blocks beyond those are the code's."""
    seen: list[bool] = []
    outer = len(connection.atomic_blocks)

    def spy(text: str) -> str:
        seen.append(len(connection.atomic_blocks) > outer)
        return render_markdown(text)

    monkeypatch.setattr(services, "render_markdown", spy)
    return seen


def test_authors_bodies_render_before_the_transaction(contributor: Any, renders_seen: list[bool]) -> None:
    article = services.article_create(actor=contributor, title="Заголовок", body="*раз*")
    assert article.body_html == "<p><em>раз</em></p>\n"
    updated = services.article_update(
        actor=contributor, article_id=article.pk, expected_version=article.version, body="**два**"
    )
    assert updated.body_html == "<p><strong>два</strong></p>\n"
    # the same body again: nothing to render, nothing changes
    again = services.article_update(actor=contributor, article_id=article.pk, body="**два**")
    assert again.version == updated.version
    assert renders_seen == [False, False]


@pytest.mark.django_db
def test_a_stale_version_still_changes_nothing(contributor: Any) -> None:
    article = services.article_create(actor=contributor, body="первый")
    with pytest.raises(services.PreconditionFailed):
        services.article_update(
            actor=contributor, article_id=article.pk, expected_version=article.version - 1, body="второй"
        )
    article.refresh_from_db()
    assert article.body == "первый" and article.body_html == "<p>первый</p>\n"


def test_editors_edits_render_before_the_transaction(
    contributor: Any, editor: Any, renders_seen: list[bool]
) -> None:
    article = submitted(contributor, body="исходный текст")
    renders_seen.clear()
    edited = workflow.article_edit(
        actor=editor, article_id=article.pk, expected_version=article.version, body="*правка*"
    )
    assert edited.body_html == "<p><em>правка</em></p>\n"
    assert renders_seen == [False]


def test_an_approved_update_renders_before_the_transaction(
    contributor: Any, editor: Any, renders_seen: list[bool]
) -> None:
    article = submitted(contributor, body="исходный текст")
    workflow.article_approve(actor=editor, article_id=article.pk)
    workflow.article_propose_update(actor=contributor, article_id=article.pk, body="*дополнено*")
    renders_seen.clear()
    live = workflow.article_approve(actor=editor, article_id=article.pk)
    assert live.body == "*дополнено*" and live.body_html == "<p><em>дополнено</em></p>\n"
    assert renders_seen == [False]
