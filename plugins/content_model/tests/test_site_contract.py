"""Contract rules that need the site's settings: images must be files of the site, and no
item may take an address the site generates itself. Real builds; the message names the file."""

from __future__ import annotations

import pytest

from content_model.problems import ContentError
from swk.build import validate
from tests.support.testing import ROOT, build_project, make_project, overrides, write

ARTICLE = "---\ntitle: Met beeld\ndate: 2023-02-16\ncategory: Nieuws\nsummary: Kort.\n{extra}\n---\n{body}\n"
PARTNER = "---\ntitle: Partner\nkind: overig\n{extra}\n---\n"


def errors(tmp_path, files: dict[str, str], images=()) -> str:
    project = make_project(tmp_path, files)
    for name in images:
        write(project / "content/images" / name, "beeld")
    with pytest.raises(ContentError) as err:
        build_project(project)
    assert not (project / "output").exists()  # nothing was built
    return str(err.value)


def test_an_image_that_exists_builds(tmp_path):
    project = make_project(
        tmp_path,
        {
            "content/articles/a.md": ARTICLE.format(
                extra="image: /images/foto.jpg\nimage_alt: Een foto",
                body="![Nog een](/images/map/twee.png)",
            ),
            "content/partners/p.md": PARTNER.format(extra="logo: images/logo.png"),
        },
    )
    for name in ("foto.jpg", "map/twee.png", "logo.png"):
        write(project / "content/images" / name, "beeld")
    out = build_project(project)
    assert (
        '<img class="article-image" src="/images/foto.jpg"'
        in (out / "artikelen/a/index.html").read_text()
    )


@pytest.mark.parametrize(
    "field, value, expected",
    [
        (
            "image",
            "/images/fto.jpg",
            'content/articles/a.md: veld "Afbeelding" (image): "/images/fto.jpg": content/images/fto.jpg bestaat niet; '
            "upload de afbeelding (in de webeditor in het veld zelf of via Media) of zet hem in content/images/ "
            "en schrijf /images/naam.jpg. Bedoel je /images/foto.jpg?",
        ),
        (
            "image",
            "javascript:alert(1)",
            'content/articles/a.md: veld "Afbeelding" (image): "javascript:alert(1)" is geen adres van een afbeelding; upload',
        ),
        (
            "image",
            "data:image/png;base64,AAAA",
            '(image): "data:image/png;base64,AAAA" is geen adres van een afbeelding',
        ),
        (
            "image",
            "https://elders.example/foto.jpg",
            '(image): "https://elders.example/foto.jpg" staat op een andere website; de site laadt geen '
            "afbeeldingen van andere websites (privacy)",
        ),
        (
            "image",
            "/images/../pelicanconf.py",
            '(image): "/images/../pelicanconf.py" staat niet in content/images/',
        ),
    ],
)
def test_an_image_field_must_be_a_file_of_the_site(tmp_path, monkeypatch, field, value, expected):
    monkeypatch.chdir(tmp_path)  # messages name files relative to where the build runs
    message = errors(
        tmp_path,
        {
            "content/articles/a.md": ARTICLE.format(
                extra=f"{field}: '{value}'\nimage_alt: Een foto", body="Tekst."
            )
        },
        images=["foto.jpg"],
    )
    assert expected in message


def test_a_logo_and_a_body_image_that_do_not_exist_are_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    message = errors(
        tmp_path,
        {
            "content/partners/p.md": PARTNER.format(extra="logo: /images/logo.png"),
            "content/articles/a.md": ARTICLE.format(
                extra="",
                body='![Foto](/images/weg.jpg)\n\n<img src="https://elders.example/x.png" alt="x">',
            ),
        },
    )
    assert "3 fouten" in message
    assert (
        'content/partners/p.md: veld "Logo" (logo): "/images/logo.png": content/images/logo.png bestaat niet'
        in message
    )
    assert (
        'content/articles/a.md: afbeelding in de tekst: "/images/weg.jpg": content/images/weg.jpg bestaat niet'
        in message
    )
    assert (
        'content/articles/a.md: afbeelding in de tekst: "https://elders.example/x.png" staat op een andere website'
        in message
    )


PAGE = "---\ntitle: Een pagina\n---\nTekst.\n"


