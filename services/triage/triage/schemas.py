"""Triage's API in and out."""
from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from servicedesk_common.schemas import Integer, Text

from .domain import validate_matrix

NAME = validate.Length(min=1, max=60)


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Must not be blank.")


class ServiceOut(Schema):
    code = Text()
    name = Text()


class DetailOut(Schema):
    name = Text()
    services = fields.List(fields.Nested(ServiceOut))


class CategoryOut(Schema):
    name = Text()
    details = fields.List(fields.Nested(DetailOut))


class TypeOut(Schema):
    code = Text()
    name = Text()
    categories = fields.List(Text())


class CatalogOut(Schema):
    types = fields.List(fields.Nested(TypeOut))
    categories = fields.List(fields.Nested(CategoryOut))


class CatalogServiceOut(Schema):
    code = Text()
    name = Text()
    category = Text()
    detail = Text()
    position = Integer()
    active = fields.Boolean()


class CatalogServiceArgs(Schema):
    include_inactive = fields.Boolean(load_default=False)


class CatalogServiceIn(Schema):
    category = Text(required=True, validate=[NAME, _not_blank])
    detail = Text(required=True, validate=[NAME, _not_blank])
    name = Text(required=True, validate=[validate.Length(min=1, max=120), _not_blank])
    code = Text(validate=validate.Regexp(
        r"^[a-z0-9]+(-[a-z0-9]+)*$", error="Use lower-case letters, digits and single dashes."))
    position = Integer(validate=validate.Range(min=0, max=100000))


class CatalogServicePatch(Schema):
    category = Text(validate=[NAME, _not_blank])
    detail = Text(validate=[NAME, _not_blank])
    name = Text(validate=[validate.Length(min=1, max=120), _not_blank])
    position = Integer(validate=validate.Range(min=0, max=100000))
    active = fields.Boolean()

    @validates_schema
    def _something(self, data, **_kw):
        if not data:
            raise ValidationError("Give at least one of category, detail, name, position, "
                                  "active.", field_name="_schema")


class CatalogTypeIn(Schema):
    name = Text(validate=[NAME, _not_blank])
    categories = fields.List(Text(validate=[NAME, _not_blank]), required=True,
                             validate=validate.Length(min=1, max=50))


class MatrixRow(Schema):
    high = Integer(required=True, strict=True, validate=validate.Range(min=1, max=3))
    medium = Integer(required=True, strict=True, validate=validate.Range(min=1, max=3))
    low = Integer(required=True, strict=True, validate=validate.Range(min=1, max=3))


class MatrixSchema(Schema):
    """urgency -> impact -> priority. Errors name the cell: {"high.low": [...]}."""
    high = fields.Nested(MatrixRow, required=True)
    medium = fields.Nested(MatrixRow, required=True)
    low = fields.Nested(MatrixRow, required=True)

    @pre_load
    def _check_cells(self, data, **_kw):
        if not isinstance(data, dict):
            raise ValidationError("Send an object: urgency -> impact -> priority.",
                                  field_name="_schema")
        errors = validate_matrix(data)
        if errors:
            raise ValidationError(errors)
        return data
