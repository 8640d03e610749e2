"""What every API view uses: the caller, versions as ETags, pages, and idempotent creation."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from urllib.parse import urlencode

from flask import current_app, g, request
from flask_smorest import Blueprint
from pony.orm import flush
from pony.orm.core import TransactionIntegrityError
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter

from app.accounts.access import ANONYMOUS, Principal
from app.common import fields
from app.common.model import etag, utcnow
from app.common.schemas import BaseSchema
from app.db import db
from app.errors import (
    BadRequest,
    Conflict,
    InvalidInput,
    PreconditionFailed,
    PreconditionRequired,
    Unauthorized,
)
from app.i18n import _

MAX_ID = 2**31 - 1


class StrictParser(FlaskParser):
    """Unknown query parameters are an error (a mistyped filter must not silently return
    everything); ``lang``, which every request may carry, is not a filter."""

    DEFAULT_UNKNOWN_BY_LOCATION: dict = {}

    def _raw_load_json(self, req):
        # Nesting deeper than Python recurses and numbers longer than it converts are as
        # malformed as a missing brace: a 400, not a server error.
        try:
            return super()._raw_load_json(req)
        except (RecursionError, ValueError) as err:
            if isinstance(err, (json.JSONDecodeError, UnicodeDecodeError)):
                raise
            self._handle_invalid_json_error(err, req)

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        raise BadRequest(_("The body is not valid JSON."))

    def load_querystring(self, req, schema):
        args = MultiDict(req.args)
        args.poplist("lang")
        return self._makeproxy(args, schema)


def refuse_unknown_query() -> None:
    """A query parameter the operation does not know is an error, also where it knows none.

    Operations with query arguments refuse unknown ones while parsing them (``StrictParser``);
    this covers the others, so ``GET /me/tokens?status=x`` does not quietly answer everything.
    """
    view = current_app.view_functions.get(request.endpoint or "")
    arguments = getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    if view is None or any(a.get("in") == "query" for a in arguments):
        return
    unknown = sorted(name for name in request.args if name != "lang")
    if unknown:
        raise InvalidInput(_("Some of the data is not valid. See the messages by field."),
                           {name: [_("Unknown field.")] for name in unknown})


class ApiBlueprint(Blueprint):
    """Strict arguments, and every operation named after its view for clients to call by name
    (``operationId``: ``list_commitments``, ``record_commitment``, ...)."""

    ARGUMENTS_PARSER = StrictParser()

    def register_views_in_doc(self, api, app, spec, *, name, parameters):
        for endpoint, info in self._docs.items():
            for method, operation in info.items():
                if method != "parameters":
                    operation.setdefault("manual_doc", {}).setdefault("operationId", endpoint)
        super().register_views_in_doc(api, app, spec, name=name, parameters=parameters)


class IdConverter(IntegerConverter):
    """Record ids in URLs: 1 .. 2^31-1; anything else is simply not found (never a 500)."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=MAX_ID)


def id_param_schema(_converter) -> dict:
    return {"type": "integer", "minimum": 1, "maximum": MAX_ID}


# --- the caller ---------------------------------------------------------------------------------

class NotSignedIn(Unauthorized):
    """No credentials at all: say how to authenticate (and record the refusal, like every
    other: who tried what, from where)."""

    audit_action = "access_refused"


def principal() -> Principal:
    return g.get("principal", ANONYMOUS)


def signed_in() -> Principal:
    """The caller's principal; 401 when the request carries no valid token."""
    caller = principal()
    if caller.is_anonymous:
        raise NotSignedIn(_("Send a personal API token: Authorization: Bearer <token>."),
                          headers={"WWW-Authenticate": 'Bearer realm="nordialog"'})
    return caller


def current_user():
    signed_in()
    return g.user


# --- versions as ETags ----------------------------------------------------------------------------

def with_etag(entity, status: int = 200, headers: dict | None = None, *,
              location: str | None = None):
    """A response tuple for flask-smorest that carries the record's ETag.

    Flushes first: the version moves when the change is written, and the client must get the
    version it will have to send back. ``location`` (``"/api/v1/things/{id}"``) is filled in
    after the flush too: a new record has no id before it is written.
    """
    flush()
    headers = {"ETag": f'"{etag(entity)}"', **(headers or {})}
    if location is not None:
        headers["Location"] = location.format(id=entity.id)
    return entity, status, headers


#: Methods that change or remove what is at a URL: never without a precondition.
CHANGING_METHODS = ("PUT", "PATCH", "DELETE")


def require_precondition_header() -> None:
    """Every PUT, PATCH and DELETE of the API names the version it was made against.

    Checked for every route before its view runs (after authentication, so an anonymous
    caller still learns to send a token first), so a new route cannot forget it; the view then
    compares the version with ``require_if_match``. A PUT that defines a new record has no
    version to name and sends ``If-None-Match: *`` instead ("only if it does not exist yet").
    """
    if request.method not in CHANGING_METHODS or request.url_rule is None \
            or principal().is_anonymous or request.headers.get("If-Match"):
        return
    if request.method == "PUT" and request.if_none_match.star_tag:
        return
    raise PreconditionRequired(
        _("Send If-Match with the ETag you read, so no one's change is overwritten."))


