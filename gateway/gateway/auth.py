"""Passwords (argon2), signed expiring tokens that a per-user token version revokes, login with
a growing delay after failures, demo accounts."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from servicedesk_common.errors import ApiError, Forbidden, Invalid, Unauthorized
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


@dataclass(frozen=True)
class Claims:
    identity: Identity
    version: int  # the account's token version when the token was issued


def issue_token(user: User, secret: str) -> str:
    return _serializer(secret).dumps({"u": user.username, "r": user.role, "g": user.group,
                                      "e": user.email, "n": user.name,
                                      "v": user.token_version or 0})


def read_token(token: str, secret: str) -> Claims | None:
    try:
        data = _serializer(secret).loads(token, max_age=domain.TOKEN_LIFETIME_SECONDS)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("v"), int):
        return None  # issued before tokens carried a version: log in again
    return Claims(Identity(username=data["u"], role=data["r"], group=data.get("g"),
                           email=data.get("e"), name=data.get("n")), data["v"])


def signed_in(token: str | None, secret: str, accounts: AccountCheck) -> Identity | None:
    """The account a bearer token or console session stands for, if it is still valid: signed,
    unexpired, not revoked (logout, password change or reset), the account active; with the
    account's role as it is now."""
    claims = read_token(token, secret) if token else None
    return accounts.current(claims) if claims is not None else None


def user_view(user: User) -> dict:
    return {"username": user.username, "role": user.role, "group": user.group,
            "name": user.name, "email": user.email, "active": user.active}


class LoginThrottled(ApiError):
    """429: too many failed logins in a row for this account name or address; the same for
    names that exist and names that do not."""
    status, code = 429, "rate_limited"

    def __init__(self, seconds: float):
        self.retry_after = max(1, math.ceil(seconds))
        super().__init__(f"Too many failed logins; wait {self.retry_after} s and try again.",
                         details={"retry_after": self.retry_after})


def _heard(throttle, keys: list[str]) -> None:
    """Refuses (429) an attempt made before the wait its failures caused is over."""
    wait = throttle.wait(keys)
    if wait > 0:
        raise LoginThrottled(wait)


def login(username: str, password: str, *, uow, throttle, source: str,
          directory=None) -> User:
    """A local account of the name wins; a name without one (or whose account the directory
    made) is asked of the directory, when one is set. The same delay and 401 either way."""
    keys = throttle.keys(username, source)
    _heard(throttle, keys)
    user = uow.users.get(username)
    if directory is not None and user is None:
        # directories match names in any case: one account row per person, lower-cased
        username = username.lower()
        user = uow.users.get(username)
    if directory is not None and (user is None or is_directory_account(user)):
        user = _directory_login(username, password, user, uow=uow, directory=directory)
    elif user is None or not user.active:
        password_matches(_DUMMY_HASH, password)
        user = None
    elif not password_matches(user.password_hash, password):
        user = None
    if user is None:
        throttle.failed(keys)
        raise Unauthorized("Wrong username or password.")
    throttle.forget(keys[0])
    return user


def is_directory_account(user: User) -> bool:
    return user.password_hash == domain.DIRECTORY_ACCOUNT


class NotInDesk(Forbidden):
    """403: the directory knows the person and the password, but none of their groups is one
    the desk maps to a role."""


def _directory_login(username: str, password: str, user: User | None, *, uow,
                     directory) -> User | None:
    """The directory's account row, made on the first sign-in and given the role of the
    person's groups at each one; None for a wrong password or a deactivated account."""
    person = directory.sign_in(username, password)
    if person is None or (user is not None and not user.active):
        return None
    placed = domain.role_from_groups(person.groups, directory.settings.role_groups)
    if placed is None:
        if user is not None:
            uow.users.end_sessions(user)  # out of the desk's groups: earlier sessions end too
            uow.commit()
        raise NotInDesk("Your directory account is in none of the service desk's groups; ask "
                        "the administrator.")
    role, group = placed
    if user is None:
        user = User(username=username, password_hash=domain.DIRECTORY_ACCOUNT, role=role,
                    group=group, name=person.name, email=person.email, active=True,
                    failed_logins=0, created_at=datetime.now(UTC))
        try:
            uow.users.add(user)
        except IntegrityError:  # the same person's first sign-in in another process won
            uow.rollback()
            user = uow.users.get(username)
            if not is_directory_account(user) or not user.active:
                return None
    user.role, user.group, user.name, user.email = role, group, person.name, person.email
    uow.commit()
    return user


def change_password(user: User, old: str, new: str, *, uow, throttle, source: str) -> None:
    """A user's own change: the old password first (a wrong one counts as a failed login),
    then every earlier session ends."""
    if is_directory_account(user):
        raise Invalid("Your password is the office directory's: change it there.",
                      field="old_password")
    keys = throttle.keys(user.username, source)
    _heard(throttle, keys)
    if not password_matches(user.password_hash, old):
        throttle.failed(keys)
        raise Invalid("This is not your current password.", field="old_password")
    user.password_hash = hash_password(new)
    uow.users.end_sessions(user)


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
    """A token proves a login; whether it is still valid (not revoked, the account active) and
    the account's role now come from the database. `ttl` 0 (the default) looks every time, so
    a revocation holds at once in every process; a positive `ttl` remembers the last look that
    many seconds per process (a revocation made in another process then takes up to `ttl`)."""

    def __init__(self, sessions, *, ttl: float, clock=time.monotonic):
        self.sessions = sessions
        self.ttl = ttl
        self.clock = clock
        self.entries: dict[str, tuple[float, dict | None]] = {}

    def current(self, claims: Claims) -> Identity | None:
        username = claims.identity.username
        now = self.clock()
        hit = self.entries.get(username) if self.ttl > 0 else None
        if hit is None or hit[0] <= now:
            hit = (now + self.ttl, self._look_up(username))
            if self.ttl > 0:
                if len(self.entries) > 10000:
                    self.entries.clear()
                self.entries[username] = hit
        view = hit[1]
        if view is None or not view["active"] or view["token_version"] != claims.version:
            return None
        return Identity(username=view["username"], role=view["role"], group=view["group"],
                        email=view["email"], name=view["name"])

    def _look_up(self, username: str) -> dict | None:
        with GatewayUnitOfWork(self.sessions, producer="gateway") as uow:
            user = uow.users.get(username)
            if user is None:
                return None
            return {**user_view(user), "token_version": user.token_version}

    def forget(self, username: str) -> None:
        self.entries.pop(username, None)
