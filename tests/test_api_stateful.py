"""Stateful fuzzing: schemathesis follows the OpenAPI links (app/api/links.py) from what a
request created to what can be done with it next: organisation -> engagement -> meetings and
commitments -> follow-ups and proposals. Every step must avoid server errors and answer as the
schema says. The number of generated sequences follows NORDIALOG_FUZZ_EXAMPLES (100 in CI, a
release run uses 1,000: see docs/SECURITY.md).
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from pony.orm import commit, db_session

from tests.test_api_fuzz import CHECKS, EXAMPLES, _published_spec
from tests.world import build_world, issue_tokens

schema = schemathesis.openapi.from_dict(_published_spec())


class Workflow(schema.as_state_machine()):
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


def test_stateful_sequences_through_the_links(app, engine, engine_databases):
    def fresh_world() -> dict:
        engine_databases(engine).reset()
        with app.app_context(), db_session:
            world = build_world()
            headers = issue_tokens(world)["admin"]
            commit()
        return headers

    Workflow.app, Workflow.fresh_world, Workflow.calls = app, fresh_world, []
    Workflow.run(settings=settings(max_examples=EXAMPLES, stateful_step_count=8, deadline=None,
                                   derandomize=True, suppress_health_check=list(HealthCheck)))
    followed = [label for label, status in Workflow.calls if "{" in label and status < 300]
    assert followed, "no sequence got past its first step"
    print(f"\n{len(Workflow.calls)} requests in {EXAMPLES} sequences; "
          f"{len(followed)} successful steps on records reached through links")
