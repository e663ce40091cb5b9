"""The ``swk import wordpress`` command: arguments, a run, a short summary on the terminal."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("export", type=Path, help="the WordPress export (WXR .xml)")
    parser.add_argument(
        "--uploads",
        type=Path,
        metavar="DIR",
        help="a local copy of the site's wp-content/uploads, for images and files",
    )
    parser.add_argument("-s", "--settings", default="pelicanconf.py")
    parser.add_argument(
        "--content",
        type=Path,
        metavar="DIR",
        help="the content folder to import into (default: PATH of the settings)",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        metavar="DIR",
        help="mapping, state and report (default: wordpress-import/ next to content/)",
    )
    parser.add_argument(
        "--category-base",
        default="category",
        help="WordPress's category base for old archive addresses (default: category)",
    )
    parser.add_argument(
        "--tag-base",
        default="tag",
        help="WordPress's tag base for old archive addresses (default: tag)",
    )
    parser.add_argument(
        "--authors-as-people",
        action="store_true",
        help="put each post's WordPress author in 'people' (default: a comment)",
    )


def run(args: argparse.Namespace) -> int:
    from swk.build import load_settings

    from .importer import ImportFailed, import_wordpress
    from .wxr import WXRError

    override = {"PATH": str(args.content.resolve())} if args.content else {}
    settings = load_settings(args.settings, override)
    try:
        report = import_wordpress(
            args.export,
            settings,
            uploads=args.uploads,
            workdir=args.workdir,
            category_base=args.category_base.strip("/"),
            tag_base=args.tag_base.strip("/"),
            authors_as_people=args.authors_as_people,
        )
    except (WXRError, ImportFailed) as exc:
        print(f"Niet geïmporteerd: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "Onderbroken. Draai hetzelfde commando opnieuw: wat al geschreven is, wordt "
            "herkend en niet dubbel gemaakt.",
            file=sys.stderr,
        )
        return 130
    r = report
    print(
        f"WordPress-import klaar: {len(r.written)} nieuw, {len(r.updated)} bijgewerkt, "
        f"{len(r.unchanged)} ongewijzigd, {len(r.kept) + len(r.gone) + len(r.adopted)} niet aangeraakt; "
        f"{r.redirects_added} doorverwijzingen toegevoegd."
    )
    todo = len(r.todo) + len(r.problems) + len(r.quarantined) + len(r.missing_files)
    asks = ([f"{todo} {'punt' if todo == 1 else 'punten'} om na te kijken"] if todo else []) + (
        [f"controleer de rubrieken in {r.mapping_file}"] if r.mapping_new else []
    )
    if asks:
        print(f"Lees het verslag: {r.report_file} ({'; '.join(asks)}).")
    else:
        print(f"Verslag: {r.report_file}")
    return 0
