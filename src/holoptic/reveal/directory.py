"""The Datenanfragen company directory (CC0): reading a source, validating its records.

A source is a folder (``companies.json`` or Datenanfragen's own ``companies/*.json``, with
``templates/<lang>/<name>.txt``), a ``companies.json`` file, or an http(s) URL to such a
JSON document. Everything is read and checked before anything is stored: a source that is
missing, not JSON, cut short or without one valid record fails as a whole
(``reveal.sync_failed``), so the version in use stays in use. Single malformed records
are skipped, each with its reason.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import re
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from holoptic.reveal.errors import SyncFailed
from holoptic.reveal.model import Contact, DirectoryCompany, SkippedRecord, Template

SLUG = re.compile(r"^[a-z0-9-]+$")
ROUTES = ("email", "address", "fax", "webform")
_LANG = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]+)?$")
_TEMPLATE = re.compile(r"^[a-z0-9-]{1,120}$")
MAX_BYTES = 256 * 1024 * 1024  # the whole directory is about 2 MB today
MAX_TEMPLATE_BYTES = 1024 * 1024
TIMEOUT = 30.0


@dataclass(frozen=True, slots=True)
class DirectorySource:
    """A source read in full: its records (unchecked), templates and content digest."""

    origin: str
    records: tuple[Any, ...]
    templates: tuple[Template, ...]
    sha256: str
    unreadable: tuple[SkippedRecord, ...] = ()  # per-company files that were not JSON


def read_source(
    path_or_url: str, timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES
) -> DirectorySource:
    """Read a directory source completely, or fail with ``reveal.sync_failed``."""
    text = path_or_url.strip()
    if re.match(r"^https?://", text, re.I):
        data = download(text, timeout, max_bytes)
        return DirectorySource(text, tuple(parse_json(data, text)), (), _digest([data]))
    if re.match(r"^[a-z][a-z0-9+.-]*://", text, re.I):
        raise _fail(text, "only http:// and https:// URLs can be loaded")
    path = Path(text).expanduser()
    if not path.exists():
        raise _fail(str(path), "no such file or folder")
    if path.is_dir():
        return _read_folder(path, max_bytes)
    data = _read_file(path, max_bytes)
    return DirectorySource(str(path), tuple(parse_json(data, str(path))), (), _digest([data]))


def download(url: str, timeout: float, max_bytes: int) -> bytes:
    """The body of an http(s) URL, refusing a body shorter than announced."""
    request = urllib.request.Request(  # noqa: S310 (the scheme was checked: http or https)
        url, headers={"User-Agent": "Holoptic (reveal sync)", "Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            announced = response.headers.get("Content-Length")
            data: bytes = response.read(max_bytes + 1)
    except urllib.error.HTTPError as error:
        raise _fail(url, f"the server answered HTTP {error.code}") from None
    except urllib.error.URLError as error:
        raise _fail(url, f"cannot connect ({error.reason})") from None
    except http.client.IncompleteRead as error:
        stopped = f"the download stopped after {len(error.partial)} bytes (half-downloaded)"
        raise _fail(url, stopped) from None
    except (http.client.HTTPException, OSError) as error:
        raise _fail(url, f"download failed ({error or type(error).__name__})") from None
    if len(data) > max_bytes:
        raise _fail(url, f"larger than {max_bytes} bytes")
    if announced and announced.isdigit() and int(announced) != len(data):
        raise _fail(url, f"got {len(data)} of {announced} bytes (half-downloaded)")
    return data


def parse_json(data: bytes, origin: str) -> list[Any]:
    """The records of a companies document: a list, or an object holding ``companies``."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _fail(origin, f"not UTF-8 text (byte {error.start})") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise _fail(origin, _json_problem(text, error)) from None
    if isinstance(document, dict) and isinstance(document.get("companies"), list):
        document = document["companies"]
    elif isinstance(document, dict) and "slug" in document:
        document = [document]  # one company's own file
    if not isinstance(document, list):
        raise _fail(origin, "expected a list of company records")
    return document


def _fail(origin: str, reason: str) -> SyncFailed:
    return SyncFailed(f"{origin}: {reason}", source=origin, reason=reason)


def _json_problem(text: str, error: json.JSONDecodeError) -> str:
    end = text.rstrip()
    if not end:
        return "empty, not JSON"
    opened = end.lstrip()[:1] in ("[", "{")
    if opened and (error.pos >= len(end) - 1 or end[-1] not in "]}"):
        offset = len(end.encode())
        return f"the JSON stops abruptly at byte {offset} (truncated or half-downloaded)"
    return f"not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})"


def _read_file(path: Path, max_bytes: int) -> bytes:
    try:
        if path.stat().st_size > max_bytes:
            raise _fail(str(path), f"larger than {max_bytes} bytes")
        return path.read_bytes()
    except OSError as error:
        raise _fail(str(path), f"cannot read ({error.strerror})") from None


