"""The editors' guide describes every field of the contract, in tables made from the schema."""

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
    assert "python -m service newsletter test 2020-05-nieuwsbrief-3 --to redactie@voorbeeld.nl\n" in text
    assert "python -m service newsletter send 2020-05-nieuwsbrief-3\n" in text
    assert "Review deployments" in text  # a person approves the real send after the test
