"""Shared library of the service desk: nothing domain-specific lives here."""
