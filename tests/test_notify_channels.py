"""Alerts through Apprise (notify/channels.py): a real SMTP server and Apprise's json://
on loopback, after real crawls of the replica's epochs 0 and 1; a channel down, the
saved searches' own channels, the daily digest, the message as a person reads it."""
from __future__ import annotations

import email
import re
import socket
import sqlite3
from email import policy
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from helpers import (EpochReplica, Receiver, changes_of_epoch_1, crawl_args, free_port, path_of, pmkz_here,
                     replica_truth)
from pmkz.cli import cli
from pmkz.config import from_env
from pmkz.notify import digest
from pmkz.notify.after_run import notify_after_run
from pmkz.notify.channels import channel_key, split_urls
from pmkz.notify.render import MOST_DIFF_CHARS, MOST_ITEMS, Links, html_body, subject
from pmkz.storage import Store, watches

BROWSE = "http://archive.test/pmkz"


class Mailbox:
    """aiosmtpd's handler: every email received, parsed."""

    def __init__(self):
        self.mails = []

    async def handle_DATA(self, server, session, envelope):
        self.mails.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def text_of(mail) -> str:
    return "\n".join(part.get_content() for part in mail.walk() if part.get_content_maintype() == "text")


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


# The news alone, 10 articles a language: what a channel is sent is the subject, not the
# kinds of item (test_notify's feeds and webhook carry the decisions).
SITE = ("--articles", "10", "--decisions", "0")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, forked):
    """Epoch 0 then 1 crawled with three channels: email, json:// and a json:// receiver
    that refuses everything (500) until a test lets it take messages."""
    workdir = tmp_path_factory.mktemp("channels")
    mailbox, port = Mailbox(), free_port()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=port)
    smtp.start()
    json_receiver, down = Receiver(), Receiver(failures=10 ** 9)
    urls = (f"mailto://pmkz@example.org?smtp=127.0.0.1&port={port}&to=reader@example.org&mode=insecure",
            "json://" + json_receiver.url.removeprefix("http://"), "json://" + down.url.removeprefix("http://"))
    env = {"PMKZ_NOTIFY": " ".join(urls), "PMKZ_WEBHOOK_BACKOFF": "0.05", "PMKZ_BROWSE_URL": BROWSE}
    site = EpochReplica(*SITE)
    try:
        results = [forked.run(site.at(0).url, workdir, "--no-images", env=env),
                   forked.run(site.at(1).url, workdir, "--no-images", "--full", env=env)]
    finally:
        site.current.stop()
    before, after = replica_truth("--epoch", "0", *SITE), replica_truth("--epoch", "1", *SITE)
    changes = [what for what, _ in changes_of_epoch_1(before, after).values()]
    new = len({path_of(r["url"]) for r in after} - {path_of(r["url"]) for r in before})
    yield SimpleNamespace(workdir=workdir, db=workdir / "pmkz.db", urls=urls, mailbox=mailbox, json=json_receiver,
                          down=down, results=results, first_new=len(before), new=new, gone=changes.count("gone"))
    smtp.stop()
    json_receiver.stop()
    down.stop()


def added_words(db_path) -> dict[str, set[str]]:
    """url -> the words the epoch's edit added to each edited item's body or headline."""
    db = sqlite3.connect(db_path)
    try:
        return {url: words(title + " " + body) - words(old_title + " " + old_body)
                for url, title, body, old_title, old_body in db.execute(
                    "SELECT i.url, i.title, i.body, v.title, v.body"
                    " FROM items i JOIN item_versions v ON v.item_url = i.url")}
    finally:
        db.close()


