"""Plugin settings' defaults: declared once per plugin, the same for a Pelican run and for
code that only loads the settings (``swk check``, the site service)."""

from __future__ import annotations

from pelican import Pelican
from pelican.settings import read_settings

from content_model.settings import apply_defaults, load_settings, plugin_defaults
from tests.support.testing import ROOT

CONF = str(ROOT / "pelicanconf.py")


def test_loaded_settings_have_the_defaults_a_pelican_run_has():
    started = Pelican(read_settings(CONF)).settings  # defaults applied at `initialized`
    loaded = load_settings(CONF)
    names = {name for defaults in plugin_defaults(loaded) for name in defaults}
    assert {"AGENDA_URL", "NEWSLETTER_FROM", "SEARCH_URL", "DECAP_DIST"} <= names
    assert {n: loaded[n] for n in names} == {n: started[n] for n in names}
    # made from other settings: pelicanconf.py's contact address and npm folder
    assert loaded["NEWSLETTER_REPLY_TO"] == loaded["CONTACT_EMAIL"]
    assert loaded["DECAP_DIST"] == str(ROOT / "node_modules" / "decap-cms" / "dist")


def test_a_setting_given_keeps_its_value_and_derived_defaults_follow_it():
    defaults = {"A_URL": "a/", "A_FROM": lambda s: f"<{s['CONTACT_EMAIL']}>", "A_MAX": 5}
    settings = apply_defaults({"CONTACT_EMAIL": "x@example.org", "A_MAX": 0}, defaults)
    assert settings == {
        "CONTACT_EMAIL": "x@example.org",
        "A_MAX": 0,  # given, even if falsy
        "A_URL": "a/",
        "A_FROM": "<x@example.org>",
    }


def test_a_plugin_in_a_folder_of_plugin_paths_has_its_defaults_applied(tmp_path):
    """Plugins are found as Pelican finds them: also in a folder ``PLUGIN_PATHS`` adds."""
    (tmp_path / "eigen").mkdir()
    (tmp_path / "eigen/eigen_plugin.py").write_text(
        "DEFAULTS = {'EIGEN_URL': 'eigen/'}\ndef register():\n    pass\n"
    )
    settings = tmp_path / "settings.py"
    settings.write_text(
        f"from pelicanconf import *\nPLUGIN_PATHS = [*PLUGIN_PATHS, {str(tmp_path / 'eigen')!r}]\n"
        "PLUGINS = [*PLUGINS, 'eigen_plugin']\n"
    )
    loaded = load_settings(str(settings))
    assert loaded["EIGEN_URL"] == "eigen/"
    assert loaded["AGENDA_URL"]  # and the project's own plugins' defaults still


def test_a_plugin_that_cannot_be_loaded_is_an_error_naming_it(tmp_path, monkeypatch):
    """Also with Pelican's log turning errors into exceptions, as the dev server sets it
    (``log.init(fatal="errors")``; set here for this test only)."""
    import logging

    import pytest
    from pelican import log

    monkeypatch.setattr(log.FatalLogger, "fatal_lvl", logging.ERROR)
    settings = tmp_path / "settings.py"
    settings.write_text("from pelicanconf import *\nPLUGINS = [*PLUGINS, 'bestaat_niet']\n")
    with pytest.raises(ImportError, match="'bestaat_niet' in PLUGINS cannot be loaded"):
        load_settings(str(settings))
