"""The editors' guide describes every field of the contract, in tables made from the schema."""

from pathlib import Path

from content_model.schema import CONTENT_TYPES
from web_editor.docs import GUIDE, field_table, render


def test_guide_field_tables_are_current():
    text = GUIDE.read_text(encoding="utf-8")
    assert render(text) == text, (
        "docs/redactie.md is out of date with the schema: run "
        ".venv/bin/python plugins/web_editor/docs.py"
    )


def test_guide_has_a_table_with_every_field_of_every_type():
    text = GUIDE.read_text(encoding="utf-8")
    for ctype in CONTENT_TYPES.values():
        assert field_table(ctype) in text, ctype.name
        for f in ctype.fields:
            assert f"| `{f.name}` | {f.label} |" in text


def test_guide_explains_sending_a_newsletter():
    text = GUIDE.read_text(encoding="utf-8")
    assert (
        "python -m service newsletter test 2020-05-nieuwsbrief-3 --to redactie@voorbeeld.nl\n"
        in text
    )
    assert "python -m service newsletter send 2020-05-nieuwsbrief-3\n" in text
    assert "Review deployments" in text  # a person approves the real send after the test


def test_guide_uses_the_labels_editors_see():
    """The guide names buttons and messages exactly as Decap (its Dutch locale), our widget and
    the login service show them."""
    from service import github_auth
    from tests.support.testing import DECAP_DIST as DEFAULT_DIST
    from web_editor.admin import EDITOR_JS

    guide = " ".join(GUIDE.read_text(encoding="utf-8").split())  # lines are wrapped
    shown = EDITOR_JS.read_text(encoding="utf-8") + Path(github_auth.__file__).read_text(
        encoding="utf-8"
    )
    decap = DEFAULT_DIST / "decap-cms.js"
    if decap.exists():
        shown += decap.read_text(encoding="utf-8")
        labels = [
            "Inloggen met GitHub",
            "Opslaan",
            "Status: %{status}",
            "Concept",
            "Wordt beoordeeld",
            "Klaar",
            "Publiceer",
            "Publiceer nu",
            "Bekijk voorvertoning",
            "Controleer of voorvertoning geladen is",
            "Bekijk Live",
            "Uitloggen",
            "Wissel voorvertoning",
        ]
    else:
        labels = []
    labels += [
        "Tijd (leeg: de hele dag)",
        "Wissen",
        "De komende evenementen (vanzelf bij elke bouw)",
        "Zelf gekozen evenementen",
        "Geen evenementen",
        "Het einde ligt vóór het begin",
        "Opgeslagen als",
        "is nu niet bereikbaar",
        github_auth.DENIED.title,
        github_auth.EXPIRED.title,
        github_auth.UNREACHABLE.title,
    ]
    for label in labels:
        assert label in shown, label
        assert label.replace("%{status}", "Concept") in guide, label
