"""Accounts, passwords, API tokens and login throttling."""
