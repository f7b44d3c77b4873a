"""Scale-out: villages rendered on a Dask cluster give the same bytes as a local build."""

from __future__ import annotations

import io

import pytest
from conftest import EXAMPLE
from test_site import tree_digest

from sitegen.build import build
from sitegen.progress import Progress

distributed = pytest.importorskip("distributed")  # in the test extra; skip only where it is not installed


def test_dask_build_is_byte_identical_to_a_local_build(tmp_path):
    local = tmp_path / "local"
    assert build(EXAMPLE, local, posters=False, cache_dir=tmp_path / "c1").ok
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        address = "dask://" + cluster.scheduler_address.removeprefix("tcp://")
        remote = tmp_path / "remote"
        progress = Progress(io.StringIO())
        result = build(EXAMPLE, remote, posters=False, cache_dir=tmp_path / "c2", executor=address, progress=progress)
        assert result.ok, result.problems
        assert progress.done == progress.total == len([p for p in EXAMPLE.iterdir() if (p / "village.yaml").is_file()]) > 1
        with distributed.Client(cluster) as client:
            assert len(client.scheduler_info()["workers"]) == 2
    assert tree_digest(remote) == tree_digest(local)


def test_unreachable_cluster_is_a_located_error_not_a_traceback(tmp_path):
    result = build(EXAMPLE, tmp_path / "out", posters=False, cache_dir=tmp_path / "c", executor="dask://127.0.0.1:9")
    assert not result.ok
    (problem,) = result.problems
    assert problem.code == "executor" and "Dask" in problem.message
    assert not (tmp_path / "out").exists()
