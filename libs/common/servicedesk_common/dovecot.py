"""A real IMAP server for the tests: Debian's Dovecot on a free loopback port, with its own
config, state and mail under a temporary directory, plain login from a passwd file. Run as
the current user, or as `nobody` when that is root (Dovecot keeps mail from uid 0)."""
from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DOVECOT = os.environ.get("SERVICEDESK_TEST_DOVECOT", "/usr/sbin/dovecot")
HOW_TO_GET_DOVECOT = ("The mail tests need Debian's Dovecot: apt-get install dovecot-imapd "
                      "(`make test` installs it), or set SERVICEDESK_TEST_DOVECOT.")

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Dovecot:
    """One mailbox account; stop() and start() again keep its port and its mail."""

    def __init__(self, user: str = "desk@office.example", password: str = "mail-secret"):
        if not os.path.exists(DOVECOT):
            raise FileNotFoundError(HOW_TO_GET_DOVECOT)
        self.user, self.password = user, password
        self.port = _free_port()
        self.root = Path(tempfile.mkdtemp(prefix="sd-dovecot-"))
        self.account = pwd.getpwnam("nobody") if os.geteuid() == 0 else pwd.getpwuid(
            os.geteuid())
        group = subprocess.run(["id", "-gn", self.account.pw_name], capture_output=True,
                               text=True, check=True).stdout.strip()
        for name in ("run", "state", "home"):
            (self.root / name).mkdir()
        (self.root / "passwd").write_text(f"{user}:{{PLAIN}}{password}\n")
        (self.root / "dovecot.conf").write_text(CONFIG.format(
            root=self.root, user=self.account.pw_name, group=group, port=self.port,
            uid=self.account.pw_uid, gid=self.account.pw_gid))
        if os.geteuid() == 0:
            shutil.chown(self.root, self.account.pw_uid, self.account.pw_gid)
            for path in self.root.rglob("*"):
                shutil.chown(path, self.account.pw_uid, self.account.pw_gid)
        self.process: subprocess.Popen | None = None

    @property
    def settings(self) -> dict[str, str]:
        """The SERVICEDESK_IMAP_* environment that points the desk at this server."""
        return {"SERVICEDESK_IMAP_HOST": "127.0.0.1", "SERVICEDESK_IMAP_PORT": str(self.port),
                "SERVICEDESK_IMAP_USER": self.user, "SERVICEDESK_IMAP_PASSWORD": self.password,
                "SERVICEDESK_IMAP_SECURITY": "none"}

    def start(self) -> Dovecot:
        command = [DOVECOT, "-F", "-c", str(self.root / "dovecot.conf")]
        if os.geteuid() == 0:
            command = ["runuser", "-u", self.account.pw_name, "--", *command]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    if sock.recv(100).startswith(b"* OK"):
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"Dovecot did not start; see {self.root}/dovecot.log")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def client(self):
        from imapclient import IMAPClient

        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=60)
        client.login(self.user, self.password)
        return client

    def deliver(self, *mails: bytes, folder: str = "INBOX") -> None:
        """Mails arrive as an MTA would put them: IMAP APPEND into the folder."""
        client = self.client()
        try:
            for raw in mails:
                client.append(folder, raw)
        finally:
            client.logout()

    def count(self, folder: str) -> int:
        client = self.client()
        try:
            if not client.folder_exists(folder):
                return 0
            return client.folder_status(folder, [b"MESSAGES"])[b"MESSAGES"]
        finally:
            client.logout()

    def flags(self, folder: str) -> list[tuple]:
        client = self.client()
        try:
            client.select_folder(folder, readonly=True)
            return [tuple(f) for f in client.get_flags(client.search("ALL")).values()]
        finally:
            client.logout()
