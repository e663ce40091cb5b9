"""The parallel build and the dev server's incremental builds write exactly the site that
Pelican's own single-process build writes: the whole output tree is compared, byte for byte,
after every step of a sequence of edits, additions and deletions. The search index (whose
file names Pagefind does not keep stable) is compared by what it answers."""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from pelican import signals

from content_model.problems import ContentError
from swk.build import BuildError
from swk.devserver import DevSite
from tests.support.testing import (
    ROOT,
    build_project,
    env,
    free_port,
    git,
    make_project,
    overrides,
    serve,
    write,
)

NOW = "2024-01-15T12:00"
SMALL = {"BUILD_WORKERS": 2, "BUILD_PARALLEL_MIN": 1}  # fork workers even for a few pages


def article(n: int, **extra) -> str:
    fields = {
        "title": f'"Artikel {n}"',
        "date": f"2023-{1 + n % 12:02d}-{1 + n % 27:02d}",
        "category": "Nieuws" if n % 2 else "Interview",
        "summary": f'"Samenvatting {n}."',
        "tags": f"[thema-{n % 3}, werk]",
        "partners": f"[partner-{n % 3}]",
        "events": f"[event-{n % 2}]",
        **extra,
    }
    head = "\n".join(f"{k}: {v}" for k, v in fields.items())
    return f"---\n{head}\n---\nTekst van artikel {n} over de zeppelinbloem.\n"


def partner(n: int, title: str | None = None) -> str:
    return (
        f'---\ntitle: "{title or f"Partner {n}"}"\nkind: werkgever\ndistrict: Noord\n'
        f"sector: bouw\n---\nOver partner {n}.\n"
    )


def event(n: int, start: str) -> str:
    return (
        f'---\ntitle: "Bijeenkomst {n}"\nstart: {start}\nkind: training\n'
        f"partners: [partner-{n}]\n---\nOver bijeenkomst {n}.\n"
    )


NEWSLETTER = """---
title: "Nieuwsbrief 1"
date: 2023-12-01
articles: [artikel-1, artikel-2]
events: upcoming
status: ready
---
De inleiding, met een link naar [artikel 3]({filename}/articles/artikel-3.md).
"""


@pytest.fixture
def project(tmp_path):
    files = {f"content/articles/artikel-{n}.md": article(n) for n in range(1, 13)}
    files.update({f"content/partners/partner-{n}.md": partner(n) for n in range(3)})
    files.update(
        {
            "content/events/event-0.md": event(0, "2023-06-01T15:00"),
            "content/events/event-1.md": event(1, "2024-03-01T15:00"),
            "content/events/event-2.md": event(2, "2024-05-01"),
            "newsletters/nieuwsbrief-1.md": NEWSLETTER,
            # a link to an article that does not exist yet (step "add")
            "content/articles/verwijzer.md": article(20, title='"Verwijzer"').replace(
                "Tekst", "Zie [het nieuwe]({filename}/articles/nieuw.md). Tekst"
            ),
        }
    )
    project = make_project(tmp_path, files)
    (project / "content/images").mkdir()
    (project / "content/images/logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    return project


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "pagefind" not in p.relative_to(root).parts[:1]
    }


def folders(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_dir()}


def reference(project: Path, **extra) -> Path:
    """Pelican's own single-process build of the project, into ``reference/output``."""
    from swk.build import build

    return build(
        str(ROOT / "pelicanconf.py"),
        overrides(project, OUTPUT_PATH=str(project / "reference/output"), **extra),
        stock=True,
    )


@contextmanager
def dev_site(settings: dict):
    """The dev server's builds on a project (``overrides(...)``), closed at the end."""
    site = DevSite(str(ROOT / "pelicanconf.py"), settings)
    try:
        yield site
    finally:
        site.close()


def assert_same(actual: Path, expected: Path, why: str = ""):
    """The same files with the same bytes, and the same folders; ``why``: what led here."""
    got, want = tree(actual), tree(expected)
    assert sorted(got) == sorted(want), why
    assert [name for name in want if got[name] != want[name]] == [], why
    # no empty leftovers
    assert folders(actual) - {"pagefind"} == folders(expected) - {"pagefind"}, why


def test_parallel_build_writes_what_pelican_writes(project):
    with env(SWK_NOW=NOW):
        out = build_project(project, SEARCH_INDEX=False, **SMALL)
        assert_same(out, reference(project, SEARCH_INDEX=False))


