"""Writing a report in a format and a language: HTML (Jinja), PDF (WeasyPrint), CSV, XLSX."""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import render_template
from flask_babel import force_locale

from app.charts.service import PDF_CHART_SCHEME, pdf_images
from app.common.spreadsheets import write_csv, write_xlsx
from app.errors import InvalidInput
from app.i18n import LANGUAGES, _

FORMATS = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass
class Table:
    """A report's main table: what CSV and XLSX contain (cells made formula-safe on export)."""

    columns: list[str]
    rows: list[dict] = field(default_factory=list)


@dataclass
class Report:
    template: str
    title: str
    subtitle: str
    filename: str
    context: dict = field(default_factory=dict)
    table: Table | None = None
    confidential: bool = False   # contains data that must not be published
    public: bool = False
    # The programme's checks not met yet (warnings before the report is signed off).
    checks: list[str] = field(default_factory=list)
    # The programme whose own word for a commitment the report names (None: several or none).
    programme: Any = None


@dataclass
class Output:
    content: bytes
    mimetype: str
    filename: str


def check_choice(fmt: str, language: str) -> None:
    errors = {}
    if fmt not in FORMATS:
        errors["format"] = [_("Choose one of: %(choices)s.", choices=", ".join(FORMATS))]
    if language not in LANGUAGES:
        errors["language"] = [_("Choose one of: %(choices)s.", choices=", ".join(LANGUAGES))]
    if errors:
        raise InvalidInput(_("The report could not be made."), errors)


def produce(build: Callable[[], Report], fmt: str, language: str) -> Output:
    """Build the report in ``language`` (labels, numbers, dates) and write it as ``fmt``."""
    check_choice(fmt, language)
    with force_locale(language):
        report = build()
        name = f"{report.filename}-{language}.{fmt}"
        if fmt in ("csv", "xlsx"):
            table = report.table or Table([_("Report")], [])
            writer = write_csv if fmt == "csv" else write_xlsx
            sheet = "".join(" " if ch in "[]:*?/\\" else ch for ch in report.title)
            args = (table.columns, table.rows) if fmt == "csv" else (
                table.columns, table.rows, sheet)
            return Output(writer(*args), FORMATS[fmt], name)
        with pdf_images() if fmt == "pdf" else nullcontext() as images:
            html = render_template(f"reports/{report.template}", report=report,
                                   language=language, for_pdf=fmt == "pdf",
                                   generated_on=date.today(), **report.context)
        if fmt == "html":
            return Output(html.encode(), FORMATS[fmt], name)
        return Output(pdf_of(html, images), FORMATS[fmt], name)


_fonts = threading.local()


def pdf_of(html: str, images: dict[str, bytes] | None = None) -> bytes:
    """The PDF of ``html``; ``images`` are the charts it names as ``chart:NAME``."""
    from weasyprint import HTML  # imported when first needed: it loads pango

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # a line per page
    return HTML(string=html, url_fetcher=_chart_fetcher()(images or {})).write_pdf(
        font_config=_font_config())


def _font_config():
    """One WeasyPrint font configuration per thread, kept between documents: making one sets
    up fontconfig and Pango's font map again. Reports load no web fonts (@font-face), so
    nothing of one document stays in it for the next."""
    from weasyprint.text.fonts import FontConfiguration

    config = getattr(_fonts, "config", None)
    if config is None:
        config = _fonts.config = FontConfiguration()
    return config


@functools.cache
def _chart_fetcher():
    """WeasyPrint's URL fetcher, answering ``chart:NAME`` from a report's charts and inline
    ``data:`` addresses, and refusing every other address: a report needs nothing from the
    network or the disk, so text that slipped an address into it must not make the server
    fetch one (WeasyPrint leaves a refused resource out and goes on)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ChartFetcher(URLFetcher):
        def __init__(self, images: dict[str, bytes]) -> None:
            super().__init__()
            self.images = images

        def fetch(self, url, headers=None):
            scheme, _colon, name = url.partition(":")
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme != PDF_CHART_SCHEME:
                raise ValueError(f"Reports fetch nothing from {scheme or 'relative'} addresses.")
            if name not in self.images:
                raise ValueError(f"No chart {name} in this report.")
            return URLFetcherResponse(url, self.images[name], {"Content-Type": "image/png"})

    return ChartFetcher
