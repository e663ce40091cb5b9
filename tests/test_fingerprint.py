"""Fingerprints (swk/fingerprint.py) tell the dev server whether a page's inputs changed: equal
states must give equal fingerprints in two builds, and any difference a template could see
must give a different one."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from swk.fingerprint import Fingerprinter


def fp(value, *skip) -> int:
    return Fingerprinter(skip=skip).value(value)


@dataclass
class Facet:
    name: str
    options: list


class Option:
    def __init__(self, label, facet=None):
        self.label, self.facet = label, facet


def facet(label: str) -> Facet:
    """A facet and its options refer to each other (a cycle)."""
    f = Facet("sector", [])
    f.options = [Option(label, f), Option("zorg", f)]
    return f


def test_equal_states_built_apart_have_equal_fingerprints():
    def state():
        return {"titel": "Werk", "tags": ["a", "b"], "n": (1, 2.5, None), "f": facet("bouw")}

    assert fp(state()) == fp(state())


def test_a_change_deep_inside_changes_the_fingerprint():
    base = {"lijst": [{"titel": "Werk", "tags": ["a", "b"]}]}
    changed = {"lijst": [{"titel": "Werk", "tags": ["a", "c"]}]}
    assert fp(base) != fp(changed)
    assert fp(facet("bouw")) != fp(facet("horeca"))  # inside a cycle
    assert fp({"a": "x"}) != fp({"b": "x"})  # a key


def test_values_a_template_tells_apart_differ():
    assert len({fp(1), fp(True), fp("1"), fp(1.0)}) == 4
    assert fp(Markup("<b>")) != fp("<b>")  # escaped differently
    assert fp(["a", "b"]) != fp(("a", "b"))
    assert fp(["a", "b"]) != fp(["b", "a"])


def test_skipped_objects_are_left_out():
    settings = {"SITENAME": "een"}
    other = {"SITENAME": "twee"}
    assert fp({"s": settings, "x": 1}, settings) == fp({"s": other, "x": 1}, other)
    assert fp({"s": settings, "x": 1}) != fp({"s": other, "x": 1})