def test_a_full_build_checks_the_content_in_the_workers_and_reports_every_problem(
    project, monkeypatch
):
    """A full build's content check parses the files in the worker processes: this process
    parses only its share, and a problem in the other share stops the build as well, each
    with its file and field, before anything is written; the last good site stays."""
    import content_model.items
    import content_model.loading

    parsed_here = []
    parse_file = content_model.items.parse_file

    def counting(ctype, path, *args):
        parsed_here.append(path.name)
        return parse_file(ctype, path, *args)

    monkeypatch.setattr(content_model.loading, "parse_file", counting)
    files = sorted((project / "content").rglob("*.md")) + sorted(
        (project / "newsletters").rglob("*.md")
    )
    with env(SWK_NOW=NOW):
        out = build_project(project, SEARCH_INDEX=False, **SMALL)
        assert 0 < len(parsed_here) <= (len(files) + 1) // 2  # the rest in a forked child
        assert_same(out, reference(project, SEARCH_INDEX=False))
        good = tree(out)

        first, last = "content/articles/artikel-1.md", "newsletters/nieuwsbrief-1.md"
        write(project / first, article(1).replace("date: ", "date: gisteren #"))
        text = (project / last).read_text()
        write(project / last, text.replace("date: ", "date: eergisteren #", 1))
        with pytest.raises(ContentError) as caught:
            build_project(project, SEARCH_INDEX=False, **SMALL)
        message = str(caught.value)
        assert len(caught.value.problems) == 2, message
        assert 'artikel-1.md: veld "Publicatiedatum" (date): "gisteren"' in message
        assert 'nieuwsbrief-1.md: veld "Datum" (date): "eergisteren"' in message
        assert tree(out) == good


def test_incremental_builds_write_what_a_full_build_writes(project):
    settings = overrides(project, SEARCH_INDEX=False, **SMALL)
    arts = project / "content/articles"
    steps = [
        (
            "edit an article's title",
            lambda: write(arts / "artikel-5.md", article(5, title='"Nieuwe titel"')),
        ),
        (
            "add an article, that another one links to",
            lambda: write(arts / "nieuw.md", article(30, date="2024-01-10", tags="[nieuw-thema]")),
        ),
        ("delete an article (its tag page goes)", lambda: (arts / "nieuw.md").unlink()),
        (
            "move an article to another date and page",
            lambda: write(arts / "artikel-7.md", article(7, date="2020-01-01")),
        ),
        (
            "rename a partner (backlinks, jsonld, filter pages)",
            lambda: write(
                project / "content/partners/partner-1.md", partner(1, "Hernoemde partner")
            ),
        ),
        (
            "an event moves into the past (agenda, home, newsletter)",
            lambda: write(project / "content/events/event-1.md", event(1, "2023-12-01T10:00")),
        ),
        (
            "delete an event (its page and .ics go)",
            lambda: (project / "content/events/event-2.md").unlink(),
        ),
        (
            "a newsletter with other articles",
            lambda: write(
                project / "newsletters/nieuwsbrief-1.md",
                NEWSLETTER.replace("artikel-1, artikel-2", "artikel-4"),
            ),
        ),
        (
            "an article becomes a draft",
            lambda: write(arts / "artikel-9.md", article(9, status="draft")),
        ),
        (
            "a static file is added and one removed",
            lambda: (
                (project / "content/images/logo.svg").unlink(),
                (project / "content/images/foto.svg").write_text(
                    "<svg xmlns='http://www.w3.org/2000/svg'/>"
                ),
            ),
        ),
    ]
    with env(SWK_NOW=NOW):
        with dev_site(settings) as site:
            site.full()
            pages = site.last_report.pages
            site.update()
            assert site.last_report.rendered == 0  # nothing changed, nothing rendered
            for label, change in steps:
                change()
                site.update()
                assert site.state is not None, label
                assert_same(site.output, reference(project, SEARCH_INDEX=False))
                if label == "edit an article's title":
                    # its page, the list page, tag and category pages, partner and event pages
                    assert 3 < site.last_report.rendered < pages / 3, site.last_report