@pytest.mark.parametrize(
    "source, address, generated",
    [
        ("content/pages/zoeken.md", "/zoeken/", "(/zoeken/, instelling SEARCH_SAVE_AS)"),
        ("content/pages/agenda.md", "/agenda/", "(/agenda/, instelling AGENDA_SAVE_AS)"),
        (
            "content/pages/partners.md",
            "/partners/",
            "(/partners/, instelling PARTNERS_INDEX_SAVE_AS)",
        ),
        (
            "content/pages/nieuwsbrief.md",
            "/nieuwsbrief/",
            "(/nieuwsbrief/, instelling NEWSLETTER_INDEX_SAVE_AS)",
        ),
        ("content/pages/artikelen.md", "/artikelen/", "(/artikelen/, instelling INDEX_SAVE_AS)"),
        ("content/pages/tag.md", "/tag/", "(/tag/, instelling TAGS_SAVE_AS)"),
        ("content/pages/rubriek.md", "/rubriek/", "(/rubriek/…/, instelling CATEGORY_SAVE_AS)"),
        (
            "content/pages/feeds.md",
            "/feeds/",
            "(/feeds/artikelen.atom.xml, instelling FEED_ATOM_PATH)",
        ),
        ("content/pages/pagefind.md", "/pagefind/", "(/pagefind/…, instelling SEARCH_BUNDLE_PATH)"),
        ("content/pages/admin.md", "/admin/", "(/admin/…, instelling WEB_EDITOR_PATH)"),
        ("content/pages/images.md", "/images/", "(/images/…, instelling STATIC_PATHS)"),
        (
            "content/events/archief.md",
            "/agenda/archief/",
            "(/agenda/archief/, instelling AGENDA_ARCHIVE_SAVE_AS)",
        ),
        (
            "newsletters/afmelden.md",
            "/nieuwsbrief/afmelden/",
            "(/nieuwsbrief/afmelden/, instelling NEWSLETTER_UNSUBSCRIBE_PAGE_SAVE_AS)",
        ),
    ],
)
def test_an_address_the_site_generates_is_taken(tmp_path, monkeypatch, source, address, generated):
    monkeypatch.chdir(tmp_path)
    text = {
        "content/pages": PAGE,
        "content/events": "---\ntitle: Archief\nstart: 2024-01-01\nonline: true\n---\n",
        "newsletters": "---\ntitle: Afmelden\ndate: 2024-01-01\nstatus: ready\n---\n",
    }[source.rsplit("/", 1)[0]]
    message = errors(tmp_path, {source: text})
    slug = source.rsplit("/", 1)[1][:-3]
    assert (
        f"{source}: veld \"Webadres\" (slug): '{slug}' geeft het webadres {address}, maar dat gebruikt de site zelf al {generated}"
        in message
    )
    assert "geef het bestand een andere naam of kies een ander webadres (veld 'slug')" in message


def test_the_slug_field_counts_and_drafts_are_not_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    message = errors(
        tmp_path,
        {
            "content/pages/zoekhulp.md": "---\ntitle: Zoekhulp\nslug: zoeken\n---\n",
            "content/pages/concept.md": "---\ntitle: Concept\nslug: agenda\nstatus: draft\n---\n",
        },
    )
    assert (
        "1 fout " in message
        and "content/pages/zoekhulp.md: veld \"Webadres\" (slug): 'zoeken'" in message
    )


def test_reserved_addresses_follow_the_settings(tmp_path):
    project = make_project(
        tmp_path, {"content/pages/zoeken.md": PAGE, "content/pages/vinden.md": PAGE}
    )
    # the search page moved: a page may now be called "zoeken", and "vinden" is taken
    settings = overrides(project, SEARCH_SAVE_AS="vinden/index.html", SEARCH_URL="vinden/")
    with pytest.raises(ContentError) as err:
        validate(str(ROOT / "pelicanconf.py"), settings)
    assert "vinden.md: veld \"Webadres\" (slug): 'vinden' geeft het webadres /vinden/" in str(
        err.value
    )
    assert "zoeken.md" not in str(err.value)


def test_swk_check_knows_the_addresses_of_every_plugin(tmp_path):
    """`make check` (no build) sets Pelican up, so plugin defaults are there too."""
    project = make_project(tmp_path, {"content/pages/agenda.md": PAGE})
    with pytest.raises(ContentError) as err:
        validate(str(ROOT / "pelicanconf.py"), overrides(project))
    assert "agenda.md: veld \"Webadres\" (slug): 'agenda' geeft het webadres /agenda/" in str(
        err.value
    )


def test_two_items_at_one_address_name_both_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    project = make_project(
        tmp_path,
        {"content/pages/wsp.md": PAGE, "content/partners/wsp.md": PARTNER.format(extra="")},
        with_pages=False,
    )
    settings = overrides(project, PARTNER_SAVE_AS="{slug}/index.html", PARTNER_URL="{slug}/")
    with pytest.raises(ContentError) as err:
        validate(str(ROOT / "pelicanconf.py"), settings)
    assert (
        "1 fout in de inhoud" in str(err.value)
        and "content/partners/wsp.md: veld \"Webadres\" (slug): 'wsp' geeft het webadres /wsp/, "
        "net als content/pages/wsp.md; geef het bestand een andere naam"
        in str(err.value)
    )


def test_the_first_generated_output_an_address_takes_is_named():
    """``check_outputs`` matches each address once against all generated outputs: it names
    the first that the address is or lies in, as trying them one by one would."""
    from content_model.outputs import Generated, generated_outputs, matcher
    from content_model.settings import load_settings

    generated = [
        Generated("pagefind", "SEARCH_BUNDLE_PATH", folder=True),
        Generated("pagefind/{slug}/index.html", "EEN_SAVE_AS"),
        Generated("{slug}/index.html", "TWEE_SAVE_AS"),
        Generated("zoeken/index.html", "SEARCH_SAVE_AS"),
        Generated("agenda/{slug}/{slug}.ics", "EVENT_ICS_SAVE_AS"),
        *generated_outputs(load_settings(str(ROOT / "pelicanconf.py"))),
    ]
    paths = [
        "pagefind",
        "pagefind/x/index.html",
        "pagefind/x/y/index.html",
        "pagefindx/index.html",
        "zoeken/index.html",
        "agenda/a/a.ics",
        "agenda/a/b/a.ics",
        "artikelen/index.html",
        "artikelen/x/index.html",
        "theme/css/site.css",
        "images/a.jpg",
        "feeds/all.atom.xml",
        "a/b/c/d.html",
        "index.html",
    ]
    first = matcher(generated)
    for path in paths:
        one_by_one = next((g for g in generated if g.regex().fullmatch(path)), None)
        assert first(path) is one_by_one, path
    assert first("zoeken/index.html").setting == "TWEE_SAVE_AS"  # before SEARCH_SAVE_AS
    assert first("pagefind/x/index.html").setting == "SEARCH_BUNDLE_PATH"
    assert first("a/b/c/d.html") is None
    assert matcher([])("index.html") is None
