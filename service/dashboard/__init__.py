"""The coach dashboard: server-rendered pages (Jinja + htmx) inside the service."""
