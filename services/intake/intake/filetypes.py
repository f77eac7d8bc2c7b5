"""What a file is, judged by its content (magic bytes), not by the name the client gave it."""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile

# kind -> (content type, file name endings that may carry it)
KINDS = {
    "pdf": ("application/pdf", (".pdf",)),
    "png": ("image/png", (".png",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg", ".jpe")),
    "gif": ("image/gif", (".gif",)),
    "txt": ("text/plain", (".txt", ".log")),
    "csv": ("text/csv", (".csv",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             (".docx",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
}
DEFAULT_ALLOWED = tuple(KINDS)
_TEXT_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def detect(content: bytes, filename: str) -> str | None:
    """The kind of the file, or None when it is none we know. Binary kinds are told by their
    magic bytes whatever the name; plain text has no magic, so its name must say txt or csv."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if content.startswith(b"PK\x03\x04"):
        return _office(content)
    if _is_text(content):
        ending = extension(filename)
        return next((kind for kind in ("txt", "csv") if ending in KINDS[kind][1]), None)
    return None


def _office(content: bytes) -> str | None:
    """DOCX and XLSX are zip files with a content-type map; anything with macros is refused."""
    try:
        names = set(zipfile.ZipFile(io.BytesIO(content)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names or any(n.endswith("vbaProject.bin") for n in names):
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def _is_text(content: bytes) -> bool:
    """Text (UTF-8 or an 8-bit code page, as spreadsheets export CSV) has no control bytes
    besides tab, line ends and form feed; every binary format has plenty."""
    return bool(content) and not _TEXT_CONTROL.search(content[:65536])


def unpacked_size(content: bytes) -> int:
    """What a zip (DOCX, XLSX) says its members come to when unpacked."""
    try:
        return sum(member.file_size for member in zipfile.ZipFile(io.BytesIO(content)).infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return 0


def content_type(kind: str) -> str:
    return KINDS[kind][0]


def extension(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower() if dot > 0 else ""


def named_for(name: str, kind: str) -> str:
    """The name ending as its content is (`Surat-Dinas.pdf.exe` holding a PDF is kept as
    `Surat-Dinas.pdf`): a wrong ending is dropped, the kind's own added when none is left."""
    endings = KINDS[kind][1]
    if extension(name) in endings:
        return name
    stem = name[:name.rfind(".")] if extension(name) else name
    return stem if extension(stem) in endings else stem + endings[0]


def safe_filename(name: str | None, *, fallback: str = "lampiran") -> str:
    """A display name only (never a path): the last path part, without control characters,
    at most 200 characters with its ending kept."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name)
                   if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if not name:
        return fallback
    if len(name) > 200:
        ending = extension(name)[:20]
        name = name[:200 - len(ending)] + ending
    return name
