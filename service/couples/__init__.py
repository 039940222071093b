"""Couples: two partners linked by an invite code."""
