"""The engine's forked work (swk/engine.py): ``Shares`` and the dev server's ``Snapshot``
give what one process gives, report a worker's error, and leave no process, pipe or frozen
garbage collection behind when something fails."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest
from pelican.contents import Content

import swk.fingerprint
from swk.engine import Shares, Snapshot, WorkerError


def children() -> set[int]:
    """This process's child processes, zombies included (until they are reaped). Compare
    with the set before: other tests' session fixtures (Playwright's driver) are children
    of the test process too."""
    me = os.getpid()
    found = set()
    for task in os.listdir(f"/proc/{me}/task"):
        found |= {int(p) for p in Path(f"/proc/{me}/task/{task}/children").read_text().split()}
    return found


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def article(n: int, **attrs) -> Content:
    obj = Content.__new__(Content)  # a content object as the snapshot sees one
    obj.source_path = f"/inhoud/artikel-{n}.md"
    obj.title = f"Artikel {n}"
    obj.tags = ["werk", f"tag-{n % 3}"]
    obj.metadata = {"title": obj.title, "n": n}
    for name, value in attrs.items():
        setattr(obj, name, value)
    return obj


def snapshot(context: dict, workers: int) -> dict:
    return Snapshot({}, context, workers=workers, parallel_min=1).objects


def test_a_snapshot_with_a_forked_share_equals_one_taken_in_one_process():
    def context():
        return {"articles": [article(n) for n in range(12)], "SITENAME": "SWK"}

    split, here = snapshot(context(), workers=2), snapshot(context(), workers=1)
    assert len(split) == 12
    assert split == here
    changed = context()
    changed["articles"][1].title = "Anders"  # in the forked share
    changed["articles"][11].tags = ["werk"]  # in this process's
    after = snapshot(changed, workers=2)
    assert [tok[1] for tok in split if split[tok] != after[tok]] == [
        "/inhoud/artikel-1.md",
        "/inhoud/artikel-11.md",
    ]


def test_a_value_that_cannot_be_followed_equals_nothing_also_in_a_forked_share():
    """An unhashable value without state to follow is "volatile": its object must differ in
    every build, also when the forked process fingerprints it (each child draws from its own
    counter, not from a copy of the same one)."""

    def context():  # the volatile values in the forked two thirds only: this process
        # draws nothing from its counter between the two snapshots
        return {
            "articles": [article(n, blob=bytearray(b"oud")) for n in range(4)]
            + [article(n) for n in range(4, 6)]
        }

    for workers in (1, 2):
        first, second = snapshot(context(), workers), snapshot(context(), workers)
        assert [tok[1] for tok in first if first[tok] == second[tok]] == [
            "/inhoud/artikel-4.md",
            "/inhoud/artikel-5.md",
        ], workers


def test_a_failure_while_a_snapshot_is_taken_leaves_no_process_behind(monkeypatch):
    value = swk.fingerprint.Fingerprinter.value
    parent = os.getpid()

    def failing(self, v):
        if v == "kapot" and os.getpid() == parent:
            raise KeyboardInterrupt  # Ctrl-C while this process takes its share
        return value(self, v)

    monkeypatch.setattr(swk.fingerprint.Fingerprinter, "value", failing)
    context = {"articles": [article(n) for n in range(30)], "stuk": "kapot"}
    fds, before = open_fds(), children()
    with pytest.raises(KeyboardInterrupt):
        Snapshot({}, context, workers=2, parallel_min=1)
    assert children() - before == set()
    assert open_fds() == fds
    assert gc.get_freeze_count() == 0


class NeedsTwo(Exception):
    """An exception whose class takes other arguments than its message: it pickles, but
    does not unpickle."""

    def __init__(self, path, why):
        super().__init__(f"{path}: {why}")


def test_a_worker_error_that_does_not_unpickle_is_reported_with_its_traceback():
    def work(share):
        if share == 1:
            raise NeedsTwo("artikel-1.md", "kapot")
        return share * 10

    assert Shares([0, 1, 2], lambda share: share * 10).start().finish() == [0, 10, 20]
    fds, before = open_fds(), children()
    with pytest.raises(WorkerError, match=r"NeedsTwo: artikel-1.md: kapot"):
        Shares([0, 1, 2], work).start().finish()
    assert children() - before == set()
    assert open_fds() == fds
    assert gc.get_freeze_count() == 0
