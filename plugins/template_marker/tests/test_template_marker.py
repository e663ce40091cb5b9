"""A real build: every page's <body> names the template that produced it."""

import re

from tests.support.testing import build_project, make_project


def test_body_names_the_leaf_template(tmp_path):
    project = make_project(
        tmp_path,
        {
            "content/articles/a.md": "---\ntitle: A\ndate: 2023-02-16\ncategory: Nieuws\nsummary: S.\ntags: [x]\n---\nTekst.\n",
            "content/partners/p.md": "---\ntitle: P\nkind: werkgever\n---\nOver P.\n",
        },
    )
    out = build_project(project)

    def template(rel):
        html = (out / rel).read_text(encoding="utf-8")
        return re.search(r'<body[^>]* data-template="([^"]*)"', html).group(1)

    assert template("index.html") == "home"
    assert template("artikelen/a/index.html") == "article"
    assert template("artikelen/index.html") == "index"
    assert template("tag/x/index.html") == "tag"
    assert template("partners/p/index.html") == "partner"
    assert template("over-ons/index.html") == "page"
    assert template("toegankelijkheid/index.html") == "toegankelijkheid"
    assert template("404.html") == "404"
