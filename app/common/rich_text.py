"""Minutes and other long free text as rich text: a small, safe subset of HTML.

What people write is stored as they wrote it (plain text from the forms, or markup pasted or
sent through the API) and made safe when it is shown (docs/SECURITY.md, V5.2/5.3): nh3 keeps
paragraphs, line breaks, bold, italics, lists and links (http, https and mailto only, opened
with ``rel="noopener noreferrer"``) and removes everything else -- scripts with their content,
event handlers, ``style`` attributes, ``javascript:`` addresses, images, frames. Sanitizing on
output rather than on input means a stricter rule later applies to everything ever stored.

Plain text keeps its shape: a blank line starts a paragraph, a line break stays a line break.
Spreadsheets get ``plain_text``: the words without the tags.
"""

from __future__ import annotations

import html
import re

import nh3
from markupsafe import Markup

TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a"}
ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer"

#: Text that already says where its paragraphs are is not broken into paragraphs again.
_BLOCKS = re.compile(r"<(p|ul|ol|li)\b", re.IGNORECASE)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
#: Looks like markup at all: ``<`` followed by a letter, ``/`` or ``!`` (a tag or comment).
_TAG_LIKE = re.compile(r"<[A-Za-z/!]")
_LINE_BREAKS = re.compile(r"<br\s*/?>|</?(p|li|ul|ol)\b[^>]*>", re.IGNORECASE)


def sanitize(text: str) -> str:
    """The allowed subset of ``text`` as HTML (a string; escaped where it is not markup)."""
    return nh3.clean(text, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel=LINK_REL, strip_comments=True)


def rich_text(text: str | None) -> Markup:
    """Jinja filter: ``text`` as safe HTML, plain text turned into paragraphs and line breaks."""
    if not text:
        return Markup("")
    clean = sanitize(text.replace("\r\n", "\n").replace("\r", "\n"))
    if _BLOCKS.search(clean):
        return Markup(clean)  # sanitized just above
    paragraphs = [part.strip("\n") for part in _PARAGRAPH_BREAK.split(clean.strip())]
    # ``clean`` is nh3's output: text is escaped, only allowed tags remain.
    return Markup("".join(
        "<p>" + part.replace("\n", "<br>") + "</p>" for part in paragraphs if part))


def plain_text(text: str | None) -> str:
    """``text`` without markup, for CSV and XLSX: paragraphs and list items on lines of their
    own. Text without anything that looks like a tag is returned as it is."""
    if not text or not _TAG_LIKE.search(text):
        return text or ""
    with_breaks = _LINE_BREAKS.sub("\n", text)
    words = html.unescape(nh3.clean(with_breaks, tags=set(), strip_comments=True))
    return "\n".join(line.strip() for line in words.splitlines() if line.strip())
