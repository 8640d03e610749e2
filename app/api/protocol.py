"""The API's protocol in the OpenAPI document: versions, preconditions, retries and refusals.

What every operation shares is enforced in one place (app/api/__init__.py and support.py), so it
is documented in one place too, added to the generated document: the ETag a record is read with,
If-Match on changes (and If-None-Match on a PUT that defines something new), Idempotency-Key on
creating requests, and each refusal an operation can answer with, in the one error shape.
"""

from __future__ import annotations

from http import HTTPStatus

#: Lifecycle actions (POST) that compare an If-Match when one is sent.
OPTIONAL_IF_MATCH = {"change_status", "carry_over", "record_transition", "close_engagement",
                     "hold_meeting", "approve_minutes", "publish_minutes", "return_to_draft",
                     "revise_minutes", "cancel_meeting"}
#: PUTs that create what does not exist yet (with If-None-Match: * instead of If-Match).
PUT_CREATES = {"put_indicator"}
CHANGING = ("put", "patch", "delete")

_REFUSALS = {
    400: "The body is not valid JSON.",
    401: "No valid personal API token (`Authorization: Bearer <token>`).",
    403: "The caller may see the record but not do this.",
    404: "Nothing the caller may see is at this address.",
    409: "The request contradicts the record's state, or a request with the same "
         "Idempotency-Key is still being processed.",
    412: "The If-Match names another version than the current one (given in the ETag header "
         "and as `current_version`), or If-None-Match: * names something that exists.",
    413: "The body is larger than the API reads.",
    415: "The body is not JSON (Content-Type: application/json).",
    428: "A change without If-Match.",
}

ETAG_HEADER = {"description": "The record's version: send it back as If-Match to change it.",
               "schema": {"type": "string"}}


def _header(name: str, description: str, required: bool = False) -> dict:
    return {"in": "header", "name": name, "required": required, "description": description,
            "schema": {"type": "string", "minLength": 1, "maxLength": 200}}


IF_MATCH = "The ETag the change was made against (a stale one gets 412)."
IF_NONE_MATCH = "`*` to define something new: 412 if it exists already."
IDEMPOTENCY_KEY = ("A key of your choice (1-200 characters, kept 24 hours, per user): a retry "
                   "with the same key and body gets the first response instead of a second "
                   "record; the same key with another body gets 422.")


def register_refusals(spec) -> None:
    """One response component per refusal, all in the error shape."""
    known = spec.components.responses
    for status, description in _REFUSALS.items():
        name = HTTPStatus(status).name
        if name in known:
            continue
        response = {"description": description,
                    "content": {"application/json": {"schema": {"$ref":
                                                                "#/components/schemas/Error"}}}}
        if status == 401:
            response["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
        if status == 412:
            response["headers"] = {"ETag": ETAG_HEADER}
        spec.components.response(name, response)


def _refer(responses: dict, status: int) -> None:
    responses.setdefault(str(status), {"$ref": f"#/components/responses/"
                                               f"{HTTPStatus(status).name}"})


def document_protocol(paths: dict, idempotent: set[str]) -> None:
    """Add headers and refusals to every operation of the generated document (in place)."""
    for path, item in paths.items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            name = operation.get("operationId")
            parameters = operation.setdefault("parameters", [])
            responses = operation.setdefault("responses", {})
            if method in CHANGING:
                if name in PUT_CREATES:
                    parameters.append(_header("If-Match", IF_MATCH))
                    parameters.append(_header("If-None-Match", IF_NONE_MATCH))
                else:
                    parameters.append(_header("If-Match", IF_MATCH, required=True))
                _refer(responses, 412)
                _refer(responses, 428)
            elif name in OPTIONAL_IF_MATCH:
                parameters.append(_header("If-Match", IF_MATCH))
                _refer(responses, 412)
            if name in idempotent:
                parameters.append(_header("Idempotency-Key", IDEMPOTENCY_KEY))
                _refer(responses, 409)
            if "requestBody" in operation:
                for status in (400, 413, 415):
                    _refer(responses, status)
            if method != "get":
                _refer(responses, 409)
            _refer(responses, 401)
            _refer(responses, 403)
            if "{" in path:
                _refer(responses, 404)
            if method != "get" or "{" in path:  # a record, not a list
                for status, response in responses.items():
                    if status in ("200", "201") and "application/json" in response.get(
                            "content", {}):
                        response.setdefault("headers", {})["ETag"] = ETAG_HEADER
            if not parameters:
                operation.pop("parameters")
