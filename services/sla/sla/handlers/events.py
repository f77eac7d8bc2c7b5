"""What sla does on each event, inside one unit of work (the caller commits)."""

EVENT_HANDLERS: dict = {}