def _random_change(rng, project: Path) -> str:
    """One change an editor could save, chosen by ``rng``; only changes the content check
    accepts (the newsletter's articles 1 to 4 stay published, a referenced event or partner
    stays). Returns what it did."""
    arts = project / "content/articles"
    referenced = " ".join(p.read_text() for p in arts.glob("*.md"))
    n = rng.randrange(5, 30)  # not 1 to 4: the newsletter includes those
    kind = rng.choice(
        ["title", "date", "tags", "partners", "category", "link", "add", "delete", "draft"]
        + ["scheduled", "partner", "event", "event publish", "newsletter", "page", "image"]
        + ["redirects"]
    )
    if kind == "title":
        write(arts / f"artikel-{n}.md", article(n, title=f'"Titel {rng.randrange(1000)}"'))
    elif kind == "date":
        write(
            arts / f"artikel-{n}.md",
            article(n, date=f"202{rng.randrange(4)}-0{rng.randrange(1, 10)}-15"),
        )
    elif kind == "tags":
        write(arts / f"artikel-{n}.md", article(n, tags=f"[thema-{rng.randrange(6)}, werk]"))
    elif kind == "partners":
        write(arts / f"artikel-{n}.md", article(n, partners=f"[partner-{rng.randrange(3)}]"))
    elif kind == "category":
        write(arts / f"artikel-{n}.md", article(n, category=rng.choice(["Nieuws", "Interview"])))
    elif kind == "link":
        target = rng.choice(sorted(arts.glob("artikel-[1-4].md"))).name
        text = article(n).replace("Tekst", f"Zie [dit]({{filename}}/articles/{target}). Tekst")
        write(arts / f"artikel-{n}.md", text)
    elif kind == "add":
        write(arts / f"artikel-{n}.md", article(n))
    elif kind == "delete":
        gone = arts / f"artikel-{n}.md"
        if gone.exists() and gone.name not in referenced:
            gone.unlink()
    elif kind == "draft":
        write(arts / f"artikel-{n}.md", article(n, status="draft"))
    elif kind == "scheduled":  # waits until a later "now"
        write(arts / f"artikel-{n}.md", article(n, date="2024-02-01T09:00"))
    elif kind == "partner":
        k = rng.randrange(3)
        write(
            project / f"content/partners/partner-{k}.md",
            partner(k, f"Partner {rng.randrange(1000)}"),
        )
    elif kind in ("event", "event publish"):
        k = rng.randrange(2)
        text = event(k, f"2024-0{rng.randrange(1, 6)}-1{rng.randrange(10)}T15:00")
        if kind == "event publish":
            text = text.replace("kind:", f"publish: 2024-0{rng.randrange(1, 3)}-10T08:00\nkind:")
            if f"[event-{k}]" in referenced:  # an article may only refer to a published one
                return kind + " (skipped)"
        write(project / f"content/events/event-{k}.md", text)
    elif kind == "newsletter":
        pick = ", ".join(f"artikel-{i}" for i in rng.sample(range(1, 5), 2))
        write(
            project / "newsletters/nieuwsbrief-1.md",
            NEWSLETTER.replace("artikel-1, artikel-2", pick),
        )
    elif kind == "page":
        page = rng.choice(sorted((project / "content/pages").glob("*.md")))
        page.write_text(page.read_text() + f"\nNog een zin ({rng.randrange(1000)}).\n")
    elif kind == "image":
        image = project / f"content/images/beeld-{rng.randrange(2)}.svg"
        if image.exists():
            image.unlink()
        else:
            image.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    elif kind == "redirects":  # old addresses to pages that stay: articles 1 to 4, partners
        targets = [f"/artikelen/artikel-{i}/" for i in range(1, 5)] + ["/partners/"]
        entries = [
            f"- from: /oud-{k}/\n  to: {rng.choice(targets)}\n"
            for k in sorted(rng.sample(range(4), rng.randrange(4)))
        ]
        write(project / "content/redirects.yaml", "".join(entries))
    return f"{kind} {n}"


@pytest.mark.parametrize("seed", [3, 8])
def test_a_random_sequence_of_saves_and_clock_moves_writes_what_full_builds_write(project, seed):
    """Random changes an editor could save (``_random_change``), with the clock moving on
    and once back, each followed by a dev-server rebuild whose whole tree must equal
    Pelican's own full build: combinations that no hand-written sequence tries."""
    rng = random.Random(seed)
    # published by the third moment, waiting again when the clock goes back, then published
    scheduled = article(40, date="2024-02-01T09:00", title='"Gepland"')
    write(project / "content/articles/gepland.md", scheduled)
    moments = iter(
        ["2024-01-15T12:00", "2024-01-20T12:00", "2024-02-05T12:00", "2024-01-10T12:00"]
        + ["2024-02-10T12:00"]
    )
    now = next(moments)
    done = []
    with dev_site(overrides(project, SEARCH_INDEX=False, **SMALL)) as site:
        with env(SWK_NOW=now):
            site.full()
        for step in range(24):
            if step % 6 == 5:
                now = next(moments)  # later, later, back before the first, later
                done.append(f"now {now}")
            else:
                done.append(_random_change(rng, project))
            with env(SWK_NOW=now):
                site.update()
                assert site.state is not None, "; ".join(done)
                assert_same(site.output, reference(project, SEARCH_INDEX=False), "; ".join(done))


def test_bad_content_in_the_dev_server_changes_nothing(project):
    with env(SWK_NOW=NOW):
        with dev_site(overrides(project, SEARCH_INDEX=False)) as site:
            site.full()
            before = tree(site.output)
            good = (project / "content/articles/artikel-3.md").read_text()
            write(
                project / "content/articles/artikel-3.md",
                good.replace("date: ", "date: gisteren #"),
            )
            with pytest.raises(
                ContentError, match=r'artikel-3.md: veld "Publicatiedatum" \(date\)'
            ):
                site.update()
            assert tree(site.output) == before
            write(
                project / "content/articles/artikel-3.md", good.replace("Artikel 3", "Artikel drie")
            )
            site.update()
            assert "Artikel drie" in (site.output / "artikelen/artikel-3/index.html").read_text()
            assert_same(site.output, reference(project, SEARCH_INDEX=False))


