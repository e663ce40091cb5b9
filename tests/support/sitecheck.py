"""Checks over a built site: HTML structure, internal links, the W3C Nu checker, axe-core.

Used by tests/test_site_checks.py on the real content, so every page a later feature adds
is checked too. Each function returns a list of readable problems (empty when all is well)
so a test can report all of them at once.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass, field
from fnmatch import fnmatch
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from content_model.settings import LOCAL_SITEURL
from tests.support.testing import ROOT

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Output folders not made by our theme (the web editor's app); left out of the page checks.
EXCLUDED_PREFIXES = ("admin/",)
# compiled newsletter e-mails: e-mail HTML, checked by the newsletter plugin's own tests
EXCLUDED_EMAIL = "nieuwsbrief/*/email.html"
# Stylesheets the Nu checker does not check: the design system's compiled CSS with site.css
# appended (plugins/design_system); site.css itself is checked. The checker does not know
# container queries, which the design system's cards use.
EXCLUDED_CSS = ("theme/css/site.min.css",)

# A base for resolving URLs; only its path matters.
_BASE = "http://site.invalid"
_URL_ATTRS = ("href", "src", "action", "poster", "data")
# rel values of <link> whose target the browser loads by itself
_LOADED_RELS = {
    "stylesheet",
    "icon",
    "preload",
    "modulepreload",
    "manifest",
    "apple-touch-icon",
    "prefetch",
}
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")


@dataclass
class Ref:
    attr: str
    url: str
    line: int
    loaded: bool  # fetched by the browser on page load (script, image, stylesheet, ...)


@dataclass
class Page:
    """What the checks need from one HTML file."""

    path: str  # relative to the output folder, e.g. "artikelen/x/index.html"
    lang: str | None = None
    titles: list[str] = field(default_factory=list)
    h1: int = 0
    ids: set[str] = field(default_factory=set)
    refs: list[Ref] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)  # name or property -> content
    body: dict[str, str] = field(default_factory=dict)  # attributes of <body>
    first_link: str | None = None  # href of the first <a> in <body>

    @property
    def url(self) -> str:
        """The page's address relative to the site root, as visitors see it."""
        if self.path == "index.html":
            return "/"
        if self.path.endswith("/index.html"):
            return "/" + self.path[: -len("index.html")]
        return "/" + self.path

    @property
    def template(self) -> str | None:
        return self.body.get("data-template")


class _Parser(HTMLParser):
    def __init__(self, page: Page):
        super().__init__(convert_charrefs=True)
        self.page = page
        self._title: list[str] | None = None
        self._in_body = False

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        p = self.page
        line = self.getpos()[0]
        for key in ("id", "name") if tag != "meta" else ("id",):
            if a.get(key):
                p.ids.add(a[key])
        if tag == "html":
            p.lang = a.get("lang")
        elif tag == "title":
            self._title = []
        elif tag == "h1":
            p.h1 += 1
        elif tag == "meta":
            key = a.get("name") or a.get("property")
            if key:
                p.meta[key] = a.get("content", "")
        elif tag == "body":
            p.body = a
            self._in_body = True
        elif tag == "a" and self._in_body and p.first_link is None:
            p.first_link = a.get("href")
        rels = set(a.get("rel", "").lower().split())
        loaded = tag in (
            "img",
            "script",
            "source",
            "iframe",
            "video",
            "audio",
            "track",
            "embed",
            "object",
            "input",
        ) or (tag == "link" and bool(rels & _LOADED_RELS))
        for attr in _URL_ATTRS:
            if a.get(attr):
                p.refs.append(Ref(attr, a[attr].strip(), line, loaded and attr != "action"))
        if a.get("srcset"):
            for candidate in a["srcset"].split(","):
                if candidate.strip():
                    p.refs.append(Ref("srcset", candidate.split()[0], line, True))
        if a.get("style"):
            for m in _CSS_URL.finditer(a["style"]):
                p.refs.append(Ref("style", m.group(2) or m.group(4), line, True))

    def handle_endtag(self, tag):
        if tag == "title" and self._title is not None:
            self.page.titles.append("".join(self._title).strip())
            self._title = None

    def handle_data(self, data):
        if self._title is not None:
            self._title.append(data)


