"""Per-country checks from the programme data: warnings in the reader's language before minutes
are approved, a report is signed off or a phase begins."""

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from flask_babel import force_locale
from pony.orm import commit, db_session

from app.accounts.services import assign_role, create_user, issue_token
from app.checks.rules import engagement_checks, meeting_checks, previous_period, warnings
from app.commitments import services as commitments
from app.db import db
from app.engagements.services import mark_step, start_engagement, transition_to
from app.indicators.services import record_observation
from app.meetings import services as meetings
from app.organisations.services import create_organisation
from app.seeding.files import SeedError
from app.seeding.programmes import load_programmes, read_seed
from app.themes.services import choose_theme
from tests.sessions import sign_in

SEED = Path(__file__).resolve().parent.parent / "seed"


def failed(results) -> set:
    return {r.key for r in results if not r.passed}


def programme(key):
    return db.Programme.get(key=key)


@pytest.fixture
def danish(app):
    """A Danish school with last year's cycle (one commitment) and this year's talk planned."""
    with app.app_context(), db_session:
        load_programmes(SEED)
        owner = create_organisation(name="Stevns Kommune", kind="school_owner", country="DK")
        school = create_organisation(name="Hårlev Skole", kind="school", country="DK",
                                     parent=owner)
        talk = programme("dk_skoleudviklingssamtale")
        last = start_engagement(talk, school, period="2024/25", starts_on=date(2024, 8, 1))
        commitments.record_commitment(last, title="Læsebånd", due_date=date(2025, 6, 30),
                                      responsible_organisation=school,
                                      agreed_on=date(2024, 9, 1))
        this = start_engagement(talk, school, period="2025/26", starts_on=date(2025, 8, 1))
        meeting = meetings.plan_meeting(this, meeting_type="development_talk",
                                        starts_at=datetime(2026, 4, 20, 7, 0), place="Hårlev")
        user = create_user(email="konsulent@stevns.dk", name="Konsulent", password="x" * 12,
                           language="da")
        assign_role(user, "school_office", owner)
        token = issue_token(user, "checks").secret
        commit()
        return {"meeting": meeting.id, "token": token, "user": user.id}


def complete_the_danish_talk(meeting) -> None:
    items = {i.template_item.key: i for i in meeting.agenda_items}
    items["national_tests"].minutes = "Læsning og matematik i 3. og 6. klasse gennemgået."
    items["evaluation"].minutes = "Læsebåndet er gennemført."
    for key in ("reading", "mathematics"):
        choose_theme(meeting, db.Theme.get(key=key), party="ministry")
    choose_theme(meeting, db.Theme.get(key="well_being"), party="school")
    meetings.add_participant(meeting, name="Forælder", role="board_parent_representative")


def test_a_danish_talk_warns_of_each_missing_statutory_item_until_it_is_there(app, danish):
    with app.app_context(), db_session:
        meeting = db.Meeting[danish["meeting"]]
        assert failed(meeting_checks(meeting)) == {
            "test_results_discussed", "last_talk_followed_up", "parent_representative_invited",
            "school_development_areas"}
        complete_the_danish_talk(meeting)
        assert failed(meeting_checks(meeting)) == set()


def test_the_warnings_speak_the_readers_language_in_the_api(app, danish, client):
    headers = {"Authorization": f"Bearer {danish['token']}"}
    answer = client.get(f"/api/v1/meetings/{danish['meeting']}/checks?lang=da",
                        headers=headers)
    assert answer.status_code == 200
    body = answer.json
    assert (body["passed"], body["warnings"]) == (False, 4)
    by_key = {c["key"]: c for c in body["checks"]}
    invited = by_key["parent_representative_invited"]
    assert invited["label"] == "Skolebestyrelsens forældrerepræsentant er inviteret"
    assert invited["missing"] == ["Ikke inviteret: Forældrerepræsentant i skolebestyrelsen"]
    swedish = client.get(f"/api/v1/meetings/{danish['meeting']}/checks?lang=sv",
                         headers=headers).json
    assert {c["key"]: c for c in swedish["checks"]}["test_results_discussed"]["label"] == \
        "Resultaten i läsning och matematik från de nationella proven är diskuterade"


def test_approving_minutes_names_the_checks_not_met_but_does_not_refuse(app, danish, client):
    with app.app_context(), db_session:
        meeting = db.Meeting[danish["meeting"]]
        meetings.mark_held(meeting, held_at=datetime(2026, 4, 20, 9, 0))
        items = {i.template_item.key: i for i in meeting.agenda_items}
        meetings.write_minutes(items["evaluation"], "Læsebåndet er gennemført.")
    headers = {"Authorization": f"Bearer {danish['token']}"}
    approved = client.post(f"/api/v1/meetings/{danish['meeting']}/approve", headers=headers)
    assert approved.status_code == 200
    assert approved.headers["Nordialog-Check-Warnings"] == (
        "test_results_discussed, parent_representative_invited, school_development_areas")


