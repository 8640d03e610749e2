"""No English left on Danish, Norwegian or Swedish pages: every reachable page is rendered in
each language and searched for the English source of any message that has a translation."""

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from pony.orm import commit, db_session

from app.accounts.password_reset import request_reset
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
    # Each text node on a line of its own: whole-node checks (short messages) read lines.
    return "\n".join(node for node in (re.sub(r"\s+", " ", part).strip()
                                        for part in parser.parts) if node)


class WholeMessages:
    """Short messages ("Edit", "Held", "Hello %(name)s,") cannot be searched for inside text
    without finding ordinary words; they are matched against whole text nodes (lines)
    instead: a button, a cell or a label that reads exactly like an English message."""

    def __init__(self, language: str) -> None:
        with (LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            catalog = read_po(handle, locale=language)
        self.exact: set[str] = set()
        patterns = []
        for message in catalog:
            if not message.id:
                continue
            sources = message.id if isinstance(message.id, tuple) else (message.id,)
            translated = message.string if isinstance(message.string, tuple) else (
                message.string,)
            for english in sources:
                english = re.sub(r"\s+", " ", english).strip()
                if any(english == re.sub(r"\s+", " ", text).strip() for text in translated):
                    continue  # the same word in both languages ("Status", "Import")
                pieces = PLACEHOLDER.split(english)
                if len(pieces) == 1:
                    self.exact.add(english)
                elif sum(len(piece.strip(" .,:;()·-")) for piece in pieces) >= 3:
                    patterns.append(".+?".join(re.escape(piece) for piece in pieces))
        self.pattern = re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None

    def found_in(self, text: str) -> list[str]:
        found = []
        for line in text.splitlines():
            line = line.strip()
            if line in self.exact or (self.pattern and self.pattern.fullmatch(line)):
                found.append(line)
        return found


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


def crawl(client, language: str, start=("/", "/no-such-page", "/api/docs")) -> dict[str, str]:
    """Every page (and chart) reachable from the start pages, as text, in ``language`` (up to
    MAX_PAGES: the last start pages are read first, before the links of the first run out)."""
    todo, seen, pages = list(start), set(), {}
    while todo and len(seen) < MAX_PAGES:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        separator = "&" if "?" in path else "?"
        response = client.get(f"{path}{separator}lang={language}")
        assert response.status_code < 500, path  # a page that fails is read by nobody
        if "image/svg+xml" in response.content_type:  # charts keep their words as text
            pages[path] = visible_text(response.text)
            continue
        if "text/html" not in response.content_type:
            continue
        pages[path] = visible_text(response.text)
        todo.extend(chart for chart in re.findall(r'src="(/charts/[^"]+\.svg)', response.text)
                    if chart not in seen)
        for link in re.findall(r'href="(/[^"#]*)"', response.text):
            link = link.replace("&amp;", "&")
            if not link.startswith(("/static", "/api/", "/sign-out")) and link not in seen:
                todo.append(re.sub(r"[?&]lang=\w+", "", link))
    return pages


#: GET routes the page crawl does not read, each with the reason (and where it is checked).
NOT_CRAWLED = {
    "static": "style sheets, scripts and icons: no words",
    "api_docs.api_docs_static": "Swagger UI's own scripts and styles",
    "api-docs.openapi_json": "the API's description for programmers' tools, from the code",
    "health.healthz": "a status for the load balancer, read by no person",
    "notify.feed": "iCalendar, built as the organisation feeds: test_no_english_in_calendars",
    "notify.organisation_feed": "iCalendar: test_no_english_in_calendars",
    "reports.minutes": "a report in HTML and PDF: test_no_english_in_reports",
    "reports.data_package": "a report in HTML and PDF: test_no_english_in_reports",
    "reports.owner_summary": "a report in HTML and PDF: test_no_english_in_reports",
    "reports.quality": "a report in HTML and PDF: test_no_english_in_reports",
    "reports.agency": "interim and final reports in HTML and PDF: test_no_english_in_reports",
    "reports.comparison": "a report in HTML and PDF: test_no_english_in_reports",
    "commitments.export": "CSV and XLSX in the bulk import's columns, for machines: "
                          "tests/test_api_bulk.py",
}


def assert_every_page_is_covered(app, pages: dict[str, str]) -> None:
    """Each GET route was rendered by the crawl, or is excluded above with a reason: a new page
    cannot be added without its text being checked."""
    adapter = app.url_map.bind("localhost")
    reached = set()
    for path in pages:
        try:
            endpoint, _args = adapter.match(path.split(" ", 1)[0].split("?", 1)[0])
        except Exception:  # noqa: BLE001 - the 404 page is a page too, but no route
            continue
        reached.add(endpoint)
    # The API answers programs in JSON: its messages are checked in tests/test_i18n_api.py.
    routes = {rule.endpoint for rule in app.url_map.iter_rules()
              if "GET" in rule.methods and not rule.rule.startswith("/api/v1/")}
    assert sorted(routes - reached - set(NOT_CRAWLED)) == []
    assert sorted(set(NOT_CRAWLED) - routes) == []  # no reason kept for a route that went


@pytest.mark.parametrize("language", ["da", "nb", "sv"])
def test_no_english_on_pages_in_other_languages(admin_client, engine, language):
    if engine == "postgresql" and language != "nb":
        pytest.skip("one language is enough on the second engine: the text does not differ")
    phrases = english_phrases(language)
    pages = crawl(admin_client, language)
    app = admin_client.application
    with app.app_context(), db_session:
        token = request_reset("rektor@ekby.demo")
        commit()
        db = app.extensions["nordialog.db"]
        published = db.Meeting.select(lambda m: m.status == "published"
                                      and m.engagement.organisation.kind == "school").first()
        owner = published.engagement.organisation.parent
        engagement = db.Engagement.select().first().id
        extra = (f"/charts/engagements/{engagement}/commitments.svg",
                 f"/charts/engagements/{engagement}/timeliness.svg",
                 f"/charts/engagements/{engagement}/year-wheel.svg")
        public = (f"/public/organisations/{owner.id}", f"/public/minutes/{published.id}",
                  f"/public/reports/minutes/{published.id}",
                  f"/public/reports/owner-summary/{owner.id}")
    pages.update(crawl(admin_client, language, start=extra))
    signed_out = crawl(app.test_client(), language, start=(
        "/sign-in", "/forgot-password", f"/reset-password/{token}", "/reset-password/spent",
        *public))
    pages.update({f"{path} (signed out)": text for path, text in signed_out.items()})
    assert len(pages) > 40
    assert_every_page_is_covered(app, pages)
    leftovers = sorted({f"{path}: {phrase!r}" for path, text in pages.items()
                        for phrase in phrases
                        if re.search(rf"\b{re.escape(phrase)}\b", text.replace("\n", " "))})
    whole = WholeMessages(language)
    leftovers += sorted({f"{path}: {line!r}" for path, text in pages.items()
                         for line in whole.found_in(text)})
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


# --- reports, e-mails and calendars: what leaves the pages is translated too -------------------

def leftovers_in(texts: dict[str, str], language: str) -> list[str]:
    phrases, whole = english_phrases(language), WholeMessages(language)
    # Addresses are not words: /commitments/5 in a reminder's link is no English to translate.
    texts = {where: re.sub(r"https?://\S+", " ", text) for where, text in texts.items()}
    return sorted({f"{where}: {phrase!r}" for where, text in texts.items()
                   for phrase in phrases
                   if re.search(rf"\b{re.escape(phrase)}\b", text.replace("\n", " "))}
                  | {f"{where}: {line!r}" for where, text in texts.items()
                     for line in whole.found_in(text)})


def report_addresses(app) -> list[str]:
    """One report of each kind per subject kind, for up to two subjects each (the first in
    each country where the subjects differ by country)."""
    from app.accounts.access import principal_for
    from app.reports.catalogue import REPORTS, report_url
    from app.reports.views import subjects

    with app.test_request_context(), db_session:
        admin = app.extensions["nordialog.db"].User.get(email="admin@nordialog.demo")
        options = subjects(principal_for(admin))
        addresses = []
        for report, (_label, kind) in REPORTS.items():
            chosen = options[kind][:2] if kind else [(None, None)]
            if kind == "owner":  # the quality report is Norwegian, the summaries every owner
                chosen = options[kind]
            for value, _name in chosen:
                subject_id = int(value.split(":", 1)[1]) if value else None
                addresses.append(report_url(report, subject_id))
        return addresses


@pytest.mark.parametrize("language", ["da", "nb", "sv"])
def test_no_english_in_reports(admin_client, engine, language):
    from pypdf import PdfReader

    if engine == "postgresql":
        pytest.skip("reports read the same text on both engines; one is enough")
    texts, pdfs = {}, 0
    for address in report_addresses(admin_client.application):
        separator = "&" if "?" in address else "?"
        page = admin_client.get(f"{address}{separator}language={language}&format=html")
        if page.status_code == 422:  # e.g. an owner without the country's quality report data
            continue
        assert page.status_code == 200, (address, page.status_code)
        texts[f"{address} html"] = visible_text(page.text)
        if pdfs < 8:  # PDFs hold the same labels; a sample of each kind keeps the test quick
            pdf = admin_client.get(f"{address}{separator}language={language}&format=pdf")
            assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
            reader = PdfReader(io.BytesIO(pdf.data))
            text = "\n".join(page.extract_text() or "" for page in reader.pages)
            texts[f"{address} pdf"] = re.sub(r"[ \t]+", " ", text)
            pdfs += 1
    assert len(texts) >= 10
    assert leftovers_in(texts, language) == []


def test_no_english_in_e_mails(admin_client, engine):
    """Reminders, digests and a password reset, each in its recipient's language."""
    from app.notify.reminders import plan

    app = admin_client.application
    if engine == "postgresql":
        pytest.skip("the e-mails read the same on both engines; one is enough")
    anonymous = app.test_client()
    form = anonymous.get("/forgot-password?lang=sv")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    anonymous.post("/forgot-password?lang=sv",
                   data={"email": "rektor@ekby.demo", "csrf_token": token})
    with app.app_context(), db_session:
        plan(digest=True)
        commit()
        db = app.extensions["nordialog.db"]
        messages = list(db.OutboxMessage.select())
        by_language: dict[str, dict[str, str]] = {}
        for message in messages:
            by_language.setdefault(message.language, {})[
                f"{message.kind} to {message.recipient}"] = f"{message.subject}\n{message.body}"
    kinds = {where.split(" ")[0] for texts in by_language.values() for where in texts}
    assert {"digest", "password_reset"} <= kinds, kinds
    for language in ("da", "nb", "sv"):
        assert by_language.get(language), f"no e-mail in {language}"
        assert leftovers_in(by_language[language], language) == []


@pytest.mark.parametrize("language", ["da", "nb", "sv"])
def test_no_english_in_calendars(admin_client, engine, language):
    from icalendar import Calendar

    if engine == "postgresql":
        pytest.skip("the calendars read the same on both engines; one is enough")
    texts = {}
    for organisation_id in range(1, 30):
        response = admin_client.get(f"/organisations/{organisation_id}/calendar.ics"
                                    f"?lang={language}")
        if response.status_code != 200:
            continue
        for event in Calendar.from_ical(response.data).walk("VEVENT"):
            texts[f"{organisation_id} {event.get('UID')}"] = (
                f"{event.get('SUMMARY', '')}\n{event.get('DESCRIPTION', '')}")
    assert len(texts) > 5
    assert leftovers_in(texts, language) == []
