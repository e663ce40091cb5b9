"""The office's command line, on the service's host (the addresses never leave it):

    python -m service subscribers count
    python -m service subscribers import LIST.csv --source "where the consent came from"
    python -m service subscribers export [FILE.csv] [--all]
    python -m service subscribers show ADDRESS        (inzage)
    python -m service subscribers erase ADDRESS       (verwijdering)
    python -m service newsletter test SLUG --to ADDRESS [--output DIR]
    python -m service newsletter send SLUG [--hash HASH] [--retry-uncertain] [--dry-run DIR]
    python -m service newsletter status SLUG
    python -m service registrations list SLUG
    python -m service registrations export SLUG [FILE.csv] [--wachtlijst]
    python -m service partners list
    python -m service purge
    python -m service backup FILE.sqlite

Settings come from the environment, as for the running service (``Config.from_env``).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

from . import db
from .config import ROOT, Config, ConfigError
from .subscribers import (
    EXPORT_COLUMNS,
    Invalid,
    check_email,
    counts,
    erase,
    export,
    import_rows,
    purge,
    read_csv,
    show,
)

COMMANDS = ("subscribers", "newsletter", "registrations", "partners", "purge", "backup")


class Refused(Exception):
    """Dutch message, exit code 1."""


def _outside_repo(path: Path, what: str) -> Path:
    resolved = Path(path).resolve()
    if resolved == ROOT or ROOT in resolved.parents:
        raise Refused(
            f"{path}: {what} staat in de repository; persoonsgegevens horen niet in Git. "
            "Kies een pad erbuiten"
        )
    return Path(path)


def _write_csv(rows: list[dict], columns: list[str], file: str | None) -> None:
    """Personal data as CSV: to ``file`` (outside the repository), or to standard output."""
    handle = (
        open(_outside_repo(file, "het exportbestand"), "w", newline="", encoding="utf-8")
        if file
        else sys.stdout
    )
    try:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    finally:
        if handle is not sys.stdout:
            handle.close()


def _service(config: Config):
    """The service's database, migrated, with its pages (for names and mail templates)."""
    from .app import Service

    return Service(config)


def subscribers_cmd(args, config: Config, out) -> int:
    service = _service(config)
    with service.connection() as conn:
        if args.action == "count":
            c = counts(conn)
            out(
                f"Bevestigd (krijgen de nieuwsbrief): {c['confirmed']}. Nog niet bevestigd: {c['pending']}. "
                f"Afgemeld: {c['unsubscribed']}. Onbestelbaar: {c['bounced']}."
            )
            return 0
        if args.action == "import":
            path = _outside_repo(args.file, "de adressenlijst")
            if not Path(path).is_file():
                raise Refused(f"de adressenlijst {path} bestaat niet")
            source = " ".join((args.source or "").split())
            if len(source) < 5:
                raise Refused(
                    "zeg met --source waar de toestemming van deze adressen vandaan komt, bv. "
                    '--source "aanmeldingen per e-mail 2019-2024, lijst van het secretariaat"'
                )
            try:
                rows, problems = read_csv(path)
            except Invalid as exc:
                raise Refused(str(exc)) from None
            report = import_rows(conn, rows, source, time.time())
            for line in problems + report.problems:
                out(line)
            out(
                f"Toegevoegd: {report.added}. Stond er al: {report.already}. Niet opnieuw toegevoegd (afgemeld, "
                f"onbestelbaar of gewist): {report.refused}. Ongeldige regels: {len(problems)}."
            )
            return 0
        if args.action == "export":
            rows = export(conn, everyone=args.all)
            _write_csv(rows, EXPORT_COLUMNS, args.file)
            if args.file:
                out(f"{len(rows)} abonnee(s) geschreven naar {args.file}.")
            return 0
        try:
            address = check_email(args.address)
        except Invalid as exc:
            raise Refused(str(exc)) from None
        if args.action == "show":
            data = show(conn, address)
            if data is None:
                out("Dit adres staat niet in de lijst.")
                return 1
            deliveries = conn.execute(
                "SELECT d.slug, d.state, d.updated_at FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id "
                "WHERE s.email_key = ? ORDER BY d.updated_at",
                (address.lower(),),
            ).fetchall()
            data["nieuwsbrieven"] = [dict(row) for row in deliveries]
            out(json.dumps(data, indent=2, ensure_ascii=False))
            return 0
        if args.action == "erase":
            found = erase(conn, address, time.time())
            out(
                "Gewist: alles over dit adres is verwijderd."
                if found
                else "Dit adres stond niet in de lijst."
            )
            out(
                "Een import voegt dit adres niet meer toe; aanmelden met het formulier (en bevestigen) kan wel."
            )
            return 0
    return 2


