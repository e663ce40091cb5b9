"""Previews of an editor's change (service/previews.py), as the site workflow makes them: ask
the service for an address, build the site for it, upload it, open the page."""

from __future__ import annotations

import io
import tarfile

import httpx
from playwright.sync_api import expect

from tests.support import testing

TOKEN = "preview-token-" + "y" * 30
ARTICLE = """
---
title: Een artikel voor later
date: 2030-03-01
category: Nieuws
summary: Staat pas in 2030 op de site.
---
Tekst.
"""


def tar_gz(folder=None, extra: dict[str, bytes] | None = None, symlink: str | None = None) -> bytes:
    """The built site as the workflow packs it (without admin/ and pagefind/)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        if folder is not None:
            tar.add(
                folder,
                arcname=".",
                filter=lambda m: None if m.name.startswith(("./admin", "./pagefind")) else m,
            )
        for name, data in (extra or {}).items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        if symlink:
            info = tarfile.TarInfo("link")
            info.type = tarfile.SYMTYPE
            info.linkname = symlink
            tar.addfile(info)
    return buffer.getvalue()


def test_the_workflow_builds_uploads_and_the_editor_sees_the_page(tmp_path, page):
    with testing.service(
        tmp_path / "data", SWK_SITE_URL="https://www.example.org", SWK_API_TOKEN=TOKEN
    ) as svc:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        reserved = httpx.post(f"{svc.url}/voorbeelden", json={"name": "pr-12"}, headers=auth)
        assert reserved.status_code == 200
        url = reserved.json()["url"]
        assert url.startswith(f"{svc.url}/voorbeelden/") and "pr-12" not in url  # not guessable
        assert (
            httpx.post(f"{svc.url}/voorbeelden", json={"name": "pr-12"}, headers=auth).json()["url"]
            == url
        )

        project = testing.make_project(
            tmp_path / "project", {"content/articles/later.md": ARTICLE}, with_pages=False
        )
        with testing.env(SWK_SITEURL=url, SWK_PREVIEW="1", SWK_NOW="2024-01-15T12:00"):
            out = testing.build_project(project, "publishconf.py")
        upload = httpx.put(url.rstrip("/"), content=tar_gz(out), headers=auth)
        assert upload.status_code == 201 and upload.json()["url"] == url

        answer = httpx.get(f"{url}artikelen/later/")
        assert (
            answer.status_code == 200 and "Een artikel voor later" in answer.text
        )  # scheduled, yet shown
        assert answer.headers["content-security-policy"].startswith("sandbox")
        assert answer.headers["x-robots-tag"] == "noindex, nofollow"
        assert (
            httpx.get(f"{url}admin/").status_code == 404
        )  # not uploaded: no web editor in a preview

        # in a browser: the page, in the site's styles, with links that stay in the preview
        page.goto(f"{url}artikelen/later/")
        expect(page.locator("h1")).to_have_text("Een artikel voor later", timeout=20000)
        assert page.locator("a.site-name").evaluate("a => a.href") == url
        assert (
            page.locator(".skip-link").evaluate("el => getComputedStyle(el).position") == "absolute"
        )

        # a new upload replaces the preview whole
        again = httpx.put(
            url.rstrip("/"), content=tar_gz(extra={"index.html": b"<p>nieuw</p>"}), headers=auth
        )
        assert again.status_code == 201
        assert httpx.get(f"{url}artikelen/later/").status_code == 404
        assert httpx.get(url).text == "<p>nieuw</p>"


def test_uploads_without_the_token_or_that_are_no_site_are_refused(tmp_path):
    with testing.service(
        tmp_path / "data", SWK_SITE_URL="https://www.example.org", SWK_API_TOKEN=TOKEN
    ) as svc:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        site = tar_gz(extra={"index.html": b"<p>ok</p>"})
        url = (
            httpx.post(f"{svc.url}/voorbeelden", json={"name": "pr-13"}, headers=auth)
            .json()["url"]
            .rstrip("/")
        )
        for headers in ({}, {"Authorization": "Bearer fout"}):
            assert (
                httpx.post(
                    f"{svc.url}/voorbeelden", json={"name": "pr-13"}, headers=headers
                ).status_code
                == 401
            )
            assert httpx.put(url, content=site, headers=headers).status_code == 401
        assert (
            httpx.post(f"{svc.url}/voorbeelden", json={"name": "../x"}, headers=auth).status_code
            == 400
        )
        for bad, why in (
            (
                tar_gz(extra={"index.html": b"x", "../buiten.html": b"x"}),
                "is outside the destination",
            ),
            (tar_gz(extra={"index.html": b"x"}, symlink="/etc/passwd"), "alleen gewone bestanden"),
            (tar_gz(extra={"pagina.html": b"x"}), "index.html ontbreekt"),
            (b"geen archief", "geen geldig .tar.gz-archief"),
        ):
            answer = httpx.put(url, content=bad, headers=auth)
            assert answer.status_code == 400 and why in answer.json()["fout"], answer.text
        assert not list(tmp_path.rglob("buiten.html"))
        assert httpx.get(url + "/").status_code == 404  # nothing was published
