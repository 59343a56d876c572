"""Bad input to every `pmkz` command: wrong dates, unknown languages, missing files, a
database that is not SQLite or is locked, a read-only place to write. Each ends with one
clear line on stderr, `pmkz <command>: error: ...`, a non-zero exit and no traceback,
and leaves what it was pointed at as it was. (More `pmkz crawl` cases, the unreachable
site among them, are in test_cli_crawl_errors.py.)

Read-only places: the tests run as root, for whom permission bits mean nothing, so a
directory or file is made immutable with `chattr +i` (skipped where that is refused).
Most cases run in this process (click's CliRunner); those in IN_A_PROCESS run as real
`python -m pmkz` processes, all at once: a setting the crawl reads from its environment
as it starts, the commands that would serve until stopped were a check missing, and one
case of each other command, for the path from `python -m pmkz` to the line on stderr.
The locked databases run in this process too, with SQLite's busy timeout cut from 10 s to
a fraction of a second (how long it waits is not the subject: that it gives up with one
line is). Where no read-only place can be made, its cases are not run at all: in this
process they would start a crawl.
"""
from __future__ import annotations

import hashlib
import os
import socket
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from helpers import pmkz_here
from pmkz.storage import Store, connect

NOWHERE = "http://127.0.0.1:1"  # nothing listens: a crawl that got past its checks fails here

# (id, arguments, what the line says); {d} is the case's own directory, in which
# good.db is a pmkz database, text.db a text file, plain.db an SQLite file without our
# tables, ro/ an immutable directory holding a pmkz database, rofile.db an immutable
# pmkz database, locked.db one whose write lock another process holds, exclusive.db one
# another process holds in exclusive locking mode, and {port} a port already taken.
CASES = [
    ("crawl-bad-since", ["crawl", "--since", "09.03.2024"], "--since must be a date like 2024-03-09"),
    ("crawl-unknown-language", ["crawl", "--lang", "ru,de"], "unknown language de"),
    ("crawl-zero-timeout", ["crawl", "--download-timeout", "0"], "--download-timeout must be a number of seconds above 0"),
    ("crawl-bad-environment", ["crawl", "env:PMKZ_MAX_RETRY_WAIT=soon"], "PMKZ_MAX_RETRY_WAIT must be a number of seconds"),
    ("crawl-unknown-option", ["crawl", "--bogus"], "No such option '--bogus'"),
    ("crawl-db-not-sqlite", ["crawl", "--db", "{d}/text.db"], "is not an SQLite database"),
    ("crawl-db-locked", ["crawl", "--db", "{d}/locked.db"], "database is locked"),
    ("crawl-db-read-only-file", ["crawl", "--db", "{d}/rofile.db"], "is not writable"),
    ("crawl-db-in-read-only-dir", ["crawl", "--db", "{d}/ro/pmkz.db"], "not permitted"),
    ("crawl-images-dir-read-only", ["crawl", "--images-dir", "{d}/ro/images"], "cannot create images dir"),
    ("export-bad-since", ["export", "--format", "jsonl", "--db", "{d}/good.db", "--since", "2024-13-01"], "bad date '2024-13-01'"),
    ("export-unknown-language", ["export", "--format", "jsonl", "--db", "{d}/good.db", "--lang", "de"], "unknown language 'de'"),
    ("export-unknown-format", ["export", "--format", "xml", "--db", "{d}/good.db"], "unknown format 'xml'"),
    ("export-missing-db", ["export", "--format", "jsonl", "--db", "{d}/none.db"], "no database at"),
    ("export-db-not-sqlite", ["export", "--format", "jsonl", "--db", "{d}/text.db"], "is not an SQLite database"),
    ("export-db-not-pmkz", ["export", "--format", "jsonl", "--db", "{d}/plain.db"], "is not a pmkz database"),
    ("export-db-exclusively-locked", ["export", "--format", "jsonl", "--db", "{d}/exclusive.db"], "database is locked"),
    ("export-out-read-only", ["export", "--format", "jsonl", "--db", "{d}/good.db", "--out", "{d}/ro/out.jsonl"], "cannot write"),
    ("export-txt-out-is-a-file", ["export", "--format", "txt", "--db", "{d}/good.db", "--out", "{d}/text.db"], "is not a directory"),
    ("status-missing-db", ["status", "--db", "{d}/none.db"], "no database at"),
    ("status-db-not-sqlite", ["status", "--db", "{d}/text.db"], "is not an SQLite database"),
    ("status-db-is-a-directory", ["status", "--db", "{d}"], "is not a database file"),
    ("status-unknown-option", ["status", "--bogus"], "No such option '--bogus'"),
    ("parse-missing-file", ["parse", "{d}/none.html"], "cannot read"),
    ("parse-a-directory", ["parse", "{d}"], "Is a directory"),
    ("parse-not-an-article", ["parse", "{d}/text.db", "--url", "https://primeminister.kz/ru/news/a-1"], "no headline"),
    ("parse-no-file", ["parse"], "Missing argument 'FILE...'"),
    ("replica-negative-articles", ["replica", "--articles", "-1"], "--articles must be between 0 and"),
    ("replica-unknown-skin", ["replica", "--skin", "nosuch"], "unknown --skin 'nosuch'"),
    ("replica-bad-faults", ["replica", "--faults", "boom=1"], "unknown fault kind 'boom'"),
    ("replica-port-taken", ["replica", "--port", "{port}"], "Address already in use"),
    ("serve-missing-db", ["serve", "--db", "{d}/none.db"], "no database at"),
    ("serve-db-not-sqlite", ["serve", "--db", "{d}/text.db"], "is not an SQLite database"),
    ("serve-bad-port", ["serve", "--db", "{d}/good.db", "--port", "http"], "Invalid value for '--port'"),
    ("serve-port-taken", ["serve", "--db", "{d}/good.db", "--port", "{port}"], "Address already in use"),
    ("daemon-missing-config", ["daemon", "--config", "{d}/none.toml"], "cannot read"),
    ("daemon-config-not-toml", ["daemon", "--config", "{d}/text.db"], "is not valid TOML"),
    ("daemon-unknown-language", ["daemon", "--config", "{d}/german.toml"], "langs must be among ru, kk, en"),
    ("daemon-unknown-option", ["daemon", "--bogus"], "No such option '--bogus'"),
    ("pmkz-unknown-command", ["nosuch"], "No such command 'nosuch'"),
]
LOCKED_WAIT_SECONDS = 0.3  # SQLite's busy timeout for the locked cases, 10 s in a real run
TEXT = b"hello, I am a text file\n" * 100
IN_A_PROCESS = {
    "crawl-bad-environment", "export-db-not-pmkz", "status-db-is-a-directory",
    "parse-missing-file", "replica-negative-articles", "replica-unknown-skin", "replica-bad-faults",
    "replica-port-taken", "serve-missing-db", "serve-db-not-sqlite", "serve-port-taken",
    "daemon-missing-config", "daemon-config-not-toml", "daemon-unknown-language", "pmkz-unknown-command",
}


