"""Plugin settings and their defaults, one way for every plugin.

Each plugin declares its defaults once, as a ``DEFAULTS`` mapping in its package (a value
may be a function of the settings, for a default made from other settings, such as
``NEWSLETTER_REPLY_TO``: ``CONTACT_EMAIL``), and calls ``use_defaults(DEFAULTS)`` in its
``register()``; they go into the settings at Pelican's ``initialized``. Code that reads the
settings without running Pelican (``swk check``, the site service) loads them with
``load_settings``, which applies the same defaults of every plugin in ``PLUGINS``.
Everything else reads ``settings["NAME"]``. The README's plugin tables document them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from pelican import signals


def apply_defaults(settings: dict, defaults: Mapping) -> dict:
    """Put each default in ``settings`` unless it is set; plain values first, then those
    made from other settings (which may read the plain ones)."""
    for key, value in defaults.items():
        if not callable(value):
            settings.setdefault(key, value)
    for key, value in defaults.items():
        if callable(value) and key not in settings:
            settings[key] = value(settings)
    return settings


_receivers: dict[int, Callable] = {}  # one per DEFAULTS mapping: register() runs per Pelican


def use_defaults(defaults: Mapping, then: Callable | None = None) -> Callable:
    """Apply ``defaults`` when Pelican starts (``initialized``); for a plugin's
    ``register()``. ``then(pelican)``, if given, runs right after, for a plugin that reads its
    settings at ``initialized`` (receivers of one signal run in no fixed order). Returns the
    receiver (connected for as long as the process lives)."""
    receiver = _receivers.get(id(defaults))
    if receiver is None:

        def receiver(pelican):
            apply_defaults(pelican.settings, defaults)
            if then is not None:
                then(pelican)

        _receivers[id(defaults)] = receiver
    signals.initialized.connect(receiver, weak=False)
    return receiver


def plugin_defaults(settings) -> list[Mapping]:
    """The ``DEFAULTS`` of every plugin in ``PLUGINS`` that declares some, each plugin found
    as Pelican finds it (namespace plugins, then ``PLUGIN_PATHS``, then ``sys.path``; all
    namespace plugins when ``PLUGINS`` is not set). A plugin that cannot be loaded is an
    ``ImportError`` naming it (Pelican only logs it)."""
    from pelican.plugins._utils import load_plugins

    modules = []
    for plugin in settings.get("PLUGINS") or ():
        loaded = load_plugins({**settings, "PLUGINS": [plugin]})
        if not loaded:
            raise ImportError(
                f"plugin {plugin!r} in PLUGINS cannot be loaded (searched: namespace plugins, "
                f"PLUGIN_PATHS {settings.get('PLUGIN_PATHS', [])}, sys.path)"
            )
        modules += loaded
    if settings.get("PLUGINS") is None:
        modules = load_plugins(settings)
    found = []
    for module in modules:
        defaults = getattr(module, "DEFAULTS", None)
        if isinstance(defaults, Mapping):
            found.append(defaults)
    return found


def load_settings(settings_file: str, override: dict | None = None) -> dict:
    """Pelican's ``read_settings`` with every listed plugin's defaults applied, as a Pelican
    run has them after ``initialized``."""
    from pelican.settings import read_settings

    settings = read_settings(settings_file, override=override or {})
    for defaults in plugin_defaults(settings):
        apply_defaults(settings, defaults)
    return settings


LOCAL_SITEURL = "http://localhost:8000"  # `make serve`; used where an absolute URL is required


def site_url(settings) -> str:
    """The site's absolute address without a trailing slash (``SITEURL``; locally the dev
    server's), for what must be absolute: feeds, calendars, e-mails, structured data."""
    return (settings.get("SITEURL") or LOCAL_SITEURL).rstrip("/")
