"""The directory sign-in's rules: the role-group setting, which role a person's groups give,
DNs compared as directories compare them, the settings refused at start."""
import pytest

from gateway import domain
from gateway.directory import DirectorySettings
from servicedesk_common.settings import SettingsError

MAPPING = ("operator=cn=Desk Operators, ou=groups,dc=office,dc=example;"
           " technician:network = cn=net-techs,ou=groups,dc=office,dc=example ;"
           "supervisor=cn=heads,ou=groups,dc=office,dc=example")


def test_the_first_listed_group_a_person_is_in_gives_the_role_and_level_2_group():
    mapping = domain.parse_role_groups(MAPPING)
    both = frozenset({domain.normal_dn("CN=net-techs, OU=Groups,DC=office,DC=example"),
                      domain.normal_dn("cn=heads,ou=groups,dc=office,dc=example")})
    assert domain.role_from_groups(both, mapping) == ("technician", "network")
    operators = frozenset({domain.normal_dn("cn=desk operators,ou=groups,dc=office,dc=example")})
    assert domain.role_from_groups(operators, mapping) == ("operator", None)
    assert domain.role_from_groups(frozenset({"cn=other,dc=office,dc=example"}), mapping) is None


@pytest.mark.parametrize("text", ["wizard=cn=x,dc=y", "operator=", "cn=operators,dc=y"])
def test_a_malformed_role_group_mapping_is_refused_at_start(monkeypatch, text):
    monkeypatch.setenv("SERVICEDESK_LDAP_URL", "ldap://127.0.0.1:1")
    monkeypatch.setenv("SERVICEDESK_LDAP_USER_BASE", "ou=people,dc=y")
    monkeypatch.setenv("SERVICEDESK_LDAP_ROLE_GROUPS", text)
    with pytest.raises(SettingsError, match="SERVICEDESK_LDAP_ROLE_GROUPS"):
        DirectorySettings.from_env()


def test_the_directory_is_off_without_a_url_and_needs_a_user_base_and_groups_with_one(
        monkeypatch):
    monkeypatch.delenv("SERVICEDESK_LDAP_URL", raising=False)
    assert DirectorySettings.from_env() is None
    monkeypatch.setenv("SERVICEDESK_LDAP_URL", "ldap://127.0.0.1:1")
    with pytest.raises(SettingsError, match="USER_BASE"):
        DirectorySettings.from_env()
    monkeypatch.setenv("SERVICEDESK_LDAP_USER_BASE", "ou=people,dc=y")
    with pytest.raises(SettingsError, match="ROLE_GROUPS"):
        DirectorySettings.from_env()
