"""The figures of `bench.suite.run` as the table `pmkz bench` prints."""
from __future__ import annotations


VARIANT_ORDER = ("bare", "bare_images", "full", "full_no_images")


def _met(figures: dict, name: str) -> str:
    return "yes" if figures["targets"][name]["met"] else "NO"


def rows(f: dict) -> list[tuple[str, str, str, str]]:
    t, p, d, s, m, i = (f[k] for k in ("throughput", "parse", "dates", "store", "memory", "idle"))
    return [
        (f"crawl, bare Scrapy spider, pages only ({t['pages']} pages, median of {t['rounds']})",
         f"{t['pages_per_s']['bare']} pages/s", "", ""),
        (f"crawl, bare Scrapy spider, pages and their images ({t['image_requests_per_page']} per page)",
         f"{t['pages_per_s']['bare_images']} pages/s", "", ""),
        ("crawl, full pipeline", f"{t['pages_per_s']['full']} pages/s", "", ""),
        ("crawl, full pipeline, --no-images", f"{t['pages_per_s']['full_no_images']} pages/s", "", ""),
        ("CPU per page, crawl process: bare, bare + images, full, --no-images",
         " / ".join(f"{t['cpu_ms_per_page'][k]}" for k in VARIANT_ORDER) + " ms", "", ""),
        ("full / bare, same requests (pages and images)", f"{t['ratio']}", "", ""),
        ("full --no-images / bare, same requests (pages)", f"{t['ratio_no_images']}", "", ""),
        ("full with images / bare pages only (not like for like)", f"{t['ratio_full_to_bare_pages_only']}", "", ""),
        (f"parse per page, median ({p['pages']} pages)", f"{p['median_ms']} ms", "<= 3 ms", _met(f, "parse_median_ms")),
        ("parse per page, p95", f"{p['p95_ms']} ms", "", ""),
        ("dates, fast path", f"{d['fast_per_s']}/s", "", ""),
        ("dates, dateparser", f"{d['dateparser_per_s']}/s", "", ""),
        (f"dates, speed-up ({d['texts']} forms, equal: {'yes' if d['equal'] else 'NO'})", f"{d['speedup']}x",
         ">= 50x, equal", _met(f, "date_speedup")),
        (f"store, {s['records']} new records", f"{s['new_s']} s", "< 2 s", _met(f, "store_new_s")),
        (f"store, {s['records']} unchanged records", f"{s['unchanged_s']} s", "", ""),
        ("store an edit's version with its word diff and significance, per edit (of it, the diff)",
         f"{s['version_ms']} ms ({s['diff_ms']} ms)", "", ""),
        *_long_edit_rows(s),
        (f"peak memory, {m['crawl_pages']}-page crawl, {m['small_stored']} / {m['large_stored']} stored pages",
         f"{m['small_peak_mb']} / {m['large_peak_mb']} MB", "", ""),
        ("peak memory, large / small archive", f"{m['ratio']}", "<= 1.25", _met(f, "memory_ratio")),
        ("peak memory, the same with --no-images",
         f"{m['small_peak_mb_no_images']} / {m['large_peak_mb_no_images']} MB", "", ""),
        ("peak memory, large / small archive, --no-images", f"{m['ratio_no_images']}", "<= 1.25",
         _met(f, "memory_ratio_no_images")),
        (f"idle cycle requests, {i['small_items']} items", f"{i['small_requests']}", "", ""),
        (f"idle cycle requests, {i['large_items']} items", f"{i['large_requests']}", "equal", _met(f, "idle_requests")),
        *_warc_rows(f),
        *_revisit_rows(f),
        *_reader_rows(f),
    ]


def _long_edit_rows(s: dict) -> list[tuple[str, str, str, str]]:
    """One long edit (bench/store_cost.py): stored with its diff, read back per request."""
    e = s["long_edit"]
    return [
        (f"store an edit of {e['paragraphs']:,} paragraphs, neighbours swapped, with its diff",
         f"{e['store_s']} s", "", ""),
        ("store an edit of the same page rewording every paragraph, with its diff",
         f"{e['reworded_store_s']} s", "", ""),
        ("that edit: changed this week / its version page, per request",
         f"{e['changed_this_week_ms']} / {e['version_page_ms']} ms", "", ""),
    ]


