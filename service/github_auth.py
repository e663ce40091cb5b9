"""GitHub login for the web editor (Decap CMS at the site's ``/admin/``), as a GitHub OAuth App.

GitHub gives a page in the browser no way to log in without a server that holds the OAuth
App's client secret; this is that server. Decap's GitHub backend, with ``base_url`` set to
this service (``plugins/web_editor`` does that from ``SERVICE_URL``), opens
``{base_url}/auth/github?provider=github&scope=repo`` in a small window:

1. ``GET /auth/github`` makes a random ``state``, keeps it in a signed cookie that lives 10
   minutes (HttpOnly, SameSite=Lax, Secure and ``__Host-`` outside local mode), and sends the
   browser to GitHub's authorize page.
2. GitHub sends the browser back to ``GET /auth/github/callback?code=...&state=...``. The
   ``state`` must be the cookie's (else the attempt is expired or was started elsewhere: a
   forged login is refused); the code is exchanged for a token with the client secret.
3. The page answers Decap's handshake: it posts ``authorizing:github`` to the window that
   opened it, addressed to each allowed site origin (the browser delivers it only to the one
   the opener really has), and only when that window answers from an allowed origin does it
   post ``authorization:github:success:{"token":...,"provider":"github"}`` to exactly that
   origin. Never to ``*``. Errors go the same way as ``authorization:github:error:{...}``
   with a Dutch message that Decap shows on its login page; the window shows it too.

The token is in that one response only: never stored, never logged (the service has no
access log; the query strings carry codes).

Settings (environment):

- ``GITHUB_CLIENT_ID``, ``GITHUB_CLIENT_SECRET``: the OAuth App's. Without them the login
  answers "not set up yet" and the rest of the service works as before.
- ``GITHUB_OAUTH_URL`` (``https://github.com``): where GitHub's ``/login/oauth/authorize``
  and ``/login/oauth/access_token`` are (GitHub Enterprise Server: your server; tests: a
  stand-in on 127.0.0.1).
- The allowed origins are the service's site origins (``SWK_SITE_URL`` and
  ``SWK_SITE_ORIGINS``); the callback URL is ``SWK_SERVICE_URL`` + ``/auth/github/callback``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import time
from dataclasses import dataclass

import httpx
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from .config import origin_of

log = logging.getLogger("swk.service.github_auth")

MIGRATIONS: list[str] = []  # nothing is stored

START_PATH = "/auth/github"
CALLBACK_PATH = "/auth/github/callback"
STATE_TTL = 600  # seconds an editor has between "Inloggen met GitHub" and GitHub's answer
SCOPES = ("repo", "public_repo")  # what Decap asks for (public_repo with open authoring)
PROVIDER = "github"


@dataclass(frozen=True)
class Problem:
    """Something an editor can act on: a heading and a sentence, in Dutch."""

    status: int
    title: str
    text: str


NOT_CONFIGURED = Problem(
    503,
    "Inloggen met GitHub is nog niet ingesteld",
    "De beheerder moet de koppeling met GitHub (een OAuth App) nog instellen op de sitedienst. "
    "Tot dat gebeurd is, kun je niet inloggen in de webeditor; meld het aan de beheerder.",
)
DENIED = Problem(
    403,
    "GitHub gaf geen toestemming",
    "Je hebt op GitHub geen toestemming gegeven (of GitHub weigerde die), dus je bent niet "
    "ingelogd. Wil je wel inloggen: sluit dit venster en kies opnieuw Inloggen met GitHub, en "
    "klik op GitHub op de groene knop Authorize.",
)
EXPIRED = Problem(
    400,
    "Deze inlogpoging is verlopen",
    "Deze inlogpoging is ouder dan 10 minuten, of is niet in deze browser begonnen (dan kan "
    "iemand anders hem hebben gestart, en dan loggen we je niet in). Sluit dit venster en kies "
    "opnieuw Inloggen met GitHub.",
)
UNREACHABLE = Problem(
    502,
    "GitHub is niet bereikbaar",
    "De sitedienst kon GitHub niet bereiken om het inloggen af te ronden. Probeer het over een "
    "paar minuten opnieuw; blijft dit zo, meld het dan aan de beheerder.",
)
BAD_CODE = Problem(
    502,
    "GitHub weigerde het inloggen",
    "GitHub accepteerde de inlogcode niet (verlopen of al gebruikt). Sluit dit venster en kies "
    "opnieuw Inloggen met GitHub.",
)
MISCONFIGURED = Problem(
    502,
    "De koppeling met GitHub is niet goed ingesteld",
    "GitHub weigerde de sitedienst ({reason}). Meld dit aan de beheerder: de client-id, het "
    "client secret of de callback-URL van de OAuth App klopt niet.",
)
WRONG_PROVIDER = Problem(
    400,
    "Dit inloggen kent de sitedienst niet",
    "De sitedienst kan alleen inloggen met GitHub. Open de webeditor op de site en kies daar "
    "Inloggen met GitHub.",
)

# Shown in the window when nothing answers the handshake (opened by hand or from elsewhere).
NO_EDITOR = (
    "Dit venster hoort bij de webeditor en geeft de inloggegevens alleen aan de webeditor van "
    "de site. Open {admin} en kies daar Inloggen met GitHub."
)


@dataclass(frozen=True)
class GitHubSettings:
    client_id: str
    client_secret: str
    oauth_url: str

    @classmethod
    def from_env(cls, env: dict) -> GitHubSettings:
        url = (env.get("GITHUB_OAUTH_URL") or "https://github.com").rstrip("/")
        origin_of(url)  # a full address, or a clear ConfigError at start
        return cls(
            env.get("GITHUB_CLIENT_ID", "").strip(),
            env.get("GITHUB_CLIENT_SECRET", "").strip(),
            url,
        )

    @property
    def configured(self) -> bool:
        return bool(self.client_id and self.client_secret)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class GitHubLogin:
    def __init__(self, service):
        self.service = service
        self.config = service.config
        self.github = GitHubSettings.from_env(self.config.env)
        self.origins = list(self.config.site_origins)
        self.site_origin = origin_of(self.config.site_url)
        self.callback_url = self.config.service_url + CALLBACK_PATH
        self.cookie = "swk-github-state" if self.config.local else "__Host-swk-github-state"

    # --- the state cookie: "<state>.<expiry>.<signature>" -------------------------------------

    def _sign(self, state: str, expires: int) -> str:
        mac = hmac.new(
            self.config.secret_key.encode(),
            f"github-login:{state}.{expires}".encode(),
            hashlib.sha256,
        )
        return _b64(mac.digest())

    def _cookie_value(self, state: str) -> str:
        expires = int(time.time()) + STATE_TTL
        return f"{state}.{expires}.{self._sign(state, expires)}"

    def _state_ok(self, cookie: str | None, state: str | None) -> bool:
        if not cookie or not state:
            return False
        try:
            kept, expires_text, signature = cookie.split(".")
            expires = int(expires_text)
        except ValueError:
            return False
        return (
            hmac.compare_digest(signature, self._sign(kept, expires))
            and expires >= time.time()
            and hmac.compare_digest(kept.encode(), state.encode())
        )

    def _set_cookie(self, response: Response, value: str, max_age: int) -> None:
        response.set_cookie(
            self.cookie,
            value,
            max_age=max_age,
            path="/",
            httponly=True,
            samesite="lax",
            secure=not self.config.local,
        )

    # --- pages -------------------------------------------------------------------------------------

    def _page(
        self, title: str, text: str, message: str, status: int = 200, success: bool = False
    ) -> Response:
        """The login window's page: the message for Decap (through the handshake) and the
        same news for the person looking at the window."""
        nonce = secrets.token_urlsafe(16)
        response = self.service.pages.response(
            "github_login.html",
            status,
            title=title,
            text=text,
            nonce=nonce,
            origins=self.origins,
            message=message,
            success=success,
            no_editor=NO_EDITOR.format(admin=f"{self.config.site_url}/admin/"),
        )
        site = " ".join(self.origins)
        response.headers["Content-Security-Policy"] = (
            f"default-src 'none'; script-src 'nonce-{nonce}'; style-src {site}; img-src {site} data:; "
            f"font-src {site}; form-action {site}; base-uri 'none'; frame-ancestors 'none'"
        )
        return response

    def _problem(self, problem: Problem, reason: str = "") -> Response:
        text = problem.text.format(reason=reason)
        log.warning("github login refused: %s%s", problem.title, f" ({reason})" if reason else "")
        message = f"authorization:{PROVIDER}:error:" + json.dumps(
            {"message": f"{problem.title}. {text}"}
        )
        response = self._page(problem.title, text, message, problem.status)
        self._set_cookie(response, "", 0)  # an attempt is used once
        return response

    # --- endpoints -----------------------------------------------------------------------------------

    async def start(self, request: Request) -> Response:
        if request.query_params.get("provider", PROVIDER) != PROVIDER:
            return self._problem(WRONG_PROVIDER)
        if not self.github.configured:
            return self._problem(NOT_CONFIGURED)
        scope = request.query_params.get("scope", "repo")
        state = secrets.token_urlsafe(32)
        query = httpx.QueryParams(
            {
                "client_id": self.github.client_id,
                "redirect_uri": self.callback_url,
                "scope": scope if scope in SCOPES else "repo",
                "state": state,
                "allow_signup": "false",
            }
        )
        response = RedirectResponse(
            f"{self.github.oauth_url}/login/oauth/authorize?{query}",
            status_code=302,
            headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
        )
        self._set_cookie(response, self._cookie_value(state), STATE_TTL)
        return response

    async def callback(self, request: Request) -> Response:
        params = request.query_params
        if params.get("error"):
            return self._problem(
                DENIED if params["error"] == "access_denied" else MISCONFIGURED,
                reason=params["error"][:60],
            )
        if not self._state_ok(request.cookies.get(self.cookie), params.get("state")):
            return self._problem(EXPIRED)
        if not self.github.configured:
            return self._problem(NOT_CONFIGURED)
        if not params.get("code"):
            return self._problem(BAD_CODE)
        try:
            async with httpx.AsyncClient(timeout=10) as client:
                answer = await client.post(
                    f"{self.github.oauth_url}/login/oauth/access_token",
                    data={
                        "client_id": self.github.client_id,
                        "client_secret": self.github.client_secret,
                        "code": params["code"],
                        "redirect_uri": self.callback_url,
                    },
                    headers={"Accept": "application/json"},
                )
            data = answer.json()
        except httpx.HTTPError as exc:
            log.warning("github login: GitHub not reachable (%s)", type(exc).__name__)
            return self._problem(UNREACHABLE)
        except ValueError:
            return self._problem(MISCONFIGURED, reason=f"HTTP {answer.status_code}, geen JSON")
        token = data.get("access_token") if isinstance(data, dict) else None
        if not token:
            error = str(data.get("error", "geen token")) if isinstance(data, dict) else "geen token"
            return self._problem(
                BAD_CODE if error == "bad_verification_code" else MISCONFIGURED, reason=error[:60]
            )
        log.info("github login: token handed to the web editor")
        message = f"authorization:{PROVIDER}:success:" + json.dumps(
            {"token": token, "provider": PROVIDER}
        )
        response = self._page(
            "Inloggen met GitHub", "Bezig met inloggen in de webeditor…", message, success=True
        )
        self._set_cookie(response, "", 0)
        return response


def routes(service) -> list[Route]:
    login = GitHubLogin(service)
    return [Route(START_PATH, login.start), Route(CALLBACK_PATH, login.callback)]
