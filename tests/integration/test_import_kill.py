"""A process killed with SIGKILL mid-import leaves nothing of that file; re-running completes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from sqlalchemy import Engine

from holoptic.bootstrap import Services
from tests.importkit import points_file

SCRIPT = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from holoptic.bootstrap import Services
    from holoptic.clock import SystemClock
    from holoptic.db.engine import build_engine
    from holoptic.importers.service import ImportService
    from holoptic.settings import Settings
    from tests.importkit import LinesImporter, SlowImporter

    url, options, key, member, signal_file, *paths = sys.argv[1:]
    kwargs = {"connect_args": {"options": options}} if options else {}
    settings = Settings.from_env({"HOLOPTIC_HOME": "/nonexistent", "HOLOPTIC_MASTER_KEY": key})
    services = Services(settings, SystemClock(), engine_override=build_engine(url, **kwargs))
    importer = SlowImporter(Path(signal_file), 150) if signal_file else LinesImporter()
    service = ImportService(
        services.uow, services.vault, services.items, [importer], services.clock
    )
    report = service.run(member, [Path(p) for p in paths])
    print(report.records_added)
    """
)


def _run(args: list[str]) -> subprocess.Popen[str]:
    root = Path(__file__).resolve().parents[2]
    return subprocess.Popen(
        [sys.executable, "-c", SCRIPT, *args],
        cwd=root,
        env={**os.environ, "PYTHONPATH": f"{root}:{root / 'src'}"},
        stdout=subprocess.PIPE,
        text=True,
    )


def _connection(engine: Engine) -> tuple[str, str]:
    url = engine.url.render_as_string(hide_password=False)
    options = ""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
        options = f"-csearch_path={schema}"
    return url, options


def test_sigkill_mid_file_leaves_nothing_and_rerun_completes(
    services: Services, engine: Engine, tmp_path: Path
) -> None:
    member = services.vault.add_member("Killed")
    done_file = points_file(tmp_path / "first.txt", 100, day=1)
    big_file = points_file(tmp_path / "second.txt", 500, day=2)
    signal_file = tmp_path / "paused"
    url, options = _connection(engine)
    key = services.settings.master_key or ""

    process = _run([url, options, key, member.id, str(signal_file), str(done_file), str(big_file)])
    deadline = time.monotonic() + 60
    while not signal_file.exists():
        assert process.poll() is None, "the import ended before it could be killed"
        assert time.monotonic() < deadline, "the import never reached the pause"
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()

    summary = {s.kind: s.records for s in services.items.summary(member.id)}
    assert summary == {"location.point": 100}  # the first file only; nothing of the second
    with services.uow() as uow:
        batches = uow.vault.list_batches(member.id)
    assert [(b.file_name, b.status.value) for b in batches] == [("first.txt", "done")]

    rerun = _run([url, options, key, member.id, "", str(done_file), str(big_file)])
    output, _ = rerun.communicate(timeout=120)
    assert rerun.returncode == 0
    assert output.strip() == "500"
    assert {s.kind: s.records for s in services.items.summary(member.id)} == {"location.point": 600}
