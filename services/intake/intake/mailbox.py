"""The office mailbox, read over IMAP by intake's worker: every mail in the folder is taken
(one unit of work each, its Message-ID recorded with what it made), then flagged seen and
moved to the done folder, never deleted. A crash between the two leaves the mail in the
folder: the next pass finds its Message-ID recorded and only moves it. IDLE where the server
offers it, polling otherwise; a server that is away is tried again with capped back-off."""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from .config import IntakeConfig, MailboxConfig
from .handlers.mail import take_mail
from .storage import attachment_store, new_key

log = logging.getLogger(__name__)

FETCH_BATCH = 20  # mails fetched per round trip (a 20 MB mail is one of them)
MAX_BACKOFF_SECONDS = 60.0


class MailReader:
    def __init__(self, mailbox: MailboxConfig, *, make_uow: Callable, store,
                 config: IntakeConfig):
        self.mailbox, self.make_uow, self.store, self.config = mailbox, make_uow, store, config

    def connect(self) -> IMAPClient:
        box = self.mailbox
        client = IMAPClient(box.host, port=box.port, ssl=box.security == "ssl", timeout=60)
        if box.security == "starttls":
            client.starttls()
        client.login(box.user or "", box.password or "")
        if not client.folder_exists(box.done_folder):
            client.create_folder(box.done_folder)
        client.select_folder(box.folder)
        return client

    def take(self, raw: bytes) -> str:
        with self.make_uow() as uow, self.store.staging(uow) as staged:
            outcome = take_mail(raw, uow=uow, config=self.config, store=staged,
                                new_key=new_key, own_addresses=self.mailbox.own_addresses)
            uow.commit()
        return outcome

    def read_once(self, client: IMAPClient) -> dict[str, int]:
        """Take every mail waiting in the folder; returns how many made what."""
        counts: dict[str, int] = {}
        uids = client.search("ALL")  # all that is still here has not been filed away
        for start in range(0, len(uids), FETCH_BATCH):
            taken = []
            for uid, data in client.fetch(uids[start:start + FETCH_BATCH],
                                          ["BODY.PEEK[]"]).items():
                raw = data.get(b"BODY[]")
                if raw is None:  # expunged meanwhile by someone else
                    continue
                outcome = self.take(bytes(raw))
                taken.append(uid)
                counts[outcome] = counts.get(outcome, 0) + 1
                log.info("event=mail_taken uid=%s outcome=%s", uid, outcome)
            # each mail is committed before it is moved; a crash here leaves mails that the
            # next pass finds recorded and only moves
            self.file_away(client, taken)
        return counts

    def file_away(self, client: IMAPClient, uids: list[int]) -> None:
        if not uids:
            return
        client.add_flags(uids, [b"\\Seen"], silent=True)
        if client.has_capability("MOVE"):
            client.move(uids, self.mailbox.done_folder)
        else:  # copy, then expunge only these mails (the copies are the kept ones)
            client.copy(uids, self.mailbox.done_folder)
            client.delete_messages(uids, silent=True)
            if client.has_capability("UIDPLUS"):
                client.uid_expunge(uids)
            else:
                client.expunge()

    def wait_for_mail(self, client: IMAPClient, stop: threading.Event) -> None:
        if not client.has_capability("IDLE"):
            stop.wait(self.mailbox.poll_seconds)
            client.noop()
            return
        client.idle()
        try:
            until = time.monotonic() + self.mailbox.idle_seconds
            while not stop.is_set() and time.monotonic() < until:
                if client.idle_check(timeout=1):
                    break
        finally:
            client.idle_done()

    def run(self, stop: threading.Event) -> None:
        box = self.mailbox
        if not box.host:
            log.info("event=mail_inbound_off reason='SERVICEDESK_IMAP_HOST is not set: no "
                     "mail is read'")
            return
        backoff = 1.0
        while not stop.is_set():
            client = None
            try:
                client = self.connect()
                log.info("event=mail_connected host=%s folder=%s idle=%s", box.host, box.folder,
                         client.has_capability("IDLE"))
                backoff = 1.0
                while not stop.is_set():
                    self.read_once(client)
                    self.wait_for_mail(client, stop)
            except (IMAPClientError, OSError) as away:
                log.warning("event=mail_unavailable host=%s error=%r retry_in=%.0fs", box.host,
                            away, backoff)
            except Exception:  # noqa: BLE001 - e.g. the database away: the mail stays there
                log.exception("event=mail_pass_failed retry_in=%.0fs", backoff)
            finally:
                _logout(client)
            stop.wait(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)


def _logout(client: IMAPClient | None) -> None:
    if client is None:
        return
    try:
        client.logout()
    except Exception:  # noqa: BLE001 - the connection is gone anyway
        pass


def mail_reader(worker) -> Callable[[threading.Event], None]:
    """The worker loop that reads the office mailbox (nothing when no IMAP host is set)."""
    config = IntakeConfig.from_env()
    store = attachment_store(config.attachment_store, data_dir=worker.settings.data_dir,
                             engine=worker.engine)
    reader = MailReader(MailboxConfig.from_env(), make_uow=worker.make_uow, store=store,
                        config=config)
    return reader.run
