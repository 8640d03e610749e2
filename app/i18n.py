"""Languages, locale selection and the translation helpers every module imports.

English is the source language; da, nb and sv have catalogs in ``locales/``. The reader's
language is, in order: an explicit choice (``?lang=``), the signed-in user's setting, the
browser's Accept-Language, then English. Norwegian arrives under several codes (``no``,
``no-NO``, ``nb-NO``, ``nn``); they all reach the one ``nb`` catalog. Unknown codes are ignored,
never an error.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import Babel, get_locale, gettext, lazy_gettext, ngettext, pgettext

log = logging.getLogger(__name__)

#: Languages Nordialog speaks, source language first.
LANGUAGES = ("en", "da", "nb", "sv")
TRANSLATED = ("da", "nb", "sv")
DEFAULT_LANGUAGE = "en"

# Codes that browsers and clients send for the languages we have. Bokmål is the written
# standard of Norwegian schools' administration; Nynorsk readers understand it and we do not
# (yet) keep a separate catalog, so nn is served in nb rather than falling back to English.
_ALIASES = {
    "no": "nb",
    "nb": "nb",
    "nn": "nb",
    "da": "da",
    "sv": "sv",
    "en": "en",
}

_ = gettext
_l = lazy_gettext
__all__ = ["_", "_l", "N_", "ngettext", "pgettext", "LANGUAGES", "normalize_language",
           "localized", "terminal_language", "terminal_context"]


def N_(message: str) -> str:  # noqa: N802 - the name gettext tools know
    """Mark ``message`` for the catalogs and return it unchanged: for text a library keeps as a
    plain string (a command's help, which click cleans up when it is declared) and that is
    looked up with ``_`` where it is shown."""
    return message

#: Where an operator's terminal says which language it reads, strongest first (POSIX order:
#: LC_ALL overrides LC_MESSAGES, which overrides LANG).
_TERMINAL_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def normalize_language(code: str | None) -> str | None:
    """Map a language tag (``no-NO``, ``nb_NO``, ``sv-FI``, ``DA``) to one of ours, or None."""
    if not code or not isinstance(code, str):
        return None
    primary = code.strip().replace("_", "-").split("-", 1)[0].lower()
    return _ALIASES.get(primary)


def negotiate(accept_language: list[str]) -> str | None:
    """The first tag (in the client's order of preference) that we speak."""
    for tag in accept_language:
        language = normalize_language(tag)
        if language:
            return language
    return None


def terminal_language(environ: Mapping[str, str] | None = None) -> str:
    """The language of a command run from a terminal: ``NORDIALOG_LANGUAGE`` when it names one
    of ours, else the terminal's locale (``nb_NO.UTF-8``, ``no_NO``, ``da_DK@euro``), else
    English. The first locale variable that is set decides, as for every other program: with
    ``LC_ALL=C`` the operator asked for untranslated output, whatever ``LANG`` says."""
    environ = os.environ if environ is None else environ
    chosen = normalize_language(environ.get("NORDIALOG_LANGUAGE"))
    if chosen:
        return chosen
    for name in _TERMINAL_VARIABLES:
        value = environ.get(name)
        if value:
            return normalize_language(value.split(".", 1)[0].split("@", 1)[0]) or DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


@contextmanager
def terminal_context() -> Iterator[None]:
    """Translations for a command that runs before the app can be built (``flask db``: the
    schema may not exist yet) or without it. Inside the app's own context this does nothing."""
    if current_app:
        yield
        return
    from app.config import PROJECT_ROOT

    locales = PROJECT_ROOT / "locales"
    compile_catalogs(locales)
    bare = Flask("nordialog.terminal")
    bare.config["BABEL_TRANSLATION_DIRECTORIES"] = str(locales)
    Babel(bare, locale_selector=select_locale)
    with bare.app_context():
        yield


def select_locale() -> str:
    """Flask-Babel's locale selector: explicit choice, user setting, browser, English; outside
    a request (a command), the terminal's language (a message to a person is sent in their own
    language with ``force_locale``).

    On the API, a client's Accept-Language is a choice its programmer made, so it comes before
    the user's setting; in a browser it is only the browser's default, so it comes after.
    """
    if not has_request_context():
        return getattr(g, "language", None) or terminal_language()
    explicit = normalize_language(request.args.get("lang"))
    user_language = normalize_language(getattr(g, "user_language", None))
    header = negotiate([value for value, _quality in request.accept_languages])
    if request.path.startswith("/api/"):
        order = (explicit, header, user_language)
    else:
        order = (explicit, user_language, header)
    return next((language for language in order if language), DEFAULT_LANGUAGE)


def current_language() -> str:
    """The language of the current request (or CLI command), as one of LANGUAGES."""
    return normalize_language(str(get_locale() or DEFAULT_LANGUAGE)) or DEFAULT_LANGUAGE


def localized(labels: Mapping[str, str] | None, language: str | None = None) -> str:
    """Pick the reader's label from a ``{language: text}`` mapping held as data (seed content).

    Falls back to English, then to any label, so a partly translated record still shows.
    """
    if not labels:
        return ""
    language = language or current_language()
    for candidate in (language, DEFAULT_LANGUAGE):
        if labels.get(candidate):
            return labels[candidate]
    return next((text for text in labels.values() if text), "")


def compile_catalogs(locales_dir: Path, force: bool = False) -> list[str]:
    """Compile each ``messages.po`` to ``messages.mo`` when the .mo is missing or older.

    Returns the languages compiled. Compiled files are not kept in git; a read-only deployment
    runs ``flask translate compile`` at build time instead.
    """
    compiled = []
    for po_path in sorted(locales_dir.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        # Write beside and rename, so a process reading the catalog never sees half a file.
        partial = mo_path.with_suffix(f".mo.{os.getpid()}")
        try:
            with partial.open("wb") as mo_file:
                write_mo(mo_file, catalog, use_fuzzy=False)
            os.replace(partial, mo_path)
        except OSError as err:
            log.warning("cannot write %s (%s); using the catalog as it is", mo_path, err)
            continue
        compiled.append(po_path.parent.parent.name)
    return compiled


def init_i18n(app: Flask) -> None:
    compile_catalogs(Path(app.config["BABEL_TRANSLATION_DIRECTORIES"]))
    Babel(app, locale_selector=select_locale)

    @app.context_processor
    def language_context():
        return {"current_language": current_language(), "LANGUAGES": LANGUAGES,
                "localized": localized}
