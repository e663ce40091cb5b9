"""The field tables of the editors' guide (docs/redactie.md), generated from the schema.

The guide is prose written by hand; between ``<!-- velden:TYPE -->`` and
``<!-- /velden:TYPE -->`` it holds a table of that content type's fields, generated here
(each field's kind as the field types' registry, ``content_model.fields``, names it).
Update it with ``.venv/bin/python plugins/web_editor/docs.py`` (a test checks it is current).
"""

from __future__ import annotations

import re
import sys

from content_model.fields import FIELD_TYPES
from content_model.schema import CONTENT_TYPES, ContentType, Field
from swk import ROOT

GUIDE = ROOT / "docs" / "redactie.md"
BLOCK_RE = re.compile(r"(<!-- velden:(\w+) -->\n).*?(<!-- /velden:\2 -->)", re.S)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _kind(f: Field) -> str:
    target = CONTENT_TYPES[f.collection].label.lower() if f.collection else ""
    kind = FIELD_TYPES[f.type].guide.format(target=target)
    if f.choices:
        kind += ": " + ", ".join(f"`{c}`" for c in f.choices)
    return kind


def field_table(ctype: ContentType) -> str:
    rows = [
        "| veld | in de webeditor | verplicht | soort | uitleg |",
        "| --- | --- | --- | --- | --- |",
    ]
    for f in ctype.fields:
        rows.append(
            f"| `{f.name}` | {_cell(f.label)} | {'ja' if f.required else 'nee'} | "
            f"{_cell(_kind(f))} | {_cell(f.hint)} |"
        )
    rows.append(f"| (de tekst onder de velden) | {ctype.body_label} | nee | Markdown | |")
    return "\n".join(rows) + "\n"


def render(text: str) -> str:
    """The guide with every field table regenerated."""
    return BLOCK_RE.sub(
        lambda m: m.group(1) + field_table(CONTENT_TYPES[m.group(2)]) + m.group(3), text
    )


def main() -> int:  # pragma: no cover - a developer's command
    GUIDE.write_text(render(GUIDE.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"{GUIDE} bijgewerkt")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
