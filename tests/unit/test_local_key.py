"""The local signing key: made once, even when several processes or threads ask at the same time."""

from __future__ import annotations

import os
import stat
from concurrent.futures import ThreadPoolExecutor

import pytest

from flextime.api.auth import load_local_key


def test_key_is_made_once_and_private(tmp_path):
    # Given no key yet
    folder = tmp_path / "keys"
    # When it is loaded twice
    first = load_local_key(folder)
    again = load_local_key(folder)
    # Then the second load reads the first key, the file is owner-only, and nothing else is left
    assert again.kid == first.kid and again.private_pem == first.private_pem
    assert stat.S_IMODE(os.stat(folder / "local-signing-key.pem").st_mode) == 0o600
    assert sorted(p.name for p in folder.iterdir()) == ["local-signing-key.pem"]


def test_parallel_first_loads_agree_on_one_key(tmp_path):
    # Given many callers that find no key at the same moment
    folder = tmp_path / "keys"
    # When they all load it
    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = list(pool.map(lambda _: load_local_key(folder), range(16)))
    # Then none fails and they all hold the one key on disk
    on_disk = (folder / "local-signing-key.pem").read_bytes()
    assert {k.private_pem for k in keys} == {on_disk}
    assert len({k.kid for k in keys}) == 1


def test_missing_key_without_create_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_local_key(tmp_path / "none", create=False)
