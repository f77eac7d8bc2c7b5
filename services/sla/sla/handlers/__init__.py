"""What sla does on each event and command, inside one unit of work (the caller commits).

clocks  the one way a clock is brought up to date and announced
events  ticket events -> facts
admin   policies and calendar closed dates
"""
from .clocks import check, settle
from .events import EVENT_HANDLERS

__all__ = ["EVENT_HANDLERS", "check", "settle"]
