"""A crawl of a replica that plays every fault kind stores every
retrievable item exactly once, lists each permanent failure, and a later run recovers
what became retrievable while changing nothing else.

Which page or image a fault hits is fixed by the replica's seed, so the tests work out
from `replica.faults` what each crawl must end with, page by page.
"""
from __future__ import annotations

import pytest

from helpers import (
    archive_problems, connect, failures, images_problems, items_problems, path_of, Replica, replica_truth,
    summary,
)
from pmkz.replica import faults

pytestmark = pytest.mark.slow

# A small replica (20 articles, 3 decisions a language: 69 pages, 101 images) with every
# kind at a rate high enough that each one is what some page or image gets (checked in
# test_every_fault_kind_was_played); the size of the site is not the subject.
ARTICLES = 20
FAULTS = ("500=0.08,503=0.08,429=0.08,slow=0.06,reset=0.08,truncate=0.08,empty=0.08,"
          "charset=0.08,broken=0.08,loop=0.05,huge=0.04")
# The timeout is for `slow` alone: every other answer must beat it on a machine busy with
# other work, a `huge` page too, whose size cap (8 MB) is met only after megabytes of
# streaming. Each request `slow` hits costs the crawl the timeout (holding one of its
# slots; a slow page is two in a row), so it is no longer than the others need, with room:
# on this 2-core machine at load 11-12, nine huge pages at once reached the cap within a
# 2 s timeout, and three recovery crawls side by side with a 2 s timeout timed out no
# ordinary answer (their retry counts equal to those with 4 s). A request that times out
# anyway is retried (three times by default; once in the recovery test).
TIMEOUT = ("--download-timeout", "3")
SMALL_ANSWERS_TIMEOUT = ("--download-timeout", "3")
# A slow answer comes well after either timeout, so that a late timer still fires first.
SLOW = ("--slow-seconds", "30")
# What a failure says once a transient fault outlasted every attempt.
GAVE_UP = {
    "500": "HTTP 500", "503": "HTTP 503", "429": "HTTP 429",
    "slow": "no complete answer within the download timeout",
    "reset": "connection lost", "truncate": "body cut short",
    "empty": "200 answer with an empty body",
}
FATAL_ERROR = {"loop": "redirect loop", "huge": "larger than the download size cap"}


def transient_kind(plan: faults.Faults, path: str) -> str | None:
    return next((kind for kind in faults.TRANSIENT if plan.hits(kind, path)), None)


def snapshot(workdir) -> dict:
    db = connect(workdir / "pmkz.db")
    try:
        return {
            "items": {r["url"]: dict(r) for r in db.execute("SELECT * FROM items")},
            "images": sorted(tuple(r) for r in db.execute("SELECT * FROM images")),
            "failures": failures(db),
            "files": {str(p.relative_to(workdir / "images")): p.stat().st_mtime_ns
                      for p in (workdir / "images").rglob("*") if p.is_file()},
        }
    finally:
        db.close()


@pytest.fixture(scope="module")
def faulty(tmp_path_factory, forked):
    workdir = tmp_path_factory.mktemp("faulty")
    replica = Replica("--articles", str(ARTICLES), "--faults", FAULTS, *SLOW)
    try:
        first = forked.run(replica.url, workdir, *TIMEOUT)
        before = snapshot(workdir)
        second = forked.run(replica.url, workdir, *TIMEOUT)
        after = snapshot(workdir)
        truth = replica.truth()
    finally:
        replica.stop()
    rates = faults.parse(FAULTS)
    # "everything": the records of the same site without a fault, every page the lists link.
    return {"workdir": workdir, "truth": truth, "everything": replica_truth("--articles", str(ARTICLES)),
            "plan": faults.Faults(rates, 0), "first": first, "second": second, "before": before, "after": after}


def test_first_crawl_stores_every_retrievable_item_once(faulty):
    first = summary(faulty["first"])
    print(f"\nfault mix {FAULTS}: {len(faulty['truth'])} items expected, {first['new']} stored; "
          f"{first['retries']} of {first['requests']} requests were retries")
    # What the fault mix leaves retrievable: every page the lists link but those a FATAL
    # kind hits (worked out here from the plan, not from the replica's truth).
    retrievable = [r for r in faulty["everything"] if not faulty["plan"].fatal(path_of(r["url"]))]
    assert first["new"] == len(faulty["truth"]) == len(retrievable)
    assert archive_problems(faulty["workdir"] / "pmkz.db", faulty["truth"], faulty["workdir"] / "images") == []


