"""The authorization matrix: for every route and method, what each role gets when acting on its
own organisation's record and on another organisation's.

``OK`` means the request was allowed (whatever the domain then said: 2xx, or 409/422 when the
state or input does not fit); 401, 403 and 404 are the refusals, exactly. "Own" is school A1
(owner A) for everyone but the agency officer, whose own is the Swedish owner S in the agency's
programme; "other" is school B1 (owner B), and for the officer school A1. See tests/world.py.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

OK = "ok"
SIGN_IN = "sign-in"  # a web page sends the visitor to sign in
ROLES = ("anonymous", "nobody", "admin", "office_a", "leader_a1", "board_a1", "officer")
OWN = {"officer": "S"}
OTHER = {"officer": "A"}


def sides(role: str) -> tuple[str, str]:
    return OWN.get(role, "A"), OTHER.get(role, "B")


def _pattern(**overrides) -> dict:
    base = {"anonymous": (401, 401), "nobody": (404, 404), "admin": (OK, OK),
            "office_a": (OK, 404), "leader_a1": (OK, 404), "board_a1": (OK, 404),
            "officer": (OK, 404)}
    return {**base, **overrides}


READ = _pattern()
MANAGE = _pattern(leader_a1=(403, 404), board_a1=(403, 404))
FOLLOW_UP = _pattern(board_a1=(403, 404))
PROPOSE_THEME = FOLLOW_UP
ORGANISATION_MANAGE = _pattern(leader_a1=(403, 404), board_a1=(403, 404), officer=(403, 404))
INDICATORS = ORGANISATION_MANAGE
LIST = {role: (OK, OK) for role in ROLES} | {"anonymous": (401, 401)}
PUBLIC = {role: (OK, OK) for role in ROLES}
SELF = LIST
OWN_TOKEN = {role: (OK, 404) for role in ROLES} | {"anonymous": (401, 401)}
ADMIN = {role: (403, 403) for role in ROLES} | {"anonymous": (401, 401), "admin": (OK, OK)}
WEB_SIGNED_IN = {role: (OK, OK) for role in ROLES} | {"anonymous": (SIGN_IN, SIGN_IN)}


def web(pattern: dict) -> dict:
    """The same pattern on a web page: the anonymous visitor is sent to sign in."""
    return pattern | {"anonymous": (SIGN_IN, SIGN_IN)}

# What each side's records are called in the world.
SIDE = {
    "A": dict(organisation="a1", owner="owner_a", engagement="e_a1", meeting="m_a1",
              commitment="c_a1", follow_up="f_a1", participant="p_a1", agenda_item="ai_a1",
              step="ys_a1", programme="danish", participant_org="a1", proposal="prop_a1",
              published="m_pub"),
    "B": dict(organisation="b1", owner="owner_b", engagement="e_b1", meeting="m_b1",
              commitment="c_b1", follow_up="f_b1", participant="p_b1", agenda_item="ai_b1",
              step="ys_b1", programme="danish", participant_org="b1", proposal="prop_b1",
              published="m_pub"),
    "S": dict(organisation="s1", owner="owner_s", engagement="e_s", meeting="m_s",
              commitment="c_s", follow_up="f_s", participant="p_s", agenda_item="ai_s",
              step="ys_s", programme="agency_programme", participant_org="owner_s",
              proposal="prop_s", published="m_pub"),
}


@dataclass
class Entry:
    method: str
    rule: str
    expect: dict
    path: object = None           # callable(ids_of_side) -> path, or None: the rule itself
    json: object = None           # callable(ids_of_side) -> body
    files: bool = False           # a multipart upload
    channel: str = "api"          # "api" (token) or "web" (signed-in session)
    notes: list = field(default_factory=list)


def _id(kind: str):
    return lambda ids: ids[kind]


def p(template: str, **kinds):
    """A path from a template whose placeholders name kinds of records on the side."""
    return lambda ids: template.format(**{k: ids[v] for k, v in kinds.items()})


AWARE = "2026-05-04T09:00:00+02:00"

ENTRIES = [
    # --- public and service routes -----------------------------------------------------------
    Entry("GET", "/healthz", PUBLIC),
    Entry("GET", "/api/openapi.json", PUBLIC),
    Entry("GET", "/api/docs", PUBLIC),
    Entry("GET", "/api/docs/static/<path:filename>", PUBLIC,
          path=lambda ids: "/api/docs/static/swagger-ui.css"),
    Entry("GET", "/static/<path:filename>", PUBLIC, path=lambda ids: "/static/js/api-docs.js"),
    Entry("GET", "/sign-in", PUBLIC, channel="web"),
    Entry("POST", "/sign-in", {role: (401, 401) for role in ROLES}, channel="web",
          # A different unknown account each time (the same one would soon be throttled).
          json=lambda ids: {"email": f"{ids['role']}-{ids['side']}@example.test",
                            "password": "wrong password!"}),
    Entry("POST", "/sign-out", {role: (SIGN_IN, SIGN_IN) for role in ROLES}, channel="web"),
    Entry("POST", "/language", PUBLIC, channel="web", json=lambda ids: {"language": "sv"}),
    Entry("GET", "/", WEB_SIGNED_IN, channel="web"),
    Entry("GET", "/api/v1/programmes", PUBLIC),
    Entry("GET", "/api/v1/programmes/<id:programme_id>", PUBLIC,
          path=p("/api/v1/programmes/{x}", x="programme")),
    Entry("GET", "/api/v1/themes", PUBLIC),
    Entry("GET", "/api/v1/indicators", PUBLIC),
    Entry("GET", "/api/v1/indicators/<id:indicator_id>", PUBLIC,
          path=lambda ids: f"/api/v1/indicators/{ids['open_']}"),
    # --- the caller ---------------------------------------------------------------------------
    Entry("GET", "/api/v1/me", SELF),
    Entry("PATCH", "/api/v1/me", SELF, json=lambda ids: {"language": "da"}),
    Entry("GET", "/api/v1/me/tokens", SELF),
    Entry("POST", "/api/v1/me/tokens", SELF, json=lambda ids: {"name": "matrix"}),
    Entry("DELETE", "/api/v1/me/tokens/<id:token_id>", OWN_TOKEN,
          path=lambda ids: f"/api/v1/me/tokens/{ids['token']}"),
    Entry("POST", "/api/v1/themes", _pattern(nobody=(403, 403), board_a1=(403, 403),
                                             office_a=(OK, OK), leader_a1=(OK, OK),
                                             officer=(OK, OK)),
          json=lambda ids: {"title": "Matrix theme"}),
    Entry("GET", "/api/v1/audit", ADMIN),
    # An active account: the administrator is allowed, and then refused by the domain (409).
    Entry("POST", "/api/v1/users/<id:user_id>/pseudonymize", ADMIN,
          path=lambda ids: "/api/v1/users/1/pseudonymize"),
    Entry("GET", "/api/v1/audit/export", ADMIN),
    # --- organisations ----------------------------------------------------------------------
    Entry("GET", "/api/v1/organisations", LIST),
    Entry("GET", "/api/v1/organisations/<id:organisation_id>", READ,
          path=p("/api/v1/organisations/{x}", x="organisation")),
    Entry("POST", "/api/v1/organisations", ORGANISATION_MANAGE | {
          "nobody": (404, 404), "leader_a1": (404, 404), "board_a1": (404, 404),
          "officer": (403, 404)},
          json=lambda ids: {"name": "Ny skole", "kind": "school", "country": ids["country"],
                            "parent_id": ids["owner"]}),
    Entry("PATCH", "/api/v1/organisations/<id:organisation_id>", ORGANISATION_MANAGE,
          path=p("/api/v1/organisations/{x}", x="organisation"),
          json=lambda ids: {"name": "Omdøbt skole"}),
    # --- engagements --------------------------------------------------------------------------
    Entry("GET", "/api/v1/engagements", LIST),
    Entry("GET", "/api/v1/engagements/<id:engagement_id>", READ,
          path=p("/api/v1/engagements/{x}", x="engagement")),
    Entry("POST", "/api/v1/engagements", MANAGE | {"officer": (OK, 404)},
          json=lambda ids: {"programme_id": ids["programme"],
                            "organisation_id": ids["participant_org"], "period": "2031/32",
                            "starts_on": "2031-08-01"}),
    Entry("PATCH", "/api/v1/engagements/<id:engagement_id>", MANAGE,
          path=p("/api/v1/engagements/{x}", x="engagement"),
          json=lambda ids: {"ends_on": "2026-07-31"}),
    Entry("GET", "/api/v1/engagements/<id:engagement_id>/transitions", READ,
          path=p("/api/v1/engagements/{x}/transitions", x="engagement")),
    Entry("POST", "/api/v1/engagements/<id:engagement_id>/transitions", MANAGE,
          path=p("/api/v1/engagements/{x}/transitions", x="engagement"),
          json=lambda ids: {"phase": "talk", "occurred_on": "2026-01-10"}),
    Entry("POST", "/api/v1/engagements/<id:engagement_id>/close", MANAGE,
          path=p("/api/v1/engagements/{x}/close", x="engagement"),
          json=lambda ids: {"status": "completed"}),
    Entry("GET", "/api/v1/engagements/<id:engagement_id>/year-wheel", READ,
          path=p("/api/v1/engagements/{x}/year-wheel", x="engagement")),
    Entry("PATCH", "/api/v1/year-wheel-steps/<id:step_id>", MANAGE,
          path=p("/api/v1/year-wheel-steps/{x}", x="step"),
          json=lambda ids: {"done": True, "done_on": "2025-11-10"}),
    # --- meetings -----------------------------------------------------------------------------
    Entry("GET", "/api/v1/meetings", LIST),
    Entry("GET", "/api/v1/meetings/<id:meeting_id>", READ,
          path=p("/api/v1/meetings/{x}", x="meeting")),
    Entry("POST", "/api/v1/meetings", MANAGE,
          json=lambda ids: {"engagement_id": ids["engagement"], "meeting_type": "talk",
                            "starts_at": AWARE}),
    Entry("PATCH", "/api/v1/meetings/<id:meeting_id>", MANAGE,
          path=p("/api/v1/meetings/{x}", x="meeting"), json=lambda ids: {"place": "Aulaen"}),
    *[Entry("POST", f"/api/v1/meetings/<id:meeting_id>/{action}", MANAGE,
            path=p("/api/v1/meetings/{x}/" + action, x="meeting"),
            json=(lambda ids: {"held_at": AWARE}) if action == "hold" else None)
      for action in ("hold", "approve", "publish", "return-to-draft", "revise", "cancel")],
    Entry("GET", "/api/v1/meetings/<id:meeting_id>/publications", READ,
          path=p("/api/v1/meetings/{x}/publications", x="meeting")),
    Entry("POST", "/api/v1/meetings/<id:meeting_id>/participants", MANAGE,
          path=p("/api/v1/meetings/{x}/participants", x="meeting"),
          json=lambda ids: {"name": "Jens", "role": "board_parent_representative"}),
    Entry("PATCH", "/api/v1/participants/<id:participant_id>", MANAGE,
          path=p("/api/v1/participants/{x}", x="participant"),
          json=lambda ids: {"attendance": "present"}),
    Entry("DELETE", "/api/v1/participants/<id:participant_id>", MANAGE,
          path=p("/api/v1/participants/{x}", x="participant")),
    Entry("POST", "/api/v1/meetings/<id:meeting_id>/agenda-items", MANAGE,
          path=p("/api/v1/meetings/{x}/agenda-items", x="meeting"),
          json=lambda ids: {"title": "Eventuelt", "party": "joint"}),
    Entry("PATCH", "/api/v1/agenda-items/<id:item_id>", MANAGE,
          path=p("/api/v1/agenda-items/{x}", x="agenda_item"),
          json=lambda ids: {"title": "Evaluering"}),
    Entry("POST", "/api/v1/meetings/<id:meeting_id>/themes", PROPOSE_THEME,
          path=p("/api/v1/meetings/{x}/themes", x="meeting"),
          json=lambda ids: {"title": "Udeskole", "party": "school"}),
    Entry("POST", "/api/v1/meetings/<id:meeting_id>/attachments", MANAGE,
          path=p("/api/v1/meetings/{x}/attachments", x="meeting"),
          json=lambda ids: {"filename": "datapakke.pdf", "content_type": "application/pdf",
                            "size_bytes": 1024, "sha256": "a" * 64}),
    # --- commitments and follow-ups -----------------------------------------------------------
    Entry("GET", "/api/v1/commitments", LIST),
    Entry("GET", "/api/v1/commitments/export", LIST),
    Entry("POST", "/api/v1/commitments/import", LIST, files=True),
    Entry("GET", "/api/v1/commitments/<id:commitment_id>", READ,
          path=p("/api/v1/commitments/{x}", x="commitment")),
    Entry("POST", "/api/v1/commitments", MANAGE,
          json=lambda ids: {"engagement_id": ids["engagement"], "title": "Matrix",
                            "due_date": "2026-06-30"}),
    Entry("PATCH", "/api/v1/commitments/<id:commitment_id>", MANAGE,
          path=p("/api/v1/commitments/{x}", x="commitment"), json=lambda ids: {"actions": "X"}),
    Entry("POST", "/api/v1/commitments/<id:commitment_id>/status", MANAGE,
          path=p("/api/v1/commitments/{x}/status", x="commitment"),
          json=lambda ids: {"status": "at_risk"}),
    Entry("POST", "/api/v1/commitments/<id:commitment_id>/carry-over", MANAGE,
          path=p("/api/v1/commitments/{x}/carry-over", x="commitment"),
          json=lambda ids: {"engagement_id": ids["engagement"]}),
    Entry("GET", "/api/v1/commitments/<id:commitment_id>/history", READ,
          path=p("/api/v1/commitments/{x}/history", x="commitment")),
    Entry("GET", "/api/v1/commitments/<id:commitment_id>/follow-ups", READ,
          path=p("/api/v1/commitments/{x}/follow-ups", x="commitment")),
    Entry("POST", "/api/v1/commitments/<id:commitment_id>/follow-ups", FOLLOW_UP,
          path=p("/api/v1/commitments/{x}/follow-ups", x="commitment"),
          json=lambda ids: {"occurred_on": "2025-11-01", "narrative": "Status"}),
    Entry("GET", "/api/v1/follow-ups", LIST),
    Entry("GET", "/api/v1/follow-ups/export", LIST),
    Entry("POST", "/api/v1/follow-ups/import", LIST, files=True),
    Entry("GET", "/api/v1/follow-ups/<id:follow_up_id>", READ,
          path=p("/api/v1/follow-ups/{x}", x="follow_up")),
    # --- indicators ---------------------------------------------------------------------------
    Entry("GET", "/api/v1/observations", LIST),
    Entry("POST", "/api/v1/observations", INDICATORS | {"officer": (403, 404)},
          json=lambda ids: {"organisation_id": ids["organisation"],
                            "indicator": "test_well_being", "period": "2026/27",
                            "value": 70.5}),
]

# --- what the follow-up work added to the API -------------------------------------------------
REPORT = FOLLOW_UP | {"office_a": (403, 404), "officer": (403, 404)}
ENTRIES += [
    Entry("GET", "/api/v1/me/work", SELF),
    Entry("GET", "/api/v1/proposals", LIST),
    Entry("GET", "/api/v1/commitments/<id:commitment_id>/proposals", READ,
          path=p("/api/v1/commitments/{x}/proposals", x="commitment")),
    # The responsible party reports: for a school's commitment the school, not its office;
    # for the Swedish owner's commitment the owner, not the agency (the other party).
    Entry("POST", "/api/v1/commitments/<id:commitment_id>/completion", REPORT,
          path=p("/api/v1/commitments/{x}/completion", x="commitment"), json=lambda ids: {}),
    Entry("POST", "/api/v1/commitments/<id:commitment_id>/due-date-proposals", REPORT,
          path=p("/api/v1/commitments/{x}/due-date-proposals", x="commitment"),
          json=lambda ids: {"due_date": "2030-06-30", "comment": "Later"}),
    # The other party (the office for a school's commitment) decides; the school may not.
    *[Entry("POST", f"/api/v1/proposals/<id:proposal_id>/{verb}",
            MANAGE | {"board_a1": (403, 404), "leader_a1": (403, 404)},
            path=p("/api/v1/proposals/{x}/" + verb, x="proposal"),
            json=lambda ids: {"comment": "Looked at it"})
      for verb in ("acknowledge", "return")],
    Entry("POST", "/api/v1/proposals/<id:proposal_id>/withdraw", REPORT,
          path=p("/api/v1/proposals/{x}/withdraw", x="proposal"), json=lambda ids: {}),
    Entry("GET", "/api/v1/meetings/<id:meeting_id>/evaluation", READ,
          path=p("/api/v1/meetings/{x}/evaluation", x="meeting")),
    Entry("PUT", "/api/v1/meetings/<id:meeting_id>/evaluation/<id:commitment_id>", MANAGE,
          path=p("/api/v1/meetings/{m}/evaluation/{c}", m="meeting", c="commitment"),
          json=lambda ids: {"note": "Evaluated"}),
    Entry("POST", "/api/v1/engagements/<id:engagement_id>/carry-over-open", MANAGE,
          path=p("/api/v1/engagements/{x}/carry-over-open", x="engagement"),
          json=lambda ids: {}),
    Entry("POST", "/api/v1/engagements/<id:engagement_id>/year-wheel", MANAGE,
          path=p("/api/v1/engagements/{x}/year-wheel", x="engagement"),
          json=lambda ids: {"month": 9, "title": "Own step"}),
    Entry("DELETE", "/api/v1/year-wheel-steps/<id:step_id>", MANAGE,
          path=p("/api/v1/year-wheel-steps/{x}", x="step")),
]

# --- the web pages ------------------------------------------------------------------------------
WEB_LIST = web({role: (OK, OK) for role in ROLES})
WEB_READ, WEB_MANAGE, WEB_FOLLOW_UP = web(READ), web(MANAGE), web(FOLLOW_UP)


def w(method, rule, expect, path=None, json=None):
    return Entry(method, rule, expect, path=path, json=json, channel="web")


ENTRIES += [
    w("GET", "/organisations", WEB_LIST),
    w("GET", "/organisations/<id:organisation_id>", WEB_READ,
      path=p("/organisations/{x}", x="organisation")),
    w("GET", "/programmes", WEB_LIST),
    w("GET", "/programmes/<id:programme_id>", WEB_LIST, path=p("/programmes/{x}", x="programme")),
    w("GET", "/engagements/<id:engagement_id>", WEB_READ,
      path=p("/engagements/{x}", x="engagement")),
    w("GET", "/organisations/<id:organisation_id>/engagements/new",
      WEB_MANAGE | {"officer": (403, 404)},
      path=p("/organisations/{x}/engagements/new", x="organisation")),
    w("POST", "/organisations/<id:organisation_id>/engagements",
      WEB_MANAGE | {"officer": (403, 404)},
      path=p("/organisations/{x}/engagements", x="organisation"),
      json=lambda ids: {"programme_id": ids["programme"], "period": "2032/33",
                        "starts_on": "2032-08-01"}),
    w("POST", "/engagements/<id:engagement_id>/transitions", WEB_MANAGE,
      path=p("/engagements/{x}/transitions", x="engagement"),
      json=lambda ids: {"phase": "talk", "occurred_on": "2026-01-10"}),
    w("POST", "/engagements/<id:engagement_id>/meetings", WEB_MANAGE,
      path=p("/engagements/{x}/meetings", x="engagement"),
      json=lambda ids: {"meeting_type": "talk", "starts_at": "2026-05-04T09:00"}),
    w("POST", "/year-wheel-steps/<id:step_id>", WEB_MANAGE,
      path=p("/year-wheel-steps/{x}", x="step"), json=lambda ids: {"done": "on"}),
    w("GET", "/engagements/<id:engagement_id>/year-wheel/new", WEB_MANAGE,
      path=p("/engagements/{x}/year-wheel/new", x="engagement")),
    w("POST", "/engagements/<id:engagement_id>/year-wheel", WEB_MANAGE,
      path=p("/engagements/{x}/year-wheel", x="engagement"),
      json=lambda ids: {"month": "5", "title": "Debrief"}),
    w("GET", "/year-wheel-steps/<id:step_id>/edit", WEB_MANAGE,
      path=p("/year-wheel-steps/{x}/edit", x="step")),
    w("POST", "/year-wheel-steps/<id:step_id>/edit", WEB_MANAGE,
      path=p("/year-wheel-steps/{x}/edit", x="step"),
      json=lambda ids: {"version": "1", "month": "5", "title": "Debrief"}),
    w("GET", "/meetings", WEB_LIST),
    w("GET", "/meetings/<id:meeting_id>", WEB_READ, path=p("/meetings/{x}", x="meeting")),
    w("POST", '/meetings/<id:meeting_id>/<any("hold", "approve", "publish", "return-to-draft", '
      '"revise", "cancel"):action>', WEB_MANAGE, path=p("/meetings/{x}/approve", x="meeting"),
      json=lambda ids: {"version": "1"}),
    *[w("POST", f"/meetings/<id:meeting_id>/{part}", WEB_MANAGE,
        path=p("/meetings/{x}/" + part, x="meeting"), json=lambda ids: {})
      for part in ("minutes", "commitments", "participants", "attendance")],
    w("POST", "/meetings/<id:meeting_id>/themes", WEB_FOLLOW_UP,
      path=p("/meetings/{x}/themes", x="meeting"),
      json=lambda ids: {"title": "Udeskole", "party": "school"}),
    w("GET", "/commitments", WEB_LIST),
    w("GET", '/commitments/export.<any("csv", "xlsx"):fmt>', WEB_LIST,
      path=lambda ids: "/commitments/export.csv"),
    w("GET", "/commitments/<id:commitment_id>", WEB_READ,
      path=p("/commitments/{x}", x="commitment")),
    w("POST", "/commitments/<id:commitment_id>", WEB_MANAGE,
      path=p("/commitments/{x}", x="commitment"), json=lambda ids: {"title": "Web edit"}),
    w("POST", "/commitments/<id:commitment_id>/status", WEB_MANAGE,
      path=p("/commitments/{x}/status", x="commitment"), json=lambda ids: {"status": "at_risk"}),
    w("POST", "/commitments/<id:commitment_id>/follow-ups", WEB_FOLLOW_UP,
      path=p("/commitments/{x}/follow-ups", x="commitment"),
      json=lambda ids: {"occurred_on": "2025-11-01", "narrative": "Web follow-up"}),
    w("POST", "/commitments/<id:commitment_id>/carry-over", WEB_MANAGE,
      path=p("/commitments/{x}/carry-over", x="commitment"),
      json=lambda ids: {"engagement_id": ids["engagement"]}),
    w("POST", "/commitments/<id:commitment_id>/completion", web(REPORT),
      path=p("/commitments/{x}/completion", x="commitment"), json=lambda ids: {}),
    w("POST", "/commitments/<id:commitment_id>/due-date-proposals", web(REPORT),
      path=p("/commitments/{x}/due-date-proposals", x="commitment"),
      json=lambda ids: {"due_date": "2030-06-30", "comment": "Later"}),
    # One route decides all three ways; the matrix tries acknowledging (the other party).
    w("POST", '/proposals/<id:proposal_id>/<any("acknowledge", "return", "withdraw"):decision>',
      web(MANAGE | {"board_a1": (403, 404), "leader_a1": (403, 404)}),
      path=p("/proposals/{x}/acknowledge", x="proposal"), json=lambda ids: {}),
    w("POST", "/meetings/<id:meeting_id>/evaluation", WEB_MANAGE,
      path=p("/meetings/{x}/evaluation", x="meeting"), json=lambda ids: {}),
    w("POST", "/engagements/<id:engagement_id>/carry-over-open", WEB_MANAGE,
      path=p("/engagements/{x}/carry-over-open", x="engagement")),
    # Published minutes are for everyone, signed in or not.
    w("GET", "/public/", PUBLIC, path=lambda ids: "/public/"),
    w("GET", "/public/organisations/<id:organisation_id>", PUBLIC,
      path=p("/public/organisations/{x}", x="organisation")),
    w("GET", "/public/minutes/<id:meeting_id>", PUBLIC,
      path=p("/public/minutes/{x}", x="published")),
    w("GET", "/public/minutes/<id:meeting_id>/<id:revision>", PUBLIC,
      path=p("/public/minutes/{x}/1", x="published")),
]

# --- indicator import (API and page) -------------------------------------------------------------
# Whoever may manage indicators somewhere may import; rows beyond their reach are row errors,
# so the same answer on both sides. An empty upload (or none, on the page) is a 422: allowed.
IMPORTERS = {role: (403, 403) for role in ROLES} | {"anonymous": (401, 401), "admin": (OK, OK),
                                                   "office_a": (OK, OK)}
ENTRIES += [
    Entry("GET", "/api/v1/observations/import/presets", PUBLIC),
    Entry("PUT", "/api/v1/indicators/<string:key>", ADMIN,
          path=lambda ids: "/api/v1/indicators/matrix_test",
          json=lambda ids: {"labels": {"en": "Test", "da": "Test", "nb": "Test", "sv": "Test"},
                            "unit": "percent", "direction": "higher_is_better",
                            "source": "Matrix"}),
    Entry("POST", "/api/v1/observations/import", IMPORTERS, files=True),
    w("GET", "/indicators/import", web(IMPORTERS)),
    w("POST", "/indicators/import", web(IMPORTERS), json=lambda ids: {"preset": "long"}),
]

MATRIX = {(entry.method, entry.rule): entry for entry in ENTRIES}


def upload() -> dict:
    """An empty CSV: allowed callers get 422 (nothing to import), refused ones their refusal."""
    return {"file": (io.BytesIO(b"id,title\r\n"), "empty.csv")}

# --- notifications: the outbox, forgotten passwords -------------------------------------------
ENTRIES += [
    Entry("GET", "/api/v1/outbox", ADMIN),
    w("GET", "/forgot-password", PUBLIC),
    w("POST", "/forgot-password", PUBLIC,
      json=lambda ids: {"email": f"{ids['role']}@example.test"}),
    # An unknown token: the same "not valid" page for everyone, signed in or not.
    w("GET", "/reset-password/<token>", {role: (404, 404) for role in ROLES},
      path=lambda ids: "/reset-password/unknown-token"),
    w("POST", "/reset-password/<token>", PUBLIC, path=lambda ids: "/reset-password/unknown",
      json=lambda ids: {"password": "long enough password", "password_again": "x"}),
]

MATRIX = {(entry.method, entry.rule): entry for entry in ENTRIES}

# --- calendar feeds and the profile page ----------------------------------------------------------
ENTRIES += [
    Entry("GET", "/api/v1/me/calendar-feeds", SELF),
    Entry("POST", "/api/v1/me/calendar-feeds", SELF),
    # Another person's feed id is not found (the side's token owner stands in for the feed).
    Entry("DELETE", "/api/v1/me/calendar-feeds/<id:feed_id>",
          {role: (404, 404) for role in ROLES} | {"anonymous": (401, 401)},
          path=lambda ids: "/api/v1/me/calendar-feeds/999999"),
    Entry("GET", "/api/v1/organisations/<id:organisation_id>/calendar.ics", READ,
          path=p("/api/v1/organisations/{x}/calendar.ics", x="organisation")),
    w("GET", "/organisations/<id:organisation_id>/calendar.ics", WEB_READ,
      path=p("/organisations/{x}/calendar.ics", x="organisation")),
    # The secret address is the key: an unknown one is not found, signed in or not.
    w("GET", "/calendar/<token>.ics", {role: (404, 404) for role in ROLES},
      path=lambda ids: "/calendar/ndcal_unknown.ics"),
    w("GET", "/profile", WEB_SIGNED_IN),
    w("POST", "/profile/calendar-feeds", WEB_SIGNED_IN),
    w("POST", "/profile/calendar-feeds/<id:feed_id>/revoke",
      {role: (404, 404) for role in ROLES} | {"anonymous": (SIGN_IN, SIGN_IN)},
      path=lambda ids: "/profile/calendar-feeds/999999/revoke"),
]

MATRIX = {(entry.method, entry.rule): entry for entry in ENTRIES}

# --- checks from the programme data ---------------------------------------------------------------
ENTRIES += [
    Entry("GET", "/api/v1/meetings/<id:meeting_id>/checks", READ,
          path=p("/api/v1/meetings/{x}/checks", x="meeting")),
    Entry("GET", "/api/v1/engagements/<id:engagement_id>/checks", READ,
          path=p("/api/v1/engagements/{x}/checks", x="engagement")),
]

MATRIX = {(entry.method, entry.rule): entry for entry in ENTRIES}

# --- weak results over time -----------------------------------------------------------------------
ENTRIES += [
    Entry("GET", "/api/v1/weak-results", LIST,
          path=lambda ids: "/api/v1/weak-results?programme=nope"),
    # Closer follow-up: the school's office (manage on the school), not an agency.
    Entry("POST", "/api/v1/organisations/<id:organisation_id>/closer-follow-up",
          ORGANISATION_MANAGE,
          path=p("/api/v1/organisations/{x}/closer-follow-up", x="organisation"),
          json=lambda ids: {"programme": "nope", "commitments": [
              {"title": "Matrix", "due_date": "2026-06-30"}]}),
    # Selection: any signed-in person may ask; starting each owner is then decided per owner.
    Entry("POST", "/api/v1/programmes/<id:programme_id>/selection", LIST,
          path=p("/api/v1/programmes/{x}/selection", x="programme"),
          json=lambda ids: {"organisation_ids": [2**31 - 1], "period": "2040/41",
                            "starts_on": "2040-08-01"}),
    w("GET", "/weak-results", WEB_SIGNED_IN),
    w("POST", "/organisations/<id:organisation_id>/closer-follow-up",
      web(ORGANISATION_MANAGE),
      path=p("/organisations/{x}/closer-follow-up", x="organisation"),
      json=lambda ids: {"programme": "nope", "title": "Matrix", "due_date": "2026-06-30"}),
    w("POST", "/weak-results/selection", WEB_SIGNED_IN, json=lambda ids: {"programme": "nope"}),
]

# --- charts, the data package and reports ---------------------------------------------------------
CHART = '<any("svg", "png"):fmt>'
# An owner's reports: its office (and above) and the agency it works with; not its schools.
OWNER_READ = web(_pattern(leader_a1=(404, 404), board_a1=(404, 404)))
ENTRIES += [
    w("GET", f"/charts/organisations/<id:organisation_id>/indicators/<key>.{CHART}", WEB_READ,
      path=p("/charts/organisations/{x}/indicators/test_well_being.svg", x="organisation")),
    *[w("GET", f"/charts/engagements/<id:engagement_id>/{kind}.{CHART}", WEB_READ,
        path=p("/charts/engagements/{x}/" + kind + ".svg", x="engagement"))
      for kind in ("commitments", "timeliness", "year-wheel")],
    w("GET", "/reports", WEB_LIST),
    w("GET", "/reports/comparison", WEB_LIST),
    w("GET", "/reports/minutes/<id:meeting_id>", WEB_READ,
      path=p("/reports/minutes/{x}", x="meeting")),
    w("GET", "/meetings/<id:meeting_id>/data-package", WEB_READ,
      path=p("/meetings/{x}/data-package", x="meeting")),
    *[w("GET", f"/reports/{name}/<id:organisation_id>", OWNER_READ,
        path=p("/reports/" + name + "/{x}", x="owner"))
      for name in ("owner-summary", "quality")],
    w("GET", '/reports/engagements/<id:engagement_id>/<any("interim", "final"):kind>', WEB_READ,
      path=p("/reports/engagements/{x}/interim", x="engagement")),
    # Public reports: published minutes and owners' summaries, for everyone.
    w("GET", "/public/reports/minutes/<id:meeting_id>", PUBLIC,
      path=p("/public/reports/minutes/{x}", x="published")),
    w("GET", "/public/reports/owner-summary/<id:organisation_id>", PUBLIC,
      path=p("/public/reports/owner-summary/{x}", x="owner")),
    # The same reports through the API.
    *[Entry("GET", f"/api/v1/reports/{name}/<id:meeting_id>", READ,
            path=p("/api/v1/reports/" + name + "/{x}", x="meeting"))
      for name in ("minutes", "data-package")],
    *[Entry("GET", f"/api/v1/reports/{name}/<id:organisation_id>",
            _pattern(leader_a1=(404, 404), board_a1=(404, 404)),
            path=p("/api/v1/reports/" + name + "/{x}", x="owner"))
      for name in ("owner-summary", "quality")],
    *[Entry("GET", f"/api/v1/reports/{name}/<id:engagement_id>", READ,
            path=p("/api/v1/reports/" + name + "/{x}", x="engagement"))
      for name in ("interim", "final")],
    Entry("GET", "/api/v1/reports/comparison", LIST),
]
MATRIX = {(entry.method, entry.rule): entry for entry in ENTRIES}

# --- the school board's comments and a meeting's history --------------------------------------
# The board's members (and administrators) comment; everyone else who reads the meeting is
# refused with 403, outsiders see nothing (404).
BOARD_COMMENT = _pattern(office_a=(403, 404), leader_a1=(403, 404), officer=(403, 404))
ENTRIES += [
    Entry("GET", "/api/v1/meetings/<id:meeting_id>/board-comments", READ,
          path=p("/api/v1/meetings/{x}/board-comments", x="meeting")),
    Entry("POST", "/api/v1/meetings/<id:meeting_id>/board-comments", BOARD_COMMENT,
          path=p("/api/v1/meetings/{x}/board-comments", x="meeting"),
          json=lambda ids: {"body": "The board supports the plan."}),
    Entry("GET", "/api/v1/meetings/<id:meeting_id>/history", READ,
          path=p("/api/v1/meetings/{x}/history", x="meeting")),
    w("POST", "/meetings/<id:meeting_id>/board-comments", web(BOARD_COMMENT),
      path=p("/meetings/{x}/board-comments", x="meeting"),
      json=lambda ids: {"body": "The board supports the plan."}),
]
MATRIX = {(entry.method, entry.rule): entry for entry in ENTRIES}
