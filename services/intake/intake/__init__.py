"""Intake: tickets, replies, attachments, history, client tracking, and the ticket read model."""
