"""Where attachment bytes live: a small port and two adapters, chosen by
SERVICEDESK_ATTACHMENT_STORE. `local` keeps files under the data directory (one machine);
`database` keeps them in intake's own database, in chunks written in the attachment row's
transaction, so every replica reads them and a failed request leaves neither bytes nor row."""
from __future__ import annotations

import io
import os
import re
import uuid
from pathlib import Path
from typing import BinaryIO, Protocol

from sqlalchemy import func, insert, select

from .models import AttachmentChunk

_KEY = re.compile(r"^[A-Za-z0-9-]+/[a-f0-9]{32}$")
CHUNK_BYTES = 1024 * 1024  # a 25 MiB file is 25 rows, never two copies of itself in memory
STORES = ("local", "database")


class AttachmentStore(Protocol):
    def staging(self, uow): ...  # a context with put(key, content); undone unless committed

    def open(self, key: str) -> BinaryIO: ...  # FileNotFoundError when there is none


def new_key(ticket_number: str) -> str:
    """Keys are ours: the ticket number and a random name, never the client's file name."""
    return f"{ticket_number}/{uuid.uuid4().hex}"


def _checked(key: str) -> str:
    if not _KEY.match(key):
        raise ValueError(f"not an attachment key: {key!r}")
    return key


def attachment_store(kind: str, *, data_dir: Path, engine) -> AttachmentStore:
    if kind == "database":
        return DatabaseStore(engine)
    return FilesystemStore(Path(data_dir) / "attachments")


class FilesystemStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / _checked(key)

    def staging(self, _uow) -> Staged:
        return Staged(self)

    def put(self, key: str, content: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        with open(partial, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)  # readers never see half a file

    def open(self, key: str) -> BinaryIO:
        return open(self._path(key), "rb")

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class Staged:
    """Puts that are undone unless the block ends without an error (the database commit is
    the block's last step), so a failed request leaves no file behind."""

    def __init__(self, store: FilesystemStore):
        self.store = store
        self.keys: list[str] = []

    def __enter__(self) -> Staged:
        return self

    def put(self, key: str, content: bytes) -> None:
        self.keys.append(key)
        self.store.put(key, content)

    def __exit__(self, exc_type, *_exc) -> None:
        if exc_type is not None:
            for key in self.keys:
                self.store.delete(key)


class DatabaseStore:
    def __init__(self, engine):
        self.engine = engine

    def staging(self, uow) -> _InTransaction:
        return _InTransaction(uow.session)

    def open(self, key: str) -> BinaryIO:
        with self.engine.connect() as conn:
            count = conn.execute(select(func.count()).where(
                AttachmentChunk.storage_key == _checked(key))).scalar_one()
        if not count:
            raise FileNotFoundError(key)
        return io.BufferedReader(_ChunkReader(self.engine, key, count), CHUNK_BYTES)


class _InTransaction:
    """Chunks go into the unit of work's own transaction: its rollback is the undo."""

    def __init__(self, session):
        self.session = session

    def __enter__(self) -> _InTransaction:
        return self

    def __exit__(self, *_exc) -> None:
        pass

    def put(self, key: str, content: bytes) -> None:
        view = memoryview(content)
        for seq, start in enumerate(range(0, len(view), CHUNK_BYTES)):
            self.session.execute(insert(AttachmentChunk).values(
                storage_key=_checked(key), seq=seq,
                data=bytes(view[start:start + CHUNK_BYTES])))


class _ChunkReader(io.RawIOBase):
    """Reads one chunk at a time, each on a connection borrowed only for that query, so a
    slow download holds no connection (nor a PgBouncer server) while the client reads."""

    def __init__(self, engine, key: str, count: int):
        self.engine, self.key, self.count = engine, key, count
        self.seq = 0
        self.pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if not self.pending:
            if self.seq >= self.count:
                return 0
            with self.engine.connect() as conn:
                data = conn.execute(select(AttachmentChunk.data).where(
                    AttachmentChunk.storage_key == self.key,
                    AttachmentChunk.seq == self.seq)).scalar_one()
            self.seq += 1
            self.pending = memoryview(data)
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size
