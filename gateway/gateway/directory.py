"""Staff sign-in with the office's LDAP / Active Directory account (ldap3): find the person
with the search account, bind as them with the password they typed, read the groups they are
in. Which role the groups give is domain.role_from_groups."""
from __future__ import annotations

import ssl
from dataclasses import dataclass

from ldap3 import NONE, SUBTREE, Connection, Server, Tls
from ldap3.core.exceptions import LDAPBindError, LDAPException
from ldap3.utils.conv import escape_filter_chars

from servicedesk_common.errors import Unavailable
from servicedesk_common.settings import SettingsError, env, env_float

from . import domain


class DirectoryUnavailable(Unavailable):
    """503: the directory did not answer; local accounts still sign in."""


@dataclass(frozen=True)
class DirectorySettings:
    url: str
    bind_dn: str | None
    bind_password: str | None
    user_base: str
    user_filter: str
    group_base: str
    group_filter: str
    role_groups: tuple[tuple[str, str | None, str], ...]
    timeout: float
    ca_file: str | None = None

    @classmethod
    def from_env(cls) -> DirectorySettings | None:
        """None when SERVICEDESK_LDAP_URL is unset: sign-in with local accounts only."""
        url = env("SERVICEDESK_LDAP_URL")
        if url is None:
            return None
        user_base = env("SERVICEDESK_LDAP_USER_BASE")
        if user_base is None:
            raise SettingsError("SERVICEDESK_LDAP_USER_BASE is needed with SERVICEDESK_LDAP_URL")
        try:
            role_groups = domain.parse_role_groups(env("SERVICEDESK_LDAP_ROLE_GROUPS", ""))
        except ValueError as exc:
            raise SettingsError(f"SERVICEDESK_LDAP_ROLE_GROUPS: {exc}") from None
        if not role_groups:
            raise SettingsError("SERVICEDESK_LDAP_ROLE_GROUPS is needed with SERVICEDESK_LDAP_URL"
                                " (role=group DN;...): without it no one could sign in")
        return cls(url=url, bind_dn=env("SERVICEDESK_LDAP_BIND_DN"),
                   bind_password=env("SERVICEDESK_LDAP_BIND_PASSWORD"), user_base=user_base,
                   user_filter=env("SERVICEDESK_LDAP_USER_FILTER", "(uid={username})"),
                   group_base=env("SERVICEDESK_LDAP_GROUP_BASE", user_base),
                   group_filter=env("SERVICEDESK_LDAP_GROUP_FILTER",
                                    "(|(member={dn})(uniqueMember={dn})(memberUid={username}))"),
                   role_groups=role_groups,
                   timeout=env_float("SERVICEDESK_LDAP_TIMEOUT_SECONDS", 5.0),
                   ca_file=env("SERVICEDESK_LDAP_CA_FILE"))


@dataclass(frozen=True)
class Person:
    username: str
    name: str | None
    email: str | None
    groups: frozenset[str]  # normalised group DNs


class Directory:
    def __init__(self, settings: DirectorySettings):
        self.settings = settings
        # ldap3 sets the socket timeouts with whole seconds only
        self.seconds = max(1, round(settings.timeout))
        # ldaps:// always checks the directory's certificate (ldap3 would not by default):
        # passwords go there
        tls = Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=settings.ca_file)
        self.server = Server(settings.url, get_info=NONE, connect_timeout=self.seconds, tls=tls)

    def _connect(self, user: str | None, password: str | None) -> Connection:
        return Connection(self.server, user=user, password=password,
                          receive_timeout=self.seconds,
                          raise_exceptions=False)

    def sign_in(self, username: str, password: str) -> Person | None:
        """The person, if the directory knows the name and the password is theirs; raises
        DirectoryUnavailable when the directory cannot be reached."""
        try:
            with self._search_connection() as search:
                entry = self._find(search, username)
                if entry is None:
                    # a bind all the same, so the answer's timing does not tell who exists
                    self._password_is(f"cn=no-such-person,{self.settings.user_base}", password)
                    return None
                if not self._password_is(entry.entry_dn, password):
                    return None
                groups = self._groups(search, entry, username)
        except LDAPException as exc:
            raise DirectoryUnavailable(
                "The office directory is not answering; try again, or sign in with a local "
                "account.") from exc
        return Person(username=username, name=_first(entry, "displayName") or
                      _first(entry, "cn"), email=_first(entry, "mail"), groups=groups)

    def _search_connection(self) -> Connection:
        conn = self._connect(self.settings.bind_dn, self.settings.bind_password)
        if not conn.bind():
            raise LDAPBindError(f"the search account was refused: {conn.result}")
        return conn

    def _find(self, conn: Connection, username: str):
        query = self.settings.user_filter.format(username=escape_filter_chars(username))
        conn.search(self.settings.user_base, query, SUBTREE,
                    attributes=["cn", "displayName", "mail", "memberOf"], size_limit=2)
        _raise_on_error(conn)
        entries = conn.entries
        return entries[0] if len(entries) == 1 else None  # two people of one name: neither

    def _password_is(self, dn: str, password: str) -> bool:
        if not password:  # an empty password is an anonymous bind, which always succeeds
            return False
        conn = self._connect(dn, password)
        try:
            return conn.bind()
        finally:
            conn.unbind()

    def _groups(self, conn: Connection, entry, username: str) -> frozenset[str]:
        query = self.settings.group_filter.format(dn=escape_filter_chars(entry.entry_dn),
                                                  username=escape_filter_chars(username))
        conn.search(self.settings.group_base, query, SUBTREE, attributes=[])
        _raise_on_error(conn)
        found = [group.entry_dn for group in conn.entries]
        if "memberOf" in entry.entry_attributes:  # Active Directory lists them on the person
            found += list(entry.memberOf.values)
        return frozenset(domain.normal_dn(dn) for dn in found)


def _raise_on_error(conn: Connection) -> None:
    # 0 success, 4 size limit exceeded (two matches; _find refuses them), 32 no such object
    if conn.result.get("result") not in (0, 4, 32):
        raise LDAPException(f"directory search failed: {conn.result}")


def _first(entry, attribute: str) -> str | None:
    if attribute not in entry.entry_attributes:
        return None
    values = entry[attribute].values
    return str(values[0]) if values else None
