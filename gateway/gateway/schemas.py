"""Gateway's own API in and out: login, the current user, user administration."""
from marshmallow import Schema, fields, validate

from servicedesk_common.identity import ROLES
from servicedesk_common.schemas import Integer, Page, Text, page_field, per_page_field


class LoginIn(Schema):
    username = Text(required=True, validate=validate.Length(min=1, max=120))
    password = Text(required=True, validate=validate.Length(min=1, max=200),
                             load_only=True)


class PasswordChange(Schema):
    old_password = Text(required=True, load_only=True, validate=validate.Length(min=1, max=200))
    new_password = Text(required=True, load_only=True,
                        validate=validate.Length(min=10, max=200))


class UserOut(Schema):
    username = Text()
    role = Text()
    group = Text(allow_none=True)
    name = Text(allow_none=True)
    email = Text(allow_none=True)
    active = fields.Boolean()


class TokenOut(Schema):
    access_token = Text()
    token_type = Text()
    expires_in = Integer()
    user = fields.Nested(UserOut)


class UserIn(Schema):
    username = Text(required=True, validate=validate.Regexp(
        r"^[a-z0-9][a-z0-9._\-]{1,119}$", error="Use 2-120 lowercase letters, digits, . _ -"))
    password = Text(required=True, load_only=True,
                             validate=validate.Length(min=10, max=200))
    role = Text(required=True, validate=validate.OneOf(ROLES))
    group = Text(allow_none=True, validate=validate.Length(max=40))
    name = Text(allow_none=True, validate=validate.Length(max=120))
    email = fields.Email(allow_none=True)


class UserPatch(Schema):
    password = Text(load_only=True, validate=validate.Length(min=10, max=200))
    role = Text(validate=validate.OneOf(ROLES))
    group = Text(allow_none=True, validate=validate.Length(max=40))
    name = Text(allow_none=True, validate=validate.Length(max=120))
    email = fields.Email(allow_none=True)
    active = fields.Boolean()


class UserListArgs(Schema):
    page = page_field()
    per_page = per_page_field()
    role = Text(validate=validate.OneOf(ROLES))


class UserPage(Page):
    items = fields.List(fields.Nested(UserOut))