def test_the_meeting_page_shows_the_warnings_and_approving_flashes_them(app, danish):
    client = app.test_client()
    sign_in(client, danish["user"])
    page = client.get(f"/meetings/{danish['meeting']}")
    assert page.status_code == 200
    assert "Før referatet godkendes" in page.text
    assert 'data-check="parent_representative_invited"' in page.text
    assert "4 krav er ikke opfyldt endnu:" in page.text
    with app.app_context(), db_session:
        meeting = db.Meeting[danish["meeting"]]
        complete_the_danish_talk(meeting)
        meetings.mark_held(meeting, held_at=datetime(2026, 4, 20, 9, 0))
        meetings.write_minutes(next(iter(meeting.agenda_items)), "Referat")
        db.Participant.select().first().invited = False
        commit()
        version = meeting.version
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    done = client.post(f"/meetings/{danish['meeting']}/approve",
                       data={"csrf_token": token, "version": str(version)},
                       follow_redirects=True)
    assert done.status_code == 200
    assert "Krav ikke opfyldt: Skolebestyrelsens forældrerepræsentant er inviteret" in done.text


@pytest.fixture
def norwegian(app):
    with app.app_context(), db_session:
        load_programmes(SEED)
        owner = create_organisation(name="Stavanger kommune", kind="school_owner", country="NO")
        school = create_organisation(name="Eiganes skole", kind="school", country="NO",
                                     parent=owner)
        engagement = start_engagement(programme("no_stavanger_dialogmote"), school,
                                      period="2025/26", starts_on=date(2025, 8, 1))
        commit()
        return engagement.id


def test_the_norwegian_quality_report_needs_results_dropout_environment_and_a_date(
        app, norwegian):
    with app.app_context(), db_session:
        engagement = db.Engagement[norwegian]
        results = engagement_checks(engagement, report="quality_report",
                                    today=date(2026, 6, 1))
        assert failed(results) == {"learning_results", "dropout", "learning_environment",
                                   "political_discussion_dated"}
        school = engagement.organisation
        for key in ("no_national_test_reading", "no_national_test_numeracy",
                    "no_grunnskolepoeng", "no_pupil_survey_well_being", "no_bullying"):
            record_observation(school, db.Indicator.get(key=key), period="2024/25", value=50)
        # Last year's figures count; a figure from two years ago does not.
        record_observation(school, db.Indicator.get(key="no_upper_secondary_completion"),
                           period="2023/24", value=80)
        results = engagement_checks(engagement, report="quality_report",
                                    today=date(2026, 6, 1))
        assert failed(results) == {"dropout", "political_discussion_dated"}
        record_observation(school, db.Indicator.get(key="no_upper_secondary_completion"),
                           period="2025/26", value=81)
        step = next(s for s in engagement.year_wheel if s.template_step.key == "quality_report")
        mark_step(step, done=True, on=date(2026, 6, 10))
        assert failed(engagement_checks(engagement, report="quality_report")) == set()


@pytest.fixture
def swedish(app):
    with app.app_context(), db_session:
        load_programmes(SEED)
        owner = create_organisation(name="Ekby kommun", kind="school_owner", country="SE")
        engagement = start_engagement(programme("se_skoldialogen"), owner, period="2025-2028",
                                      starts_on=date(2025, 8, 1))
        commit()
        return engagement.id


def test_skoldialogen_wants_analysis_and_action_plan_before_initiatives_start(app, swedish):
    with app.app_context(), db_session:
        engagement = db.Engagement[swedish]
        (result,) = engagement_checks(engagement, phase="implementation")
        assert not result.passed and len(result.missing) == 2
        meeting = meetings.plan_meeting(engagement, meeting_type="analysis_meeting",
                                        starts_at=datetime(2025, 11, 3, 9, 0))
        items = {i.template_item.key: i for i in meeting.agenda_items}
        items["analysis"].minutes = "Nulägesanalysen visar ..."
        (result,) = engagement_checks(engagement, phase="implementation")
        assert len(result.missing) == 1
        items["action_plan"].minutes = "Åtgärdsplanen antas."
        (result,) = engagement_checks(engagement, phase="implementation")
        assert result.passed
        transition_to(engagement, "implementation", occurred_on=date(2026, 1, 15))


def test_interim_reports_are_checked_against_their_dates(app, swedish):
    with app.app_context(), db_session:
        engagement = db.Engagement[swedish]
        step = next(s for s in engagement.year_wheel if s.template_step.key == "interim_report")
        from app.notify.calendar import step_month

        month = step_month(engagement, step.month)
        (before,) = engagement_checks(engagement, report="interim_report", today=month)
        assert before.passed
        (late,) = engagement_checks(engagement, report="interim_report",
                                    today=date(month.year + 1, month.month, 1))
        assert not late.passed and "is not done" in late.missing[0]
        mark_step(step, done=True, on=date(month.year, month.month, 20))
        (on_time,) = engagement_checks(engagement, report="interim_report",
                                       today=date(month.year + 1, month.month, 1))
        assert on_time.passed