def test_a_problem_only_the_whole_check_finds_stops_a_rebuild(project):
    """In a rebuild the check runs in a forked process next to the build: a problem across
    files (a reference to a partner that does not exist), which reading the one changed file
    cannot find, still stops the rebuild before anything is written, with every problem."""
    with env(SWK_NOW=NOW):
        with dev_site(overrides(project, SEARCH_INDEX=False, **SMALL)) as site:
            site.full()
            before = tree(site.output)
            write(project / "content/articles/artikel-4.md", article(4, partners="[partner-9]"))
            write(project / "content/articles/artikel-5.md", article(5, events="[event-9]"))
            with pytest.raises(ContentError) as caught:
                site.update()
            assert len(caught.value.problems) == 2, caught.value
            assert "partner-9" in str(caught.value) and "event-9" in str(caught.value)
            assert tree(site.output) == before
            write(project / "content/articles/artikel-4.md", article(4))
            write(project / "content/articles/artikel-5.md", article(5, title='"Artikel vijf"'))
            site.update()
            assert "Artikel vijf" in (site.output / "artikelen/artikel-5/index.html").read_text()
            assert_same(site.output, reference(project, SEARCH_INDEX=False))


def test_a_scheduled_article_is_published_by_the_first_rebuild_after_its_moment(project):
    """The reader's result for an item that waits for its moment depends on "now", not only
    on the file: a rebuild after that moment (here: after another file changed) publishes
    it, as a full build would, instead of keeping the kept reader result or content object.
    Before that moment a rebuild keeps both."""
    later = "2024-01-20"  # after NOW
    write(project / "content/articles/gepland.md", article(20, date=later, title='"Gepland"'))
    files = len(list((project / "content").rglob("*.md"))) + 1  # and the newsletter
    with dev_site(overrides(project, SEARCH_INDEX=False, **SMALL)) as site:
        cache = site.pelican.content_cache
        with env(SWK_NOW=NOW):
            site.full()
            assert not (site.output / "artikelen/gepland/index.html").exists()
            site.update()  # still waiting: every object kept, the scheduled one too
            assert (cache.hits, site.last_report.rendered) == (files, 0)
        with env(SWK_NOW=f"{later}T09:00"):
            cache.hits = 0
            write(project / "content/articles/artikel-2.md", article(2, title='"Artikel twee"'))
            site.update()
            assert cache.hits == files - 2  # the edited file and the one now published
            assert (site.output / "artikelen/gepland/index.html").is_file()
            assert_same(site.output, reference(project, SEARCH_INDEX=False))


def test_when_the_clock_goes_back_a_published_article_waits_again(project):
    """A published item's kept result assumes the clock only moves on. When it went back (a
    corrected system clock; here SWK_NOW) to before an article's moment, the next rebuild
    reads every file again: the article waits again, as in a full build at that moment."""
    moment = "2024-01-20T09:00"  # after NOW
    write(project / "content/articles/gepland.md", article(20, date=moment, title='"Gepland"'))
    page = "artikelen/gepland/index.html"
    with dev_site(overrides(project, SEARCH_INDEX=False, **SMALL)) as site:
        with env(SWK_NOW="2024-01-21T12:00"):
            site.full()
            assert (site.output / page).is_file()
        with env(SWK_NOW=NOW):
            site.update()  # no file changed, only the time
            assert not (site.output / page).exists()
            assert_same(site.output, reference(project, SEARCH_INDEX=False))
            cache = site.pelican.content_cache
            cache.hits = 0
            site.update()  # the clock stands still: the results are kept again
            assert cache.hits > 0 and site.last_report.rendered == 0


def test_each_dev_server_build_dates_the_sitemaps_lists_with_its_own_now(project):
    """The sitemap's date of the pages without one of their own (home page, lists) is the
    build's "now", not the dev server's start (pelican-sitemap's moment of loading): a
    rebuild later, with no file changed, writes what a full build at that moment writes."""
    with dev_site(overrides(project, SEARCH_INDEX=False, **SMALL)) as site:
        for now, stamp in (
            (NOW, "2024-01-15T12:00:00+01:00"),
            ("2024-01-16T08:00", "2024-01-16T08:00:00+01:00"),
        ):
            with env(SWK_NOW=now):
                site.full() if now == NOW else site.update()
                sitemap = (site.output / "sitemap.xml").read_text(encoding="utf-8")
                assert f"<loc>/</loc>\n<lastmod>{stamp}</lastmod>" in sitemap
                assert_same(site.output, reference(project, SEARCH_INDEX=False), why=now)


