"""Crawl figures: throughput next to the bare spider, peak memory, idle-cycle cost.

Each crawl is a child process (bench.child), which reports its own peak memory, so
neither the replica nor this process counts.
"""
from __future__ import annotations

import contextlib
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from pmkz.replica_process import ReplicaProcess
from pmkz.replica import build_site
from pmkz.replica.truth import truth_records
from pmkz.storage import Store, runs


# Decisions per language in the replica the throughput step crawls: its full crawl
# fetches their attached files, and the bare spider the same ones (from the truth).
DECISIONS = 3


class BenchError(Exception):
    """A benchmark step that could not run; one-line message."""


def crawl(kind: str, base_url: str, workdir: Path, images: bool = True, image_paths: Path | None = None) -> dict:
    """One crawl in a child process: its figures, with pages per second, CPU per page
    and peak memory in MB."""
    workdir.mkdir(parents=True, exist_ok=True)
    # -P: a `bench` module in the current directory must not shadow this package.
    command = [sys.executable, "-P", "-m", "pmkz.bench.child", kind, base_url, str(workdir)]
    if not images:
        command.append("--no-images")
    if kind == "bare":
        command += ["--image-paths", str(image_paths)]
    with open(workdir / "child-stderr.txt", "w") as errors:
        child = subprocess.run(command, stdout=subprocess.PIPE, stderr=errors, text=True)
    lines = [line for line in child.stdout.splitlines() if line.startswith("{")]
    if child.returncode != 0 or not lines:
        tail = (workdir / "child-stderr.txt").read_text(errors="replace").strip().splitlines()[-1:]
        raise BenchError(f"{kind} crawl of {base_url} exited {child.returncode}: {' '.join(tail) or 'no output'}")
    figures = json.loads(lines[-1])
    figures["peak_mb"] = round(figures["peak_kb"] / 1024, 1)
    figures["pages_per_s"] = round(figures["pages"] / figures["seconds"], 1) if figures["seconds"] else 0.0
    if figures["pages"]:
        figures["cpu_ms_per_page"] = round(1000 * figures["cpu_s"] / figures["pages"], 2)
    return figures


# What the throughput step compares: name -> (bench.child kind, download images).
# Each full variant has a bare one making exactly the same requests.
VARIANTS = {
    "bare": ("bare", False), "bare_images": ("bare", True),
    "full": ("full", True), "full_no_images": ("full", False),
}
# (full variant, its bare floor): the pairs held to the target, and the request counts
# that must agree within each pair.
PAIRS = {"ratio": ("full", "bare_images"), "ratio_no_images": ("full_no_images", "bare")}


def write_image_paths(articles: int, path: Path) -> Path:
    """Item path -> the paths of the files its crawl fetches (`images`, and a decision's
    `attachments`, fetched with or without images), from the replica's source data
    (replica.truth)."""
    site = build_site(articles=articles, decisions=DECISIONS)
    paths = {record["url"]: {"images": record["image_urls"], "attachments": record.get("attachment_urls") or []}
             for record in truth_records(site, "")}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(paths), encoding="utf-8")
    return path


def site(articles: int, replica: ReplicaProcess | None = None):
    """The replica the crawl steps walk (`articles` per language, DECISIONS decisions):
    `replica` when given (already running, left running), else a new one for the step."""
    if replica is not None:
        return contextlib.nullcontext(replica)
    return ReplicaProcess("--articles", str(articles), "--decisions", str(DECISIONS))


