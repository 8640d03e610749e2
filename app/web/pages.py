"""Helpers the feature pages share: a record the reader may use, and a page of a list."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import g, request

from app.accounts.access import can, require


def record(getter, ident: int, capability: str = "read"):
    """The record if the signed-in person may use it (404 or 403 page otherwise)."""
    return require(g.principal, capability, getter(ident))


def allowed(capability: str, target) -> bool:
    return can(g.principal, capability, target)


@dataclass
class Page:
    items: list
    number: int
    per_page: int
    total: int

    @property
    def last(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def url(self, number: int) -> str:
        params = {k: v for k, v in request.args.items(multi=True) if k != "page"}
        return f"{request.path}?{urlencode({**params, 'page': number}, doseq=True)}"


def page(query, per_page: int = 25) -> Page:
    try:
        number = max(1, min(int(request.args.get("page", 1)), 100_000))
    except ValueError:
        number = 1
    return Page(list(query.page(number, per_page)), number, per_page, query.count())
