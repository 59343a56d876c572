"""`make demo`: the whole pipeline offline. Serves the replica, crawls it, says where the data is."""
from __future__ import annotations

import subprocess
import sys

from pmkz.replica_process import ReplicaProcess

DB = "data/demo.db"
IMAGES = "data/demo-images"


def main() -> int:
    with ReplicaProcess("--articles", "100") as replica:
        print(f"replica of primeminister.kz serving at {replica.url}")
        crawl = subprocess.run([
            sys.executable, "-m", "pmkz", "crawl", "--base-url", replica.url,
            "--db", DB, "--images-dir", IMAGES,
        ])
    if crawl.returncode != 0:
        return crawl.returncode
    print(f"archive: {DB}   images: {IMAGES}/   log: data/logs/crawl.log")
    print(f"export it:  .venv/bin/pmkz export --format jsonl --db {DB} | head")
    print(f"browse it:  .venv/bin/pmkz serve --db {DB}   (then open the URL it prints)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
