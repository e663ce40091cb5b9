"""A WordPress post body (HTML with block comments and shortcodes) to clean Markdown.

Order of work, for one body:

1. Gutenberg block comments (``<!-- wp:paragraph -->``): reusable blocks (``wp:block``) are
   replaced by their content from the export; blocks without content (``<!-- wp:latest-posts
   /-->``: dynamic, rendered by WordPress) are removed; then every block comment goes. Each
   is counted for the report.
2. Shortcodes: ``[caption]`` becomes the image with its caption, ``[gallery]`` the gallery's
   images, ``[embed]``, ``[video]``, ``[audio]`` and ``[playlist]`` a link; any other shortcode is
   removed, keeping the text it encloses (page builders' ``[vc_row]...[/vc_row]``). Square
   brackets that are not shortcodes (``[sic]``) stay.
3. Classic-editor bodies (no blocks) get WordPress's automatic paragraphs (``wpautop``).
4. HTML clean-up with BeautifulSoup: scripts, styles and forms are removed; iframes become
   links (the site loads nothing from other hosts); images and links into
   ``wp-content/uploads`` are handed to ``resolve_file`` (the importer copies them into
   ``content/images/``); links to old addresses of the site are handed to ``resolve_link``.
5. ``markdownify`` turns the rest into Markdown (ATX headings, ``-`` bullets, tables,
   ``*caption*`` under a figure, lists indented by four spaces, which CommonMark nests as well).
"""

from __future__ import annotations

import html as htmllib
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, NavigableString, Tag
from markdownify import MarkdownConverter

# --- result ------------------------------------------------------------------------------------


@dataclass
class Notes:
    """What the conversion did that an editor should know about, counted."""

    converted: Counter = field(default_factory=Counter)  # "[caption]", "blok wp:embed", ...
    removed: Counter = field(default_factory=Counter)
    images_without_alt: int = 0
    missing_files: list[str] = field(default_factory=list)  # uploads paths not found


@dataclass
class Body:
    markdown: str
    text: str  # plain text of the paragraphs, for a summary
    notes: Notes


# --- Gutenberg blocks --------------------------------------------------------------------------

_BLOCK = re.compile(
    r"<!--\s+(/)?wp:([a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*)?)(\s+\{.*?\})?\s+(/)?-->", re.S
)
_MORE = re.compile(r"<!--\s*(more|nextpage|noteaser)\b.*?-->", re.S)


def _blocks(html: str, reusable: dict[int, str], notes: Notes, depth: int = 0) -> str:
    def replace(m: re.Match) -> str:
        closing, name, attrs, self_closing = m.groups()
        name = name if "/" in name else f"core/{name}"
        label = f"blok {name.removeprefix('core/')}"
        if closing:
            return ""
        if name == "core/block" and self_closing:
            ref = _attr_json(attrs).get("ref")
            content = reusable.get(int(ref)) if str(ref).isdigit() else None
            if content is not None and depth < 3:
                notes.converted[f"{label} (herbruikbaar blok, tekst overgenomen)"] += 1
                return _blocks(content, reusable, notes, depth + 1)
            notes.removed[f"{label} (herbruikbaar blok {ref}, niet in de export)"] += 1
            return ""
        if self_closing:
            notes.removed[f"{label} (dynamisch blok zonder tekst)"] += 1
            return ""
        if name in ("core/more", "core/nextpage"):
            return ""
        notes.converted[label] += 1
        return ""

    return _BLOCK.sub(replace, html)


def _attr_json(attrs: str | None) -> dict:
    if not attrs:
        return {}
    try:
        value = json.loads(attrs)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


# --- shortcodes ----------------------------------------------------------------------------------

KNOWN = ("caption", "wp_caption", "gallery", "embed", "video", "audio", "playlist")
# [name attrs], [name attrs /], [name attrs]inner[/name]; [[name]] is an escaped shortcode.
_SHORTCODE = re.compile(
    r"\[(\[?)([A-Za-z][\w-]*)(?=[\s\]/])([^\[\]]*?)(/?)\]"
    r"(?:((?:(?!\[\2[\s\]/]).)*?)\[/\2\])?(\]?)",
    re.S,
)
_ATTR = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s'"]+))""")


def _attrs(text: str) -> dict[str, str]:
    return {
        m.group(1).lower(): htmllib.unescape(next(g for g in m.groups()[1:] if g is not None))
        for m in _ATTR.finditer(text)
    }


