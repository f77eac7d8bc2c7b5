"""The attachment store adapters (the folder, and the database on SQLite), and staging that
leaves nothing behind."""
import pytest

from intake.storage import FilesystemStore, Staged, new_key


def test_a_stored_file_comes_back_and_can_be_deleted(tmp_path):
    store = FilesystemStore(tmp_path / "attachments")
    key = new_key("INC-2026-000001")
    store.put(key, b"%PDF-1.7")
    assert store.get(key) == b"%PDF-1.7"
    assert (tmp_path / "attachments" / key).is_file()
    store.delete(key)
    with pytest.raises(FileNotFoundError):
        store.get(key)


@pytest.mark.parametrize("key", ["../x/0123456789abcdef0123456789abcdef", "INC-1/../../etc",
                                 "/etc/passwd", "INC-1/laporan.pdf"])
def test_keys_that_are_not_ours_are_refused(tmp_path, key):
    with pytest.raises(ValueError):
        FilesystemStore(tmp_path).put(key, b"x")


def test_staged_files_are_removed_when_the_request_fails(tmp_path):
    store = FilesystemStore(tmp_path)
    kept, dropped = new_key("INC-2026-000001"), new_key("INC-2026-000001")
    with Staged(store) as staged:
        staged.put(kept, b"one")
    with pytest.raises(RuntimeError), Staged(store) as staged:
        staged.put(dropped, b"two")
        raise RuntimeError("the commit failed")
    assert store.get(kept) == b"one"
    with pytest.raises(FileNotFoundError):
        store.get(dropped)


@pytest.fixture
def sqlite_store(tmp_path, monkeypatch):
    """The database adapter on a migrated SQLite file (the embedded database)."""
    from dataclasses import replace

    from intake.storage import DatabaseStore
    from intake.worker import MIGRATIONS, UnitOfWork
    from servicedesk_common.db import make_engine, session_factory
    from servicedesk_common.migrations import upgrade
    from servicedesk_common.settings import Settings

    monkeypatch.setenv("SERVICEDESK_DEV", "1")
    settings = replace(Settings.from_env("intake"), database_url=f"sqlite:///{tmp_path}/i.db",
                       shares_database=False, data_dir=tmp_path)
    engine = make_engine(settings)
    upgrade(MIGRATIONS, settings, engine)
    sessions = session_factory(engine)
    yield DatabaseStore(engine), lambda: UnitOfWork(sessions, producer="intake")
    engine.dispose()


def test_the_database_store_keeps_what_commits_and_nothing_of_what_fails(sqlite_store):
    from intake.storage import CHUNK_BYTES

    store, make_uow = sqlite_store
    kept, dropped = new_key("INC-2026-000001"), new_key("INC-2026-000001")
    content = bytes(range(256)) * (CHUNK_BYTES // 128 + 3)  # three chunks, the last short
    with make_uow() as uow, store.staging(uow) as staged:
        staged.put(kept, content)
        uow.commit()
    with pytest.raises(RuntimeError), make_uow() as uow, store.staging(uow) as staged:
        staged.put(dropped, b"two")
        raise RuntimeError("the commit failed")
    with store.open(kept) as stored:
        assert stored.read() == content
    with pytest.raises(FileNotFoundError):
        store.open(dropped)
    with pytest.raises(ValueError):
        store.open("INC-1/../../etc")