def test_an_email_carries_each_edit_added_words_and_links(crawled):
    assert [r.returncode for r in crawled.results] == [0, 0], crawled.results[-1].stderr
    first, second = crawled.mailbox.mails
    assert first["Subject"] == f"pmkz: {crawled.first_new} new (ru, kk, en)"
    assert (crawled.new, crawled.gone) == (9, 3)
    assert re.fullmatch(rf"pmkz: {crawled.new} new, \d+ changed, {crawled.gone} gone(, .+)? \(ru, kk, en\)",
                        second["Subject"])
    text = text_of(second)
    edits = {url: added for url, added in added_words(crawled.db).items() if added}
    assert len(edits) >= 3
    assert {url: added - words(text) for url, added in edits.items()} == {url: set() for url in edits}
    html = second.get_body(("html",)).get_content()
    assert f'{BROWSE}/items/' in html and f"{BROWSE}/-/archived/" in html


def test_a_json_channel_gets_the_same_message(crawled):
    first, second = crawled.json.messages
    assert first["title"] == f"pmkz: {crawled.first_new} new (ru, kk, en)"
    assert second["title"] == crawled.mailbox.mails[1]["Subject"]
    for url, added in added_words(crawled.db).items():
        assert added <= words(second["message"]), url


def test_a_channel_down_keeps_its_messages_for_the_next_run_and_the_others_get_theirs_once(crawled):
    queue = crawled.workdir / "webhook-outbox" / channel_key(crawled.urls[2])
    assert len(list(queue.glob("*.json"))) == 2
    assert crawled.down.attempts >= 2 and crawled.down.messages == []
    crawled.down.failures = 0  # back up
    with sqlite3.connect(crawled.db) as db:
        (last_run,) = db.execute("SELECT max(id) FROM crawl_runs").fetchone()
    notified = notify_after_run(crawled.db, last_run, feeds_dir=crawled.workdir / "feeds", site_url="http://x",
                                langs=["ru"], notify_urls=crawled.urls, webhook_backoff=0.05)
    assert notified.waiting == 0 and list(queue.glob("*.json")) == []
    assert [m["title"] for m in crawled.down.messages] == [m["title"] for m in crawled.json.messages]
    assert len(crawled.mailbox.mails) == 2 and len(crawled.json.messages) == 2


@pytest.fixture
def archive(crawled, tmp_path):
    """A copy of the crawled archive whose runs are not announced yet."""
    db_path = tmp_path / "pmkz.db"
    with sqlite3.connect(crawled.db) as source, sqlite3.connect(db_path) as copy:
        source.backup(copy)
        copy.execute("UPDATE notify_cursor SET run_id = 0")
    return db_path


@pytest.fixture(scope="module")
def two_receivers():
    started = [Receiver(), Receiver()]
    yield started
    for receiver in started:
        receiver.stop()


@pytest.fixture
def receivers(two_receivers):
    """The module's two receivers, with nothing received yet."""
    for receiver in two_receivers:
        receiver.messages, receiver.attempts, receiver.failures = [], 0, 0
    return two_receivers


def json_url(receiver) -> str:
    return "json://" + receiver.url.removeprefix("http://")


def test_a_saved_search_with_its_own_channel_goes_there_only(crawled, archive, tmp_path, receivers):
    shared, own = receivers
    with Store(archive) as store:
        title = store.db.execute("SELECT title FROM items i WHERE lang = 'en' AND NOT EXISTS (SELECT 1 FROM"
                                 " item_events e WHERE e.url = i.url AND e.event != 'new') LIMIT 1").fetchone()[0]
        watch = watches.add(store.db, f'"{title}"', "en", "2026-12-07T00:00:00+00:00", notify=json_url(own))
        watches.add(store.db, f'"{title}"', None, "2026-12-07T00:00:00+00:00")  # no channel of its own
    notify_after_run(archive, 2, feeds_dir=tmp_path / "feeds", site_url="http://x", langs=["en"],
                     notify_urls=(json_url(shared),), webhook_backoff=0.05)
    assert [m["title"] for m in own.messages] == [f"pmkz «{watch['query']}»: 1 new (en)"]
    # Run 1's, the saved search's without a channel of its own, run 2's.
    assert [m["title"] for m in shared.messages] == [
        f"pmkz: {crawled.first_new} new (ru, kk, en)", f'pmkz «"{title}"»: 1 new (en)', shared.messages[2]["title"]]
    assert shared.messages[2]["title"].startswith(f"pmkz: {crawled.new} new")


