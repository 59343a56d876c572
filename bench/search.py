"""`pmkz bench --search`: word-form search, against the replica.

Quality: for each query word, the items it should find are those of its language that
hold any of its forms, counted by a whole-word scan of the text (the forms are the
archive's words that begin with the word's root, less the derived words listed beside
it: the oracle knows no stemmer). Before: the search box as it was (the exact form,
through items_fts); after: the stemmed query through items_search. Recall and
precision per word, and over all words of a language (micro-averaged).

Kazakh words typed in the 2021 Latin alphabet (LATIN) are scored against their Cyrillic
word's items.

Speed: the p95 time of a one-word search (the box's query, counted as Datasette counts
it) on an archive of `cost_items` items; a page of the search page (browse/hits.py) with
its snippets, newest first and most relevant first; and the worst search the box takes
with no hits, one word as long as a search may be, with its suggestions of shorter forms.
"""
from __future__ import annotations

import statistics
import time
from pathlib import Path

from pmkz.storage import Store, search

# (query as typed, root its forms begin with, beginnings of derived words that are not forms)
RUSSIAN = [
    ("правительство", "правительств", ()), ("министр", "министр", ()),
    ("министерство", "министерств", ()), ("государство", "государств", ("государствен",)),
    ("вопрос", "вопрос", ()), ("развитие", "развити", ()), ("область", "област", ()),
    ("поручение", "поручени", ()), ("работа", "работ", ()), ("проект", "проект", ()),
    ("население", "населени", ()), ("контроль", "контрол", ()), ("совещание", "совещани", ()),
    ("исполнение", "исполнени", ()), ("поддержка", "поддержк", ()), ("бизнес", "бизнес", ()),
    ("экономика", "экономик", ()), ("инвестиция", "инвестици", ("инвестицион",)),
    ("промышленность", "промышленност", ()), ("подготовка", "подготовк", ()),
    ("орган", "орган", ("организ",)), ("акимат", "акимат", ()), ("компания", "компани", ()),
    ("внимание", "внимани", ()), ("задача", "задач", ()), ("доход", "доход", ()),
    ("заседание", "заседани", ()), ("республика", "республик", ()),
    ("производитель", "производител", ()), ("хозяйство", "хозяйств", ()),
    ("показатель", "показател", ()), ("отрасль", "отрасл", ()), ("регион", "регион", ()),
    ("строительство", "строительств", ()), ("предприниматель", "предпринимател", ()),
    ("Бектенов", "бектенов", ()), ("Мамин", "мамин", ()), ("Токаев", "токаев", ()),
    ("Назарбаев", "назарбаев", ()), ("Масимов", "масимов", ()), ("Сагинтаев", "сагинтаев", ()),
]
KAZAKH = [
    ("Үкімет", "үкімет", ("үкіметтік",)), ("министрлік", "министрлі", ()),
    ("министр", "министр", ("министрлі",)), ("мемлекет", "мемлекет", ("мемлекеттік",)),
    ("мәселе", "мәселе", ()), ("тапсырма", "тапсырма", ()), ("облыс", "облыс", ()),
    ("жұмыс", "жұмыс", ()), ("кеңес", "кеңес", ()), ("жоба", "жоба", ()),
    ("халық", "халық", ("халықаралық",)), ("басшы", "басшы", ("басшылық", "басшылығ")),
    ("бағдарлама", "бағдарлама", ()), ("қаржы", "қаржы", ()),
    ("инвестиция", "инвестиция", ("инвестициялық",)), ("сала", "сала", ("салай",)),
    ("шара", "шара", ()), ("өнеркәсіп", "өнеркәсі", ("өнеркәсіптік",)),
    ("әкімдік", "әкімді", ()), ("кәсіпорын", "кәсіпор", ()), ("көлем", "көлем", ()),
    ("деңгей", "деңгей", ()), ("мерзім", "мерзім", ()), ("өмір", "өмір", ()),
    ("сапа", "сапа", ("сапалы", "сапар")), ("жыл", "жыл", ("жылыт",)), ("Тоқаев", "тоқаев", ()),
    ("Бектенов", "бектенов", ()), ("Мамин", "мамин", ()), ("Назарбаев", "назарбаев", ()),
    ("Мәсімов", "мәсімов", ()), ("Сағынтаев", "сағынтаев", ()), ("Смайылов", "смайылов", ()),
    ("нысан", "нысан", ()), ("кәсіпкер", "кәсіпкер", ()), ("азамат", "азамат", ()),
    ("көрсеткіш", "көрсеткіш", ()), ("нәтиже", "нәтиже", ()), ("қызмет", "қызмет", ()),
    ("Астана", "астана", ()),
]
QUERIES = {"ru": RUSSIAN, "kk": KAZAKH}
# Kazakh words of KAZAKH as typed in the 2021 Latin alphabet: they should find what the
# Cyrillic word finds (their truth is the Cyrillic word's).
LATIN = {
    "Үкімет": "Ükımet", "министрлік": "ministrlık", "министр": "ministr", "мемлекет": "memleket",
    "мәселе": "mäsele", "тапсырма": "tapsyrma", "облыс": "oblys", "жұмыс": "jūmys", "кеңес": "keñes",
    "жоба": "joba", "халық": "halyq", "басшы": "basşy", "бағдарлама": "bağdarlama", "қаржы": "qarjy",
    "сала": "sala", "шара": "şara", "өнеркәсіп": "önerkäsıp", "әкімдік": "äkımdık", "көлем": "kölem",
    "деңгей": "deñgei", "мерзім": "merzım", "өмір": "ömır", "сапа": "sapa", "жыл": "jyl",
    "Тоқаев": "Toqaev", "нысан": "nysan", "кәсіпкер": "käsıpker", "азамат": "azamat",
    "көрсеткіш": "körsetkış", "нәтиже": "nätije", "қызмет": "qyzmet", "Астана": "Astana",
}
WORD = search.WORD


