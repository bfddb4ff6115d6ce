"""One module per export format; each exposes ``IMPORTERS``."""
