"""The service's settings, all from the environment (secrets never from a file in the repo).

``SWK_SERVICE_MODE=local`` is for a laptop and tests: missing secrets are generated once and
kept in the data folder. In any other mode (the default, ``production``) the service refuses
to start without them.
"""

from __future__ import annotations

import functools
import ipaddress
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from swk import ROOT

# Secrets: environment variable -> what it is for (shown when one is missing).
SECRETS = {
    "SWK_SECRET_KEY": "ondertekent de links in bevestigings- en afmeldmails",
    "SWK_API_TOKEN": "het toegangstoken waarmee de publicatieworkflow een verzending start",
}


class ConfigError(Exception):
    """A setting is missing or wrong; the message says which and how to mend it."""


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass
class Smtp:
    """Where mail goes: SMTP_HOST, SMTP_PORT, SMTP_SECURITY, SMTP_USER, SMTP_PASSWORD."""

    host: str
    port: int
    security: str = "starttls"  # starttls, ssl or none
    user: str = ""
    password: str = ""

    PORTS = {"starttls": 587, "ssl": 465, "none": 25}

    @classmethod
    def from_env(cls, env: dict) -> Smtp | None:
        host = env.get("SMTP_HOST", "").strip()
        if not host:
            return None
        security = (env.get("SMTP_SECURITY") or "starttls").strip().lower()
        if security not in cls.PORTS:
            raise ConfigError(
                f'SMTP_SECURITY is "{security}"; kies starttls (standaard, poort 587), '
                "ssl (poort 465) of none (alleen naar een server op deze machine)"
            )
        try:
            port = int(env.get("SMTP_PORT") or cls.PORTS[security])
        except ValueError:
            raise ConfigError(
                f'SMTP_PORT is "{env.get("SMTP_PORT")}"; geef een poortnummer, bv. 587'
            ) from None
        user, password = env.get("SMTP_USER", ""), env.get("SMTP_PASSWORD", "")
        if security == "none" and (user or password) and not is_loopback(host):
            raise ConfigError(
                f"SMTP_SECURITY=none met SMTP_USER/SMTP_PASSWORD stuurt het wachtwoord onversleuteld "
                f"naar {host}; dat mag alleen naar een server op deze machine (127.0.0.1 of localhost). "
                "Kies SMTP_SECURITY=starttls of ssl"
            )
        return cls(host, port, security, user, password)

    def describe(self) -> str:
        return f"SMTP {self.host}:{self.port} ({self.security})"


@dataclass
class Dkim:
    """Optional DKIM signing (dkimpy): SWK_DKIM_SELECTOR, SWK_DKIM_DOMAIN and the private key
    in SWK_DKIM_PRIVATE_KEY (PEM) or a file named by SWK_DKIM_KEY_FILE."""

    selector: str
    domain: str
    key: bytes

    @classmethod
    def from_env(cls, env: dict) -> Dkim | None:
        selector = env.get("SWK_DKIM_SELECTOR", "").strip()
        key_text, key_file = env.get("SWK_DKIM_PRIVATE_KEY", ""), env.get("SWK_DKIM_KEY_FILE", "")
        if not (selector or key_text or key_file):
            return None
        if not selector or not (key_text or key_file):
            raise ConfigError(
                "DKIM half ingesteld: zet SWK_DKIM_SELECTOR en SWK_DKIM_PRIVATE_KEY "
                "(of SWK_DKIM_KEY_FILE) samen, of geen van beide"
            )
        if key_file:
            try:
                key = Path(key_file).read_bytes()
            except OSError as exc:
                raise ConfigError(
                    f"SWK_DKIM_KEY_FILE {key_file} is niet te lezen: {exc.strerror}"
                ) from None
        else:
            key = key_text.replace("\\n", "\n").encode("ascii")
        if b"PRIVATE KEY" not in key:
            raise ConfigError(
                "de DKIM-sleutel is geen PEM-privésleutel (-----BEGIN PRIVATE KEY-----)"
            )
        return cls(selector, env.get("SWK_DKIM_DOMAIN", "").strip().lower(), key)


