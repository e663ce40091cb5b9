"""The redirect map as data: ``content/redirects.yaml``, read, checked and resolved.

The file is a YAML list of entries, each ``from`` (an old address: a path from the first
``/``, optionally with a query such as ``/?p=12``) and ``to`` (a page of this site from the
first ``/``, or a full ``https://`` address elsewhere)::

    - from: /2023/01/05/sociaal-werkkoepel-is-van-ons-allemaal/
      to: /artikelen/sociaal-werkkoepel-is-van-ons-allemaal/

Everything here knows nothing of Pelican: the plugin, the WordPress importer and the tests
share it. Problems are ``content_model`` Problems (file, line, field, Dutch message).
"""

from __future__ import annotations

import difflib
import hashlib
import os
import posixpath
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import yaml

from content_model.problems import Problem, display_path

FIELDS = ("from", "to")
# Old addresses that would be served by WordPress's front controller: a query there means
# the same as on the home page (?p=12 and /index.php?p=12).
FRONT_PATHS = ("/", "/index.php")
# A static page can stand in for these addresses; any other extension (.php, .pdf, ...)
# goes into the web server map files only, as a static host would serve the page with the
# wrong type.
PAGE_EXTENSIONS = (".html", ".htm")


@dataclass(frozen=True)
class Redirect:
    source: str  # the old address, normalized (percent-decoded path, query as written)
    target: str  # where it goes as written in the file (local path or absolute URL)
    line: int  # 1-based line of the entry in the file

    @property
    def is_query(self) -> bool:
        return "?" in self.source

    @property
    def is_external(self) -> bool:
        return is_external(self.target)


def is_external(target: str) -> bool:
    return target.startswith(("http://", "https://"))


def normalize_source(text: str) -> str:
    """An old address as the server sees it: the path percent-decoded, the query kept."""
    path, _, query = text.strip().partition("?")
    path = unquote(path)
    return f"{path}?{query}" if query else path


def target_path(target: str) -> str:
    """The site path of a local target without fragment or query, percent-decoded."""
    return unquote(urlsplit(target).path)


def page_file(source: str) -> str | None:
    """Where a static redirect page for an old address goes, relative to the output folder;
    None when no static file can answer it (a query, or an extension such as .php)."""
    if "?" in source:
        return None
    rel = source.lstrip("/")
    if not rel or source.endswith("/"):
        return rel + "index.html"
    last = rel.rsplit("/", 1)[-1]
    ext = posixpath.splitext(last)[1].lower()
    if ext in PAGE_EXTENSIONS:
        return rel
    if ext:
        return None
    return rel + "/index.html"


def query_key(source: str) -> str | None:
    """``p=12`` for ``/?p=12`` or ``/index.php?p=12``: a query on the old front page with one
    parameter, which a small script on the home and 404 pages can look up."""
    path, _, query = source.partition("?")
    if not query or path not in FRONT_PATHS or "&" in query or "=" not in query:
        return None
    return query


def encoded(path: str) -> str:
    """The percent-encoded form of a decoded path (what a browser sends)."""
    return quote(path, safe="/?=&%:@!$'()*+,;~-._")


# --- reading and checking --------------------------------------------------------------------


def _scalar(node) -> str | None:
    if isinstance(node, yaml.ScalarNode):
        return str(node.value).strip()
    return None


def check_source(text: str) -> str | None:
    """Why ``text`` is not a usable old address, or None."""
    if not text:
        return "is leeg; schrijf het oude adres vanaf de eerste /, bv. /2023/01/05/mijn-bericht/"
    parts = urlsplit(text)
    if parts.scheme or parts.netloc:
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        return (
            f'"{text}" is een volledig webadres; schrijf alleen het deel vanaf de eerste /: {path}'
        )
    if not text.startswith("/"):
        return f'"{text}" begint niet met /; schrijf het oude adres vanaf de eerste /, bv. /{text}'
    if "#" in text:
        return f'"{text}" bevat een #; een webserver ziet dat deel nooit, laat het weg'
    if any(c.isspace() for c in text) or '"' in text:
        return f'"{text}" bevat een spatie of aanhalingsteken; schrijf het adres zoals in de adresbalk (%20 voor een spatie)'
    path = normalize_source(text).partition("?")[0]
    segments = path.split("/")[1:]
    if "//" in path or any(s in (".", "..") for s in segments):
        return f'"{text}" is geen geldig pad (// of .. erin)'
    if path == "/" and "?" not in text:
        return "is de voorpagina zelf; die kan niet worden doorverwezen"
    return None


def _check_target(text: str) -> str | None:
    if not text:
        return "is leeg; schrijf het nieuwe adres vanaf de eerste /, bv. /artikelen/mijn-bericht/"
    if is_external(text):
        return None if urlsplit(text).netloc else f'"{text}" is geen volledig webadres'
    if not text.startswith("/") or text.startswith("//"):
        return (
            f'"{text}" is geen adres op deze site; begin met / (bv. /{text.strip("/")}/) '
            "of schrijf een volledig adres met https://"
        )
    if any(c.isspace() for c in text):
        return f'"{text}" bevat een spatie; schrijf het adres zoals in de adresbalk'
    return None


