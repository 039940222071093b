"""Shared infrastructure: database, Redis, embedded servers, security, logging."""