@functools.lru_cache(maxsize=4)
def _site_settings(path: Path) -> dict:
    """The site's Pelican settings, with every plugin's defaults (read once per file)."""
    from content_model.settings import load_settings

    return load_settings(str(path))


def _int(env: dict, name: str, default: int, minimum: int = 1) -> int:
    value = env.get(name, "")
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        number = minimum - 1
    if number < minimum:
        raise ConfigError(f'{name} is "{value}"; geef een geheel getal vanaf {minimum}')
    return number


def _float(env: dict, name: str, default: float) -> float:
    value = env.get(name, "")
    try:
        number = float(value) if value else default
    except ValueError:
        number = -1
    if number < 0:
        raise ConfigError(f'{name} is "{value}"; geef een getal van 0 of meer (0: geen grens)')
    return number


def _state_home() -> Path:
    return Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL, lower-cased: what browsers send as ``Origin``."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f'"{url}" is geen volledig webadres; bv. https://www.example.org')
    return f"{parts.scheme}://{parts.netloc}".lower()


@dataclass
class Config:
    mode: str = "production"
    data_dir: Path = field(default_factory=lambda: _state_home() / "swk" / "service")
    site_url: str = "http://localhost:8000"  # the public static site (its CSS, links in mail)
    service_url: str = "http://127.0.0.1:8001"  # this service's public address
    site_origins: tuple[str, ...] = ()  # origins allowed to post forms (the site's, by default)
    site_settings: Path = ROOT / "pelicanconf.py"  # Pelican settings the pages take names from
    secret_key: str = ""
    api_token: str = ""
    env: dict = field(default_factory=dict)  # the whole environment, for features' own settings
    # mail (service/mailing): without SMTP_HOST, local mode writes mail into data_dir/post/
    smtp: Smtp | None = None
    dkim: Dkim | None = None
    mail_from: str = ""  # confirmation mails; default NEWSLETTER_FROM / SITENAME <CONTACT_EMAIL>
    test_to: tuple[str, ...] = ()  # SWK_NEWSLETTER_TEST_TO: where the API's test sends go
    send_rate: float = 5.0  # newsletter messages per second (0: no limit)
    retry_delays: tuple[float, ...] = (300.0, 1800.0, 7200.0)  # after a 4xx, per attempt
    # subscriptions (service/subscriptions.py)
    # a confirmation link is valid this long; then the sign-up is deleted. ``from_env`` sets
    # it: SWK_PENDING_DAYS, else the site's NEWSLETTER_PENDING_DAYS (the privacy statement's)
    pending_days: int | None = None
    limit_client: int = 10  # sign-ups per client address per hour
    limit_address: int = 3  # confirmation mails per e-mail address per day

    def retention(self, name: str) -> int:
        """How many days the service keeps some personal data: the site setting ``name``
        (pelicanconf.py), which the privacy statement states, so they always agree."""
        days = _site_settings(self.site_settings).get(name)
        if not isinstance(days, int) or days < 0:
            raise ConfigError(
                f"{name} staat niet (als een aantal dagen) in {self.site_settings}: de "
                "privacyverklaring en de dienst lezen het daar"
            )
        return days

    @property
    def local(self) -> bool:
        return self.mode == "local"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "service.sqlite"

    @property
    def mail_folder(self) -> Path:
        """Local mode without SMTP_HOST: mail is written here instead of sent."""
        return self.data_dir / "post"

    @property
    def form_origins(self) -> tuple[str, ...]:
        """Origins a form may be posted from: the site's, and the service's own pages."""
        return tuple(dict.fromkeys([*self.site_origins, origin_of(self.service_url)]))

    @classmethod
    def from_env(cls, env: dict | None = None) -> Config:
        env = dict(os.environ if env is None else env)
        mode = env.get("SWK_SERVICE_MODE", "production")
        if mode not in ("local", "production"):
            raise ConfigError(f'SWK_SERVICE_MODE is "{mode}"; kies local of production')
        conf = cls(mode=mode, env=env)
        if env.get("SWK_SERVICE_DATA"):
            conf.data_dir = Path(env["SWK_SERVICE_DATA"])
        if env.get("SWK_SITE_SETTINGS"):
            conf.site_settings = Path(env["SWK_SITE_SETTINGS"])
        for name, attr in (("SWK_SITE_URL", "site_url"), ("SWK_SERVICE_URL", "service_url")):
            value = env.get(name)
            if value:
                origin_of(value)  # checks the form
                setattr(conf, attr, value.rstrip("/"))
            elif not conf.local:
                raise ConfigError(
                    f"{name} ontbreekt; zet het publieke adres, bv. https://www.example.org"
                )
        extra = [o.strip() for o in env.get("SWK_SITE_ORIGINS", "").split(",") if o.strip()]
        conf.site_origins = tuple(dict.fromkeys([origin_of(conf.site_url), *map(origin_of, extra)]))
        conf.data_dir.mkdir(parents=True, exist_ok=True)
        for name, purpose in SECRETS.items():
            value = env.get(name, "")
            if not value and conf.local:
                value = _local_secret(conf.data_dir, name)
            if len(value) < 32:
                raise ConfigError(
                    f"{name} ontbreekt of is korter dan 32 tekens ({purpose}); zet een lange "
                    "willekeurige waarde in de omgeving, bv. met: python -c 'import secrets; "
                    "print(secrets.token_urlsafe(32))'"
                )
            setattr(conf, name.removeprefix("SWK_").lower(), value)
        if not conf.local and not conf.service_url.startswith("https://"):
            raise ConfigError(
                f"SWK_SERVICE_URL is {conf.service_url}; buiten de lokale modus moet het "
                "een https-adres zijn (de afmeldlinks in de nieuwsbrief gaan erheen)"
            )
        conf.smtp = Smtp.from_env(env)
        if conf.smtp is None and not conf.local:
            raise ConfigError(
                "SMTP_HOST ontbreekt; zonder mailserver kan de dienst geen bevestigingen "
                "en nieuwsbrieven versturen. Zet SMTP_HOST (en SMTP_PORT, SMTP_SECURITY, "
                "SMTP_USER, SMTP_PASSWORD)"
            )
        conf.dkim = Dkim.from_env(env)
        conf.mail_from = env.get("SWK_MAIL_FROM", "").strip()
        conf.test_to = tuple(
            a.strip() for a in env.get("SWK_NEWSLETTER_TEST_TO", "").split(",") if a.strip()
        )
        for address in conf.test_to:
            if "@" not in address or any(c in address for c in " <>,;\r\n"):
                raise ConfigError(f'SWK_NEWSLETTER_TEST_TO: "{address}" is geen e-mailadres')
        conf.send_rate = _float(env, "SWK_SEND_RATE", conf.send_rate)
        delays = env.get("SWK_SEND_RETRY", "")
        if delays:
            try:
                conf.retry_delays = tuple(float(d) for d in delays.split(","))
            except ValueError:
                raise ConfigError(
                    f'SWK_SEND_RETRY is "{delays}"; geef seconden, met komma\'s, bv. 300,1800,7200'
                ) from None
        conf.pending_days = _int(env, "SWK_PENDING_DAYS", conf.retention("NEWSLETTER_PENDING_DAYS"))
        conf.limit_client = _int(env, "SWK_LIMIT_CLIENT", conf.limit_client)
        conf.limit_address = _int(env, "SWK_LIMIT_ADDRESS", conf.limit_address)
        return conf


def _local_secret(data_dir: Path, name: str) -> str:
    """A secret generated once for local mode and kept in the data folder (mode 0600)."""
    path = data_dir / f"{name.lower()}.local"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(32))
    return path.read_text().strip()