def test_engagement_checks_in_the_api_and_on_the_page(app, norwegian):
    with app.app_context(), db_session:
        user = create_user(email="radgiver@stavanger.no", name="Rådgiver", password="x" * 12,
                           language="nb")
        assign_role(user, "school_office", db.Engagement[norwegian].organisation.parent)
        token = issue_token(user, "checks").secret
        commit()
        user_id = user.id
    client = app.test_client()
    answer = client.get(f"/api/v1/engagements/{norwegian}/checks?report=quality_report",
                        headers={"Authorization": f"Bearer {token}", "Accept-Language": "nb"})
    assert answer.status_code == 200 and answer.json["warnings"] == 4
    assert answer.json["checks"][0]["label"].startswith("Læringsresultater foreligger")
    assert client.get(f"/api/v1/engagements/{norwegian}/checks?colour=red",
                      headers={"Authorization": f"Bearer {token}"}).status_code == 422
    sign_in(client, user_id)
    page = client.get(f"/engagements/{norwegian}")
    assert 'data-check="dropout"' in page.text


@pytest.mark.parametrize(("old", "new", "problem"), [
    ('meeting_types = ["development_talk"]\nkind = "evaluation_present"',
     'meeting_types = ["talk_show"]\nkind = "evaluation_present"',
     "checks #2 (last_talk_followed_up) > meeting_types: Unknown meeting type 'talk_show'"),
    ('themes = ["reading", "mathematics"]', 'themes = ["reading", "chess"]',
     "checks #1: unknown theme 'chess'"),
    ('roles = ["board_parent_representative"]', 'roles = ["janitor"]',
     "checks #3: unknown role 'janitor'"),
])
def test_a_check_naming_what_does_not_exist_is_refused_with_the_place(tmp_path, old, new,
                                                                       problem):
    import shutil

    copy = tmp_path / "seed"
    shutil.copytree(SEED, copy)
    path = copy / "programmes" / "dk_skoleudviklingssamtale.toml"
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new))
    with pytest.raises(SeedError) as refused:
        read_seed(copy)
    assert problem in "\n".join(refused.value.problems)


def test_previous_school_year():
    assert previous_period("2025/26") == "2024/25"
    assert previous_period("2000/01") == "1999/00"
    assert previous_period("2025-2028") is None


def test_reports_list_the_checks_not_met_before_they_are_signed_off(app, norwegian, swedish):
    """The quality report and the interim report show, in the reader's language, what the
    programme asks for that is not in place; once it is, the warning is gone."""
    with app.app_context(), db_session:
        engagement = db.Engagement[norwegian]
        owner = engagement.organisation.parent
        office = create_user(email="radgiver@stavanger.no", name="Rådgiver",
                             password="x" * 12, language="nb")
        assign_role(office, "school_office", owner)
        admin = create_user(email="admin@nordialog.no", name="Admin", password="x" * 12,
                            language="sv")
        assign_role(admin, "administrator", None)
        commit()
        owner_id, office_id, admin_id = owner.id, office.id, admin.id
    client = app.test_client()
    sign_in(client, office_id)
    report = client.get(f"/reports/quality/{owner_id}?language=nb&period=2025/26")
    assert report.status_code == 200
    warned = re.findall(r"<li data-report-check>([^<]+)</li>", report.text)
    assert len(warned) == 4 and any("Frafall foreligger" in w for w in warned), warned
    assert "Før rapporten godkjennes" in report.text
    with app.app_context(), db_session:
        school = db.Engagement[norwegian].organisation
        for key in ("no_national_test_reading", "no_national_test_numeracy",
                    "no_grunnskolepoeng", "no_pupil_survey_well_being", "no_bullying",
                    "no_upper_secondary_completion"):
            record_observation(school, db.Indicator.get(key=key), period="2025/26", value=50)
        commit()
    warned = re.findall(r"<li data-report-check>([^<]+)</li>",
                        client.get(f"/reports/quality/{owner_id}?language=nb&period=2025/26"
                                   ).text)
    assert len(warned) == 1 and "politiske behandlingen" in warned[0]

    agency = app.test_client()
    sign_in(agency, admin_id)
    with app.test_request_context(), db_session, force_locale("sv"):
        expected = warnings(engagement_checks(db.Engagement[swedish], report="interim_report"))
    interim = agency.get(f"/reports/engagements/{swedish}/interim?language=sv")
    assert interim.status_code == 200
    assert re.findall(r"<li data-report-check>([^<]+)</li>", interim.text) == expected
    assert ("Innan rapporten godkänns" in interim.text) == bool(expected)
