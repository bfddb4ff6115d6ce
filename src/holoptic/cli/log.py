"""``holoptic log``: the usage log's checkpoint, key, proofs, offline verification, audit.

``verify`` is the auditor's command: it reads only the files it is given and never opens
the database or ``HOLOPTIC_HOME`` (the root callback reads settings but touches
nothing), so it runs anywhere with just the log's public key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from holoptic.cli.context import state
from holoptic.cli.output import JsonFlag, emit_json, line
from holoptic.cli.text import N_, _, ngettext
from holoptic.trace.checkpoint import Checkpoint
from holoptic.trace.keys import load_signer
from holoptic.trace.model import AuditProblem, AuditReport, UseProof
from holoptic.trace.verify import (
    parse_verifier,
    read_document,
    read_leaves,
    verify_consistency_document,
    verify_inclusion_document,
    verify_leaves,
)

app = typer.Typer(
    help="The public usage log: checkpoints, proofs, verification.", no_args_is_help=True
)

PROBLEMS = {
    "leaf_missing": N_("leaf {position} is missing"),
    "leaf_hash": N_("leaf {position}: its stored hash does not match its bytes"),
    "node": N_("node {position} at level {level} differs from the recomputed tree"),
    "checkpoint_root": N_("the checkpoint of size {position} does not match the leaves"),
    "checkpoint_note": N_("the checkpoint of size {position} has a bad signature or body"),
    "checkpoint_beyond": N_("a checkpoint of size {position} is beyond the log"),
    "state": N_("the log's state row does not match its {position} leaves"),
    "extra_leaves": N_("there are leaves beyond the log's size {position}"),
    "node_count": N_("the number of stored nodes is wrong for {position} leaves"),
}


@app.command("checkpoint")
def checkpoint(ctx: typer.Context) -> None:
    """Print the signed checkpoint (C2SP signed note) of the current tree."""
    typer.echo(state(ctx).services().log.checkpoint(), nl=False)


@app.command("key")
def key(ctx: typer.Context) -> None:
    """Print the log's public key in the signed-note form name+hash+key."""
    settings = state(ctx).settings
    line(load_signer(settings.keys_dir, settings.log_key).verifier().encode())


@app.command("proof")
def proof(
    ctx: typer.Context,
    use: Annotated[str | None, typer.Option("--use", help="The use id.")] = None,
    index: Annotated[int | None, typer.Option("--index", min=0, help="The leaf index.")] = None,
    json_output: JsonFlag = False,
) -> None:
    """Print a leaf, its inclusion proof and the signed checkpoint it leads to."""
    if (use is None) == (index is None):
        raise typer.BadParameter(_("give either --use or --index"))
    log = state(ctx).services().log
    found = log.proof_for_use(use) if use is not None else log.proof_for_index(index or 0)
    if json_output:
        emit_json(found.document())
        return
    _print_proof(found)


def _print_proof(found: UseProof) -> None:
    line(
        _("Leaf {index} of the tree of {size} leaves (leaf hash {hash})").format(
            index=found.proof.leaf_index,
            size=found.proof.tree_size,
            hash=found.leaf.leaf_hash.hex(),
        )
    )
    line(found.leaf.leaf_bytes.decode("utf-8"))
    for element in found.proof.hashes:
        line(element.hex())
    typer.echo(found.checkpoint, nl=False)


@app.command("verify")
def verify(
    checkpoint_file: Annotated[
        Path,
        typer.Option(
            "--checkpoint", exists=True, dir_okay=False, help="The signed checkpoint you trust."
        ),
    ],
    key_text: Annotated[
        str, typer.Option("--key", help="The log's public key, or a file holding it.")
    ],
    proof_file: Annotated[
        Path | None,
        typer.Option("--proof", exists=True, dir_okay=False, help="An inclusion proof file."),
    ] = None,
    old_checkpoint: Annotated[
        Path | None,
        typer.Option(
            "--old-checkpoint", exists=True, dir_okay=False, help="An older signed checkpoint."
        ),
    ] = None,
    consistency: Annotated[
        Path | None,
        typer.Option(
            "--consistency", exists=True, dir_okay=False, help="A consistency proof file."
        ),
    ] = None,
    leaves_file: Annotated[
        Path | None,
        typer.Option(
            "--leaves", exists=True, dir_okay=False, help="All leaves up to the checkpoint's size."
        ),
    ] = None,
) -> None:
    """Verify a proof offline: no database, only files and the log's public key."""
    verifier = parse_verifier(_key_text(key_text))
    note = checkpoint_file.read_text(encoding="utf-8")
    if proof_file and not (old_checkpoint or consistency or leaves_file):
        document = read_document(proof_file.read_text(encoding="utf-8"))
        included = verify_inclusion_document(note, verifier, document)
        message = _("Verified: leaf {index} is in the log {origin} of {size} leaves.")
        line(message.format(index=included.leaf_index, **_head(included.checkpoint)))
    elif old_checkpoint and consistency and not (proof_file or leaves_file):
        old = old_checkpoint.read_text(encoding="utf-8")
        document = read_document(consistency.read_text(encoding="utf-8"))
        extended = verify_consistency_document(note, old, verifier, document)
        message = _("Verified: the log {origin} of {size} leaves extends its tree of {old}.")
        line(message.format(old=extended.old.size, **_head(extended.new)))
    elif leaves_file and not (proof_file or old_checkpoint or consistency):
        leaves = read_leaves(leaves_file.read_text(encoding="utf-8"))
        rebuilt = verify_leaves(note, verifier, leaves)
        line(
            _("Verified: the leaves rebuild the log {origin} of {size} leaves.").format(
                **_head(rebuilt)
            )
        )
    else:
        raise typer.BadParameter(
            _("give --proof, or --old-checkpoint with --consistency, or --leaves")
        )


def _key_text(value: str) -> str:
    path = Path(value)
    return path.read_text(encoding="utf-8") if path.is_file() else value


def _head(checkpoint: Checkpoint) -> dict[str, Any]:
    return {"origin": checkpoint.origin, "size": checkpoint.size}


@app.command("audit")
def audit(ctx: typer.Context, json_output: JsonFlag = False) -> None:
    """Recompute the whole log from its stored leaves; exit 1 if anything differs."""
    report = state(ctx).services().log.audit()
    if json_output:
        emit_json(_audit_document(report))
    elif report.ok:
        line(
            _("The log is intact: {size} leaves, {checkpoints} checkpoints, root {root}.").format(
                size=report.size, checkpoints=report.checkpoints, root=report.root_hash.hex()
            )
        )
    else:
        for problem in report.problems:
            line(_describe(problem))
        if report.more_problems:
            more = ngettext(
                "… and {count} more problem", "… and {count} more problems", report.more_problems
            )
            line(more.format(count=report.more_problems))
    if not report.ok:
        raise typer.Exit(1)


def _describe(problem: AuditProblem) -> str:
    return _(PROBLEMS[problem.kind]).format(position=problem.position, level=problem.level)


def _audit_document(report: AuditReport) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "size": report.size,
        "root_hash": report.root_hash.hex(),
        "checkpoints": report.checkpoints,
        "problems": [
            {"kind": p.kind, "position": p.position, "level": p.level, "message": _describe(p)}
            for p in report.problems
        ],
        "more_problems": report.more_problems,
    }
