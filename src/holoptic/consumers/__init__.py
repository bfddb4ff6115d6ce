"""Organisations that ask to use members' data: registration, approval, tokens."""
