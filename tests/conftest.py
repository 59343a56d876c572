"""Shared fixtures: a real replica server in a subprocess, and crawls of it.

As Scrapy's own tests do with their mock server, the replica runs in its own process on
port 0 and prints its URL first; each crawl also runs in its own process, since a
Twisted reactor cannot be restarted inside the test process.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

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


class Replica:
    """`pmkz replica --port 0 ...` running until stopped."""

    def __init__(self, *options: str):
        self.options = options
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pmkz", "replica", "--port", "0", *options],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        line = self.process.stdout.readline().strip()
        if not line.startswith("http"):
            self.stop()
            raise RuntimeError(f"replica did not start: {line!r} {self.process.stderr.read()}")
        self.url = line

    def truth(self) -> list[dict]:
        out = pmkz("replica", "--dump-truth", *self.options).stdout
        return [json.loads(line) for line in out.splitlines() if line.strip()]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        for stream in (self.process.stdout, self.process.stderr):
            stream.close()


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


@pytest.fixture(scope="session")
def replica_300():
    """The replica of the spine issue's acceptance test: 300 articles per language."""
    replica = Replica("--articles", "300")
    yield replica
    replica.stop()


def crawl(base_url: str, workdir: Path, *extra: str, check: bool = True) -> subprocess.CompletedProcess:
    return pmkz(
        "crawl", "--base-url", base_url, "--db", str(workdir / "pmkz.db"),
        "--images-dir", str(workdir / "images"), *extra, check=check,
    )
