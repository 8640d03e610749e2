"""Every report in every language and format: labels in the reader's language, entered text as
written, PDF text read back with pypdf, tables as CSV and XLSX with formulas neutralised."""

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pony.orm import commit, db_session, select
from pypdf import PdfReader

from app.commitments.services import record_commitment
from app.seeding.demo import load_demo
from app.seeding.programmes import load_programmes
from tests.sessions import sign_in

SEED = Path(__file__).resolve().parent.parent / "seed"
LANGUAGES = ("da", "nb", "sv", "en")
MADE_BY = {"da": "Udarbejdet af Nordialog", "nb": "Laget av Nordialog",
           "sv": "Skapad av Nordialog", "en": "Made by Nordialog"}
FORMULA = '=HYPERLINK("http://example.test","klik")'


@pytest.fixture
def reporting(app):
    """The demo, signed in as the administrator, with a commitment whose title is a formula."""
    with app.app_context(), db_session:
        load_programmes(SEED)
        load_demo(SEED)
        db = app.extensions["nordialog.db"]
        ids = {}
        for country, code in (("DK", "DEMO-DK-336"), ("NO", "DEMO-NO-1103"),
                              ("SE", "DEMO-SE-001")):
            ids[country] = db.Organisation.get(country=country, official_code=code).id
        school = db.Organisation.get(official_code="DEMO-DK-336-01")
        published = select(m for m in db.Meeting if m.engagement.organisation == school
                           and m.published_at is not None).first()
        ids["published"] = published.id
        ids["meeting"] = published.id
        current = select(e for e in db.Engagement if e.organisation == school
                         and e.status == "active").first()
        record_commitment(current, title=FORMULA, due_date=current.starts_on.replace(
            year=current.starts_on.year + 1), responsible_organisation=school)
        ids["skoldialogen"] = select(e.id for e in db.Engagement
                                     if e.programme.key == "se_skoldialogen").first()
        admin = db.User.get(email="admin@nordialog.demo").id
        commit()
    client = app.test_client()
    sign_in(client, admin)
    return client, ids


def fetch(client, path: str, fmt: str, language: str):
    response = client.get(path, query_string={"format": fmt, "language": language})
    assert response.status_code == 200, (path, fmt, language, response.status_code)
    return response


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join((page.extract_text() or "") for page in reader.pages)


def pdf_images(content: bytes) -> set[str]:
    """The names pypdf gives the PDF's images: ``.png`` for lossless (Flate) ones (WeasyPrint
    shares one set of resources between the pages: each image is counted once)."""
    return {image.name for page in PdfReader(io.BytesIO(content)).pages
            for image in page.images}


def check_every_format(client, path: str, labels: dict, written: str | None = None,
                       column: dict | None = None):
    """HTML and PDF in each language carry its labels and the text as written; CSV and XLSX
    carry the translated column headings."""
    for language in LANGUAGES:
        html = fetch(client, path, "html", language).get_data(as_text=True)
        assert f'<html lang="{language}">' in html
        assert MADE_BY[language] in html and labels[language] in html, (path, language)
        if written:
            assert written in html
        pdf = fetch(client, path, "pdf", language)
        assert pdf.mimetype == "application/pdf"
        text = " ".join(pdf_text(pdf.data).split())
        assert MADE_BY[language] in text and labels[language] in text, (path, language)
        if written:
            assert written in text
        rows = list(csv.reader(io.StringIO(
            fetch(client, path, "csv", language).data.decode("utf-8-sig"))))
        sheet = load_workbook(io.BytesIO(fetch(client, path, "xlsx", language).data)).active
        header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
        if column:
            assert column[language] in rows[0] and column[language] in header
        assert header == rows[0]


def test_minutes_in_the_programmes_template_in_every_language(reporting):
    client, ids = reporting
    check_every_format(
        client, f"/reports/minutes/{ids['meeting']}",
        # A section of the Danish minutes template, in the reader's language.
        {"da": "Aftaler for det kommende skoleår", "nb": "Avtaler for neste skoleår",
         "sv": "Överenskommelser för nästa läsår", "en": "Agreements for the coming school year"},
        written="Sidste års aftaler blev gennemgået",
        column={"da": "Ansvarlig", "nb": "Ansvarlig", "sv": "Ansvarig", "en": "Responsible"})


def test_public_minutes_leave_out_the_confidential(reporting):
    client, ids = reporting
    anonymous = client.application.test_client()
    for language in LANGUAGES:
        html = fetch(anonymous, f"/public/reports/minutes/{ids['published']}", "html",
                     language).get_data(as_text=True)
        assert "Sidste års aftaler blev gennemgået" in html
        assert {"da": "Offentlig udgave", "nb": "Offentlig versjon", "sv": "Offentlig version",
                "en": "Public version"}[language] in html
        assert "Fortroligt" not in html and "Confidential:" not in html


def test_owner_summary_in_every_language_and_format(reporting):
    client, ids = reporting
    path = f"/reports/owner-summary/{ids['DK']}"
    check_every_format(
        client, path, {"da": "Overblik", "nb": "Oversikt", "sv": "Översikt", "en": "Overview"},
        column={"da": "Skole", "nb": "Skole", "sv": "Skola", "en": "School"})
    html = fetch(client, path, "html", "sv").get_data(as_text=True)
    assert "Hårlev Skole (demo)" in html and "<svg" in html
    # In the PDF the same charts are PNG images (lossless: sharp labels), one per chart.
    images = pdf_images(fetch(client, path, "pdf", "sv").data)
    assert len(images) == html.count("<svg") and all(n.endswith(".png") for n in images)


