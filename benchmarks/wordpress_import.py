"""Import time and peak memory of a WordPress export with N posts (default 5,000).

Generates a WXR file the way WordPress writes one (``swk/wordpress/wxrwriter.py``): N posts
with Gutenberg blocks, a caption and a gallery shortcode, categories, tags, a featured image
each (one image file per 50 posts in a generated uploads folder), comments, revisions and menu
items, plus N/10 pages; imports it into an empty project in a child process (so its peak
memory is measured alone), then imports it a second time (everything unchanged), and prints
wall and CPU seconds, peak memory (max RSS) and the export's size.

    .venv/bin/python -m benchmarks.wordpress_import [N] [--keep]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from swk import ROOT
from swk.wordpress.wxrwriter import Post, write_wxr
from tests.support.testing import make_project

SITE = "https://oud.example.org"
CATEGORIES = [
    ("interviews", "Interviews", ""),
    ("nieuws", "Nieuws", ""),
    ("agenda", "Agenda", "nieuws"),
]
TAGS = [(f"trefwoord-{i}", f"Trefwoord {i}") for i in range(40)]

BODY = """<!-- wp:paragraph -->
<p>Bericht {i} gaat over <strong>sociaal werk</strong> in Amsterdam. Werkgevers, sociale firma’s en
opleiders werken samen aan <a href="{site}/2020/01/01/bericht-{prev}/">meer banen</a>.</p>
<!-- /wp:paragraph -->

<!-- wp:heading -->
<h2>Wat er gebeurde</h2>
<!-- /wp:heading -->

<!-- wp:paragraph -->
<p>Een tweede alinea met <em>nadruk</em> en een lijst:</p>
<!-- /wp:paragraph -->

<!-- wp:list -->
<ul><li>een werkgever</li><li>een jobcoach</li><li>een opleider</li></ul>
<!-- /wp:list -->

<!-- wp:shortcode -->
[caption id="attachment_{img}" align="alignnone" width="300"]<img src="{site}/wp-content/uploads/2020/01/foto-{img}.jpg" alt="Foto {img}" width="300" /> Bijschrift bij bericht {i}[/caption]
<!-- /wp:shortcode -->

<!-- wp:paragraph -->
<p>Slot van bericht {i}, met een galerij: [gallery ids="{img}"]</p>
<!-- /wp:paragraph -->

<!-- wp:latest-posts /-->
"""


def posts(n: int):
    images = max(1, n // 50)
    for k in range(images):
        yield Post(
            900000 + k,
            f"foto-{k}",
            type="attachment",
            name=f"foto-{k}",
            attachment_url=f"{SITE}/wp-content/uploads/2020/01/foto-{900000 + k}.jpg",
            meta={
                "_wp_attached_file": f"2020/01/foto-{900000 + k}.jpg",
                "_wp_attachment_image_alt": f"Foto nummer {k}",
            },
        )
    for i in range(1, n + 1):
        img = 900000 + i % images
        day = 1 + i % 28
        yield Post(
            i,
            f"Bericht {i}: nieuws uit het netwerk",
            BODY.format(i=i, prev=max(1, i - 1), img=img, site=SITE),
            name=f"bericht-{i}",
            date=f"20{10 + i % 14:02d}-{1 + i % 12:02d}-{day:02d} 10:00:00",
            categories=[CATEGORIES[i % 2][:2]],
            tags=[TAGS[i % 40], TAGS[(i * 7) % 40]],
            meta={"_thumbnail_id": str(img), "_edit_last": "1"},
            comments=i % 3,
            status="publish" if i % 20 else "draft",
        )
        if i % 5 == 0:
            yield Post(
                2_000_000 + i,
                "rev",
                "oud",
                type="revision",
                name=f"{i}-revision-v1",
                status="inherit",
                parent=i,
            )
    for j in range(n // 10):
        yield Post(
            1_000_000 + j,
            f"Pagina {j}",
            f"<p>Vaste pagina {j}.</p>",
            type="page",
            name=f"pagina-{j}",
        )
    for m in range(10):
        yield Post(3_000_000 + m, "", "", type="nav_menu_item", name=str(m))


def child(args) -> None:
    """Run one import in this process and print seconds and peak memory."""
    from swk.build import load_settings
    from swk.wordpress.importer import import_wordpress
    from tests.support.testing import overrides

    settings = load_settings(str(ROOT / "pelicanconf.py"), overrides(Path(args.project)))
    start, cpu = time.perf_counter(), time.process_time()
    report = import_wordpress(Path(args.export), settings, uploads=Path(args.uploads))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{seconds:.2f} {cpu:.2f} {peak:.0f} {len(report.written)} {len(report.unchanged)} {report.redirects_added}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=5000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--project", help=argparse.SUPPRESS)
    parser.add_argument("--export", help=argparse.SUPPRESS)
    parser.add_argument("--uploads", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    tmp = Path(tempfile.mkdtemp(prefix="swk-wp-bench-"))
    try:
        uploads = tmp / "uploads" / "2020" / "01"
        uploads.mkdir(parents=True)
        for k in range(max(1, args.n // 50)):
            (uploads / f"foto-{900000 + k}.jpg").write_bytes(b"\xff\xd8\xff" + bytes(20_000))
        export = write_wxr(
            tmp / "export.xml", posts(args.n), site=SITE, categories=CATEGORIES, tags=TAGS
        )
        project = make_project(tmp / "project")
        size = export.stat().st_size / 1e6
        print(f"WordPress export: {args.n} posts, {args.n // 10} pages, {size:.1f} MB")
        for label in ("first import", "second import (nothing changed)"):
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    "--project",
                    str(project),
                    "--export",
                    str(export),
                    "--uploads",
                    str(tmp / "uploads"),
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            seconds, cpu, peak, written, unchanged, redirects = out[-6:]
            print(
                f"{label}: {seconds} s (CPU {cpu} s), peak memory {peak} MB, {written} files written, "
                f"{unchanged} unchanged, {redirects} redirects added"
            )
    finally:
        if args.keep:
            print(f"kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
