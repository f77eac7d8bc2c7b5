"""Attachments: several per ticket, judged by content, a size limit, stored under the data
directory with names of our own; 413 and 415 in the contract's shape, nothing half-kept."""
import io
import zipfile

import pytest

PDF = b"%PDF-1.7\n" + b"0" * 2000
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 500
EXE = b"MZ\x90\x00\x03" + b"\x00" * 500


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def upload(desk, number, files, headers=None, query=""):
    data = {"file": [(io.BytesIO(content), name) for name, content in files]}
    return desk.http.post(f"/api/v1/tickets/{number}/attachments{query}", data=data,
                          headers=headers or desk.operator, content_type="multipart/form-data")


@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setenv("SERVICEDESK_ATTACHMENT_MAX_BYTES", "4096")


def test_several_files_are_attached_and_come_back(desk):
    number = desk.create()["number"]
    response = upload(desk, number, [("laporan.pdf", PDF), ("layar.png", PNG),
                                     ("surat.docx", docx()), ("data.csv", b"a;b\n1;2\n")])
    assert response.status_code == 201, response.json
    added = response.json
    assert [a["content_type"] for a in added] == [
        "application/pdf", "image/png",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "text/csv"]
    assert len(desk.get(number)["attachments"]) == 4
    download = desk.http.get(f"/api/v1/tickets/{number}/attachments/{added[0]['id']}",
                             headers=desk.operator)
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    assert "laporan.pdf" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert [h["to"] for h in desk.history(number) if h["what"] == "attachment"] == [
        "laporan.pdf", "layar.png", "surat.docx", "data.csv"]


def test_files_live_under_the_data_directory_with_names_of_our_own(desk):
    number = desk.create()["number"]
    added = upload(desk, number, [("../../../etc/passwd.pdf", PDF)]).json[0]
    assert added["filename"] == "passwd.pdf"
    root = desk.harness.settings.data_dir / "attachments" / number
    stored = list(root.iterdir())
    assert len(stored) == 1 and stored[0].read_bytes() == PDF
    assert "passwd" not in stored[0].name


def test_a_disguised_file_is_refused_with_415(desk):
    number = desk.create()["number"]
    response = upload(desk, number, [("laporan.pdf", EXE)])
    assert response.status_code == 415
    error = response.json["error"]
    assert error["code"] == "unsupported_media_type" and "laporan.pdf" in error["message"]
    assert "file" in error["details"]


def test_a_file_over_the_limit_is_refused_with_413(small_limit, run_service):
    from intake.catalog import StaticCatalog

    from ..conftest import CATALOG, Desk

    limited = Desk(run_service("intake", worker=False))
    limited.harness.app.extensions["intake"].catalog = StaticCatalog(CATALOG)
    number = limited.create()["number"]
    response = upload(limited, number, [("besar.pdf", b"%PDF-" + b"0" * 5000)])
    assert response.status_code == 413
    assert response.json["error"]["code"] == "too_large"
    assert "besar.pdf" in response.json["error"]["details"]["file"][0]
    assert upload(limited, number, [("kecil.pdf", b"%PDF-" + b"0" * 4000)]).status_code == 201


def test_one_refused_file_keeps_none_of_the_request(desk):
    number = desk.create()["number"]
    response = upload(desk, number, [("ok.pdf", PDF), ("bad.pdf", EXE)])
    assert response.status_code == 415
    assert desk.get(number)["attachments"] == []
    assert not (desk.harness.settings.data_dir / "attachments" / number).exists() or not list(
        (desk.harness.settings.data_dir / "attachments" / number).iterdir())


def test_a_failed_commit_leaves_no_file_behind(desk, monkeypatch):
    from intake.adapters import IntakeUnitOfWork

    number = desk.create()["number"]

    def fail(self):
        raise RuntimeError("database went away")

    monkeypatch.setattr(IntakeUnitOfWork, "commit", fail)
    response = upload(desk, number, [("ok.pdf", PDF)])
    assert response.status_code == 500
    monkeypatch.undo()
    folder = desk.harness.settings.data_dir / "attachments" / number
    assert not folder.exists() or list(folder.iterdir()) == []
    assert desk.get(number)["attachments"] == []


