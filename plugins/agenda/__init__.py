"""agenda: upcoming and past events, event display data, iCalendar files.

- every event gets ``is_past``, ``when_text`` (Dutch: "donderdag 16 februari 2023,
  15.00–18.00 uur"), ``when_iso``, ``place_text`` ("Tolhuistuin" or "online"),
  ``kind_label``, ``kind_badge`` (the label unless the title says it), ``ics_url`` and ``jsonld`` (schema.org ``Event``),
- the context gets ``upcoming_events`` (soonest first), ``past_events`` (newest first),
  ``upcoming_by_month`` and ``past_by_month`` (lists of ``(label, events)``, label like
  "februari 2023") and ``EVENT_KIND_LABELS``,
- an event with ``registration: site`` gets ``registration_site``, ``registration_open`` (before
  its closing moment: ``registration_closes`` or the start) and ``registration_closes_text``;
  the context gets ``registration_form`` (``registration.registration_form``, None without a
  site service), and the generator writes ``EVENT_REGISTRATION_SAVE_AS``
  (``agenda/{slug}/registration.json``) for the service,
- ``AgendaGenerator`` writes ``/agenda/``, ``/agenda/archief/``, one ``.ics`` per event and
  ``/agenda.ics`` with all published events.

An event is past once its end (its start if it has none; the end of the day for an all-day
date) is at or before ``now`` from the context (the build time, or ``SWK_NOW``).

Settings and their defaults: ``settings.DEFAULTS`` (documented in the README's plugin table).
"""

from __future__ import annotations

from pelican import signals

from content_model.settings import use_defaults

from .generator import AgendaGenerator
from .model import annotate
from .registration import registration_form
from .settings import DEFAULTS


def _finalized(generators):
    generator = generators[0]
    annotate(generator.context, generator.settings)
    generator.context["registration_form"] = registration_form(generator.settings)


def _get_generators(pelican):
    return AgendaGenerator


def register():
    use_defaults(DEFAULTS)  # so the content contract sees which addresses the agenda takes
    signals.all_generators_finalized.connect(_finalized)
    signals.get_generators.connect(_get_generators)
