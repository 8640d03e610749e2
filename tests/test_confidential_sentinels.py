"""Planted confidential values never reach a reader without access, a log, or the audit trail."""

import json
import logging
import re

import pytest
from pony.orm import db_session

from tests.authz_matrix import ENTRIES, SIDE
from tests.sessions import sign_in
from tests.world import SENTINEL_TITLE, SENTINEL_VALUE

SENTINELS = (SENTINEL_TITLE, "SENTINEL-ACTIONS-7f3a", str(SENTINEL_VALUE).replace(".", ","),
             str(SENTINEL_VALUE))
GETS = [entry for entry in ENTRIES if entry.method == "GET" and entry.channel == "api"]


def every_readable_body(client, world, role):
    for entry in GETS:
        for side in ("A", "B", "S"):
            ids = {kind: world.ids[name] for kind, name in SIDE[side].items()}
            ids.update(open_=world.ids["open_"], token=world.ids["token_admin"])
            path = entry.path(ids) if entry.path else entry.rule
            for query in ("", "?per_page=200", "?format=xlsx"):
                with client.get(path + query, headers=world.headers[role]) as response:
                    yield path + query, response.get_data()


@pytest.mark.parametrize("role", ["board_a1", "office_b", "officer", "nobody", "anonymous"])
def test_no_sentinel_reaches_a_role_without_access(client, world, role):
    leaks = [path for path, body in every_readable_body(client, world, role)
             for sentinel in SENTINELS if sentinel.encode() in body]
    assert leaks == []


def test_the_sentinels_are_there_for_those_allowed(client, world):
    # The positive control: the same search finds them for the school's leader.
    found = {sentinel for _path, body in every_readable_body(client, world, "leader_a1")
             for sentinel in SENTINELS if sentinel.encode() in body}
    assert SENTINEL_TITLE in found and str(SENTINEL_VALUE) in found


def test_confidential_changes_stay_out_of_logs_and_audit(app, client, world, caplog):
    caplog.set_level(logging.DEBUG)
    path = f"/api/v1/commitments/{world.c_a1_conf}"
    etag = client.get(path, headers=world.headers["office_a"]).headers["ETag"]
    changed = client.patch(path, headers={**world.headers["office_a"], "If-Match": etag},
                           json={"title": SENTINEL_TITLE + "-v2", "actions": "SENTINEL-ACTIONS-2"})
    assert changed.status_code == 200
    refused = client.get(path, headers=world.headers["board_a1"])
    assert refused.status_code == 404
    assert "SENTINEL" not in caplog.text
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        entries = json.dumps([e.changes for e in db.AuditEntry.select()], default=str)
        update = db.AuditEntry.select(lambda e: e.entity == "Commitment" and e.action == "update"
                                      and e.entity_id == world.c_a1_conf).first()
    assert "SENTINEL" not in entries
    assert update.changes["title"] == {"before": "[confidential]", "after": "[confidential]"}


# --- public reports and charts ------------------------------------------------------------------

SMALL_GROUP_VALUE = 123.456  # from 3 pupils, where 5 is the least that may be published
REPORT_SENTINELS = SENTINELS + ("987,7", "987.7", "123,5", "123.5", "123,46", "123.46")


def _plant_for_reports(app, world):
    """A confidential commitment on the published meeting (republished), and a small group's
    value on a published indicator of school A1."""
    from app.commitments.services import record_commitment
    from app.meetings.services import approve_minutes, publish_minutes, revise_published_minutes

    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        meeting = db.Meeting[world.m_pub]
        record_commitment(meeting.engagement, meeting=meeting, title=SENTINEL_TITLE + "-M",
                          actions="SENTINEL-ACTIONS-7f3a", confidential=True,
                          due_date=meeting.starts_at.date().replace(year=2027),
                          responsible_organisation=meeting.engagement.organisation)
        record_commitment(meeting.engagement, meeting=meeting, title="Public agreement",
                          due_date=meeting.starts_at.date().replace(year=2027),
                          responsible_organisation=meeting.engagement.organisation)
        revise_published_minutes(meeting)
        meeting.status = "minutes_drafted"
        approve_minutes(meeting)
        publish_minutes(meeting)
        small = db.Indicator(key="test_small_groups", labels={"en": "Small", "da": "Lille",
                                                             "nb": "Liten", "sv": "Liten"},
                             unit="percent", direction="higher_is_better", source="Test",
                             min_group_size=5)
        for organisation in (db.Organisation[world.a1], db.Organisation[world.a2]):
            db.Observation(organisation=organisation, indicator=small, period="2025/26",
                           value=SMALL_GROUP_VALUE, group_size=3)
        programme = db.Engagement[world.e_a1].programme
        for position, indicator in enumerate((small, db.Indicator[world.secret]), start=1):
            db.ProgrammeIndicator(programme=programme, indicator=indicator, position=position)
        db.commit()


def _texts(response) -> str:
    """What a reader could read in a response, whatever its format."""
    import io
    import zipfile

    from pypdf import PdfReader

    body = response.get_data()
    if response.mimetype == "application/pdf":
        return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return " ".join(archive.read(name).decode("utf-8", "replace")
                            for name in archive.namelist())
    text = body.decode("utf-8-sig", "replace")
    if "<svg" in text:  # a chart's geometry (x="123.5") is not something anyone reads
        text = re.sub(r"<style.*?</style>", " ", text, flags=re.S)
        text = re.sub(r"<[^>]*>", " ", text)
    return text


