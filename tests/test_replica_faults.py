"""`pmkz replica --faults`: each kind does what CONTRACT.md says, on the pages it should."""
from __future__ import annotations

import contextlib
import http.client
import json
import re
import threading
from urllib.parse import urlsplit

import lxml.html
import pytest

from helpers import crude_text, pmkz_here, replica_truth
from pmkz.commands.replica import command as replica_command
from pmkz.replica import build_site, faults
from pmkz.replica.server import ReplicaServer

ARTICLES, SLOW_SECONDS = 3, 1.0
OPTIONS = ("--articles", str(ARTICLES), "--slow-seconds", str(SLOW_SECONDS))
DEFAULTS = {option.name: option.default for option in replica_command.params}


@contextlib.contextmanager
def replica_serving(*options: str):
    """`pmkz replica OPTIONS --faults SPEC` (the only option given here) served from a
    thread of this process by the command's own server and site, with the command's
    defaults: what the replica answers is the subject, not its process. Yields the base URL."""
    [spec] = [value for flag, value in zip(options, options[1:]) if flag == "--faults"]
    site = build_site(ARTICLES, DEFAULTS["epoch"], DEFAULTS["seed"], DEFAULTS["per_day"], DEFAULTS["decisions"])
    server = ReplicaServer("127.0.0.1", 0, site, DEFAULTS["skin"], faults.parse(spec), SLOW_SECONDS)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def get(base: str, path: str, timeout: float = 5) -> tuple:
    """(status, headers, body), or the name of the exception the request ended in."""
    split = urlsplit(base)
    connection = http.client.HTTPConnection(split.hostname, split.port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    except (OSError, http.client.HTTPException) as error:
        return type(error).__name__
    finally:
        connection.close()


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return replica_truth(*OPTIONS)


def targets(records: list[dict]) -> tuple[str, str]:
    page = next(r for r in records if r["image_urls"])
    return urlsplit(page["url"]).path, urlsplit(page["image_urls"][0]).path


@pytest.mark.parametrize("kind, first", [
    ("500", 500), ("503", 503), ("429", 429), ("reset", "ConnectionResetError"),
    ("truncate", "IncompleteRead"), ("empty", 200),
])
def test_transient_faults_hit_the_first_two_requests_of_pages_and_images(records, kind, first):
    page, image = targets(records)
    with replica_serving(*OPTIONS, "--faults", f"{kind}=1") as replica:
        for path in (page, image):
            answers = [get(replica.base_url, path) for _ in range(3)]
            for answer in answers[:2]:
                assert (answer if isinstance(answer, str) else answer[0]) == first, (kind, path)
            assert answers[2][0] == 200 and len(answers[2][2]) > 0
            if kind == "429":
                assert answers[0][1]["Retry-After"] == "1"
            if kind == "empty":
                assert answers[0][2] == b"" and "ETag" not in answers[0][1]
        assert get(replica.base_url, "/ru/news")[0] == 200
        assert get(replica.base_url, "/robots.txt")[0] == 200


def test_slow_answers_after_the_timeout_then_promptly(records):
    page, _ = targets(records)
    with replica_serving(*OPTIONS, "--faults", "slow=1") as replica:
        assert get(replica.base_url, page, timeout=0.5) == "TimeoutError"
        assert get(replica.base_url, page, timeout=3)[0] == 200  # the second one waits and is served
        assert get(replica.base_url, page, timeout=0.5)[0] == 200


def test_charset_serves_the_legacy_code_page_it_declares(records):
    codecs = {"ru": "windows-1251", "en": "windows-1251", "kk": "kz1048"}
    with replica_serving(*OPTIONS, "--faults", "charset=1") as replica:
        for record in records:
            status, headers, body = get(replica.base_url, urlsplit(record["url"]).path)
            codec = codecs[record["lang"]]
            assert status == 200 and headers["Content-Type"] == f"text/html; charset={codec}"
            assert f'<meta charset="{codec}">'.encode() in body
            text = crude_text(body.decode(codec).encode("utf-8"))
            for paragraph in [record["title"], *record["body"].split("\n\n")]:
                assert paragraph in text


def test_broken_markup_is_still_readable(records):
    with replica_serving(*OPTIONS, "--faults", "broken=1") as replica:
        for record in records:
            status, _, body = get(replica.base_url, urlsplit(record["url"]).path)
            assert status == 200
            assert re.search(rb"</h1></span></font>", body) and not re.search(rb"</p>\s*<p[\s>]", body)
            tree = lxml.html.fromstring(re.sub(rb"<br\s*/?>", b" ", body))
            assert " ".join(tree.xpath("string(//h1)").split()) == record["title"]
            # An article's text, or a decision's (modern skin).
            [content] = tree.xpath("//div[contains(@class, 'article__body') or contains(@class, 'document__body')]")
            text = " ".join("".join(content.itertext()).split())
            for paragraph in record["body"].split("\n\n"):
                assert paragraph in text


def test_loop_and_huge_fail_for_good_and_leave_the_truth(records):
    page, image = targets(records)
    with replica_serving(*OPTIONS, "--faults", "loop=1") as replica:
        for _ in range(3):
            status, headers, _ = get(replica.base_url, page)
            assert status == 302 and headers["Location"] == page
        assert get(replica.base_url, image)[0] == 200
    with replica_serving(*OPTIONS, "--faults", "huge=1") as replica:
        status, headers, body = get(replica.base_url, page, timeout=20)
        assert status == 200 and headers["Transfer-Encoding"] == "chunked" and len(body) > 20 * 1024 * 1024
    assert pmkz_here("replica", "--dump-truth", *OPTIONS, "--faults", "loop=1").stdout == ""


def test_which_pages_a_kind_hits_is_fixed_by_seed_and_rate():
    paths = [f"/ru/news/page-{n}" for n in range(4000)]
    plan = faults.Faults({"500": 0.1}, seed=0)
    hit = {p for p in paths if plan.hits("500", p)}
    assert 0.08 < len(hit) / len(paths) < 0.12
    assert hit == {p for p in paths if faults.Faults({"500": 0.1}, seed=0).hits("500", p)}
    assert hit != {p for p in paths if faults.Faults({"500": 0.1}, seed=1).hits("500", p)}
    assert not any(plan.hits("503", p) for p in paths)


def test_dump_truth_leaves_out_exactly_the_pages_that_fail_for_good(records):
    kept = pmkz_here("replica", "--dump-truth", *OPTIONS, "--faults", "loop=0.5").stdout.splitlines()
    kept_paths = {urlsplit(json.loads(line)["url"]).path for line in kept}
    assert 0 < len(kept_paths) < len(records)
    with replica_serving(*OPTIONS, "--faults", "loop=0.5") as replica:
        for record in records:
            path = urlsplit(record["url"]).path
            assert (get(replica.base_url, path)[0] == 200) == (path in kept_paths)


@pytest.mark.parametrize("spec, says", [
    ("500", "rate"), ("500=2", "rate"), ("500=x", "rate"), ("boom=0.1", "unknown fault kind"),
    ("500=0.1,500=0.2", "twice"),
])
def test_malformed_specs_are_refused(spec, says):
    with pytest.raises(ValueError, match=says):
        faults.parse(spec)
    result = pmkz_here("replica", "--faults", spec, "--articles", "1")
    assert result.returncode != 0 and result.stderr.startswith("pmkz replica: error: --faults: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_good_spec_parses():
    assert faults.parse("500=0.1, slow=0.05,charset=1") == {"500": 0.1, "slow": 0.05, "charset": 1.0}
    assert faults.parse("") == {}
