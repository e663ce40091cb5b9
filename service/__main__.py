"""``python -m service [--host H] [--port P]``: the service under uvicorn.
``python -m service subscribers|newsletter|registrations|partners|purge|backup ...``: the office's command line
(``service/cli.py``)."""

from __future__ import annotations

import argparse
import logging
import sys

import uvicorn

from .config import Config, ConfigError


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    from .cli import COMMANDS

    if argv and argv[0] in COMMANDS:
        from .cli import main as cli_main

        logging.basicConfig(level=logging.WARNING, format="%(message)s")
        return cli_main(argv)
    parser = argparse.ArgumentParser(prog="python -m service", description="the site service")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args(argv)
    try:
        Config.from_env()  # refuse to start with a clear message, before uvicorn starts
    except ConfigError as exc:
        print(f"De dienst start niet: {exc}", file=sys.stderr)
        return 2
    # Our own log lines name addresses only by a short hash (tokens.address_hash).
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # No access log: request lines carry tokens and client addresses.
    uvicorn.run(
        "service.app:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
