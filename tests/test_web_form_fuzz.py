"""Property-based tests of the web forms: whatever a person (or a script) posts to the main
forms, the answer is never a server error, a refused form writes nothing at all, and every
message about a field stands beside that field.

The forms are read from the pages themselves (a commitment, a meeting, an engagement, the
page that starts an engagement), so a form added to those pages is fuzzed too. Hypothesis
draws a form and values for its fields: text with any characters (NUL and control characters
included), dates real and impossible, numbers out of range, formulas, markup, and fields left
out. NORDIALOG_FUZZ_EXAMPLES sets the number of examples per page (100 in CI).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.backup import table_summary
from app.db import DatabaseUrl
from tests.test_api_fuzz import EXAMPLES
from tests.test_sign_in import sign_in
from tests.world import PASSWORD


class _Forms(HTMLParser):
    """The POST forms of a page: action, and field name -> the value the page put in it."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._current: dict | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._current = {"action": attrs["action"], "fields": {}}
            self.forms.append(self._current)
        elif self._current is not None and tag in ("input", "select", "textarea") \
                and attrs.get("name"):
            if attrs.get("type") in ("submit", "button"):
                return
            self._current["fields"].setdefault(attrs["name"], attrs.get("value") or "")
            if tag == "textarea":
                self._textarea = attrs["name"]

    def handle_data(self, data):
        if self._textarea and self._current is not None:
            self._current["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        elif tag == "textarea":
            self._textarea = None


def post_forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    # Signing out and switching language are not data forms.
    return [f for f in parser.forms if f["action"] not in ("/sign-out", "/language")]


#: What people type, and what they should not.
VALUES = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(["", " ", "\x00", "a\x00b", "2026-02-30", "2026-13-01", "0000-00-00",
                     "9999-12-31", "-1", "0", "101", "99999999999999999999", "1e309", "NaN",
                     "=HYPERLINK(\"http://x\")", "<script>alert(1)</script>", "on", "true",
                     "achieved", "missed", "in_progress", "x" * 20_001]),
    st.dates().map(str),
    st.integers().map(str),
)


def _field_errors_stand_beside_their_fields(html: str) -> None:
    for error_id in re.findall(r'class="field-error"[^>]*id="([^"]+)"', html) + \
            re.findall(r'id="([^"]+)"[^>]*class="field-error"', html):
        assert f'aria-describedby="{error_id}"' in html or \
            re.search(rf'aria-describedby="[^"]*\b{re.escape(error_id)}\b', html), error_id


PAGES = {
    "commitment": lambda w: f"/commitments/{w.c_a1}",
    "meeting": lambda w: f"/meetings/{w.m_a1}",
    "engagement": lambda w: f"/engagements/{w.e_a1}",
    "start engagement": lambda w: f"/organisations/{w.a1}/engagements/new",
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_posting_anything_to_a_form_never_breaks_or_half_writes(app, world, page):
    client = app.test_client()
    assert sign_in(client, "office_a@example.test", PASSWORD).status_code == 302
    url = DatabaseUrl.parse(app.config["DATABASE_URL"])
    path = PAGES[page](world)
    shown = client.get(path)
    assert shown.status_code == 200
    forms = post_forms(shown.text)
    assert forms, f"no forms on {path}"
    outcomes: dict[int, int] = {}

    @given(data=st.data())
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def fuzz(data):
        form = data.draw(st.sampled_from(forms), label="form")
        values = {}
        for name, value in form["fields"].items():
            if name == "csrf_token":
                values[name] = value
                continue
            choice = data.draw(st.sampled_from(["page", "fuzz", "fuzz", "leave out"]),
                               label=name)
            if choice == "page":
                values[name] = value
            elif choice == "fuzz":
                values[name] = data.draw(VALUES, label=name)
        before = table_summary(url)
        response = client.post(form["action"], data=values,
                               headers={"Accept-Language": "da"})
        outcomes[response.status_code] = outcomes.get(response.status_code, 0) + 1
        assert response.status_code < 500, response.text[:2000]
        if response.status_code in (302, 303):
            return
        assert response.status_code in (400, 409, 412, 413, 422), response.status_code
        assert table_summary(url) == before, "a refused form wrote something"
        if response.status_code in (409, 412, 422):
            assert 'role="alert"' in response.text
            _field_errors_stand_beside_their_fields(response.text)

    fuzz()
    print(f"\n{page}: {len(forms)} forms, outcomes {sorted(outcomes.items())}")


def test_an_unknown_phase_is_a_field_error_not_a_missing_page(client, world):
    response = client.post(f"/api/v1/engagements/{world.e_a1}/transitions",
                           json={"phase": "no-such-phase", "occurred_on": "2026-09-01"},
                           headers={**world.headers["office_a"], "Accept-Language": "sv"})
    assert response.status_code == 422
    assert "phase" in response.json["errors"]


def test_a_bad_attendance_is_shown_beside_its_participant_and_nothing_is_saved(
        app, client, world):
    assert sign_in(client, "office_a@example.test", PASSWORD).status_code == 302
    page = client.get(f"/meetings/{world.m_a1}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    url = DatabaseUrl.parse(app.config["DATABASE_URL"])
    before = table_summary(url)
    field = f"attendance-{world.p_a1}"
    version = re.search(rf'name="version-{field}" value="(\d+)"', page.text).group(1)
    response = client.post(f"/meetings/{world.m_a1}/attendance", data={
        "csrf_token": token, field: "teleported", f"version-{field}": version})
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert f'aria-describedby="{field}-error"' in response.text
    assert table_summary(url) == before
