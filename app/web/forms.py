"""Web forms on the same marshmallow schemas as the API, with messages beside the fields.

A rejected form is shown again with what was typed and each message next to its field; a form
for a record that someone else saved in the meantime shows the conflict instead of overwriting.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import g, request
from marshmallow import ValidationError

from app.errors import Conflict, DomainError, InvalidInput
from app.i18n import _

#: What a form shows beside its fields. Refusals of access (401/403/404) are not among them:
#: they go to the error handler, which answers with the refusal and records it.
SHOWN_ON_FORM = (InvalidInput, Conflict)


@dataclass
class Form:
    """What a form template needs: the values to show and the messages by field."""

    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    message: str | None = None
    conflict: bool = False
    #: Set when a template showed the form's message; one that was refused but is no longer
    #: on the page (the record changed meanwhile) gets its message at the top instead.
    shown: bool = False
    #: On a page with several forms, the beginning of this form's field ids: two forms asking
    #: for a "due_date" would otherwise give two fields one id, and a label the wrong field.
    #: Field names (what the schema reads) stay as they are.
    prefix: str = ""

    def under(self, prefix: str) -> Form:
        """This form, its field ids beginning with ``prefix``."""
        self.prefix = prefix
        return self

    def one_of_many(self, prefix: str) -> Form:
        """For a form repeated on a page (one per item): this form if it is the one that was
        submitted (``prefix`` matches), otherwise an empty one with that prefix."""
        return self if self.prefix == prefix else Form(prefix=prefix)

    def field_id(self, name: str) -> str:
        return f"{self.prefix}-{name}" if self.prefix else name

    def mark_shown(self) -> str:
        self.shown = True
        return ""

    def error(self, name: str) -> str:
        messages = self.errors.get(name)
        if not messages:
            return ""
        if isinstance(messages, dict):  # nested (a list's item): flatten for the page
            return " ".join(str(m) for value in messages.values() for m in value)
        return " ".join(str(m) for m in messages) if isinstance(messages, list) else str(messages)

    def value(self, name: str, default=""):
        value = self.values.get(name, default)
        return "" if value is None else value


def submitted(names: list[str] | None = None) -> dict:
    """The posted fields (only ``names`` when given), empty strings as absent."""
    form = request.form
    keys = names if names is not None else [k for k in form if k not in ("csrf_token",
                                                                         "version")]
    values = {}
    for key in keys:
        items = form.getlist(key)
        if len(items) > 1:
            values[key] = [item for item in items if item != ""]
        elif items and items[0] != "":
            values[key] = items[0]
    return values


def checkbox(name: str) -> bool:
    return request.form.get(name) in ("on", "true", "1", "yes")


def _remember(form: Form) -> None:
    """Keep the refused form for the layout (``refused_forms`` in templates/base.html)."""
    refused_forms = g.setdefault("refused_forms", [])
    if not any(known is form for known in refused_forms):
        refused_forms.append(form)


def load(schema, data: dict, form: Form) -> dict | None:
    """Validate ``data`` with ``schema``; on failure fill ``form`` and return None."""
    try:
        return schema.load(data)
    except ValidationError as err:
        form.errors.update(err.messages)
        form.message = _("Please correct the fields marked below.")
        _remember(form)
        return None


def refused(form: Form, err: DomainError) -> None:
    """A rule of the domain said no: show its message, and by field where it has fields."""
    form.message = str(err.message)
    _remember(form)
    for name, messages in err.errors.items():
        form.errors[name] = messages if isinstance(messages, list) else [messages]


def stale(entity, form: Form) -> bool:
    """True (and the form marked) when the record changed since the form was shown."""
    try:
        shown = int(request.form.get("version", ""))
    except ValueError:
        shown = None
    if shown == entity.version:
        return False
    form.conflict = True
    form.message = _("Someone else saved this while you were editing. Their version is shown "
                     "beside yours; check it, then save again to keep your changes.")
    _remember(form)
    return True
