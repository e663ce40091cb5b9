"""Make the site's own images from its name and colours (no logo): the favicon (ICO, from
``theme/static/images/favicon.svg``) and the default image for link previews (``og:image``,
1200 x 630: the red bar of the header, the site's name and description).

    .venv/bin/python -m scripts.site_images

Renders with headless Chromium (as the tests do) and writes into theme/static/images/; the
results are committed, so a build needs no browser. Run again after changing the name,
the description or the colours.
"""

from __future__ import annotations

import html
import struct

from swk import ROOT
from tests.support import testing

IMAGES = ROOT / "theme" / "static" / "images"
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'


def preview_html(name: str, description: str) -> str:
    return f"""<!DOCTYPE html><html lang="nl"><head><style>
    body {{ margin: 0; }}
    .card {{ position: relative; box-sizing: border-box; width: 1200px; height: 630px; background: #fff;
             padding: 96px 96px 0 156px; border-bottom: 24px solid #ec0000; font-family: {FONT}; }}
    .bar {{ position: absolute; left: 96px; top: 106px; width: 24px; height: 160px; background: #ec0000; }}
    .name {{ font-size: 76px; font-weight: 700; line-height: 1.1; color: #000; }}
    .text {{ font-size: 34px; line-height: 1.45; margin-top: 36px; color: #333; max-width: 900px; }}
    </style></head><body><div class="card"><div class="bar"></div>
      <div class="name">{html.escape(name)}</div><div class="text">{html.escape(description)}</div>
    </div></body></html>"""


def ico(pngs: list[tuple[int, bytes]]) -> bytes:
    """An .ico file holding PNG images (allowed since Windows Vista; every browser reads it)."""
    head = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(head) + 16 * len(pngs)
    entries, data = b"", b""
    for size, png in pngs:
        entries += struct.pack(
            "<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(png), offset + len(data)
        )
        data += png
    return head + entries + data


def main():
    from playwright.sync_api import sync_playwright

    from swk.build import load_settings

    settings = load_settings(str(ROOT / "pelicanconf.py"))
    svg = (IMAGES / "favicon.svg").read_text(encoding="utf-8")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=testing.CHROMIUM, args=testing.CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 630})
        page.set_content(preview_html(settings["SITENAME"], settings["SITE_DESCRIPTION"]))
        page.screenshot(path=str(IMAGES / "og-default.png"))
        pngs = []
        for size in (16, 32, 48):
            page.set_viewport_size({"width": size, "height": size})
            page.set_content(
                f'<body style="margin:0"><img src="data:image/svg+xml,{svg.replace(chr(34), chr(39))}" '
                f'width="{size}" height="{size}" style="display:block"></body>'
            )
            pngs.append((size, page.screenshot(omit_background=True)))
        browser.close()
    (IMAGES / "favicon.ico").write_bytes(ico(pngs))
    for name in ("og-default.png", "favicon.ico"):
        print(f"{IMAGES / name}: {(IMAGES / name).stat().st_size} bytes")


if __name__ == "__main__":
    main()
