"""The reporting period every KPI endpoint takes: `from`/`to` are dates (whole office days in
Asia/Jakarta, `to` included) or moments with an offset (`to` excluded)."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from marshmallow import Schema, ValidationError, fields

from .errors import Invalid

OFFICE = ZoneInfo("Asia/Jakarta")


class DayOrMoment(fields.Field):
    def _deserialize(self, value, attr, data, **kwargs):
        try:
            moment = date.fromisoformat(value) if len(value) == 10 \
                else datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise ValidationError("Give a date (2026-01-31) or a moment with an offset "
                                  "(2026-01-31T08:00:00+07:00).") from None
        if isinstance(moment, datetime) and moment.tzinfo is None:
            raise ValidationError("Give the moment's offset, e.g. +07:00 or Z.")
        return moment


class PeriodArgs(Schema):
    start = DayOrMoment(data_key="from", required=True)
    end = DayOrMoment(data_key="to", required=True)


def bounds(start: date | datetime, end: date | datetime) -> tuple[datetime, datetime]:
    """[start, end) in UTC; 422 naming `to` when the period is empty."""
    if not isinstance(start, datetime):
        start = datetime.combine(start, time.min, OFFICE)
    if not isinstance(end, datetime):
        end = datetime.combine(end + timedelta(days=1), time.min, OFFICE)
    if end <= start:
        raise Invalid("The period must end after it starts.", field="to")
    return start.astimezone(UTC), end.astimezone(UTC)