def _read_folder(folder: Path, max_bytes: int) -> DirectorySource:
    single = folder / "companies.json"
    parts: list[bytes] = []
    unreadable: list[SkippedRecord] = []
    if single.is_file():
        data = _read_file(single, max_bytes)
        parts.append(data)
        records = parse_json(data, str(single))
    elif (folder / "companies").is_dir():
        records = []
        for index, file in enumerate(sorted((folder / "companies").glob("*.json"))):
            data = _read_file(file, max_bytes)
            parts.append(file.name.encode() + b"\0" + data)
            try:
                records.extend(parse_json(data, file.name))
            except SyncFailed as error:
                unreadable.append(SkippedRecord(index, file.stem, str(error.details["reason"])))
    else:
        raise _fail(str(folder), "no companies.json (nor companies/) in this folder")
    templates = read_templates(folder / "templates")
    parts += [f"{t.lang}/{t.name}\0{t.body}".encode() for t in templates]
    return DirectorySource(
        str(folder), tuple(records), tuple(templates), _digest(parts), tuple(unreadable)
    )


def read_templates(folder: Path) -> list[Template]:
    """``templates/<lang>/<name>.txt``; files with other names or not UTF-8 are left out."""
    found: list[Template] = []
    if not folder.is_dir():
        return found
    for file in sorted(folder.glob("*/*.txt")):
        lang, name = file.parent.name, file.stem
        if not (_LANG.match(lang) and len(lang) <= 8 and _TEMPLATE.match(name)):
            continue
        try:
            if file.stat().st_size > MAX_TEMPLATE_BYTES:
                continue
            found.append(Template(lang, name, file.read_text("utf-8")))
        except (OSError, UnicodeDecodeError):
            continue
    return found


def _digest(parts: Sequence[bytes]) -> str:
    sha = hashlib.sha256()
    for part in parts:
        sha.update(len(part).to_bytes(8, "big"))
        sha.update(part)
    return sha.hexdigest()


def validate(records: Sequence[Any]) -> tuple[list[DirectoryCompany], list[SkippedRecord]]:
    """The records fit to load, and the others with their reasons (first slug wins)."""
    valid: list[DirectoryCompany] = []
    skipped: list[SkippedRecord] = []
    seen: set[str] = set()
    for index, record in enumerate(records):
        reason = problem(record)
        slug = record.get("slug") if isinstance(record, dict) else None
        slug = slug if isinstance(slug, str) else None
        if reason is None and slug in seen:
            reason = "duplicate slug (the first record with it is kept)"
        if reason is not None:
            skipped.append(SkippedRecord(index, slug, reason))
            continue
        assert isinstance(record, dict)
        assert slug is not None
        seen.add(slug)
        valid.append(_company(record))
    return valid, skipped


def problem(record: Any) -> str | None:
    """Why a record cannot be loaded, or None when it can."""
    if not isinstance(record, dict):
        return "not a JSON object"
    slug = record.get("slug")
    if not isinstance(slug, str) or not SLUG.match(slug) or len(slug) > 200:
        return "slug missing or not made of a-z, 0-9 and '-'"
    name = record.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 500:
        return "name missing or empty"
    for field, size in (("web", 500), ("email", 320), ("address", 5000), ("fax", 100)):
        value = record.get(field)
        if value is not None and (not isinstance(value, str) or len(value) > size):
            return f"{field} is not a text of at most {size} characters"
    email = record.get("email")
    if isinstance(email, str) and email.strip() and "@" not in email:
        return "email is not an e-mail address"
    runs = record.get("runs")
    if runs is not None and not (isinstance(runs, list) and all(isinstance(r, str) for r in runs)):
        return "runs is not a list of names"
    if not any(isinstance(record.get(r), str) and record[r].strip() for r in ROUTES):
        return "no contact route (email, address, fax or web form)"
    return None


def _company(record: dict[str, Any]) -> DirectoryCompany:
    return DirectoryCompany(
        slug=record["slug"],
        name=record["name"].strip(),
        web=_text(record.get("web")),
        email=_text(record.get("email")),
        record=json.dumps(record, ensure_ascii=False, sort_keys=True),
    )


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def contact_of(record: Mapping[str, Any]) -> Contact:
    """The privacy contact a directory record gives."""
    runs = record.get("runs")
    return Contact(
        directory_slug=str(record["slug"]),
        name=str(record["name"]).strip(),
        email=_text(record.get("email")),
        address=_text(record.get("address")),
        web=_text(record.get("web")),
        fax=_text(record.get("fax")),
        needs_id_document=record.get("needs-id-document") is True,
        runs=tuple(r for r in runs if isinstance(r, str)) if isinstance(runs, list) else (),
    )
