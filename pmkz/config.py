"""Settings that come from the environment, with their defaults, in one place.

Facts about the site itself are in pmkz/site.py."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

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


def from_env(env: os._Environ | dict | None = None) -> Config:
    env = os.environ if env is None else env
    return Config(
        db_path=Path(env.get("PMKZ_DB", "data/pmkz.db")),
        images_dir=Path(env.get("PMKZ_IMAGES_DIR", "data/images")),
        base_url=env.get("PMKZ_BASE_URL", LIVE_BASE_URL).rstrip("/"),
        webhook_url=env.get("PMKZ_WEBHOOK_URL") or None,
        webhook_backoff=float(env.get("PMKZ_WEBHOOK_BACKOFF", "1")),
    )