@pytest.mark.parametrize(("kind", "make"), [
    ("no file", lambda desk, n: desk.http.post(f"/api/v1/tickets/{n}/attachments", data={},
                                               headers=desk.operator,
                                               content_type="multipart/form-data")),
    ("json", lambda desk, n: desk.http.post(f"/api/v1/tickets/{n}/attachments",
                                            json={"file": "x"}, headers=desk.operator)),
    ("other field", lambda desk, n: desk.http.post(
        f"/api/v1/tickets/{n}/attachments", headers=desk.operator,
        content_type="multipart/form-data",
        data={"document": (io.BytesIO(PDF), "a.pdf")})),
    ("empty", lambda desk, n: upload(desk, n, [("kosong.txt", b"")])),
])
def test_a_malformed_upload_is_refused_in_the_contract_shape(desk, kind, make):
    number = desk.create()["number"]
    response = make(desk, number)
    assert response.status_code in (415, 422), kind
    assert set(response.json["error"]) == {"code", "message", "details"}
    assert desk.get(number)["attachments"] == []


def test_the_owner_and_the_guest_with_the_token_attach_and_download(desk):
    owner = desk.client("client1")
    number = desk.create(owner, guest_email=None)["number"]
    mine = upload(desk, number, [("foto.png", PNG)], headers=owner)
    assert mine.status_code == 201
    path = f"/api/v1/tickets/{number}/attachments/{mine.json[0]['id']}"
    assert desk.http.get(path, headers=owner).data == PNG
    assert desk.http.get(path, headers=desk.client("client2")).status_code == 404
    assert upload(desk, number, [("x.png", PNG)],
                  headers=desk.client("client2")).status_code == 404

    guest = desk.create()
    token = guest["tracking_token"]
    added = upload(desk, guest["number"], [("bukti.pdf", PDF)], headers={},
                   query=f"?token={token}")
    assert added.status_code == 201
    path = f"/api/v1/tickets/{guest['number']}/attachments/{added.json[0]['id']}"
    assert desk.http.get(f"{path}?token={token}").data == PDF
    assert desk.http.get(f"{path}?token=wrong").status_code == 404
    assert desk.http.get(path).status_code == 401
    tracked = desk.http.get(f"/api/v1/track/{guest['number']}?token={token}").json
    assert [a["filename"] for a in tracked["attachments"]] == ["bukti.pdf"]
    assert desk.http.get(f"/api/v1/tickets/{guest['number']}/attachments/999999",
                         headers=desk.operator).status_code == 404


def zip_bomb(unpacked_mib: int) -> bytes:
    """A DOCX whose one member unpacks to `unpacked_mib` MiB of zeros (a few hundred KB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        with archive.open("word/media/padding.bin", "w", force_zip64=True) as member:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(unpacked_mib):
                member.write(chunk)
    return buffer.getvalue()


def test_a_docx_that_unpacks_past_the_limit_is_refused_with_413(desk):
    number = desk.create()["number"]
    bomb = zip_bomb(300)
    assert len(bomb) < 1024 * 1024
    response = upload(desk, number, [("laporan.docx", bomb)])
    assert response.status_code == 413, response.json
    assert response.json["error"]["code"] == "too_large"
    assert "laporan.docx" in response.json["error"]["details"]["file"][0]
    assert desk.get(number)["attachments"] == []
    assert upload(desk, number, [("surat.docx", docx())]).status_code == 201


@pytest.mark.parametrize("sent, kept", [
    ("Surat-Dinas.pdf.exe", "Surat-Dinas.pdf"),
    ("laporan.exe", "laporan.pdf"),
    ("laporan", "laporan.pdf"),
    ("gambar.png", "gambar.pdf"),
    ("Surat.PDF", "Surat.PDF"),
])
def test_a_file_is_kept_and_served_with_the_ending_of_its_real_type(desk, sent, kept):
    number = desk.create()["number"]
    added = upload(desk, number, [(sent, PDF)]).json[0]
    assert added["filename"] == kept
    download = desk.http.get(f"/api/v1/tickets/{number}/attachments/{added['id']}",
                             headers=desk.operator)
    assert kept in download.headers["Content-Disposition"]
    assert ".exe" not in download.headers["Content-Disposition"]
    assert desk.get(number)["attachments"][0]["filename"] == kept
