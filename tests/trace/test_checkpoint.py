"""C2SP signed notes and tlog-checkpoints: Go's reference vector, keys, tampering."""

from __future__ import annotations

import base64

import pytest

from holoptic.trace.checkpoint import (
    Checkpoint,
    Signer,
    Verifier,
    open_note,
    sign_checkpoint,
    verify_checkpoint,
)
from holoptic.trace.errors import BadSignature, MalformedCheckpoint, MalformedKey

# golang.org/x/mod/sumdb/note (note_test.go and its package documentation)
GO_SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FF"
    "YC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
ROOT = bytes(range(32))


def test_keys_and_signature_match_the_go_reference() -> None:
    signer = Signer.parse(GO_SIGNER)
    assert signer.encode() == GO_SIGNER
    assert signer.verifier() == Verifier.parse(GO_VERIFIER)
    assert signer.verifier().encode() == GO_VERIFIER
    assert signer.sign_note(GO_TEXT) == GO_NOTE  # Ed25519 is deterministic
    assert open_note(GO_NOTE, Verifier.parse(GO_VERIFIER)) == GO_TEXT


@pytest.mark.parametrize(
    "text",
    [
        "",
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # wrong hash
        "PeterNeumann+c74f20a3+AhpczQcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # wrong type
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # a space
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10",  # short key
        "PeterNeumann+c74f20a3",
    ],
)
def test_malformed_verifier_keys(text: str) -> None:
    with pytest.raises(MalformedKey):
        Verifier.parse(text)


def test_a_checkpoint_round_trips() -> None:
    signer = Signer.generate("village.example/log")
    note = sign_checkpoint(Checkpoint("village.example/log", 42, ROOT), signer)
    body = f"village.example/log\n42\n{base64.b64encode(ROOT).decode()}\n"
    assert note.startswith(body + "\n— village.example/log ")
    assert verify_checkpoint(note, signer.verifier()) == Checkpoint("village.example/log", 42, ROOT)


def test_witness_cosignatures_are_ignored_but_ours_is_required() -> None:
    log, witness = Signer.generate("log.example"), Signer.generate("witness.example")
    note = sign_checkpoint(Checkpoint("log.example", 7, ROOT), log)
    cosigned = note + witness.sign_note(Checkpoint("log.example", 7, ROOT).body()).split("\n\n")[1]
    assert verify_checkpoint(cosigned, log.verifier()).size == 7
    with pytest.raises(BadSignature):
        verify_checkpoint(note, witness.verifier())


def test_tampered_checkpoints_are_rejected() -> None:
    signer = Signer.generate("log.example")
    note = sign_checkpoint(Checkpoint("log.example", 7, ROOT), signer)
    with pytest.raises(BadSignature):
        verify_checkpoint(note.replace("\n7\n", "\n8\n"), signer.verifier())
    impostor = Signer("log.example", Signer.generate("x").seed)  # same name, other key
    with pytest.raises(BadSignature):
        verify_checkpoint(
            sign_checkpoint(Checkpoint("log.example", 7, ROOT), impostor), signer.verifier()
        )
    with pytest.raises(MalformedCheckpoint):
        verify_checkpoint(note.replace("\n\n", "\n"), signer.verifier())


def test_the_origin_must_be_the_key_name() -> None:
    signer = Signer.generate("log.example")
    note = signer.sign_note(Checkpoint("other.example", 7, ROOT).body())
    with pytest.raises(BadSignature):
        verify_checkpoint(note, signer.verifier())


@pytest.mark.parametrize(
    "body",
    [
        "log.example\n7\n",
        "log.example\n07\nAAAA\n",
        "log.example\n-1\n" + base64.b64encode(ROOT).decode() + "\n",
        "log.example\n7\n" + base64.b64encode(ROOT[:31]).decode() + "\n",
        "log.example\n7\n" + base64.b64encode(ROOT).decode(),
    ],
)
def test_malformed_checkpoint_bodies(body: str) -> None:
    with pytest.raises(MalformedCheckpoint):
        Checkpoint.parse(body)
