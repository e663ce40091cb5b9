"""Compiled templates kept between builds (``swk.engine.TemplateCode`` in ``CACHE_PATH``):
used only for the same source compiled the same way, never in place of a changed template."""

from __future__ import annotations

import functools

import jinja2
import pytest

from swk.engine import TemplateCode
from tests.support.testing import build_project, env, make_project

NOW = "2024-01-15T12:00"


class CountingEnvironment(jinja2.Environment):
    compiled = 0

    def compile(self, *args, **kwargs):
        CountingEnvironment.compiled += 1
        return super().compile(*args, **kwargs)


def render(templates, cache, name="page.html", **options) -> tuple[str, int]:
    """Render ``name`` in a new environment (as a new build process would): (text, templates
    compiled)."""
    CountingEnvironment.compiled = 0
    jinja = CountingEnvironment(
        loader=jinja2.FileSystemLoader(str(templates)),
        bytecode_cache=TemplateCode(str(cache)),
        **options,
    )
    return jinja.get_template(name).render(who="<Noord>"), CountingEnvironment.compiled


@pytest.fixture
def templates(tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "base.html").write_text("<p>{% block body %}{% endblock %}</p>\n")
    (folder / "page.html").write_text(
        '{% extends "base.html" %}{% block body %}\n  Hallo {{ who }}{% endblock %}'
    )
    return folder


def test_the_next_build_uses_the_compiled_templates(templates, tmp_path):
    cache = tmp_path / "cache"
    first = render(templates, cache)
    assert first == ("<p>\n  Hallo <Noord></p>", 2)
    assert len(list(cache.glob("*.jinja"))) == 2
    assert render(templates, cache) == (first[0], 0)


def test_a_changed_template_is_compiled_again(templates, tmp_path):
    cache = tmp_path / "cache"
    render(templates, cache)
    (templates / "base.html").write_text("<div>{% block body %}{% endblock %}</div>\n")
    assert render(templates, cache) == ("<div>\n  Hallo <Noord></div>", 1)
    assert render(templates, cache) == ("<div>\n  Hallo <Noord></div>", 0)


@pytest.mark.parametrize(
    "options, text",
    [
        ({"autoescape": True}, "<p>\n  Hallo &lt;Noord&gt;</p>"),
        ({"trim_blocks": True}, "<p>  Hallo <Noord></p>"),
        ({"block_start_string": "<%", "block_end_string": "%>"}, None),
        ({"finalize": functools.partial(str.upper)}, "<p>\n  Hallo <NOORD></p>"),
    ],
)
def test_the_same_source_compiled_another_way_is_compiled_again(templates, tmp_path, options, text):
    cache = tmp_path / "cache"
    render(templates, cache)
    if text is None:  # other delimiters: the same source is no template of blocks any more
        text = "<p>{% block body %}{% endblock %}</p>"
        assert render(templates, cache, "base.html", **options) == (text, 1)
    else:
        assert render(templates, cache, **options) == (text, 2)
    assert render(templates, cache)[0] == "<p>\n  Hallo <Noord></p>"  # and back


def test_a_damaged_file_is_compiled_again_and_replaced(templates, tmp_path):
    cache = tmp_path / "cache"
    render(templates, cache)
    for path in cache.glob("*.jinja"):
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])  # cut off halfway, as by a full disk
    assert render(templates, cache) == ("<p>\n  Hallo <Noord></p>", 2)
    assert render(templates, cache) == ("<p>\n  Hallo <Noord></p>", 0)


def test_a_cache_that_cannot_be_written_is_left_alone(templates, tmp_path):
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the folder would go")
    assert render(templates, blocked) == ("<p>\n  Hallo <Noord></p>", 2)
    assert render(templates, blocked)[0] == "<p>\n  Hallo <Noord></p>"


def test_a_build_with_kept_templates_writes_the_same_site(tmp_path):
    project = make_project(
        tmp_path,
        {
            "content/articles/een.md": "---\ntitle: Een\ndate: 2023-02-16\n"
            "category: Nieuws\nsummary: Kort.\n---\nTekst.\n"
        },
    )
    cache = tmp_path / "cache"
    with env(SWK_NOW=NOW):
        first = build_project(
            project, OUTPUT_PATH=str(tmp_path / "one"), CACHE_PATH=str(cache), SEARCH_INDEX=False
        )
        kept = len(list((cache / "templates").glob("*.jinja")))
        second = build_project(
            project, OUTPUT_PATH=str(tmp_path / "two"), CACHE_PATH=str(cache), SEARCH_INDEX=False
        )

    def files(root):
        return {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    assert kept > 10  # the theme's pages, partials and e-mails
    one, two = files(first), files(second)
    assert sorted(one) == sorted(two)
    assert [p for p in one if one[p] != two[p]] == []


def test_a_build_checks_the_templates_timestamps_once_not_for_every_page(tmp_path, monkeypatch):
    """Each build loads a template once (its environments are new; the next build sees any
    change): Jinja would otherwise stat its file again at every include, import and extends
    of every page, some 58,000 stats at 3,000 articles."""
    import os.path

    from swk import ROOT

    templates = str(ROOT / "theme" / "templates")
    stats = []
    getmtime = os.path.getmtime

    def counting(path):
        if str(path).startswith(templates):
            stats.append(path)
        return getmtime(path)

    monkeypatch.setattr(os.path, "getmtime", counting)

    def checks(n: int) -> int:
        project = make_project(
            tmp_path / f"site-{n}",
            {
                f"content/articles/artikel-{i}.md": f"---\ntitle: Artikel {i}\n"
                f"date: 2023-02-{1 + i:02d}\ncategory: Nieuws\nsummary: Kort.\n---\nTekst.\n"
                for i in range(n)
            },
        )
        stats.clear()
        with env(SWK_NOW=NOW):
            build_project(project, SEARCH_INDEX=False, BUILD_WORKERS=1)
        return len(stats)

    few, more = checks(2), checks(12)
    assert few > 0  # the count sees the loads
    assert more == few