def _is_shortcode(name: str, attrs: str, inner: str | None) -> bool:
    """Square brackets are also ordinary text ([sic], [1], [Lees meer]): only tags WordPress
    itself knows, tags with attributes, closed tags and names with _ or - count."""
    return name.lower() in KNOWN or "=" in attrs or inner is not None or "_" in name or "-" in name


@dataclass
class Media:
    """What the export says about attachments, for galleries and alt texts."""

    by_id: dict[int, tuple[str, str]] = field(default_factory=dict)  # id -> (url, alt)
    children: dict[int, list[int]] = field(default_factory=dict)  # post id -> attachment ids
    alt_by_url: dict[str, str] = field(default_factory=dict)  # upload path -> alt


def _shortcodes(html: str, post_id: int, media: Media, notes: Notes, depth: int = 0) -> str:
    def replace(m: re.Match) -> str:
        open_escape, name, attrs, _, inner, close_escape = m.groups()
        if open_escape and close_escape:
            return m.group(0)[1:-1]  # [[gallery]] is the literal text [gallery]
        if not _is_shortcode(name, attrs, inner):
            return m.group(0)
        key = name.lower()
        values = _attrs(attrs)
        if key in ("caption", "wp_caption"):
            notes.converted["[caption]"] += 1
            content = _shortcodes(inner or "", post_id, media, notes, depth + 1)
            caption = values.get("caption", "")
            soup = BeautifulSoup(content, "html.parser")
            media_html = "".join(str(t) for t in soup.find_all(("a", "img"), recursive=False))
            for t in soup.find_all(("a", "img"), recursive=False):
                t.extract()
            caption = caption or soup.get_text(" ").strip()
            cap = f"<figcaption>{htmllib.escape(caption)}</figcaption>" if caption else ""
            return f"\n\n<figure>{media_html}{cap}</figure>\n\n"
        if key == "gallery":
            ids = [int(i) for i in re.findall(r"\d+", values.get("ids", values.get("include", "")))]
            if not ids:
                ids = media.children.get(post_id, [])
            images = [media.by_id[i] for i in ids if i in media.by_id]
            notes.converted["[gallery]"] += 1
            if len(images) < len(ids):
                notes.removed[
                    f"[gallery]: {len(ids) - len(images)} afbeelding(en) niet in de export"
                ] += 1
            return "".join(
                f'\n\n<p><img src="{htmllib.escape(url)}" alt="{htmllib.escape(alt)}"></p>\n\n'
                for url, alt in images
            )
        if key in ("embed", "video", "audio", "playlist"):
            url = (
                (inner or "").strip()
                if key == "embed"
                else next(
                    (
                        values[k]
                        for k in ("src", "mp4", "m4v", "webm", "ogv", "mp3", "ogg", "wav", "url")
                        if values.get(k)
                    ),
                    "",
                )
            )
            if url and re.match(r"^https?://", url):
                notes.converted[f"[{key}] (als link)"] += 1
                return f'\n\n<p><a href="{htmllib.escape(url)}">{htmllib.escape(url)}</a></p>\n\n'
            notes.removed[f"[{key}] (zonder adres)"] += 1
            return ""
        if inner is not None:
            notes.removed[f"[{key}] (tekst erin behouden)"] += 1
            return _shortcodes(inner, post_id, media, notes, depth + 1) if depth < 10 else inner
        notes.removed[f"[{key}]"] += 1
        return ""

    return _SHORTCODE.sub(replace, html)


# --- wpautop -------------------------------------------------------------------------------------

_BLOCK_TAGS = (
    "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|"
    "area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|"
    "hgroup|header|footer|nav|figure|figcaption|details|menu|summary|iframe|script|audio|video"
)
_STARTS_BLOCK = re.compile(rf"^\s*</?(?:{_BLOCK_TAGS})[\s/>]", re.I)


