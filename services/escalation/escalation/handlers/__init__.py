"""What escalation does on each event and command, inside one unit of work (the caller
commits): `read_model` keeps what other services decided about each ticket, `commands` are
the escalation form and what follows it, `groups` the admin's edits."""
from .read_model import EVENT_HANDLERS, now

__all__ = ["EVENT_HANDLERS", "now"]
