"""redirects: old addresses (such as the WordPress site's) keep working.

The redirect map is data in the repository, ``content/redirects.yaml`` (``REDIRECTS_FILE``;
format and checks in ``data.py``). On every build:

- the map is read and checked when Pelican starts, before anything is written (a malformed
  entry, two entries for one old address, a loop: the build stops, naming the file, line and
  entry);
- ``RedirectsGenerator`` writes, for every old address that a static file can answer, a
  redirect page from ``redirect.html`` (meta refresh, canonical link, a visible link,
  ``noindex``; it extends ``base.html``), and map files for web servers and hosts:
  ``_redirects`` (Netlify style, ``REDIRECTS_NETLIFY_SAVE_AS``), an nginx ``map``
  (``REDIRECTS_NGINX_SAVE_AS``) and, for WordPress's ``?p=12`` / ``?page_id=12`` forms that no
  static file can answer, ``redirects.json`` (``REDIRECTS_QUERY_SAVE_AS``), read by
  ``theme/static/js/old-links.js`` on the home and 404 pages;
- an old address that is a page of the site itself stops the build before any redirect is
  written (the pages written, or with our engine recorded, so far: ``writer.recorded()``),
  so the dev server never puts a redirect page over a page it serves; the plugin comes last
  in ``PLUGINS`` so that every other plugin's pages are among them;
- after everything is written (``finalized``) every local target must exist in the output,
  and no redirect page may stand where a later generator (Pelican's static files, or a
  plugin listed after this one) wrote a page of its own.

Pages and maps go to the generator's folder (``self.output_path``): in the dev server's
rebuilds a scratch folder, so the engine removes what a build no longer writes.

Redirect pages are written by this plugin, not through Pelican's writer, so they stay out of
the sitemap; Pagefind does not read them (they are not an indexed type).
Settings and their defaults: ``DEFAULTS`` (documented in the README's plugin table); an
empty ``*_SAVE_AS`` leaves that file out.
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

from pelican import signals
from pelican.generators import Generator
from pelican.utils import sanitised_join

from content_model.problems import ContentError, Problem, display_path
from content_model.settings import use_defaults

from . import data

DEFAULTS = {
    "REDIRECTS_FILE": lambda s: str(Path(s["PATH"]) / "redirects.yaml"),
    "REDIRECTS_NETLIFY_SAVE_AS": "_redirects",
    "REDIRECTS_NGINX_SAVE_AS": "redirects.nginx.conf",
    "REDIRECTS_QUERY_SAVE_AS": "redirects.json",
}


def redirects_file(settings) -> Path:
    return Path(settings["REDIRECTS_FILE"])


class _Build:
    """What one build wrote, for the checks after writing (new for every run)."""

    def __init__(self, output: str = ""):
        self.output = output
        self.written: set[str] = set()  # files Pelican's writer wrote, relative to output
        self.entries: list[data.Redirect] = []
        self.final: dict[str, str] = {}
        self.path: Path | None = None
        self.context: dict = {}
        self.drafts: dict[str, str] = {}  # URL a draft would have -> its file


_build = _Build()


def _content_written(path, context=None):
    _build.written.add(os.path.relpath(path, _build.output).replace(os.sep, "/"))


def _titles(context) -> dict[str, str]:
    """Site path ("/artikelen/x/") -> the title of the page there, for the visible link."""
    titles = {"/": context.get("SITENAME", "")}
    for label, url in context.get("MENU_ITEMS", []):
        titles["/" + url] = label
    for key in ("articles", "pages", "partners", "events", "newsletters"):
        for item in context.get(key, []):
            titles["/" + item.url] = item.title
    for key, label in (("categories", "Rubriek"), ("tags", "Trefwoord")):
        for wrapper, _ in context.get(key, []):  # lists of (Category or Tag, articles)
            titles["/" + wrapper.url] = f"{label}: {wrapper.name}"
    return titles


class RedirectsGenerator(Generator):
    def generate_context(self):
        path = redirects_file(self.settings)
        entries, final, problems = data.read(path)
        if problems:
            raise ContentError(problems)
        _build.path, _build.entries, _build.final = path, entries, final
        _build.context = self.context  # drafts are known once every generator has read
        self.entries = entries
        queries = [e for e in entries if data.query_key(e.source)]
        save_as = self.settings["REDIRECTS_QUERY_SAVE_AS"]
        # the home and 404 templates load old-links.js only when there is something to look up
        self.context["REDIRECTS_QUERY_MAP_URL"] = save_as if queries and save_as else ""

    def _absolute(self, target: str) -> str:
        return target if data.is_external(target) else self.settings["SITEURL"] + target

    def generate_output(self, writer):
        if not self.entries:
            return
        # the generator's folder, not OUTPUT_PATH: the dev server's rebuilds have generators
        # write into a scratch folder and remove what a build no longer writes
        output = self.output_path
        # an old address that is a page of the site: refused before anything is written,
        # so the dev server never puts a redirect page over it (pages of generators after
        # this one are found after writing, in finalized)
        pages = _build.written | (writer.recorded() if hasattr(writer, "recorded") else set())
        own = [e for e in self.entries if data.page_file(e.source) in pages]
        if own:
            raise ContentError([_own_page(entry) for entry in own])
        titles = _titles(self.context)
        template = self.get_template("redirect")
        for entry in self.entries:
            rel = data.page_file(entry.source)
            if rel is None:
                continue
            target = _build.final[entry.source]
            local = {
                **self.context,
                "output_file": rel,
                "redirect": {
                    "source": entry.source,
                    "target": target,
                    "url": self._absolute(target),
                    "title": titles.get(data.target_path(target)) or target,
                },
            }
            dest = sanitised_join(output, rel)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "w", encoding="utf-8") as f:
                f.write(template.render(local))
        self._write_maps(output)

    def _write_maps(self, output: str):
        final = _build.final
        by_entry = [(e, final[e.source]) for e in self.entries]
        netlify = self.settings["REDIRECTS_NETLIFY_SAVE_AS"]
        if netlify:
            lines = [
                "# Doorverwijzingen uit " + display_path(_build.path) + " (gemaakt door de bouw).",
                "# Netlify-stijl; '!' laat de doorverwijzing voorgaan op de doorstuurpagina die er ook staat.",
            ]
            for entry, target in by_entry:
                if entry.is_query:
                    continue  # query forms: nginx map and redirects.json
                for source in dict.fromkeys([data.encoded(entry.source), entry.source]):
                    if " " not in source:
                        lines.append(f"{source} {data.encoded(target)} 301!")
            _write(output, netlify, "\n".join(lines) + "\n")
        nginx = self.settings["REDIRECTS_NGINX_SAVE_AS"]
        if nginx:
            _write(output, nginx, _nginx_map(by_entry, display_path(_build.path)))
        query = self.settings["REDIRECTS_QUERY_SAVE_AS"]
        if query and self.context.get("REDIRECTS_QUERY_MAP_URL"):
            found = {
                data.query_key(e.source): self._absolute(t)
                for e, t in by_entry
                if data.query_key(e.source)
            }
            _write(
                output,
                query,
                json.dumps(found, ensure_ascii=False, sort_keys=True, indent=0) + "\n",
            )


def _write(output: str, rel: str, text: str):
    dest = sanitised_join(output, rel)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with open(dest, "w", encoding="utf-8") as f:
        f.write(text)


def _nginx_quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _nginx_map(by_entry, source_name: str) -> str:
    """Two nginx maps: decoded paths ($uri) and the old front page's queries ($args)."""
    paths, queries = [], []
    for entry, target in by_entry:
        to = _nginx_quote(data.encoded(target))
        key = data.query_key(entry.source)
        if key:
            queries.append(f"    {_nginx_quote(key)} {to};")
        elif not entry.is_query:
            forms = [entry.source]
            if entry.source.endswith("/") and len(entry.source) > 1:
                forms.append(entry.source.rstrip("/"))
            paths += [f"    {_nginx_quote(form)} {to};" for form in forms]
    return "\n".join(
        [
            f"# Doorverwijzingen uit {source_name} (gemaakt door de bouw), voor nginx.",
            "# In het http-blok: include deze file. In het server-blok:",
            "#   if ($swk_redirect_uri) { return 301 $swk_redirect_uri; }",
            "#   location = / { if ($swk_redirect_args) { return 301 $swk_redirect_args; } }",
            "#   location = /index.php { if ($swk_redirect_args) { return 301 $swk_redirect_args; } return 404; }",
            "map $uri $swk_redirect_uri {",
            '    default "";',
            *paths,
            "}",
            "map $args $swk_redirect_args {",
            '    default "";',
            *queries,
            "}",
            "",
        ]
    )