def throughput(articles: int, rounds: int, workdir: Path, *, warm_up: bool = True,
               replica: ReplicaProcess | None = None, firsts: dict | None = None) -> dict:
    """The bare spider and the full pipeline, each with and without images, over one
    replica, `rounds` times each in rotating order after a warm-up crawl (the replica
    draws each page's text on first request); every full crawl starts from an empty
    database and images dir. Medians of pages per second, and the ratio of each full
    variant to the bare spider making the same requests.

    Quick mode (not a measurement) has no warm-up and walks the replica it is given;
    `firsts` gets each variant's first crawl (its figures and folder), so that the memory
    step can take the full crawls as its first crawls of an empty database."""
    image_paths = write_image_paths(articles, workdir / "image-paths.json")
    runs = {name: [] for name in VARIANTS}
    with site(articles, replica) as replica:
        if warm_up:
            crawl("bare", replica.url, workdir / "warm-up", images=True, image_paths=image_paths)
        names = list(VARIANTS)
        for n in range(rounds):
            for name in names[n % len(names):] + names[:n % len(names)]:
                kind, images = VARIANTS[name]
                runs[name].append(crawl(kind, replica.url, workdir / f"{name}-{n}", images=images,
                                        image_paths=image_paths))
                if firsts is not None and n == 0:
                    firsts[name] = (runs[name][0], workdir / f"{name}-{n}")
    pages = {r["pages"] for results in runs.values() for r in results}
    if len(pages) != 1:
        raise BenchError(f"the crawls fetched different page counts: {sorted(pages)}")
    requests = {name: statistics.median(r["requests"] for r in results) for name, results in runs.items()}
    for full, bare in PAIRS.values():
        if requests[full] != requests[bare]:
            raise BenchError(f"{full} made {requests[full]:g} requests and {bare} {requests[bare]:g}: not comparable")
    speed = {name: statistics.median(r["pages_per_s"] for r in results) for name, results in runs.items()}
    figures = {
        "articles_per_lang": articles, "pages": pages.pop(), "rounds": rounds,
        "pages_per_s": speed, "requests": requests,
        **{name: round(speed[full] / speed[bare], 3) for name, (full, bare) in PAIRS.items()},
        # The figure of the first bench, kept for comparison: images against no images.
        "ratio_full_to_bare_pages_only": round(speed["full"] / speed["bare"], 3),
        "runs": {name: [r["pages_per_s"] for r in results] for name, results in runs.items()},
        # CPU per page of the crawl's process: steadier than wall time on a busy machine.
        "cpu_ms_per_page": {name: statistics.median(r["cpu_ms_per_page"] for r in results)
                            for name, results in runs.items()},
        "image_requests_per_page": round(requests["full"] / requests["full_no_images"] - 1, 2),
    }
    return figures


def seed_archive(db_path: Path, count: int, base_url: str) -> None:
    """`count` stored items that the replica does not have, as an archive of years
    holds: older than anything the replica publishes, and marked gone, so that a crawl
    makes exactly the requests it would make on an empty database. What a crawl keeps
    in memory per stored item shows up as the difference."""
    paragraph = "Правительство рассмотрело ход исполнения поручений Главы государства. " * 6
    with Store(db_path) as store, store.batch():
        for n in range(count):
            lang = ("ru", "kk", "en")[n % 3]
            prefix = {"ru": "ru", "kk": "kz", "en": "en"}[lang]
            store.save_item({
                "url": f"{base_url}/{prefix}/news/archived-statement-{n}-{900000 + n}",
                "site_id": 900000 + n, "lang": lang, "kind": "news", "category": None,
                "title": f"Archived statement {n}", "published_date": f"20{10 + n % 8}-0{1 + n % 9}-1{n % 9}",
                "published_at": None, "summary": None, "body": f"{paragraph}\n\n{n}",
                "image_urls": [], "translations": {}, "field_sources": {},
            })
        store.db.execute("UPDATE items SET status = 'gone'")


def crawl_site(articles: int, workdir: Path, *, images: bool, idle: bool, stored: int = 0,
               replica: ReplicaProcess | None = None, first: dict | None = None) -> dict:
    """A first crawl of a replica of `articles` per language into a database holding
    `stored` other items: its figures, and with `idle` the stored items and requests
    of the incremental crawl right after it, when nothing on the site has changed.

    `replica`: that replica, already running (quick mode); `first`: the figures of a
    first crawl of it already made into `workdir` (quick mode, a throughput crawl)."""
    with site(articles, replica) as replica:
        if stored:
            workdir.mkdir(parents=True, exist_ok=True)
            seed_archive(workdir / "pmkz.db", stored, replica.url)
        if first is None:
            first = crawl("full", replica.url, workdir, images=images)
        if first["status"] != "ok":
            raise BenchError(f"the crawl of {articles} articles per language ended {first['status']}")
        if idle:
            again = crawl("full", replica.url, workdir, images=images)
            if again["status"] != "ok":
                raise BenchError(f"the idle crawl of {articles} articles per language ended {again['status']}")
            with Store(workdir / "pmkz.db") as store:
                (first["stored_items"],) = store.db.execute("SELECT count(*) FROM items").fetchone()
                first["idle_requests"] = runs.last(store.db, 1)[0]["requests"]
    return first


def scratch_dir() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="pmkz-bench-")
