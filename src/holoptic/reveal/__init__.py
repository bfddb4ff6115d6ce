"""Reveal: who holds a member's data, what they hold, and why (and how to write to them)."""
