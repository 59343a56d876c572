"""The daemon against the replica: several cycles, the site moving on between them."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from helpers import LIBFAKETIME, EpochReplica, count_rows, path_of, pmkz_here, wait_for
from pmkz.replica import build_site, truth_records
from pmkz.scheduler.config import ConfigError, load
from pmkz.scheduler.daemon import ClockWatch


def runs(db_path) -> list[dict]:
    if not db_path.exists():
        return []
    db = sqlite_utils.Database(db_path)
    try:
        return list(db["crawl_runs"].rows_where(order_by="id")) if db["crawl_runs"].exists() else []
    finally:
        db.close()


def ok_runs_after(db_path, run_count):
    return [r for r in runs(db_path)[run_count:] if r["status"] == "ok"]


# The daemon and its crawls run on a clock the test moves forward: libfaketime reads the
# offset from a file, and child processes inherit it. Edits and removals
# of older items are found by the revisit schedule by the clock (crawler/revisit.py), so
# the site moving on is shown to the daemon as days passing.
LIBFAKETIME_MT = LIBFAKETIME.with_name("libfaketimeMT.so.1")
# Debian's libfaketime 0.9.10 makes time.sleep fail (EINVAL) when it leaves the monotonic
# clock alone (wolfcw/libfaketime#426, fixed upstream), and the daemon's wait on a crawl
# sleeps: the daemon under test sleeps through select, which the library passes through.
DAEMON = ("import select, time; time.sleep = lambda seconds: select.select([], [], [], seconds);"
          " from pmkz.cli import cli; cli(prog_name='pmkz')")


# The daemon's site: small, news alone (the schedule is the subject, not how much a crawl
# stores or the decisions' files), so each of its crawls costs little.
ARTICLES = 10


def site_paths(epoch: int) -> set[str]:
    """The item paths the daemon's replica shows at `epoch`."""
    return {path_of(r["url"]) for r in truth_records(build_site(articles=ARTICLES, epoch=epoch), "http://replica")}


@pytest.fixture
def daemon(tmp_path):
    site = EpochReplica("--articles", str(ARTICLES), "--decisions", "0")
    site.at(0)
    config = tmp_path / "daemon.toml"
    # Every second: shorter than one crawl, so the schedule always overruns.
    config.write_text(f"""
[crawl]
base_url = "http://127.0.0.1:{site.port}"
db = "{tmp_path / 'pmkz.db'}"
images_dir = "{tmp_path / 'images'}"

[schedule]
incremental_every_minutes = 0.0167
incremental_time_limit_minutes = 2
""")
    clock = tmp_path / "clock"
    clock.write_text("+0d\n")
    # The file is read again a second after the last read, not on every call (which cost
    # each crawl a file read per clock reading); the monotonic clock stays real, so
    # libfaketime's fix for faked monotonic waits is off (it trebles a crawl's CPU time).
    env = {**os.environ, "LD_PRELOAD": str(LIBFAKETIME_MT), "FAKETIME_TIMESTAMP_FILE": str(clock),
           "FAKETIME_CACHE_DURATION": "1", "FAKETIME_DONT_FAKE_MONOTONIC": "1",
           "FAKETIME_FORCE_MONOTONIC_FIX": "0"}
    log = (tmp_path / "daemon.log").open("w")
    process = subprocess.Popen([sys.executable, "-c", DAEMON, "daemon", "--config", str(config)],
                               stdout=log, stderr=subprocess.STDOUT, env=env)
    yield site, process, tmp_path, clock
    if process.poll() is None:
        process.kill()
    log.close()
    site.current.stop()


@pytest.mark.slow
@pytest.mark.skipif(not LIBFAKETIME_MT.exists(), reason="libfaketime is not installed (scripts/install-test-tools.sh)")
def test_daemon_sees_each_change_once_and_never_overlaps_crawls(daemon):
    site, process, workdir, clock = daemon
    db_path = workdir / "pmkz.db"
    wait_for(lambda: ok_runs_after(db_path, 0), what="the first crawl")
    for epoch in (1, 2):
        site.at(epoch)
        # More than the revisit period later: every stored page is due again.
        clock.write_text(f"+{8 * epoch}d\n")
        count = len(runs(db_path))
        # Two complete runs begun after the change: it is seen, then the site is idle.
        wait_for(lambda: len(ok_runs_after(db_path, count)) >= 2, what=f"crawls of epoch {epoch}")

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0
    all_runs = runs(db_path)
    assert all(r["status"] in ("ok", "failed", "interrupted") and r["ended"] for r in all_runs)
    for earlier, later in zip(all_runs, all_runs[1:]):
        assert earlier["ended"] <= later["started"], "two crawls ran at once"

    db = sqlite_utils.Database(db_path)
    try:
        events = list(db.query("select run_id, url, event from item_events"))
    finally:
        db.close()
    new = [e["url"] for e in events if e["event"] == "new"]
    gone = [e["url"] for e in events if e["event"] == "gone"]
    changed = [e for e in events if e["event"] == "changed"]
    # Every item the site ever showed is new once (the articles, then 3 new a language an
    # epoch); each removed (1 a language an epoch) is gone once.
    shown = [site_paths(epoch) for epoch in (0, 1, 2)]
    assert len(new) == len(set(new)) == len(shown[0] | shown[1] | shown[2]) == 3 * ARTICLES + 9 + 9
    assert len(gone) == len(set(gone)) == len((shown[0] | shown[1]) - shown[2]) == 3 + 3
    assert 6 <= len(changed) <= 12
    # Each change is reported once (above); the first crawl, and each epoch's, report.
    assert len({e["run_id"] for e in events}) >= 3
    assert "still running; this run is skipped" in (workdir / "daemon.log").read_text()


