"""What an import loads: the application's heavy libraries stay out of its process.

``holoptic import`` runs in a process that builds every service lazily; the libraries of
other features (numpy for the ledger's reputation, prov for lineage, rapidfuzz for reveal
matching, lxml and fitdecode for XML and FIT files) would add some 30 MB to its peak
memory before it reads a byte (issue 3's goal is 150 MB for a 1,000,000-point file).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

HEAVY = ("numpy", "prov", "rapidfuzz", "lxml", "fitdecode", "fastapi", "jinja2", "pandas")


def test_an_import_of_records_loads_none_of_the_heavy_libraries(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import json, sys
        from holoptic.bootstrap import Services
        from holoptic.settings import Settings
        from holoptic.vault.crypto import MasterKey

        settings = Settings.from_env(
            {"HOLOPTIC_HOME": sys.argv[1], "HOLOPTIC_MASTER_KEY": MasterKey.generate().encode()}
        )
        Services(settings).imports  # the importers, every format module among them
        print(json.dumps(sorted(name for name in sys.modules if "." not in name)))
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = set(json.loads(run.stdout))
    assert loaded.isdisjoint(HEAVY), sorted(loaded.intersection(HEAVY))
