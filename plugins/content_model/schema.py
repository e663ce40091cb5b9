"""The content contract as data.

One description of every content type and field. The validator, the Pelican reader, the
web editor's configuration and the editors' guide are all derived from it (with the field
types in ``fields.py``), so they cannot drift apart.
Labels and hints are Dutch: editors read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Vocabularies with their Dutch labels (what visitors and editors read), in display order.
PARTNER_KIND_LABELS = {
    "werkgever": "Werkgever",
    "sociale-firma": "Sociale firma",
    "opleider": "Opleider",
    "jobcoaching": "Jobcoaching",
    "maatschappelijke-organisatie": "Maatschappelijke organisatie",
    "gemeente": "Gemeente",
    "overig": "Overig",
}
EVENT_KIND_LABELS = {
    "netwerkevent": "Netwerkevent",
    "job-event": "Job Event",
    "doorstroomsessie": "Doorstroomsessie",
    "training": "Training",
    "overig": "Overig",
}
KINDS_PARTNER = tuple(PARTNER_KIND_LABELS)
KINDS_EVENT = tuple(EVENT_KIND_LABELS)
DISTRICT_LABELS = {
    d: d for d in ("Centrum", "Nieuw-West", "Noord", "Oost", "West", "Zuid", "Zuidoost", "Weesp")
} | {"regio": "Regio"}
DISTRICTS = tuple(DISTRICT_LABELS)
CATEGORIES = ("Interview", "Nieuws")


@dataclass(frozen=True)
class Field:
    """One front-matter field.

    type is one of: string, text, date, datetime (a date or a date-time), choice, list,
    refs (slugs of another collection), url, link (a URL or a mailto:), registration (a link,
    or ``site``: the site service's form), email, phone, bool, int, image, slug, events
    (``upcoming`` or a list of event slugs): the keys of ``fields.FIELD_TYPES``, where each
    type's conversion, web-editor widget and wording in the editors' guide live.
    """

    name: str
    type: str
    label: str
    required: bool = False
    choices: tuple[str, ...] = ()
    collection: str | None = None  # for refs and events: the collection referred to
    allow_drafts: bool = True  # for refs: may a draft be referred to (it is then left out)
    hint: str = ""
    # for the web editor (plugins/web_editor): a hint shown there instead of ``hint`` when the
    # editor's widget makes the Markdown advice wrong (e.g. a date picker instead of typing)
    editor_hint: str = ""
    # for dates: a month alone ("2020-05") is allowed, for a source that gives no day; the
    # site then shows only the month ("mei 2020") and never an invented day
    month: bool = False


@dataclass(frozen=True)
class ContentType:
    name: str  # article, partner, event, newsletter
    label: str  # plural, Dutch
    label_singular: str
    fields: tuple[Field, ...]
    statuses: tuple[str, ...] = ("published", "draft")
    body_label: str = "Tekst"
    extra: dict = field(default_factory=dict)
    # the field holding the moment an item may appear on the site: before it, the build
    # leaves the item out as if it were a draft (the nightly build then publishes it)
    publish_field: str | None = None

    def field(self, name: str) -> Field | None:
        for f in self.fields:
            if f.name == name:
                return f
        return None

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)


# What editors naturally type for a value of a choice: accepted as that value (the web editor
# writes the value itself). Only where it is unambiguous.
CHOICE_ALIASES = {"concept": "draft", "gepubliceerd": "published", "klaar": "ready"}
EVENTS_ALIASES = {"komende": "upcoming"}


def _status(statuses: tuple[str, ...], hint: str) -> Field:
    return Field("status", "choice", "Status", choices=statuses, hint=hint)


SLUG = Field(
    "slug",
    "slug",
    "Webadres",
    hint="Het laatste deel van het webadres: alleen kleine letters, cijfers en streepjes. "
    "Leeg: de bestandsnaam.",
)

ARTICLE = ContentType(
    name="article",
    label="Artikelen",
    label_singular="Artikel",
    publish_field="date",
    fields=(
        Field("title", "string", "Titel", required=True),
        Field(
            "date",
            "date",
            "Publicatiedatum",
            required=True,
            hint="Bijvoorbeeld 2023-02-16. Een datum in de toekomst: het artikel verschijnt "
            "pas vanaf die dag op de site.",
        ),
        Field("category", "choice", "Rubriek", required=True, choices=CATEGORIES),
        Field(
            "summary",
            "text",
            "Samenvatting",
            required=True,
            hint="Eén of twee zinnen; verschijnt in overzichten, feeds en de nieuwsbrief.",
        ),
        Field("tags", "list", "Trefwoorden"),
        Field("people", "list", "Personen", hint="Namen van de mensen in het artikel."),
        Field("partners", "refs", "Partners", collection="partner"),
        Field("events", "refs", "Evenementen", collection="event"),
        Field("image", "image", "Afbeelding"),
        Field(
            "image_alt",
            "string",
            "Beschrijving van de afbeelding (alt-tekst)",
            hint="Verplicht als er een afbeelding is: wat staat erop?",
        ),
        SLUG,
        _status(
            ("published", "draft"),
            "draft (concept): niet op de site, niet in feeds, zoeken en nieuwsbrieven.",
        ),
    ),
)

PARTNER = ContentType(
    name="partner",
    label="Partners",
    label_singular="Partner",
    body_label="Beschrijving",
    fields=(
        Field("title", "string", "Naam van de organisatie", required=True),
        Field("kind", "choice", "Soort", required=True, choices=KINDS_PARTNER),
        Field("sector", "string", "Sector"),
        Field("district", "choice", "Stadsdeel", choices=DISTRICTS),
        Field("website", "url", "Website", hint="Volledig adres, beginnend met https://"),
        Field("email", "email", "E-mailadres"),
        Field("phone", "phone", "Telefoonnummer"),
        Field("logo", "image", "Logo"),
        Field("since", "int", "Partner sinds (jaar)"),
        Field(
            "summary",
            "text",
            "Samenvatting",
            hint="Eén of twee zinnen over de organisatie; verschijnt in de lijst van partners.",
        ),
        SLUG,
        _status(("published", "draft"), "draft (concept): niet op de site."),
    ),
)

EVENT = ContentType(
    name="event",
    label="Agenda",
    label_singular="Evenement",
    body_label="Beschrijving",
    publish_field="publish",
    fields=(
        Field("title", "string", "Titel", required=True),
        Field(
            "start",
            "datetime",
            "Begin",
            required=True,
            hint="2023-02-16 voor een hele dag, 2023-02-16T15:00 met tijd (Amsterdamse tijd).",
            editor_hint="Alleen een datum: de hele dag. Met een tijd: vanaf die tijd "
            "(Amsterdamse tijd).",
        ),
        Field(
            "end",
            "datetime",
            "Einde",
            hint="Niet vóór het begin. Meerdere dagen: de laatste dag, bv. 2023-02-18.",
            editor_hint="Niet vóór het begin. Meerdere dagen: de datum van de laatste dag, "
            "zonder tijd. Leeg: geen einde.",
        ),
        Field("kind", "choice", "Soort", choices=KINDS_EVENT),
        Field("location", "string", "Locatie"),
        Field("online", "bool", "Online"),
        Field(
            "registration",
            "registration",
            "Aanmelden (site, link of mailto:)",
            hint="site: een aanmeldformulier op de eigen website (via de sitedienst); of een "
            "webadres of mailto: om elders aan te melden.",
        ),
        Field(
            "capacity",
            "int",
            "Aantal plaatsen",
            hint="Alleen bij registration: site. Is het vol, dan komen nieuwe aanmeldingen op de "
            "wachtlijst. Leeg: geen grens.",
        ),
        Field(
            "registration_closes",
            "datetime",
            "Aanmelden sluit",
            hint="Alleen bij registration: site. Een datum alleen: aanmelden kan tot en met die dag. "
            "Leeg: tot het begin.",
        ),
        Field("partners", "refs", "Partners (organisatoren)", collection="partner"),
        Field(
            "summary",
            "text",
            "Samenvatting",
            hint="Eén of twee zinnen; verschijnt in de agenda en de nieuwsbrief.",
        ),
        Field(
            "publish",
            "datetime",
            "Op de site vanaf",
            hint="Leeg: meteen. Een datum in de toekomst: het evenement verschijnt pas vanaf "
            "die dag op de site en in de agenda.",
        ),
        SLUG,
        _status(("published", "draft"), "draft (concept): niet op de site en niet in de agenda."),
    ),
)

NEWSLETTER = ContentType(
    name="newsletter",
    label="Nieuwsbrieven",
    label_singular="Nieuwsbrief",
    body_label="Inleiding",
    statuses=("draft", "ready"),
    fields=(
        Field("title", "string", "Titel (onderwerpregel)", required=True),
        Field(
            "date",
            "date",
            "Datum",
            required=True,
            month=True,
            hint="Bijvoorbeeld 2020-05-14, of 2020-05 als alleen de maand bekend is.",
            editor_hint="De datum van de nieuwsbrief.",
        ),
        Field("number", "int", "Nummer"),
        Field(
            "preheader",
            "string",
            "Voorregel",
            hint="Korte tekst die in de inbox naast het onderwerp staat.",
        ),
        Field(
            "articles", "refs", "Artikelen (in volgorde)", collection="article", allow_drafts=False
        ),
        Field(
            "events",
            "events",
            "Evenementen",
            collection="event",
            hint="'upcoming' (of 'komende') voor de komende evenementen, of een lijst evenementen.",
            editor_hint="Een nieuwe nieuwsbrief toont de komende evenementen (bij elke bouw "
            "opnieuw bepaald). Wil je alleen bepaalde evenementen, kies dan Zelf gekozen "
            "evenementen.",
        ),
        SLUG,
        _status(
            ("draft", "ready"), "ready (klaar): klaar om te versturen; draft (concept): nog niet."
        ),
    ),
)

PAGE = ContentType(
    name="page",
    label="Vaste pagina's",
    label_singular="Pagina",
    fields=(
        Field("title", "string", "Titel", required=True),
        Field("summary", "text", "Samenvatting"),
        SLUG,
        _status(("published", "draft"), "draft (concept): niet op de site."),
    ),
)

CONTENT_TYPES: dict[str, ContentType] = {
    t.name: t for t in (ARTICLE, PARTNER, EVENT, NEWSLETTER, PAGE)
}
