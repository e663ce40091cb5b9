"""Send a built newsletter issue: test first, then every subscriber exactly once.

``python -m swk newsletter send SLUG ...`` (see swk/cli.py and the README). It sends what the
build wrote to ``<output>/nieuwsbrief/<slug>/`` and changes per recipient only the
unsubscribe token. A SQLite journal records every test send (with the rendering's content
hash) and every delivery, as soon as the server has accepted it; running the command again
sends to the remaining recipients only.
"""

from __future__ import annotations

import csv
import fcntl
import json
import os
import re
import smtplib
import sqlite3
import ssl
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import getaddresses
from pathlib import Path

from content_model.frontmatter import FrontMatterError, split
from content_model.validate import EMAIL_RE, display_path, markdown_files

from .message import address_of, compose, content_hash, make_token, personalise

REPO = Path(__file__).resolve().parents[2]
DEFAULT_RATE = 2.0  # messages per second
MAX_FAILURES_IN_A_ROW = 3


class SendError(Exception):
    """A refusal or a problem the editor must mend; the message is Dutch."""


@dataclass
class Rendering:
    slug: str
    folder: Path
    html: str
    text: str
    meta: dict
    hash: str


@dataclass
class Subscriber:
    email: str
    name: str | None
    line: int


def default_journal_path() -> Path:
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "swk" / "send-journal.sqlite"


# --- what the build wrote ---------------------------------------------------------------------


def _source_status(newsletters: Path | None, slug: str) -> tuple[Path, str] | None:
    """(path, status) of the issue file with this slug in the newsletters folder, if any."""
    if not newsletters:
        return None
    for path in markdown_files(Path(newsletters)):
        try:
            meta, _ = split(path.read_text(encoding="utf-8"))
        except (FrontMatterError, UnicodeDecodeError):
            continue
        if (meta.get("slug") or path.stem) == slug:
            return path, str(meta.get("status") or "draft")
    return None


def load_rendering(output: Path, slug: str, newsletters: Path | None = None) -> Rendering:
    source = _source_status(newsletters, slug)
    if source and source[1] != "ready":
        raise SendError(
            f"{display_path(source[0])}: deze nieuwsbrief is een concept (status: {source[1]}) en wordt "
            "niet verstuurd. Zet 'status: ready' in het bestand, bouw de site opnieuw (make build) "
            "en verstuur eerst een testversie"
        )
    folder = Path(output) / "nieuwsbrief" / slug
    if not (folder / "email.json").is_file():
        raise SendError(
            f"nieuwsbrief '{slug}' staat niet in {display_path(folder)}; controleer de naam "
            "(de bestandsnaam zonder .md) en bouw de site eerst (make build)"
        )
    meta = json.loads((folder / "email.json").read_text(encoding="utf-8"))
    if meta.get("status") != "ready":
        raise SendError(f"{meta.get('source', slug)}: deze nieuwsbrief is een concept en wordt niet verstuurd")
    html = (folder / "email.html").read_text(encoding="utf-8")
    text = (folder / "email.txt").read_text(encoding="utf-8")
    digest = content_hash(html, text, meta)
    if digest != meta.get("content_hash"):
        raise SendError(
            f"de bestanden in {display_path(folder)} zijn na de bouw gewijzigd; bouw de site opnieuw (make build)"
        )
    return Rendering(slug, folder, html, text, meta, digest)


# --- subscribers ------------------------------------------------------------------------------


def read_subscribers(path: Path) -> tuple[list[Subscriber], list[str]]:
    """Good rows, and one Dutch line per skipped row (with its line number)."""
    path = Path(path)
    if not path.is_file():
        raise SendError(f"de adressenlijst {path} bestaat niet")
    resolved = path.resolve()
    if REPO == resolved.parent or REPO in resolved.parents:
        raise SendError(
            f"{display_path(path)}: de adressenlijst staat in de repository; zet hem erbuiten "
            "(persoonsgegevens horen niet in Git) en geef het pad op met --subscribers"
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise SendError(f"{path}: is geen UTF-8-tekst; sla de lijst op als CSV UTF-8") from None
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count) if any(c in first for c in ",;\t") else ","
    good: list[Subscriber] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    reader = csv.reader(text.splitlines(), delimiter=delimiter)
    for row in reader:
        line = reader.line_num
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if line == 1 and cells[0].lower() in ("email", "e-mail", "e-mailadres", "emailadres"):
            continue  # header
        email, name = cells[0], (cells[1] if len(cells) > 1 and cells[1] else None)
        if not EMAIL_RE.match(email) or any(c in email for c in "<>,;\"'()"):
            problems.append(f"{path}:{line}: \"{email}\" is geen geldig e-mailadres; regel overgeslagen")
            continue
        key = email.lower()
        if key in seen:
            problems.append(f"{path}:{line}: {email} staat al op regel {seen[key]}; regel overgeslagen")
            continue
        seen[key] = line
        good.append(Subscriber(email, name, line))
    return good, problems


