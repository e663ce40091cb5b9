"""The service as a real process: it starts, answers, looks like the site, refuses bad config."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from service import db
from service.config import Config, ConfigError
from tests.support.testing import ROOT, service


def _get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, resp.headers, resp.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode("utf-8")


def test_service_starts_answers_health_and_unknown_pages_in_dutch_in_the_sites_look(tmp_path):
    with service(tmp_path / "data", SWK_SITE_URL="https://www.example.org") as svc:
        assert _get(svc.url + "/health")[0] == 200
        status, headers, body = _get(svc.url + "/bestaat-niet")
        assert status == 404
        assert '<html lang="nl">' in body and "Pagina niet gevonden" in body
        assert 'href="https://www.example.org/theme/css/site.min.css"' in body  # the City's look
        assert "noindex" in body and headers["Cache-Control"] == "no-store"
    assert (tmp_path / "data" / "service.sqlite").exists()


def test_production_refuses_to_start_without_secrets_and_says_which(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "SWK_SERVICE_DATA": str(tmp_path),
        "SWK_SERVICE_MODE": "production",
        "SWK_SITE_URL": "https://www.example.org",
        "SWK_SERVICE_URL": "https://dienst.example.org",
    }
    result = subprocess.run(
        [sys.executable, "-m", "service", "--port", "9"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "SWK_SECRET_KEY ontbreekt" in result.stderr


PRODUCTION = {
    "SWK_SERVICE_MODE": "production",
    "SWK_SITE_URL": "https://www.example.org",
    "SWK_SERVICE_URL": "https://dienst.example.org",
    "SWK_SECRET_KEY": "k" * 40,
    "SWK_API_TOKEN": "t" * 40,
}


@pytest.mark.parametrize(
    "env, message",
    [
        ({"SWK_SERVICE_MODE": "test"}, "kies local of production"),
        ({"SWK_SERVICE_MODE": "production"}, "SWK_SITE_URL ontbreekt"),
        (
            {"SWK_SERVICE_MODE": "local", "SWK_SITE_URL": "www.example.org"},
            "geen volledig webadres",
        ),
        ({"SWK_SERVICE_MODE": "local", "SWK_SECRET_KEY": "kort"}, "korter dan 32 tekens"),
        # a password in clear over the network: only to a server on this machine (issue 11)
        (
            {
                "SWK_SERVICE_MODE": "local",
                "SMTP_HOST": "smtp.example.org",
                "SMTP_SECURITY": "none",
                "SMTP_USER": "u",
                "SMTP_PASSWORD": "p",
            },
            "stuurt het wachtwoord onversleuteld naar smtp.example.org",
        ),
        (
            {"SWK_SERVICE_MODE": "local", "SMTP_HOST": "smtp.example.org", "SMTP_SECURITY": "tls"},
            "kies starttls",
        ),
        (
            {"SWK_SERVICE_MODE": "local", "SMTP_HOST": "smtp.example.org", "SMTP_PORT": "vijf"},
            "geef een poortnummer",
        ),
        ({"SWK_SERVICE_MODE": "local", "SWK_DKIM_SELECTOR": "nb"}, "DKIM half ingesteld"),
        (
            {
                "SWK_SERVICE_MODE": "local",
                "SWK_DKIM_SELECTOR": "nb",
                "SWK_DKIM_KEY_FILE": "/bestaat/niet",
            },
            "niet te lezen",
        ),
        ({"SWK_SERVICE_MODE": "local", "SWK_NEWSLETTER_TEST_TO": "redactie"}, "geen e-mailadres"),
        ({"SWK_SERVICE_MODE": "local", "SWK_PENDING_DAYS": "0"}, "SWK_PENDING_DAYS"),
        ({"SWK_SERVICE_MODE": "local", "SWK_SEND_RATE": "snel"}, "SWK_SEND_RATE"),
        (
            {**PRODUCTION, "SWK_SERVICE_URL": "http://dienst.example.org"},
            "moet het een https-adres zijn",
        ),
        (PRODUCTION, "SMTP_HOST ontbreekt"),
    ],
)
def test_bad_settings_are_named(tmp_path, env, message):
    with pytest.raises(ConfigError, match=message):
        Config.from_env({"SWK_SERVICE_DATA": str(tmp_path), **env})


def test_smtp_without_tls_is_fine_to_a_server_on_this_machine(tmp_path):
    conf = Config.from_env(
        {
            **PRODUCTION,
            "SWK_SERVICE_DATA": str(tmp_path),
            "SMTP_HOST": "127.0.0.1",
            "SMTP_SECURITY": "none",
            "SMTP_USER": "u",
            "SMTP_PASSWORD": "p",
        }
    )
    assert (conf.smtp.host, conf.smtp.port, conf.smtp.security) == ("127.0.0.1", 25, "none")
    assert (
        Config.from_env(
            {**PRODUCTION, "SWK_SERVICE_DATA": str(tmp_path), "SMTP_HOST": "mail"}
        ).smtp.port
        == 587
    )


def test_local_mode_keeps_its_generated_secret_across_restarts(tmp_path):
    first = Config.from_env({"SWK_SERVICE_MODE": "local", "SWK_SERVICE_DATA": str(tmp_path)})
    second = Config.from_env({"SWK_SERVICE_MODE": "local", "SWK_SERVICE_DATA": str(tmp_path)})
    assert first.secret_key == second.secret_key and len(first.secret_key) >= 32
    assert first.site_origins == ("http://localhost:8000",)


def test_migrations_run_once_and_refuse_a_newer_database(tmp_path):
    conn = db.connect(tmp_path / "x.sqlite")
    steps = [
        "CREATE TABLE a (x INTEGER)",
        "ALTER TABLE a ADD COLUMN y TEXT; CREATE INDEX a_y ON a (y)",
    ]
    db.migrate(conn, "demo", steps[:1])
    db.migrate(conn, "demo", steps)
    db.migrate(conn, "demo", steps)  # nothing left to do
    assert [r[1] for r in conn.execute("PRAGMA table_info(a)")] == ["x", "y"]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with pytest.raises(RuntimeError, match="nieuwere versie"):
        db.migrate(conn, "demo", steps[:1])


def test_backup_copies_a_live_database(tmp_path):
    conn = db.connect(tmp_path / "live.sqlite")
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (42)")
    db.backup(tmp_path / "live.sqlite", tmp_path / "copy.sqlite")
    assert sqlite3.connect(tmp_path / "copy.sqlite").execute("SELECT x FROM t").fetchone() == (42,)


def test_what_the_service_keeps_is_what_the_privacy_statement_says(tmp_path):
    """The privacy statement (plugins/statements) states these periods from the site's
    settings; the service takes its defaults from the same settings, never a copy."""
    from service import registrations

    site = tmp_path / "siteconf.py"
    site.write_text(
        "from pelicanconf import *\n"
        "NEWSLETTER_PENDING_DAYS = 3\nREGISTRATION_KEEP_DAYS = 12\n"
        "PARTNER_APPLICATION_KEEP_DAYS = 45\n",
        encoding="utf-8",
    )
    env = {"SWK_SERVICE_MODE": "local", "SWK_SITE_SETTINGS": str(site)}
    config = Config.from_env(env)
    assert config.pending_days == 3
    assert registrations.settings_of(config)["keep_days"] == 12
    assert config.retention("PARTNER_APPLICATION_KEEP_DAYS") == 45
    # the environment still overrides, for a test or an emergency
    assert Config.from_env({**env, "SWK_PENDING_DAYS": "2"}).pending_days == 2

    other = tmp_path / "other.py"
    other.write_text("from pelicanconf import *\ndel NEWSLETTER_PENDING_DAYS\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="NEWSLETTER_PENDING_DAYS staat niet"):
        Config.from_env({**env, "SWK_SITE_SETTINGS": str(other)})
