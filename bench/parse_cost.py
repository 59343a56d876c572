"""Parse cost: `parse_article` (date included) over article pages saved from the replica.

Pages are fetched once over HTTP and saved to disk, then parsed from the saved bytes,
so only the parser is timed. Each page is parsed `rounds` times; the figures are the
median and 95th percentile of all those calls.
"""
from __future__ import annotations

import statistics
import time
import urllib.request
from pathlib import Path

from pmkz.crawler.parsing import parse_article
from pmkz.replica_process import ReplicaProcess
from pmkz.replica import build_site

ROUNDS = 3


def save_pages(per_lang: int, workdir: Path) -> list[tuple[Path, str]]:
    """Fetch `per_lang` article pages of each language from a replica into workdir."""
    site = build_site(articles=per_lang)
    saved = []
    workdir.mkdir(parents=True, exist_ok=True)
    with ReplicaProcess("--articles", str(per_lang)) as replica:
        for lang, articles in sorted(site.live.items()):
            for n, article in enumerate(articles):
                url = replica.url + article.path
                with urllib.request.urlopen(url, timeout=30) as response:
                    path = workdir / f"{lang}-{n}.html"
                    path.write_bytes(response.read())
                saved.append((path, url))
    return saved


def parse_cost(pages: list[tuple[Path, str]], rounds: int = ROUNDS) -> dict:
    loaded = [(path.read_bytes(), url) for path, url in pages]
    for html, url in loaded[:10]:
        parse_article(html, url, encoding="utf-8")  # warm caches and lazy imports
    times = []
    for _ in range(rounds):
        for html, url in loaded:
            start = time.perf_counter()
            parse_article(html, url, encoding="utf-8")
            times.append(time.perf_counter() - start)
    times.sort()
    return {
        "pages": len(loaded),
        "mean_kb": round(statistics.mean(len(html) for html, _ in loaded) / 1024, 1),
        "median_ms": round(statistics.median(times) * 1000, 3),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))] * 1000, 3),
    }
