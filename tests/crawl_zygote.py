"""A process that imports what `pmkz crawl` imports, once, and forks a crawl per job.

Run by tests/helpers.py `CrawlZygote`. It imports Scrapy, its default components
(download handlers included) and pmkz's crawler, storage and notify parts, and loads the
Russian dictionary of the search index (with the handlers, a small forked crawl's CPU
went from 0.52 to 0.33 s), but never imports crawler/settings.py (which reads the
environment when imported) nor a Twisted reactor. Then, for each job read from stdin (a
JSON line: args, env, stdout, stderr), it forks a child that runs `python -m pmkz ARGS`
with the job's environment and its stdout and stderr in the job's files: a `pmkz crawl`
process like any other, killable and signalled like one, without its second of imports.
On stdout it prints "ready" and its clock (time.time()) once, then for each job the
child's pid and, once the child has ended, its exit code (negative: the signal that ended
it).

Started under libfaketime (helpers.CrawlZygote(faked_clock=True)), each child's clock is
the one its job's FAKETIME names: libfaketime reads FAKETIME from the environment again
once a second, and the child sets its job's environment first, then waits until its clock
reads the job's "clock" (the zygote's own reading, cached at its start, is years away)."""
import atexit
import importlib
import json
import os
import pkgutil
import runpy
import select
import sys
import threading
import time
import traceback

import pmkz.cli  # noqa: F401
import pmkz.commands.crawl  # noqa: F401  (imported for the child, as `pmkz crawl` would)
from scrapy.settings import default_settings
from scrapy.utils.misc import load_object

from pmkz.storage.search.words import stems

for package in ("pmkz.crawler", "pmkz.storage", "pmkz.notify"):
    for found in pkgutil.walk_packages(importlib.import_module(package).__path__, package + "."):
        if found.name != "pmkz.crawler.settings" and not found.name.startswith(
                ("pmkz.crawler.scrapy_commands", "pmkz.crawler.health.live")):
            importlib.import_module(found.name)
# Scrapy's default components, named by a setting's value or, in its dicts, by the keys
# (middlewares, extensions) or the values (download handlers, by scheme).
for value in vars(default_settings).values():
    for path in ([*value, *value.values()] if isinstance(value, dict) else [value]):
        if isinstance(path, str) and path.startswith("scrapy.") and path.count(".") > 1:
            try:
                load_object(path)
            except Exception:  # a default naming an optional extra: the crawl loads it, or not, itself
                pass
# Every crawl's search index is written with the Russian dictionary: loaded once here.
stems("Правительство", "ru")
assert "twisted.internet.reactor" not in sys.modules and "pmkz.crawler.settings" not in sys.modules, \
    "preloaded too much"


def child(job: dict) -> None:
    """The forked child: `python -m pmkz ARGS` as its own process would run it."""
    os.environ.clear()
    os.environ.update(job["env"])
    for fd, path, flags in ((0, os.devnull, os.O_RDONLY),
                            (1, job["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
                            (2, job["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)):
        os.dup2(os.open(path, flags, 0o644), fd)
    if "clock" in job:
        settled = time.monotonic() + 10
        while abs(time.time() - job["clock"]) > 60:
            if time.monotonic() > settled:
                print(f"the faked clock reads {time.time()}, not the job's {job['clock']}", file=sys.stderr)
                os._exit(70)
            select.select([], [], [], 0.02)  # time.sleep fails under libfaketime (EINVAL)
    sys.argv = ["pmkz", *job["args"]]
    code = 0
    try:
        runpy.run_module("pmkz", run_name="__main__", alter_sys=True)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        if not isinstance(stop.code, (int, type(None))):
            print(stop.code, file=sys.stderr)
    except BaseException:
        traceback.print_exc()
        code = 1
    threading._shutdown()  # what the interpreter does on its way out
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


control = os.fdopen(os.dup(1), "w")
print("ready", time.time(), file=control, flush=True)
for line in sys.stdin:
    job = json.loads(line)
    pid = os.fork()
    if pid == 0:
        control.close()
        child(job)
    print(pid, file=control, flush=True)
    _, status = os.waitpid(pid, 0)
    print(os.waitstatus_to_exitcode(status), file=control, flush=True)
