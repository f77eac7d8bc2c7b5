"""Schemas every service's API shares."""
from marshmallow import Schema, fields


class Page(Schema):
    """The contract's list shape; a subclass adds `items`."""
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
