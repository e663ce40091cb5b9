"""The site service: what a static page cannot do, next to the static site.

One small ASGI application (Starlette, run by uvicorn) with SQLite as its store:
newsletter sign-up and unsubscribe, delivery of the newsletter, the web editor's GitHub
login, event registration and partner applications. The static site stays fully usable
when the service is down. Nothing personal is logged; addresses are logged as a short hash.

- ``config``: settings from the environment (``Config.from_env``), refusing to start in
  production without its secrets;
- ``db``: SQLite connections (WAL, ``busy_timeout``) and per-feature schema migrations;
- ``pages``: Dutch pages rendered with the site's own theme (``theme/templates/service/``);
- ``app``: ``create_app(config)``, the Starlette application with every feature's routes;
- ``subscriptions`` (web) and ``subscribers`` (store): sign-up with double opt-in, confirm,
  unsubscribe, the consent record; ``tokens``: the opaque links in mail; ``forms``: strict
  reading of posted forms;
- ``mailing``: delivery of the newsletter (renderings, journal, transports, ``Sender``), the
  confirmation mails (``outbox``) and the publish workflow's API;
- ``python -m service``: run it under uvicorn; ``python -m service subscribers|newsletter|...``:
  the office's command line (``cli``).
"""
