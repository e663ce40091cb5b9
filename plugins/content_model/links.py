"""Cross-references between content items, resolved once for every output to use.

Right after the content model's generator has read the collections (so before any plugin's
``all_generators_finalized``), each item gets lists of the objects it refers to and of the
objects that refer to it:

- article: ``linked_partners``, ``linked_events``
- partner: ``linked_articles``, ``linked_events`` (events it hosts)
- event: ``linked_partners``, ``linked_articles``
- newsletter: ``linked_articles`` (in the issue's order), ``linked_events`` (a list given
  in the issue; ``events: upcoming`` is resolved by the newsletter plugin)

Drafts are not in the context, so a reference to a draft is simply left out.
"""

from __future__ import annotations


def _by_slug(items):
    return {i.slug: i for i in items}


def link(context) -> None:
    articles = context.get("articles", [])
    partners = _by_slug(context.get("partners", []))
    events = _by_slug(context.get("events", []))
    articles_by_slug = _by_slug(articles)

    for p in partners.values():
        p.linked_articles, p.linked_events = [], []
    for e in events.values():
        e.linked_partners = [partners[s] for s in getattr(e, "partners", []) if s in partners]
        e.linked_articles = []
        for p in e.linked_partners:
            p.linked_events.append(e)
    for a in articles:
        a.linked_partners = [partners[s] for s in getattr(a, "partners", []) if s in partners]
        a.linked_events = [events[s] for s in getattr(a, "events", []) if s in events]
        for p in a.linked_partners:
            p.linked_articles.append(a)
        for e in a.linked_events:
            e.linked_articles.append(a)
    for n in context.get("newsletters", []):
        n.linked_articles = [
            articles_by_slug[s] for s in getattr(n, "articles", []) if s in articles_by_slug
        ]
        chosen = getattr(n, "events", [])
        n.linked_events = [] if chosen == "upcoming" else [events[s] for s in chosen if s in events]