@pytest.mark.slow
@pytest.mark.skipif(not LIBFAKETIME_MT.exists(), reason="libfaketime is not installed (scripts/install-test-tools.sh)")
def test_the_clock_set_back_an_hour_does_not_stop_the_crawls(daemon):
    site, process, workdir, clock = daemon
    db_path = workdir / "pmkz.db"
    first = wait_for(lambda: ok_runs_after(db_path, 0), what="the first crawl")[0]
    clock.write_text("-1h\n")
    # A run started after the jump has a start time earlier than the first run's.
    wait_for(lambda: [r for r in runs(db_path) if r["started"] < first["started"] and r["status"] == "ok"],
             what="a crawl after the clock was set back")
    # The daemon reads the clock file a second after its last read; a crawl started
    # since reads it first.
    wait_for(lambda: "the clock jumped -3600 s" in (workdir / "daemon.log").read_text(),
             what="the daemon to tell the jump")
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0


def test_the_clock_watch_tells_a_jump_from_time_passing():
    clocks = {"wall": 1_800_000_000.0, "monotonic": 500.0}
    watch = ClockWatch(lambda: clocks["wall"], lambda: clocks["monotonic"])

    def passes(wall: float, monotonic: float) -> float:
        clocks["wall"] += wall
        clocks["monotonic"] += monotonic
        return watch.jumped()

    assert passes(10, 10) == 0
    assert passes(10 - 3600, 10) == -3600  # set back an hour
    assert passes(30 * 86400, 0) == 30 * 86400  # set forward, or a resume from suspend
    assert passes(10, 10) == 0  # each look counts from the one before


def test_daemon_rejects_a_bad_config_in_one_line(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text('[schedule]\nfull_daily_at = "25:00"\n')
    result = pmkz_here("daemon", "--config", str(config))
    assert result.returncode == 1
    assert result.stderr.strip() == f"pmkz daemon: error: {config}: full_daily_at must be a time like 03:00, not '25:00'"


def daemon_config(tmp_path: Path, base_url: str) -> Path:
    config = tmp_path / "daemon.toml"
    config.write_text(f'[crawl]\nbase_url = "{base_url}"\ndb = "{tmp_path / "pmkz.db"}"\n'
                      f'images_dir = "{tmp_path / "images"}"\n')
    return config


def running_crawl_pid(db_path: Path) -> int:
    return count_rows(db_path, "SELECT max(pid) FROM crawl_runs WHERE status = 'running'")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return not Path(f"/proc/{pid}/status").read_text().count("State:\tZ")


def daemon_crawling(tmp_path: Path, base_url: str) -> tuple[subprocess.Popen, int]:
    """`pmkz daemon` on the site at `base_url`, and the pid of its crawl once it runs."""
    daemon = subprocess.Popen([sys.executable, "-m", "pmkz", "daemon", "--config",
                               str(daemon_config(tmp_path, base_url))],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return daemon, wait_for(lambda: running_crawl_pid(tmp_path / "pmkz.db"), what="the daemon's crawl")


# Killed, the daemon leaves no crawl behind; stopped, it does not wait its crawl out.
def test_the_daemons_crawl_dies_with_the_daemon(tmp_path, replica_300):
    daemon, child = daemon_crawling(tmp_path, replica_300.url)
    daemon.kill()
    daemon.wait()
    wait_for(lambda: not alive(child), timeout=120, what="the orphaned crawl to stop")
    # It stopped itself, not at the end of its crawl.
    assert count_rows(tmp_path / "pmkz.db", f"SELECT count(*) FROM crawl_runs WHERE pid = {child}"
                 " AND status = 'interrupted'") == 1


# The daemon's configuration: type and range, one line naming them.
@pytest.mark.parametrize("setting, value", [
    ("incremental_time_limit_minutes", "inf"), ("incremental_time_limit_minutes", "nan"),
    ("incremental_time_limit_minutes", "true"), ("incremental_every_minutes", "1e300"),
    ("incremental_every_minutes", "0.0001"), ("full_time_limit_minutes", '"5"'),
])
def test_daemon_settings_are_checked(tmp_path, setting, value):
    # The configuration as the command reads it (its one line on stderr: the test above).
    config = tmp_path / "d.toml"
    config.write_text(f"[schedule]\n{setting} = {value}\n")
    with pytest.raises(ConfigError) as refused:
        load(config)
    assert len(str(refused.value).splitlines()) == 1 and setting in str(refused.value)


@pytest.mark.parametrize("text, message", [
    ("crawl = 5\n", "[crawl] must be a table"), ("schedule = [1, 2]\n", "[schedule] must be a table"),
])
def test_daemon_tables_are_checked(tmp_path, text, message):
    config = tmp_path / "d.toml"
    config.write_text(text)
    with pytest.raises(ConfigError) as refused:
        load(config)
    assert len(str(refused.value).splitlines()) == 1 and message in str(refused.value)


def test_the_daemon_exits_soon_after_its_crawl(tmp_path, replica_300):
    daemon, child = daemon_crawling(tmp_path, replica_300.url)
    daemon.send_signal(signal.SIGTERM)
    wait_for(lambda: not alive(child), timeout=60, what="the crawl to stop")
    # The crawl's grace time is 30 s; the daemon must not wait it out.
    assert daemon.wait(timeout=15) == 0
