"""One benchmark crawl in this process; prints its figures as one JSON line.

    python -m bench.child full|bare BASE_URL WORKDIR [--no-images | --image-paths FILE]

`full` is exactly what `pmkz crawl` runs (same settings, spider and pipelines) on a
database in WORKDIR; `bare` is bench.bare.BareSpider under the same settings without
item pipelines, fetching the images FILE lists for each article (bench.crawls writes it
from the replica's truth).

Peak memory is the kernel's VmHWM of this process, read here at the end: ru_maxrss from
the parent's wait4() would not do, since Linux folds the RSS of the process that forked
(the bench, holding its own figures) into the child's at exec.
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

LANGS = "ru,kk,en"


def _peak_kb() -> int:
    """The peak resident memory of this process, in kB (Linux's VmHWM)."""
    status = Path(f"/proc/{os.getpid()}/status").read_text()
    peak = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)
    if not peak:
        raise RuntimeError("no VmHWM in /proc/self/status")
    return peak


_OUTCOMES = ("new", "changed", "unchanged", "gone", "failed")


def run(kind: str, base_url: str, workdir: Path, images: bool, image_paths: str | None = None) -> dict:
    # Imported here, not at the top, so that a wrong argument fails before Scrapy loads.
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    from pmkz.bench.bare import BareSpider
    from pmkz.crawler.run import CrawlOptions, check_options, crawl_settings
    from pmkz.crawler.spiders.news import NewsSpider

    workdir.mkdir(parents=True, exist_ok=True)
    options = CrawlOptions(
        base_url=base_url, db_path=workdir / "pmkz.db", images_dir=workdir / "images",
        langs=LANGS.split(","), images=images, log_file=workdir / "crawl.log",
    )
    if kind == "bare":
        options.extra_settings = {"ITEM_PIPELINES": {}}
        options.images = True  # keeps crawl_settings from rebuilding ITEM_PIPELINES
    else:
        check_options(options)
    process = CrawlerProcess(crawl_settings(options))
    spider = BareSpider if kind == "bare" else NewsSpider
    crawler = process.create_crawler(spider)
    # CPU time of the crawl itself, without the imports and set-up before it. Named
    # functions: Scrapy's signals hold receivers weakly.
    cpu = {}

    def opened():
        cpu["opened"] = time.process_time()

    def closed():
        cpu["closed"] = time.process_time()

    crawler.signals.connect(opened, signal=signals.spider_opened)
    crawler.signals.connect(closed, signal=signals.spider_closed)
    arguments = {"image_paths": image_paths, "images": "1" if images else ""} if kind == "bare" else {}
    process.crawl(crawler, base_url=base_url, langs=LANGS, **arguments)
    process.start()
    stats = crawler.stats.get_stats()
    if kind == "bare":
        pages = stats.get("bench/list_pages", 0) + stats.get("bench/article_pages", 0)
    else:
        pages = stats.get("pmkz/list_pages", 0) + sum(stats.get(f"pmkz/{name}", 0) for name in _OUTCOMES)
    return {
        "kind": kind,
        "pages": pages,
        "requests": stats.get("downloader/request_count", 0),
        "seconds": stats.get("elapsed_time_seconds", 0.0),
        "cpu_s": round(cpu.get("closed", 0.0) - cpu.get("opened", 0.0), 3),
        "status": stats.get("pmkz/status", "ok" if kind == "bare" else "failed"),
        "peak_kb": _peak_kb(),
    }


def main(argv: list[str]) -> None:
    kind, base_url, workdir, *options = argv
    if kind not in ("full", "bare"):
        raise SystemExit(f"pmkz.bench.child: unknown kind {kind!r}")
    image_paths = options[options.index("--image-paths") + 1] if "--image-paths" in options else None
    if kind == "bare" and not image_paths:
        raise SystemExit("pmkz.bench.child: a bare crawl needs --image-paths FILE")
    figures = run(kind, base_url.rstrip("/"), Path(workdir), images="--no-images" not in options,
                  image_paths=image_paths)
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
