"""Stateful fuzzing: schemathesis follows the OpenAPI links (app/api/links.py) from what a
request created to what can be done with it next: organisation -> engagement -> meetings and
commitments -> follow-ups and proposals. Every step must avoid server errors and answer as the
schema says. The number of generated sequences follows NORDIALOG_FUZZ_EXAMPLES (100 in CI, a
release run uses 1,000: see docs/SECURITY.md).

Random ids rarely name a programme or an organisation, and random dates fall outside the API's
years, so most sequences used to end at their first request with a refusal. The fuzzed copy of
the spec therefore limits the request bodies' references (programme, organisation, engagement,
meeting, theme, meeting type) to records of the test world and their dates and times to days
around today; every other field stays free, a link still puts the record just created into the
field it names, and tests/test_api_fuzz.py keeps sending every operation unrestricted input.
"""

from __future__ import annotations

import copy
from collections import Counter
from datetime import date, timedelta

import schemathesis
from hypothesis import HealthCheck, settings
from pony.orm import commit, db_session, select

from app.db import db
from tests.test_api_fuzz import CHECKS, EXAMPLES, _published_spec
from tests.world import build_world, issue_tokens

#: Request body fields that name a record, and how to list the world's records for them.
REFERENCES = {
    "programme_id": lambda: select(p.id for p in db.Programme),
    "organisation_id": lambda: select(o.id for o in db.Organisation),
    "parent_id": lambda: select(o.id for o in db.Organisation),
    "responsible_organisation_id": lambda: select(o.id for o in db.Organisation),
    "engagement_id": lambda: select(e.id for e in db.Engagement),
    "meeting_id": lambda: select(m.id for m in db.Meeting),
    "theme_id": lambda: select(t.id for t in db.Theme),
    "meeting_type": lambda: select(t.key for t in db.MeetingType),
    "target_indicator": lambda: select(i.key for i in db.Indicator),
}


def with_world_references(spec: dict, records: dict[str, list]) -> dict:
    """A copy of ``spec`` whose request bodies pick references among ``records``.

    Each request body schema is copied under a name of its own first, so a schema also used
    for responses keeps accepting records created during the run.
    """
    spec = copy.deepcopy(spec)
    components = spec["components"]["schemas"]
    for item in spec["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for media in operation.get("requestBody", {}).get("content", {}).values():
                body = media.get("schema", {})
                name = body.get("$ref", "").rpartition("/")[2]
                if name not in components:
                    continue
                fuzzed = f"Fuzzed{name}"
                if fuzzed not in components:
                    components[fuzzed] = _limited(copy.deepcopy(components[name]), records)
                media["schema"] = {"$ref": f"#/components/schemas/{fuzzed}"}
    return spec


def _limited(body: dict, records: dict[str, list]) -> dict:
    for field, prop in body.get("properties", {}).items():
        values = records.get(field)
        if prop.get("format") == "date" and "x-minimum" in prop:
            # The API's date range (2000-2100) is an extension schemathesis does not read, so
            # nearly every generated date was refused; pick dates around today instead.
            values = [d.isoformat() for d in _DAYS_AROUND_TODAY]
        elif prop.get("format") == "date-time":
            # Moments too must lie in 2000-2100 (and carry their zone).
            values = [f"{d.isoformat()}T09:30:00+01:00" for d in _DAYS_AROUND_TODAY]
        if values and prop.get("type") in ("integer", "string"):
            prop["enum"] = sorted(set(values)) + ([None] if prop.get("nullable") else [])
            for bound in ("minimum", "maximum", "minLength", "maxLength", "format"):
                prop.pop(bound, None)
    return body


_DAYS_AROUND_TODAY = [date.today() + timedelta(days=n) for n in (-800, -200, -30, -1, 0, 1, 30,
                                                                  200, 800)]


def world_records(app, engine_databases, engine) -> dict[str, list]:
    """The references of a fresh world (the same in every sequence: ids restart on reset)."""
    engine_databases(engine).reset()
    with app.app_context(), db_session:
        build_world()
        commit()
        return {field: list(query()) for field, query in REFERENCES.items()}


class _InProcess:
    """Sends each step to the app in-process, as the administrator of the test world."""

    app = None
    headers: dict = {}
    calls: list = []  # (operation label, status) of every step, for the test to look at
    fresh_world = None  # set by the test: resets the database, returns the admin's headers

    def setup(self):
        # Each sequence starts from the same world, so a replayed sequence sees the same
        # responses (Hypothesis needs that to shrink a failure to its shortest form).
        type(self).headers = type(self).fresh_world()

    def after_call(self, response, case):
        super().after_call(response, case)
        self.calls.append((case.operation.label, response.status_code))

    def get_call_kwargs(self, case):
        return {"app": self.app, "headers": self.headers}

    def validate_response(self, response, case, additional_checks=None, **kwargs):
        __tracebackhide__ = True
        case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs or None,
                               recorder=self.recorder)


