"""Bearer tokens and roles. Only a token's SHA-256 is stored; the token itself is shown once, when created.

Roles: ``requester`` asks for projects and retirements, ``approver`` approves
or rejects other people's requests, ``admin`` reads the audit log. A caller's
identity is the token's name: two tokens with one name are one person, so the
four-eyes rule compares names.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from mlgov.service.errors import ApiError
from mlgov.service.models import Token

TOKEN_PREFIX = "mlgov_"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$")


class Role(StrEnum):
    REQUESTER = "requester"
    APPROVER = "approver"
    ADMIN = "admin"


@dataclass(frozen=True)
class Caller:
    name: str
    roles: frozenset[str]

    def has(self, role: Role) -> bool:
        return role.value in self.roles


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenInputError(ValueError):
    """A token name or role that cannot be used; the message says why and what to do."""


def create_token(session: Session, name: str, roles: list[str]) -> str:
    """Store a new token for ``name`` with ``roles`` and return it (the only time it exists in clear)."""
    if not NAME.match(name):
        raise TokenInputError(f"--name {name!r}: use 1-128 letters, digits and . _ @ + - (starting with a letter or digit), e.g. 'alice' or 'portal-bot'")
    unknown = sorted(set(roles) - {role.value for role in Role})
    if unknown or not roles:
        raise TokenInputError(f"--role {', '.join(unknown) or '(none)'}: give at least one of {', '.join(role.value for role in Role)}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(Token(name=name, token_hash=hash_token(token), roles=",".join(sorted(set(roles)))))
    session.flush()
    return token


def authenticate(session: Session, authorization: str | None) -> Caller:
    if not authorization:
        raise unauthorized("no bearer token. Fix: send 'Authorization: Bearer <token>' (create one with `mlgov token create`)")
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise unauthorized("the Authorization header is not 'Bearer <token>'")
    digest = hash_token(token)
    row = session.scalars(select(Token).where(Token.token_hash == digest)).first()
    # compare_digest: the lookup is by hash already, this keeps the final check constant-time too.
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        raise unauthorized("the bearer token is not valid. Fix: create one with `mlgov token create`")
    return Caller(row.name, frozenset(row.role_set))


def unauthorized(message: str) -> ApiError:
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"})


def require(caller: Caller, role: Role, action: str) -> None:
    if not caller.has(role):
        raise ApiError(403, "forbidden", f"{action} needs the {role.value} role; {caller.name!r} has {', '.join(sorted(caller.roles)) or 'none'}")
