"""Attune: a self-hostable backend for relationship coaching."""

__version__ = "0.1.0"
