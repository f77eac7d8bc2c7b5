"""Gateway's unit of work, users repository, and the pooled HTTP client to the services."""
from __future__ import annotations

from sqlalchemy import select, update

from servicedesk_common.db import UnitOfWork

from .models import User


class Users:
    def __init__(self, session):
        self.session = session

    def get(self, username: str) -> User | None:
        query = select(User).where(User.username == username)
        return self.session.execute(query).scalar_one_or_none()

    def add(self, user: User) -> None:
        self.session.add(user)
        self.session.flush()

    def end_sessions(self, user: User) -> None:
        """Every token issued so far stops working (one atomic increment)."""
        self.session.execute(update(User).where(User.id == user.id).values(
            token_version=User.token_version + 1))
        self.session.refresh(user)

    def all(self) -> list[User]:
        return list(self.session.execute(select(User).order_by(User.username)).scalars())


class GatewayUnitOfWork(UnitOfWork):
    def _open(self) -> None:
        self.users = Users(self.session)
