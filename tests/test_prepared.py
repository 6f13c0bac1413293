"""The prepared store: queries load one N-Quads file from the cache, kept current and safe.

It is a cache, so each test checks one way it could go stale or break: it must
give the same answers as the Turtle files, follow changes to them, survive a
corrupt or unwritable cache, and never leave a partial file behind.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest

from mndkg import prepared
from mndkg.files import load_store
from mndkg.queries import resolve, run

QUERY = "cq04-lower-only"


def answer(store: ox.Store) -> list[tuple[str, ...]]:
    label, text = resolve(QUERY)
    return sorted(tuple(str(v) for v in row) for row in run(store, text, label).rows)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("MNDKG_CACHE", str(folder))
    return folder


def test_first_use_prepares_and_second_use_loads_it(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = prepared.prepared_store()
    files = list((cache / "prepared").glob("mndkg-*.nq"))
    assert len(files) == 1
    assert not list((cache / "prepared").glob(".*partial"))

    def no_turtle(*_: object, **__: object) -> ox.Store:
        raise AssertionError("the Turtle files were parsed although the store was prepared")

    monkeypatch.setattr("mndkg.files.load_store", no_turtle)
    again = prepared.prepared_store()
    assert len(again) == len(fresh)
    assert answer(again) == answer(fresh)


def test_prepared_store_answers_like_the_turtle_files(cache: Path) -> None:
    prepared.prepared_store()
    loaded = prepared.load()
    assert loaded is not None
    assert answer(loaded[0]) == answer(load_store())


def test_fingerprint_follows_every_data_file(tmp_path: Path) -> None:
    files = [tmp_path / "a.ttl", tmp_path / "b.ttl"]
    for path in files:
        path.write_text("# empty\n")
    before = prepared.fingerprint(files)
    assert prepared.fingerprint(files) == before
    os.utime(files[1], ns=(1, 1))
    assert prepared.fingerprint(files) == before, "the key follows content, not times"
    files[1].write_text("# emptY\n")
    assert prepared.fingerprint(files) != before
    files[0].write_text("# longer than before\n")
    assert prepared.fingerprint(files[:1]) != prepared.fingerprint(files)


def test_stale_files_are_removed(cache: Path) -> None:
    stale = cache / "prepared" / "mndkg-0000.nq"
    stale.parent.mkdir(parents=True)
    stale.write_text("")
    prepared.prepared_store()
    assert not stale.exists()
    assert len(list(stale.parent.glob("mndkg-*.nq"))) == 1


def test_corrupt_prepared_file_is_rebuilt(cache: Path) -> None:
    good = answer(prepared.prepared_store())
    path = Path(prepared.prepared_path())
    path.write_text("<not n-quads")
    assert prepared.load() is None
    assert answer(prepared.prepared_store()) == good
    assert prepared.load() is not None


def test_unwritable_cache_still_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("MNDKG_CACHE", str(blocker))
    assert prepared.save(load_store()) is None
    assert answer(prepared.prepared_store()) == answer(load_store())


def test_cache_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MNDKG_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert Path(prepared.cache_dir()) == tmp_path / "mndkg"


def test_cli_query_prepares_the_store(mndkg_cli, private_cache: Path) -> None:
    result = mndkg_cli("query", QUERY, "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert "progressive muscular atrophy" in result.stdout
    assert list((private_cache / "prepared").glob("mndkg-*.nq"))


MINI_OBO = Path(__file__).parent / "data" / "mini.obo"


def obo_copy(tmp_path: Path) -> Path:
    path = tmp_path / "mini.obo"
    path.write_bytes(MINI_OBO.read_bytes())
    return path


def test_obo_is_read_once_then_loaded_from_its_conversion(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mndkg.files import load_into

    source = obo_copy(tmp_path)
    first = ox.Store()
    load_into(first, [source])
    assert Path(prepared.converted_path(source)).is_file()

    def no_pronto(*_: object, **__: object) -> None:
        raise AssertionError("the OBO file was parsed although its conversion is current")

    monkeypatch.setattr("mndkg.files.parse_quads", no_pronto)
    second = ox.Store()
    load_into(second, [source])
    assert set(second) == set(first)
    assert len(second) > 0


def test_changed_obo_file_is_read_again(cache: Path, tmp_path: Path) -> None:
    from mndkg.files import load_into

    source = obo_copy(tmp_path)
    load_into(ox.Store(), [source])
    before = Path(prepared.converted_path(source))
    source.write_text(source.read_text() + "\n[Term]\nid: HP:9999999\nname: added later\n")
    after = Path(prepared.converted_path(source))
    assert after != before
    store = ox.Store()
    load_into(store, [source])
    labels = {q.object.value for q in store if q.predicate.value.endswith("#label")}
    assert "added later" in labels
    assert after.is_file()
    assert not before.exists(), "the stale conversion is removed"


def test_damaged_conversion_is_replaced(cache: Path, tmp_path: Path) -> None:
    from mndkg.files import load_into

    source = obo_copy(tmp_path)
    good = ox.Store()
    load_into(good, [source])
    Path(prepared.converted_path(source)).write_text("<broken")
    again = ox.Store()
    load_into(again, [source])
    assert set(again) == set(good)


def test_prepared_store_carries_the_prefix_map(cache: Path) -> None:
    from mndkg.queries import default_prefixes

    prepared.prepared_store()
    loaded = prepared.load()
    assert loaded is not None
    assert loaded[1] == default_prefixes()
    assert len(loaded[0]) == len(load_store())


def test_a_file_without_the_mark_is_not_a_prepared_store(cache: Path) -> None:
    prepared.prepared_store()
    path = Path(prepared.prepared_path())
    path.write_bytes(path.read_bytes().split(b"\n", 1)[1])
    assert prepared.load() is None
