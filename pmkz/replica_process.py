"""Start `pmkz replica` in a child process, read its URL, stop it: for demos, tests, benchmarks."""
from __future__ import annotations

import subprocess
import sys
import tempfile


class ReplicaProcess:
    """`pmkz replica --port 0 OPTIONS` running until `stop()` (or the `with` block ends)."""

    def __init__(self, *options: str, host: str = "127.0.0.1"):
        self.options = options
        # stderr goes to a file: a pipe nobody reads would block the server once full.
        self.errors = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pmkz", "replica", "--host", host, "--port", "0", *options],
            stdout=subprocess.PIPE, stderr=self.errors, text=True,
        )
        line = self.process.stdout.readline().strip()
        if not line.startswith("http"):
            self.stop_process()
            self.errors.seek(0)
            message = self.errors.read().strip() or line
            self.stop()
            raise RuntimeError(f"the replica did not start: {message}")
        self.url = line

    def __enter__(self) -> "ReplicaProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        self.stop_process()
        self.process.stdout.close()
        self.errors.close()

    def stop_process(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
