"""Escalations: the coach queue of check-ins and chat messages where someone may be unsafe."""