def test_every_fault_kind_was_played(faulty):
    plan = faulty["plan"]
    paths = [path_of(r["url"]) for r in faulty["everything"]]
    for kind in faults.KINDS:
        assert any(plan.hits(kind, p) for p in paths), kind
    # Each transient kind is the one played on some page that is not failed for good,
    # and on some image (a kind earlier in TRANSIENT wins where two hit).
    images = {path_of(u) for r in faulty["truth"] for u in r["image_urls"]}
    for kind in faults.TRANSIENT:
        assert any(transient_kind(plan, p) == kind and not plan.fatal(p) for p in paths), kind
        assert any(transient_kind(plan, p) == kind for p in images), kind
    for kind in faults.FATAL:
        assert any(plan.fatal(p) == kind for p in paths), kind
    # The readable kinds hit pages that are stored, field for field (test above).
    stored = set(map(path_of, faulty["before"]["items"]))
    assert any(plan.hits("charset", p) and p in stored for p in paths)
    assert any(plan.hits("broken", p) and p in stored for p in paths)


def test_each_permanent_failure_is_listed_and_nothing_else(faulty):
    plan = faulty["plan"]
    fatal = {path_of(r["url"]): plan.fatal(path_of(r["url"])) for r in faulty["everything"]}
    fatal = {path: kind for path, kind in fatal.items() if kind}
    listed = faulty["before"]["failures"]
    assert sorted(listed) == sorted(fatal)
    for path, kind in fatal.items():
        assert listed[path]["kind"] == "fetch"
        assert FATAL_ERROR[kind] in listed[path]["error"], listed[path]
    assert summary(faulty["first"])["failed"] == len(fatal)


def test_retries_cover_every_transient_fault(faulty):
    # Each page or image a transient kind hits fails twice, then answers: two retries
    # each, at least (a retry may also follow an ordinary timeout on a busy machine).
    # A reset on a kept-alive connection is retried by Twisted itself, unseen by the count.
    plan = faulty["plan"]
    pages = {path_of(r["url"]) for r in faulty["everything"]}
    images = {path_of(u) for r in faulty["truth"] for u in r["image_urls"]}
    kinds = [transient_kind(plan, p) for p in pages if not plan.fatal(p)]
    kinds += [transient_kind(plan, p) for p in images]
    counted = [kind for kind in kinds if kind and kind != "reset"]
    assert summary(faulty["first"])["retries"] >= 2 * len(counted)


def test_second_crawl_changes_nothing(faulty):
    second = summary(faulty["second"])
    assert (second["new"], second["changed"], second["gone"]) == (0, 0, 0)
    assert second["failed"] == len(faulty["before"]["failures"])
    before, after = faulty["before"], faulty["after"]
    assert {u: {k: v for k, v in row.items() if k != "last_seen"} for u, row in after["items"].items()} == \
           {u: {k: v for k, v in row.items() if k != "last_seen"} for u, row in before["items"].items()}
    assert after["images"] == before["images"]
    assert after["files"] == before["files"]
    assert sorted(after["failures"]) == sorted(before["failures"])
    assert {row["attempts"] for row in after["failures"].values()} == {2}


# A small replica where every transient kind hits some pages and images, crawled with a
# single retry per request: each faulted request answers badly twice, so a page or image
# a kind hits fails in one run and must come through in the next. Eight articles (33
# pages, 45 images) at 0.12 are enough for each kind to hit a page (the test checks it)
# and for `slow` to hit an image too; with this seed no image `slow` hits belongs to a
# page that fails in the first run, so only the first run waits out slow answers (each
# costs two timeouts), not the second as well.
RECOVERY_ARTICLES = 8
RECOVERY_FAULTS = ",".join(f"{kind}=0.12" for kind in faults.TRANSIENT)


