"""Triage: the service catalog, categorisation and urgency x impact -> priority."""
