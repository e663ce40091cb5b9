"""The partner directory as data: labels, facets with counts, contact details, JSON-LD.

Everything the templates show is computed here once; templates only lay it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pelican.generators import Generator
from pelican.utils import slugify

from content_model.contents import editor_summary
from content_model.generator import collation_key
from content_model.schema import DISTRICT_LABELS
from content_model.schema import PARTNER_KIND_LABELS as KIND_LABELS
from content_model.settings import site_url

# Page headings that differ from their facet's pattern.
HEADINGS = {("district", "regio"): "Partners in de regio"}

DEFAULTS = {
    "PARTNERS_INDEX_URL": "partners/",
    "PARTNERS_INDEX_SAVE_AS": "partners/index.html",
    "PARTNERS_FILTER_URL": "partners/{facet}/{value}/",
    "PARTNERS_FILTER_SAVE_AS": "partners/{facet}/{value}/index.html",
    "PARTNER_APPLICATION_PAGE": "partner-worden",  # the slug of the page with the form
    "PARTNER_APPLICATION_CONSENT_TEXT": (
        "Ja, gebruik deze gegevens om onze aanmelding als partner te behandelen. De gegevens "
        "van de organisatie komen, na controle door de redactie, in de partnerlijst op deze "
        "website; de gegevens van de contactpersoon niet."
    ),
}


@dataclass(eq=False)
class Option:
    """One value of a facet: a filter chip and a static page."""

    facet: Facet = field(repr=False)
    value: str  # the value in the content (e.g. "Nieuw-West")
    label: str  # Dutch, for people
    slug: str  # in the URL and in data-* attributes
    url: str = ""
    save_as: str = ""
    partners: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.partners)

    @property
    def heading(self) -> str:
        """The heading of this value's page, e.g. "Partners in Nieuw-West"."""
        return HEADINGS.get((self.facet.key, self.value), self.facet.heading).format(
            label=self.label, value=self.value
        )


@dataclass(eq=False)
class Facet:
    key: str  # attribute of a partner
    segment: str  # URL segment, Dutch
    label: str  # Dutch
    heading: str  # page heading of a filter page
    all_label: str  # the select's "any" option
    options: list[Option] = field(default_factory=list)


def new_facets() -> list[Facet]:
    """The facets of the directory, empty (``build_facets`` fills them)."""
    return [
        Facet("kind", "soort", "Soort", "Partners: {label}", "Alle soorten"),
        Facet(
            "district", "stadsdeel", "Stadsdeel", "Partners in stadsdeel {label}", "Alle stadsdelen"
        ),
        Facet("sector", "sector", "Sector", "Partners in de sector {value}", "Alle sectoren"),
    ]


def _value_slug(value: str, settings) -> str:
    return slugify(value, regex_subs=settings["SLUG_REGEX_SUBSTITUTIONS"])


def _label(facet: Facet, value: str) -> str:
    if facet.key == "kind":
        return KIND_LABELS[value]
    if facet.key == "district":
        return DISTRICT_LABELS.get(value, value)
    return value[:1].upper() + value[1:]  # sector: free text


def _sort_key(facet: Facet, option: Option):
    order = {"kind": list(KIND_LABELS), "district": list(DISTRICT_LABELS)}.get(facet.key)
    return order.index(option.value) if order else collation_key(option.label)


def build_facets(partners, settings) -> list[Facet]:
    """Facets with only the values that occur, each with its partners (in name order)."""
    facets = new_facets()
    for facet in facets:
        by_value: dict[str, Option] = {}
        for p in partners:
            value = getattr(p, facet.key, None)
            if not value:
                continue
            option = by_value.get(value)
            if option is None:
                option = Option(facet, value, _label(facet, value), _value_slug(value, settings))
                fmt = {"facet": facet.segment, "value": option.slug}
                option.url = settings["PARTNERS_FILTER_URL"].format(**fmt)
                option.save_as = settings["PARTNERS_FILTER_SAVE_AS"].format(**fmt)
                by_value[value] = option
            option.partners.append(p)
        facet.options = sorted(by_value.values(), key=lambda o: _sort_key(facet, o))
    return facets


