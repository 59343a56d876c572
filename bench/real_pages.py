"""`pmkz bench --real-pages DIR`: the parser on real third-party pages, beside
trafilatura (bodies) and htmldate (dates).

DIR is in one of two layouts:
- bodies: `html/<id>.html.gz` (or `.html`) and `ground-truth.json`,
  `{id: {"url": ..., "articleBody": ...}}` (the article-extraction-benchmark's layout);
- dates: `pages/...` and `truth.json`, `{url: {"file": "pages/...", "date": "YYYY-MM-DD"}}`
  (htmldate's evaluation layout).

Bodies are scored by the article-extraction-benchmark's own method: per page, true
positives, false positives and false negatives over 4-token shingles of `\\w+` tokens,
normalised to sum 1; precision is averaged over pages with output, recall over pages
with a true body, F1 is their harmonic mean. A refused page has empty output.
"""
from __future__ import annotations

import gzip
import json
import re
import statistics
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pmkz.crawler.parsing import NotAnArticle, parse_article


class RealPagesError(ValueError):
    """The directory is in neither layout, or a file in it cannot be read."""


@dataclass
class Page:
    key: str
    url: str
    html: bytes
    body: str | None = None  # the true article body (bodies layout)
    date: str | None = None  # the true publication date (dates layout)


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def load_pages(directory: str | Path) -> list[Page]:
    directory = Path(directory)
    try:
        if (directory / "ground-truth.json").is_file():
            truth = json.loads((directory / "ground-truth.json").read_text(encoding="utf-8"))
            pages = []
            for key, entry in sorted(truth.items()):
                path = directory / "html" / f"{key}.html.gz"
                if not path.exists():
                    path = directory / "html" / f"{key}.html"
                pages.append(Page(key, entry["url"], _read(path), body=entry.get("articleBody") or ""))
            return pages
        if (directory / "truth.json").is_file():
            truth = json.loads((directory / "truth.json").read_text(encoding="utf-8"))
            return [Page(entry["file"], url, _read(directory / entry["file"]), date=_date_or_blank(entry.get("date")))
                    for url, entry in sorted(truth.items(), key=lambda item: item[1]["file"])]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise RealPagesError(f"{directory}: cannot read the pages ({type(error).__name__}: {error})") from None
    raise RealPagesError(f"{directory} holds neither ground-truth.json with html/ nor truth.json with pages/")


def _date_or_blank(value) -> str:
    """The true date, or "" for a page without one (the data writes NaN): not scored."""
    return value if isinstance(value, str) else ""


_TOKEN = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)


def _shingles(text: str, n: int = 4) -> Counter:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i:i + n])


def shingle_match(true: str, pred: str) -> tuple[float, float, float]:
    """(tp, fp, fn) over 4-token shingles, normalised to sum 1 (0s when both are empty)."""
    true_counts, pred_counts = _shingles(true), _shingles(pred)
    tp = fp = fn = 0.0
    for key in true_counts.keys() | pred_counts.keys():
        t, p = true_counts.get(key, 0), pred_counts.get(key, 0)
        tp += min(t, p)
        fp += max(0, p - t)
        fn += max(0, t - p)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (tp, fp, fn)


def _precision(tp, fp, fn):
    return 1.0 if fp == fn == 0 else 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp, fp, fn):
    return 1.0 if fp == fn == 0 else 0.0 if tp == fn == 0 else tp / (tp + fn)


def body_scores(matches: list[tuple[float, float, float]]) -> dict:
    precisions = [_precision(*m) for m in matches if m[0] + m[1] > 0]
    recalls = [_recall(*m) for m in matches if m[0] + m[2] > 0]
    precision = statistics.mean(precisions) if precisions else 0.0
    recall = statistics.mean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1": round(f1, 3), "precision": round(precision, 3), "recall": round(recall, 3)}


def _timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, (time.perf_counter() - start) * 1000