# --- the journal ------------------------------------------------------------------------------


class Journal:
    """SQLite: test sends per rendering, and the delivery state of every recipient."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(
            """
            CREATE TABLE IF NOT EXISTS test_sends (
                slug TEXT NOT NULL, content_hash TEXT NOT NULL, address TEXT NOT NULL,
                sent_at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS deliveries (
                slug TEXT NOT NULL, address TEXT NOT NULL, state TEXT NOT NULL,
                content_hash TEXT, message_id TEXT, error TEXT, updated_at TEXT NOT NULL,
                PRIMARY KEY (slug, address));
            """
        )

    @staticmethod
    def _now() -> str:
        return datetime.now(timezone.utc).isoformat(timespec="seconds")

    def record_test(self, slug: str, digest: str, address: str) -> None:
        self.db.execute("INSERT INTO test_sends VALUES (?, ?, ?, ?)", (slug, digest, address.lower(), self._now()))

    def tested(self, slug: str, digest: str) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM test_sends WHERE slug = ? AND content_hash = ? LIMIT 1", (slug, digest)
        ).fetchone()
        return row is not None

    def states(self, slug: str) -> dict[str, str]:
        return dict(self.db.execute("SELECT address, state FROM deliveries WHERE slug = ?", (slug,)))

    def mark(self, slug: str, address: str, state: str, digest: str, message_id: str | None = None,
             error: str | None = None) -> None:
        self.db.execute(
            "INSERT INTO deliveries VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (slug, address) DO UPDATE "
            "SET state = excluded.state, content_hash = excluded.content_hash, "
            "message_id = excluded.message_id, error = excluded.error, updated_at = excluded.updated_at",
            (slug, address.lower(), state, digest, message_id, error, self._now()),
        )

    def close(self) -> None:
        self.db.close()


@contextmanager
def _lock(journal_path: Path):
    """One sender per journal at a time: two runs at once could send twice."""
    journal_path.parent.mkdir(parents=True, exist_ok=True)
    with open(str(journal_path) + ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SendError(f"er loopt al een verzending met het verzendlogboek {journal_path}; wacht tot die klaar is") from None
        yield


# --- transports -------------------------------------------------------------------------------


class Uncertain(Exception):
    """The connection broke while a message was being handed over: it may have arrived."""


class Refused(Exception):
    """The server refused this message: it has not been delivered."""


class DryRun:
    real = False

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def describe(self) -> str:
        return f"proef: berichten als .eml-bestanden in {self.folder}, er wordt niets verstuurd"

    def ensure(self) -> None:
        pass

    def send(self, msg, sender: str, recipient: str) -> None:
        self.count += 1
        safe = re.sub(r"[^A-Za-z0-9@._-]", "_", recipient)
        (self.folder / f"{self.count:05d}-{safe}.eml").write_bytes(msg.as_bytes())

    def close(self) -> None:
        pass


class Smtp:
    """SMTP from the environment: SMTP_HOST, SMTP_PORT, SMTP_SECURITY, SMTP_USER, SMTP_PASSWORD."""

    real = True
    PORTS = {"starttls": 587, "ssl": 465, "none": 25}

    def __init__(self, env):
        self.host = env["SMTP_HOST"]
        self.security = (env.get("SMTP_SECURITY") or "starttls").lower()
        if self.security not in self.PORTS:
            raise SendError(
                f"SMTP_SECURITY is \"{self.security}\"; kies starttls (standaard, poort 587), ssl (poort 465) of none"
            )
        try:
            self.port = int(env.get("SMTP_PORT") or self.PORTS[self.security])
        except ValueError:
            raise SendError(f"SMTP_PORT is \"{env.get('SMTP_PORT')}\"; geef een poortnummer, bv. 587") from None
        self.user, self.password = env.get("SMTP_USER"), env.get("SMTP_PASSWORD")
        self.conn: smtplib.SMTP | None = None

    def describe(self) -> str:
        return f"SMTP {self.host}:{self.port} ({self.security})"

    def _connect(self) -> None:
        context = ssl.create_default_context()
        try:
            if self.security == "ssl":
                conn = smtplib.SMTP_SSL(self.host, self.port, timeout=60, context=context)
            else:
                conn = smtplib.SMTP(self.host, self.port, timeout=60)
                if self.security == "starttls":
                    conn.starttls(context=context)
            if self.user:
                conn.login(self.user, self.password or "")
        except smtplib.SMTPAuthenticationError:
            raise SendError("de SMTP-server weigert SMTP_USER/SMTP_PASSWORD; controleer ze") from None
        except (OSError, smtplib.SMTPException) as exc:
            raise SendError(f"geen verbinding met {self.describe()}: {exc}") from None
        self.conn = conn

    def ensure(self) -> None:
        """A working connection before a message is handed over (reconnects if it dropped)."""
        if self.conn is not None:
            try:
                if self.conn.noop()[0] == 250:
                    return
            except (OSError, smtplib.SMTPException):
                pass
            self.close()
        self._connect()

    def send(self, msg, sender: str, recipient: str) -> None:
        try:
            self.conn.send_message(msg, from_addr=sender, to_addrs=[recipient])
        except smtplib.SMTPRecipientsRefused as exc:
            raise Refused(str(exc.recipients.get(recipient, exc))) from None
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            raise Refused(f"{exc.smtp_code} {exc.smtp_error!r}") from None
        except (OSError, smtplib.SMTPException) as exc:
            self.conn = None
            raise Uncertain(str(exc)) from None

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.conn = None


# --- sending ----------------------------------------------------------------------------------


class _Pace:
    def __init__(self, rate: float):
        if rate <= 0:
            raise SendError("--rate moet groter zijn dan 0 (berichten per seconde)")
        self.interval, self.next = 1.0 / rate, 0.0

    def wait(self) -> None:
        delay = self.next - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        self.next = time.monotonic() + self.interval


def _message(r: Rendering, secret: str, email: str, name: str | None):
    token = make_token(email, secret)
    html, text, url = personalise(r.html, r.text, r.meta, token)
    return compose(r.meta, html, text, unsubscribe_url=url, to=address_of(email, name))


def send(slug: str, *, output: Path = Path("output"), subscribers: Path | None = None,
         test_to: list[str] = (), dry_run: Path | None = None, journal: Path | None = None,
         rate: float = DEFAULT_RATE, newsletters: Path | None = None, retry_uncertain: bool = False,
         env=None, out=None, err=None) -> int:
    """Run one send; return the exit code. Raises SendError for refusals."""
    env = os.environ if env is None else env
    out = out or (lambda s: print(s, flush=True))
    err = err or (lambda s: print(s, file=sys.stderr, flush=True))
    rendering = load_rendering(Path(output), slug, newsletters)
    secret = env.get("NEWSLETTER_SECRET")
    if not secret:
        raise SendError(
            "de omgevingsvariabele NEWSLETTER_SECRET ontbreekt; daarmee worden de afmeldlinks "
            "ondertekend. Zet hem (een lange willekeurige tekst, nooit in de repository) en probeer opnieuw"
        )
    if not test_to and not subscribers:
        raise SendError("geef --test-to ADRES voor een testversie, of --subscribers LIJST.csv om te versturen")
    for address in test_to:
        if not EMAIL_RE.match(address):
            raise SendError(f"--test-to \"{address}\" is geen e-mailadres")
    pace = _Pace(rate)

    if dry_run is not None:
        transport = DryRun(dry_run)
    elif not env.get("SMTP_HOST"):
        transport = DryRun(Path("newsletter-out") / slug)
        out("SMTP_HOST is niet ingesteld: er wordt niets verstuurd.")
    else:
        transport = Smtp(env)
    journal_path = Path(journal) if journal else default_journal_path()
    sender = getaddresses([rendering.meta["from"]])[0][1]
    out(f"Nieuwsbrief '{rendering.meta['subject']}' ({slug}), versie {rendering.hash[:12]}; {transport.describe()}.")

    with _lock(journal_path):
        book = Journal(journal_path)
        try:
            if test_to:
                if subscribers:
                    out("Alleen een testversie: met --test-to wordt de abonneelijst niet gebruikt.")
                for address in test_to:
                    pace.wait()
                    transport.ensure()
                    try:
                        transport.send(_message(rendering, secret, address, None), sender, address)
                    except (Refused, Uncertain) as exc:
                        raise SendError(f"testversie naar {address} is niet verstuurd: {exc}") from None
                    if transport.real:
                        book.record_test(slug, rendering.hash, address)
                    out(f"Testversie {'verstuurd naar' if transport.real else 'geschreven voor'} {address}.")
                if transport.real:
                    out("Controleer de testversie. Verstuur daarna met --subscribers LIJST.csv "
                        "(zonder --test-to); dat kan alleen voor precies deze versie.")
                return 0
            return _send_all(rendering, transport, book, pace, Path(subscribers), secret, sender,
                             retry_uncertain, out, err)
        finally:
            transport.close()
            book.close()


def _send_all(r, transport, book, pace, subscribers, secret, sender, retry_uncertain, out, err) -> int:
    people, problems = read_subscribers(subscribers)
    if transport.real:
        if not book.tested(r.slug, r.hash):
            raise SendError(
                f"van deze versie van '{r.slug}' is nog geen testversie verstuurd (verzendlogboek {book.path}). "
                f"Verstuur eerst een test: python -m swk newsletter send {r.slug} --test-to jouw@adres.nl. "
                "Is de nieuwsbrief na de test gewijzigd en opnieuw gebouwd, dan is een nieuwe test nodig"
            )
        if not r.meta["unsubscribe_url"].startswith("https://"):
            raise SendError(
                f"de afmeldlink {r.meta['unsubscribe_url']} is geen https-adres; bouw met publishconf.py "
                "(SWK_SITEURL=https://...) of zet NEWSLETTER_UNSUBSCRIBE_URL op een https-adres"
            )
    for line in problems:
        err(line)
    states = book.states(r.slug)
    sent = skipped = failed = in_a_row = 0
    uncertain: list[str] = []
    try:
        for person in people:
            state = states.get(person.email.lower())
            if state == "sent":
                skipped += 1
                continue
            if state == "pending" and not retry_uncertain:
                uncertain.append(person.email)
                continue
            msg = _message(r, secret, person.email, person.name)
            pace.wait()
            transport.ensure()
            if transport.real:
                book.mark(r.slug, person.email, "pending", r.hash, msg["Message-ID"])
            try:
                transport.send(msg, sender, person.email)
            except Refused as exc:
                book.mark(r.slug, person.email, "failed", r.hash, msg["Message-ID"], str(exc))
                err(f"{subscribers}:{person.line}: {person.email} geweigerd door de server ({exc}); "
                    "wordt de volgende keer opnieuw geprobeerd")
                failed += 1
                in_a_row += 1
                if in_a_row >= MAX_FAILURES_IN_A_ROW:
                    err("De server weigert herhaaldelijk; gestopt. Draai hetzelfde commando later opnieuw.")
                    break
                continue
            except Uncertain as exc:
                err(f"De verbinding viel weg tijdens het versturen naar {person.email} ({exc}); "
                    "onzeker of dat bericht is aangekomen, het wordt niet vanzelf opnieuw verstuurd. "
                    "Draai hetzelfde commando opnieuw voor de rest.")
                uncertain.append(person.email)
                break
            if transport.real:
                book.mark(r.slug, person.email, "sent", r.hash, msg["Message-ID"])
            in_a_row = 0
            sent += 1
    except KeyboardInterrupt:
        err(f"Onderbroken na {sent} bericht(en). Draai hetzelfde commando opnieuw om de rest te versturen.")
        return 130
    done = "Verstuurd" if transport.real else "Als proef geschreven"
    out(f"{done}: {sent}. Al eerder verstuurd: {skipped}. Ongeldige regels overgeslagen: {len(problems)}. "
        f"Geweigerd: {failed}.")
    if uncertain:
        err(f"Onzeker ({len(uncertain)}): {', '.join(uncertain)}. Controleer of zij de nieuwsbrief kregen; "
            "zo niet, draai opnieuw met --retry-uncertain.")
    return 0 if not (failed or uncertain) else 1