def test_a_changed_template_reaches_every_page_in_the_dev_servers_next_build(project, tmp_path):
    """Each build loads a template once (Jinja's ``auto_reload`` off): the dev server's next
    build after a template change (a full one) must load it again, as its environments are
    new, not serve what the last build loaded."""
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    page = "artikelen/artikel-1/index.html"
    with env(SWK_NOW=NOW):
        settings = overrides(project, SEARCH_INDEX=False, THEME=str(theme), **SMALL)
        with dev_site(settings) as site:
            site.full()
            assert "Gewijzigd sjabloon" not in (site.output / page).read_text()
            base = theme / "templates/base.html"
            base.write_text(base.read_text().replace("</body>", "Gewijzigd sjabloon</body>", 1))
            site.full()  # what the server does after a template change
            assert "Gewijzigd sjabloon" in (site.output / page).read_text()
            assert_same(site.output, reference(project, SEARCH_INDEX=False, THEME=str(theme)))


def test_a_rebuild_makes_only_the_changed_files_content_object_anew(project):
    """The dev server keeps each content object as Pelican's ``read_file`` made it: a rebuild
    unpickles the unchanged files' objects, a fresh copy each build, so what plugins change
    after reading (here: an attribute set and a list added to) is not there the next time."""
    seen = []

    def plugin(generators):  # a plugin that changes the content objects after reading
        for item in generators[0].context["articles"]:
            seen.append((getattr(item, "marker", None), len(item.metadata.get("marks", []))))
            item.marker = "gezet"
            item.metadata.setdefault("marks", []).append(1)

    partner_file = project / "content/partners/partner-1.md"
    write(partner_file, partner(1).replace("district:", "since: 2019\ndistrict:"))
    files = len(list((project / "content").rglob("*.md"))) + 1  # and the newsletter
    signals.all_generators_finalized.connect(plugin)
    try:
        with env(SWK_NOW=NOW), dev_site(overrides(project, SEARCH_INDEX=False)) as site:
            site.full()
            cache = site.pelican.content_cache
            assert (cache.hits, len(cache.entries)) == (0, files)
            site.update()
            # unpickled objects are the same state: a number (since: 2019) that was one
            # object as attribute and metadata value is two equal ones now, and no change
            assert (cache.hits, site.last_report.rendered) == (files, 0)
            cache.hits = 0
            write(project / "content/articles/artikel-5.md", article(5, title='"Nieuwe titel"'))
            seen.clear()
            site.update()
            assert cache.hits == files - 1  # every file but the one that changed
            assert seen and set(seen) == {(None, 0)}
            assert "Nieuwe titel" in (site.output / "artikelen/artikel-5/index.html").read_text()
            assert_same(site.output, reference(project, SEARCH_INDEX=False))
    finally:
        signals.all_generators_finalized.disconnect(plugin)


def test_a_plugin_that_listens_while_content_is_made_turns_the_content_cache_off(project):
    made = []

    def plugin(content):
        made.append(content.source_path)

    signals.content_object_init.connect(plugin)
    try:
        with env(SWK_NOW=NOW), dev_site(overrides(project, SEARCH_INDEX=False)) as site:
            site.full()
            first = len(made)
            write(project / "content/articles/artikel-5.md", article(5, title='"Nieuwe titel"'))
            site.update()
            assert first > 10 and len(made) == 2 * first  # every object made again, seen
            assert site.pelican.content_cache.hits == 0
    finally:
        signals.content_object_init.disconnect(plugin)


def test_work_started_after_finalized_runs_once_the_build_is_given_back(project):
    """What a plugin hands over in ``finalized`` (the search index) starts after the last
    finalized handler and is waited for only once no article of the build is alive any more
    (its memory is given back while Pagefind runs); a failure in it fails the build."""
    import gc

    from pelican import signals
    from pelican.contents import Article

    seen = {}

    class Task:
        def wait(self):
            seen["articles alive"] = sum(isinstance(o, Article) for o in gc.get_objects())
            if seen.get("fail"):
                raise RuntimeError("kapot")

        def cancel(self):
            seen["cancelled"] = True

    def hand_over(pelican):
        seen["pages written"] = (Path(pelican.output_path) / "artikelen/artikel-1").is_dir()
        pelican.after_finalized.append(Task)

    signals.finalized.connect(hand_over)
    try:
        with env(SWK_NOW=NOW):
            out = build_project(project, SEARCH_INDEX=False, **SMALL)
            assert seen == {"pages written": True, "articles alive": 0}
            seen["fail"] = True
            with pytest.raises(BuildError, match="kapot"):
                build_project(project, SEARCH_INDEX=False, **SMALL)
            assert (out / "artikelen/artikel-1/index.html").is_file()  # the last good site
    finally:
        signals.finalized.disconnect(hand_over)


def search_answers(page, url: str, terms: list[str]) -> dict[str, list[str]]:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "search_tests", ROOT / "plugins/search/tests/test_search.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    search_js = module.search_js
    return {term: sorted(search_js(page, url, term)) for term in terms}