def load(path: Path) -> tuple[list[Redirect], list[Problem]]:
    """Read the file; return the entries that are well formed and every problem found."""
    shown = display_path(path)
    if not path.exists():
        return [], []
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return [], [Problem(shown, None, "is geen UTF-8-tekst; sla het bestand op als UTF-8")]
    try:
        # every value is text here (BaseLoader resolves no types); only the structure counts
        root = yaml.compose(text, Loader=getattr(yaml, "CBaseLoader", yaml.BaseLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return [], [
            Problem(
                shown,
                None,
                f"YAML klopt niet ({exc.problem}); controleer inspringing, "
                "dubbele punten en aanhalingstekens op die regel",
                mark.line + 1 if mark else None,
            )
        ]
    except yaml.YAMLError as exc:
        return [], [Problem(shown, None, f"YAML klopt niet ({exc})")]
    if root is None:
        return [], []
    if not isinstance(root, yaml.SequenceNode):
        return [], [
            Problem(
                shown,
                None,
                "moet een lijst zijn: elke doorverwijzing begint met '- from:' met daaronder 'to:'",
                root.start_mark.line + 1,
            )
        ]

    entries: list[Redirect] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for node in root.value:
        line = node.start_mark.line + 1
        if not isinstance(node, yaml.MappingNode):
            problems.append(
                Problem(
                    shown,
                    None,
                    "deze regel is geen doorverwijzing; schrijf "
                    "'- from: /oud-adres/' met op de volgende regel 'to: /nieuw-adres/'",
                    line,
                )
            )
            continue
        values: dict[str, str | None] = {}
        bad = False
        for key_node, value_node in node.value:
            key = _scalar(key_node) or ""
            if key not in FIELDS:
                close = difflib.get_close_matches(key, FIELDS, n=1)
                hint = f" Bedoel je '{close[0]}'?" if close else ""
                problems.append(
                    Problem(
                        shown,
                        key,
                        f"is geen veld van een doorverwijzing; gebruik from en to.{hint}",
                        key_node.start_mark.line + 1,
                    )
                )
                bad = True
                continue
            value = _scalar(value_node)
            if value is None:
                problems.append(
                    Problem(
                        shown,
                        key,
                        "moet één adres zijn, geen lijst",
                        value_node.start_mark.line + 1,
                    )
                )
                bad = True
                continue
            values[key] = value
        for key in FIELDS:
            if key not in values and not bad:
                problems.append(
                    Problem(shown, key, "ontbreekt; elke doorverwijzing heeft from en to", line)
                )
                bad = True
        if bad:
            continue
        source, target = values["from"], values["to"]
        for key, why in (("from", check_source(source)), ("to", _check_target(target))):
            if why:
                problems.append(Problem(shown, key, why, line))
                bad = True
        if bad:
            continue
        source = normalize_source(source)
        if source in seen:
            problems.append(
                Problem(
                    shown,
                    "from",
                    f"{source} staat er al (regel {seen[source]}); "
                    "een oud adres kan maar naar één plek; haal een van beide weg",
                    line,
                )
            )
            continue
        seen[source] = line
        entries.append(Redirect(source, target, line))
    return entries, problems


def resolve(entries: list[Redirect], path: Path) -> tuple[dict[str, str], list[Problem]]:
    """Each old address -> its final target (a chain /a/ -> /b/ -> /c/ is followed to /c/);
    a loop is a problem."""
    shown = display_path(path)
    by_source = {e.source: e for e in entries}
    final: dict[str, str] = {}
    problems: list[Problem] = []
    for entry in entries:
        chain = [entry.source]
        target = entry.target
        while not is_external(target) and target_path(target) in by_source:
            step = target_path(target)
            if step in chain:
                cycle = " → ".join([*chain[chain.index(step) :], step])
                problems.append(
                    Problem(
                        shown,
                        "to",
                        f"de doorverwijzing van {entry.source} loopt in een "
                        f"kringetje ({cycle}); laat er een naar een bestaande pagina wijzen",
                        entry.line,
                    )
                )
                break
            chain.append(step)
            target = by_source[step].target
        else:
            final[entry.source] = target
    return final, problems


_CACHE: dict[tuple[str, str, bytes], tuple] = {}


def read(path: Path) -> tuple[list[Redirect], dict[str, str], list[Problem]]:
    """Load, check and resolve: (entries, old address -> final target, problems).

    A build reads the map twice (when Pelican starts and in the generator); the result is
    kept per file, working folder and exact text, so a changed file is always read again."""
    try:
        digest = hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
    except OSError:
        digest = b""
    key = (str(path), os.getcwd(), digest)
    if key not in _CACHE:
        entries, problems = load(path)
        final, loop_problems = resolve(entries, path)
        if len(_CACHE) > 20:
            _CACHE.clear()
        _CACHE[key] = (entries, final, problems + loop_problems)
    entries, final, problems = _CACHE[key]
    return list(entries), dict(final), list(problems)


# --- writing (the importer adds entries; an editor's text is never rewritten) ----------------

HEADER = """\
# Doorverwijzingen: oude adressen (zoals van de WordPress-site) en waar ze nu heen gaan.
# Elke doorverwijzing is een regel '- from:' (het oude adres, vanaf de eerste /) met daaronder
# 'to:' (een pagina van deze site vanaf de eerste /, of een volledig https://-adres).
# De bouw maakt voor elk oud adres een pagina die doorstuurt, en kaarten voor webservers.
# Fouten (een adres dat niet bestaat, een kringetje) stoppen de bouw met een melding.
# Zie docs/redactie.md, "Oude adressen".
"""


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def append(path: Path, pairs: list[tuple[str, str]], comment: str = "") -> None:
    """Add entries at the end of the file as text, so comments and order stay as they are."""
    if not pairs:
        return
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    lines = text.splitlines()
    # an empty flow list ("[]") cannot be followed by block entries
    lines = [ln for ln in lines if ln.strip() != "[]"]
    out = lines + ([""] if lines and lines[-1].strip() else [])
    if comment:
        out.append(f"# {comment}")
    for source, target in pairs:
        out.append(f"- from: {_quoted(source)}")
        out.append(f"  to: {_quoted(target)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