def require_absent(found) -> None:
    """A PUT with ``If-None-Match: *`` defines something new: refuse it if it exists (412)."""
    if found is not None and request.if_none_match.star_tag:
        raise PreconditionFailed(
            _("This already exists. Read it and send If-Match with its ETag to change it."),
            headers={"ETag": f'"{etag(found)}"'}, current_version=found.version)
    if found is None and request.headers.get("If-Match"):
        raise PreconditionFailed(
            _("There is nothing here to change yet. Send If-None-Match: * to create it."))


def require_if_match(entity, *, required: bool = True) -> None:
    """Refuse a change made against another version than the current one.

    Missing If-Match on a change: 428 (a blind write could overwrite someone else's); a stale
    one: 412 with the current version, so the client can reload and decide.
    """
    if not request.headers.get("If-Match"):
        if required:
            raise PreconditionRequired(
                _("Send If-Match with the ETag you read, so no one's change is overwritten."))
        return
    version = _lock_and_read_version(entity)
    current = f"{type(entity).__name__.lower()}-{entity.id}-v{version}"
    if request.if_match.star_tag or request.if_match.contains(current):
        return
    raise PreconditionFailed(
        _("Someone else changed this since you read it. Reload it and apply your change again."),
        headers={"ETag": f'"{current}"'}, current_version=version)


def _lock_and_read_version(entity) -> int:
    """Take the record's write lock and read its committed version.

    Without the lock, concurrent writers holding the same ETag would all pass the check and
    all but one fail later at commit (a 409 that does not say which version is current). A
    no-op UPDATE waits for any other writer of the row (PostgreSQL: the row lock; SQLite: Pony
    opens the write transaction with BEGIN IMMEDIATE), so the version read next is the latest.
    """
    table = type(entity)._table_
    params = {"entity_id": entity.id}
    db.execute(f'UPDATE "{table}" SET "version" = "version" WHERE "id" = $entity_id', params)
    return db.select(f'SELECT "version" FROM "{table}" WHERE "id" = $entity_id', params)[0]


# --- pages ---------------------------------------------------------------------------------------

class PageQuery(BaseSchema):
    page = fields.Integer(load_default=1, validate=fields.between(1, 1_000_000),
                          metadata={"description": "Page number, from 1."})
    per_page = fields.Integer(load_default=50, validate=fields.between(1, 200),
                              metadata={"description": "Items per page (at most 200)."})


