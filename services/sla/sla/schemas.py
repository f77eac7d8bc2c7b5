"""Sla's API in and out."""