def test_spreadsheets_never_start_a_cell_with_a_formula(reporting):
    client, ids = reporting
    path = f"/reports/minutes/{ids['meeting']}"
    # The formula commitment is in the current cycle; the owner summary lists it as a row.
    summary = f"/reports/owner-summary/{ids['DK']}"
    for target in (path, summary):
        text = fetch(client, target, "csv", "da").data.decode("utf-8-sig")
        cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    html = fetch(client, summary, "html", "da").get_data(as_text=True)
    assert "HYPERLINK" not in html or "&#34;" in html or "&quot;" in html


def test_quality_report_has_its_required_contents(reporting):
    client, ids = reporting
    path = f"/reports/quality/{ids['NO']}"
    check_every_format(
        client, path, {"da": "Resultater af nationale test",
                       "nb": "Resultater fra nasjonale prøver",
                       "sv": "Resultat på nationella prov", "en": "National test results"},
        column={"da": "Indikator", "nb": "Indikator", "sv": "Indikator", "en": "Indicator"})
    html = fetch(client, path, "html", "nb").get_data(as_text=True)
    for heading in ("Karakterer", "Læringsmiljø (Elevundersøkelsen)", "Gjennomføring og frafall",
                    "Avtaler og oppfølgingen av dem"):
        assert heading in html


@pytest.mark.parametrize("kind", ["interim", "final"])
def test_agency_reports_for_an_engagement(reporting, kind):
    client, ids = reporting
    check_every_format(
        client, f"/reports/engagements/{ids['skoldialogen']}/{kind}",
        {"da": "Handleplan", "nb": "Tiltaksplan", "sv": "Åtgärdsplan", "en": "Action plan"},
        column={"da": "Seneste opfølgning", "nb": "Siste oppfølging",
                "sv": "Senaste uppföljning", "en": "Latest follow-up"})
    html = fetch(client, f"/reports/engagements/{ids['skoldialogen']}/{kind}", "html",
                 "sv").get_data(as_text=True)
    assert ("Delredovisning" if kind == "interim" else "Slutredovisning") in html
    assert "Nulägesanalys" in html and "Indikatorernas utveckling" in html


def test_cross_country_comparison(reporting):
    client, _ids = reporting
    check_every_format(
        client, "/reports/comparison",
        {"da": "Efter land", "nb": "Etter land", "sv": "Per land", "en": "By country"},
        column={"da": "Nået til tiden", "nb": "Nådd i tide", "sv": "Uppnått i tid",
                "en": "Met on time"})
    text = fetch(client, "/reports/comparison", "csv", "en").data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    countries = {r["Name"] for r in rows if r["Level"] == "By country"}
    assert countries == {"Denmark", "Norway", "Sweden"}


def test_data_package_for_a_meeting(reporting):
    client, ids = reporting
    check_every_format(
        client, f"/meetings/{ids['meeting']}/data-package",
        {"da": "Ændring siden sidste periode", "nb": "Endring siden forrige periode",
         "sv": "Förändring sedan förra perioden", "en": "Change since last period"},
        column={"da": "Fortroligt", "nb": "Fortrolig", "sv": "Konfidentiellt",
                "en": "Confidential"})
    images = pdf_images(fetch(client, f"/meetings/{ids['meeting']}/data-package", "pdf",
                              "da").data)
    assert images and all(name.endswith(".png") for name in images)


def test_the_reports_page_previews_and_refuses_a_wrong_choice(reporting):
    client, ids = reporting
    page = client.get("/reports", query_string={"report": "owner_summary",
                                                "subject": f"owner:{ids['DK']}",
                                                "language": "sv", "format": "html"})
    assert page.status_code == 200 and "<iframe" in page.get_data(as_text=True)
    wrong = client.get("/reports", query_string={"lang": "da", "report": "minutes",
                                                         "subject": f"owner:{ids['DK']}",
                                                         "language": "da", "format": "doc"})
    body = wrong.get_data(as_text=True)
    assert wrong.status_code == 422
    assert "Vælg et format på listen." in body and "Vælg, hvad rapporten handler om" in body
    bad = client.get(f"/reports/owner-summary/{ids['DK']}", query_string={"format": "doc"})
    assert bad.status_code in (400, 422)


def test_reports_through_the_api(app, reporting):
    from app.accounts.services import issue_token

    _client, ids = reporting
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        secret = issue_token(db.User.get(email="admin@nordialog.demo"), "reports").secret
        commit()
    api = app.test_client()
    headers = {"Authorization": f"Bearer {secret}", "Accept-Language": "nb"}
    pdf = api.get(f"/api/v1/reports/interim/{ids['skoldialogen']}?format=pdf&language=sv",
                  headers=headers)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "Delredovisning" in pdf_text(pdf.data)
    html = api.get(f"/api/v1/reports/owner-summary/{ids['DK']}", headers=headers)
    assert html.status_code == 200 and "Oversikt" in html.get_data(as_text=True)  # nb
    wrong = api.get(f"/api/v1/reports/owner-summary/{ids['DK']}?format=doc", headers=headers)
    assert wrong.status_code == 422 and set(wrong.json) >= {"code", "status", "message",
                                                            "errors"}
    assert "format" in str(wrong.json["errors"])
    assert api.get(f"/api/v1/reports/quality/{ids['DK']}").status_code == 401
