"""Schemathesis over every operation: no server error, no response that breaks the schema.

One pytest test per operation and engine, each with at least 100 generated examples, sent as an
administrator over the access-test world (so generated ids find real records).
NORDIALOG_FUZZ_EXAMPLES raises the number per operation for a release run (docs/SECURITY.md).
"""

import os
import tempfile

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app import create_app
from app.db import DatabaseUrl
from app.migrate import upgrade
from tests.conftest import MIGRATIONS, TEST_CONFIG

EXAMPLES = int(os.environ.get("NORDIALOG_FUZZ_EXAMPLES", "100"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]

_scratch = tempfile.TemporaryDirectory(prefix="nordialog-spec-")


def _published_spec() -> dict:
    """The OpenAPI document as the app serves it (from an app on a scratch database)."""
    url = f"sqlite:///{_scratch.name}/spec.sqlite3"
    upgrade(DatabaseUrl.parse(url), MIGRATIONS)
    app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
    spec = app.test_client().get("/api/openapi.json").json
    app.extensions["nordialog.db"].disconnect()
    return spec


schema = schemathesis.openapi.from_dict(_published_spec())


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_every_operation_survives_generated_input(case, app, world):
    case.call_and_validate(app=app, headers=world.headers["admin"], checks=CHECKS)
