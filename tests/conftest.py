"""Shared fixtures: a real replica server in a subprocess, and crawls of it.

As Scrapy's own tests do with their mock server, the replica runs in its own process on
port 0 and prints its URL first; each crawl also runs in its own process, since a
Twisted reactor cannot be restarted inside the test process.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pmkz.replica_process import ReplicaProcess
from pmkz.storage import Store

FILES = Path(__file__).parent / "files"


def pmkz(*args: str, timeout: float = 600, check: bool = True) -> subprocess.CompletedProcess:
    """Run the `pmkz` command in a fresh process."""
    result = subprocess.run(
        [sys.executable, "-m", "pmkz", *args],
        capture_output=True, text=True, timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"pmkz {' '.join(args)} exited {result.returncode}:\n{result.stderr}")
    return result


class Replica(ReplicaProcess):
    """A replica whose truth the test can ask for."""

    def truth(self) -> list[dict]:
        out = pmkz("replica", "--dump-truth", *self.options).stdout
        return [json.loads(line) for line in out.splitlines() if line.strip()]


@pytest.fixture
def replica_factory():
    started = []

    def start(*options: str) -> Replica:
        replica = Replica(*options)
        started.append(replica)
        return replica

    yield start
    for replica in started:
        replica.stop()


@pytest.fixture
def store(tmp_path):
    """A Store on a new database file in the test's own directory."""
    with Store(tmp_path / "pmkz.db") as opened:
        yield opened


@pytest.fixture(scope="session")
def replica_300():
    """The replica of the spine issue's acceptance test: 300 articles per language."""
    replica = Replica("--articles", "300")
    yield replica
    replica.stop()


def crawl_args(base_url: str, workdir: Path, *extra: str) -> list[str]:
    """`pmkz crawl` arguments for an archive (pmkz.db and images/) in `workdir`."""
    return ["crawl", "--base-url", base_url, "--db", str(workdir / "pmkz.db"),
            "--images-dir", str(workdir / "images"), *extra]


def crawl(base_url: str, workdir: Path, *extra: str, check: bool = True) -> subprocess.CompletedProcess:
    return pmkz(*crawl_args(base_url, workdir, *extra), check=check)


def start_crawl(base_url: str, workdir: Path, *extra: str) -> subprocess.Popen:
    """`pmkz crawl` running in the background, for tests that stop or kill it."""
    return subprocess.Popen([sys.executable, "-m", "pmkz", *crawl_args(base_url, workdir, *extra)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for(condition, timeout: float = 90, what: str = "condition", interval: float = 0.3):
    """Poll `condition` until it returns something true, and return that."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")
