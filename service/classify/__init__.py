"""Reading a check-in: safety risk, relationship patterns and burnout signals."""
