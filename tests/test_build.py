"""The build: real Pelican runs on small projects and on the real content."""

import re
import runpy
import subprocess
import sys

import pytest

from content_model.problems import ContentError
from tests.support.testing import ROOT, build_project, env, make_project, write

GOOD_ARTICLE = """
---
title: Goed artikel
date: 2023-02-16
category: Nieuws
summary: Een samenvatting.
tags: [werkgevers]
---
Tekst van het **goede** artikel.
"""
DRAFT_ARTICLE = """
---
title: Geheim concept
date: 2023-02-17
category: Nieuws
summary: Nog niet klaar.
status: draft
---
Concepttekst.
"""


def test_build_writes_articles_and_keeps_drafts_out(tmp_path):
    project = make_project(
        tmp_path,
        {"content/articles/goed.md": GOOD_ARTICLE, "content/articles/concept.md": DRAFT_ARTICLE},
    )
    out = build_project(project)
    html = (out / "artikelen/goed/index.html").read_text()
    assert "<strong>goede</strong>" in html and 'lang="nl"' in html
    assert "16 februari 2023" in html
    assert not (out / "artikelen/concept").exists()
    everything = "".join(p.read_text(errors="ignore") for p in out.rglob("*") if p.is_file())
    assert "Geheim concept" not in everything and "Concepttekst" not in everything


def test_bad_content_keeps_last_good_output(tmp_path):
    project = make_project(tmp_path, {"content/articles/goed.md": GOOD_ARTICLE})
    out = build_project(project)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    write(
        project / "content/articles/goed.md",
        GOOD_ARTICLE.replace("date: 2023-02-16", "date: 16 februari"),
    )
    write(project / "content/articles/ander.md", "---\ntitle: [kapot\n---\n")
    with pytest.raises(ContentError) as err:
        build_project(project)
    message = str(err.value)
    assert "2 fouten in de inhoud; de site is niet bijgewerkt" in message
    assert 'goed.md: veld "Publicatiedatum" (date): "16 februari" is geen datum' in message
    assert "ander.md:2: de velden bovenaan zijn niet te lezen" in message

    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not out.with_name("output.new").exists()


def test_a_good_build_after_a_failed_one_is_complete(tmp_path):
    """A build that fails while writing (here: a newsletter e-mail too large) must not leave
    plugin state behind: the next build in the same process (autoreload) has its sitemap."""
    project = make_project(
        tmp_path,
        {
            "content/articles/goed.md": GOOD_ARTICLE,
            "newsletters/2024-01.md": "---\ntitle: Januari\ndate: 2024-01-10\narticles: [goed]\nstatus: ready\n---\nKort.\n",
        },
    )
    with pytest.raises(ContentError):
        build_project(project, NEWSLETTER_MAX_BYTES=100)
    out = build_project(project)
    assert "/artikelen/goed/" in (out / "sitemap.xml").read_text()