# The Dutch labels of a partner's contact details (the page and the web editor's preview).
CONTACT_LABELS = {"website": "Website", "email": "E-mail", "phone": "Telefoon"}


def tel_href(phone: str) -> str:
    digits = "".join(c for c in phone if c.isdigit() or c == "+")
    return f"tel:{digits}"


def contact(p) -> list[dict]:
    """The contact details that exist, each with a Dutch label, text and link."""
    out = []
    if getattr(p, "website", None):
        text = p.website.split("://", 1)[-1].rstrip("/")
        out.append({"label": CONTACT_LABELS["website"], "text": text, "href": p.website})
    if getattr(p, "email", None):
        out.append({"label": CONTACT_LABELS["email"], "text": p.email, "href": f"mailto:{p.email}"})
    if getattr(p, "phone", None):
        out.append({"label": CONTACT_LABELS["phone"], "text": p.phone, "href": tel_href(p.phone)})
    return out


def organization_ref(p, settings) -> dict:
    """A partner as schema.org ``Organization``: its own website as ``url`` (never our page
    about it; without a website there is no ``url``), identified by ``@id`` on that page."""
    base = site_url(settings)
    data = {"@type": "Organization", "@id": f"{base}/{p.url}#organisatie", "name": p.title}
    if getattr(p, "website", None):
        data["url"] = p.website
    return data


def organization_jsonld(p, settings) -> dict:
    base = site_url(settings)
    data = {"@context": "https://schema.org", **organization_ref(p, settings)}
    data["mainEntityOfPage"] = f"{base}/{p.url}"
    if p.lead:
        data["description"] = p.lead
    if getattr(p, "email", None):
        data["email"] = p.email
    if getattr(p, "phone", None):
        data["telephone"] = p.phone
    if getattr(p, "logo", None):
        data["logo"] = f"{base}/{p.logo.lstrip('/')}"
    if getattr(p, "district", None):
        data["areaServed"] = p.district_label
    data["memberOf"] = {"@type": "Organization", "name": settings["SITENAME"], "url": f"{base}/"}
    return data


def annotate(context, settings) -> None:
    """Attach display data to every partner and put labels and facets in the context."""
    partners = context.get("partners", [])
    facets = build_facets(partners, settings)
    by_partner: dict[int, list[Option]] = {}
    for facet in facets:
        for option in facet.options:
            for p in option.partners:
                by_partner.setdefault(id(p), []).append(option)
    for p in partners:
        p.lead = editor_summary(p)
        p.kind_label = KIND_LABELS[p.kind]
        p.district_label = DISTRICT_LABELS.get(getattr(p, "district", ""), None)
        p.facets = by_partner.get(id(p), [])  # kind, district, sector: the filter pages it is on
        p.filter_data = {o.facet.segment: o.slug for o in p.facets}
        p.name_key = collation_key(p.title)
        p.contact = contact(p)
        p.jsonld = organization_jsonld(p, settings)
    context["PARTNER_KIND_LABELS"] = KIND_LABELS
    context["PARTNER_DISTRICT_LABELS"] = DISTRICT_LABELS
    context["partner_facets"] = facets


class PartnersGenerator(Generator):
    """``/partners/`` and a static page per filter value, from ``partners.html``."""

    def generate_output(self, writer):
        template = self.get_template("partners")
        common = {"relative_urls": self.settings["RELATIVE_URLS"]}
        partners = self.context.get("partners", [])
        writer.write_file(
            self.settings["PARTNERS_INDEX_SAVE_AS"],
            template,
            self.context,
            url=self.settings["PARTNERS_INDEX_URL"],
            partner_list=partners,
            current_filter=None,
            **common,
        )
        for facet in self.context.get("partner_facets", []):
            for option in facet.options:
                writer.write_file(
                    option.save_as,
                    template,
                    self.context,
                    url=option.url,
                    partner_list=option.partners,
                    current_filter=option,
                    **common,
                )
