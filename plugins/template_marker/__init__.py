"""template_marker: which template produced a page, for the site-wide checks.

Adds the Jinja global ``template_name()``: the name of the page template being rendered
(``article``, ``home``, ``partner``, ...; the leaf template, not ``base``). ``base.html``
writes it on ``<body data-template="...">`` so the site-wide tests can pick one page of
every template in the output, including templates added later. No settings.
"""

from __future__ import annotations

from jinja2 import pass_context
from pelican import signals


@pass_context
def template_name(context) -> str:
    name = context.name or ""
    name = name.rsplit("/", 1)[-1]  # "!theme/article.html" style names keep the last part
    return name[:-5] if name.endswith(".html") else name


def _add_global(generator):
    env = getattr(generator, "env", None)
    if env is not None:
        env.globals["template_name"] = template_name


def register():
    signals.generator_init.connect(_add_global)
