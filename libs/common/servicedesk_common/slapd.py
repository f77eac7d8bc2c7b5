"""A real LDAP directory for the tests: Debian's slapd on a free loopback port, with its own
slapd.conf and an mdb database under a temporary directory, filled with ldapadd. Run as the
current user, or as `nobody` when that is root."""
from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SLAPD = os.environ.get("SERVICEDESK_TEST_SLAPD", "/usr/sbin/slapd")
HOW_TO_GET_SLAPD = ("The directory tests need Debian's slapd and ldap-utils: apt-get install "
                    "slapd ldap-utils (`make test` installs them), or set SERVICEDESK_TEST_SLAPD.")

SUFFIX = "dc=office,dc=example"
ADMIN_DN = f"cn=admin,{SUFFIX}"
USERS = f"ou=people,{SUFFIX}"
GROUPS = f"ou=groups,{SUFFIX}"

CONFIG = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
pidfile {root}/slapd.pid
argsfile {root}/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize 16777216
suffix "{suffix}"
rootdn "{admin}"
rootpw {password}
directory {root}/db
"""

BASE = f"""\
dn: {SUFFIX}
objectClass: dcObject
objectClass: organization
o: Office
dc: office

dn: {USERS}
objectClass: organizationalUnit
ou: people

dn: {GROUPS}
objectClass: organizationalUnit
ou: groups
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Slapd:
    """One directory (`dc=office,dc=example`): people under `ou=people`, groups of names
    under `ou=groups`; stop() and start() again keep its port and its entries."""

    def __init__(self, admin_password: str = "directory-admin-secret", *, tls: bool = False):
        if not os.path.exists(SLAPD) or not shutil.which("ldapadd"):
            raise FileNotFoundError(HOW_TO_GET_SLAPD)
        self.admin_password = admin_password
        self.port = _free_port()
        self.url = f"ldap://127.0.0.1:{self.port}"
        self.root = Path(tempfile.mkdtemp(prefix="sd-slapd-"))
        (self.root / "db").mkdir()
        config = CONFIG.format(root=self.root, suffix=SUFFIX, admin=ADMIN_DN,
                               password=admin_password)
        self.tls_port = _free_port() if tls else None
        if tls:
            config += self._certificate()
        (self.root / "slapd.conf").write_text(config)
        if os.geteuid() == 0:
            account = pwd.getpwnam("nobody")
            for path in (self.root, *self.root.iterdir()):
                shutil.chown(path, account.pw_uid, account.pw_gid)
        self.process: subprocess.Popen | None = None
        self.loaded = False

    @property
    def ca_file(self) -> str:
        """The self-signed certificate of the ldaps:// listener (tls=True): trust it to reach
        `tls_url`."""
        return str(self.root / "cert.pem")

    @property
    def tls_url(self) -> str:
        return f"ldaps://127.0.0.1:{self.tls_port}"

    def _certificate(self) -> str:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", str(self.root / "key.pem"), "-out", self.ca_file],
                       check=True, capture_output=True)
        return (f"TLSCertificateFile {self.ca_file}\n"
                f"TLSCertificateKeyFile {self.root / 'key.pem'}\n")

    def settings(self, role_groups: str) -> dict[str, str]:
        """The SERVICEDESK_LDAP_* environment that points the gateway at this directory."""
        return {"SERVICEDESK_LDAP_URL": self.url, "SERVICEDESK_LDAP_BIND_DN": ADMIN_DN,
                "SERVICEDESK_LDAP_BIND_PASSWORD": self.admin_password,
                "SERVICEDESK_LDAP_USER_BASE": USERS,
                "SERVICEDESK_LDAP_USER_FILTER": "(uid={username})",
                "SERVICEDESK_LDAP_GROUP_BASE": GROUPS,
                "SERVICEDESK_LDAP_ROLE_GROUPS": role_groups}

    def start(self) -> Slapd:
        listeners = f"{self.url}/" + (f" {self.tls_url}/" if self.tls_port else "")
        command = [SLAPD, "-d", "0", "-f", str(self.root / "slapd.conf"), "-h", listeners]
        if os.geteuid() == 0:
            command += ["-u", "nobody", "-g", "nogroup"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError(f"slapd did not start: {self._stderr()}")
        if not self.loaded:
            self._ldap("ldapadd", BASE)
            self.loaded = True
        return self

    def _stderr(self) -> str:
        if self.process.poll() is None:
            self.process.kill()
        return self.process.stderr.read().decode(errors="replace")

    def _ldap(self, tool: str, ldif: str) -> None:
        subprocess.run([tool, "-x", "-H", self.url, "-D", ADMIN_DN, "-w", self.admin_password],
                       input=ldif.encode(), check=True, capture_output=True)

    def add_user(self, uid: str, password: str, *, name: str | None = None,
                 mail: str | None = None) -> str:
        dn = f"uid={uid},{USERS}"
        self._ldap("ldapadd", f"dn: {dn}\nobjectClass: inetOrgPerson\nuid: {uid}\n"
                   f"cn: {name or uid}\nsn: {uid}\nmail: {mail or uid + '@office.example'}\n"
                   f"userPassword: {password}\n")
        return dn

    def add_group(self, cn: str, *member_dns: str) -> str:
        """A groupOfNames; the admin is always a member too (a groupOfNames may not be empty),
        so every person can be moved out."""
        dn = f"cn={cn},{GROUPS}"
        members = "".join(f"member: {m}\n" for m in (ADMIN_DN, *member_dns))
        self._ldap("ldapadd", f"dn: {dn}\nobjectClass: groupOfNames\ncn: {cn}\n{members}")
        return dn

    def add_member(self, group_dn: str, member_dn: str) -> None:
        self._modify_member("add", group_dn, member_dn)

    def remove_member(self, group_dn: str, member_dn: str) -> None:
        self._modify_member("delete", group_dn, member_dn)

    def _modify_member(self, change: str, group_dn: str, member_dn: str) -> None:
        self._ldap("ldapmodify", f"dn: {group_dn}\nchangetype: modify\n{change}: member\n"
                   f"member: {member_dn}\n")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