def registrations_cmd(args, config: Config, out) -> int:
    from . import registrations as reg

    if not reg.SLUG_RE.match(args.slug):
        raise Refused(f'"{args.slug}" is geen slug van een evenement (de bestandsnaam zonder .md)')
    service = _service(config)
    with service.connection() as conn:
        if args.action == "list":
            c = reg.counts(conn, args.slug)
            out(
                f"{args.slug}: {c['confirmed']} aangemeld, {c['waiting']} op de wachtlijst, "
                f"{c['pending']} nog niet bevestigd, {c['cancelled']} afgemeld."
            )
            for row in reg.export(conn, args.slug, ("confirmed", "waiting")):
                out(
                    f"- {row['Naam']} ({row['Organisatie']}), {row['E-mailadres']}: {row['Status']}"
                )
            return 0
        statuses = ("confirmed", "waiting") if args.wachtlijst else ("confirmed",)
        rows = reg.export(conn, args.slug, statuses)
    _write_csv(rows, list(reg.EXPORT_COLUMNS.values()), args.file)
    if args.file:
        out(f"{len(rows)} aanmelding(en) geschreven naar {args.file}.")
    return 0


def newsletter_cmd(args, config: Config, out) -> int:
    from .mailing import rendering as renderings
    from .mailing import sender_connection
    from .mailing.sender import Busy, Sender, begin, check_send, report, send_lock
    from .mailing.transport import transport_for

    service = _service(config)
    if args.action == "test":
        if args.output:
            rendering = renderings.from_folder(args.output, args.slug, args.newsletters)
        else:
            rendering = renderings.from_site(args.site or config.site_url, args.slug)
        addresses = []
        for address in args.to or config.test_to:
            try:
                addresses.append(check_email(address))
            except Invalid as exc:
                raise Refused(f'--to "{address}": {exc}') from None
        if not addresses:
            raise Refused("geef --to ADRES (of zet SWK_NEWSLETTER_TEST_TO)")
        transport = transport_for(config)
        with service.connection() as conn:
            Sender(config, conn, rendering, transport, say=out).test(addresses)
        out(
            f"Testversie van '{rendering.subject}' verstuurd ({transport.describe()}); controlecode "
            f"{rendering.hash}. Bekijk hem, en verstuur daarna met: python -m service newsletter send {args.slug}"
        )
        return 0
    if args.action == "status":
        with service.connection() as conn:
            result = report(conn, args.slug)
        out(result.summary() if result.state else f"'{args.slug}' is (nog) niet verstuurd.")
        return 0
    # send
    conn = sender_connection(config)
    try:
        rendering = check_send(conn, config, args.slug, args.hash)
        if args.dry_run:
            sender = Sender(
                config, conn, rendering, transport_for(config, dry_run=args.dry_run), say=out
            )
            count = sender.write_all()
            out(
                f"Proefrun: {count} bericht(en) als bestanden in {args.dry_run}; niets verstuurd of vastgelegd."
            )
            return 0
        out(f"Nieuwsbrief '{rendering.subject}' ({args.slug}), versie {rendering.hash[:12]}.")
        with send_lock(config.data_dir, args.slug):
            if begin(conn, rendering) == "done" and not args.retry_uncertain:
                out(
                    f"Al verstuurd; niemand krijgt hem twee keer. {report(conn, args.slug).summary()}"
                )
                return 0
            if args.retry_uncertain:
                conn.execute("UPDATE sends SET state = 'running' WHERE slug = ?", (args.slug,))
            result = Sender(config, conn, rendering, transport_for(config), say=out).run(
                args.retry_uncertain
            )
        out(result.summary())
        if result.counts.get("pending"):
            out(
                "Onzeker: de verbinding viel weg net na het versturen. Controleer of die abonnees de nieuwsbrief "
                "kregen; zo niet, draai opnieuw met --retry-uncertain."
            )
        return 0 if result.state == "done" and not result.counts.get("pending") else 1
    except Busy as exc:
        raise Refused(str(exc)) from None
    except KeyboardInterrupt:
        out(
            "Onderbroken. Draai hetzelfde commando opnieuw; wie de nieuwsbrief al kreeg, krijgt hem niet nog eens."
        )
        return 130
    finally:
        conn.close()


