"""Settings that come from the environment, with their defaults, in one place.

Facts about the site itself are in pmkz/site.py."""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pmkz.site import LIVE_BASE_URL



@dataclass(frozen=True)
class Config:
    db_path: Path
    images_dir: Path
    base_url: str
    # Where each run's JSON message is POSTed; from the environment only, so that no
    # credential embedded in the URL ever lands in a file of the repository.
    webhook_url: str | None = None
    # Seconds before the first webhook retry; each further retry waits twice as long.
    webhook_backoff: float = 1.0
    # Seconds the notify step may spend delivering, retries included; what is left
    # waits in the outbox for the next run.
    notify_deadline: float = 60.0
    # Whether messages tell cosmetic edits too (white space, punctuation, quotes, letter
    # case: storage/diffs.py); by default they are left out.
    notify_cosmetic: bool = False
    # Apprise URLs (notify/channels.py) that get each run's message; from the
    # environment or the daemon's configuration only, as the webhook's.
    notify_urls: tuple[str, ...] = ()
    # "daily": PMKZ_NOTIFY's channels get one digest a site-day instead.
    notify_digest: str | None = None
    # The archive's database in a public Datasette, for the messages' links.
    browse_url: str | None = None


def from_env(env: os._Environ | dict | None = None) -> Config:
    """The settings; a value of the wrong type or range raises ValueError naming it."""
    env = os.environ if env is None else env
    webhook_url = env.get("PMKZ_WEBHOOK_URL") or None
    if webhook_url:
        check_url(webhook_url, "PMKZ_WEBHOOK_URL")
    base_url = env.get("PMKZ_BASE_URL", LIVE_BASE_URL).rstrip("/")
    check_url(base_url, "PMKZ_BASE_URL")
    browse_url = (env.get("PMKZ_BROWSE_URL") or "").rstrip("/")
    return Config(
        db_path=Path(env.get("PMKZ_DB", "data/pmkz.db")),
        images_dir=Path(env.get("PMKZ_IMAGES_DIR", "data/images")),
        base_url=base_url,
        webhook_url=webhook_url,
        webhook_backoff=_seconds(env, "PMKZ_WEBHOOK_BACKOFF", 1.0),
        notify_deadline=_seconds(env, "PMKZ_NOTIFY_DEADLINE", 60.0, least=1.0),
        notify_cosmetic=_switch(env.get("PMKZ_NOTIFY_COSMETIC", ""), "PMKZ_NOTIFY_COSMETIC"),
        notify_urls=notify_urls(env.get("PMKZ_NOTIFY"), "PMKZ_NOTIFY"),
        notify_digest=notify_digest(env.get("PMKZ_NOTIFY_DIGEST"), "PMKZ_NOTIFY_DIGEST"),
        browse_url=check_url(browse_url, "PMKZ_BROWSE_URL") if browse_url else None,
    )


def notify_urls(raw, name: str) -> tuple[str, ...]:
    """Apprise URLs, each checked; Apprise is imported only when some are given."""
    if not raw:
        return ()
    from pmkz.notify.channels import check_urls

    return check_urls(raw, name)


def notify_digest(raw: str | None, name: str) -> str | None:
    value = (raw or "").strip().lower()
    if value not in ("", "daily"):
        raise ValueError(f"{name} must be daily, or empty for a message per run, not {raw!r}")
    return value or None


def check_url(url: str, name: str) -> str:
    """An absolute http(s) URL with a host; ValueError naming the option otherwise."""
    try:
        parts = urlsplit(url)
        parts.port  # raises for a port that is not a number or out of range
    except ValueError as error:
        raise ValueError(f"{name} is not a valid URL ({error}): {url!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{name} must start with http:// or https:// and name a host, not {url!r}")
    return url


def _switch(raw: str, name: str) -> bool:
    value = raw.strip()
    if value not in ("", "0", "1"):
        raise ValueError(f"{name} must be 1 (on) or 0 (off), not {raw!r}")
    return value == "1"


def _seconds(env, name: str, default: float, most: float = 3600.0, least: float = 0.0) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (least <= value <= most):
        raise ValueError(f"{name} must be a number of seconds from {least:g} to {most:g}, not {raw!r}")
    return value
