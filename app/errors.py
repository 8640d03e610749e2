"""Domain errors and the one error shape every client sees.

Services raise ``DomainError`` subclasses with messages marked for translation; the handlers
registered here roll back the request's transaction first and then answer in the reader's
language: JSON ``{code, status, message, errors}`` for the API, an HTML page for the web.
"""

from __future__ import annotations

import logging
import uuid
from http import HTTPStatus
from typing import Any

from flask import Flask, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class StartupError(Exception):
    """The service cannot start (bad configuration, unreachable database).

    Its message is marked with ``_l``: ``str()`` reads it in the current language, and
    ``for_operator()`` in the terminal's language even where no app exists (yet) to say it.
    """

    def for_operator(self) -> str:
        from app.i18n import terminal_context

        with terminal_context():
            return str(self)


class DomainError(Exception):
    """A request that the domain rules refuse. ``message`` and ``errors`` may be lazy strings.

    ``extra`` goes into the response body; ``audit`` (never shown) tells the handler what to
    record when the class has an ``audit_action``.
    """

    status: int = HTTPStatus.BAD_REQUEST
    audit_action: str | None = None
    #: An HTML page to answer a browser with instead of the generic error page (a form shown
    #: again with the message beside it and what was typed still in it).
    page: str | None = None

    def __init__(self, message: Any, errors: dict | None = None, *, audit: dict | None = None,
                 headers: dict | None = None, **extra: Any) -> None:
        super().__init__(str(message))
        self.message = message
        self.errors = errors or {}
        self.audit = audit or {}
        self.headers = headers or {}
        self.extra = extra


class BadRequest(DomainError):
    """A request that cannot be read at all (a body that is not JSON)."""

    status = HTTPStatus.BAD_REQUEST


class NotFound(DomainError):
    status = HTTPStatus.NOT_FOUND


class Unauthorized(DomainError):
    status = HTTPStatus.UNAUTHORIZED
    audit_action = "authentication_refused"


class Forbidden(DomainError):
    status = HTTPStatus.FORBIDDEN
    # Every refusal is recorded (issue 3): who, what, when and the route.
    audit_action = "access_refused"


class Conflict(DomainError):
    """The request contradicts the current state (a status graph, a lifecycle, a duplicate)."""

    status = HTTPStatus.CONFLICT


class PreconditionFailed(DomainError):
    """The client's If-Match names a version that is no longer current."""

    status = HTTPStatus.PRECONDITION_FAILED


class PreconditionRequired(DomainError):
    """A change without If-Match could silently overwrite someone else's."""

    status = HTTPStatus.PRECONDITION_REQUIRED


class UnsupportedMediaType(DomainError):
    status = HTTPStatus.UNSUPPORTED_MEDIA_TYPE


class PayloadTooLarge(DomainError):
    status = HTTPStatus.REQUEST_ENTITY_TOO_LARGE


class InvalidInput(DomainError):
    """Field-level validation failures: ``errors`` maps field names to lists of messages."""

    status = HTTPStatus.UNPROCESSABLE_ENTITY


def chosen(field: str, lookup, *args):
    """The record that a value in the request names (a phase, a meeting type, a programme picked
    on a form). When there is none, that is a message beside ``field``, not a missing page: the
    page itself was found."""
    try:
        return lookup(*args)
    except NotFound as err:
        raise InvalidInput(err.message, {field: [err.message]}) from err