def test_search_index_after_incremental_builds_answers_as_a_full_build(project, page):
    with env(SWK_NOW=NOW):
        with dev_site(overrides(project, **SMALL)) as site:
            site.full()
            write(
                project / "content/articles/artikel-4.md",
                article(4, title='"Kwartelkoning gezien"'),
            )
            (project / "content/articles/artikel-6.md").unlink()
            site.update()
            assert "Kwartelkoning" in (site.output / "artikelen/artikel-4/index.html").read_text()
            site.wait()  # the index follows in the background
            terms = ["kwartelkoning", "zeppelinbloem", "bijeenkomst", "partner"]
            with serve(site.output) as url:
                got = search_answers(page, url, terms)
            with serve(reference(project)) as url:
                want = search_answers(page, url, terms)
    assert got == want
    assert "/artikelen/artikel-4/" in got["kwartelkoning"]  # and the pages that link to it
    assert "/artikelen/artikel-6/" not in got["zeppelinbloem"] and len(got["zeppelinbloem"]) == 12


@contextmanager
def swk_serve(project: Path, extra: str = ""):
    """``python -m swk serve`` on the project as a real process; yields (process, port, log).
    ``extra``: more lines for its settings file."""
    settings = write(
        project / "settings.py",
        "from pelicanconf import *\n"
        + "".join(f"{k} = {v!r}\n" for k, v in overrides(project, SEARCH_INDEX=False).items())
        + extra,
    )
    port = free_port()
    log = project / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "swk", "serve", "-s", str(settings), "--port", str(port)],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={
                "PYTHONPATH": f"{ROOT}:{ROOT / 'plugins'}",
                "PATH": "/usr/bin:/bin",
                "SWK_NOW": NOW,
            },
        )
    try:
        yield proc, port, log
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_dev_server_serves_and_rebuilds_after_a_save(project):
    """``python -m swk serve`` as a real process: it builds, serves on 127.0.0.1 and updates
    a page after its source changes."""
    url_path = "/artikelen/artikel-5/"
    updated = re.compile(r"Site bijgewerkt in [0-9,]+ s \((\d+) pagina's\)")
    with swk_serve(project) as (proc, port, log):
        url = f"http://127.0.0.1:{port}{url_path}"
        assert "Artikel 5" in _until(lambda: _fetch(url), "Artikel 5", proc)
        write(project / "content/articles/artikel-5.md", article(5, title='"Net opgeslagen"'))
        assert "Net opgeslagen" in _until(lambda: _fetch(url), "Net opgeslagen", proc)
        assert "Net opgeslagen" in _fetch(f"http://127.0.0.1:{port}/artikelen/")
        output = _until(lambda: log.read_text(), "pagina's)", proc)
    assert 0 < int(updated.search(output).group(1)) < 30, output  # not the whole site again


def test_dev_server_rebuilds_after_a_commit(project):
    """An event's iCalendar dates are the last commit of its file, or the file's time while
    it has uncommitted changes (content_model.history): committing it changes the .ics
    without changing a watched file. The dev server watches Git's logs too, so its .ics
    then carries the commit's time, as a full build would."""

    def commit(when: str) -> None:
        git(project, "add", "-A")
        git(project, "commit", "-qm", when, when=when)

    git(project, "init", "-q")
    commit("2024-01-02T10:00:00Z")
    ics = project / "output/agenda/event-1/event-1.ics"
    with swk_serve(project) as (proc, port, log):
        stamp = lambda: ics.read_text() if ics.is_file() else ""  # noqa: E731
        assert "DTSTAMP:20240102T100000Z" in _until(stamp, "DTSTAMP:20240102T100000Z", proc)
        source = project / "content/events/event-1.md"
        source.write_text(source.read_text() + "\nMeer over bijeenkomst 1.\n")
        os.utime(source, (1705312800, 1705312800))  # 2024-01-15 10:00 UTC, uncommitted
        assert "DTSTAMP:20240115T100000Z" in _until(stamp, "DTSTAMP:20240115T100000Z", proc)
        commit("2024-01-20T10:00:00Z")
        assert "DTSTAMP:20240120T100000Z" in _until(
            stamp, "DTSTAMP:20240120T100000Z", proc, timeout=20
        ), log.read_text()
        # Git logs HEAD's move before it moves the branch; a build the log started in between
        # must wait for the branch (here a commit made in Git's two steps, 0.5 s apart)
        source.write_text(source.read_text() + "\nNog meer.\n")
        os.utime(source, (1706176800, 1706176800))  # 2024-01-25 10:00 UTC, uncommitted
        assert "DTSTAMP:20240125T100000Z" in _until(stamp, "DTSTAMP:20240125T100000Z", proc)
        git(project, "add", "-A")
        old, tree = git(project, "rev-parse", "HEAD"), git(project, "write-tree")
        new = git(
            project, "commit-tree", tree, "-p", "HEAD", "-m", "x", when="2024-01-30T10:00:00Z"
        )
        with open(project / ".git/logs/HEAD", "a") as f:
            f.write(f"{old} {new} Test <test@example.invalid> 1706608800 +0000\tcommit: x\n")
        time.sleep(0.5)
        (project / ".git/refs/heads/main.lock").write_text(new + "\n")
        os.rename(project / ".git/refs/heads/main.lock", project / ".git/refs/heads/main")
        assert "DTSTAMP:20240130T100000Z" in _until(
            stamp, "DTSTAMP:20240130T100000Z", proc, timeout=20
        ), log.read_text()


