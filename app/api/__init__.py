"""The JSON API under /api/v1: flask-smorest over the same services the web uses.

OpenAPI 3 is served at /api/openapi.json and browsable at /api/docs (Swagger UI from the
swagger-ui-bundle package, served by the app itself: no CDN).
"""

from __future__ import annotations

from flask import Blueprint, Flask, render_template, request, send_from_directory
from flask_smorest import Api
from swagger_ui_bundle import swagger_ui_path

from app.api.support import (
    IdConverter,
    id_param_schema,
    refuse_unknown_query,
    remember_response,
    require_precondition_header,
)
from app.common.schemas import ErrorSchema
from app.errors import PayloadTooLarge, UnsupportedMediaType
from app.i18n import _

#: Largest JSON body the API reads (bulk files have their own, larger limit).
MAX_JSON_BYTES = 1024 * 1024

docs = Blueprint("api_docs", __name__, template_folder="templates")


@docs.get("/api/docs")
def api_docs():
    return render_template("api/docs.html")


@docs.get("/api/docs/static/<path:filename>")
def api_docs_static(filename):
    return send_from_directory(swagger_ui_path, filename, max_age=86400)


class NordialogApi(Api):
    ERROR_SCHEMA = ErrorSchema


def _feature_blueprints():
    from app.accounts import api as accounts
    from app.checks import api as checks
    from app.commitments import api as commitments
    from app.commitments import proposals_api as proposals
    from app.engagements import api as engagements
    from app.indicators import api as indicators
    from app.meetings import api as meetings
    from app.notify import api as notify
    from app.organisations import api as organisations
    from app.programmes import api as programmes
    from app.reports import api as reports
    from app.selection import api as selection
    from app.work import api as work

    return [accounts.blp, work.blp, organisations.blp, programmes.blp, engagements.blp,
            meetings.blp, commitments.blp, proposals.blp, indicators.blp,
            notify.blp, checks.blp, selection.blp, reports.blp]


def init_api(app: Flask) -> Api:
    app.config.update({
        "API_TITLE": "Nordialog API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        "API_SPEC_OPTIONS": {
            "info": {"description": (
                "School-development dialogues, and the commitments that come out of them, "
                "followed up until they are met. Authenticate with a personal API token: "
                "`Authorization: Bearer <token>`. Changes need `If-Match` with the ETag you "
                "read; creating requests accept an `Idempotency-Key`. Messages follow "
                "`Accept-Language` or `?lang=` (da, nb, sv, en).")},
            "security": [{"bearerAuth": []}],
            "components": {"securitySchemes": {"bearerAuth": {"type": "http",
                                                              "scheme": "bearer"}}},
        },
    })
    app.url_map.converters["id"] = IdConverter
    api = NordialogApi(app)
    api.register_converter(IdConverter, id_param_schema)
    for blueprint in _feature_blueprints():
        api.register_blueprint(blueprint)
    app.register_blueprint(docs)
    from app.api.links import add_links
    from app.api.protocol import document_protocol, register_refusals
    from app.api.support import IDEMPOTENT

    # apispec keeps the operations it will serve in _paths: completed here, once.
    register_refusals(api.spec)
    document_protocol(api.spec._paths, IDEMPOTENT)
    add_links({"paths": api.spec._paths})

    from app.accounts.auth import csrf

    # The API authenticates by token, never by cookie, so forms' CSRF tokens do not apply.
    for blueprint in _feature_blueprints():
        csrf.exempt(blueprint)

    @app.before_request
    def check_api_body():
        if not request.path.startswith("/api/v1/"):
            return
        require_precondition_header()
        refuse_unknown_query()
        if request.method not in ("POST", "PUT", "PATCH"):
            return
        if not request.mimetype.startswith("multipart/"):
            if request.content_length and request.content_length > MAX_JSON_BYTES:
                raise PayloadTooLarge(_("The request is too large."))
            if request.content_length is None:
                # A body sent in chunks declares no length: read one byte past the limit (the
                # read is kept for the view) and refuse it if that byte came.
                request.max_content_length = MAX_JSON_BYTES + 1
                if len(request.get_data(cache=True)) > MAX_JSON_BYTES:
                    raise PayloadTooLarge(_("The request is too large."))
        has_body = bool(request.content_length) or request.headers.get("Transfer-Encoding")
        if has_body and request.mimetype != "application/json" \
                and not request.mimetype.startswith("multipart/"):
            raise UnsupportedMediaType(_("Send JSON (Content-Type: application/json)."))

    @app.after_request
    def keep_idempotent_response(response):
        if request.path.startswith("/api/v1/"):
            return remember_response(response)
        return response

    return api