def parse_page(output: Path, rel: str) -> Page:
    page = Page(rel)
    parser = _Parser(page)
    parser.feed((output / rel).read_text(encoding="utf-8"))
    parser.close()
    return page


def html_files(output: Path) -> list[str]:
    """Every web page of the site (relative paths, sorted), minus EXCLUDED_PREFIXES and e-mails."""
    return sorted(
        rel
        for rel in (p.relative_to(output).as_posix() for p in output.rglob("*.html"))
        if not rel.startswith(EXCLUDED_PREFIXES) and not fnmatch(rel, EXCLUDED_EMAIL)
    )


def parse_site(output: Path) -> dict[str, Page]:
    return {rel: parse_page(output, rel) for rel in html_files(output)}


# --- links ---------------------------------------------------------------------------------


def site_bases(siteurl: str = "") -> list[str]:
    """Absolute URL prefixes that mean "this site": SITEURL and the feeds' local fallback."""
    bases = [LOCAL_SITEURL]
    if siteurl.startswith(("http://", "https://")):
        bases.insert(0, siteurl.rstrip("/"))
    return bases


def local_path(url: str, page_url: str, bases: list[str]) -> tuple[str, str] | None:
    """(path relative to the output root, fragment) for a same-site URL, else None."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        for base in bases:
            if url == base or url.startswith(base + "/") or url.startswith(base + "#"):
                url = url[len(base) :] or "/"
                break
        else:
            return None  # another site, mailto:, tel:, data:, javascript:
    resolved = urlsplit(urljoin(_BASE + page_url, url))
    return unquote(resolved.path).lstrip("/"), resolved.fragment


def target_file(output: Path, rel: str) -> Path | None:
    """The file a server would send for a path (a folder means its index.html)."""
    candidate = output / rel
    if rel == "" or rel.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def broken_links(output: Path, pages: dict[str, Page], siteurl: str = "") -> list[str]:
    """Every same-site link or asset in pages, CSS, feeds and sitemap whose target is missing."""
    bases = site_bases(siteurl)
    problems = []
    ids_cache: dict[Path, set[str]] = {}

    def ids_of(target: Path) -> set[str]:
        if target not in ids_cache:
            rel = target.relative_to(output).as_posix()
            ids_cache[target] = pages[rel].ids if rel in pages else parse_page(output, rel).ids
        return ids_cache[target]

    def check(where: str, page_url: str, url: str, own_ids: set[str] | None = None):
        found = local_path(url, page_url, bases)
        if found is None:
            return
        rel, fragment = found
        if url.startswith("#"):
            if fragment and own_ids is not None and fragment not in own_ids:
                problems.append(f"{where}: {url!r}: no element with id {fragment!r} on the page")
            return
        target = target_file(output, rel)
        if target is None:
            problems.append(f"{where}: {url!r} -> {rel or '/'} does not exist in the output")
        elif fragment and target.suffix == ".html" and fragment not in ids_of(target):
            problems.append(
                f"{where}: {url!r}: {target.relative_to(output)} has no id {fragment!r}"
            )

    for page in pages.values():
        for ref in page.refs:
            check(f"{page.path}:{ref.line} ({ref.attr})", page.url, ref.url, page.ids)
    for css in sorted(output.rglob("*.css")):
        rel = css.relative_to(output).as_posix()
        for n, line in enumerate(css.read_text(encoding="utf-8").splitlines(), start=1):
            for m in _CSS_URL.finditer(line):
                url = m.group(2) or m.group(4)
                if not url.startswith("data:"):
                    check(f"{rel}:{n}", "/" + rel, url)
    for xml in sorted(output.rglob("*.xml")):
        rel = xml.relative_to(output).as_posix()
        for url in xml_links(xml):
            check(rel, "/" + rel, url)
    return problems


def xml_links(path: Path) -> list[str]:
    """The page links of a feed or sitemap: <loc>, <link href>, RSS <link> text."""
    import xml.etree.ElementTree as ET

    urls = []
    for el in ET.parse(path).iter():
        local = el.tag.rsplit("}", 1)[-1]
        if local == "loc" and el.text:
            urls.append(el.text.strip())
        elif local == "link":
            if el.get("href"):
                urls.append(el.get("href"))
            elif el.text and el.text.strip():
                urls.append(el.text.strip())
    return urls


def external_assets(pages: dict[str, Page], siteurl: str = "") -> list[str]:
    """Assets a browser would fetch from another host (the privacy page promises none)."""
    bases = site_bases(siteurl)
    return [
        f"{page.path}:{ref.line} ({ref.attr}): {ref.url}"
        for page in pages.values()
        for ref in page.refs
        if ref.loaded
        and local_path(ref.url, page.url, bases) is None
        and not ref.url.startswith("data:")
    ]


_STYLE_BLOCK = re.compile(r"<style[^>]*>(.*?)</style>", re.S | re.I)


def external_css_urls(output: Path, siteurl: str = "") -> list[str]:
    """Stylesheets, fonts and images that CSS would fetch from another host (a CDN): in every
    ``.css`` file and every ``<style>`` block of a page (``url()``, ``@import``). Links and
    ``style`` attributes in pages are ``external_assets``'s."""
    bases = site_bases(siteurl)
    found = []
    sources = [(p, p.read_text(encoding="utf-8")) for p in sorted(output.rglob("*.css"))]
    for page in sorted(output.rglob("*.html")):
        blocks = _STYLE_BLOCK.findall(page.read_text(encoding="utf-8", errors="ignore"))
        if blocks:
            sources.append((page, "\n".join(blocks)))
    for path, text in sources:
        rel = path.relative_to(output).as_posix()
        for m in _CSS_URL.finditer(text):
            url = (m.group(2) or m.group(4)).strip()
            if not url.startswith("data:") and local_path(url, "/" + rel, bases) is None:
                found.append(f"{rel}: {url}")
    return found


