"""The dashboard's chart: the followed schools' commitments in ongoing engagements by status,
for those who run dialogues, counted in SQL and drawn in the reader's language."""

import re

from pony.orm import db_session

from app.accounts.access import principal_for, visible_commitments
from app.commitments.status import STATUSES
from app.db import db
from tests.sessions import sign_in


def test_the_office_sees_its_schools_commitments_by_status(app, world):
    client = app.test_client()
    sign_in(client, world.ids["office_a"])
    page = client.get("/?lang=da")
    assert page.status_code == 200
    figure = re.search(r'<figure class="dashboard-chart">(.*?)</figure>', page.text, re.S)
    assert figure, "no chart on the office's dashboard"
    with app.test_request_context(), db_session:
        from flask_babel import force_locale

        principal = principal_for(db.User[world.ids["office_a"]])
        followed = [c for c in visible_commitments(principal, "manage")
                    if c.engagement.status == "active"]
        shown = {c.status for c in followed}
        with force_locale("da"):
            expected = {str(STATUSES[s]) for s in shown}
            spoken = {f"{STATUSES[s]}: {sum(c.status == s for c in followed)}" for s in shown}
            absent = {str(STATUSES[s]) for s in STATUSES} - expected
    assert shown, "the world gives office_a commitments"
    for label in expected:
        assert label in figure.group(1)
    for label in absent:
        assert f">{label}<" not in figure.group(1)
    # A screen reader hears the counts, not only the title.
    label = re.search(r'<svg[^>]*aria-label="([^"]*)"', figure.group(1)).group(1)
    assert all(part in label for part in spoken), (label, spoken)


def test_people_who_do_not_run_dialogues_get_no_chart(app, world):
    client = app.test_client()
    sign_in(client, world.ids["leader_a1"])
    page = client.get("/")
    assert page.status_code == 200 and "dashboard-chart" not in page.text


def test_the_chart_leaves_out_finished_engagements(app, world):
    """A closed engagement's commitments drop out of the chart (and its counts) at once."""
    client = app.test_client()
    sign_in(client, world.ids["office_a"])

    def spoken() -> str:
        page = client.get("/?lang=en")
        return re.search(r'<svg[^>]*aria-label="([^"]*)"', page.text).group(1)

    before = spoken()
    with app.test_request_context(), db_session:
        principal = principal_for(db.User[world.ids["office_a"]])
        engagements = {c.engagement for c in visible_commitments(principal, "manage")
                       if c.engagement.status == "active"}
        assert engagements, "the world gives office_a an ongoing engagement with commitments"
        for engagement in engagements:
            engagement.status = "completed"
    after = client.get("/?lang=en")
    assert after.status_code == 200
    assert "dashboard-chart" not in after.text, (before, "still drawn after every engagement ended")
