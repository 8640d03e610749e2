"""A programme's own word for a commitment, as the people who run it say it.

Stavanger's schools speak of a *forpliktende avtale*, the Danish talks of an *aftale*: the word
carries the programme's meaning (binding, agreed at the talk), so a reader sees it in the
programme's own language. A reader of another language gets their own word beside it, and the
foreign word is marked with its language so that screen readers pronounce it right.
"""

from __future__ import annotations

from markupsafe import Markup

from app.i18n import current_language, localized

#: The language a country's schools write in (Nordialog's codes).
COUNTRY_LANGUAGES = {"DK": "da", "NO": "nb", "SE": "sv"}


def home_language(programme) -> str | None:
    return COUNTRY_LANGUAGES.get(programme.country)


def commitment_term(programme, language: str | None = None) -> Markup:
    """``forpliktende avtale`` for a Norwegian reader of Stavanger's programme,
    ``<span lang="nb">forpliktende avtale</span> (binding agreement)`` for an English one; empty
    when the programme has no word of its own."""
    terms = getattr(programme, "commitment_terms", None) or {}
    reader = language or current_language()
    home = home_language(programme)
    own = terms.get(home) if home else None
    if not own:
        return Markup.escape(localized(terms, reader))
    if reader == home:
        return Markup.escape(own)
    explained = localized(terms, reader)
    if explained.casefold() == own.casefold():
        return Markup('<span lang="{}">{}</span>').format(home, own)
    return Markup('<span lang="{}">{}</span> ({})').format(home, own, explained)



def init_terms(app) -> None:
    app.add_template_global(commitment_term)
