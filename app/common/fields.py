"""marshmallow fields and validators whose messages are in the reader's language.

Use ``from app.common import fields`` in schemas instead of marshmallow's own: same fields,
with every default message marked for translation (lazily, so it is rendered in the language
of the request that reads it).
"""

from __future__ import annotations

from datetime import UTC, datetime

from marshmallow import ValidationError, validate
from marshmallow import fields as ma

from app.i18n import LANGUAGES, _l, normalize_language

# Messages every field can give.
_BASE = {
    "required": _l("This field is required."),
    "null": _l("This field may not be empty."),
    "validator_failed": _l("Invalid value."),
}


class _Translated:
    default_error_messages = _BASE

    def make_error(self, key: str, **kwargs) -> ValidationError:
        # Render the lazy message now, in the request's language; marshmallow would otherwise
        # keep a non-str message outside the usual list of messages.
        message = str(self.error_messages[key])
        return ValidationError(message.format(**kwargs) if kwargs else message)


def unstorable(text: str) -> str | None:
    """Why no database would store ``text``, as a message in the reader's language, or None.
    For services that take text from a web form without a schema, as the schemas do."""
    key = _unstorable_key(text)
    return str(String.default_error_messages[key]) if key else None


def _unstorable_key(text: str) -> str | None:
    if "\x00" in text:  # PostgreSQL cannot store it, and no one means to type it
        return "nul"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate ("\ud800" in JSON): no database takes it
        return "invalid_utf8"
    return None


class String(_Translated, ma.String):
    default_error_messages = {
        "invalid": _l("Not a valid text."),
        "invalid_utf8": _l("Not valid UTF-8 text."),
        "nul": _l("Text may not contain NUL characters."),
    }

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        key = _unstorable_key(text)
        if key:
            raise self.make_error(key)
        return text


class Language(String):
    """One of the languages Nordialog speaks, as a client may write it: ``no``, ``nn``,
    ``nb-NO`` and ``nb_NO`` all mean the one ``nb`` catalog, ``DA`` is ``da``."""

    default_error_messages = {"language": _l("Must be one of: {choices}.")}

    def _deserialize(self, value, attr, data, **kwargs):
        language = normalize_language(super()._deserialize(value, attr, data, **kwargs))
        if language is None:
            raise self.make_error("language", choices=", ".join(LANGUAGES))
        return language


class Integer(_Translated, ma.Integer):
    default_error_messages = {
        "invalid": _l("Not a valid whole number."),
        "too_large": _l("The number is too large."),
    }


class Float(_Translated, ma.Float):
    default_error_messages = {
        "invalid": _l("Not a valid number."),
        "too_large": _l("The number is too large."),
        "special": _l("Not a valid number."),
    }


class Boolean(_Translated, ma.Boolean):
    default_error_messages = {"invalid": _l("Not a valid true/false value.")}


class Date(_Translated, ma.Date):
    default_error_messages = {
        "invalid": _l("Not a valid date (use YYYY-MM-DD)."),
        "format": _l("Not a valid date (use YYYY-MM-DD)."),
    }


class AwareDateTime(_Translated, ma.AwareDateTime):
    """A moment with its time zone, within the years 2000-2100, as dates are.

    Outside them a moment may not even have a UTC equivalent (year 1 at +01:00 is before the
    calendar begins), which the database needs: the release run's fuzzing found that as a
    server error.
    """

    EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
    LATEST = datetime(2100, 12, 31, 23, 59, 59, tzinfo=UTC)
    default_error_messages = {
        "invalid": _l("Not a valid date and time (ISO 8601, e.g. 2026-04-20T09:00:00+02:00)."),
        "invalid_awareness": _l("Give the time zone, e.g. 2026-04-20T09:00:00+02:00."),
        "format": _l("Not a valid date and time (ISO 8601, e.g. 2026-04-20T09:00:00+02:00)."),
        "range": _l("Must be between {min} and {max}."),
    }

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if not self.EARLIEST <= moment <= self.LATEST:
            raise self.make_error("range", min=self.EARLIEST.date().isoformat(),
                                  max=self.LATEST.date().isoformat())
        return moment


class DateTime(_Translated, ma.DateTime):
    default_error_messages = {
        "invalid": _l("Not a valid date and time (ISO 8601)."),
        "format": _l("Not a valid date and time (ISO 8601)."),
    }


class UtcDateTime(_Translated, ma.DateTime):
    """A moment in UTC, written with its zone (``2026-04-20T07:00:00Z``): the database keeps
    naive UTC, and a time without a zone would be read as local by clients."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return value.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


class Email(String):
    """An e-mail address (marshmallow's own Email insists on an untranslated message)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators.insert(0, validate.Email(error=_l("Not a valid e-mail address.")))

    def _validate(self, value):
        if value == "":  # an address may be left empty where the field is optional
            return
        super()._validate(value)


class List(_Translated, ma.List):
    default_error_messages = {"invalid": _l("Not a valid list.")}


class Dict(_Translated, ma.Dict):
    default_error_messages = {"invalid": _l("Not a valid object.")}


class Nested(_Translated, ma.Nested):
    default_error_messages = {"type": _l("Not a valid object.")}


class Method(_Translated, ma.Method):
    pass


class Function(_Translated, ma.Function):
    pass


class Raw(_Translated, ma.Raw):
    pass


# --- validators ---------------------------------------------------------------------------------

def length(min: int | None = None, max: int | None = None) -> validate.Length:  # noqa: A002
    """Text length; ``min=1`` is how an empty string is refused where text is required."""
    if min and max:
        error = _l("Use between {min} and {max} characters.")
    elif min:
        error = _l("Use at least {min} characters.") if min > 1 else _l("This may not be empty.")
    else:
        error = _l("Use at most {max} characters.")
    return validate.Length(min=min, max=max, error=error)


def one_of(choices) -> validate.OneOf:
    return validate.OneOf(sorted(choices), error=_l("Must be one of: {choices}."))


def between(min=None, max=None) -> validate.Range:  # noqa: A002
    if min is not None and max is not None:
        error = _l("Must be between {min} and {max}.")
    elif min is not None:
        error = _l("Must be at least {min}.")
    else:
        error = _l("Must be at most {max}.")
    return validate.Range(min=min, max=max, error=error)
