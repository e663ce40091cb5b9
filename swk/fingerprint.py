"""Fingerprints of build values, to tell whether a page's inputs changed between two builds.

A fingerprint is an int: the hash of a canonical form of the value, computed the same way in
both builds of one dev-server process (Python's string hashes differ between processes, so
fingerprints are never compared across processes or stored on disk).

- Content objects (``pelican.contents.Content``: articles, pages, partners, events, ...) are
  not followed: they stand for themselves by their *token* (class and source path). Whether
  their own state changed is a fingerprint of its own (``Fingerprinter.content``), and a
  page that touched one during rendering depends on it separately.
- Other values are followed to the end: strings, numbers, dates, lists, tuples, sets, dicts,
  dataclasses and other objects with a ``__dict__`` or ``__slots__`` (the settings and the
  build context themselves are left out: they are the same for both builds, or tracked by
  name).
- Cycles between plain objects (a facet and its options) are folded into their strongly
  connected component, so every member's fingerprint covers everything it can reach.
- Anything that cannot be followed (an unhashable object without attributes) gets a
  fingerprint that never equals another one: a page that reads it is always rebuilt.
"""

from __future__ import annotations

import datetime
import itertools
import os
from decimal import Decimal
from enum import Enum
from pathlib import PurePath

from pelican.contents import Content

_ATOMS = (
    str,
    bytes,
    int,
    float,
    complex,
    bool,
    type(None),
    datetime.date,
    datetime.time,
    datetime.timedelta,
    datetime.tzinfo,
    Decimal,
    PurePath,
    Enum,
    range,
)
_EXACT = {int, float, bool, type(None), bytes, datetime.date, datetime.datetime}


def _fresh_volatile() -> None:
    """Start the counter of values that equal nothing at a random point: a forked process
    (the dev server's fingerprint share) gets its own, so a number it draws cannot be drawn
    again by another build's child from the same copied count."""
    global _volatile
    _volatile = itertools.count(int.from_bytes(os.urandom(8), "big") << 32)


_volatile: itertools.count
_fresh_volatile()
os.register_at_fork(after_in_child=_fresh_volatile)


class _Missing:
    """A name a page looked up that is not there (in either build)."""

    __slots__ = ()

    def __repr__(self):
        return "MISSING"


MISSING = _Missing()
_SAME = ("same object as the attribute",)


def token(obj) -> tuple:
    """A Content object's identity across builds: its class and source file."""
    source = getattr(obj, "source_path", None)
    if not source:
        return ("id", id(obj), next(_volatile))  # no source file: never the same twice
    return (type(obj).__qualname__, source)


def _same(attribute, value) -> bool:
    return attribute is value or (
        type(attribute) is type(value) and type(value) in (int, float) and attribute == value
    )


