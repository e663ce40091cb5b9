"""Split a Markdown file into YAML front matter and body."""

from __future__ import annotations

import yaml

try:  # libyaml is much faster; fall back to the pure-Python loader
    _Base = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Base = yaml.SafeLoader


class DuplicateKey(yaml.constructor.ConstructorError):
    """A name given twice in one mapping. YAML itself would keep the last value without a
    word, so an editor who adds a second ``partners:`` would lose the first one unseen."""

    def __init__(self, key, first, second):
        super().__init__(
            problem=f"'{key}' staat twee keer", problem_mark=second, context_mark=first
        )
        self.key = key


class Loader(_Base):
    """A safe loader that leaves dates and times as strings and refuses a name given twice.

    We parse dates ourselves so that every spelling an editor or the web editor writes
    (``2023-02-16``, ``2023-02-16T15:00``, with or without seconds) is read the same way.
    """

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge" or not isinstance(
                    key_node, yaml.ScalarNode
                ):
                    continue  # '<<' merges may be overridden; other keys are not text
                key = self.construct_object(key_node)
                if key in seen:
                    raise DuplicateKey(key, seen[key], key_node.start_mark)
                seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}


# What the YAML parser's English says, in plain Dutch for editors: (words in the parser's
# problem or context, explanation). The first match wins; the last entry is the general case.
_EXPLANATIONS = (
    (
        ("mapping values are not allowed",),
        "er staat een dubbele punt op een plek waar die niet kan: in een waarde (zet dan de hele "
        "waarde tussen aanhalingstekens), in een regel die inspringt, of na een regel zonder "
        "dubbele punt",
    ),
    (
        ("quoted scalar",),
        "een aanhalingsteken wordt niet gesloten; zet aan het eind van de waarde "
        "hetzelfde aanhalingsteken als aan het begin",
    ),
    (
        ("flow sequence", "',' or ']'"),
        "een lijst tussen [ en ] is niet goed gesloten of mist een komma",
    ),
    (
        ("flow mapping", "',' or '}'"),
        "er staat een { of } in een waarde; zet de waarde tussen aanhalingstekens",
    ),
    (("could not find expected ':'",), "er ontbreekt een dubbele punt na de naam van een veld"),
    (
        ("block end", "expected key", "block mapping"),
        "een regel springt in of staat verkeerd; begin elk veld aan het begin van de regel",
    ),
    (("alias", "anchor"), "een waarde begint met * of &; zet de waarde tussen aanhalingstekens"),
    (
        ("cannot start any token",),
        "een waarde begint met een teken als @ of `; zet de waarde tussen aanhalingstekens",
    ),
)


def explain(exc) -> str:
    """The parser's problem in plain Dutch (never its English text)."""
    said = " ".join(
        str(part) for part in (getattr(exc, "problem", ""), getattr(exc, "context", "")) if part
    )
    for words, text in _EXPLANATIONS:
        if any(w in said for w in words):
            return text
    return "controleer dubbele punten en aanhalingstekens op deze regel"


class FrontMatterError(ValueError):
    def __init__(self, message: str, line: int | None = None, field: str | None = None):
        super().__init__(message)
        self.line = line
        self.field = field  # the field the problem is about, if it is about one


def split(text: str) -> tuple[dict, str]:
    """Return (metadata, body) of a document that starts with a ``---`` block."""
    text = text.lstrip("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise FrontMatterError(
            "het bestand begint niet met '---'; zet de velden tussen twee regels '---' bovenaan",
            1,
        )
    for end, line in enumerate(lines[1:], start=1):  # noqa: B007 - end is used after the loop
        if line.strip() in ("---", "..."):
            break
    else:
        raise FrontMatterError(
            "de velden bovenaan worden niet afgesloten; zet een regel '---' na het laatste veld",
            1,
        )
    head = "\n".join(lines[1:end])
    body = "\n".join(lines[end + 1 :])
    try:
        meta = yaml.load(head, Loader=Loader)  # Loader derives from SafeLoader
    except DuplicateKey as exc:
        first = exc.context_mark.line + 2  # +1 for '---', +1 1-based
        raise FrontMatterError(
            f"staat twee keer bovenaan (ook op regel {first}); er telt maar één waarde, "
            "dus haal één van beide weg of voeg ze samen",
            exc.problem_mark.line + 2,
            str(exc.key),
        ) from None
    except yaml.MarkedYAMLError as exc:
        # the context mark (where a bracket or quote was opened) says more than the
        # problem mark, which may lie past the end of the block
        mark = exc.context_mark or exc.problem_mark
        last = end  # the line number of the closing '---'; the block ends the line before
        line = min(mark.line + 2, last) if mark is not None else None  # +1 '---', +1 1-based
        said = explain(exc)
        for m in (exc.problem_mark, exc.context_mark):  # libyaml does not name the character
            if m is not None and m.line + 1 < end and "\t" in lines[m.line + 1]:
                said, line = "er staat een tab; gebruik spaties", m.line + 2
        raise FrontMatterError(f"de velden bovenaan zijn niet te lezen: {said}", line) from None
    except yaml.YAMLError:
        raise FrontMatterError(
            "de velden bovenaan zijn niet te lezen; controleer dubbele punten en aanhalingstekens"
        ) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise FrontMatterError("de velden bovenaan moeten de vorm 'naam: waarde' hebben", 2)
    return {str(k): v for k, v in meta.items()}, body