def page_of(query, args: dict):
    """One page of ``query`` with its total, as ``(body, headers)``: two SQL queries in all.

    ``query`` may also be a list already in its order (a record's own collection, loaded in
    one query, or what a service computed): the page is then cut from it.
    """
    page, per_page = args.get("page", 1), args.get("per_page", 50)
    if isinstance(query, (list, tuple)):
        total = len(query)
        items = list(query[(page - 1) * per_page:page * per_page])
    else:
        total = query.count()
        items = list(query.page(page, per_page))
    last = max(1, -(-total // per_page))
    links = []

    def url(number: int) -> str:
        params = {k: v for k, v in request.args.items(multi=True) if k != "page"}
        return f"{request.base_url}?{urlencode({**params, 'page': number}, doseq=True)}"

    links.append(f'<{url(1)}>; rel="first"')
    if page > 1:
        links.append(f'<{url(min(page - 1, last))}>; rel="prev"')
    if page < last:
        links.append(f'<{url(page + 1)}>; rel="next"')
    links.append(f'<{url(last)}>; rel="last"')
    body = {"items": items, "total": total, "page": page, "per_page": per_page}
    return body, {"Link": ", ".join(links), "X-Total-Count": str(total)}


# --- idempotent creation ------------------------------------------------------------------------

IDEMPOTENCY_TTL = timedelta(hours=24)
#: The operations (view names) that honour an Idempotency-Key, for the OpenAPI document.
IDEMPOTENT: set[str] = set()


def _request_hash() -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _key_digest(key: str) -> str:
    """What is stored of a client's key: a keyed hash, so the table does not hold the key
    that unseals the secrets in its responses (see ``_seal``)."""
    secret = current_app.config["SECRET_KEY"]
    return hmac.new(str(secret).encode(), f"idempotency-key:{key}".encode(),
                    hashlib.sha256).hexdigest()


def _xor_stream(key: bytes, nonce: bytes, data: bytes) -> bytes:
    """``data`` XOR an HMAC-SHA256 keystream: encrypts, and decrypts what it encrypted."""
    blocks = (hmac.new(key, nonce + i.to_bytes(4, "big"), hashlib.sha256).digest()
              for i in range(-(-len(data) // 32)))
    return bytes(a ^ b for a, b in zip(data, b"".join(blocks)[:len(data)], strict=True))


def _tag(key: bytes, nonce: bytes, sealed: bytes) -> bytes:
    return hmac.new(key, nonce + sealed, hashlib.sha256).digest()


def _keys(key: str) -> tuple[bytes, bytes]:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return tuple(hmac.new(secret, f"idempotency-{use}:{key}".encode(), hashlib.sha256).digest()
                 for use in ("encrypt", "authenticate"))


def _seal(text: str, key: str) -> str:
    """Encrypt a secret of a stored response (a new token, a calendar address) so that only a
    retry with the same Idempotency-Key can read it: the keys come from the client's key, which
    is not stored, and the app's secret. HMAC-SHA256 as a stream cipher, then a MAC over the
    nonce and the ciphertext (the standard library has no AES)."""
    encrypt, authenticate = _keys(key)
    nonce = secrets.token_bytes(16)
    sealed = _xor_stream(encrypt, nonce, text.encode())
    return base64.b64encode(nonce + _tag(authenticate, nonce, sealed) + sealed).decode()


def _unseal(value: str, key: str) -> str | None:
    encrypt, authenticate = _keys(key)
    try:
        raw = base64.b64decode(value.encode(), validate=True)
    except ValueError:
        return None
    nonce, tag, sealed = raw[:16], raw[16:48], raw[48:]
    if not hmac.compare_digest(tag, _tag(authenticate, nonce, sealed)):
        return None
    return _xor_stream(encrypt, nonce, sealed).decode()


@dataclass
class _Claim:
    record: object
    key: str
    secret_fields: tuple[str, ...]


def idempotent(view=None, *, secret_fields: tuple[str, ...] = ()):
    """Honour an ``Idempotency-Key`` on a creating POST: a retry gets the first response
    (its status, body, Location and ETag).

    The key is claimed (and flushed) before the view runs, so of two concurrent requests with
    the same key one creates and the other waits and replays; the stored response is written in
    the same transaction as what it created. Keys are per user. ``secret_fields`` of the
    response (shown once, never stored in clear) are kept sealed with the client's key.
    """
    if view is None:
        return lambda actual: idempotent(actual, secret_fields=secret_fields)
    IDEMPOTENT.add(view.__name__)

    @wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return view(*args, **kwargs)
        if not 1 <= len(key) <= 200 or not key.isprintable():
            raise InvalidInput(_("The Idempotency-Key is not valid."),
                               {"Idempotency-Key": [_("Use 1 to 200 printable characters.")]})
        user = current_user()
        fingerprint = _request_hash()
        digest = _key_digest(key)
        horizon = utcnow() - IDEMPOTENCY_TTL
        db.IdempotencyRecord.select(lambda r: r.user == user and r.created_at < horizon
                                    ).delete(bulk=True)
        found = db.IdempotencyRecord.get(user=user, key=digest)
        if found is None:
            try:
                found = db.IdempotencyRecord(user=user, key=digest, request_hash=fingerprint,
                                             created_at=utcnow())
                flush()
            except TransactionIntegrityError:
                raise Conflict(_("A request with this Idempotency-Key is being processed.")
                               ) from None
            g.idempotency_claim = _Claim(found, key, secret_fields)
            return view(*args, **kwargs)
        if found.request_hash != fingerprint:
            raise InvalidInput(
                _("This Idempotency-Key was used for a different request."),
                {"Idempotency-Key": [_("Use a new key for a new request.")]})
        if found.status_code is None:
            raise Conflict(_("A request with this Idempotency-Key is being processed."))
        body = dict(found.body) if isinstance(found.body, dict) else found.body
        for name in secret_fields:
            if isinstance(body, dict) and isinstance(body.get(name), str):
                body[name] = _unseal(body[name], key)
                if body[name] is None:
                    raise Conflict(_("The first answer to this Idempotency-Key can no longer "
                                     "be given. Send the request with a new key."))
        headers = {"Idempotent-Replayed": "true"}
        if found.location:
            headers["Location"] = found.location
        if found.etag:
            headers["ETag"] = found.etag
        return json.dumps(body), found.status_code, {
            **headers, "Content-Type": "application/json"}

    return wrapper


def remember_response(response):
    """After a creating request succeeded, keep its response with the claimed key."""
    claim = g.pop("idempotency_claim", None)
    if claim is not None and response.status_code < 400 and response.is_json:
        body = response.get_json()
        for name in claim.secret_fields:
            if isinstance(body, dict) and isinstance(body.get(name), str):
                body[name] = _seal(body[name], claim.key)
        claim.record.status_code = response.status_code
        claim.record.body = body
        claim.record.location = response.headers.get("Location")
        claim.record.etag = response.headers.get("ETag")
    return response


def fetch(getter, ident: int, capability: str = "read"):
    """The record ``getter(ident)`` if the caller may exercise ``capability`` on it.

    Without credentials the answer is 401 before anything is looked up.
    """
    from app.accounts.access import require

    return require(signed_in(), capability, getter(ident))
