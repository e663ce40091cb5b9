"""Each content file is parsed once per build: the check's parse is what the readers use,
in this process and in the engine's forked workers; the site's time zone is TIMEZONE."""

import os
from zoneinfo import ZoneInfo

import content_model.items as items
from content_model.loading import ParsedFiles
from content_model.schema import CONTENT_TYPES
from tests.support.testing import build_project, env, make_project, write

FILES = {
    "content/articles/een.md": "---\ntitle: Een\ndate: 2023-02-01\ncategory: Nieuws\n"
    "summary: Kort.\nevents: [winter]\n---\nTekst.\n",
    "content/articles/twee.md": "---\ntitle: Twee\ndate: 2023-02-02\ncategory: Nieuws\n"
    "summary: Kort.\n---\nTekst.\n",
    "content/events/winter.md": "---\ntitle: Winter\nstart: 2023-02-16T15:00\n"
    "end: 2023-02-16T18:00\nonline: true\n---\n",
}


def test_every_file_parsed_once_across_workers_in_the_site_time_zone(tmp_path, monkeypatch):
    project = make_project(tmp_path / "site", FILES)
    log = tmp_path / "parses.txt"
    parse = items.parse_item

    def counted(ctype, path, *args):
        with open(log, "a", encoding="utf-8") as f:  # appended by forked workers too
            f.write(f"{os.getpid()} {path}\n")
        return parse(ctype, path, *args)

    monkeypatch.setattr(items, "parse_item", counted)
    with env(SWK_NOW="2023-01-01"):
        out = build_project(
            project,
            SEARCH_INDEX=False,
            TIMEZONE="Europe/London",
            BUILD_WORKERS=2,
            BUILD_PARALLEL_MIN=1,  # fork the readers even for a few files
        )
    parsed = [line.split(" ", 1)[1] for line in log.read_text().splitlines()]
    sources = sorted(str(p) for p in (project / "content").rglob("*.md"))
    assert sorted(parsed) == sources  # each once, none twice
    # the time zone is TIMEZONE: 15:00 London time, not Amsterdam time
    raw = (out / "agenda.ics").read_bytes()
    assert b"DTSTART;TZID=Europe/London:20230216T150000\r\n" in raw
    assert b"X-WR-TIMEZONE:Europe/London\r\n" in raw


def test_a_file_changed_after_the_check_is_parsed_again(tmp_path):
    path = write(tmp_path / "winter.md", "---\ntitle: Winter\nstart: 2023-02-16T15:00\n---\n")
    files = ParsedFiles(ZoneInfo("Europe/Amsterdam"))
    event = CONTENT_TYPES["event"]
    first = files.get(event, path)
    assert files.get(event, path) is first  # the same bytes: the same parse
    assert first.item.meta["start"].hour == 15 and first.problems == ()
    path.write_text("---\ntitle: Winter\nstart: 16 februari\n---\n", encoding="utf-8")
    again = files.get(event, path)
    assert again.item is not first.item
    assert [p.field for p in again.problems] == ["start"]
