"""Pelican settings for local work. publishconf.py imports these for publishing."""

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent

SITENAME = "Sociaal Werkkoepel Amsterdam"
SITE_DESCRIPTION = (
    "Het netwerk van de gemeente Amsterdam voor sociaal werk: betaald werk voor Amsterdammers "
    "die ondersteuning nodig hebben op de werkvloer."
)
SITEURL = ""
CONTACT_EMAIL = "sociaalwerkkoepel@amsterdam.nl"  # from the seeds (interview Erwin Schut)
TIMEZONE = "Europe/Amsterdam"
DEFAULT_LANG = "nl"
LOCALE = ("C.UTF-8",)  # dates are formatted with Babel, never the machine's locale

PATH = str(HERE / "content")
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
PARTNER_PATHS = ["partners"]
EVENT_PATHS = ["events"]
NEWSLETTER_PATH = str(HERE / "newsletters")
ARTICLE_EXCLUDES = []
PAGE_EXCLUDES = []
STATIC_PATHS = ["images"]  # the web editor's media folder
IGNORE_FILES = [".#*", ".gitkeep"]
OUTPUT_PATH = str(HERE / "output")
THEME = str(HERE / "theme")
NODE_MODULES = str(HERE / "node_modules")  # npm's packages: the design system, Decap CMS
CACHE_CONTENT = False
# compiled templates are kept here between builds (swk.engine.TemplateCode), like __pycache__
CACHE_PATH = str(HERE / "cache")

PLUGIN_PATHS = [str(HERE / "plugins")]
PLUGINS = [
    "content_model",
    "dutch_dates",
    "feeds",
    "pelican.plugins.sitemap",
    "partners",
    "agenda",
    "newsletter",
    "web_editor",
    "search",
    "site_meta",
    "template_marker",
    "design_system",
    "statements",
    "redirects",  # last: its generator refuses a redirect over any page written before it
]

# URLs: Dutch, folder-style, no .html in addresses
ARTICLE_URL = "artikelen/{slug}/"
ARTICLE_SAVE_AS = "artikelen/{slug}/index.html"
DRAFT_URL = ""
DRAFT_SAVE_AS = ""
DRAFT_PAGE_URL = ""
DRAFT_PAGE_SAVE_AS = ""
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
PARTNER_URL = "partners/{slug}/"
PARTNER_SAVE_AS = "partners/{slug}/index.html"
EVENT_URL = "agenda/{slug}/"
EVENT_SAVE_AS = "agenda/{slug}/index.html"
NEWSLETTER_URL = "nieuwsbrief/{slug}/"
NEWSLETTER_SAVE_AS = "nieuwsbrief/{slug}/index.html"
CATEGORY_URL = "rubriek/{slug}/"
CATEGORY_SAVE_AS = "rubriek/{slug}/index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
TAGS_URL = "tag/"
TAGS_SAVE_AS = "tag/index.html"
INDEX_URL = "artikelen/"  # the article list (Pelican: its pages' "previous" link to page 1)
INDEX_SAVE_AS = "artikelen/index.html"
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
DIRECT_TEMPLATES = ["index", "tags"]
TEMPLATE_PAGES = {"home.html": "index.html", "404.html": "404.html"}
DEFAULT_PAGINATION = 10
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/pagina/{number}/", "{base_name}/pagina/{number}/index.html"),
)
DEFAULT_ORDERBY = "reverse-date"

# Pelican's own feeds are off: the feeds plugin writes them with feedgen
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
FEED_ATOM_PATH = "feeds/artikelen.atom.xml"
FEED_RSS_PATH = "feeds/artikelen.rss.xml"
FEED_MAX_ITEMS = 20

SITEMAP = {"format": "xml", "exclude": ["404.html", "tag/", "zoeken/"]}

# Bodies are CommonMark (what the web editor writes), rendered by content_model.body, not by
# Python-Markdown: Pelican's MARKDOWN setting does not apply. No typographic replacements:
# write typographic quotes and apostrophes (’ “ ”) in the content itself.
JINJA_ENVIRONMENT = {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True}

