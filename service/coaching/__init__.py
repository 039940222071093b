"""Turning retrieved strategy cards into a tip, or a safety response when someone may be unsafe."""
