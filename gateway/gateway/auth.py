"""Passwords (argon2), signed expiring tokens, login with lockout, demo accounts."""
from __future__ import annotations

import time
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from servicedesk_common.errors import Unauthorized
from servicedesk_common.identity import Identity

from . import domain
from .adapters import GatewayUnitOfWork
from .models import User

_hasher = PasswordHasher()
# A real hash to verify against when the user does not exist, so timing does not tell.
_DUMMY_HASH = _hasher.hash("not-a-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="servicedesk-access-token")


def issue_token(user: User, secret: str) -> str:
    return _serializer(secret).dumps({"u": user.username, "r": user.role, "g": user.group,
                                      "e": user.email, "n": user.name})


def read_token(token: str, secret: str) -> Identity | None:
    try:
        data = _serializer(secret).loads(token, max_age=domain.TOKEN_LIFETIME_SECONDS)
    except (SignatureExpired, BadSignature):
        return None
    return Identity(username=data["u"], role=data["r"], group=data.get("g"),
                    email=data.get("e"), name=data.get("n"))


def user_view(user: User) -> dict:
    return {"username": user.username, "role": user.role, "group": user.group,
            "name": user.name, "email": user.email, "active": user.active}


def login(username: str, password: str, *, uow) -> User:
    now = datetime.now(UTC)
    user = uow.users.get(username)
    if user is None or not user.active:
        password_matches(_DUMMY_HASH, password)
        raise Unauthorized("Wrong username or password.")
    if domain.locked(_aware(user.locked_until), now):
        raise Unauthorized("This account is locked after repeated failed logins; "
                           "try again later or ask an administrator.", code="account_locked")
    if not password_matches(user.password_hash, password):
        user.failed_logins, user.locked_until = domain.after_failure(user.failed_logins, now)
        uow.commit()
        raise Unauthorized("Wrong username or password.")
    user.failed_logins, user.locked_until = 0, None
    uow.commit()
    return user


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:  # SQLite returns naive datetimes
        return moment.replace(tzinfo=UTC)
    return moment


def ensure_demo_accounts(password: str, *, uow) -> int:
    """Create the demo accounts that are missing; returns how many were created."""
    created = 0
    for username, (role, group) in domain.DEMO_ACCOUNTS.items():
        if uow.users.get(username) is None:
            uow.users.add(User(username=username, password_hash=hash_password(password),
                               role=role, group=group, name=username,
                               email=f"{username}@example.invalid", active=True,
                               failed_logins=0, created_at=datetime.now(UTC)))
            created += 1
    return created


class AccountCheck:
    """A token proves a login; whether the account is still active, and its role now, come
    from the database (remembered for `ttl` seconds per process), so a deactivated account or
    a changed role takes effect within that time rather than when the token expires."""

    def __init__(self, sessions, *, ttl: float, clock=time.monotonic):
        self.sessions = sessions
        self.ttl = ttl
        self.clock = clock
        self.entries: dict[str, tuple[float, dict | None]] = {}

    def current(self, identity: Identity) -> Identity | None:
        now = self.clock()
        hit = self.entries.get(identity.username)
        if hit is None or hit[0] <= now:
            with GatewayUnitOfWork(self.sessions, producer="gateway") as uow:
                user = uow.users.get(identity.username)
                view = user_view(user) if user is not None else None
            if len(self.entries) > 10000:
                self.entries.clear()
            hit = self.entries[identity.username] = (now + self.ttl, view)
        view = hit[1]
        if view is None or not view["active"]:
            return None
        return Identity(username=view["username"], role=view["role"], group=view["group"],
                        email=view["email"], name=view["name"])

    def forget(self, username: str) -> None:
        self.entries.pop(username, None)
