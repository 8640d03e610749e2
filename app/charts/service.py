"""Drawing through the cache: what pages, reports and the API call."""

from __future__ import annotations

import os
from base64 import b64encode
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app, has_app_context
from markupsafe import Markup, escape

from app.charts.cache import ChartCache, chart_key
from app.charts.render import FORMATS, render
from app.i18n import current_language

_fallback = ChartCache()  # outside an app (the benchmark, a script)

#: A PDF's charts are named in its HTML by a short address with this scheme (``chart:KEY.png``)
#: and handed to WeasyPrint by the report's URL fetcher; see ``pdf_images``.
PDF_CHART_SCHEME = "chart"
_pdf_images: ContextVar[dict[str, bytes] | None] = ContextVar("nordialog_pdf_images",
                                                              default=None)


def init_charts(app: Flask) -> None:
    """One cache per app; ``CHART_CACHE_DIR`` (or NORDIALOG_CHART_CACHE_DIR) adds a disk tier,
    e.g. ``instance/chart-cache``, shared by the workers of one server."""
    directory = app.config.get("CHART_CACHE_DIR") or os.environ.get("NORDIALOG_CHART_CACHE_DIR")
    app.extensions["nordialog.charts"] = ChartCache(directory=Path(directory)
                                                    if directory else None)


def cache() -> ChartCache:
    if has_app_context():
        return current_app.extensions.get("nordialog.charts", _fallback)
    return _fallback


def draw(kind: str, spec: dict, fmt: str = "svg", language: str | None = None) -> bytes:
    """The chart's bytes, drawn once per distinct content, language and format."""
    language = language or current_language()
    key = chart_key(kind, spec, language, fmt)
    return cache().get_or_render(key, lambda: render(kind, spec, language, fmt))


def inline_svg(kind: str, spec: dict, language: str | None = None,
               description: str | None = None) -> Markup:
    """An SVG to put straight into a page (text stays selectable and readable), named for
    screen readers by ``description`` (what it shows, in words) or else by its title.

    Its ids get a prefix of the chart's own, so several charts on one page never share one.
    """
    language = language or current_language()
    svg = draw(kind, spec, "svg", language).decode()
    svg = svg[svg.index("<svg"):]  # drop the XML prolog and doctype inside HTML
    prefix = "c" + chart_key(kind, spec, language, "svg")[:8] + "-"
    svg = (svg.replace('id="', f'id="{prefix}').replace('url(#', f'url(#{prefix}')
           .replace('href="#', f'href="#{prefix}'))
    label = escape(description or spec.get("title") or "")
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" class="chart" ',
                              1))


@dataclass(frozen=True)
class ChartRef:
    """A chart a report shows; drawn when the report is written, as its format needs."""

    kind: str
    spec: dict

    def markup(self, for_pdf: bool = False) -> Markup:
        if for_pdf:
            # PNG, not SVG: WeasyPrint lays out an SVG's text glyph by glyph (about twenty
            # times slower for a summary's charts); a PNG is lossless, so the labels stay sharp.
            return pdf_img_tag(self.kind, self.spec, self.spec.get("title") or "")
        return inline_svg(self.kind, self.spec)


@contextmanager
def pdf_images() -> Iterator[dict[str, bytes]]:
    """While a PDF's HTML is written: the charts it shows, by the name its <img> elements use.

    A data URI would put each chart's PNG into the HTML in base64 (a summary's 1.2 MB of
    charts become 1.7 MB of text that WeasyPrint's HTML parser reads character by character);
    a short address resolved from this dict costs nothing to encode or to parse.
    """
    images: dict[str, bytes] = {}
    token = _pdf_images.set(images)
    try:
        yield images
    finally:
        _pdf_images.reset(token)


def pdf_img_tag(kind: str, spec: dict, alt: str, language: str | None = None) -> Markup:
    """An <img> of the chart as PNG for a PDF: by a short address inside ``pdf_images()``,
    as a data URI outside it."""
    images = _pdf_images.get()
    if images is None:
        return img_tag(kind, spec, alt, "png", language)
    language = language or current_language()
    name = chart_key(kind, spec, language, "png") + ".png"
    if name not in images:
        images[name] = draw(kind, spec, "png", language)
    return Markup('<img class="chart" alt="{}" src="{}:{}">').format(alt, PDF_CHART_SCHEME,
                                                                      name)


def img_tag(kind: str, spec: dict, alt: str, fmt: str = "png",
            language: str | None = None) -> Markup:
    """An <img> with the chart as a data URI (for PDFs: WeasyPrint needs no server)."""
    content = draw(kind, spec, fmt, language)
    mime = FORMATS[fmt]
    return Markup('<img class="chart" alt="{}" src="data:{};base64,{}">').format(
        alt, mime, b64encode(content).decode())
