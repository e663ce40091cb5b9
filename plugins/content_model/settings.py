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
    as Pelican's ``load_plugins`` finds it (a namespace plugin, else in ``PLUGIN_PATHS``, else
    on ``sys.path``; every namespace plugin when ``PLUGINS`` is not set). A plugin that
    cannot be loaded is an ``ImportError`` naming it, where Pelican only logs it."""
    from pelican.plugins._utils import get_namespace_plugins, load_legacy_plugin

    namespace = get_namespace_plugins()
    plugins = settings.get("PLUGINS")
    modules = list(namespace.values()) if plugins is None else []
    for plugin in plugins or ():
        if not isinstance(plugin, str):
            modules.append(plugin)
        elif plugin in namespace or f"pelican.plugins.{plugin}" in namespace:
            modules.append(namespace.get(plugin) or namespace[f"pelican.plugins.{plugin}"])
        else:
            try:
                modules.append(load_legacy_plugin(plugin, settings.get("PLUGIN_PATHS", [])))
            except ImportError as exc:
                raise ImportError(
                    f"plugin {plugin!r} in PLUGINS cannot be loaded (PLUGIN_PATHS: "
                    f"{settings.get('PLUGIN_PATHS', [])}): {exc}"
                ) from exc
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
