"""Check-ins: intake, the caller-scoped views, the outbox, and the pipeline stages."""
