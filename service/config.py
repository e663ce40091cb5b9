"""The service's settings, all from the environment (secrets never from a file in the repo).

``SWK_SERVICE_MODE=local`` is for a laptop and tests: missing secrets are generated once and
kept in the data folder. In any other mode (the default, ``production``) the service refuses
to start without them.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent

# Secrets: environment variable -> what it is for (shown when one is missing).
SECRETS = {
    "SWK_SECRET_KEY": "ondertekent de links in bevestigings- en afmeldmails",
    "SWK_API_TOKEN": "het toegangstoken waarmee de publicatieworkflow een verzending start",
}


class ConfigError(Exception):
    """A setting is missing or wrong; the message says which and how to mend it."""


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
    site_settings: Path = REPO / "pelicanconf.py"  # Pelican settings the pages take names from
    secret_key: str = ""
    api_token: str = ""
    env: dict = field(default_factory=dict)  # the whole environment, for features' own settings

    @property
    def local(self) -> bool:
        return self.mode == "local"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "service.sqlite"

    @classmethod
    def from_env(cls, env: dict | None = None) -> "Config":
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
                raise ConfigError(f"{name} ontbreekt; zet het publieke adres, bv. https://www.example.org")
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
        return conf


def _local_secret(data_dir: Path, name: str) -> str:
    """A secret generated once for local mode and kept in the data folder (mode 0600)."""
    path = data_dir / f"{name.lower()}.local"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(32))
    return path.read_text().strip()
