"""Command line: ``python -m swk build|check``, ``python -m swk newsletter send``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from swk.build import BuildError, build, validate
from content_model.validate import ContentError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="swk", description="Sociaal Werkkoepel site")
    sub = parser.add_subparsers(dest="command", required=True)
    p_build = sub.add_parser("build", help="build the site into output/ (atomically)")
    p_build.add_argument("-s", "--settings", default="pelicanconf.py")
    p_serve = sub.add_parser("serve", help="dev server: build, serve on localhost, rebuild what a change affects")
    p_serve.add_argument("-s", "--settings", default="pelicanconf.py")
    p_serve.add_argument("--bind", default="127.0.0.1")
    p_serve.add_argument("--port", type=int, default=8000)
    p_check = sub.add_parser("check", help="check all content against the contract")
    p_check.add_argument("-s", "--settings", default="pelicanconf.py")
    p_news = sub.add_parser("newsletter", help="newsletter commands")
    news_sub = p_news.add_subparsers(dest="newsletter_command", required=True)
    p_send = news_sub.add_parser(
        "send", help="send a built issue: first --test-to, then --subscribers (see README)")
    p_send.add_argument("slug", help="the issue's slug (file name without .md)")
    p_send.add_argument("--subscribers", type=Path, help="CSV outside the repository: email[,name]")
    p_send.add_argument("--test-to", action="append", default=[], metavar="ADDR",
                        help="send a test to this address (repeatable); required before a real send")
    p_send.add_argument("--dry-run", type=Path, metavar="DIR", help="write .eml files into DIR, send nothing")
    p_send.add_argument("--journal", type=Path, help="SQLite send journal "
                        "(default ~/.local/state/swk/send-journal.sqlite)")
    p_send.add_argument("--rate", type=float, default=2.0, help="messages per second (default 2)")
    p_send.add_argument("--output", type=Path, default=Path("output"), help="the built site (default output)")
    p_send.add_argument("--newsletters", type=Path, default=Path("newsletters"),
                        help="the issue files, to refuse drafts (default newsletters)")
    p_send.add_argument("--retry-uncertain", action="store_true",
                        help="also send to recipients whose delivery is uncertain after a broken connection")
    args = parser.parse_args(argv)

    try:
        if args.command == "build":
            out = build(args.settings)
            print(f"Site gebouwd in {out}")
        elif args.command == "serve":
            from swk.devserver import serve

            return serve(args.settings, bind=args.bind, port=args.port)
        elif args.command == "check":
            cols = validate(args.settings)
            n = sum(len(v) for v in cols.items.values())
            print(f"Alle {n} bestanden kloppen.")
        elif args.command == "newsletter":
            from newsletter.send import SendError, send

            try:
                return send(args.slug, output=args.output, subscribers=args.subscribers,
                            test_to=args.test_to, dry_run=args.dry_run, journal=args.journal,
                            rate=args.rate, newsletters=args.newsletters,
                            retry_uncertain=args.retry_uncertain)
            except SendError as exc:
                print(f"Niet verstuurd: {exc}", file=sys.stderr)
                return 1
            except KeyboardInterrupt:
                print("Onderbroken. Draai hetzelfde commando opnieuw; wie de nieuwsbrief al "
                      "kreeg, krijgt hem niet nog eens.", file=sys.stderr)
                return 130
    except ContentError as exc:
        print(exc, file=sys.stderr)
        return 1
    except BuildError as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 1
    return 0
