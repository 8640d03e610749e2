"""Drawing through the cache: what pages, reports and the API call."""

from __future__ import annotations

import os
from base64 import b64encode
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app, has_app_context
from markupsafe import Markup, escape

from app.charts.cache import ChartCache, chart_key
from app.charts.render import FORMATS, render
from app.i18n import current_language

_fallback = ChartCache()  # outside an app (the benchmark, a script)


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
            return img_tag(self.kind, self.spec, self.spec.get("title") or "", fmt="png")
        return inline_svg(self.kind, self.spec)


def img_tag(kind: str, spec: dict, alt: str, fmt: str = "png",
            language: str | None = None) -> Markup:
    """An <img> with the chart as a data URI (for PDFs: WeasyPrint needs no server)."""
    content = draw(kind, spec, fmt, language)
    mime = FORMATS[fmt]
    return Markup('<img class="chart" alt="{}" src="data:{};base64,{}">').format(
        alt, mime, b64encode(content).decode())
