"""Write the agenda pages and the iCalendar files."""

from __future__ import annotations

import json
import os

from pelican.generators import Generator

from .ical import IcsWriter
from .model import registration_data


class AgendaGenerator(Generator):
    def _write_ics(self, rel: str, data: bytes) -> None:
        path = os.path.join(self.output_path, rel)
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)

    def generate_output(self, writer):
        s, ctx = self.settings, self.context
        for template, save_as, url in (
            ("agenda", "AGENDA_SAVE_AS", "AGENDA_URL"),
            ("agenda_archive", "AGENDA_ARCHIVE_SAVE_AS", "AGENDA_ARCHIVE_URL"),
        ):
            writer.write_file(
                s[save_as],
                self.get_template(template),
                ctx,
                relative_urls=s["RELATIVE_URLS"],
                url=s[url],
            )
        events = ctx.get("events", [])
        ics = IcsWriter(s)
        for event in events:
            data = ics.ics([event], event.title)
            self._write_ics(event.ics_url, data)
            if getattr(event, "registration_site", False):  # for the site service
                info = registration_data(event, s, data)
                self._write_ics(
                    s["EVENT_REGISTRATION_SAVE_AS"].format(slug=event.slug),
                    json.dumps(info, ensure_ascii=False, indent=1).encode("utf-8"),
                )
        if s["AGENDA_ICS_PATH"]:
            self._write_ics(s["AGENDA_ICS_PATH"], ics.ics(events, f"{s['SITENAME']}: agenda"))
