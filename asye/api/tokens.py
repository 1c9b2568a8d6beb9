"""Making and checking API token secrets."""

import hashlib
import secrets

TOKEN_PREFIX = "asye_"  # noqa: S105  (a public marker, not a secret)


def token_generate() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
