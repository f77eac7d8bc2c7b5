"""Attachments are judged by their content: the name a client gives proves nothing."""
import io
import zipfile

import pytest

from intake.filetypes import detect, safe_filename

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 16
GIF = b"GIF89a\x01\x00\x01\x00" + b"\x00" * 16
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"


def office(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<xml/>")
    return buffer.getvalue()


DOCX = office("[Content_Types].xml", "word/document.xml")
XLSX = office("[Content_Types].xml", "xl/workbook.xml")


@pytest.mark.parametrize(("content", "name", "kind"), [
    (PDF, "laporan.pdf", "pdf"), (PNG, "layar.png", "png"), (JPEG, "foto.jpg", "jpeg"),
    (GIF, "anim.gif", "gif"), (DOCX, "surat.docx", "docx"), (XLSX, "data.xlsx", "xlsx"),
    (b"nama;nip\nBudi;1980\n", "pegawai.csv", "csv"),
    (b"Kesalahan: koneksi terputus\n", "log.txt", "txt"),
    ("Catatan kantor: café\n".encode("cp1252"), "catatan.txt", "txt"),
])
def test_each_allowed_kind_is_known_by_its_content(content, name, kind):
    assert detect(content, name) == kind


@pytest.mark.parametrize(("content", "name", "kind"), [
    (PNG, "laporan.pdf", "png"), (PDF, "photo.jpg", "pdf"), (DOCX, "tabel.xlsx", "docx")])
def test_the_content_decides_not_the_name(content, name, kind):
    assert detect(content, name) == kind


@pytest.mark.parametrize(("content", "name"), [
    (EXE, "laporan.pdf"), (EXE, "setup.exe"),
    (b"<script>alert(1)</script>", "page.html"),  # text, but not a text kind we accept
    (b"echo hi\n", "run.sh"),
    (office("[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"), "macro.docx"),
    (office("hello.txt"), "arsip.zip"),
    (b"PK\x03\x04broken", "rusak.docx"),
    (b"", "kosong.txt"),
    (b"\x00\x01\x02binary", "data.csv"),
])
def test_anything_else_is_refused(content, name):
    assert detect(content, name) is None


@pytest.mark.parametrize(("given", "kept"), [
    ("../../etc/passwd", "passwd"), ("C:\\Users\\budi\\laporan.pdf", "laporan.pdf"),
    ("la\x00po\nran.pdf", "laporan.pdf"), ("", "lampiran"), (None, "lampiran"),
    ("..", "lampiran"), ("a" * 300 + ".pdf", "a" * 196 + ".pdf")])
def test_a_file_name_is_a_display_name_never_a_path(given, kept):
    assert safe_filename(given) == kept
