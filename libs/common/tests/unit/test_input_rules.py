"""The shared input rules: strings without control characters, integers a column holds, and
how deep a JSON body nests."""
import pytest
from marshmallow import Schema, ValidationError, validate

from servicedesk_common.schemas import Integer, Text, page_field
from servicedesk_common.web import is_json, json_depth


class Sample(Schema):
    name = Text()
    count = Integer()
    page = page_field()
    small = Integer(validate=validate.Range(min=1, max=3))


@pytest.mark.parametrize("value", ["a\x00b", "\x1b[31m", "x\x7f", "\x0b"])
def test_a_control_character_is_refused(value):
    with pytest.raises(ValidationError) as refused:
        Sample().load({"name": value})
    assert "control characters" in refused.value.messages["name"][0]


def test_tabs_and_line_ends_are_kept():
    assert Sample().load({"name": "a\tb\r\nc\n"})["name"] == "a\tb\r\nc\n"


@pytest.mark.parametrize("value", [2 ** 31, -(2 ** 31) - 1, 10 ** 20, 1e400])
def test_an_integer_no_column_holds_is_refused(value):
    with pytest.raises(ValidationError) as refused:
        Sample().load({"count": value})
    assert list(refused.value.messages) == ["count"]


def test_a_tighter_range_is_the_only_message():
    with pytest.raises(ValidationError) as refused:
        Sample().load({"small": 10 ** 20, "page": 10 ** 20})
    assert len(refused.value.messages["small"]) == 1
    assert len(refused.value.messages["page"]) == 1


@pytest.mark.parametrize("body, depth", [
    (b"{}", 1), (b"[[[]]]", 3), (b'{"a": "[[[[{{{{"}', 1), (b'["\\"[[[", [1]]', 2),
    (b"[" * 5000 + b"]" * 5000, 5000), (b'"plain"', 0)])
def test_json_depth_counts_only_structure(body, depth):
    assert json_depth(body) == depth


@pytest.mark.parametrize("mimetype, expected", [
    ("application/json", True), ("application/merge-patch+json", True),
    ("application/vnd.api+json", True), ("text/plain", False), ("multipart/form-data", False)])
def test_json_media_types(mimetype, expected):
    assert is_json(mimetype) is expected