def wants_json() -> bool:
    """API paths and clients that ask for JSON get JSON; browsers get a page."""
    if request.path.startswith("/api/") or request.path == "/healthz":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _render(value: Any) -> Any:
    """Turn lazy strings (and nested containers of them) into plain text for output."""
    if isinstance(value, dict):
        return {str(k): _render(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_render(v) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value)


def error_response(status: int, message: Any, errors: dict | None = None, **extra: Any):
    """The single error shape, as JSON or as an HTML page depending on the client."""
    phrase = HTTPStatus(status).phrase
    body = {"code": status, "status": phrase, "message": _render(message)}
    if errors:
        body["errors"] = _render(errors)
    body.update(_render(extra))
    if wants_json():
        response = jsonify(body)
    else:
        response = make_response(render_template("error.html", error=body))
    response.status_code = status
    return response


def _rollback() -> None:
    # Import here: errors.py is imported by config before the ORM is set up.
    from pony.orm import rollback

    try:
        rollback()
    except Exception:  # noqa: BLE001 - nothing to roll back outside a db_session
        log.debug("rollback outside db_session", exc_info=True)


def record_refused_request(action: str, entity: str | None = None,
                           entity_id: int | None = None) -> None:
    """One audit entry for a refused request: the route, method and path it asked for (who
    and when come from the audit context)."""
    from app.accounts import audit
    from app.db import db

    rule = request.url_rule.rule if request.url_rule is not None else "-"
    audit.record(db, action, entity=entity, entity_id=entity_id,
                 summary=f"{request.method} {request.path} ({rule})")


def _record_refusal(action: str, details: dict) -> None:
    """After the rollback, keep a record of the refusal itself (its own small transaction)."""
    from pony.orm import commit

    from app.accounts.services import record_failed_sign_in

    try:
        if "sign_in_email" in details:
            record_failed_sign_in(details["sign_in_email"], request.remote_addr or "-", action)
        else:
            record_refused_request(action, details.get("entity"), details.get("entity_id"))
        commit()
    except Exception:  # noqa: BLE001 - a failed audit write must not hide the refusal
        log.exception("could not record %s", action)
        _rollback()


#: Where webargs found a problem; the error shape reports by field, not by location.
_LOCATIONS = {"json", "query", "form", "files", "headers", "cookies", "path", "view_args"}


def _by_field(messages: Any) -> Any:
    """Merge webargs' ``{"json": {...}, "query": {...}}`` into one ``{field: messages}``."""
    if isinstance(messages, dict) and messages and set(messages) <= _LOCATIONS:
        merged: dict = {}
        for per_location in messages.values():
            if isinstance(per_location, dict):
                merged.update(per_location)
            else:
                merged.setdefault("_schema", []).extend(
                    per_location if isinstance(per_location, list) else [per_location])
        return merged
    return messages


def register_error_handlers(app: Flask) -> None:
    """Every handler rolls back first, so a refused request never leaves half-written data."""
    from app.i18n import _

    @app.errorhandler(DomainError)
    def handle_domain_error(err: DomainError):
        _rollback()
        if err.audit_action:
            _record_refusal(err.audit_action, err.audit)
        if err.page is not None and not wants_json():
            return make_response(err.page, err.status)
        response = error_response(err.status, err.message, err.errors, **err.extra)
        response.headers.extend(err.headers)
        return response

    @app.errorhandler(HTTPException)
    def handle_http_exception(err: HTTPException):
        _rollback()
        messages = {
            400: _("The request could not be understood."),
            401: _("Please sign in to continue."),
            403: _("You do not have access to this."),
            404: _("Nothing was found at this address."),
            405: _("This method is not allowed here."),
            413: _("The request is too large."),
            415: _("This content type is not supported."),
            422: _("Some of the data is not valid. See the messages by field."),
            429: _("Too many attempts. Please wait a moment and try again."),
        }
        data = getattr(err, "data", None) or {}
        errors = _by_field(data.get("messages") or data.get("errors"))
        code = err.code or 500
        if code in (401, 403):
            _record_refusal("access_refused", {})
        message = messages.get(code, err.description or HTTPStatus(code).phrase)
        return error_response(code, message, errors)

    from pony.orm.core import OptimisticCheckError, TransactionIntegrityError

    @app.errorhandler(TransactionIntegrityError)
    def handle_integrity(_err):
        _rollback()
        return error_response(409, _("This would duplicate or break a link to another record."))

    @app.errorhandler(OptimisticCheckError)
    def handle_concurrent_change(_err):
        _rollback()
        return error_response(
            409, _("Someone else changed this at the same time. Reload and try again."))

    @app.errorhandler(Exception)
    def handle_unexpected(err: Exception):
        _rollback()
        error_id = uuid.uuid4().hex[:12]
        # The log keeps the detail; the user gets an id to quote, never a stack trace.
        log.exception("unhandled error %s on %s %s", error_id, request.method, request.path)
        return error_response(
            500,
            _("Something went wrong on our side. Please quote error %(error_id)s.",
              error_id=error_id),
            error_id=error_id,
        )
