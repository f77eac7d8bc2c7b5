"""The filesystem adapter of the attachment store, and staging that leaves nothing behind."""
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
