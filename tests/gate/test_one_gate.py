"""Only the gate opens a member's records for someone else.

Inside ``holoptic.vault`` records are opened for their owner (``ItemStore.read`` checks the
member, exports are the member's own). Outside it, the only module allowed to decrypt
records is the gate's service, which logs every release in the same transaction.
"""

from __future__ import annotations

import re
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "src" / "holoptic"
OPENING = re.compile(r"\bdecode_lines\(|\.open\(item|\bopen_records\b|\.open_key\(")


def test_only_the_gate_decrypts_records_outside_the_vault() -> None:
    openers = {
        path.relative_to(SOURCE).as_posix()
        for path in SOURCE.rglob("*.py")
        if not path.relative_to(SOURCE).as_posix().startswith("vault/")
        and OPENING.search(path.read_text(encoding="utf-8"))
    }
    assert openers == {"gate/service.py", "gate/release.py"}


def test_the_check_would_see_a_new_opener(tmp_path: Path) -> None:
    sample = "records = decode_lines(cipher.open(item.id, blob))\n"
    assert OPENING.search(sample)
