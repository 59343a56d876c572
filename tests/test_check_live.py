"""`pmkz check-live` against the replica standing in for the live site: coverage and
layers on readable markups, low coverage on the script-rendered one, and a site that
cannot be reached."""
from __future__ import annotations

import re
import socket

import pytest

from helpers import hidden_replica, pmkz


def check(*args: str):
    return pmkz("check-live", *args, check=False, timeout=120)


def coverage(stdout: str) -> dict[str, str]:
    """field -> its printed share, from the coverage table."""
    return dict(re.findall(r"^  (\w+) +(\d+%|-)", stdout, re.MULTILINE))


@pytest.mark.parametrize("skin, title_layer, date_layer", [
    ("modern", "h1", "selector:.article__date"),
    ("classic", "selector:h1.main-news-item__head", "selector:div.date"),
])
def test_a_readable_site_passes_and_names_the_layers(replica_factory, skin, title_layer, date_layer):
    replica = replica_factory("--articles", "25", "--skin", skin)
    result = check("--base-url", replica.url, "--articles", "3")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.rstrip().endswith("coverage ok")
    assert "coverage over 9 article pages:" in result.stdout
    shares = coverage(result.stdout)
    assert (shares["title"], shares["published"], shares["body"]) == ("100%", "100%", "100%")
    assert re.search(rf"^  title +100%  {re.escape(title_layer)} 9$", result.stdout, re.MULTILINE)
    assert re.search(rf"^  published +100%  {re.escape(date_layer)} 9$", result.stdout, re.MULTILINE)
    for lang, prefix in (("ru", "ru"), ("kk", "kz"), ("en", "en")):
        assert re.search(rf"^{lang}  {re.escape(replica.url)}/{prefix}/news: 20 article links", result.stdout, re.MULTILINE)


def test_markup_whose_body_cannot_be_read_is_low_coverage():
    replica = hidden_replica("--skin", "portal-scripted", "--articles", "5")
    try:
        result = check("--base-url", replica.url, "--articles", "2", "--lang", "ru,en")
    finally:
        replica.stop()
    assert result.returncode == 1
    assert coverage(result.stdout)["body"] == "0%" and coverage(result.stdout)["title"] == "100%"
    assert result.stdout.count("FAIL") == 4 and "no body" in result.stdout
    assert result.stdout.rstrip().splitlines()[-1] == "coverage LOW: body 0% (want 90%)"


def test_a_site_that_does_not_answer_is_one_line_and_exit_3():
    with socket.socket() as probe:  # a port nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = check("--base-url", f"http://127.0.0.1:{port}")
    assert result.returncode == 3 and result.stdout == ""
    assert result.stderr.startswith(f"pmkz check-live: error: cannot reach http://127.0.0.1:{port}/robots.txt")
    assert "no network" in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.parametrize("args", [("--lang", "de"), ("--articles", "0"), ("--base-url", "ftp://x"),
                                  ("--selectors", "/no/such/file.toml"), ("--bogus",)])
def test_wrong_options_are_one_line_and_exit_2(args):
    result = check(*args)
    assert result.returncode == 2 and result.stderr.startswith("pmkz check-live: error: ")
    assert result.stderr.count("\n") == 1
