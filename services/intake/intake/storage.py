"""Where attachment bytes live: a small port, and a filesystem adapter under the data
directory. An object store adapter would implement the same three methods."""
from __future__ import annotations

import os
import re
import uuid
from pathlib import Path
from typing import Protocol

_KEY = re.compile(r"^[A-Za-z0-9-]+/[a-f0-9]{32}$")


class AttachmentStore(Protocol):
    def put(self, key: str, content: bytes) -> None: ...

    def get(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...


def new_key(ticket_number: str) -> str:
    """Keys are ours: the ticket number and a random name, never the client's file name."""
    return f"{ticket_number}/{uuid.uuid4().hex}"


class FilesystemStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise ValueError(f"not an attachment key: {key!r}")
        return self.root / key

    def put(self, key: str, content: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        with open(partial, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)  # readers never see half a file

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class Staged:
    """Puts that are undone unless the block ends without an error (the database commit is
    the block's last step), so a failed request leaves no file behind."""

    def __init__(self, store: AttachmentStore):
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
