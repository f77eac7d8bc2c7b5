"""SERVICEDESK_ATTACHMENT_STORE=database: attachment bytes in intake's own PostgreSQL
database, so every replica serves every file (each replica here has a data directory of its
own, as each container has its own disk); a failed request leaves neither bytes nor row."""
import hashlib
import os
import tracemalloc

import pytest
from sqlalchemy import create_engine, func, select, text

from .test_attachments import PDF, PNG, upload
from .test_mail_inbound import Office, mail

BIG = 25 * 1024 * 1024


def replica(run_service, tmp_path, name, **overrides):
    from intake.catalog import StaticCatalog

    from ..conftest import CATALOG, Desk

    folder = tmp_path / name
    folder.mkdir()
    harness = run_service("intake", worker=False, data_dir=folder, **overrides)
    harness.app.extensions["intake"].catalog = StaticCatalog(CATALOG)
    return Desk(harness)


@pytest.fixture
def replicas(run_service, tmp_path, monkeypatch):
    monkeypatch.setenv("SERVICEDESK_ATTACHMENT_STORE", "database")
    monkeypatch.setenv("SERVICEDESK_ATTACHMENT_MAX_BYTES", str(BIG + 1024))
    return replica(run_service, tmp_path, "a"), replica(run_service, tmp_path, "b")


def chunk_count(desk) -> int:
    from intake.models import AttachmentChunk

    with desk.harness.uow() as uow:
        return uow.session.execute(select(func.count()).select_from(AttachmentChunk)).scalar_one()


def files_on_disk(desk) -> list:
    folder = desk.harness.settings.data_dir / "attachments"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_a_file_uploaded_through_one_replica_downloads_identical_through_another(replicas):
    one, other = replicas
    number = one.create()["number"]
    content = b"%PDF-1.7\n" + os.urandom(BIG - 9)
    added = upload(one, number, [("peta-jaringan.pdf", content), ("layar.png", PNG)])
    assert added.status_code == 201, added.json
    pdf, png = added.json

    tracemalloc.start()
    response = other.http.get(f"/api/v1/tickets/{number}/attachments/{pdf['id']}",
                              headers=other.operator, buffered=False)
    digest = hashlib.sha256()
    for part in response.response:
        digest.update(part)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    response.close()
    assert response.status_code == 200
    assert digest.hexdigest() == hashlib.sha256(content).hexdigest()
    assert response.headers["Content-Length"] == str(BIG)
    assert response.headers["Content-Type"] == "application/pdf"
    assert "peta-jaringan.pdf" in response.headers["Content-Disposition"]
    assert peak < BIG / 4, f"the download held {peak} bytes at once"
    small = other.http.get(f"/api/v1/tickets/{number}/attachments/{png['id']}",
                           headers=other.operator)
    assert small.data == PNG
    assert files_on_disk(one) == [] and files_on_disk(other) == []


def test_a_guest_with_the_token_downloads_from_another_replica(replicas):
    one, other = replicas
    guest = one.create()
    token = guest["tracking_token"]
    added = upload(one, guest["number"], [("bukti.pdf", PDF)], headers={},
                   query=f"?token={token}")
    assert added.status_code == 201
    path = f"/api/v1/tickets/{guest['number']}/attachments/{added.json[0]['id']}"
    assert other.http.get(f"{path}?token={token}").data == PDF


def test_a_connection_lost_before_the_commit_leaves_neither_bytes_nor_row(replicas, monkeypatch):
    from intake.adapters import IntakeUnitOfWork

    one, other = replicas
    number = one.create()["number"]
    commit = IntakeUnitOfWork.commit
    admin = create_engine(one.harness.app.extensions["servicedesk"].engine.url,
                          isolation_level="AUTOCOMMIT")

    def crash_then_commit(self):
        pid = self.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        commit(self)

    monkeypatch.setattr(IntakeUnitOfWork, "commit", crash_then_commit)
    response = upload(one, number, [("laporan.pdf", PDF + os.urandom(3 * 1024 * 1024))])
    monkeypatch.undo()
    admin.dispose()
    assert response.status_code >= 500
    assert set(response.json["error"]) == {"code", "message", "details"}
    assert other.get(number)["attachments"] == []
    assert chunk_count(other) == 0
    assert upload(one, number, [("laporan.pdf", PDF)]).status_code == 201


def test_replicas_behind_pgbouncer_in_transaction_mode_share_the_files(
        run_service, tmp_path, monkeypatch, pgbouncer):
    monkeypatch.setenv("SERVICEDESK_ATTACHMENT_STORE", "database")
    direct = replica(run_service, tmp_path, "direct")
    url = direct.harness.settings.database_url
    pooled = replica(run_service, tmp_path, "pooled", database_direct_url=url,
                     database_url=pgbouncer.url(url.rsplit("/", 1)[1]),
                     database_pooler="transaction")
    number = pooled.create()["number"]
    content = b"%PDF-1.7\n" + os.urandom(3 * 1024 * 1024)
    for source, reader in ((pooled, direct), (direct, pooled)):
        added = upload(source, number, [("laporan.pdf", content)])
        assert added.status_code == 201, added.json
        download = reader.http.get(f"/api/v1/tickets/{number}/attachments/{added.json[0]['id']}",
                                   headers=reader.operator)
        assert download.status_code == 200 and download.data == content


def test_a_file_whose_bytes_are_gone_answers_404(replicas):
    from intake.models import AttachmentChunk

    one, other = replicas
    number = one.create()["number"]
    added = upload(one, number, [("laporan.pdf", PDF)]).json[0]
    with one.harness.uow() as uow:
        uow.session.execute(AttachmentChunk.__table__.delete())
        uow.commit()
    response = other.http.get(f"/api/v1/tickets/{number}/attachments/{added['id']}",
                              headers=other.operator)
    assert response.status_code == 404
    assert "missing" in response.json["error"]["message"]


def test_a_mail_attachment_is_served_by_every_replica(replicas, dovecot, monkeypatch):
    one, other = replicas
    office = Office(one, dovecot, monkeypatch)
    office.send(mail(files=[("foto.png", PNG, "image", "png")]))
    assert office.read() == {"ticket": 1}
    number = office.tickets()[0]["number"]
    [attachment] = other.get(number)["attachments"]
    download = other.http.get(f"/api/v1/tickets/{number}/attachments/{attachment['id']}",
                              headers=other.operator)
    assert download.status_code == 200 and download.data == PNG
    assert files_on_disk(one) == []


def test_the_local_store_stays_the_default_and_keeps_files_on_its_own_disk(run_service,
                                                                          tmp_path):
    one, other = replica(run_service, tmp_path, "a"), replica(run_service, tmp_path, "b")
    number = one.create()["number"]
    added = upload(one, number, [("laporan.pdf", PDF)]).json[0]
    path = f"/api/v1/tickets/{number}/attachments/{added['id']}"
    assert one.http.get(path, headers=one.operator).data == PDF
    assert [p.read_bytes() for p in files_on_disk(one)] == [PDF]
    assert chunk_count(one) == 0
    assert other.http.get(path, headers=other.operator).status_code == 404


def test_an_unknown_store_is_refused_at_start(monkeypatch):
    from intake.config import IntakeConfig
    from servicedesk_common.settings import SettingsError

    monkeypatch.setenv("SERVICEDESK_ATTACHMENT_STORE", "s3")
    with pytest.raises(SettingsError, match="SERVICEDESK_ATTACHMENT_STORE"):
        IntakeConfig.from_env()
