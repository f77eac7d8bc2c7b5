"""Who is calling: the gateway signs the identity it authenticated; services trust only that."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

HEADER = "X-Servicedesk-Identity"
MAX_AGE_SECONDS = 300

CLIENT, OPERATOR, TECHNICIAN = "client", "operator", "technician"
KNOWLEDGE_MANAGER, SUPERVISOR, ADMIN = "knowledge_manager", "supervisor", "admin"
ROLES = (CLIENT, OPERATOR, TECHNICIAN, KNOWLEDGE_MANAGER, SUPERVISOR, ADMIN)
STAFF = (OPERATOR, TECHNICIAN, KNOWLEDGE_MANAGER, SUPERVISOR, ADMIN)


@dataclass(frozen=True)
class Identity:
    username: str
    role: str
    group: str | None = None
    email: str | None = None
    name: str | None = None

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF

    def has(self, *roles: str) -> bool:
        return self.role in roles


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="servicedesk-identity")


def sign_identity(identity: Identity, secret: str) -> str:
    return _serializer(secret).dumps(asdict(identity))


def read_identity(token: str | None, secret: str) -> Identity | None:
    if not token:
        return None
    try:
        data = _serializer(secret).loads(token, max_age=MAX_AGE_SECONDS)
        return Identity(**data)
    except (BadSignature, TypeError):
        return None
