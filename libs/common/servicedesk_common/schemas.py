"""Schemas and field types every service's API shares: a string refuses control characters
(PostgreSQL cannot store NUL), an integer stays in the range a database column holds."""
import re

from marshmallow import Schema, ValidationError, fields, validate

# C0 controls and DEL, except tab and line ends (a ticket body has paragraphs).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
INT_MIN, INT_MAX = -(2 ** 31), 2 ** 31 - 1  # PostgreSQL `integer`
MAX_PAGE = 100_000


def has_control_chars(value: str) -> bool:
    return bool(_CONTROL.search(value))


class Text(fields.String):
    """A string without NUL or other control characters (tab and line ends allowed)."""

    default_error_messages = {"control": "Must not contain control characters (such as NUL)."}

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if has_control_chars(text):
            raise self.make_error("control")
        return text


class Integer(fields.Integer):
    """An integer a database column holds: out-of-range numbers are a 422, not a 500."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not any(_within_column(v) for v in self.validators):
            self.validators.insert(0, validate.Range(min=INT_MIN, max=INT_MAX))

    def _validated(self, value):
        try:
            return super()._validated(value)
        except OverflowError:  # a float such as 1e400
            raise ValidationError(self.error_messages["too_large"]) from None


def _within_column(validator) -> bool:
    return isinstance(validator, validate.Range) and validator.min is not None \
        and validator.max is not None and validator.min >= INT_MIN and validator.max <= INT_MAX


def page_field() -> Integer:
    return Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))


def per_page_field() -> Integer:
    return Integer(load_default=50, validate=validate.Range(min=1, max=200))


class Page(Schema):
    """The contract's list shape; a subclass adds `items`."""
    page = Integer()
    per_page = Integer()
    total = Integer()