def _exists(output: str, target: str) -> bool:
    rel = data.target_path(target).lstrip("/")
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    if rel in _build.written:
        return True
    # files not written by Pelican's writer: static files, feeds, the search bundle
    path = Path(output) / rel
    return path.is_file() or (path.is_dir() and (path / "index.html").is_file())


def _own_page(entry) -> Problem:
    return Problem(
        display_path(_build.path),
        "from",
        f"{entry.source} is een pagina van deze site zelf; een "
        "doorverwijzing zou die vervangen. Haal deze doorverwijzing weg",
        entry.line,
    )


def _finalized(pelican):
    context, _build.context = _build.context, {}  # not kept after the build (its memory)
    if _build.path is None or not _build.final:
        return
    output = pelican.settings["OUTPUT_PATH"]
    shown = display_path(_build.path)
    problems = []
    settings = pelican.settings
    _build.drafts = {  # where a draft would be once published (drafts have no URL here)
        "/" + settings[url].format(slug=item.slug): display_path(item.source_path)
        for key, url in (("drafts", "ARTICLE_URL"), ("draft_pages", "PAGE_URL"))
        for item in context.get(key, [])
    }
    pages = sorted(p[: -len("index.html")] for p in _build.written if p.endswith("index.html"))
    for entry in _build.entries:
        rel = data.page_file(entry.source)
        if rel is not None and rel in _build.written:
            problems.append(_own_page(entry))
        target = _build.final.get(entry.source)
        if target is None or data.is_external(target) or _exists(output, target):
            continue
        path = data.target_path(target)
        close = difflib.get_close_matches(path.lstrip("/"), pages, n=1, cutoff=0.8)
        if path in _build.drafts:
            hint = f" {_build.drafts[path]} is een concept (status: draft); publiceer het of verwijs ergens anders heen"
        elif close:
            hint = f" Bedoel je /{close[0]}?"
        else:
            hint = " Is het bestand hernoemd of verwijderd?"
        problems.append(
            Problem(
                shown,
                "to",
                f"de doorverwijzing van {entry.source} gaat naar {target}, "
                f"maar die pagina bestaat niet.{hint}",
                entry.line,
            )
        )
    if problems:
        raise ContentError(problems)


def check(settings) -> list[data.Redirect]:
    """Check the redirect map on its own (``swk check``): everything but the targets, which
    are known only after a build. Raises ContentError listing every problem."""
    entries, _, problems = data.read(redirects_file(settings))
    if problems:
        raise ContentError(problems)
    return entries


def _get_generators(pelican):
    global _build
    _build = _Build(pelican.settings["OUTPUT_PATH"])  # every run, also under --autoreload
    return RedirectsGenerator


def _initialized(pelican):
    # Check the map before any plugin starts a run: a build that stops halfway leaves other
    # plugins' state behind (pelican-sitemap keeps the run it waits for). The generator checks
    # again, for `pelican --autoreload`, which starts once and runs many times.
    check(pelican.settings)


def register():
    use_defaults(DEFAULTS, then=_initialized)
    signals.get_generators.connect(_get_generators)
    signals.content_written.connect(_content_written)
    signals.finalized.connect(_finalized)
