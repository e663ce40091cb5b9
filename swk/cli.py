"""Command line: ``python -m swk build|check|import``. Sending the newsletter is the site
service's (``python -m service newsletter ...``, see the README)."""

from __future__ import annotations

import argparse
import sys

from content_model.problems import ContentError
from swk.build import BuildError, build, validate
from swk.wordpress import command as wordpress


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="swk", description="Sociaal Werkkoepel site")
    sub = parser.add_subparsers(dest="command", required=True)
    p_build = sub.add_parser("build", help="build the site into output/ (atomically)")
    p_build.add_argument("-s", "--settings", default="pelicanconf.py")
    p_serve = sub.add_parser(
        "serve", help="dev server: build, serve on localhost, rebuild what a change affects"
    )
    p_serve.add_argument("-s", "--settings", default="pelicanconf.py")
    p_serve.add_argument("--bind", default="127.0.0.1")
    p_serve.add_argument("--port", type=int, default=8000)
    p_check = sub.add_parser("check", help="check all content against the contract")
    p_check.add_argument("-s", "--settings", default="pelicanconf.py")
    p_import = sub.add_parser("import", help="import content from another system")
    import_sub = p_import.add_subparsers(dest="import_command", required=True)
    wordpress.add_arguments(
        import_sub.add_parser(
            "wordpress",
            help="import a WordPress export (WXR) with its images and old addresses (see README)",
        )
    )
    args = parser.parse_args(argv)

    try:
        if args.command == "import":
            return wordpress.run(args)
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
    except ContentError as exc:
        print(exc, file=sys.stderr)
        return 1
    except BuildError as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 1
    return 0
