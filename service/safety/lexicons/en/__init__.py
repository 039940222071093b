"""English safety rules, one module per kind of signal."""
