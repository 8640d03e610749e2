"""The API's contract: OpenAPI, authentication, the one error shape, and any bad input."""

import io
import re

import pytest
from pony.orm import db_session


def test_openapi_describes_every_operation_with_bearer_auth(client):
    spec = client.get("/api/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    operations = [op for path in spec["paths"].values() for name, op in path.items()
                  if name in ("get", "post", "patch", "put", "delete")]
    assert len(operations) >= 60
    assert all("default" in op["responses"] for op in operations), "error shape documented"


def test_browsable_docs_are_served_by_the_app_itself(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert not re.search(r'(src|href)="https?://', page.text), "no CDN"
    for asset in re.findall(r'(?:src|href)="([^"]+)"', page.text):
        with client.get(asset) as response:  # files are streamed: close them
            assert response.status_code == 200, asset


def test_without_a_token_the_api_says_how_to_authenticate(client, world):
    response = client.get("/api/v1/commitments", headers={"Accept-Language": "da"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json == {"code": 401, "status": "Unauthorized", "message":
                             "Send en personlig API-nøgle: Authorization: Bearer <nøgle>."}


def test_field_errors_come_in_the_readers_language(client, world):
    response = client.post("/api/v1/commitments", headers={
        **world.headers["office_a"], "Accept-Language": "nb-NO"},
        json={"engagement_id": world.e_a1, "title": "   ", "due_date": "1899-12-31",
              "colour": "red", "binding": "maybe"})
    assert response.status_code == 422
    body = response.json
    assert body["code"] == 422 and body["status"] == "Unprocessable Entity"
    assert body["message"] == "Noen av opplysningene er ikke gyldige. Se meldingene ved feltene."
    assert body["errors"]["colour"] == ["Ukjent felt."]
    assert body["errors"]["title"] == ["Bruk mellom 1 og 300 tegn."]
    assert body["errors"]["binding"] == ["Ikke en gyldig sann/usann-verdi."]
    assert "due_date" in body["errors"]


@pytest.mark.parametrize("body,content_type,status", [
    ("{not json", "application/json", 400),
    ('["a", "list"]', "application/json", 422),
    ("title=x", "application/x-www-form-urlencoded", 415),
    ("<commitment/>", "application/xml", 415),
])
def test_malformed_or_foreign_bodies_are_refused(client, world, body, content_type, status):
    response = client.post("/api/v1/commitments", data=body, headers={
        **world.headers["office_a"], "Content-Type": content_type})
    assert response.status_code == status
    assert set(response.json) >= {"code", "status", "message"}


@pytest.mark.parametrize("body", [
    b"{not json", b'{"title": "\xff\xfe"}', b"[" * 100_000 + b"]" * 100_000,
    b'{"engagement_id": 1' + b"0" * 5000 + b"}",
], ids=["syntax", "not utf-8", "nested too deep", "number too long"])
def test_unreadable_json_is_a_400_in_the_readers_language(client, app, world, body):
    def version():
        with app.app_context(), db_session:
            return app.extensions["nordialog.db"].Commitment[world.c_a1].version

    before = version()
    for method, path in (("POST", "/api/v1/commitments"),
                         ("PATCH", f"/api/v1/commitments/{world.c_a1}")):
        response = client.open(path, method=method, data=body, headers={
            **world.headers["office_a"], "Content-Type": "application/json",
            "Accept-Language": "sv", "If-Match": "*"})
        assert response.status_code == 400, (method, response.json)
        assert response.json == {"code": 400, "status": "Bad Request",
                                 "message": "Innehållet är inte giltig JSON."}
    assert version() == before


def test_text_no_database_can_store_is_refused_by_field(client, world):
    for text, message in ((r"a\ud800b", "Not valid UTF-8 text."),
                          (r"a\u0000b", "Text may not contain NUL characters.")):
        response = client.post("/api/v1/commitments", headers={
            **world.headers["office_a"], "Content-Type": "application/json"},
            data=f'{{"engagement_id": {world.e_a1}, "title": "{text}", '
                 f'"due_date": "2026-06-30"}}'.encode())
        assert response.status_code == 422
        assert response.json["errors"] == {"title": [message]}


def test_oversized_bodies_get_413(client, world):
    response = client.post("/api/v1/commitments", headers=world.headers["office_a"],
                           json={"title": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413


def test_oversized_bodies_sent_in_chunks_get_413_too(client, world):
    """No Content-Length to refuse up front: reading stops at the limit."""
    body = b'{"title": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    response = client.post("/api/v1/commitments", input_stream=io.BytesIO(body),
                           environ_overrides={"wsgi.input_terminated": True},
                           headers={**world.headers["office_a"], "Accept-Language": "da",
                                    "Content-Type": "application/json",
                                    "Transfer-Encoding": "chunked"})
    assert response.status_code == 413
    assert response.json == {"code": 413, "status": "Request Entity Too Large",
                             "message": "Forespørgslen er for stor."}


@pytest.mark.parametrize("path", [
    "/api/v1/commitments/99999999999999999999", "/api/v1/commitments/0",
    "/api/v1/commitments/-1", "/api/v1/organisations/2147483648",
])
def test_impossible_ids_are_simply_not_found(client, world, path):
    response = client.get(path, headers=world.headers["admin"])
    assert response.status_code == 404
    assert response.json["code"] == 404


def test_unknown_filters_are_refused_not_ignored(client, world):
    response = client.get("/api/v1/commitments?stauts=agreed", headers=world.headers["admin"])
    assert response.status_code == 422
    assert "stauts" in response.json["errors"]
    # lang is not a filter: every request may choose its language.
    assert client.get("/api/v1/commitments?lang=xx",
                      headers=world.headers["admin"]).status_code == 200


def test_nothing_is_half_written_when_a_rule_refuses(client, app, world):
    from pony.orm import db_session

    response = client.post("/api/v1/commitments", headers=world.headers["office_a"], json={
        "engagement_id": world.e_a1, "title": "Valid title", "due_date": "2026-06-30",
        "status": "proposed", "target_value": 80})
    assert response.status_code == 422  # a target value without an indicator
    with app.app_context(), db_session:
        db = app.extensions["nordialog.db"]
        assert db.Commitment.get(title="Valid title") is None


def test_the_caller_and_their_roles(client, world):
    response = client.get("/api/v1/me", headers={**world.headers["office_a"],
                                                 "Accept-Language": "sv"})
    assert response.status_code == 200
    assert response.json["roles"] == [{"role": "school_office",
                                       "role_label": "Medarbetare på förvaltningen",
                                       "organisation": {"id": world.owner_a,
                                                        "name": response.json["roles"][0]
                                                        ["organisation"]["name"]}}]
    assert response.headers["ETag"]
