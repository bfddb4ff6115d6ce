"""Importers: take it all back from the platforms' exports.

Each format is one module exposing an ``Importer``; ``registry.detect`` picks one by
content. ``service.ImportService`` walks the inputs (files, folders, zip and tar archives,
safely), imports each recognised file in its own transaction and reports per file.
"""
