"""The store path's parts (crawler/crawl_run.py): one owner of the database, found
through the crawler; no part imports a part above it, and none imports a pipeline."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler

from pmkz.crawler import settings as project
from pmkz.crawler.crawl_run import CrawlRun
from pmkz.crawler.spiders.news import NewsSpider

CRAWLER = Path(__file__).resolve().parent.parent / "crawler"


def _imports() -> dict[str, set[str]]:
    """crawler module -> the crawler modules it imports."""
    graph = {}
    for path in CRAWLER.rglob("*.py"):
        name = "pmkz.crawler." + ".".join(path.relative_to(CRAWLER).with_suffix("").parts)
        name = name.removesuffix(".__init__")
        graph[name] = {node.module for node in ast.walk(ast.parse(path.read_text()))
                       if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pmkz.crawler")
                       and not name.startswith(node.module + ".") and node.module != name}
    return graph


def test_no_part_of_the_crawler_imports_a_pipeline_or_one_that_imports_it_back():
    graph = _imports()
    assert not [(module, imported) for module, imports in graph.items() for imported in imports
                if imported.startswith("pmkz.crawler.pipelines") and not module.startswith("pmkz.crawler.pipelines")]
    cycles = []

    def walk(module, path):
        for imported in graph.get(module, ()):
            if imported in path:
                cycles.append(path[path.index(imported):] + [imported])
            elif len(path) < len(graph):
                walk(imported, path + [imported])

    for module in graph:
        walk(module, [module])
    assert cycles == []


def _crawler(tmp_path, **settings):
    """A crawler of pmkz's settings, built as Scrapy builds one (extensions included)."""
    ours = {name: getattr(project, name) for name in dir(project) if name.isupper()}
    return get_crawler(NewsSpider, {**ours, "PMKZ_DB": str(tmp_path / "pmkz.db"), **settings})


def test_the_crawl_run_owns_the_database_when_items_are_stored(tmp_path):
    crawler = _crawler(tmp_path)
    run = crawler.get_extension(CrawlRun)
    assert run is not None and run.store.path == tmp_path / "pmkz.db"
    assert (tmp_path / "pmkz.db").is_file()
    run.store.close()


def test_with_no_item_pipelines_no_database_is_opened(tmp_path):
    # As `scrapy check` and the commands that store nothing run the spider.
    crawler = _crawler(tmp_path, ITEM_PIPELINES={})
    assert crawler.get_extension(CrawlRun) is None
    assert not (tmp_path / "pmkz.db").exists()


def test_no_spider_callback_is_a_generator_that_returns_a_value():
    """What WARN_ON_GENERATOR_RETURN_VALUE would have Scrapy check in every crawl
    (crawler/settings.py turns it off): a value returned from a generator callback is
    lost. The callbacks are the parse* methods of the crawler's classes (the spider's,
    its sitemaps' and sections')."""
    import importlib
    import inspect
    import pkgutil

    from scrapy.utils.misc import is_generator_with_return_value

    import pmkz.crawler

    callbacks = {}
    for found in pkgutil.walk_packages(pmkz.crawler.__path__, "pmkz.crawler."):
        if found.name.startswith(("pmkz.crawler.parsing", "pmkz.crawler.settings", "pmkz.crawler.scrapy_commands")):
            continue
        module = importlib.import_module(found.name)
        for cls in vars(module).values():
            if inspect.isclass(cls) and cls.__module__ == module.__name__:
                callbacks.update({f"{cls.__name__}.{name}": f for name, f in vars(cls).items()
                                  if name.startswith("parse") and inspect.isfunction(f)})
    assert {"NewsSpider.parse_article_page", "NewsSpider.parse_list"} < set(callbacks) and len(callbacks) >= 6
    assert [name for name, f in callbacks.items() if is_generator_with_return_value(f)] == []


def test_components_off_for_good_are_not_named_and_every_other_default_is(tmp_path):
    # Scrapy imports each component its settings name, off or not, to merge them: the
    # cookies middleware's tldextract and the remote control's aiohttp cost every crawl
    # process 0.15 s. Scrapy's other defaults, a new one included, stay.
    from scrapy.settings import default_settings

    settings = _crawler(tmp_path, ITEM_PIPELINES={}).settings
    for name in ("DOWNLOADER_MIDDLEWARES", "EXTENSIONS"):
        named = settings.getwithbase(name)
        defaults = set(getattr(default_settings, name + "_BASE"))
        assert defaults - set(named) == set(project._NEVER_LOADED) & defaults, name
    assert set(project._NEVER_LOADED) == {"scrapy.downloadermiddlewares.cookies.CookiesMiddleware",
                                          "scrapy.extensions.telnet.TelnetConsole",
                                          "scrapy.extensions.remote_control.RemoteControl"}


@pytest.mark.parametrize("wait, busy_timeout_ms", [(120.0, 500), (0.1, 100)])
def test_a_lock_wait_shorter_than_the_poll_is_not_stretched_to_it(tmp_path, wait, busy_timeout_ms):
    # The connection's busy timeout (and the pause between tries) is the half-second poll,
    # or the whole wait when PMKZ_LOCK_WAIT_SECONDS is shorter.
    run = _crawler(tmp_path, PMKZ_LOCK_WAIT_SECONDS=wait).get_extension(CrawlRun)
    try:
        assert run.lock_poll == min(wait, 0.5)
        assert run.store.db.execute("PRAGMA busy_timeout").fetchone()[0] == busy_timeout_ms
    finally:
        run.store.close()
