"""`pmkz replica` as a command: its errors, its truth dump, and a clean stop."""
from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys

import pytest

from helpers import pmkz, pmkz_here
from pmkz.replica.decisions import DEFAULT_DECISIONS


@pytest.mark.parametrize("args, says", [
    (["--articles", "-1"], "--articles"),
    (["--articles", "many"], "--articles"),
    (["--epoch", "-2"], "--epoch"),
    (["--skin", "purple"], "skin"),
    (["--port", "70000"], "--port"),
    (["--no-such-option"], "no-such-option"),
])
def test_bad_options_give_one_clear_line(args, says):
    result = pmkz("replica", *args, check=False, timeout=30)
    assert result.returncode != 0
    assert result.stderr.startswith("pmkz replica: error: ")
    assert len(result.stderr.strip().splitlines()) == 1 and says in result.stderr
    assert "Traceback" not in result.stderr


def test_a_port_in_use_is_one_clear_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = pmkz("replica", "--articles", "3", "--port", str(port), check=False, timeout=30)
    assert result.returncode != 0
    assert result.stderr.startswith("pmkz replica: error: cannot listen on 127.0.0.1:")
    assert len(result.stderr.strip().splitlines()) == 1


def test_dump_truth_prints_json_lines_with_the_given_base_url():
    out = pmkz("replica", "--dump-truth", "--articles", "4", "--port", "0", timeout=60).stdout
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 3 * (4 + DEFAULT_DECISIONS)
    assert all(r["url"].startswith("http://127.0.0.1:0/") for r in records)
    assert any("Қ" in r["title"] or "ә" in r["body"] for r in records)  # not \u-escaped
    assert "\\u04" not in out


@pytest.mark.parametrize("skin", ["classic", "modern"])
def test_dump_truth_holds_news_photo_reports_and_decisions_in_every_language_by_default(skin):
    out = pmkz_here("replica", "--dump-truth", "--articles", "120", "--skin", skin).stdout
    kinds = {(r["lang"], r["kind"]) for r in map(json.loads, out.splitlines())}
    assert kinds == {(lang, kind) for lang in ("ru", "kk", "en") for kind in ("news", "gallery", "decision")}


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serves_until_signalled_then_exits_0(sig):
    process = subprocess.Popen(
        [sys.executable, "-m", "pmkz", "replica", "--port", "0", "--articles", "3"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout.readline().startswith("http://127.0.0.1:")
        process.send_signal(sig)
        assert process.wait(timeout=10) == 0
        assert process.stderr.read() == ""
    finally:
        if process.poll() is None:
            process.kill()
        process.stdout.close()
        process.stderr.close()