def _words_by_item(db, lang: str) -> dict[int, set[str]]:
    return {rowid: set(WORD.findall(" ".join(t or "" for t in texts).lower()))
            for rowid, *texts in db.execute(
                "SELECT rowid, title, summary, body FROM items WHERE lang = ?", [lang])}


def _exact(db, lang: str, word: str) -> set[int]:
    # Datasette's escape_fts: the word in quotes, through the index of words as printed.
    return {r for (r,) in db.execute(
        "SELECT items.rowid FROM items_fts JOIN items ON items.rowid = items_fts.rowid"
        " WHERE items_fts MATCH ? AND items.lang = ?", ['"' + word.replace('"', "") + '"', lang])}


def _stemmed(db, lang: str, word: str, conn=None) -> set[int]:
    sql, params = search.matching(word, conn=conn)
    return {r for (r,) in db.execute(f"SELECT rowid FROM items WHERE rowid IN ({sql}) AND lang = ?",
                                     [*params, lang])}


def quality(db_path: Path) -> dict:
    """Recall and precision of every query word, before and after, per language."""
    out = {}
    with Store(db_path) as store:
        db = store.db
        for lang, queries in QUERIES.items():
            words = _words_by_item(db, lang)
            vocabulary = set().union(*words.values()) if words else set()
            rows, totals = [], {k: 0 for k in ("truth", "before_found", "before_hit", "after_found", "after_hit",
                                               "latin_truth", "latin_found", "latin_hit")}
            for query, root, derived in queries:
                forms = sorted(w for w in vocabulary if w.startswith(root)
                               and not any(w.startswith(d) for d in derived))
                truth = {r for r, ws in words.items() if ws & set(forms)}
                if not truth:
                    continue
                before, after = _exact(db, lang, query), _stemmed(db, lang, query)
                row = {"query": query, "forms": forms, "truth": len(truth),
                       **_scores("before", before, truth), **_scores("after", after, truth)}
                if query in LATIN:
                    # As a search box asks it: on the archive, which tells English words.
                    latin = _stemmed(db, lang, LATIN[query], conn=db.conn)
                    row.update({"latin": LATIN[query], **_scores("latin", latin, truth)})
                    totals["latin_truth"] += len(truth)
                    totals["latin_found"] += len(latin)
                    totals["latin_hit"] += len(latin & truth)
                rows.append(row)
                for name, found in (("before", before), ("after", after)):
                    totals[f"{name}_found"] += len(found)
                    totals[f"{name}_hit"] += len(found & truth)
                totals["truth"] += len(truth)
            out[lang] = {"words": rows, "queries": len(rows),
                         "before_recall": _ratio(totals["before_hit"], totals["truth"]),
                         "before_precision": _ratio(totals["before_hit"], totals["before_found"]),
                         "after_recall": _ratio(totals["after_hit"], totals["truth"]),
                         "after_precision": _ratio(totals["after_hit"], totals["after_found"])}
            if totals["latin_truth"]:
                out[lang].update({"latin_queries": sum("latin" in row for row in rows),
                                  "latin_recall": _ratio(totals["latin_hit"], totals["latin_truth"]),
                                  "latin_precision": _ratio(totals["latin_hit"], totals["latin_found"])})
    return out


