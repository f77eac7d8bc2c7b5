"""Triage's API in and out."""
from marshmallow import Schema, fields


class ServiceOut(Schema):
    code = fields.String()
    name = fields.String()


class DetailOut(Schema):
    name = fields.String()
    services = fields.List(fields.Nested(ServiceOut))


class CategoryOut(Schema):
    name = fields.String()
    details = fields.List(fields.Nested(DetailOut))


class TypeOut(Schema):
    code = fields.String()
    name = fields.String()
    categories = fields.List(fields.String())


class CatalogOut(Schema):
    types = fields.List(fields.Nested(TypeOut))
    categories = fields.List(fields.Nested(CategoryOut))


class MatrixRow(Schema):
    high = fields.Integer(required=True)
    medium = fields.Integer(required=True)
    low = fields.Integer(required=True)


class MatrixSchema(Schema):
    high = fields.Nested(MatrixRow, required=True)
    medium = fields.Nested(MatrixRow, required=True)
    low = fields.Nested(MatrixRow, required=True)
