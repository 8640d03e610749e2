"""No English left on Danish, Norwegian or Swedish pages: every reachable page is rendered in
each language and searched for the English source of any message that has a translation."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from pony.orm import commit, db_session

from app.seeding.demo import load_demo
from app.seeding.programmes import load_programmes

LOCALES = Path(__file__).resolve().parent.parent / "locales"
SEED = LOCALES.parent / "seed"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{\w*\}")
MAX_PAGES = 400


class VisibleText(HTMLParser):
    """The text a person reads or hears: text nodes and the attributes screen readers speak."""

    SPOKEN = ("aria-label", "title", "alt", "placeholder")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1
        for name, value in attrs:
            if name in self.SPOKEN and value:
                self.parts.append(value)
            if tag == "input" and name == "value" and dict(attrs).get("type") in ("submit",
                                                                                  "button"):
                self.parts.append(value or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def english_phrases(language: str) -> dict[str, str]:
    """English phrases that must not remain: each message's text (or, around placeholders,
    its fixed pieces of two words or more), unless the translation is the same word."""
    with (LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    phrases = {}
    for message in catalog:
        if not message.id:
            continue
        english = message.id[0] if isinstance(message.id, tuple) else message.id
        translated = message.string if isinstance(message.string, tuple) else (message.string,)
        for piece in PLACEHOLDER.split(english):
            piece = piece.strip(" .,:;()")
            too_short = len(piece) < 5 or (" " not in piece and len(piece) < 7)
            if too_short or any(piece in text for text in translated):
                continue
            phrases[piece] = english
    return phrases


@pytest.fixture
def admin_client(app):
    with app.app_context(), db_session:
        load_programmes(SEED)
        load_demo(SEED)
        commit()
    client = app.test_client()
    page = client.get("/sign-in")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    client.post("/sign-in", data={"email": "admin@nordialog.demo",
                                  "password": "nordialog-demo", "csrf_token": token})
    client.get("/")  # shows (and so clears) the English "signed in" notice
    return client


def crawl(client, language: str) -> dict[str, str]:
    """Every page reachable from the start page, as text, in ``language``."""
    todo, seen, pages = ["/", "/api/docs", "/no-such-page"], set(), {}
    while todo and len(seen) < MAX_PAGES:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        separator = "&" if "?" in path else "?"
        response = client.get(f"{path}{separator}lang={language}")
        if "text/html" not in response.content_type:
            continue
        pages[path] = visible_text(response.text)
        for link in re.findall(r'href="(/[^"#]*)"', response.text):
            link = link.replace("&amp;", "&")
            if not link.startswith(("/static", "/api/", "/sign-out")) and link not in seen:
                todo.append(re.sub(r"[?&]lang=\w+", "", link))
    return pages


@pytest.mark.parametrize("language", ["da", "nb", "sv"])
def test_no_english_on_pages_in_other_languages(admin_client, engine, language):
    if engine == "postgresql" and language != "nb":
        pytest.skip("one language is enough on the second engine: the text does not differ")
    phrases = english_phrases(language)
    pages = crawl(admin_client, language)
    anonymous = admin_client.application.test_client()
    for path in ("/sign-in", "/public/organisations/1"):
        pages[f"{path} (signed out)"] = visible_text(anonymous.get(f"{path}?lang={language}").text)
    assert len(pages) > 40
    leftovers = sorted({f"{path}: {phrase!r}" for path, text in pages.items()
                        for phrase in phrases if re.search(rf"\b{re.escape(phrase)}\b", text)})
    assert leftovers == []


def test_seed_content_is_complete_in_every_language(app):
    from app.i18n import LANGUAGES

    with app.app_context(), db_session:
        load_programmes(SEED)
        db = app.extensions["nordialog.db"]
        missing = []
        for entity in (db.Programme, db.ProgrammePhase, db.MeetingType, db.AgendaTemplateItem,
                       db.MinutesSection, db.YearWheelTemplateStep, db.Theme, db.Indicator):
            for row in entity.select():
                for attribute in ("labels", "descriptions", "responsible", "commitment_terms"):
                    texts = getattr(row, attribute, None)
                    if texts and any(not texts.get(language) for language in LANGUAGES):
                        missing.append(f"{entity.__name__} {row.id} {attribute}")
        assert missing == []