class Fingerprinter:
    """Fingerprints for one build's state. ``skip`` are objects left out wherever they
    occur (the settings dict, the build context)."""

    def __init__(self, skip=()):
        self.skip = {id(o) for o in skip}
        self.memo: dict[int, int] = {}
        self._tokens: dict[int, tuple] = {}
        self._keep = []  # objects whose id is a memo key stay alive while it is used
        self._stack: list[int] = []  # ids of composite values being followed
        self._depth: dict[int, int] = {}  # id -> index in _stack
        self._low: list[int] = []  # per stack entry: lowest stack index reached (SCC)
        self._pending: list[tuple[int, object]] = []  # members of open SCCs

    # -- public ---------------------------------------------------------------------------

    def value(self, value) -> int:
        return hash(self._canon(value))

    def content(self, obj) -> int:
        """The fingerprint of a Content object's own state (its attributes, with other Content
        objects as tokens; not the settings or the context it keeps a reference to)."""
        canon = self._canon
        attrs = vars(obj)
        state = []
        for key, value in attrs.items():
            if key in ("_context", "settings"):
                continue
            if key == "metadata" and type(value) is dict:
                # Pelican copies each metadata value to an attribute: one fingerprint is enough
                # (equal numbers count as the same too: after unpickling, an attribute and
                # its metadata value are equal numbers but no longer one object)
                value = tuple(
                    [
                        (k, _SAME if _same(attrs.get(k.lower(), MISSING), v) else canon(v))
                        for k, v in value.items()
                    ]
                )
                state.append((key, value))
            else:
                state.append((key, value if type(value) is str else canon(value)))
        return hash((type(obj).__qualname__, tuple(state)))

    # -- canonical forms ------------------------------------------------------------------

    def _canon(self, value):
        kind = type(value)
        if kind is str:
            return value
        if kind in _EXACT:
            return (kind.__name__, value)  # type name too: 1, True and "1" must differ
        if isinstance(value, _ATOMS):
            return (kind.__name__, value) if not isinstance(value, str) else ("str", str(value))
        key = id(value)
        if isinstance(value, Content):
            tok = self._tokens.get(key)
            if tok is None:
                tok = self._tokens[key] = ("content",) + token(value)
                self._keep.append(value)
            return tok
        if value is MISSING:
            return ("missing",)
        if key in self.skip:
            return ("skipped",)
        memo = self.memo.get(key)
        if memo is not None:
            return ("fp", memo)
        depth = self._depth.get(key)
        if depth is not None:  # a cycle back to an object being followed
            if depth < self._low[-1]:
                self._low[-1] = depth
            return ("back", len(self._stack) - depth)
        here = len(self._stack)
        self._depth[key] = here
        self._stack.append(key)
        self._low.append(here)
        try:
            canon = self._composite(value)
        finally:
            self._stack.pop()
            del self._depth[key]
            low = self._low.pop()
        if low < here:
            # part of a cycle through an object further up: its fingerprint is only
            # complete once that object's is; give the lowest index to the parent
            if low < self._low[-1]:
                self._low[-1] = low
            self._pending.append((here, value))
            return canon
        fp = hash(canon)
        self.memo[key] = fp
        self._keep.append(value)
        # close the strongly connected component rooted here: every member reaches the same
        # objects, so the root's fingerprint plus the member's position covers it
        position = 0
        while self._pending and self._pending[-1][0] > here:
            _, member = self._pending.pop()
            position += 1
            self.memo[id(member)] = hash(("scc", fp, position))
            self._keep.append(member)
        return ("fp", fp)  # the same form whether computed now or found in the memo

    def _canon_dict(self, d: dict):
        # a str is its own canonical form: taken here without a call (most keys, many values)
        canon = self._canon
        return tuple(
            [
                (
                    k if type(k) is str else canon(k),
                    v if type(v) is str else canon(v),
                )
                for k, v in d.items()
            ]
        )

    def _composite(self, value):
        cls = type(value)
        kind = cls.__qualname__
        if cls is list or cls is tuple or isinstance(value, (list, tuple)):
            canon = self._canon
            return ("seq", kind, tuple([v if type(v) is str else canon(v) for v in value]))
        if isinstance(value, dict):
            return ("dict", kind, self._canon_dict(value))
        if isinstance(value, (set, frozenset)):
            return ("set", kind, frozenset([self._canon(v) for v in value]))
        slots = _SLOTS.get(cls)
        if slots is None:
            slots = _SLOTS[cls] = tuple(
                s
                for c in cls.__mro__
                for s in getattr(c, "__slots__", ())
                if s not in ("__dict__", "__weakref__")
            )
        state = getattr(value, "__dict__", None)
        if state is not None or slots:
            parts = self._canon_dict(state) if state is not None else ()
            slot_values = tuple(
                [(s, self._canon(getattr(value, s))) for s in slots if hasattr(value, s)]
            )
            return ("obj", cls.__module__, kind, parts, slot_values)
        try:
            hash(value)
        except TypeError:
            return ("volatile", next(_volatile))
        if callable(value):  # functions, classes: the same object in both builds
            return ("callable", kind, id(value))
        return ("volatile", next(_volatile))


_SLOTS: dict[type, tuple] = {}
