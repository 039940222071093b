"""Finding the strategy cards that fit a check-in: hybrid dense + full-text search."""
