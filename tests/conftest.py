"""Shared fixtures (replicas, crawls, a tmpfs, a store, a browser) and the order modules run in.

As Scrapy's own tests do with their mock server, a replica serves on port 0 of loopback,
in a thread of the test process (tests/helpers.py `Replica`); crawls run in processes of
their own, forked from a process that imported the crawler once (`forked`), since a
Twisted reactor cannot be restarted inside the test process.
"""
from __future__ import annotations

import sqlite3
import subprocess
import threading
from pathlib import Path

import pytest

from helpers import CHROMEDRIVER, CHROMIUM, Replica, mount_tmpfs
from pmkz.storage import Store


# The longest modules, longest first, as `pytest --durations` shows them (slow-marked or
# not): one such module started last would end alone, long after the rest.
LONGEST = ("test_revisit_sweep_faketime.py", "test_reliability_system.py", "test_revisit_faketime.py",
           "test_warc_archive.py", "test_bench.py", "test_reliability_faults.py", "test_scrapy_commands.py",
           "test_warc_kill.py", "test_daemon.py", "test_notify.py", "test_kill_crawl.py", "test_crawl_replica.py",
           "test_search_browser.py")


def pytest_collection_modifyitems(items):
    """The longest modules first, in LONGEST's order, then the others holding slow tests,
    then the rest: `make test`'s workers (pytest-xdist, a module at a time) start on the
    long ones and end on short ones, so that none ends up running one alone at the end."""
    slow_modules = {item.module for item in items if item.get_closest_marker("slow")}

    def rank(item) -> tuple[int, int]:
        name = item.path.name
        if name in LONGEST:
            return 0, LONGEST.index(name)
        return (1 if getattr(item, "module", None) in slow_modules else 2), 0
    items.sort(key=rank)


@pytest.fixture
def replica_factory():
    started = []

    def start(*options: str) -> Replica:
        replica = Replica(*options)
        started.append(replica)
        return replica

    yield start
    for replica in started:
        replica.stop()


@pytest.fixture
def tmpfs():
    """mount(directory, size): a tmpfs of `size` there, unmounted after the test."""
    mounted: list[Path] = []

    def mount(directory: Path, size: str) -> Path:
        mount_tmpfs(directory, size)
        mounted.append(directory)
        return directory
    yield mount
    for directory in reversed(mounted):
        subprocess.run(["umount", "-l", str(directory)], capture_output=True)


@pytest.fixture
def store(tmp_path):
    """A Store on a new database file in the test's own directory."""
    with Store(tmp_path / "pmkz.db") as opened:
        yield opened


@pytest.fixture(scope="session")
def replica_300():
    """The replica of the spine issue's acceptance test: 300 articles per language."""
    replica = Replica("--articles", "300")
    yield replica
    replica.stop()


@pytest.fixture
def browser():
    """Headless Chromium through its WebDriver (modules that use it set
    `pytestmark = NEEDS_BROWSER`, which skips them when Chromium is missing)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1024", "--lang=ru"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture(autouse=True)
def close_every_database(monkeypatch):
    """Close every SQLite connection the test opened (sqlite-utils' and the Store's
    included), even when it failed midway: an open connection keeps its file, and in WAL
    mode the -wal and -shm files beside it, open for the rest of the session.

    Only connections opened on the test's own thread: a server that outlives the test (a
    module's Datasette) opens its connections on threads of its own, and closes them."""
    opened = []
    connect = sqlite3.connect

    def recording_connect(*args, **kwargs):
        connection = connect(*args, **kwargs)
        if threading.current_thread() is threading.main_thread():
            opened.append(connection)
        return connection

    monkeypatch.setattr(sqlite3, "connect", recording_connect)
    yield
    for connection in opened:
        try:
            connection.close()
        except sqlite3.ProgrammingError:  # made on another thread, which closes it itself
            pass


@pytest.fixture(scope="session")
def crawled_30(tmp_path_factory, forked):
    """One crawl per worker of `pmkz replica --articles 30` (news, images, its default
    decisions, WARC), for the modules that read such an archive (WARC archive, archived
    page, plain Datasette): {"replica", "workdir", "first" (the crawl's process), "truth"}.
    The replica runs for the whole session. Read-only: a test or module that changes the
    archive (crawls it again, damages it, renames it) works on a shutil.copytree of it."""
    with Replica("--articles", "30") as replica:
        workdir = tmp_path_factory.mktemp("crawled-30")
        first = forked.crawl(replica.url, workdir)
        truth = replica.truth()
        yield {"replica": replica, "workdir": workdir, "first": first, "truth": truth}


@pytest.fixture(scope="session")
def forked(tmp_path_factory):
    """`pmkz crawl` processes forked from one that imported the crawler once, per worker
    (helpers.CrawlZygote): `forked.run(url, workdir, *extra, env=)` as run_crawl,
    `forked.crawl(...)` as crawl, `forked.start(...)` as start_crawl."""
    from helpers import CrawlZygote

    zygote = CrawlZygote(tmp_path_factory.mktemp("forked"))
    yield zygote
    zygote.stop()


@pytest.fixture(scope="session")
def faked_forked(tmp_path_factory):
    """As `forked`, for crawls on a faked clock (helpers.faked_clock): forked from a
    zygote under libfaketime, each child's clock starts at its job's moment
    (helpers.CrawlZygote(faked_clock=True))."""
    from helpers import CrawlZygote

    zygote = CrawlZygote(tmp_path_factory.mktemp("faked-forked"), faked_clock=True)
    yield zygote
    zygote.stop()
