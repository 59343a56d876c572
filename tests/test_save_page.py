"""`pmkz save-page URL` against the replica standing in for the live site: the page as
served, its sidecar, and a parser test that fails until its values are filled in."""
from __future__ import annotations

import hashlib
import json
import re
import socket
import subprocess
import sys
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from helpers import Replica, pmkz_here

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def site():
    """The replica and one article of it that shows a time and a summary."""
    replica = Replica("--articles", "6")
    records = replica.truth()
    yield replica, [r for r in records if r["published_at"] and r["summary"]][0]
    replica.stop()


def pmkz(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    """`pmkz ARGS` in this process (save-page fetches with urllib, no reactor: the
    process is not the subject); `check`: it must exit 0."""
    result = pmkz_here(*args)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def run_pytest(test: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_saves_the_page_its_sidecar_and_a_test_to_fill_in(site, tmp_path):
    replica, record = site
    url = replica.url + urlsplit(record["url"]).path
    result = pmkz("save-page", url, "--out", str(tmp_path / "files" / "pages"), "--tests-dir", str(tmp_path))
    [page] = (tmp_path / "files" / "pages").glob("*.html")
    name = page.stem
    assert name == "live-" + urlsplit(url).path.split("/")[1] + "-" + urlsplit(url).path.rsplit("/", 1)[1]
    assert f"saved {page}" in result.stdout

    served = urllib.request.urlopen(url).read()
    assert page.read_bytes() == served
    sidecar = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    assert (sidecar["url"], sidecar["final_url"], sidecar["status"]) == (url, url, 200)
    assert sidecar["sha1"] == hashlib.sha1(served).hexdigest()
    fetched = datetime.fromisoformat(sidecar["fetched_at"])
    assert fetched.tzinfo is not None and fetched <= datetime.now(timezone.utc)

    test = tmp_path / f"test_page_{name.replace('-', '_')}.py"
    unfilled = run_pytest(test)
    assert unfilled.returncode == 1 and "8 failed" in unfilled.stdout
    assert "is not filled in yet" in unfilled.stdout

    paragraphs = record["body"].split("\n\n")
    values = {"title": record["title"], "published_date": record["published_date"],
              "published_at": record["published_at"], "summary": record["summary"],
              "first_paragraph": paragraphs[0], "last_paragraph": paragraphs[-1],
              "paragraphs": len(paragraphs), "images": len(record["image_urls"])}
    source = test.read_text(encoding="utf-8")
    for field, value in values.items():
        source = re.sub(rf'^    "{field}": FILL_IN,', f"    {field!r}: {value!r},", source, flags=re.MULTILINE)
    test.write_text(source, encoding="utf-8")
    filled = run_pytest(test)
    assert filled.returncode == 0 and "8 passed" in filled.stdout, filled.stdout


def test_refuses_to_overwrite_and_to_save_an_error_page(site, tmp_path):
    replica, record = site
    url = replica.url + urlsplit(record["url"]).path
    options = ("--out", str(tmp_path), "--tests-dir", str(tmp_path), "--name", "page")
    pmkz("save-page", url, *options)
    again = pmkz("save-page", url, *options, check=False)
    assert again.returncode == 1 and "exists; pass --force" in again.stderr
    assert pmkz("save-page", url, *options, "--force").returncode == 0
    missing = pmkz("save-page", replica.url + "/en/news/no-such-page-1", "--out", str(tmp_path / "x"),
                   "--tests-dir", str(tmp_path / "x"), check=False)
    assert missing.returncode == 1 and "answered HTTP 404; nothing saved" in missing.stderr
    assert not (tmp_path / "x").exists()


def test_an_unreachable_site_is_one_line_and_exit_3(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = pmkz("save-page", f"http://127.0.0.1:{port}/ru/news/a-1", "--out", str(tmp_path), check=False)
    assert result.returncode == 3 and result.stderr.count("\n") == 1
    assert result.stderr.startswith("pmkz save-page: error: cannot reach")
    assert list(tmp_path.iterdir()) == []


# --name is a name, never a path.
def test_save_page_name_cannot_leave_its_folders(site, tmp_path):
    replica, _ = site
    out, tests = tmp_path / "a" / "b" / "pages", tmp_path / "a" / "b" / "tests"
    result = pmkz("save-page", f"{replica.url}/en/news", "--out", str(out), "--tests-dir", str(tests),
                  "--name", "../../../x", check=False)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "pmkz save-page: error: --name must be letters, digits, - and _ (no path, no dots), not '../../../x'"]
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
