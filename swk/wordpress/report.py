"""The import's report: what happened, counted, and per file what an editor should do."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Report:
    """What one run did; ``render`` writes it for editors, the command prints a summary."""

    export: str = ""
    version: str = ""
    written: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # editor changed the file since the import
    gone: list[str] = field(default_factory=list)  # editor removed or renamed it
    adopted: list[str] = field(default_factory=list)  # an existing file with that slug
    todo: list[str] = field(default_factory=list)  # "file: what to check or do"
    quarantined: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # Problem lines: file, field, what to do
    skipped: Counter = field(default_factory=Counter)
    converted: Counter = field(default_factory=Counter)
    removed: Counter = field(default_factory=Counter)
    missing_files: dict[str, list[str]] = field(default_factory=dict)  # upload -> files using it
    images_copied: int = 0
    images_kept: list[str] = field(default_factory=list)
    redirects_added: int = 0
    redirects_present: int = 0
    redirect_notes: list[str] = field(default_factory=list)
    mapping_new: list[str] = field(default_factory=list)
    mapping_file: str = ""
    redirects_file: str = ""
    report_file: str = ""


def render(
    r: Report, *, export_name: str, channel_link: str, images_folder: str, uploads_given: bool
) -> str:
    """The report as Markdown (Dutch, for editors)."""
    out = [f"# Import uit WordPress: {export_name}", ""]
    out.append(
        f"WordPress-export versie {r.version or 'onbekend'}"
        + (f" van {channel_link}" if channel_link else "")
        + "."
    )
    out += ["", "## Samenvatting", ""]
    counts = [
        (len(r.written), "nieuwe bestanden geschreven"),
        (len(r.updated), "bijgewerkt"),
        (len(r.unchanged), "ongewijzigd"),
        (len(r.kept), "niet overschreven: na de vorige import bewerkt"),
        (len(r.gone), "niet opnieuw geschreven: verwijderd of hernoemd na de vorige import"),
        (
            len(r.adopted),
            "bestonden al (niet door de import gemaakt): niet aangeraakt, "
            "de oude adressen wijzen ernaar",
        ),
        (len(r.quarantined), "niet geïmporteerd: voldoen niet aan de afspraken (zie onder)"),
    ]
    out += [f"- {n} {what}" for n, what in counts if n]
    out.append(f"- {r.images_copied} afbeeldingen en bestanden gekopieerd naar {images_folder}/")
    out.append(
        f"- {r.redirects_added} doorverwijzingen toegevoegd aan {r.redirects_file}"
        + (f" ({r.redirects_present} stonden er al)" if r.redirects_present else "")
    )
    if r.skipped:
        out.append(
            "- Overgeslagen (geen inhoud voor de site): "
            + ", ".join(f"{n} {what}" for what, n in sorted(r.skipped.items()) if n)
        )
    if r.mapping_new:
        out += [
            "",
            "## Rubrieken",
            "",
            f"Nieuwe WordPress-categorieën staan in {r.mapping_file} met een voorstel. "
            "Controleer ze; pas aan en draai de import opnieuw als er iets niet klopt:",
            "",
        ]
        out += [f"- {line}" for line in r.mapping_new]
    if r.todo or r.problems or r.quarantined:
        out += [
            "",
            "## Nakijken",
            "",
            "Per bestand wat je moet doen. Concepten (status: draft) staan niet op de site "
            "tot je 'status: draft' weghaalt.",
            "",
        ]
        out += [f"- {line}" for line in r.todo]
        out += [f"- {line}" for line in r.quarantined]
        out += [f"- {line}" for line in r.problems]
    if r.missing_files:
        out += [
            "",
            "## Ontbrekende bestanden",
            "",
            "Niet gevonden in de map met uploads"
            + ("" if uploads_given else " (geen --uploads opgegeven)")
            + ". Zet ze in content/images/ en pas het "
            "bestand aan, of draai de import opnieuw met de juiste --uploads:",
            "",
        ]
        for upload, users in sorted(r.missing_files.items()):
            out.append(f"- wp-content/uploads/{upload}: {', '.join(sorted(set(users)))}")
    if r.kept or r.gone or r.adopted or r.images_kept:
        out += ["", "## Niet aangeraakt", ""]
        out += [f"- {p} (na de import bewerkt)" for p in r.kept]
        out += [f"- {p} (verwijderd of hernoemd)" for p in r.gone]
        out += [
            f"- {p} (bestond al; is het iets anders? Hernoem het en draai opnieuw)"
            for p in r.adopted
        ]
        out += [f"- {p} (afbeelding na de import vervangen)" for p in r.images_kept]
    if r.converted or r.removed:
        out += [
            "",
            "## WordPress-opmaak",
            "",
            "Blokken en shortcodes van WordPress zijn omgezet of weggehaald:",
            "",
        ]
        out += [f"- omgezet: {what} ({n}x)" for what, n in sorted(r.converted.items())]
        out += [f"- weggehaald: {what} ({n}x)" for what, n in sorted(r.removed.items())]
    if r.redirect_notes:
        out += ["", "## Doorverwijzingen niet gemaakt", ""]
        out += [f"- {line}" for line in r.redirect_notes]
    out += [
        "",
        "Bouw daarna de site (make build): die controleert ook of elke doorverwijzing "
        "naar een bestaande pagina gaat.",
        "",
    ]
    return "\n".join(out)