def main(argv: list[str], env: dict | None = None, out=None) -> int:
    out = out or (lambda text: print(text, flush=True))
    parser = argparse.ArgumentParser(
        prog="python -m service", description="de sitedienst: opdrachten voor kantoor"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_subs = sub.add_parser("subscribers", help="abonnees: count, import, export, show, erase")
    subs = p_subs.add_subparsers(dest="action", required=True)
    subs.add_parser("count", help="hoeveel abonnees, per toestand")
    p_import = subs.add_parser(
        "import", help="een bestaande lijst (CSV: email[,name]) toevoegen als bevestigd"
    )
    p_import.add_argument("file", type=Path)
    p_import.add_argument(
        "--source", required=True, help="waar de toestemming vandaan komt (komt in het register)"
    )
    p_export = subs.add_parser(
        "export", help="CSV van de bevestigde abonnees (met --all: iedereen)"
    )
    p_export.add_argument("file", type=Path, nargs="?")
    p_export.add_argument("--all", action="store_true")
    subs.add_parser("show", help="alles wat over één adres is opgeslagen (inzage)").add_argument(
        "address"
    )
    subs.add_parser("erase", help="alles over één adres verwijderen").add_argument("address")
    p_news = sub.add_parser("newsletter", help="nieuwsbrief: test, send, status")
    news = p_news.add_subparsers(dest="action", required=True)
    p_test = news.add_parser(
        "test", help="testversie versturen (verplicht voor het echte versturen)"
    )
    p_test.add_argument("slug")
    p_test.add_argument("--to", action="append", default=[], metavar="ADRES")
    p_test.add_argument("--output", type=Path, help="uit deze bouwmap in plaats van van de site")
    p_test.add_argument(
        "--newsletters",
        type=Path,
        default=ROOT / "newsletters",
        help="de nieuwsbriefbestanden, om concepten te weigeren (met --output)",
    )
    p_test.add_argument("--site", help="van deze site in plaats van SWK_SITE_URL")
    p_send = news.add_parser("send", help="de geteste versie naar alle bevestigde abonnees")
    p_send.add_argument("slug")
    p_send.add_argument(
        "--hash", help="controlecode van de geteste versie (standaard: de laatst geteste)"
    )
    p_send.add_argument(
        "--retry-uncertain",
        action="store_true",
        help="ook naar wie het onzeker is of de nieuwsbrief aankwam",
    )
    p_send.add_argument(
        "--dry-run", type=Path, metavar="MAP", help="berichten als bestanden, niets versturen"
    )
    news.add_parser("status", help="hoe ver de verzending is").add_argument("slug")
    p_reg = sub.add_parser("registrations", help="aanmeldingen voor evenementen: list, export")
    regs = p_reg.add_subparsers(dest="action", required=True)
    regs.add_parser("list", help="de stand en de aangemelden van één evenement").add_argument(
        "slug"
    )
    p_rexp = regs.add_parser(
        "export", help="CSV van de aangemelden (met --wachtlijst: ook de wachtlijst)"
    )
    p_rexp.add_argument("slug")
    p_rexp.add_argument("file", type=Path, nargs="?")
    p_rexp.add_argument("--wachtlijst", action="store_true")
    sub.add_parser(
        "purge",
        help="verlopen, onbevestigde aanmeldingen en oude aanmeldingen voor evenementen "
        "verwijderen",
    )
    sub.add_parser("backup", help="een consistente kopie van de database").add_argument(
        "file", type=Path
    )
    args = parser.parse_args(argv)

    from .mailing.rendering import SendError

    try:
        config = Config.from_env(env)
        if args.command == "subscribers":
            return subscribers_cmd(args, config, out)
        if args.command == "newsletter":
            return newsletter_cmd(args, config, out)
        if args.command == "registrations":
            return registrations_cmd(args, config, out)
        if args.command == "purge":
            from . import registrations as reg

            _service(config)
            conn = db.connect(config.db_path)
            deleted, restored = purge(conn, time.time())
            keep = reg.settings_of(config)["keep_days"]
            events = reg.purge(conn, time.time(), keep)
            conn.close()
            out(
                f"Verlopen aanmeldingen verwijderd: {deleted}; teruggezet naar afgemeld/onbestelbaar: {restored}."
            )
            out(
                f"Aanmeldingen voor evenementen verwijderd (onbevestigd, of {keep} dagen na het evenement): {events}."
            )
            return 0
        if args.command == "backup":
            target = _outside_repo(args.file, "de back-up")
            if target.exists():
                raise Refused(f"{target} bestaat al; kies een nieuwe bestandsnaam")
            db.backup(config.db_path, target)
            out(f"Back-up geschreven naar {target}.")
            return 0
    except ConfigError as exc:
        print(f"Instelling ontbreekt of klopt niet: {exc}", file=sys.stderr)
        return 2
    except (Refused, SendError) as exc:
        print(f"Niet gedaan: {exc}", file=sys.stderr)
        return 1
    return 2
