"""Work spread over threads comes back in order, whole, and fails as the serial loop would."""

from __future__ import annotations

import pytest

from sitegen import fanout


@pytest.mark.parametrize("threads", [1, 2, 4])
def test_each_keeps_the_order_of_thousands_of_items(monkeypatch, threads):
    monkeypatch.setattr(fanout, "THREADS", threads)
    items = list(range(10_000))
    assert fanout.each(lambda n: n * n, items) == [n * n for n in items]


def test_a_missing_file_in_a_late_chunk_is_raised(tmp_path, monkeypatch):
    monkeypatch.setattr(fanout, "THREADS", 2)
    paths = []
    for n in range(5000):
        path = tmp_path / f"f{n}"
        path.write_bytes(b"")
        paths.append(str(path))
    assert [info.st_size for info in fanout.stat_all(paths)] == [0] * 5000
    (tmp_path / "f4999").unlink()
    with pytest.raises(FileNotFoundError):
        fanout.stat_all(paths)
