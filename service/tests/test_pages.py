"""The service's pages and the sign-up form on the site: WCAG 2.1 AA (axe-core in Chromium
at desktop and phone widths, no sideways scrolling at 320 px) and valid HTML (Nu checker)."""

from __future__ import annotations

import re

import httpx

from service import tokens
from service.tests.conftest import newsletter_files
from tests.support import sitecheck
from tests.support.testing import RunningService, build_project, make_project, serve, smtp_server

WIDTHS = {"desktop": (1280, 800), "phone": (375, 740), "narrow": (320, 640)}


def test_service_pages_and_the_form_are_accessible_and_valid(tmp_path, browser):
    with smtp_server() as inbox:
        (tmp_path / "data").mkdir()
        running = RunningService({"SWK_SERVICE_MODE": "local", **inbox.env}, tmp_path / "data")
        out = build_project(
            make_project(tmp_path / "p", newsletter_files()), SERVICE_URL=running.url
        )
        with serve(out) as site:
            running.env["SWK_SITE_URL"] = site
            running.start()
            try:
                page = browser.new_page(locale="nl-NL")
                # a sign-up with bad input in the browser: the service's form with the errors
                page.goto(site + "/nieuwsbrief/")
                page.get_by_label("E-mailadres").fill(
                    "an@voorbeeld"
                )  # the browser takes it, we do not
                page.get_by_label("Ja, ik wil de nieuwsbrief").check()
                page.get_by_role("button", name="Aanmelden").click()
                assert "Dit is geen geldig e-mailadres" in page.get_by_role("alert").inner_text()
                assert (
                    page.get_by_label("E-mailadres").input_value() == "an@voorbeeld"
                )  # nothing lost
                assert page.get_by_label("E-mailadres").get_attribute("aria-invalid") == "true"
                errors = page.content()
                page.get_by_label("E-mailadres").fill("an@voorbeeld.nl")
                page.get_by_role("button", name="Aanmelden").click()
                assert page.get_by_role("heading", level=1).inner_text() == "Kijk in uw mailbox"
                mail = inbox.wait_for("an@voorbeeld.nl")[0].get_body(("plain",)).get_content()
                confirm = re.search(r"(http\S+bevestigen\?token=\S+)", mail).group(1)
                uid = confirm.split("token=")[1].split(".")[0]
                key = (tmp_path / "data" / "swk_secret_key.local").read_text().strip()
                unsubscribe = (
                    f"{running.url}/nieuwsbrief/afmelden?token={tokens.unsubscribe_token(key, uid)}"
                )
                urls = {
                    "form on the site": site + "/nieuwsbrief/",
                    "home with the form": site + "/",
                    "service form": running.url + "/nieuwsbrief/aanmelden",
                    "kijk in uw mailbox": running.url + "/nieuwsbrief/kijk-in-uw-mailbox",
                    "confirm": confirm,
                    "unsubscribe": unsubscribe,
                    "not found": running.url + "/bestaat-niet",
                }
                problems = []
                for label, url in urls.items():
                    for width_label, (width, height) in WIDTHS.items():
                        page.set_viewport_size({"width": width, "height": height})
                        page.goto(url)
                        if width_label != "narrow":
                            problems += [
                                f"{label} ({width}px): {v['id']} {v['help']}: {v['targets']}"
                                for v in sitecheck.axe_violations(page)
                            ]
                        overflow = page.evaluate(
                            "document.documentElement.scrollWidth - innerWidth"
                        )
                        if overflow > 0:
                            problems.append(
                                f"{label} ({width}px): scrolls sideways by {overflow}px"
                            )
                page.set_content(errors)
                problems += [
                    f"form with errors: {v['id']} {v['help']}: {v['targets']}"
                    for v in sitecheck.axe_violations(page)
                ]
                assert not problems, "\n".join(problems)

                # valid HTML: the service's pages as served, and the site's pages with the form
                files = []
                for url in urls.values():
                    path = tmp_path / "html" / f"{len(files)}.html"
                    path.parent.mkdir(exist_ok=True)
                    path.write_text(httpx.get(url).text, encoding="utf-8")
                    files.append(path)
                (tmp_path / "html" / "errors.html").write_text(errors, encoding="utf-8")
                files.append(tmp_path / "html" / "errors.html")
                messages = sitecheck.vnu(files)
                assert not messages, "\n".join(sitecheck.format_vnu(m, tmp_path) for m in messages)
            finally:
                running.stop()
