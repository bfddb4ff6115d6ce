"""Turning failures into one translated line on stderr (the caller exits with 1).

Holoptic's own errors carry a stable code; the CLI shows a translated message for the
codes it knows and the error's own (English) message otherwise. Database failures and
anything unexpected also become one line: a person never sees a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import typer
from sqlalchemy.exc import SQLAlchemyError

from holoptic.cli.text import N_, _
from holoptic.errors import HolopticError
from holoptic.vault.kinds import KINDS

# Translated messages per error code. Placeholders come from the error's details and
# from the context (``keys_dir``, ``database``, ``kinds``).
MESSAGES: Mapping[str, str] = {
    "vault.member_not_found": N_("there is no member {member_id}"),
    "vault.community_not_found": N_('there is no community "{slug}"'),
    "vault.item_not_found": N_("the member has no item {item_id}"),
    "vault.duplicate_email": N_("a member with this e-mail address already exists"),
    "vault.duplicate_community": N_("a community with this slug already exists"),
    "vault.unknown_kind": N_('unknown kind "{kind}"; known kinds: {kinds}'),
    "vault.item_unreadable": N_(
        "item {item_id} is unreadable: it failed its integrity check (corrupted or tampered)"
    ),
    "vault.member_key_destroyed": N_(
        "this member was deleted: their key is destroyed and their data can no longer be read"
    ),
    "vault.master_key_missing": N_(
        "no master key in {keys_dir} and HOLOPTIC_MASTER_KEY is not set: run `holoptic init`"
    ),
    "vault.master_key_invalid": N_(
        "the master key is malformed: check HOLOPTIC_MASTER_KEY or the key file"
    ),
    "vault.wrong_master_key": N_(
        "wrong master key: member keys are wrapped by master key {expected}, but the key "
        "given has id {given}; check HOLOPTIC_MASTER_KEY or the key file"
    ),
    "vault.export_exists": N_("{path} already exists: choose another name or use --force"),
    "setup.not_initialised": N_(
        "the database at {database} is not initialised: run `holoptic init`"
    ),
    "setup.database_missing": N_(
        "there is no database at {path}: run `holoptic init` "
        "(or check HOLOPTIC_HOME and HOLOPTIC_DATABASE_URL)"
    ),
    "setup.needs_migration": N_(
        "the database is at revision {revision}, this version needs {head}: "
        "run `holoptic init` to migrate it"
    ),
    "setup.master_key_lost": N_(
        "the database holds member keys but there is no master key at {path}: restore the "
        "key file or set HOLOPTIC_MASTER_KEY"
    ),
    # who holds a member's data (holoptic reveal, sync, match)
    "reveal.sync_failed": N_(
        "cannot load the company directory from {source}: {reason}; the directory loaded "
        "before (if any) stays in use"
    ),
    "reveal.holder_not_found": N_('this member\'s data shows no holder "{slug}"'),
    "reveal.directory_record_not_found": N_('the company directory has no record "{slug}"'),
    # GDPR letters and requests (holoptic reveal letter / requests)
    "reveal.no_contact": N_(
        'no privacy contact is known for "{holder}": link it to a directory record with '
        "`holoptic reveal match`"
    ),
    "reveal.invalid_letter": N_('cannot write a "{value}" letter: use one of {choices}'),
    "reveal.no_template": N_(
        "the company directory has no {type} template in {lang}: load it with "
        "`holoptic reveal sync`"
    ),
    "reveal.template_syntax": N_(
        "the letter template uses syntax Holoptic does not know: {constructs}"
    ),
    "reveal.request_not_found": N_("the member has no request {request_id}"),
    "reveal.request_not_sent": N_(
        "request {request_id} was never sent: record it first with `holoptic reveal requests sent`"
    ),
    "reveal.invalid_date": N_(
        "{day} does not fit: a request is sent and answered in the past, and answered after "
        "it was sent"
    ),
    # the usage log (holoptic log ...)
    "log.key_missing": N_(
        "no usage log key at {path}: run `holoptic init` or set HOLOPTIC_LOG_KEY"
    ),
    "log.use_not_found": N_("no leaf of the usage log is for use {use_id}"),
    "log.beyond_size": N_("the usage log has only {size} leaves"),
    "log.malformed_proof": N_(
        "the proof is malformed: a hash of the wrong length, or too few or too many hashes"
    ),
    "log.root_mismatch": N_(
        "verification failed: the proof does not lead to the signed root, so the log differs "
        "from what was signed"
    ),
    "log.bad_range": N_(
        "these sizes do not fit together: an index beyond its tree, a proof for another size "
        "than the checkpoint's, or an older tree larger than the newer one"
    ),
    "log.empty_tree": N_(
        "there is no consistency proof from the empty tree: every tree extends it"
    ),
    "log.malformed_checkpoint": N_(
        "this is not a checkpoint in a signed note (C2SP tlog-checkpoint)"
    ),
    "log.bad_signature": N_(
        "the checkpoint carries no valid signature by this key, or is for another log"
    ),
    "log.malformed_key": N_("the key is not an Ed25519 signed-note key (name+hash+key)"),
    "log.inconsistent_head": N_(
        "refusing to sign: the stored tree does not extend the checkpoint of {published} "
        "leaves published before; run `holoptic log audit`"
    ),
    "log.corrupted": N_("stored nodes of the usage log are missing: run `holoptic log audit`"),
}


def describe(error: HolopticError, context: Mapping[str, str]) -> str:
    """The translated message for a Holoptic error, or its own message."""
    template = MESSAGES.get(error.code)
    if template is None:
        return error.message
    values: dict[str, Any] = {"kinds": ", ".join(sorted(KINDS)), **context, **error.details}
    try:
        return _(template).format(**values)
    except (KeyError, IndexError, ValueError):
        return error.message


def message_for(error: BaseException, context: Mapping[str, str]) -> str:
    """One line describing any failure, for stderr."""
    if isinstance(error, HolopticError):
        text = describe(error, context)
    elif isinstance(error, SQLAlchemyError):
        text = _database_message(error, context.get("database", "?"))
    elif isinstance(error, OSError):
        text = _("cannot access {path}: {reason}").format(
            path=error.filename or "?", reason=error.strerror or type(error).__name__
        )
    else:
        text = _(
            "unexpected error ({type}): {detail}. This is a bug: please report it with the "
            "command you ran"
        ).format(type=type(error).__name__, detail=str(error)[:200] or "-")
    return _("Error: {message}").format(message=" ".join(text.split()))


def _database_message(error: SQLAlchemyError, database: str) -> str:
    lines = str(getattr(error, "orig", None) or error).strip().splitlines()
    reason = lines[0] if lines else type(error).__name__
    if "no such table" in reason or ("relation" in reason and "does not exist" in reason):
        template = MESSAGES["setup.not_initialised"]
        return _(template).format(database=database)
    return _("cannot use the database at {database}: {reason}").format(
        database=database, reason=reason
    )


def report(error: BaseException, context: Mapping[str, str]) -> None:
    typer.echo(message_for(error, context), err=True)
