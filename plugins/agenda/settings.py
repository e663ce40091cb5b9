"""The agenda plugin's settings and their defaults (documented in the README's plugin table)."""

DEFAULTS = {
    "AGENDA_URL": "agenda/",
    "AGENDA_SAVE_AS": "agenda/index.html",
    "AGENDA_ARCHIVE_URL": "agenda/archief/",
    "AGENDA_ARCHIVE_SAVE_AS": "agenda/archief/index.html",
    "AGENDA_ICS_PATH": "agenda.ics",
    "EVENT_ICS_SAVE_AS": "agenda/{slug}/{slug}.ics",
    "EVENT_REGISTRATION_SAVE_AS": "agenda/{slug}/registration.json",
    "AGENDA_UID_DOMAIN": "sociaalwerkkoepel-amsterdam",
    "AGENDA_HOME_COUNT": 3,
    "REGISTRATION_CONSENT_TEXT": (
        "Ja, gebruik mijn gegevens voor mijn aanmelding voor dit evenement, en voor niets anders."
    ),
}
