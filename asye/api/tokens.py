"""Making and checking API token secrets."""

import hashlib
import secrets

TOKEN_PREFIX = "asye_"  # noqa: S105  (a public marker, not a secret)
# A national token's secret starts with this: its sixth character is never the employer tokens' ``_``, so
# authentication knows which table to look in from the secret alone.
NATIONAL_TOKEN_PREFIX = "asyenat_"  # noqa: S105  (a public marker, not a secret)


def token_generate(prefix: str = TOKEN_PREFIX) -> str:
    return prefix + secrets.token_urlsafe(32)


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def is_national_secret(secret: str) -> bool:
    return secret.startswith(NATIONAL_TOKEN_PREFIX)