def autop(text: str) -> str:
    """WordPress's automatic paragraphs, simplified: a blank line separates paragraphs, a
    single line break is a <br>; chunks that already are block elements stay as they are."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if _STARTS_BLOCK.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + chunk.replace("\n", "<br>\n") + "</p>")
    return "\n\n".join(out)


# --- HTML clean-up -------------------------------------------------------------------------------

_BARE_URL = re.compile(r"^\s*(https?://[^\s<>\"]+)\s*$")
_UPLOADS = "/wp-content/uploads/"


def uploads_path(url: str) -> str | None:
    """'2020/05/foto.jpg' for an address inside wp-content/uploads, else None."""
    path = re.sub(r"[?#].*$", "", url)
    i = path.find(_UPLOADS)
    if i < 0:
        return None
    return path[i + len(_UPLOADS) :] or None


def _clean(
    soup: BeautifulSoup,
    media: Media,
    notes: Notes,
    resolve_file: Callable[[str], str | None],
    resolve_link: Callable[[str], str | None],
):
    for tag in soup.find_all(
        (
            "script",
            "style",
            "noscript",
            "form",
            "input",
            "button",
            "select",
            "textarea",
            "object",
            "embed",
        )
    ):
        if tag.parent is None:
            continue  # inside something removed already
        notes.removed[f"<{tag.name}>"] += 1
        tag.decompose()
    for frame in soup.find_all("iframe"):
        src = frame.get("src", "")
        if re.match(r"^(https?:)?//", src):
            src = "https:" + src if src.startswith("//") else src
            notes.converted["<iframe> (als link)"] += 1
            link = soup.new_tag("a", href=src)
            link.string = frame.get("title") or src
            para = soup.new_tag("p")
            para.append(link)
            frame.replace_with(para)
        else:
            notes.removed["<iframe>"] += 1
            frame.decompose()
    # Gutenberg embeds keep the address as text in a wrapper
    for wrapper in soup.select(".wp-block-embed__wrapper"):
        url = wrapper.get_text().strip()
        if re.match(r"^https?://\S+$", url):
            link = soup.new_tag("a", href=url)
            link.string = url
            wrapper.clear()
            wrapper.append(link)
    # an address alone on its line: WordPress showed it as an embed
    for para in soup.find_all("p"):
        for node in list(para.contents):
            if not isinstance(node, NavigableString) or isinstance(node, _Marker):
                continue
            m = _BARE_URL.match(str(node))
            before, after = node.previous_sibling, node.next_sibling
            alone = all(
                s is None or (isinstance(s, Tag) and s.name == "br") for s in (before, after)
            )
            if m and alone:
                link = soup.new_tag("a", href=m.group(1))
                link.string = m.group(1)
                node.replace_with(link)
                notes.converted["losse link (embed)"] += 1

    for img in soup.find_all("img"):
        src = img.get("src", "")
        upload = uploads_path(src)
        if upload is not None:
            new = resolve_file(upload)
            if new is None:
                notes.missing_files.append(upload)
                img.replace_with(soup.new_string(f"afbeelding ontbreekt: {upload}", _Marker))
                continue
            img["src"] = new
            if not (img.get("alt") or "").strip():
                alt = media.alt_by_url.get(upload) or media.alt_by_url.get(
                    original_size(upload), ""
                )
                img["alt"] = alt
        elif src.startswith(("http://", "https://", "//")):
            notes.converted["afbeelding van een andere site (als link)"] += 1
            link = soup.new_tag("a", href=src if not src.startswith("//") else "https:" + src)
            link.string = img.get("alt") or src
            img.replace_with(link)
            continue
        if not (img.get("alt") or "").strip():
            notes.images_without_alt += 1
        for attr in list(img.attrs):
            if attr not in ("src", "alt", "title"):
                del img[attr]
    for a in soup.find_all("a"):
        href = a.get("href", "")
        if re.match(r"^\s*(javascript|vbscript|data):", href, re.I):
            notes.removed["link met script (tekst behouden)"] += 1
            a.unwrap()
            continue
        only_image = [
            c for c in a.contents if not (isinstance(c, NavigableString) and not c.strip())
        ]
        if (
            len(only_image) == 1
            and isinstance(only_image[0], Tag)
            and only_image[0].name == "img"
            and (uploads_path(href) or href.startswith("/images/"))
        ):
            a.unwrap()  # "link to media file" around an image
            continue
        upload = uploads_path(href)
        if upload is not None:
            new = resolve_file(upload)
            if new is None:
                notes.missing_files.append(upload)
            else:
                a["href"] = new
            continue
        new = resolve_link(href)
        if new is not None:
            a["href"] = new


def original_size(upload: str) -> str:
    """foto-300x200.jpg -> foto.jpg: WordPress's resized copies share the original's alt."""
    return re.sub(r"-\d+x\d+(\.\w+)$", r"\1", upload)


class _Marker(NavigableString):
    """A note for the editor where an image was; written as an HTML comment."""


# --- Markdown ------------------------------------------------------------------------------------


class _Converter(MarkdownConverter):
    def convert_li(self, el, text, parent_tags):
        text = (text or "").strip()
        if not text:
            return "\n"
        parent = el.parent
        if parent is not None and parent.name == "ol":
            start = parent.get("start")
            first = int(start) if start and str(start).isdigit() else 1
            bullet = f"{first + len(el.find_previous_siblings('li'))}."
        else:
            bullet = "-"
        lines = text.split("\n")
        rest = [("    " + line) if line.strip() else "" for line in lines[1:]]
        return "\n".join([f"{bullet} {lines[0]}", *rest]) + "\n"

    def convert_figcaption(self, el, text, parent_tags):
        text = text.strip()
        return f"\n\n*{text}*\n\n" if text else ""

    def process_text(self, el, parent_tags=None):
        if isinstance(el, _Marker):
            return f"\n\n<!-- {el} -->\n\n"
        return super().process_text(el, parent_tags)

    def escape(self, text, parent_tags):
        # text that was &lt;script&gt; in WordPress must not become HTML in Markdown
        return super().escape(text, parent_tags).replace("<", "&lt;")


_CONVERTER = _Converter(
    heading_style="atx",
    bullets="-",
    strong_em_symbol="*",
    table_infer_header=True,
    escape_underscores=False,
)


def _tidy(markdown: str) -> str:
    lines = []
    for line in markdown.replace("\xa0", " ").split("\n"):
        stripped = line.rstrip()
        # keep Markdown's hard line break (two trailing spaces), drop other trailing space
        lines.append(stripped + "  " if line.endswith("  ") and stripped else stripped)
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip() + "\n"


def plain_text(soup: BeautifulSoup) -> str:
    """The text of the first paragraphs (not lists, captions or tables), one per line."""
    parts = []
    for para in soup.find_all("p"):
        if para.find_parent(("figure", "li", "table", "blockquote")):
            continue
        text = "".join(
            " " if isinstance(node, Tag) else str(node)
            for node in para.descendants
            if (isinstance(node, NavigableString) and not isinstance(node, _Marker))
            or getattr(node, "name", None) == "br"
        )
        text = " ".join(text.split())
        if text and not _BARE_URL.match(text):
            parts.append(text)
        if sum(len(p) for p in parts) > 600:
            break
    return "\n".join(parts)


def convert(
    html: str,
    *,
    post_id: int = 0,
    media: Media | None = None,
    reusable: dict[int, str] | None = None,
    resolve_file: Callable[[str], str | None] = lambda p: None,
    resolve_link: Callable[[str], str | None] = lambda h: None,
) -> Body:
    """Convert one body; ``resolve_file(uploads path)`` returns the new address of a copied
    upload (or None when the file is missing), ``resolve_link(href)`` the new address of an
    old link (or None to keep it)."""
    media = media or Media()
    notes = Notes()
    gutenberg = "<!-- wp:" in html
    html = _MORE.sub("", html)
    if gutenberg:
        html = _blocks(html, reusable or {}, notes)
    html = _shortcodes(html, post_id, media, notes)
    if not gutenberg:
        html = autop(html)
    soup = BeautifulSoup(html, "html.parser")
    _clean(soup, media, notes, resolve_file, resolve_link)
    markdown = _tidy(_CONVERTER.convert_soup(soup))
    return Body(markdown=markdown, text=plain_text(soup), notes=notes)


def text_of(html: str) -> str:
    """Plain text of a short HTML fragment (an excerpt, a title), shortcodes and tags removed."""
    if not html or not html.strip():
        return ""
    if "<" not in html and "[" not in html:
        return " ".join(htmllib.unescape(html).split())
    html = _MORE.sub("", html)
    html = _BLOCK.sub("", html)
    html = _SHORTCODE.sub(
        lambda m: (
            (m.group(5) or "") if _is_shortcode(m.group(2), m.group(3), m.group(5)) else m.group(0)
        ),
        html,
    )
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


def first_sentence(text: str, limit: int = 300) -> str:
    """The first sentence of a text (two when the first is very short), at most ``limit``
    characters, cut at a word with an ellipsis."""
    text = " ".join(text.split())
    text = re.sub(r"^[\s.…]+", "", text)
    parts = re.split(r"(?<=[.!?…’”])\s+(?=[A-ZÀ-Ý0-9‘“\"'(])", text)
    summary = parts[0]
    if len(summary) < 40 and len(parts) > 1:
        summary += " " + parts[1]
    if len(summary) > limit:
        summary = summary[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"
    return summary


def summary_of(text: str) -> str:
    """A summary from the body's plain text: the first sentence of the first paragraph."""
    first = next((line for line in text.split("\n") if line.strip()), "")
    return first_sentence(first)
