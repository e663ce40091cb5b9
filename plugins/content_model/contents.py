"""Pelican content classes for the collections the stock generators do not know."""

from pelican.contents import Content


class _Item(Content):
    allowed_statuses = ("published", "draft")
    default_status = "published"
    mandatory_properties = ("title",)


class Partner(_Item):
    default_template = "partner"


class Event(_Item):
    default_template = "event"


class Newsletter(_Item):
    default_template = "newsletter"


CONTENT_CLASSES = {"partner": Partner, "event": Event, "newsletter": Newsletter}


def editor_summary(item) -> str:
    """The ``summary`` the editor wrote, or "". Pelican would otherwise make one from the
    start of the body (HTML); that is pinned to "" so every output (meta description, feeds,
    newsletter) gets the same plain text or nothing."""
    text = item.metadata.get("summary") or ""
    item.metadata["summary"] = text
    return text