def workflow(spec: dict):
    """The state machine over ``spec`` (its steps sent by ``_InProcess``)."""

    class Workflow(_InProcess, schemathesis.openapi.from_dict(spec).as_state_machine()):
        pass

    return Workflow


def test_the_spec_links_creation_to_what_follows():
    links = set()
    for item in _published_spec()["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for response in operation.get("responses", {}).values():
                for link in response.get("links", {}).values():
                    links.add((operation.get("operationId"), link["operationId"]))
    for step in [("start_engagement", "plan_meeting"), ("plan_meeting", "record_commitment"),
                 ("start_engagement", "record_commitment"),
                 ("record_commitment", "add_follow_up"), ("add_follow_up", "get_follow_up"),
                 ("report_completion", "acknowledge_proposal")]:
        assert step in links


def test_the_fuzzed_spec_limits_references_to_the_world_only_in_requests():
    spec = with_world_references(_published_spec(), {"programme_id": [1, 2],
                                                     "meeting_type": ["talk"]})
    components = spec["components"]["schemas"]
    start = next(item["post"] for path, item in spec["paths"].items()
                 if path.endswith("/engagements") and "post" in item)
    body = start["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert components[body.rpartition("/")[2]]["properties"]["programme_id"]["enum"] == [1, 2]
    # The schemas as published (responses among them) stay as they were.
    for name, schema in components.items():
        if not name.startswith("Fuzzed"):
            assert "enum" not in schema.get("properties", {}).get("programme_id", {}), name


def test_stateful_sequences_through_the_links(app, engine, engine_databases):
    records = world_records(app, engine_databases, engine)

    def fresh_world() -> dict:
        engine_databases(engine).reset()
        with app.app_context(), db_session:
            world = build_world()
            headers = issue_tokens(world)["admin"]
            commit()
        return headers

    machine = workflow(with_world_references(_published_spec(), records))
    machine.app, machine.fresh_world, machine.calls = app, fresh_world, []
    machine.run(settings=settings(max_examples=EXAMPLES, stateful_step_count=8, deadline=None,
                                  derandomize=True, suppress_health_check=list(HealthCheck)))
    created = Counter(label for label, status in machine.calls if status == 201)
    followed = Counter(label for label, status in machine.calls if "{" in label and status < 300)
    print(f"\n{len(machine.calls)} requests in {EXAMPLES} sequences; "
          f"{sum(followed.values())} successful steps on records reached through links, "
          f"{len(followed)} operations; created: {dict(created)}; followed: {dict(followed)}")
    # The sequences get past creating things: engagements, meetings and commitments are made,
    # and records made in a sequence are worked on through the links.
    for made in ("POST /api/v1/engagements", "POST /api/v1/meetings", "POST /api/v1/commitments"):
        assert created[made], f"no sequence succeeded with {made}"
    assert followed, "no sequence got past its first step"