def chattr(flag: str, *paths: Path) -> bool:
    return subprocess.run(["chattr", flag, *map(str, paths)], capture_output=True).returncode == 0


def hold(db: Path, *pragmas: str) -> subprocess.Popen:
    """Another process that takes the write lock of `db` and keeps it until killed."""
    script = (
        "import sqlite3, sys, time\n"
        f"db = sqlite3.connect({str(db)!r}, isolation_level=None)\n"
        + "".join(f"db.execute({p!r})\n" for p in pragmas)
        + "db.execute('BEGIN IMMEDIATE'); db.execute('SELECT count(*) FROM items').fetchone()\n"
        "print('held', flush=True); time.sleep(120)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "held"
    return process


def prepare(d: Path, args: list[str]) -> None:
    """The files a case names (and good.db, a crawl's default database)."""
    d.mkdir()
    (d / "ro").mkdir()
    named = " ".join(args) + " {d}/good.db"
    for name in ("good.db", "locked.db", "exclusive.db", "rofile.db", "ro/pmkz.db"):
        if "{d}/" + name in named:
            Store(d / name).close()
    (d / "text.db").write_bytes(TEXT)
    if "plain.db" in named:
        plain = sqlite3.connect(d / "plain.db")
        plain.execute("CREATE TABLE t (x)")
        plain.close()
    (d / "german.toml").write_text('[crawl]\nlangs = ["de"]\n')


def fingerprint(d: Path) -> dict:
    """What must survive a failed command: every file's bytes, and each database's rows."""
    files = {str(p.relative_to(d)): hashlib.sha1(p.read_bytes()).hexdigest()
             for p in d.rglob("*") if p.is_file() and not p.name.endswith(("-wal", "-shm"))
             and not p.name.endswith(".db")}
    for db_path in d.rglob("*.db"):
        if db_path.read_bytes()[:16] != b"SQLite format 3\x00":
            files[str(db_path.relative_to(d))] = hashlib.sha1(db_path.read_bytes()).hexdigest()
            continue
        db = sqlite3.connect(db_path)
        try:
            tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            files[str(db_path.relative_to(d))] = (
                db.execute("PRAGMA integrity_check").fetchone()[0],
                {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables},
            )
        finally:
            db.close()
    return files


def command_line(args: list[str], d: Path, port: int) -> tuple[list[str], dict]:
    """The case's arguments for `pmkz`, and the environment variables it sets."""
    env, argv = {}, []
    for arg in args:
        if arg.startswith("env:"):
            name, _, value = arg[4:].partition("=")
            env[name] = value
        else:
            argv.append(arg.format(d=d, port=port))
    if argv[0] == "crawl":
        argv += [a for a in ("--base-url", NOWHERE) if "--base-url" not in argv]
        argv += ["--db", str(d / "good.db")] if "--db" not in argv else []
        argv += ["--images-dir", str(d / "images")] if "--images-dir" not in argv else []
    return argv, env


def run(args: list[str], d: Path, port: int) -> subprocess.CompletedProcess:
    argv, env = command_line(args, d, port)
    return subprocess.run([sys.executable, "-m", "pmkz", *argv], capture_output=True, text=True,
                          timeout=120, env={**os.environ, **env})


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli-errors")
    dirs = {case_id: root / case_id for case_id, _, _ in CASES}
    for case_id, args, _ in CASES:
        prepare(dirs[case_id], args)
    before = {case_id: fingerprint(d) for case_id, d in dirs.items()}
    immutable = [p for d in dirs.values() for p in (d / "ro", d / "rofile.db") if p.exists()]
    read_only = chattr("+i", *immutable)
    lockers = [hold(dirs["crawl-db-locked"] / "locked.db"),
               hold(dirs["export-db-exclusively-locked"] / "exclusive.db", "PRAGMA locking_mode = EXCLUSIVE")]
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        with ThreadPoolExecutor(max_workers=8) as pool, pytest.MonkeyPatch.context() as patch:
            # The locked databases' cases (in this process) give up after this wait.
            patch.setattr(connect, "BUSY_TIMEOUT_SECONDS", LOCKED_WAIT_SECONDS)
            futures = {case_id: pool.submit(run, args, dirs[case_id], port)
                       for case_id, args, _ in CASES if case_id in IN_A_PROCESS}
            outcome = {}
            for case_id, args, _ in CASES:
                if case_id not in IN_A_PROCESS and (read_only or not read_only_case(args)):
                    argv, env = command_line(args, dirs[case_id], port)
                    outcome[case_id] = pmkz_here(*argv, env=env)
            outcome.update((case_id, future.result()) for case_id, future in futures.items())
    finally:
        taken.close()
        for locker in lockers:
            locker.kill()
            locker.wait()
        if read_only:
            chattr("-i", *immutable)
    after = {case_id: fingerprint(d) for case_id, d in dirs.items()}
    return {"outcome": outcome, "before": before, "after": after, "read_only": read_only}


def read_only_case(args: list[str]) -> bool:
    return "ro/" in " ".join(args) or "rofile" in " ".join(args)


@pytest.mark.slow
@pytest.mark.parametrize("case_id, args, says", CASES, ids=[c[0] for c in CASES])
def test_bad_input_ends_in_one_line(results, case_id, args, says):
    if read_only_case(args) and not results["read_only"]:
        pytest.skip("chattr +i is refused here: no read-only place to test with")
    result = results["outcome"][case_id]
    command = args[0] if args[0] in ("crawl", "export", "status", "parse", "replica", "serve", "daemon") else None
    prefix = f"pmkz {command}: error: " if command else "pmkz: error: "
    lines = result.stderr.strip().splitlines()
    assert result.returncode != 0, result
    assert "Traceback" not in result.stderr
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(prefix) and says in lines[0], lines[0]
    assert results["after"][case_id] == results["before"][case_id]


def test_locked_database_is_readable_while_a_crawl_holds_its_write_lock(tmp_path):
    # A crawl holds the write lock often; readers go on (WAL), only writers wait.
    Store(tmp_path / "pmkz.db").close()
    locker = hold(tmp_path / "pmkz.db")
    try:
        result = subprocess.run([sys.executable, "-m", "pmkz", "status", "--db", str(tmp_path / "pmkz.db")],
                                capture_output=True, text=True, timeout=60)
    finally:
        locker.kill()
        locker.wait()
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Last runs")
