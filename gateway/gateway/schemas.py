"""Gateway's own API in and out: login, the current user, user administration."""
from marshmallow import Schema, fields, validate

from servicedesk_common.identity import ROLES
from servicedesk_common.schemas import Page


class LoginIn(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=120))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200),
                             load_only=True)


class PasswordChange(Schema):
    old_password = fields.String(required=True, load_only=True,
                                 validate=validate.Length(min=1, max=200))
    new_password = fields.String(required=True, load_only=True,
                                 validate=validate.Length(min=10, max=200))


class UserOut(Schema):
    username = fields.String()
    role = fields.String()
    group = fields.String(allow_none=True)
    name = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    active = fields.Boolean()


class TokenOut(Schema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()
    user = fields.Nested(UserOut)


class UserIn(Schema):
    username = fields.String(required=True, validate=validate.Regexp(
        r"^[a-z0-9][a-z0-9._\-]{1,119}$", error="Use 2-120 lowercase letters, digits, . _ -"))
    password = fields.String(required=True, load_only=True,
                             validate=validate.Length(min=10, max=200))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    group = fields.String(allow_none=True, validate=validate.Length(max=40))
    name = fields.String(allow_none=True, validate=validate.Length(max=120))
    email = fields.Email(allow_none=True)


class UserPatch(Schema):
    password = fields.String(load_only=True, validate=validate.Length(min=10, max=200))
    role = fields.String(validate=validate.OneOf(ROLES))
    group = fields.String(allow_none=True, validate=validate.Length(max=40))
    name = fields.String(allow_none=True, validate=validate.Length(max=120))
    email = fields.Email(allow_none=True)
    active = fields.Boolean()


class UserListArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    role = fields.String(validate=validate.OneOf(ROLES))


class UserPage(Page):
    items = fields.List(fields.Nested(UserOut))
