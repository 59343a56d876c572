"""Crawl figures: throughput next to the bare spider, peak memory, idle-cycle cost.

Each crawl is a child process (bench.child), which reports its own peak memory, so
neither the replica nor this process counts.
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from pmkz.replica_process import ReplicaProcess
from storage import Store


class BenchError(Exception):
    """A benchmark step that could not run; one-line message."""


def crawl(kind: str, base_url: str, workdir: Path, images: bool = True) -> dict:
    """One crawl in a child process: its figures, with pages per second, CPU per page
    and peak memory in MB."""
    workdir.mkdir(parents=True, exist_ok=True)
    # -P: a `bench` module in the current directory must not shadow this package.
    command = [sys.executable, "-P", "-m", "bench.child", kind, base_url, str(workdir)]
    if not images:
        command.append("--no-images")
    with open(workdir / "child-stderr.txt", "w") as errors:
        child = subprocess.run(command, stdout=subprocess.PIPE, stderr=errors, text=True)
    lines = [line for line in child.stdout.splitlines() if line.startswith("{")]
    if child.returncode != 0 or not lines:
        tail = (workdir / "child-stderr.txt").read_text(errors="replace").strip().splitlines()[-1:]
        raise BenchError(f"{kind} crawl of {base_url} exited {child.returncode}: {' '.join(tail) or 'no output'}")
    figures = json.loads(lines[-1])
    figures["peak_mb"] = round(figures["peak_kb"] / 1024, 1)
    figures["pages_per_s"] = round(figures["pages"] / figures["seconds"], 1) if figures["seconds"] else 0.0
    figures["cpu_ms_per_page"] = round(1000 * figures["cpu_s"] / figures["pages"], 2) if figures["pages"] else 0.0
    return figures


# What the throughput step compares: name -> (bench.child kind, download images).
VARIANTS = {"bare": ("bare", True), "full": ("full", True), "full_no_images": ("full", False)}


def throughput(articles: int, rounds: int, workdir: Path) -> dict:
    """The bare spider and the full pipeline (with and without images) over one replica,
    `rounds` times each in rotating order after a warm-up crawl (the replica draws each
    page's text on first request); every full crawl starts from an empty database and
    images dir. Medians of pages per second, and their ratios to the bare spider."""
    runs = {name: [] for name in VARIANTS}
    with ReplicaProcess("--articles", str(articles)) as replica:
        crawl("bare", replica.url, workdir / "warm-up")
        names = list(VARIANTS)
        for n in range(rounds):
            for name in names[n % len(names):] + names[:n % len(names)]:
                kind, images = VARIANTS[name]
                runs[name].append(crawl(kind, replica.url, workdir / f"{name}-{n}", images=images))
    pages = {r["pages"] for results in runs.values() for r in results}
    if len(pages) != 1:
        raise BenchError(f"the crawls fetched different page counts: {sorted(pages)}")
    speed = {name: statistics.median(r["pages_per_s"] for r in results) for name, results in runs.items()}
    cpu = {name: statistics.median(r["cpu_ms_per_page"] for r in results) for name, results in runs.items()}
    return {
        "articles_per_lang": articles, "pages": pages.pop(), "rounds": rounds,
        "bare_pages_per_s": speed["bare"], "full_pages_per_s": speed["full"],
        "full_no_images_pages_per_s": speed["full_no_images"],
        "ratio": round(speed["full"] / speed["bare"], 3),
        "ratio_no_images": round(speed["full_no_images"] / speed["bare"], 3),
        "runs": {name: [r["pages_per_s"] for r in results] for name, results in runs.items()},
        # The crawler process's own CPU per page: steadier than wall time on a busy machine.
        "cpu_ms_per_page": cpu,
        "image_requests_per_page": round(
            statistics.median((r["requests"] / r["pages"]) for r in runs["full"]) - 1, 2),
    }


def crawl_site(articles: int, workdir: Path, *, images: bool, idle: bool) -> dict:
    """A first crawl of a replica of `articles` per language into an empty database:
    its figures, and with `idle` the stored items and requests of the incremental
    crawl right after it, when nothing on the site has changed."""
    with ReplicaProcess("--articles", str(articles)) as replica:
        first = crawl("full", replica.url, workdir, images=images)
        if first["status"] != "ok":
            raise BenchError(f"the crawl of {articles} articles per language ended {first['status']}")
        if idle:
            again = crawl("full", replica.url, workdir, images=images)
            if again["status"] != "ok":
                raise BenchError(f"the idle crawl of {articles} articles per language ended {again['status']}")
            with Store(workdir / "pmkz.db") as store:
                (first["stored_items"],) = store.db.execute("SELECT count(*) FROM items").fetchone()
                first["idle_requests"] = store.last_runs(1)[0]["requests"]
    return first


def scratch_dir() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="pmkz-bench-")
