"""Escalation's API in and out."""