def test_no_sentinel_in_any_public_report_or_chart(app, world):
    _plant_for_reports(app, world)
    visitor = app.test_client()
    paths = [f"/public/reports/minutes/{world.m_pub}", f"/public/minutes/{world.m_pub}",
             *[f"/public/reports/owner-summary/{world.ids[o]}"
               for o in ("owner_a", "owner_b", "owner_s")]]
    seen_public_agreement = False
    for path in paths:
        for fmt in ("html", "pdf", "csv", "xlsx"):
            for language in ("da", "nb", "sv", "en"):
                response = visitor.get(path, query_string={"format": fmt, "language": language})
                assert response.status_code == 200, (path, fmt, language)
                text = _texts(response)
                raw = response.get_data().decode("utf-8", "replace")  # attributes too
                leaks = [s for s in REPORT_SENTINELS if s in text]
                leaks += [s for s in SENTINELS[:2] if s in raw]
                assert leaks == [], (path, fmt, language, leaks)
                seen_public_agreement |= "Public agreement" in text
    assert seen_public_agreement  # the positive control: the published agreement is there
    # Charts are never served to the public; the signed-in routes send a visitor to sign in.
    chart = visitor.get(f"/charts/organisations/{world.a1}/indicators/test_national_test.svg")
    assert chart.status_code == 302


def test_small_groups_are_suppressed_in_internal_reports_too(app, world):
    _plant_for_reports(app, world)
    office = app.test_client()
    sign_in(office, world.office_a)
    for path in (f"/reports/owner-summary/{world.owner_a}",
                 f"/meetings/{world.m_pub}/data-package",
                 f"/charts/organisations/{world.a1}/indicators/test_small_groups.svg"):
        for fmt in (("svg",) if "/charts/" in path else ("html", "csv")):
            response = office.get(path, query_string={"format": fmt, "language": "da"})
            assert response.status_code == 200, path
            assert not any(s in _texts(response) for s in ("123,5", "123.5", "123,46")), path
    # The school office may read the confidential national test value in its data package.
    package = office.get(f"/meetings/{world.m_pub}/data-package?language=en").get_data(True)
    assert "987.7" in package and "Confidential" in package


# --- the data package for a meeting ---------------------------------------------------------------

CONFIDENTIAL_OBSERVATION = 444.4  # a value recorded as confidential on an open indicator


def _plant_for_data_package(app, world):
    """The open indicator in the programme too, with an earlier value of school A1 recorded
    as confidential (the chart would draw it, the table not)."""
    _plant_for_reports(app, world)
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        open_ = db.Indicator.get(key="test_well_being")
        db.Observation(organisation=db.Organisation[world.a1], indicator=open_,
                       period="2024/25", value=CONFIDENTIAL_OBSERVATION, group_size=40,
                       confidential=True)
        db.ProgrammeIndicator(programme=db.Engagement[world.e_a1].programme, indicator=open_,
                              position=3)
        db.commit()


def test_the_data_package_shows_confidential_values_only_to_those_allowed(app, world):
    _plant_for_data_package(app, world)
    hidden = REPORT_SENTINELS + ("444,4", "444.4")
    board, office = app.test_client(), app.test_client()
    sign_in(board, world.board_a1)  # may read the meeting, not the school's confidential data
    sign_in(office, world.office_a)
    path = f"/meetings/{world.m_pub}/data-package"
    for fmt in ("html", "pdf", "csv", "xlsx"):
        for language in ("da", "nb", "sv", "en"):
            query = {"format": fmt, "language": language}
            response = board.get(path, query_string=query)
            assert response.status_code == 200, (fmt, language)
            text = _texts(response)
            leaks = [s for s in hidden if s in text]
            assert leaks == [], (fmt, language, leaks)
            assert f"National test ({language})" not in text and "National test" not in text
            assert "Well-being" in text  # the positive control: the open indicator is there
            allowed = _texts(office.get(path, query_string=query))
            # Those allowed see the value, and see it marked as confidential.
            assert "987" in allowed, (fmt, language)
            assert {"da": "Fortroligt", "nb": "Fortrolig", "sv": "Konfidentiellt",
                    "en": "Confidential"}[language] in allowed, (fmt, language)
    chart = office.get(path, query_string={"language": "en"}).get_data(as_text=True)
    assert "444.4" in chart  # the confidential earlier value is drawn for the office


def test_small_groups_are_suppressed_in_every_report_and_format(app, world):
    """The planted small-group values (3 pupils where 5 may be published) appear in no report
    made for the school office, in any format: summary, quality report, interim and final
    report, data package."""
    _plant_for_reports(app, world)
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        # On the learning-environment indicator too, which the quality report shows.
        db.Observation(organisation=db.Organisation[world.a2],
                       indicator=db.Indicator.get(key="test_well_being"), period="2025/26",
                       value=SMALL_GROUP_VALUE, group_size=3)
        db.commit()
    office = app.test_client()
    sign_in(office, world.office_a)
    paths = [f"/reports/owner-summary/{world.owner_a}", f"/reports/quality/{world.owner_a}",
             f"/reports/engagements/{world.e_a1}/interim",
             f"/reports/engagements/{world.e_a1}/final",
             f"/meetings/{world.m_pub}/data-package"]
    small = ("123,5", "123.5", "123,46", "123.46")
    noted = set()
    for path in paths:
        for fmt in ("html", "pdf", "csv", "xlsx"):
            for language in ("da", "en"):
                response = office.get(path, query_string={"format": fmt, "language": language})
                assert response.status_code == 200, (path, fmt, language)
                text = _texts(response)
                assert not [s for s in small if s in text], (path, fmt, language)
                if "Values from groups smaller than 5 are not shown." in text:
                    noted.add((path.split("/")[2 if path.startswith("/reports") else 3], fmt))
    # The positive control: the reports say that values were left out (the summary in its
    # chart, drawn as text in HTML; the data package under its table).
    assert {("owner-summary", "html"), ("data-package", "html"),
            ("data-package", "pdf")} <= noted, noted
