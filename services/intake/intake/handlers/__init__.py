"""What intake does on each command and event, inside one unit of work (the caller commits)."""
from .base import _apply, _newer, bump, guest_of, now, ticket_payload
from .conversation import (
    ClientReply,
    Upload,
    add_attachments,
    add_reply,
    check_uploads,
    client_reply,
    mark_replies_read,
)
from .events import EVENT_HANDLERS
from .mail import take_mail, ticket_from_quarantine
from .status import close, lift_hold, move, reopen, start_handling, start_hold
from .tickets import Created, create_ticket, update_ticket

__all__ = ["EVENT_HANDLERS", "ClientReply", "Created", "Upload", "_apply", "_newer",
           "add_attachments", "add_reply", "bump", "check_uploads", "client_reply", "close",
           "create_ticket", "guest_of", "lift_hold", "mark_replies_read", "move", "now",
           "reopen", "start_handling", "start_hold", "take_mail", "ticket_from_quarantine",
           "ticket_payload", "update_ticket"]