# --- W3C Nu HTML checker --------------------------------------------------------------------


def vnu(files: list[Path], css: list[Path] = ()) -> list[dict]:
    """Run the Nu checker once over all files; return its error messages (with 'url')."""
    args = ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout"]
    if css:
        args.append("--also-check-css")
    result = subprocess.run(
        [*args, *map(str, files), *map(str, css)], capture_output=True, text=True, timeout=600
    )
    try:
        messages = json.loads(result.stdout)["messages"]
    except (ValueError, KeyError):
        raise RuntimeError(
            f"the Nu checker did not answer (exit {result.returncode}): {result.stderr[-2000:]}"
        ) from None
    return [m for m in messages if m.get("type") in ("error", "non-document-error")]


def format_vnu(message: dict, output: Path) -> str:
    url = message.get("url", "")
    path = unquote(urlsplit(url).path) if url.startswith("file:") else url
    try:
        path = Path(path).relative_to(output).as_posix()
    except ValueError:
        pass
    line = message.get("lastLine") or message.get("firstLine") or "?"
    extract = (message.get("extract") or "").strip().replace("\n", " ")
    return f"{path}:{line}: {message.get('message')}" + (f"  [{extract[:120]}]" if extract else "")


# --- axe-core -------------------------------------------------------------------------------


def axe_violations(page, tags=AXE_TAGS) -> list[dict]:
    """Inject axe-core into the Playwright page and return its violations for ``tags``.

    Evaluated through the DevTools protocol, which the page's Content-Security-Policy does
    not govern (a ``<script>`` tag with axe's code would be refused as inline script)."""
    page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    return page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                               resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
                summary: v.nodes.length ? v.nodes[0].failureSummary : ''}));
        }""",
        tags,
    )


def one_page_per_template(pages: dict[str, Page]) -> dict[str, Page]:
    """The first page (by path) of each template that occurs in the output."""
    chosen: dict[str, Page] = {}
    for rel in sorted(pages):
        template = pages[rel].template
        if template and template not in chosen:
            chosen[template] = pages[rel]
    return chosen
