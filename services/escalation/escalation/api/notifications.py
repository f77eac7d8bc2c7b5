"""Each person's notifications: what escalation told them, and marking them read."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from servicedesk_common.errors import NotFound
from servicedesk_common.identity import STAFF
from servicedesk_common.web import current_identity, require

from .. import domain
from ..handlers import now
from ..schemas import (
    MarkedOut,
    NotificationArgs,
    NotificationOut,
    NotificationPage,
    PreferencesIn,
    PreferencesOut,
)
from .common import unit_of_work

blp = Blueprint("notifications", __name__, url_prefix="/api/v1/notifications",
                description="Notifications to staff")


@blp.route("")
class Notifications(MethodView):
    @require()
    @blp.arguments(NotificationArgs, location="query")
    @blp.response(200, NotificationPage)
    def get(self, args):
        """The caller's own, newest first; `unread=1` for the unread ones only. The console
        asks on every page, which is how escalation learns who is on duty and their address."""
        identity = current_identity()
        with unit_of_work() as uow:
            if identity.is_staff:
                uow.staff.seen(identity, at=now())
                uow.commit()
            items, total, unread = uow.notifications.for_user(
                identity.username, unread=args["unread"], page=args["page"],
                per_page=args["per_page"])
            return {"items": items, "page": args["page"], "per_page": args["per_page"],
                    "total": total, "unread": unread}


def _preferences(uow, username: str) -> dict:
    off = uow.preferences.email_off(username)
    return {"email": {kind: kind not in off for kind in domain.NOTIFY_KINDS},
            "labels": dict(domain.NOTIFY_KINDS)}


@blp.route("/preferences")
class Preferences(MethodView):
    @require(*STAFF)
    @blp.response(200, PreferencesOut)
    def get(self):
        """Which kinds the caller gets by e-mail too (every kind, unless turned off)."""
        with unit_of_work() as uow:
            return _preferences(uow, current_identity().username)

    @require(*STAFF)
    @blp.arguments(PreferencesIn)
    @blp.response(200, PreferencesOut)
    def put(self, data):
        """`{email: {kind: true|false}}`: the kinds named change, the others stay."""
        identity = current_identity()
        with unit_of_work() as uow:
            uow.staff.seen(identity, at=now())
            uow.preferences.set_email(identity.username, data["email"])
            uow.commit()
            return _preferences(uow, identity.username)


@blp.route("/<int:notification_id>/read")
class MarkRead(MethodView):
    @require()
    @blp.response(200, NotificationOut)
    def post(self, notification_id):
        with unit_of_work() as uow:
            notification = uow.notifications.get(notification_id)
            if notification is None or notification.recipient != current_identity().username:
                raise NotFound(f"No notification {notification_id}.")
            if notification.read_at is None:
                notification.read_at = now()
                uow.commit()
            return notification


@blp.route("/read-all")
class MarkAllRead(MethodView):
    @require()
    @blp.response(200, MarkedOut)
    def post(self):
        with unit_of_work() as uow:
            marked = uow.notifications.mark_all_read(current_identity().username, at=now())
            uow.commit()
        return {"marked": marked}