def _scores(name: str, found: set, truth: set) -> dict:
    return {f"{name}_found": len(found), f"{name}_recall": _ratio(len(found & truth), len(truth)),
            f"{name}_precision": _ratio(len(found & truth), len(found))}


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 1.0


def grow(db_path: Path, items: int) -> None:
    """Copy the archive's items under new URLs until it holds `items` (a large archive
    with the replica's language mix, without crawling 100,000 pages)."""
    with Store(db_path) as store:
        db = store.db
        columns = [c for c in db["items"].columns_dict if c != "url"]
        (have,) = db.execute("SELECT count(*) FROM items").fetchone()
        copy = 0
        with store.batch():
            while have < items:
                copy += 1
                added = db.execute(
                    f"INSERT INTO items (url, {', '.join(columns)}) SELECT url || '-copy{copy}', "
                    f"{', '.join(columns)} FROM items WHERE url NOT LIKE '%-copy%' LIMIT ?",
                    [items - have]).rowcount
                have += added
        # The batch's end indexes every row added in it, these copies too, in one
        # statement per index (storage/search/index.py), as a real archive's are.


# Searches with an exact phrase: items_fts and items_search combined by SQL.
PHRASES = ['"Премьер-Министр"', '"правительства"', '"правительства" OR Үкімет',
           'правительство -"правительства"', 'министр "Республики Казахстан"', '"Үкімет отырысында"']


def speed(db_path: Path, words: list[str], rounds: int = 5) -> dict:
    """p95 of a search as the items page runs it: the count and the first page."""
    import sqlite3

    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    for pragma in search.READER_PRAGMAS:  # as the pmkz Datasette plugin sets them
        conn.execute(pragma)
    times = []
    try:
        (items,) = conn.execute("SELECT count(*) FROM items").fetchone()
        # The first round warms the page cache, as a server's first readers do; not timed.
        for round_ in range(rounds + 1):
            for word in words:
                started = time.perf_counter()
                sql, params = search.matching(word)
                where = f"rowid IN ({sql})"
                conn.execute(f"SELECT count(*) FROM items WHERE {where}", params).fetchone()
                conn.execute(f"SELECT * FROM items WHERE {where} ORDER BY published_date DESC LIMIT 51",
                             params).fetchall()
                if round_:
                    times.append((time.perf_counter() - started) * 1000)
    finally:
        conn.close()
    return {"items": items, **_percentiles(times), "target_p95_ms": 100}


def page_speed(db_path: Path, words: list[str], order: str, rounds: int = 5) -> dict:
    """p95 of a page of the search page (/<db>/-/search) in `order`: the count, the
    first page of hits and their snippets, as browse/hits.py makes them."""
    import sqlite3

    from pmkz.browse import hits

    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    for pragma in search.READER_PRAGMAS:
        conn.execute(pragma)
    times = []
    try:
        for round_ in range(rounds + 1):
            for word in words:
                started = time.perf_counter()
                hits.find(conn, word, order, None, 1)
                if round_:  # the first warms the page cache
                    times.append((time.perf_counter() - started) * 1000)
    finally:
        conn.close()
    return _percentiles(times) | {"order": order}


