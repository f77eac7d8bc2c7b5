"""Each person's notifications: what escalation told them, and marking them read."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from servicedesk_common.errors import NotFound
from servicedesk_common.web import current_identity, require

from ..handlers import now
from ..schemas import MarkedOut, NotificationArgs, NotificationOut, NotificationPage
from .common import unit_of_work

blp = Blueprint("notifications", __name__, url_prefix="/api/v1/notifications",
                description="Notifications to staff")


@blp.route("")
class Notifications(MethodView):
    @require()
    @blp.arguments(NotificationArgs, location="query")
    @blp.response(200, NotificationPage)
    def get(self, args):
        """The caller's own, newest first; `unread=1` for the unread ones only."""
        with unit_of_work() as uow:
            items, total, unread = uow.notifications.for_user(
                current_identity().username, unread=args["unread"], page=args["page"],
                per_page=args["per_page"])
            return {"items": items, "page": args["page"], "per_page": args["per_page"],
                    "total": total, "unread": unread}


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