def test_later_runs_recover_pages_and_images_that_failed(tmp_path, forked):
    plan = faults.Faults(faults.parse(RECOVERY_FAULTS), 0)
    env = {"PMKZ_RETRY_TIMES": "1"}
    with Replica("--articles", str(RECOVERY_ARTICLES), "--faults", RECOVERY_FAULTS, *SLOW) as replica:
        truth = replica.truth()
        hit = {path_of(r["url"]): transient_kind(plan, path_of(r["url"])) for r in truth}
        hit = {path: kind for path, kind in hit.items() if kind}
        assert set(hit.values()) == set(faults.TRANSIENT)

        first = forked.run(replica.url, tmp_path, *SMALL_ANSWERS_TIMEOUT, env=env)
        db = connect(tmp_path / "pmkz.db")
        try:
            listed = {p: f for p, f in failures(db).items() if f["kind"] != "image"}
            stored = {path_of(u) for (u,) in db.execute("SELECT url FROM items")}
        finally:
            db.close()
        # A reset on a kept-alive connection is re-sent by Twisted on a fresh one, which
        # uses up the second faulted request: such a page may come through at once.
        absorbed = {path for path, kind in hit.items() if kind == "reset" and path in stored}
        assert sorted(listed) == sorted(set(hit) - absorbed)
        assert summary(first)["new"] == len(truth) - len(listed), first.stderr
        for path, failure in listed.items():
            assert failure["kind"] == "fetch" and GAVE_UP[hit[path]] in failure["error"], failure
        # An empty or cut-short answer is never taken for a page: nothing half-stored,
        # no parse failure with a saved page.
        assert not stored & set(listed)
        assert not (tmp_path / "failed-pages").exists()

        second = forked.run(replica.url, tmp_path, *SMALL_ANSWERS_TIMEOUT, env=env)
        assert summary(second)["new"] == len(listed), second.stderr
        third = forked.run(replica.url, tmp_path, *SMALL_ANSWERS_TIMEOUT, env=env)
        assert summary(third)["new"] == 0, third.stderr

    assert archive_problems(tmp_path / "pmkz.db", truth, tmp_path / "images") == []
    db = connect(tmp_path / "pmkz.db")
    try:
        assert failures(db) == {}
    finally:
        db.close()


def test_retry_after_longer_than_the_allowed_wait_leaves_the_page_for_a_later_run(tmp_path, forked):
    # Every page and image answers 429 with Retry-After: 1 to its first two requests.
    with Replica("--articles", "3", "--faults", "429=1") as replica:
        truth = replica.truth()
        impatient = forked.run(replica.url, tmp_path, env={"PMKZ_MAX_RETRY_WAIT": "0.5"})
        first = summary(impatient)
        assert (first["new"], first["failed"], first["retries"]) == (0, len(truth), 0)
        patient = summary(forked.run(replica.url, tmp_path))
    images = {u for r in truth for u in r["image_urls"]}
    files = {u for r in truth for u in r.get("attachment_urls") or ()}
    assert patient["new"] == len(truth)
    # Waited out as asked: a page has one more 429 to go, an image or a decision's file
    # (never asked for yet) two.
    assert patient["retries"] == len(truth) + 2 * (len(images) + len(files))
    db = connect(tmp_path / "pmkz.db")
    try:
        assert items_problems(db, truth) == []
        assert images_problems(db, tmp_path / "images", truth) == []
        assert failures(db) == {}
    finally:
        db.close()


def test_images_only_from_the_configured_hosts(tmp_path, forked):
    # No decisions: their attached files come from the site's own host, images only
    # from the hosts named.
    with Replica("--articles", "2", "--decisions", "0") as replica:
        truth = replica.truth()
        result = forked.run(replica.url, tmp_path, env={"PMKZ_IMAGE_HOSTS": "images.example.invalid"})
    assert summary(result)["new"] == len(truth)
    images = {u for r in truth for u in r["image_urls"]}
    assert images
    db = connect(tmp_path / "pmkz.db")
    try:
        assert items_problems(db, truth) == []
        assert db.execute("SELECT count(*) FROM images").fetchone()[0] == 0
        skipped = failures(db)
        assert sorted(skipped) == sorted(path_of(u) for u in images)
        assert {(f["kind"], f["error"]) for f in skipped.values()} == {
            ("image", "not fetched: 127.0.0.1 is not an image host (PMKZ_IMAGE_HOSTS)")}
    finally:
        db.close()
    assert not [p for p in (tmp_path / "images").rglob("*") if p.is_file()]
