"""partners: the partner directory.

- every partner gets display data for the theme (``kind_label``, ``district_label``,
  ``facets``, ``contact``, ``jsonld`` for schema.org ``Organization``),
- the context gets ``PARTNER_KIND_LABELS`` (the one place for the Dutch labels of kinds),
  ``PARTNER_DISTRICT_LABELS`` and ``partner_facets`` (filter values with counts and URLs),
- ``PartnersGenerator`` writes ``/partners/`` and one static filter page per value of kind,
  district and sector (``/partners/soort/werkgever/``, ``/partners/stadsdeel/nieuw-west/``,
  ``/partners/sector/voeding/``), so filtering works without JavaScript.

The context also gets ``partner_application_form`` (``application.application_form``: the
form on the page ``PARTNER_APPLICATION_PAGE``, posting to the site service; None without a
service).

Settings and their defaults: ``directory.DEFAULTS`` (documented in the README's plugin table).
"""

from __future__ import annotations

from pelican import signals

from content_model.settings import use_defaults

from .application import application_form
from .directory import DEFAULTS, PartnersGenerator, annotate


def _finalized(generators):
    generator = generators[0]
    annotate(generator.context, generator.settings)
    generator.context["partner_application_form"] = application_form(generator.settings)


def _get_generators(pelican):
    return PartnersGenerator


def register():
    use_defaults(DEFAULTS)  # so the content contract sees which addresses the directory takes
    signals.all_generators_finalized.connect(_finalized)
    signals.get_generators.connect(_get_generators)