def _revisit_rows(f: dict) -> list[tuple[str, str, str, str]]:
    """The revisit policy simulated (bench/revisit_sim.py): hours from a change to its
    finding next to the sweep's limit N / B (the issue's target holds from 30,000 items:
    below, the cycles' hour is most of the limit), the young next to their bands, and
    the re-checks' requests an hour."""
    out = []
    for r in f.get("revisit", []):
        bound = 1.25 * r["limit_h"]
        at_scale = r["items"] >= 30000
        name = f"revisit, {r['items']} items" + (", with a sitemap's lastmod" if r.get("sitemap") else "")
        out += [
            (f"{name}: change found after (median / p95 / max), limit N/B {r['limit_h']} h",
             f"{r['latency_median_h']} / {r['latency_p95_h']} / {r['latency_max_h']} h",
             "max <= 1.25 x N/B" if at_scale else "all found",
             "yes" if r["found"] == r["changes"] and (r["latency_max_h"] <= bound or not at_scale) else "NO"),
            (f"{name}: young items' changes found within their band",
             f"{r['young_changes'] - r['young_over_band']} of {r['young_changes']}", "all",
             "yes" if not r["young_over_band"] else "NO"),
            (f"{name}: requests an hour (mean / max)",
             f"{r['requests_per_hour_mean']} / {r['requests_per_hour_max']}", f"<= {r['budget']}",
             "yes" if r["requests_per_hour_max"] <= r["budget"] else "NO"),
        ]
    return out


def _reader_rows(f: dict) -> list[tuple[str, str, str, str]]:
    """The reader's pages on a large archive (bench/reader_pages.py), median / slowest."""
    r = f["reader_pages"]

    def ms(page: str) -> str:
        return f"{r[page]['median_ms']} / {r[page]['max_ms']} ms"
    return [
        (f"changed this week, {r['items']:,} items, {r['edits']:,} edited: the list / cosmetic only",
         f"{ms('changes')}; {ms('changes_cosmetic')}", "", ""),
        ("  the archive's home / the changed_this_week canned query (JSON)", f"{ms('home')}; {ms('canned_query')}",
         "", ""),
        ("  an edited item's page / its versions compared", f"{ms('item_page')}; {ms('compare')}", "", ""),
        (f"an item of {r['long_paragraphs']:,} paragraphs edited twice: its page / versions 1 and current compared",
         f"{ms('long_item_page')}; {ms('long_compare')}", "", ""),
    ]


def _warc_rows(f: dict) -> list[tuple[str, str, str, str]]:
    w, r = f["warc"]["with_images"], f["warc"]["reparse"]
    per, pages_only = w["mb_per_1000_pages"], r["disk"]["mb_per_1000_pages"]
    return [
        (f"WARC per 1,000 pages, with images ({w['items']} pages, {w['captures']} captures)",
         f"{per['warc']} MB ({w['warc_share']:.0%} of the disk)", "", ""),
        ("  beside it: database, images", f"{per['database']} / {per['images']} MB", "", ""),
        ("WARC per 1,000 pages, --no-images", f"{pages_only['warc']} MB ({r['disk']['warc_share']:.0%} of the disk)",
         "", ""),
        (f"reparse, {r['pages']} captured pages, every record changed", f"{r['changed_s']} s"
         f" ({r['changed_pages_per_s']} pages/s)", "< 60 s for 9000", _met(f, "reparse_s")),
        (f"reparse, {r['pages']} captured pages, nothing changed", f"{r['unchanged_s']} s"
         f" ({r['unchanged_pages_per_s']} pages/s)", "", ""),
    ]


def table(f: dict) -> str:
    header = ("figure", "value", "target", "met")
    body = rows(f)
    widths = [max(len(r[c]) for r in [header, *body]) for c in range(4)]

    def line(cells):
        return "| " + " | ".join(cell.ljust(w) for cell, w in zip(cells, widths)) + " |"

    out = [line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, body)]
    m = f["machine"]
    out.append("")
    out.append(f"{m['cpus']} CPUs, load average {m['load_average'][0]} before, {m['load_average_after'][0]} after;"
               f" Python {m['python']}; {f['seconds']} s{'; QUICK sizes: not a measurement' if f['quick'] else ''}")
    return "\n".join(out)