def test_cosmetic_edits_reach_the_channels_only_when_asked(archive, tmp_path, receivers):
    changed = []
    for cosmetic, receiver in zip((False, True), receivers):
        with sqlite3.connect(archive) as db:
            db.execute("UPDATE notify_cursor SET run_id = 0")  # the copy's runs told again
        notify_after_run(archive, 2, feeds_dir=tmp_path / "feeds", site_url="http://x", langs=["ru"],
                         notify_urls=(json_url(receiver),), cosmetic=cosmetic)
        changed.append(int(re.search(r"(\d+) changed", receiver.messages[-1]["title"])[1]))
    assert changed[1] > changed[0]


def test_the_daily_digest_tells_everything_since_the_last_once(crawled, archive, tmp_path, receivers):
    reader, _ = receivers
    with Store(archive) as store:
        digest.ensure(store.db, 0, "2026-12-06T12:00:00+00:00")  # made yesterday, before run 1

    def step():
        notify_after_run(archive, 2, feeds_dir=tmp_path / "feeds", site_url="http://x", langs=["ru"],
                         notify_urls=(json_url(reader),), daily_digest=True, webhook_backoff=0.05)

    step()
    step()  # the same day: no digest
    [message] = reader.messages
    assert re.fullmatch(rf"pmkz daily digest: {crawled.first_new + crawled.new} new, \d+ changed, {crawled.gone} gone"
                        r"(, .+)? \(ru, kk, en\)", message["title"])
    with Store(archive) as store:
        digest.move(store.db, 2, "2026-12-06T12:00:00+00:00")  # a day on, and nothing new since
    step()
    assert len(reader.messages) == 1
    with Store(archive) as store:
        assert digest.cursor(store.db)[0] == 2


def test_a_service_that_never_answers_cannot_outlast_the_deadline(archive, tmp_path):
    silent = socket.create_server(("127.0.0.1", 0))  # connections queue, nothing answers
    try:
        url = f"json://127.0.0.1:{silent.getsockname()[1]}/hook"
        notified = notify_after_run(archive, 2, feeds_dir=tmp_path / "feeds", site_url="http://x", langs=["ru"],
                                    notify_urls=(url,), deadline_seconds=1)  # its length is not the subject
    finally:
        silent.close()
    assert notified.deadline_reached and notified.waiting == 2
    assert len(list((tmp_path / "webhook-outbox" / channel_key(url)).glob("run-*.json"))) == 2


@pytest.mark.parametrize("last, now, due", [
    ("2026-12-07T18:59:00+00:00", "2026-12-07T19:01:00+00:00", True),  # midnight in Astana (UTC+5)
    ("2026-12-07T00:01:00+00:00", "2026-12-07T18:59:00+00:00", False),
    ("2026-12-07T19:01:00+00:00", "2026-12-07T19:00:00+00:00", False),  # a clock set back
])
def test_a_digest_is_due_once_the_site_date_has_changed(last, now, due):
    assert digest.due(last, now) is due


def test_a_message_reads_safely_and_stays_bounded():
    item = {"url": "https://primeminister.kz/ru/news/a-1", "lang": "ru", "title": "<script>x</script> & co",
            "published_date": "2024-03-09", "capture_id": 7}
    message = {"run": {"id": 3}, "new": [item] * (MOST_ITEMS + 5),
               "changed": [item | {"diff": "+ слово " * MOST_DIFF_CHARS, "significance": "substantive"}],
               "gone": [], "alerts": []}
    body = html_body(message, Links(BROWSE))
    assert "<script>" not in body and "&lt;script&gt;x&lt;/script&gt; &amp; co" in body
    assert body.count("<li>") == MOST_ITEMS + 1 and "and 5 more" in body and "(ru, 2024-03-09, substantive)" in body
    assert len(body) < 20 * MOST_DIFF_CHARS * (MOST_ITEMS + 1) and body.count("слово") < MOST_DIFF_CHARS
    assert f"{BROWSE}/-/archived/7" in body and f"{BROWSE}/items/https~3A~2F~2Fprimeminister" in body
    assert subject(message) == f"pmkz: {MOST_ITEMS + 5} new, 1 changed (ru)"
    without_archive = html_body(message, Links())
    assert "/items/" not in without_archive and 'href="https://primeminister.kz/ru/news/a-1"' in without_archive