def test_a_save_during_the_dev_servers_first_build_is_built_next(project):
    """The dev server watches before it builds: a file saved while the first build runs
    (here by a plugin, in that build's ``finalized``, so surely within it) is built next.
    A watch set up after the first build missed it, and the page stayed old until the next
    save (on a loaded machine even a save just after the first build's output appeared)."""
    saved = project / "saved-once"
    write(
        project / "plug/save_while_building.py",
        "from pathlib import Path\n"
        "from pelican import signals\n"
        f"SAVED, SOURCE = Path({str(saved)!r}), Path({str(project / 'content/articles/artikel-5.md')!r})\n"
        "def save(pelican):\n"
        "    if not SAVED.exists():\n"
        "        SAVED.write_text('')\n"
        "        SOURCE.write_text(SOURCE.read_text().replace('Artikel 5', 'Tijdens het bouwen'))\n"
        "def register():\n"
        "    signals.finalized.connect(save)\n",
    )
    page = project / "output/artikelen/artikel-5/index.html"
    extra = (
        f"PLUGIN_PATHS = [*PLUGIN_PATHS, {str(project / 'plug')!r}]\n"
        "PLUGINS = [*PLUGINS, 'save_while_building']\n"
    )
    with swk_serve(project, extra) as (proc, port, log):
        text = lambda: page.read_text() if page.is_file() else ""  # noqa: E731
        found = _until(text, "Tijdens het bouwen", proc, timeout=30)
        assert saved.exists(), log.read_text()
        assert "Tijdens het bouwen" in found, log.read_text()


def test_saves_made_while_the_dev_server_builds_are_built_together_after_it(project):
    """Three saves while an update runs (a plugin makes them in the update's ``finalized``,
    0.3 s apart, so each reaches the watch on its own) give one more build, not three."""
    count = project / "builds"
    articles = project / "content/articles"
    write(
        project / "plug/save_three.py",
        "import time\n"
        "from pathlib import Path\n"
        "from pelican import signals\n"
        f"COUNT, ARTICLES = Path({str(count)!r}), Path({str(articles)!r})\n"
        "def save(pelican):\n"
        "    n = int(COUNT.read_text()) + 1 if COUNT.exists() else 1\n"
        "    COUNT.write_text(str(n))\n"
        "    if n == 2:  # the first update\n"
        "        for i in (6, 7, 8):\n"
        "            source = ARTICLES / f'artikel-{i}.md'\n"
        "            source.write_text(source.read_text().replace(f'Artikel {i}', f'Samen {i}'))\n"
        "            time.sleep(0.3)\n"
        "        time.sleep(1.5)\n"
        "def register():\n"
        "    signals.finalized.connect(save)\n",
    )
    extra = (
        f"PLUGIN_PATHS = [*PLUGIN_PATHS, {str(project / 'plug')!r}]\n"
        "PLUGINS = [*PLUGINS, 'save_three']\n"
    )

    def page(i: int) -> str:
        path = project / f"output/artikelen/artikel-{i}/index.html"
        return path.read_text() if path.is_file() else ""

    with swk_serve(project, extra) as (proc, port, log):
        assert "Artikel 5" in _until(lambda: page(5), "Artikel 5", proc)
        write(articles / "artikel-5.md", article(5, title='"Eerste opslag"'))
        assert "Samen 8" in _until(lambda: page(8), "Samen 8", proc, timeout=30)
        built = lambda: "Site bijgewerkt" * log.read_text().count("Site bijgewerkt")  # noqa: E731
        _until(built, "Site bijgewerkt" * 3, proc, timeout=30)
        time.sleep(2)  # time for any further build
        assert "Samen 6" in page(6) and "Samen 7" in page(7)
        assert count.read_text() == "3", log.read_text()  # the first, the update, one more
        assert log.read_text().count("Site bijgewerkt") == 3, log.read_text()


