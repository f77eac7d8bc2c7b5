"""A mailbox of 2,000 waiting mails (issue 16): how long intake's mail reader takes to make
them all tickets and file them away.

A Dovecot of its own on a free loopback port (servicedesk_common.dovecot), a throwaway intake
database on PostgreSQL; the mails go in with IMAP APPEND (timed apart), then one pass of the
reader (the same MailReader the worker runs: fetch, one unit of work per mail, seen, move).
It checks that every mail became one ticket and none is left in the folder.

    .venv/bin/python bench/mailbox.py [--mails 2000]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import replace
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import run

from servicedesk_common.db import make_engine, session_factory
from servicedesk_common.dovecot import Dovecot
from servicedesk_common.migrations import upgrade
from servicedesk_common.settings import Settings

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 2048


def mails(count: int) -> list[bytes]:
    """Realistic variety: plain, HTML-only, with a small image; a few senders repeat."""
    made = []
    for i in range(count):
        message = EmailMessage()
        message["From"] = f"Pegawai {i % 300} <pegawai{i % 300}@dinas{i % 17}.go.id>"
        message["To"] = "desk@office.example"
        message["Subject"] = f"Gangguan layanan nomor {i}"
        message["Message-ID"] = make_msgid(domain=f"dinas{i % 17}.go.id")
        if i % 3 == 1:
            message.set_content(f"<p>Aplikasi <b>SIMPEG</b> error {i}.</p>", subtype="html")
        else:
            message.set_content(f"Internet di ruang {i} mati sejak pagi.\n\nSalam,\nPegawai")
        if i % 5 == 0:
            message.add_attachment(PNG, maintype="image", subtype="png",
                                   filename=f"layar-{i}.png")
        made.append(message.as_bytes())
    return made


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=2000)
    parser.add_argument("--database-server", default=os.environ.get(
        "SERVICEDESK_DATABASE_URL") or run.LOCAL_DB)
    args = parser.parse_args(argv)
    import intake.worker
    from intake.config import IntakeConfig, MailboxConfig
    from intake.mailbox import MailReader
    from intake.storage import FilesystemStore

    databases = run.Databases(args.database_server)
    server = Dovecot().start()
    try:
        os.environ.setdefault("SERVICEDESK_DEV", "1")
        data_dir = Path(tempfile.mkdtemp(prefix="bench-mailbox-"))
        settings = replace(Settings.from_env("intake"), database_url=databases.create("intake"),
                           shares_database=False, data_dir=data_dir)
        engine = make_engine(settings)
        upgrade(intake.worker.MIGRATIONS, settings, engine)
        sessions = session_factory(engine)

        batch = mails(args.mails)
        started = time.perf_counter()
        server.deliver(*batch)
        appended = time.perf_counter() - started

        for name, value in server.settings.items():
            os.environ[name] = value
        reader = MailReader(MailboxConfig.from_env(),
                            make_uow=lambda **kw: intake.worker.UnitOfWork(
                                sessions, producer="intake", **kw),
                            store=FilesystemStore(data_dir / "attachments"),
                            config=IntakeConfig.from_env())
        client = reader.connect()
        started = time.perf_counter()
        counts = reader.read_once(client)
        took = time.perf_counter() - started
        client.logout()
        with engine.connect() as conn:
            tickets = conn.exec_driver_sql("SELECT count(*) FROM tickets").scalar_one()
        left = server.count("INBOX")
        result = {"mails": args.mails, "append_seconds": round(appended, 2),
                  "read_seconds": round(took, 2),
                  "mails_per_second": round(args.mails / took, 1), "outcomes": counts,
                  "tickets": tickets, "left_in_inbox": left,
                  "filed_away": server.count("Processed")}
        print(json.dumps(result, indent=2))
        engine.dispose()
        return 0 if tickets == args.mails and left == 0 else 1
    finally:
        server.remove()
        databases.drop_all()


if __name__ == "__main__":
    sys.exit(main())
