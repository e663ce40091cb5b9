"""partners: the partner directory.

- every partner gets display data for the theme (``kind_label``, ``district_label``,
  ``facets``, ``contact``, ``jsonld`` for schema.org ``Organization``),
- the context gets ``PARTNER_KIND_LABELS`` (the one place for the Dutch labels of kinds),
  ``PARTNER_DISTRICT_LABELS`` and ``partner_facets`` (filter values with counts and URLs),
- ``PartnersGenerator`` writes ``/partners/`` and one static filter page per value of kind,
  district and sector (``/partners/soort/werkgever/``, ``/partners/stadsdeel/nieuw-west/``,
  ``/partners/sector/voeding/``), so filtering works without JavaScript.

The context also gets ``partner_application_form`` (``application.application_form``: the
form on the page ``PARTNER_APPLICATION_PAGE``, ``partner-worden``, posting to the site
service; None without a service).

Settings: ``PARTNERS_INDEX_SAVE_AS`` (``partners/index.html``), ``PARTNERS_FILTER_URL``
(``partners/{facet}/{value}/``), ``PARTNERS_FILTER_SAVE_AS``
(``partners/{facet}/{value}/index.html``).
"""

from __future__ import annotations

from pelican import signals

from .application import DEFAULT_PAGE, application_form
from .directory import DEFAULTS, PartnersGenerator, annotate


def _finalized(generators):
    generator = generators[0]
    annotate(generator.context, generator.settings)
    generator.context["partner_application_form"] = application_form(generator.settings)
    generator.context.setdefault("PARTNER_APPLICATION_PAGE", DEFAULT_PAGE)


def _get_generators(pelican):
    return PartnersGenerator


def _defaults(pelican):
    # in the settings, so the content contract sees which addresses the directory takes
    for key, value in DEFAULTS.items():
        pelican.settings.setdefault(key, value)


def register():
    signals.initialized.connect(_defaults)
    signals.all_generators_finalized.connect(_finalized)
    signals.get_generators.connect(_get_generators)