def _percentiles(times: list[float]) -> dict:
    times = sorted(times)
    return {"searches": len(times), "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(len(times) * 0.95) - 1], 1)}


def no_hits_cost(db_path: Path, rounds: int = 5) -> dict:
    """Median time of a no-hits search of one word of MAX_QUERY_CHARS letters, as the
    items page runs it: the query, then the suggestions of its prefixes."""
    import sqlite3

    word = "правительство" + "ж" * (search.MAX_QUERY_CHARS - len("правительство"))
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    times = []
    try:
        for round_ in range(rounds + 1):
            started = time.perf_counter()
            sql, params = search.matching(word)
            assert not conn.execute(sql + " LIMIT 1", params).fetchall()
            suggested = search.suggest_prefixes(conn, word)
            if round_:  # the first warms the page cache
                times.append((time.perf_counter() - started) * 1000)
    finally:
        conn.close()
    return {"characters": len(word), "suggested": suggested, "median_ms": round(statistics.median(times), 1)}


def index_cost(db_path: Path) -> dict:
    """The stem index's size beside the index of printed words, and the time to make it
    again from every item with no word's terms remembered, as an archive from an older
    pmkz is re-indexed on its first open."""
    with Store(db_path) as store:
        db = store.db
        (items,) = db.execute("SELECT count(*) FROM items").fetchone()
        sizes = {table: db.execute(f"SELECT (SELECT sum(length(block)) FROM {table}_data)"
                                   f" + (SELECT sum(length(sz)) FROM {table}_docsize)").fetchone()[0]
                 for table in (search.TABLE, search.words.EXACT_TABLE)}
        db.execute(f"DROP TABLE {search.TABLE}")
    search.words.readings.cache_clear()
    started = time.perf_counter()
    with Store(db_path):
        pass
    return {"items": items, "stem_mb": round(sizes[search.TABLE] / 1e6, 1),
            "printed_mb": round(sizes[search.words.EXACT_TABLE] / 1e6, 1),
            "build_s": round(time.perf_counter() - started, 1)}


def table(figures: dict) -> str:
    lines = []
    for lang, result in figures["quality"].items():
        lines.append(f"{lang}: {result['queries']} words  recall {result['before_recall']:.3f} -> "
                     f"{result['after_recall']:.3f}  precision {result['before_precision']:.3f} -> "
                     f"{result['after_precision']:.3f}")
        lines.append(f"  {'query':<18}{'items':>6}  {'recall before':>13} {'after':>6}  "
                     f"{'precision before':>16} {'after':>6}")
        for row in result["words"]:
            lines.append(f"  {row['query']:<18}{row['truth']:>6}  {row['before_recall']:>13.3f} "
                         f"{row['after_recall']:>6.3f}  {row['before_precision']:>16.3f} "
                         f"{row['after_precision']:>6.3f}")
    s = figures["speed"]
    lines.append(f"one-word search on {s['items']:,} items: median {s['median_ms']} ms, "
                 f"p95 {s['p95_ms']} ms (target <= {s['target_p95_ms']})")
    if "phrase_speed" in figures:
        s = figures["phrase_speed"]
        lines.append(f"search with an exact phrase on {s['items']:,} items: median {s['median_ms']} ms, "
                     f"p95 {s['p95_ms']} ms")
    if "latin_recall" in figures["quality"].get("kk", {}):
        q = figures["quality"]["kk"]
        lines.append(f"kk typed in Latin letters: {q['latin_queries']} words  recall {q['latin_recall']:.3f}"
                     f"  precision {q['latin_precision']:.3f}")
    for key in ("newest_page", "relevance_page"):
        if key in figures:
            s = figures[key]
            lines.append(f"search page, {s['order']} first, with snippets: median {s['median_ms']} ms,"
                         f" p95 {s['p95_ms']} ms")
    if "index" in figures:
        c = figures["index"]
        lines.append(f"stem index on {c['items']:,} items: {c['stem_mb']} MB (printed words: {c['printed_mb']} MB),"
                     f" made again from the items in {c['build_s']} s")
    n = figures["no_hits"]
    lines.append(f"a {n['characters']:,}-character word with no hits, and its suggestions "
                 f"({', '.join(n['suggested'])}): median {n['median_ms']} ms")
    return "\n".join(lines)


def run(work: Path, articles: int = 300, cost_items: int = 100_000, progress=lambda m: None) -> dict:
    import subprocess
    import sys

    from pmkz.replica_process import ReplicaProcess

    db_path = work / "search.db"
    progress(f"search: crawl a replica of {articles} articles per language")
    with ReplicaProcess("--articles", str(articles)) as replica:
        subprocess.run([sys.executable, "-m", "pmkz", "crawl", "--base-url", replica.url,
                        "--db", str(db_path), "--no-images", "--no-warc"],
                       check=True, capture_output=True)
    figures = {"quality": quality(db_path)}
    progress(f"search: grow the archive to {cost_items:,} items")
    grow(db_path, cost_items)
    words = [q for q, _, _ in RUSSIAN + KAZAKH] + ["government", "minister", "budget"]
    figures["speed"] = speed(db_path, words)
    figures["phrase_speed"] = speed(db_path, PHRASES)
    figures["newest_page"] = page_speed(db_path, words, "newest")
    figures["relevance_page"] = page_speed(db_path, words, "relevance")
    figures["no_hits"] = no_hits_cost(db_path)
    figures["index"] = index_cost(db_path)
    return figures
