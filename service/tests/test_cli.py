"""The office's command line: import, export, show, erase, count, test and send, backup."""

from __future__ import annotations

import csv
import json
import os
import re
import sqlite3
import subprocess
import sys

import pytest

from service.app import FEATURES
from service.cli import main
from service.tests.conftest import SERVICE
from tests.support.testing import ROOT, smtp_server, write


@pytest.fixture
def office(tmp_path):
    """Run ``python -m service ...`` in process; returns (run, printed lines)."""
    with smtp_server() as inbox:
        env = {
            "SWK_SERVICE_MODE": "local",
            "SWK_SERVICE_DATA": str(tmp_path / "data"),
            "SWK_SERVICE_URL": SERVICE,
            "SWK_SEND_RATE": "0",
            **inbox.env,
        }
        printed: list[str] = []

        def run(*argv) -> int:
            printed.clear()
            return main([str(a) for a in argv], env=env, out=printed.append)

        run.inbox, run.env, run.printed = inbox, env, printed
        yield run


def test_import_count_show_export_erase(office, tmp_path, capsys):
    lijst = write(
        tmp_path / "lijst.csv",
        "\n".join(
            [
                "email;name",
                "een@example.org;Een",
                "geen-adres;Fout",
                "",
                "twee@example.org",
                "EEN@example.org;Dubbel",
                "drie@example.org;Drie\x07",
            ]
        )
        + "\n",
    )
    assert office("subscribers", "import", ROOT / "README.md", "--source", "een lijst in git") == 1
    assert "staat in de repository; persoonsgegevens horen niet in Git" in capsys.readouterr().err
    assert office("subscribers", "import", lijst, "--source", "x") == 1
    assert "waar de toestemming" in capsys.readouterr().err
    assert (
        office("subscribers", "import", lijst, "--source", "aanmeldingen per e-mail 2019-2024") == 0
    )
    report = "\n".join(office.printed)
    assert f"{lijst}:3: Dit is geen geldig e-mailadres." in report
    assert f"{lijst}:6: dit adres staat al op regel 2; regel overgeslagen." in report
    assert f"{lijst}:7: Een naam kan geen regeleinden of andere stuurtekens bevatten." in report
    assert "Toegevoegd: 2. Stond er al: 0." in report and "Ongeldige regels: 3." in report
    office("subscribers", "count")
    assert office.printed == [
        "Bevestigd (krijgen de nieuwsbrief): 2. Nog niet bevestigd: 0. Afgemeld: 0. "
        "Onbestelbaar: 0."
    ]

    assert office("subscribers", "show", "Een@Example.org") == 0
    shown = json.loads(office.printed[0])
    assert (
        shown["email"] == "een@example.org"
        and shown["name"] == "Een"
        and shown["status"] == "confirmed"
    )
    assert (
        shown["source"] == "import: aanmeldingen per e-mail 2019-2024"
        and shown["nieuwsbrieven"] == []
    )
    assert office("subscribers", "show", "niemand@example.org") == 1

    assert office("subscribers", "export", ROOT / "abonnees.csv") == 1
    assert "staat in de repository" in capsys.readouterr().err
    assert office("subscribers", "export", tmp_path / "uit.csv") == 0
    with open(tmp_path / "uit.csv", encoding="utf-8") as handle:
        exported = list(csv.DictReader(handle))
    assert [r["email"] for r in exported] == ["een@example.org", "twee@example.org"]
    assert exported[0]["source"] == "import: aanmeldingen per e-mail 2019-2024"

    assert office("subscribers", "erase", "een@example.org") == 0
    assert office.printed[0] == "Gewist: alles over dit adres is verwijderd."
    assert office("subscribers", "show", "een@example.org") == 1
    office("subscribers", "import", lijst, "--source", "dezelfde lijst nog eens")
    assert "regel 2: op eigen verzoek gewist; niet opnieuw toegevoegd" in office.printed
    assert office("subscribers", "show", "een@example.org") == 1
    with sqlite3.connect(tmp_path / "data" / "service.sqlite") as conn:  # nothing of them is left
        dump = "\n".join(conn.iterdump())
    assert "een@example.org" not in dump.lower() and "Een'" not in dump


def test_test_send_and_send_from_the_host(office, built, tmp_path, capsys):
    project, out = built
    write(tmp_path / "l.csv", "a@example.org\nb@example.org\n")
    office("subscribers", "import", tmp_path / "l.csv", "--source", "test van kantoor")
    assert office("newsletter", "send", "januari") == 1
    assert "nog geen testversie verstuurd" in capsys.readouterr().err
    assert (
        office(
            "newsletter",
            "test",
            "concept",
            "--output",
            out,
            "--newsletters",
            project / "newsletters",
            "--to",
            "redactie@example.org",
        )
        == 1
    )
    assert "concept.md: deze nieuwsbrief is een concept (status: draft)" in capsys.readouterr().err
    assert (
        office("newsletter", "test", "januari", "--output", out, "--to", "redactie@example.org")
        == 0
    )
    assert "controlecode" in office.printed[-1] and len(office.inbox.messages) == 1

    assert office("newsletter", "send", "januari", "--dry-run", tmp_path / "proef") == 0
    assert len(list((tmp_path / "proef").glob("*.eml"))) == 2 and len(office.inbox.messages) == 1
    text = sorted((tmp_path / "proef").glob("*.txt"))[0].read_text(encoding="utf-8")
    assert "\r" not in text and re.search(
        r"^https://dienst.example.org/nieuwsbrief/afmelden\?token=[\w.-]+$", text, re.M
    )

    assert office("newsletter", "send", "januari") == 0
    assert "Verstuurd: 2. Nog te gaan: 0." in office.printed[-1]
    assert sorted(r[0] for r, _ in office.inbox.messages[1:]) == ["a@example.org", "b@example.org"]
    assert office("newsletter", "send", "januari") == 0
    assert "Al verstuurd; niemand krijgt hem twee keer." in office.printed[-1]
    office("newsletter", "status", "januari")
    assert office.printed[-1].startswith("Verstuurd: 2.")
    assert "a@example.org" not in "\n".join(office.printed)


def test_backup_purge_and_the_real_entry_point(office, tmp_path, capsys):
    office("subscribers", "count")
    assert office("backup", tmp_path / "kopie.sqlite") == 0
    with sqlite3.connect(tmp_path / "kopie.sqlite") as conn:
        assert conn.execute("SELECT count(*) FROM schema_version").fetchone()[0] == len(FEATURES)
    assert office("backup", tmp_path / "kopie.sqlite") == 1  # never overwrites
    assert office("purge") == 0 and office.printed[0].startswith(
        "Verlopen aanmeldingen verwijderd: 0"
    )
    assert office.printed[1].startswith(
        "Aanmeldingen voor evenementen verwijderd (onbevestigd, of 30 dagen"
    )
    result = subprocess.run(
        [sys.executable, "-m", "service", "subscribers", "count"],
        cwd=ROOT,
        env={**os.environ, **office.env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and result.stdout.startswith(
        "Bevestigd (krijgen de nieuwsbrief): 0."
    )
    bad = subprocess.run(
        [sys.executable, "-m", "service", "subscribers", "count"],
        cwd=ROOT,
        env={**os.environ, **office.env, "SMTP_SECURITY": "geheim"},
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and 'SMTP_SECURITY is "geheim"' in bad.stderr
