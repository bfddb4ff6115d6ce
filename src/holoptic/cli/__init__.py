"""The ``holoptic`` command line: Typer commands that parse, call a service and render."""