def test_the_watcher_merges_every_change_set_waiting_and_passes_on_a_failure():
    """Without timing: what the watch thread queued while a build ran comes as one set (the
    timeouts' empty sets left out), and an error of the thread is raised to the server."""
    import queue

    from swk.devserver import Watcher

    watcher = object.__new__(Watcher)  # its queue filled by hand, no thread
    watcher._queue, watcher._first = queue.Queue(), {(2, "a.md")}
    for item in ({(2, "b.md")}, set(), {(1, "c.md"), (2, "a.md")}, set()):
        watcher._queue.put(item)
    changes = iter(watcher)
    assert next(changes) == {(2, "a.md"), (2, "b.md"), (1, "c.md")}
    watcher._queue.put(set())
    watcher._queue.put(OSError("map weg"))
    with pytest.raises(OSError, match="map weg"):
        next(changes)


def _fetch(url: str) -> str:
    try:
        return urllib.request.urlopen(url, timeout=5).read().decode()
    except OSError:
        return ""


def _until(get, text: str, proc, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the dev server stopped"
        found = get()
        if text in found:
            return found
        time.sleep(0.1)
    return found


def test_the_dev_server_watches_a_redirect_map_kept_outside_the_content(project, tmp_path):
    """A ``*_FILE`` setting that names an existing file outside the watched folders (here the
    redirect map) is watched on its own, and a change to it restarts the server, which then
    watches the file anew (an editor that saves by replacing the file would otherwise leave
    the watch on the old one); one inside the folders is an ordinary content change."""
    from swk.devserver import classify, watched

    outside = write(tmp_path / "elders/redirects.yaml", "")
    settings = {**overrides(project, REDIRECTS_FILE=str(outside)), "THEME": str(ROOT / "theme")}
    config = str(ROOT / "pelicanconf.py")
    folders, files = watched(settings, config)
    assert str(outside) in files and str(project / "content") in folders
    assert classify({(2, str(outside))}, settings, config) == "restart"
    inside = write(project / "content/redirects.yaml", "")
    settings["REDIRECTS_FILE"] = str(inside)
    folders, files = watched(settings, config)
    assert str(inside) not in files
    assert not [f for f in files if not f.endswith(".py")]
    assert classify({(2, str(inside))}, settings, config) == "update"


def test_the_dev_server_takes_only_heads_log_from_gits_logs(tmp_path):
    """Of Git's logs folder only HEAD's log counts (a commit, checkout or pull); a fetch logs
    remote branches, and a branch may be called ``x.py``: neither builds nor restarts."""
    from watchfiles import Change

    from swk.devserver import ChangeFilter

    log = str(tmp_path / ".git/logs/HEAD")
    keep = ChangeFilter(log)
    assert keep(Change.modified, log)
    assert not keep(Change.modified, str(tmp_path / ".git/logs/refs/remotes/origin/main"))
    assert not keep(Change.added, str(tmp_path / ".git/logs/refs/heads/x.py"))
    assert not keep(Change.modified, str(tmp_path / ".git/index"))  # the default filter's
    assert keep(Change.modified, str(tmp_path / "content/articles/a.md"))
    assert not ChangeFilter(None)(Change.modified, log)


def test_the_dev_server_follows_the_redirect_map(project):
    """Adding, changing and removing old addresses in ``redirects.yaml``: after each, the
    dev server's tree equals Pelican's own build (the redirect pages, the web servers' maps)."""
    redirects = project / "content/redirects.yaml"
    steps = [
        "- from: /oud/\n  to: /artikelen/artikel-3/\n",
        "- from: /oud/\n  to: /artikelen/artikel-4/\n- from: /ouder/\n  to: /partners/\n",
        "- from: /ouder/\n  to: /partners/\n",
        None,
    ]
    with env(SWK_NOW=NOW), dev_site(overrides(project, SEARCH_INDEX=False, **SMALL)) as site:
        site.full()
        for text in steps:
            if text is None:
                redirects.unlink()
            else:
                write(redirects, text)
            site.update()
            assert_same(site.output, reference(project, SEARCH_INDEX=False), why=repr(text))


@pytest.mark.parametrize("page", ["/artikelen/artikel-3/", "/privacy/"])
def test_a_redirect_from_a_page_of_the_site_changes_nothing_in_the_dev_server(project, page):
    """An old address that is a page of the site itself is refused, and in the dev server
    before anything is written: the page is not replaced by a redirect page on disk, and
    after the entry is removed the site is Pelican's own build again. Also a page of a
    plugin's generator (the statements' /privacy/): the redirects plugin comes last."""
    redirects = project / "content/redirects.yaml"
    with env(SWK_NOW=NOW), dev_site(overrides(project, SEARCH_INDEX=False, **SMALL)) as site:
        site.full()
        before = tree(site.output)
        assert (site.output / page.strip("/") / "index.html").is_file()
        write(redirects, f"- from: {page}\n  to: /partners/\n")
        with pytest.raises(ContentError, match="is een pagina van deze site zelf"):
            site.update()
        assert tree(site.output) == before
        write(redirects, "")
        site.update()
        assert_same(site.output, reference(project, SEARCH_INDEX=False))