def _times(ms: list[float]) -> dict:
    ordered = sorted(ms)
    return {"median_ms": round(statistics.median(ordered), 2),
            "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 2)}


def _pmkz(page: Page):
    try:
        record = parse_article(page.html, page.url)
    except NotAnArticle as error:
        return {"refused": str(error)}
    return record


def _trafilatura():
    import trafilatura

    # Comments are no part of an article's body, nor of the benchmark's truth.
    return lambda page: trafilatura.extract(page.html, url=page.url, include_comments=False)


def _htmldate():
    from htmldate import find_date

    return lambda page: find_date(page.html, url=page.url, original_date=True)


def _layers(results: list, ms: list[float], field: str) -> dict:
    """Which layer gave `field` ("body", "published") on how many pages, and the median
    time of those pages: what each layer costs ("refused" for pages without the field)."""
    by_layer: dict = {}
    for result, took in zip(results, ms):
        source = result.get("field_sources", {}).get(field) or "refused"
        layer = source.split(":", 1)[0] if source.startswith("meta:") else source
        by_layer.setdefault(layer, []).append(took)
    return {layer: {"pages": len(times), "median_ms": round(statistics.median(times), 2)}
            for layer, times in sorted(by_layer.items(), key=lambda item: -len(item[1]))}


def _date_score(found: str | None, true: str) -> tuple[bool, bool]:
    """(right, within a day) of a found date against the true one."""
    if not found:
        return False, False
    try:
        days = abs((date.fromisoformat(found[:10]) - date.fromisoformat(true)).days)
    except ValueError:
        return False, False
    return days == 0, days <= 1


def _dates(found: list, pages: list[Page]) -> dict:
    scores = [_date_score(value, page.date) for value, page in zip(found, pages) if page.date]
    return {"dates_right": sum(r for r, _ in scores), "dates_within_a_day": sum(w for _, w in scores),
            "dates_scored": len(scores)}


def run(directory: str | Path, progress=lambda step: None, details: bool = False) -> dict:
    """Figures per extractor: {"pages", "layout", "pmkz": {...}, "trafilatura": {...}, ...}."""
    pages = load_pages(directory)
    if not pages:
        raise RealPagesError(f"{directory}: no pages")
    bodies = pages[0].body is not None
    figures: dict = {"directory": str(directory), "pages": len(pages), "layout": "bodies" if bodies else "dates"}
    other = _trafilatura() if bodies else _htmldate()
    name = "trafilatura" if bodies else "htmldate"
    progress(f"pmkz and {name} on {len(pages)} pages")
    # Page by page, one after the other: a machine busy with something else slows both
    # alike, where two passes one after the other would each see a different load.
    results, ms, found, their_ms = [], [], [], []
    for page in pages:
        result, took = _timed(_pmkz, page)
        results.append(result)
        ms.append(took)
        value, took = _timed(other, page)
        found.append(value)
        their_ms.append(took)
    ours: dict = {"refused": sum("refused" in r for r in results), **_times(ms),
                  "layers": _layers(results, ms, "body" if bodies else "published")}
    if bodies:
        matches = [shingle_match(p.body, r.get("body", "")) for p, r in zip(pages, results)]
        ours.update(body_scores(matches))
        if details:
            ours["pages_detail"] = [
                {"key": p.key, "url": p.url, "f1": round(body_scores([m])["f1"], 3), "ms": round(t, 2),
                 "refused": r.get("refused"), "body_source": r.get("field_sources", {}).get("body")}
                for p, r, m, t in zip(pages, results, matches, ms)]
    else:
        ours.update(_dates([r.get("published_date") for r in results], pages))
        if details:
            ours["pages_detail"] = [
                {"key": p.key, "url": p.url, "true": p.date, "found": r.get("published_date"),
                 "source": r.get("field_sources", {}).get("published"), "refused": r.get("refused")}
                for p, r in zip(pages, results)]
    figures["pmkz"] = ours
    theirs: dict = {"refused": sum(not value for value in found), **_times(their_ms)}
    if bodies:
        theirs.update(body_scores([shingle_match(p.body, value or "") for p, value in zip(pages, found)]))
    else:
        theirs.update(_dates(found, pages))
    figures[name] = theirs
    return figures


def table(figures: dict) -> str:
    bodies = figures["layout"] == "bodies"
    other = "trafilatura" if bodies else "htmldate"
    names = ["pmkz", other]
    if bodies:
        columns = [("F1", "f1"), ("precision", "precision"), ("recall", "recall")]
    else:
        columns = [("date right", "dates_right"), ("within a day", "dates_within_a_day"),
                   ("scored", "dates_scored")]
    columns += [("refused", "refused"), ("median ms", "median_ms"), ("p95 ms", "p95_ms")]
    lines = [f"{figures['pages']} real pages ({figures['layout']}) in {figures['directory']}",
             f"{'':<12}" + "".join(f"{title:>14}" for title, _ in columns)]
    for name in names:
        lines.append(f"{name:<12}" + "".join(f"{figures[name][key]:>14}" for _, key in columns))
    ratio = figures["pmkz"]["median_ms"] / figures[other]["median_ms"]
    lines.append(f"median time pmkz / {other}: {ratio:.2f}")
    layers = ", ".join(f"{layer} {entry['pages']} ({entry['median_ms']} ms)"
                       for layer, entry in figures["pmkz"]["layers"].items())
    lines.append(f"pmkz {'body' if bodies else 'date'} by layer, pages (median ms): {layers}")
    return "\n".join(lines)