def test_command_line_reports_errors_and_exits_non_zero(tmp_path):
    project = make_project(
        tmp_path, {"content/partners/p.md": "---\ntitle: P\nkind: bedrijf\n---\n"}
    )
    settings = write(
        tmp_path / "settings.py",
        f"from pelicanconf import *\nPATH = {str(project / 'content')!r}\n"
        f"NEWSLETTER_PATH = {str(project / 'newsletters')!r}\nOUTPUT_PATH = {str(project / 'output')!r}\n",
    )
    result = subprocess.run(
        [sys.executable, "-m", "swk", "build", "-s", str(settings)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 1
    assert (
        'p.md: veld "Soort" (kind): "bedrijf" is geen geldige waarde; kies uit: werkgever'
        in result.stderr
    )
    assert not (project / "output").exists()


def test_real_content_is_all_on_the_site(site):
    for folder, url in (("articles", "artikelen"), ("partners", "partners"), ("events", "agenda")):
        sources = sorted((ROOT / "content" / folder).glob("*.md"))
        assert sources, folder
        for src in sources:
            assert (site / url / src.stem / "index.html").is_file(), src
    for src in (ROOT / "newsletters").glob("*.md"):
        assert (site / "nieuwsbrief" / src.stem / "index.html").is_file(), src


def test_real_content_counts():
    assert len(list((ROOT / "content/articles").glob("*.md"))) >= 12
    assert len(list((ROOT / "content/partners").glob("*.md"))) >= 10
    assert len(list((ROOT / "content/events").glob("*.md"))) >= 6


def test_article_page_links_partners_and_events(site):
    html = (site / "artikelen/sociaal-werkkoepel-is-van-ons-allemaal/index.html").read_text()
    assert 'href="/partners/wsp-groot-amsterdam/"' in html
    assert 'href="/agenda/2023-02-16-winter-event/"' in html
    assert "Ben van der Knoop" in html


def test_pagination_and_tags(site):
    assert (site / "artikelen/index.html").is_file()
    assert (site / "artikelen/pagina/2/index.html").is_file()
    assert (site / "tag/index.html").is_file()
    assert any((site / "tag").iterdir())


def test_a_build_after_one_that_failed_halfway_has_its_sitemap(tmp_path):
    """pelican-sitemap waits, per process, for the run it started with; swk.build starts it
    afresh, so a build that failed halfway (here a missing template page) does not take the
    next build's sitemap with it."""
    from swk.build import BuildError

    project = make_project(tmp_path, {"content/articles/goed.md": GOOD_ARTICLE})
    with pytest.raises(BuildError):
        build_project(project, SEARCH_INDEX=False, TEMPLATE_PAGES={"bestaat-niet.html": "x.html"})
    out = build_project(project, SEARCH_INDEX=False)
    assert "/artikelen/goed/" in (out / "sitemap.xml").read_text(encoding="utf-8")


def _tree(root) -> dict[str, bytes]:
    """Every file of a built site but the search index (Pagefind does not keep its file names
    stable); the sitemap without ``<lastmod>``, which pelican-sitemap gives the build's clock
    for pages without a date."""
    files = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if p.is_file() and rel.parts[0] != "pagefind":
            data = p.read_bytes()
            if str(rel) == "sitemap.xml":
                data = re.sub(rb"<lastmod>[^<]*</lastmod>", b"", data)
            files[str(rel)] = data
    return files


def test_the_plugins_in_another_order_build_the_same_site(site, tmp_path):
    """No plugin depends on where it is listed: the real content built with ``PLUGINS``
    reversed (nothing has to come first: the content model completes the content, reading
    and cross-references, in its generator, before any plugin's ``all_generators_finalized``)
    gives the same site, byte for byte."""
    from conftest import SITE_NOW
    from swk.build import build

    plugins = runpy.run_path(str(ROOT / "pelicanconf.py"))["PLUGINS"]
    with env(SWK_NOW=SITE_NOW):
        out = build(
            str(ROOT / "pelicanconf.py"),
            {
                "OUTPUT_PATH": str(tmp_path / "output"),
                "PLUGINS": list(reversed(plugins)),
                "SEARCH_INDEX": False,
            },
        )
    got, want = _tree(out), _tree(site)
    assert sorted(got) == sorted(want)
    assert [name for name in want if got[name] != want[name]] == []
    # the newsletter's e-mail, which once needed the agenda listed first, is plain text
    assert b"<p>" not in got["nieuwsbrief/2020-05-nieuwsbrief-3/email.txt"]


def test_templates_take_addresses_from_the_settings(site):
    """Links to the site's own lists come from the settings that place them (``INDEX_URL``,
    ``AGENDA_URL``, ``PARTNERS_INDEX_URL``, ``SEARCH_URL``, ``NEWSLETTER_*``), never a
    hard-coded path (the theme's own files aside); and page 2 of the article list goes back to the list, not the home page."""
    hard = re.compile(r"""(href="\{\{ SITEURL \}\}/(?!theme/)[a-z]|\("[A-Z][a-z]+", "[a-z]+/"\))""")
    templates = ROOT / "theme" / "templates"
    found = [
        f"{path.relative_to(templates)}: {m.group(0)}"
        for path in sorted(templates.glob("*.html"))
        for m in hard.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
    second = (site / "artikelen/pagina/2/index.html").read_text(encoding="utf-8")
    assert '<a rel="prev" href="/artikelen/">' in second
