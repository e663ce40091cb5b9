"""partners: the partner directory.

- every partner gets display data for the theme (``kind_label``, ``district_label``,
  ``facets``, ``contact``, ``jsonld`` for schema.org ``Organization``),
- the context gets ``PARTNER_KIND_LABELS`` (the one place for the Dutch labels of kinds),
  ``PARTNER_DISTRICT_LABELS`` and ``partner_facets`` (filter values with counts and URLs),
- ``PartnersGenerator`` writes ``/partners/`` and one static filter page per value of kind,
  district and sector (``/partners/soort/werkgever/``, ``/partners/stadsdeel/nieuw-west/``,
  ``/partners/sector/voeding/``), so filtering works without JavaScript.

Settings: ``PARTNERS_INDEX_SAVE_AS`` (``partners/index.html``), ``PARTNERS_FILTER_URL``
(``partners/{facet}/{value}/``), ``PARTNERS_FILTER_SAVE_AS``
(``partners/{facet}/{value}/index.html``).
"""

from __future__ import annotations

from pelican import signals

from .directory import DEFAULTS, PartnersGenerator, annotate


def _finalized(generators):
    generator = generators[0]
    annotate(generator.context, generator.settings)


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
