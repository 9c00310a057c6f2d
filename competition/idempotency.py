"""Idempotency-Key on submits: a client that lost the answer to a submit (a dropped
connection, a 5xx from a proxy) sends the same request with the same key again and gets
the first answer back, never a second submission.

The key is the client's (any string up to 255 characters), kept per user for 24 hours. The
record is written in the transaction that stores the submission, so a submission and its
key exist together or not at all; a second request racing the first waits on the unique
key and then replays it."""

import hashlib
from datetime import timedelta

from django.utils import timezone

from competition.models import IdempotentSubmit

HEADER = "Idempotency-Key"
TTL = timedelta(hours=24)
MAX_KEY = 255


class Mismatch(Exception):
    """The key was used before for a different request."""


def key_of(request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    return key.strip()[:MAX_KEY] or None


def fingerprint(path: str, fields: dict, files: dict[str, list]) -> str:
    """A digest of everything that makes up the request: where it went, its fields (in
    any order) and every file's name and bytes."""
    digest = hashlib.sha256(path.encode())
    for name in sorted(fields):
        digest.update(b"\0field\0" + name.encode() + b"\0" + str(fields[name]).encode())
    for name in sorted(files):
        for upload in files[name]:
            digest.update(b"\0file\0" + f"{name}\0{upload.name or ''}\0".encode())
            upload.seek(0)
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


def request_fingerprint(request) -> str:
    files = request.FILES
    fields = {name: request.data.getlist(name) for name in request.data if name not in files}
    return fingerprint(request.path, fields, {name: files.getlist(name) for name in files})


def find(user, key: str, fingerprint: str) -> IdempotentSubmit | None:
    """The first answer under this key, if one is kept; Mismatch for another request."""
    record = IdempotentSubmit.objects.filter(user=user, key=key).first()
    if record is None:
        return None
    if record.created_at < timezone.now() - TTL:
        record.delete()
        return None
    if record.fingerprint != fingerprint:
        raise Mismatch(key)
    return record


def remember(user, key: str, fingerprint: str, submission, body: dict) -> None:
    """Keep the answer; call inside the transaction that stores the submission. Raises
    IntegrityError when a concurrent request with the same key committed first."""
    IdempotentSubmit.objects.create(
        user=user, key=key, fingerprint=fingerprint, submission=submission, body=body
    )


def forget_expired() -> int:
    return IdempotentSubmit.objects.filter(created_at__lt=timezone.now() - TTL).delete()[0]