def test_urls_split_on_space_and_on_commas_before_a_scheme():
    assert split_urls("mailto://u@example.org?to=a@x.org,b@x.org, ntfys://ntfy.sh/t  json://h/p") == [
        "mailto://u@example.org?to=a@x.org,b@x.org", "ntfys://ntfy.sh/t", "json://h/p"]


def test_a_bad_notify_url_is_one_line_and_nothing_is_crawled(tmp_path):
    # Refused before Scrapy starts: the command in this process says it as a process would.
    result = pmkz_here(*crawl_args("http://127.0.0.1:9", tmp_path), env={"PMKZ_NOTIFY": "ntfys://ntfy.sh/t tgram://"})
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "pmkz crawl: error: PMKZ_NOTIFY: URL 2 of 2 (tgram://...) is not one Apprise can send to:"
        " see https://github.com/caronc/apprise/wiki for its form"]
    assert not (tmp_path / "pmkz.db").exists()


@pytest.mark.parametrize("env, message", [
    ({"PMKZ_NOTIFY": "telegram-bot-token"}, "PMKZ_NOTIFY: URL 1 of 1 is not an Apprise URL"),
    ({"PMKZ_NOTIFY_DIGEST": "weekly"}, "PMKZ_NOTIFY_DIGEST must be daily, or empty"),
    ({"PMKZ_BROWSE_URL": "archive.example.org"}, "PMKZ_BROWSE_URL must start with http:// or https://"),
])
def test_bad_alert_settings_are_refused_naming_the_variable(env, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        from_env(env)


def test_watch_add_keeps_its_channels_and_refuses_a_bad_one(archive):
    runner = CliRunner()
    good = runner.invoke(cli, ["watch", "add", "Премьер", "--db", str(archive), "--notify",
                               "ntfys://ntfy.sh/topic", "--notify", "json://127.0.0.1:9/x"], catch_exceptions=False)
    assert good.exit_code == 0 and "to ntfys://..., json://..." in good.output
    bad = runner.invoke(cli, ["watch", "add", "Премьер", "--db", str(archive), "--notify", "tgram://"])
    assert bad.exit_code == 1 and "--notify: URL 1 of 1 (tgram://...)" in bad.output
    with Store(archive) as store:
        [watch] = watches.all_watches(store.db)
    assert split_urls(watch["notify"]) == ["ntfys://ntfy.sh/topic", "json://127.0.0.1:9/x"]


def test_the_daemon_config_names_the_channels_of_its_crawls(tmp_path, monkeypatch):
    from pmkz.scheduler.config import ConfigError, load

    monkeypatch.delenv("PMKZ_NOTIFY", raising=False)
    path = tmp_path / "daemon.toml"
    path.write_text('[notify]\nurls = ["ntfys://ntfy.sh/topic", "json://127.0.0.1:9/x"]\ndigest = "daily"\n')
    assert load(path).crawl_env() == {"PMKZ_NOTIFY": "ntfys://ntfy.sh/topic json://127.0.0.1:9/x",
                                      "PMKZ_NOTIFY_DIGEST": "daily"}
    path.write_text('[notify]\nurls = ["tgram://"]\n')
    with pytest.raises(ConfigError, match=r"daemon.toml: \[notify\] urls: URL 1 of 1 \(tgram://...\)"):
        load(path)