# The site service (service/): the newsletter sign-up form posts to it and every newsletter's
# unsubscribe link goes to it, and the web editor logs in through it. Empty: no service; the form becomes a mail link and e-mails
# offer only the mailto unsubscribe (no one-click promise that nobody would keep).
SERVICE_URL = os.environ.get("SWK_SERVICE_URL", "").rstrip("/")
# The consent checkbox of the sign-up form, word for word. The service keeps every version it
# has seen with each subscriber's consent record; change it here, and rebuild and restart both.
NEWSLETTER_CONSENT_TEXT = (
    "Ja, ik wil de nieuwsbrief van Sociaal Werkkoepel Amsterdam per e-mail ontvangen. "
    "Afmelden kan altijd, met de link onderaan elke nieuwsbrief."
)

# Statements the law asks for (plugins/statements): /toegankelijkheid/ and /privacy/.
# A fact only the organisation can give stays None until someone who knows fills it in; the
# page leaves it out and every build lists what is missing. Never fill in a guess.
ACCESSIBILITY_STATEMENT = {
    "updated": "2026-11-27",  # the day this statement's text last changed
    "audit_date": None,  # no WCAG-EM audit has been done; when one is: its date (YYYY-MM-DD)
    "audit_report_url": None,  # with audit_date: the report
    "audit_requirements_met": None,  # with audit_date: how many of the 50 requirements are met
    "audit_planned": None,  # the date of a planned WCAG-EM audit, or False: none planned
    "approved_by": None,  # the function of who approved this statement (e.g. the manager)
    "approved_on": None,  # the date (YYYY-MM-DD) they approved it
    "register_url": None,  # this statement in the register of accessibility statements
    "response_days": None,  # within how many working days a question gets an answer
    "complaints_url": None,  # the City's complaints procedure
    "ombudsman": None,  # the ombudsman for complaints about the City (name)
    "ombudsman_url": None,
}
PRIVACY_STATEMENT = {
    "updated": "2026-11-27",  # the day this statement's text last changed ("laatst gewijzigd")
    "department": "directie Werk, Participatie en Inkomen",  # from the seeds (over ons)
    "hosting": "GitHub Pages, een dienst van GitHub",  # .github/workflows/site.yml deploys there
    "hosting_company": "GitHub",
    "dpo_contact": None,  # how to reach the City's data protection officer (e-mail or URL)
    "basis_visits": None,  # legal basis of the web host's logs (e.g. "een taak van algemeen belang")
    "basis_email": None,  # legal basis for keeping e-mails sent to us
    "retention_email": None,  # how long e-mails to us are kept (e.g. "een jaar")
    "mail_relay": None,  # the service that sends the site's e-mails: name and country
    "transfer_safeguard": None,  # the ground for the transfer to the US (the web host)
}
# How long the site service keeps personal data: the privacy statement states these numbers
# and the service reads them from here (its SWK_*_DAYS variables only override them).
NEWSLETTER_PENDING_DAYS = 7  # days an unconfirmed sign-up (newsletter or event) is kept
REGISTRATION_KEEP_DAYS = 30  # days after an event that its registrations are deleted
PARTNER_APPLICATION_KEEP_DAYS = 90  # days a partner application's contact details are kept

# Navigation: (label, URL relative to the site root). Plugins' pages join here.
MENU_ITEMS = [
    ("Artikelen", "artikelen/"),
    ("Over ons", "over-ons/"),
    ("Partners", "partners/"),
    ("Agenda", "agenda/"),
    ("Nieuwsbrief", "nieuwsbrief/"),
]
# The footer: the statements the law asks for (its white menu) and ways to follow the site
# (its blue band).
FOOTER_ITEMS = [
    ("Toegankelijkheid", "toegankelijkheid/"),
    ("Privacy", "privacy/"),
]
FOOTER_LINKS = [
    ("Nieuwsbrief", "nieuwsbrief/"),
    ("Agenda in uw agenda-app (iCalendar)", "agenda.ics"),
    ("Artikelen als feed (Atom)", FEED_ATOM_PATH),
    ("Artikelen als feed (RSS)", FEED_RSS_PATH),
]

# Web editor (Decap CMS at /admin/, plugins/web_editor): the GitHub repository and branch it
# edits through pull requests. In GitHub Actions GITHUB_REPOSITORY names this repository.
# Editors log in with GitHub through the site service at SERVICE_URL (service/github_auth.py).
DECAP_REPO = os.environ.get("DECAP_REPO") or os.environ.get("GITHUB_REPOSITORY", "OWNER/REPO")
DECAP_BRANCH = "main"
DECAP_LOCAL_BACKEND = True  # `make edit` runs decap-server on http://localhost:8081
WEB_EDITOR_REQUIRED = False  # locally, a missing npm install only skips /admin/ (a warning)
