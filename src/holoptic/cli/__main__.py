"""``python -m holoptic.cli``: the same as the ``holoptic`` command."""

from holoptic.cli.main import run

run()
